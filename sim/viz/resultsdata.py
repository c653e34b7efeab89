"""Numbers for the results explorer, computed from a batch's tables.

Pure functions of the frames that `sim.batch.load(DIR)` returns (``.runs``,
``.monthly``, ``.countries`` and ``.manifest``; layout in sim/batch/storage.py), so
notebooks can call them too. A fan is the median and the 50% and 90% bands of a metric
over all runs of a scenario (replicates and design points) per month; an alignment map
is, per country, the share of runs in which it is aligned with one side at a month.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..geography import load_region
from ..params import REGISTRY

QUANTILES = {"q05": 0.05, "q25": 0.25, "q50": 0.5, "q75": 0.75, "q95": 0.95}
MANIFEST = "manifest.json"
MAP_QUANTITIES = {
    "P(Russia-aligned)": ("russia", "share of runs with alignment < -aligned_threshold"),
    "P(West-aligned)": ("west", "share of runs with alignment > aligned_threshold"),
    "Median stability": ("stability", "median over runs of the stability index"),
}


def results_root() -> Path:
    """Where batch folders are looked for: $SOUTHFLANK_RESULTS_DIR or ./results."""
    return Path(os.environ.get("SOUTHFLANK_RESULTS_DIR") or "results")


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


def fan(monthly: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Median and 50/90% bands of one metric over runs, per scenario and month.

    Returns columns scenario, date, runs, q05, q25, q50, q75, q95 (sorted by date).
    """
    if metric not in monthly.columns:
        raise KeyError(f"metric {metric!r} is not in the batch's monthly table")
    g = monthly.groupby(["scenario", "date"], sort=True)[metric]
    out = pd.DataFrame({name: g.quantile(q) for name, q in QUANTILES.items()})
    out.insert(0, "runs", g.size())
    return out.reset_index()


def run_thresholds(runs: pd.DataFrame, manifest: dict | None = None) -> pd.Series:
    """Each run's aligned_threshold: its override in params_json, else the default."""
    default = (
        (manifest or {})
        .get("parameter_defaults", {})
        .get("aligned_threshold", REGISTRY["aligned_threshold"].default)
    )

    def one(blob) -> float:
        if isinstance(blob, str) and blob:
            return float(json.loads(blob).get("aligned_threshold", default))
        return float(default)

    col = runs["params_json"] if "params_json" in runs.columns else pd.Series(None, runs.index)
    return pd.Series([one(b) for b in col], index=runs["run_id"].to_numpy(), name="threshold")


def month_in_year(dates, year: int) -> str:
    """The last month of `year` among the dates (or the last date before it)."""
    dates = sorted(set(map(str, dates)))
    if not dates:
        raise ValueError("the batch has no monthly rows")
    inside = [d for d in dates if d.startswith(f"{year:04d}-")]
    if inside:
        return inside[-1]
    before = [d for d in dates if d < f"{year:04d}-"]
    return before[-1] if before else dates[0]


def country_values(
    countries: pd.DataFrame,
    runs: pd.DataFrame,
    date: str,
    quantity: str,
    manifest: dict | None = None,
) -> pd.DataFrame:
    """Per scenario and country, one number for the map at a month.

    Args:
        quantity: a key of MAP_QUANTITIES.

    Returns columns scenario, iso3, value, runs.
    """
    if quantity not in MAP_QUANTITIES:
        raise ValueError(f"unknown quantity {quantity!r}; allowed: {', '.join(MAP_QUANTITIES)}")
    kind = MAP_QUANTITIES[quantity][0]
    at = countries[countries["date"] == date]
    if kind == "stability":
        g = at.groupby(["scenario", "iso3"])["stability"]
        out = pd.DataFrame({"value": g.median(), "runs": g.size()})
        return out.reset_index()
    thr = run_thresholds(runs, manifest)
    t = at["run_id"].map(thr).to_numpy(dtype=float)
    a = at["alignment"].to_numpy(dtype=float)
    hit = (a < -t) if kind == "russia" else (a > t)
    frame = pd.DataFrame(
        {
            "scenario": at["scenario"].to_numpy(),
            "iso3": at["iso3"].to_numpy(),
            "hit": hit.astype(float),
        }
    )
    g = frame.groupby(["scenario", "iso3"])["hit"]
    return pd.DataFrame({"value": g.mean(), "runs": g.size()}).reset_index()


def country_field(values: dict[str, float]) -> np.ndarray:
    """A (W, H) grid field with each country's value on its cells, NaN elsewhere."""
    labels = load_region().labels
    out = np.full(labels.shape, np.nan)
    for code, value in values.items():
        out[labels == code] = value
    return out
