"""Paired comparisons of scenarios against a baseline, with confidence intervals.

In a batch, replicate i of every scenario and design point runs with the same seed
(common random numbers), so the fair comparison is paired: for each (point,
replicate) take the scenario's value minus the baseline's, then a Student t interval
over those differences. Pairing removes the noise the two runs share, so intervals are
much narrower than a comparison of two independent samples.

A horizon is a month: a bare year Y means June of Y (the end of a model year,
`sim.calendar.horizon_month`), 'YYYY-MM' that month; it is read at the last month
present when the run ends before it, and left out when it is before the run starts.

Verdicts: ``too few replicates to tell`` when fewer than MIN_PAIRS pairs exist (an
interval from two points says little), ``no clear difference`` when the interval
contains 0, otherwise ``higher`` or ``lower`` than the baseline.

These are plain functions on the ``monthly`` frame of `sim.batch.load`, so the
analysis library and notebooks use the same statistics as `southflank compare`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..calendar import HORIZON_MONTH, horizon_month
from ..errors import ArgumentError
from ..outcomes import HEADLINE, MODEL_METRICS
from ..params import suggest

DEFAULT_HORIZONS = (2027, 2030, 2035)
# re-exported: the horizon's one meaning lives in sim.calendar
__all__ = ["HORIZON_MONTH", "horizon_date", "paired_effects", "paired_interval"]
CONFIDENCE = 0.95
MIN_PAIRS = 3
TOO_FEW = "too few replicates to tell"
NO_CLEAR = "no clear difference"
PAIR_KEYS = ("point", "replicate", "seed")
COLUMNS = (
    "scenario",
    "metric",
    "horizon",
    "date",
    "n",
    "baseline_mean",
    "scenario_mean",
    "difference",
    "ci_low",
    "ci_high",
    "verdict",
)


def check_metrics(metrics: Iterable[str] | None) -> list[str]:
    """The metric names to compare (sim.outcomes.HEADLINE by default); ArgumentError
    (``metrics``) naming the allowed names for an unknown one."""
    if metrics is None:
        return list(HEADLINE)
    known = [m.name for m in MODEL_METRICS]
    out = []
    for m in metrics:
        if m not in known:
            raise ArgumentError(
                "metrics", f"unknown metric {m!r}{suggest(m, known)}; allowed: {', '.join(known)}"
            )
        out.append(m)
    return out


def horizon_date(dates: Iterable[str], when: int | str) -> str | None:
    """The month that stands for a horizon (a year or 'YYYY-MM', `horizon_month`)
    among the dates present: itself, or the last month when the runs end before it."""
    dates = sorted(set(dates))
    if not dates:
        return None
    target = horizon_month(when)
    if target in dates:
        return target
    if dates[-1] < target:
        return dates[-1]
    return None


def paired_interval(diff: np.ndarray, confidence: float = CONFIDENCE):
    """Mean of paired differences and its Student t confidence interval: the project's
    one estimator of a difference under common random numbers.

    `diff` holds the differences along its last axis: a 1-D array gives three floats
    (mean, low, high); an array of several rows (e.g. design points x replicates) gives
    three arrays, one value per row. With fewer than two pairs the bounds are NaN.
    """
    diff = np.asarray(diff, dtype=float)
    n = diff.shape[-1]
    mean = np.full(diff.shape[:-1], math.nan) if n == 0 else diff.mean(axis=-1)
    if n < 2:
        low = high = np.full(np.shape(mean), math.nan)
    else:
        from scipy import stats  # imported here: a batch's head process never needs it

        se = diff.std(axis=-1, ddof=1) / math.sqrt(n)
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
        low, high = mean - half, mean + half
    if diff.ndim == 1:
        return float(mean), float(low), float(high)
    return mean, low, high


def verdict(n: int, low: float, high: float) -> str:
    if n < MIN_PAIRS or math.isnan(low):
        return TOO_FEW
    if low <= 0.0 <= high:
        return NO_CLEAR
    return "higher" if low > 0 else "lower"


def paired_effects(
    monthly_df: pd.DataFrame,
    baseline: str,
    horizons: Sequence[int | str] = DEFAULT_HORIZONS,
    metrics: Sequence[str] | None = None,
    *,
    by_point: bool = False,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Each scenario's paired difference from the baseline per metric and horizon.

    Args:
        monthly_df: the ``monthly`` table of a batch (columns scenario, point,
            replicate, seed, date and the metrics).
        baseline: the baseline scenario's name.
        horizons: years (read at June) or 'YYYY-MM' months (or the last month present).
        metrics: metric names (default: sim.outcomes.HEADLINE).
        by_point: one row per design point instead of pooling over the design.
        confidence: the interval's coverage (default 0.95).

    Returns:
        One row per scenario, metric and horizon (and point) with columns COLUMNS
        (plus ``point`` when `by_point`): n pairs, the two means, the mean difference,
        its interval and a verdict.
    """
    metrics = check_metrics(metrics)
    present = set(monthly_df.scenario.unique()) if len(monthly_df) else set()
    if baseline not in present:
        raise ArgumentError(
            "baseline",
            f"{baseline!r} is not a scenario of the batch{suggest(baseline, present)}; "
            f"scenarios: {', '.join(sorted(present)) or 'none'}",
        )
    keys = list(PAIR_KEYS)
    base = monthly_df[monthly_df.scenario == baseline]
    rows = []
    for name in [s for s in pd.unique(monthly_df.scenario) if s != baseline]:
        other = monthly_df[monthly_df.scenario == name]
        common = set(base.date) & set(other.date)
        for year in horizons:
            date = horizon_date(common, year)
            if date is None:
                continue
            b = base.loc[base.date == date, keys + metrics]
            o = other.loc[other.date == date, keys + metrics]
            pairs = o.merge(b, on=keys, suffixes=("", "__base"))
            groups = pairs.groupby("point") if by_point else [(None, pairs)]
            for point, g in groups:
                for m in metrics:
                    diff = (g[m] - g[f"{m}__base"]).to_numpy(dtype=float)
                    mean, low, high = paired_interval(diff, confidence)
                    row = {
                        "scenario": name,
                        "metric": m,
                        "horizon": year,
                        "date": date,
                        "n": len(diff),
                        "baseline_mean": float(g[f"{m}__base"].mean()) if len(g) else math.nan,
                        "scenario_mean": float(g[m].mean()) if len(g) else math.nan,
                        "difference": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "verdict": verdict(len(diff), low, high),
                    }
                    if by_point:
                        row["point"] = point
                    rows.append(row)
    cols = list(COLUMNS) + (["point"] if by_point else [])
    return pd.DataFrame(rows, columns=cols)


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.4g}"


