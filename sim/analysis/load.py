"""Loading a batch folder, and the one check every analysis function makes of its input.

There is one way to read a batch: `sim.batch.load`. This module re-exports it under the
analysis namespace so a notebook needs one import, and holds `require`, the single place
where a frame handed to an analysis function is checked for the columns it needs (the
SALib lesson: validate the shared input once, with a message that names what is
missing and what is there).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

RUN_KEYS = ("run_id", "scenario", "point", "replicate", "seed")
"""Columns that identify a run in every tidy table of a batch."""


def load(path: str | Path):
    """Read a batch folder written by ``southflank batch`` (see `sim.batch.load`).

    Returns the batch object with ``.manifest`` (dict) and the tidy frames ``.runs``,
    ``.monthly``, ``.countries`` and ``.events``.
    """
    from ..batch import load as batch_load

    return batch_load(path)


RESULTS_ENV = "SOUTHFLANK_RESULTS"


def _checkout_root(start: Path) -> Path | None:
    """The source checkout holding `start` (a folder with pyproject.toml and sim/), if any."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "sim" / "__init__.py").is_file():
            return folder
    return None


def results_dir(name: str | None = None, *, cwd: str | Path | None = None) -> Path:
    """Where results go, the same from a notebook, a script or the command line's folder:
    ``$SOUTHFLANK_RESULTS`` when set, else the ``results/`` folder of the source checkout
    the working folder is in (so a notebook run from ``notebooks/`` writes beside the
    others), else ``./results``. With `name`, that batch's folder inside it.
    """
    here = Path(cwd) if cwd is not None else Path.cwd()
    env = os.environ.get(RESULTS_ENV)
    if env:
        root = Path(env)
    else:
        checkout = _checkout_root(here.resolve())
        root = checkout / "results" if checkout is not None else here / "results"
    return root / name if name else root


def require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise ValueError naming the missing columns of ``df`` (called ``what``)."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what} lacks column(s) {', '.join(missing)}; it has: {', '.join(map(str, df.columns))}"
        )


def scenarios_in(df: pd.DataFrame, scenarios: Iterable[str] | None = None) -> list[str]:
    """The scenarios to show, in order: the given ones (checked) or those of ``df``.

    Order matters because it fixes each scenario's look (style.looks): the batch's own
    order, i.e. first appearance, keeps the baseline first in every figure.
    """
    present = list(dict.fromkeys(df["scenario"]))
    if scenarios is None:
        return present
    chosen = [scenarios] if isinstance(scenarios, str) else list(scenarios)
    unknown = [s for s in chosen if s not in present]
    if unknown:
        raise ValueError(
            f"scenario(s) {', '.join(unknown)} not in the data; present: {', '.join(present)}"
        )
    return chosen
