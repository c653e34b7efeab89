"""The `southflank` command line: a thin shell over the library.

Each command is a module of this package with ``COMMAND`` (its name), ``HELP`` (one
line), ``add_arguments(parser)`` and ``run(args) -> int``, as SALib's CLI modules
are; `main` discovers them, so adding a command touches no other file. Commands
only parse arguments and call `sim` functions that notebooks can call too.

Exit codes: 0 success, 1 failure while running (a dead worker, a full disk: one line
and the command that continues; an internal error: one line, the traceback in a log
file, printed with --debug), 2 bad input (file, field or argument), 130 interrupted
(Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import pkgutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from ..errors import ArgumentError
from ..scenario import ScenarioError

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


class InputError(Exception):
    """Bad user input outside a scenario file (a folder, an argument combination)."""


def seed_arg(text: str) -> int:
    """--seed: a whole number from 0 to 2**63 - 1 (argparse turns the ValueError into
    exit code 2 naming the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2**63-1, got {text}")
    return value


def _known_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean bad input (exit code 2, a message, no traceback)."""
    from ..batch.storage import BatchError
    from ..params import ParameterRangeError, UnknownParameterError

    # ArgumentError covers the library's named-argument errors: a design, an
    # executor, an output folder (sim.io.FolderError), a plan, a sensitivity setting
    return (
        ScenarioError,
        InputError,
        ArgumentError,
        BatchError,
        ParameterRangeError,
        UnknownParameterError,
    )


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
    debug_help = "print the traceback of an internal error (it always goes to a log file)"
    parser.add_argument("--debug", action="store_true", help=debug_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for mod in _commands():
        p = sub.add_parser(mod.COMMAND, help=mod.HELP, description=mod.__doc__)
        mod.add_arguments(p)
        # also after the command (`southflank run ... --debug`)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help)
        p.set_defaults(_run=mod.run)
    return parser


def _on_sigterm(signum, frame):
    """SIGTERM ends a command as Ctrl-C does: workers stopped, state recorded."""
    raise KeyboardInterrupt


def _write_log(exc: BaseException) -> Path | None:
    """The traceback of an internal error, in a log file; None if it cannot be written."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"southflank-error-{stamp}-{os.getpid()}.log"
    try:
        path.write_text(
            f"southflank {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(exc)),
            encoding="utf-8",
        )
    except OSError:
        return None
    return path


def _os_error(exc: OSError) -> str:
    what = exc.strerror or str(exc)
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full writing{where} ({what}); free some space and run the command again"
    return f"cannot use{where}: {what}"


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit codes: 0 success, 1 failure while running, 2 bad input,
    130 interrupted (Ctrl-C or SIGTERM)."""
    args = build_parser().parse_args(argv)
    previous = None
    with contextlib.suppress(ValueError):  # not the main thread (main() from a thread)
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return int(args._run(args) or 0)
    except _known_errors() as exc:
        text = str(exc)
        if isinstance(exc, ArgumentError):  # named as the flag the user typed
            from ._args import flag

            text = f"{flag(exc.argument)}: {exc.detail}"
        print(f"error: {text}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from ..batch.storage import BatchAborted

        if isinstance(exc, BatchAborted):
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_FAILED
        if isinstance(exc, OSError) and exc.errno is not None:
            print(f"error: {_os_error(exc)}", file=sys.stderr)
            return EXIT_FAILED
        log = _write_log(exc)
        if args.debug:
            traceback.print_exception(exc, file=sys.stderr)
        where = f"; the traceback is in {log}" if log else ""
        print(
            f"internal error: {type(exc).__name__}: {exc}{where} (--debug prints it); "
            "please report it with the command you ran",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