def table_lines(effects: pd.DataFrame) -> list[list[str]]:
    """Rows of text cells for printing: header first."""
    head = ["scenario", "metric", "horizon", "n", "baseline", "difference", "95% CI", "verdict"]
    out = [head]
    for r in effects.itertuples(index=False):
        out.append(
            [
                r.scenario,
                r.metric,
                r.date if str(r.horizon) in (r.date, r.date[:4]) else f"{r.horizon} ({r.date})",
                str(r.n),
                _fmt(r.baseline_mean),
                _fmt(r.difference),
                f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]",
                r.verdict,
            ]
        )
    return out


def to_text(effects: pd.DataFrame) -> str:
    """A plain, aligned text table."""
    lines = table_lines(effects)
    widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in lines
    )


def to_markdown(effects: pd.DataFrame, title: str = "") -> str:
    """A Markdown table (compare.md)."""
    lines = table_lines(effects)
    md = [f"# {title}", ""] if title else []
    md.append("| " + " | ".join(lines[0]) + " |")
    md.append("|" + "---|" * len(lines[0]))
    md += ["| " + " | ".join(row) + " |" for row in lines[1:]]
    return "\n".join(md) + "\n"


def save(effects: pd.DataFrame, out: Path, title: str = "") -> list[Path]:
    """Write compare.csv and compare.md into a folder, each atomically."""
    from ..io import write_text_atomic

    paths = []
    for name, text in (
        ("compare.csv", effects.to_csv(index=False)),
        ("compare.md", to_markdown(effects, title)),
    ):
        paths.append(write_text_atomic(Path(out) / name, text))
    return paths
