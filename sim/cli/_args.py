"""The command line's one vocabulary: the same flag means the same thing in every
command (tests/test_cli_vocabulary.py checks each command's parser against it).

==============  ==============================================================
``--baseline``  NAME: the scenario the others are compared with (compare,
                report; explain and sweep when they exist)
``--parent``    NAME: the scenario a scenario is diffed against (diff only)
``--horizon``   YYYY[-MM]: the month read; a bare year is its June, the end of a
                model year (`sim.calendar.horizon_month`); commands that read
                several horizons take them comma-separated
``--window``    N or ``cum``: the metric's statistic (the monthly mean) over the N
                months up to the horizon, or over every month from the start
``--metrics``   comma-separated metric names (``southflank parameters`` and
                docs/ODD.md list them)
==============  ==============================================================

It also turns a library error that names an argument (`sim.errors.ArgumentError`:
``replicates: must be at least 1``) into the same message with the flag the user typed
(``--replicates: must be at least 1``), exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence
from functools import cache

from ..batch.storage import BatchError
from ..calendar import horizon_month
from ..errors import ArgumentError
from . import InputError

BASELINE = "--baseline"
PARENT = "--parent"
HORIZON = "--horizon"
WINDOW = "--window"
METRICS = "--metrics"
VOCABULARY = (BASELINE, PARENT, HORIZON, WINDOW, METRICS)
# Flags that mean what the vocabulary's flags mean, spelt otherwise: never to be used.
MISSPELT = {
    "--base": BASELINE,
    "--reference": BASELINE,
    "--against": BASELINE,
    "--horizons": HORIZON,
    "--year": HORIZON,
    "--years": HORIZON,
    "--month": HORIZON,
    "--date": HORIZON,
    "--metric": METRICS,
    "--windows": WINDOW,
}


def add_baseline(p: argparse.ArgumentParser, default: str | None, help: str) -> None:
    p.add_argument(BASELINE, default=default, metavar="NAME", help=help)


def add_horizon(
    p: argparse.ArgumentParser, default: str | None, help: str, several: bool = False
) -> None:
    """``--horizon YYYY[-MM]`` (comma-separated when the command reads several)."""
    metavar = "YYYY[-MM][,...]" if several else "YYYY[-MM]"
    p.add_argument(HORIZON, default=default, metavar=metavar, help=help)


def add_window(p: argparse.ArgumentParser, default: int | str, help: str) -> None:
    p.add_argument(WINDOW, default=str(default), metavar="N|cum", help=help)


def add_metrics(p: argparse.ArgumentParser, help: str) -> None:
    p.add_argument(METRICS, default=None, metavar="NAME[,NAME...]", help=help)


SET = "--set"


def add_set(p: argparse.ArgumentParser) -> None:
    """``--set NAME=VALUE`` (repeatable): one registry parameter or lever for this
    invocation, as if written in the scenario file."""
    p.add_argument(
        SET,
        dest="settings",
        action="append",
        default=None,
        metavar="NAME=VALUE",
        help="set a registry parameter or lever for every scenario (repeatable; "
        "`southflank parameters NAME` shows its range)",
    )


def set_values(items: list[str] | None) -> dict[str, float]:
    """``--set a=1 --set b=0.2`` -> {'a': 1.0, 'b': 0.2}; names are checked by the library."""
    out: dict[str, float] = {}
    for item in items or []:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not name or not sep:
            raise InputError(f"{SET} {item!r}: write NAME=VALUE, e.g. trust_decay=0.02")
        if name in out:
            raise InputError(f"{SET}: {name} is given twice")
        try:
            out[name] = float(text)
        except ValueError:
            raise InputError(f"{SET} {item!r}: {text.strip()!r} is not a number") from None
    return out


def load_scenario(name: str, settings: dict[str, float]):
    """A shipped name or file, with the ``--set`` values written in (bad names exit 2
    naming the flag)."""
    from .. import library
    from ..scenario import ScenarioError

    scenario = library.load(name)
    with library_errors():
        try:
            return library.with_settings(scenario, settings)
        except ScenarioError as exc:  # the file is fine: the value given with --set is not
            raise InputError(
                "; ".join(
                    f"{SET}: {p.field + ': ' if p.field else ''}{p.message}" for p in exc.problems
                )
            ) from None


def metrics_list(text: str | None) -> list[str] | None:
    """``--metrics a,b`` -> ['a', 'b'] (None when not given); checked by the library."""
    if text is None:
        return None
    names = [m.strip() for m in text.split(",") if m.strip()]
    if not names:
        raise InputError(f"{METRICS}: give metric names separated by commas, got {text!r}")
    return names


def horizon_value(text: str) -> int | str:
    """One ``--horizon`` value: a bare year as an int (read at its June), a month as
    'YYYY-MM'; InputError naming the flag otherwise."""
    text = text.strip()
    try:
        month = horizon_month(text)
    except ValueError as exc:
        raise InputError(f"{HORIZON}: {exc}") from None
    return int(text) if text.isdigit() else month


def horizon_list(text: str) -> list[int | str]:
    """``--horizon 2027,2030-03`` -> [2027, '2030-03'] (each checked)."""
    items = [h for h in text.replace(" ", "").split(",") if h]
    if not items:
        raise InputError(f"{HORIZON}: give YYYY or YYYY-MM values separated by commas")
    return [horizon_value(h) for h in items]


def window_value(text: str) -> int | str:
    """``--window 12`` -> 12, ``--window cum`` -> 'cum' (its range is the library's)."""
    text = str(text).strip()
    if text == "cum":
        return text
    if not text.isdigit():
        raise InputError(f"{WINDOW}: give a number of months or 'cum', got {text!r}")
    return int(text)


@cache
def _options() -> dict[str, str]:
    """Every optional argument of every command: destination -> its flag."""
    from . import build_parser

    out: dict[str, str] = {}
    for parser in _subparsers(build_parser()):
        for action in parser._actions:
            if action.option_strings and action.dest != "help":
                out.setdefault(action.dest, max(action.option_strings, key=len))
    return out


def _subparsers(parser: argparse.ArgumentParser) -> Sequence[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices.values())
    return []


def flag(argument: str) -> str:
    """The command-line spelling of a library argument (``chunk_size`` ->
    ``--chunk-size``); an argument no command has as a flag keeps its name."""
    return _options().get(argument, argument)


@contextlib.contextmanager
def library_errors() -> Iterator[None]:
    """Bad input found by the library becomes an InputError (exit code 2) that names
    the flag where the library named its argument."""
    try:
        yield
    except ArgumentError as exc:
        raise InputError(f"{flag(exc.argument)}: {exc.detail}") from None
    except BatchError as exc:
        raise InputError(str(exc)) from None
