"""Where the results explorer finds batches, and what its map choices mean.

The numbers themselves come from sim.analysis, the library behind the brief and the
notebooks, so the explorer shows what they show: fans are
`sim.analysis.quantile_bands`, a year is read as every horizon is
(`sim.analysis.resolve_date`: 2030 is 2030-06), and an alignment map is
`sim.analysis.country_values` with each run's own threshold.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.summaries import country_values
from ..geography import load_region

MANIFEST = "manifest.json"
MAP_QUANTITIES = {
    "P(Russia-aligned)": ("russia", "share of runs with alignment < -aligned_threshold"),
    "P(West-aligned)": ("west", "share of runs with alignment > aligned_threshold"),
    "Median stability": ("stability", "median over runs of the stability index"),
}


def results_root() -> Path:
    """Where batch folders are looked for: $SOUTHFLANK_RESULTS_DIR (set by
    ``southflank viz --results``), else where results go (`sim.analysis.results_dir`)."""
    from ..analysis.load import results_dir

    return Path(os.environ.get("SOUTHFLANK_RESULTS_DIR") or results_dir())


def list_batches(root: Path | None = None) -> list[Path]:
    """Batch folders (holding a manifest.json) directly under root, newest first."""
    root = results_root() if root is None else Path(root)
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: (p / MANIFEST).stat().st_mtime, reverse=True)


def load_batch(path: str | Path):
    """Open a batch folder with the batch module's reader (`sim.batch.load`)."""
    from ..batch import load

    return load(path)


def map_values(batch, when: str | int | None, quantity: str) -> pd.DataFrame:
    """Per scenario and country, one number for the map (`MAP_QUANTITIES`) at a month
    (a year is its June): columns scenario, iso3, value, n_runs, date."""
    if quantity not in MAP_QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; allowed: {', '.join(MAP_QUANTITIES)}")
    kind = MAP_QUANTITIES[quantity][0]
    if kind == "stability":
        return country_values(batch.countries, "stability", when)
    return country_values(
        batch.countries,
        "alignment",
        when,
        aligned=kind,
        runs=batch.runs,
        manifest=batch.manifest,
    )


def country_field(values: dict[str, float]) -> np.ndarray:
    """A (W, H) grid field with each country's value on its cells, NaN elsewhere."""
    labels = load_region().labels
    out = np.full(labels.shape, np.nan)
    for code, value in values.items():
        out[labels == code] = value
    return out
