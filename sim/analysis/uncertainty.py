"""A batch under deep uncertainty, read back: each scenario's outcomes per draw, the
draws' parameter values, which draws have a plausible baseline, which assumptions drive
an effect, and where a policy fails (scenario discovery).

A batch made with ``southflank batch ... --uncertain N`` (or ``run_batch(...,
uncertain=N)``) runs every scenario at N Latin-hypercube draws of the registry's
uncertain parameters with the same replicate seeds, so within a draw the scenarios are
paired run by run, and across draws the effects differ by their assumptions. A batch
without draws is one draw (the registry's defaults); every function here works on it.

Scenario discovery follows Bryant and Lempert (2010): PRIM (Friedman and Fisher 1999)
through the EMA Workbench finds boxes of the parameter space where a policy misses its
goal, each with its coverage (the share of all failing draws inside the box) and
density (the share of draws inside the box that fail).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..batch.compare import PAIR_KEYS, statistic_rows
from ..params import REGISTRY
from . import plausibility

MIN_PRIM_DRAWS = 200
"""Draws below which the brief leaves scenario discovery to the notebook: PRIM on fewer
points finds boxes that do not replicate (Bryant and Lempert 2010 use hundreds)."""
TOP_DRIVERS = 5
PRIM_DENSITY = 0.8
"""The density a discovered box should reach: four in five of its draws miss the goal."""


def is_uncertain(manifest: Mapping) -> bool:
    """True for a batch whose design points are draws of the uncertain parameters."""
    return bool((manifest.get("design") or {}).get("uncertain", False))


def draws_table(manifest: Mapping) -> pd.DataFrame:
    """The design's points, one row per point (index: point), one column per varied
    parameter; empty columns for a batch without a design."""
    design = manifest.get("design") or {}
    points = design.get("points") or [{}]
    frame = pd.DataFrame(points, columns=list(design.get("parameters") or []))
    frame.index.name = "point"
    return frame


def outcome_scores(
    monthly: pd.DataFrame,
    scenarios: Sequence[str],
    metric: str,
    date: str,
    window: int | str | None = None,
) -> tuple[dict[str, np.ndarray], list[int], int]:
    """Each scenario's (draws, replicates) array of a metric's statistic at `date`
    (`sim.batch.compare.statistic_rows`: its level, or its sum over the window).

    Only the draws and replicates every scenario has are kept, in the same order, so
    row k of every array is the same draw and column r the same seed. Returns the
    arrays, the draws' point numbers and the number of months the statistic reads."""
    tables = {}
    months = 1
    for name in scenarios:
        df = monthly[monthly["scenario"] == name]
        rows, m = statistic_rows(df, date, [metric], window)
        months = m[metric]
        tables[name] = rows.pivot_table(
            index="point", columns="replicate", values=metric, aggfunc="first"
        )
    points = sorted(set.intersection(*(set(t.dropna().index) for t in tables.values())))
    reps = sorted(set.intersection(*(set(t.columns) for t in tables.values())))
    out = {k: t.loc[points, reps].to_numpy(dtype=float) for k, t in tables.items()}
    return out, points, months


def _safe(check, run) -> bool | None:
    """A bound's check on one run; None when the run cannot show it (it ends before
    the bound's month, or lacks a state the bound names)."""
    try:
        return bool(check(run))
    except (KeyError, IndexError, ValueError):
        return None


@dataclass
class Plausibility:
    """Which draws' baselines pass the plausibility suite (sim.analysis.plausibility).

    ``draws``: one row per draw (index point) with ``passes`` (every checkable bound
    met by its required share of the draw's baseline runs) and ``failed`` (the bounds
    it misses). ``bounds``: per bound, the share of all baseline runs passing, the
    required share and the number of runs it could be checked on."""

    draws: pd.DataFrame
    bounds: pd.DataFrame

    @property
    def share(self) -> float:
        """The share of draws whose baseline passes."""
        return float(self.draws["passes"].mean()) if len(self.draws) else float("nan")


def plausibility_by_draw(batch, baseline: str) -> Plausibility:
    """Run the plausibility bounds on the baseline's runs, draw by draw.

    Reads only the baseline's rows of the country and event tables (a batch stores
    them unless it was asked not to; without them nothing can be checked and every
    draw is reported as unchecked)."""
    flt = [("scenario", "==", baseline)]
    countries = batch.read("countries", filters=flt)
    events = batch.read("events", filters=flt)
    monthly = batch.read("monthly", filters=flt)
    runs = monthly[["run_id", "point"]].drop_duplicates()
    rows, per_bound = [], {b.name: [] for b in plausibility.BOUNDS}
    by_run_c = dict(tuple(countries.groupby("run_id"))) if len(countries) else {}
    by_run_e = dict(tuple(events.groupby("run_id"))) if len(events) else {}
    by_run_m = dict(tuple(monthly.groupby("run_id")))
    empty_e = events.iloc[0:0]
    for point, group in runs.groupby("point"):
        tables = [
            plausibility.RunTables(
                by_run_m[r], by_run_c.get(r, countries.iloc[0:0]), by_run_e.get(r, empty_e)
            )
            for r in group["run_id"]
        ]
        failed, checked = [], 0
        for b in plausibility.BOUNDS:
            results = [x for x in (_safe(b.check, t) for t in tables) if x is not None]
            per_bound[b.name] += results
            if not results:
                continue
            checked += 1
            if np.mean(results) < b.required:
                failed.append(b.name)
        rows.append(
            {
                "point": point,
                "passes": checked > 0 and not failed,
                "checked": checked,
                "failed": ", ".join(failed),
            }
        )
    bounds = pd.DataFrame(
        [
            {
                "bound": b.name,
                "text": b.text,
                "share": float(np.mean(per_bound[b.name])) if per_bound[b.name] else np.nan,
                "required": b.required,
                "runs": len(per_bound[b.name]),
            }
            for b in plausibility.BOUNDS
        ]
    )
    return Plausibility(pd.DataFrame(rows).set_index("point"), bounds)


