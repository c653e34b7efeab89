"""Does a policy's advantage survive the assumptions we are unsure of?

A policy comparison at the registry's defaults is one point of the parameter space.
Run the baseline and each policy at many points of it (a sensitivity design's base
points, or any design) with the same seeds, and ask per headline metric: in which
share of the points is the policy better than the baseline, worse, or clearly better
(the paired 95% interval over replicates excludes zero, the one estimator of
`sim.batch.compare.paired_interval`); which parameter its effect depends on most; and
in which share of the points the order of all scenarios is the order of their means.

"Better" follows the metric's direction in sim.outcomes.HEADLINE (+1: higher is better
for the Alliance, -1: lower; metrics outside it count lower as better).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..batch.compare import CONFIDENCE, paired_interval
from ..outcomes import HEADLINE

CONSTANT_RTOL = 1e-9  # effects that vary less than this (relative) count as constant
DRIVER_MIN = 0.5  # |Spearman| below which no parameter is named as an effect's driver
COLUMNS = (
    "metric",
    "policy",
    "effect",
    "effect_p05",
    "effect_p95",
    "share_better",
    "share_worse",
    "share_clearly_better",
    "driver",
    "driver_spearman",
)


def direction(metric: str) -> int:
    """+1 if a higher value of the metric is better for the Alliance, -1 if lower."""
    return HEADLINE.get(metric, -1)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def _driver(parameters: pd.DataFrame | None, effect: np.ndarray) -> tuple[str, float]:
    """The parameter whose values rank the effect best (|Spearman| over the points)."""
    if parameters is None or parameters.shape[1] == 0:
        return "", float("nan")
    varies = np.ptp(effect) > CONSTANT_RTOL * max(1.0, float(np.abs(effect).max()))
    corr = [
        abs(_spearman(parameters[c].to_numpy(dtype=float), effect)) if varies else 0.0
        for c in parameters.columns
    ]
    corr = [0.0 if np.isnan(c) else c for c in corr]
    j = int(np.argmax(corr))
    return (parameters.columns[j] if corr[j] >= DRIVER_MIN else ""), float(corr[j])


def policy_robustness(
    metric: str,
    baseline: np.ndarray,
    policies: Mapping[str, np.ndarray],
    parameters: pd.DataFrame | None = None,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Each policy against the baseline across the points of a design.

    Args:
        metric: the metric compared (its HEADLINE direction says what "better" means).
        baseline, policies: (points, replicates) outputs under common random numbers:
            row k of every array is design point k, column r replicate r.
        parameters: the parameter values at the points (one row per point, one column
            per varied parameter), to name the driver of each effect; None: no driver.
        confidence: coverage of the paired interval behind ``share_clearly_better``.

    Returns:
        One row per policy (COLUMNS): the mean effect (policy - baseline, in the
        metric's unit) with the 5th and 95th percentiles of its point means, the share
        of points where it is better, worse, and better with a paired interval over
        replicates that excludes zero (NaN with one replicate), and the parameter its
        effect depends on most with that |Spearman| (driver '' below DRIVER_MIN).
    """
    sign = direction(metric)
    rows = []
    for name, y in policies.items():
        d = np.asarray(y, dtype=float) - np.asarray(baseline, dtype=float)
        mean, low, high = paired_interval(d, confidence)
        effect = mean * sign
        clear_low = np.where(sign > 0, low, -high)
        clear = float(np.mean(clear_low > 0)) if d.shape[1] >= 2 else float("nan")
        driver, rho = _driver(parameters, effect)
        rows.append(
            {
                "metric": metric,
                "policy": name,
                "effect": float(d.mean()),
                "effect_p05": float(np.percentile(mean, 5)),
                "effect_p95": float(np.percentile(mean, 95)),
                "share_better": float(np.mean(effect > 0)),
                "share_worse": float(np.mean(effect < 0)),
                "share_clearly_better": clear,
                "driver": driver,
                "driver_spearman": rho,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def ranking_held(metric: str, scores: Mapping[str, np.ndarray]) -> float:
    """Share of the design points at which the order of all scenarios equals the order
    of their means over the whole design (ties at a point do not break it).

    Args:
        metric: the metric compared (its HEADLINE direction orders the scenarios).
        scores: scenario -> (points, replicates) outputs, the same points in every array.
    """
    sign = direction(metric)
    means = {k: np.asarray(v, dtype=float).mean(axis=1) * sign for k, v in scores.items()}
    overall = {k: v.mean() for k, v in means.items()}
    n = len(next(iter(means.values()))) if means else 0
    held = np.ones(n, dtype=bool)
    for a in means:
        for b in means:
            if overall[a] > overall[b]:
                held &= means[a] >= means[b]
    return float(held.mean()) if n else float("nan")
