"""The `southflank` command line: a thin shell over the library.

Each command is a module of this package with ``COMMAND`` (its name), ``HELP`` (one
line), ``add_arguments(parser)`` and ``run(args) -> int``, as SALib's CLI modules
are; `main` discovers them, so adding a command touches no other file. Commands
only parse arguments and call `sim` functions that notebooks can call too.

Exit codes: 0 success, 1 failure while running, 2 bad input (file, field or argument),
130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from ..scenario import ScenarioError

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """Bad user input outside a scenario file (a folder, an argument combination)."""


def _commands():
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "COMMAND"):
            mods.append(mod)
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 50), m.COMMAND))


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="southflank",
        description="Southern Flank: an agent-based simulation of NATO's southern neighbourhood.",
    )
    parser.add_argument("--version", action="version", version=f"southflank {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for mod in _commands():
        p = sub.add_parser(mod.COMMAND, help=mod.HELP, description=mod.__doc__)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