def drivers(parameters: pd.DataFrame, effect: np.ndarray, top: int = TOP_DRIVERS) -> pd.DataFrame:
    """The uncertain parameters whose values rank an effect best across the draws:
    |Spearman| of each parameter with the per-draw effect, strongest first.

    With N draws a correlation below about 2/sqrt(N) is indistinguishable from none;
    the table says so in ``clear`` (|rho| above that bound)."""
    from scipy.stats import spearmanr

    effect = np.asarray(effect, dtype=float)
    n = len(effect)
    rows = []
    if n >= 3 and np.ptp(effect) > 0:
        for name in parameters.columns:
            x = parameters[name].to_numpy(dtype=float)
            if np.ptp(x) == 0:
                continue
            rho = float(spearmanr(x, effect).statistic)
            if np.isfinite(rho):
                rows.append({"parameter": name, "spearman": rho})
    out = pd.DataFrame(rows, columns=["parameter", "spearman"])
    out = out.reindex(out["spearman"].abs().sort_values(ascending=False).index).head(top)
    out["clear"] = out["spearman"].abs() > 2 / np.sqrt(max(n, 1))
    out["description"] = [REGISTRY[p].description for p in out["parameter"]]
    out["draws"] = n
    return out.reset_index(drop=True)


@dataclass
class Discovery:
    """A PRIM box: where the policy misses its goal.

    ``restrictions``: the restricted parameters with the box's range and the registry's
    range; ``coverage`` and ``density`` as defined in the module docstring; ``failing``
    the share of all draws that miss the goal; ``draws`` the number of draws."""

    goal: str
    restrictions: pd.DataFrame
    coverage: float
    density: float
    failing: float
    draws: int


def discover(parameters: pd.DataFrame, failed: np.ndarray, goal: str) -> Discovery | None:
    """PRIM (EMA Workbench) on the draws: a box of parameter values where most draws
    miss the goal. None when every draw or no draw misses it (nothing to discover)."""
    with warnings.catch_warnings():  # EMA warns about optional parallel back-ends
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    y = np.asarray(failed, dtype=bool)
    x = parameters.loc[:, parameters.nunique() > 1].reset_index(drop=True)
    if y.all() or not y.any() or x.shape[1] == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x, y).find_box()
        # the box with the most coverage among those dense enough (or the densest)
        traj = box.peeling_trajectory
        dense = traj[traj["density"] >= min(PRIM_DENSITY, traj["density"].max())]
        chosen = int(dense.sort_values(["coverage", "density"]).index[-1])
        box.select(chosen)
    lims = box.box_lims[chosen]
    full_lo, full_hi = x.min(), x.max()
    rows = []
    for name in lims.columns:
        lo, hi = float(lims.at[0, name]), float(lims.at[1, name])
        if lo > full_lo[name] + 1e-12 or hi < full_hi[name] - 1e-12:
            p = REGISTRY[name]
            rows.append(
                {
                    "parameter": name,
                    "box_low": lo,
                    "box_high": hi,
                    "range_low": p.low,
                    "range_high": p.high,
                    "description": p.description,
                }
            )
    return Discovery(
        goal,
        pd.DataFrame(rows),
        float(box.coverage),
        float(box.density),
        float(y.mean()),
        len(y),
    )


def feature_scores(parameters: pd.DataFrame, outcome: np.ndarray, top: int = 12) -> pd.Series:
    """Extra-trees feature scores (EMA Workbench `feature_scoring`) of the parameters
    for an outcome across draws (regression), highest first."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring

    x = parameters.loc[:, parameters.nunique() > 1].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores, *_ = feature_scoring.get_ex_feature_scores(
            x,
            np.asarray(outcome, dtype=float),
            mode=feature_scoring.RuleInductionType.REGRESSION,
            random_state=20250701,
        )
    return scores.iloc[:, 0].sort_values(ascending=False).head(top)


__all__ = [
    "MIN_PRIM_DRAWS",
    "PAIR_KEYS",
    "Discovery",
    "Plausibility",
    "discover",
    "draws_table",
    "drivers",
    "feature_scores",
    "is_uncertain",
    "outcome_scores",
    "plausibility_by_draw",
]
