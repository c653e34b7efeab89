"""Proper scores for the replay's probabilities, beside naive forecasters.

A pass share says how often a run reproduces a fact; it does not say whether the model
knew more than a forecaster who knew nothing of its mechanisms. This module scores the
replay's probabilities (shares of replicates) with the Brier score and the AUC, and its
count distributions with the 90% predictive interval, the interval score and the CRPS,
always beside the same scores of two naive forecasters: the base rate (sourced, from
2009-2018) and persistence (the event, or the state, of the previous period). Skill
scores are reported whatever their sign: a negative skill is a finding.

References: Brier (1950); Gneiting & Raftery (2007), "Strictly proper scoring rules,
prediction, and estimation", JASA 102 (the interval score, eq. 43, and the CRPS);
Hanley & McNeil (1982) for the AUC as the Mann-Whitney statistic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVEL = 0.90  # the predictive interval the facts ask for
BOOTSTRAP = 1000  # resamples for the intervals of Brier and AUC
BOOTSTRAP_LEVEL = 0.90
BOOTSTRAP_SEED = 20190101


def brier(p: Sequence[float], y: Sequence[float]) -> float:
    """Mean squared difference between probabilities and 0/1 outcomes (0 is perfect)."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or p.size == 0:
        raise ValueError(f"p and y must be non-empty and of one shape, got {p.shape}, {y.shape}")
    return float(np.mean((p - y) ** 2))


def auc(p: Sequence[float], y: Sequence[float]) -> float:
    """Area under the ROC curve: the chance that a random event scores above a random
    non-event, ties counting one half (0.5 = no skill, 1 = perfect ranking; NaN where
    the outcomes are all of one class)."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=bool)
    pos, neg = p[y], p[~y]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def skill(score: float, reference: float, perfect: float) -> float:
    """Skill over a reference forecaster: 1 - (score - perfect) / (reference - perfect);
    1 is perfect, 0 no better than the reference, negative worse. NaN where the
    reference is already perfect."""
    gap = reference - perfect
    return float("nan") if gap == 0 or np.isnan(gap) else float(1.0 - (score - perfect) / gap)


def bootstrap_interval(
    stat: Callable[..., float],
    *columns: Sequence[float],
    n: int = BOOTSTRAP,
    level: float = BOOTSTRAP_LEVEL,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[float, float]:
    """Percentile interval of `stat` over resamples of the rows (country-years), the same
    resamples for every forecaster scored with the same seed (paired comparison)."""
    cols = [np.asarray(c, dtype=float) for c in columns]
    rng = np.random.default_rng(seed)
    m = len(cols[0])
    values = []
    for _ in range(n):
        k = rng.integers(0, m, m)
        v = stat(*(c[k] for c in cols))
        if not np.isnan(v):
            values.append(v)
    if not values:
        return float("nan"), float("nan")
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return float(lo), float(hi)


# --------------------------------------------------------------- count distributions
def interval_score(low: float, high: float, y: float, level: float = LEVEL) -> float:
    """Gneiting & Raftery's interval score of a central `level` interval: its width plus
    2 / alpha times how far the observation falls outside (lower is better), so a wide
    interval pays for its width and a narrow one that misses pays for the miss."""
    alpha = 1.0 - level
    return float((high - low) + 2.0 / alpha * max(low - y, 0.0) + 2.0 / alpha * max(y - high, 0.0))


def crps_samples(samples: Sequence[float], y: float) -> float:
    """CRPS of the empirical distribution of `samples` at the observation y:
    E|X - y| - E|X - X'| / 2 (lower is better; for a point forecast, |x - y|)."""
    x = np.sort(np.asarray(samples, dtype=float))
    m = len(x)
    if m == 0:
        raise ValueError("no samples")
    first = np.mean(np.abs(x - y))
    # E|X - X'| from the sorted sample in O(m): sum_i (2i - m - 1) x_i * 2 / m^2
    i = np.arange(1, m + 1)
    spread = 2.0 * np.sum((2 * i - m - 1) * x) / m**2
    return float(first - 0.5 * spread)


def crps_poisson(mean: float, y: int) -> float:
    """CRPS of a Poisson count forecast: sum over k of (F(k) - 1[y <= k])^2."""
    from scipy.stats import poisson

    top = int(max(y, poisson.ppf(1 - 1e-12, mean)) + 2)
    k = np.arange(0, top + 1)
    cdf = poisson.cdf(k, mean)
    return float(np.sum((cdf - (k >= y)) ** 2))


def sample_interval(samples: Sequence[float], level: float = LEVEL) -> tuple[float, float]:
    """The central `level` interval of a sample (lower and upper quantiles)."""
    tail = (1 - level) / 2
    x = np.asarray(samples, dtype=float)
    return float(np.quantile(x, tail, method="lower")), float(
        np.quantile(x, 1 - tail, method="higher")
    )


@dataclass(frozen=True)
class CountForecast:
    """One forecaster's distribution for an observed quantity: from samples (the
    replicates), a Poisson mean (the base rate) or a point (persistence)."""

    name: str
    samples: tuple[float, ...] = ()
    poisson_mean: float | None = None
    point: float | None = None

    def interval(self, level: float = LEVEL) -> tuple[float, float]:
        if self.samples:
            return sample_interval(self.samples, level)
        if self.poisson_mean is not None:
            from ..analysis.plausibility import poisson_interval

            return poisson_interval(self.poisson_mean, level)
        return float(self.point), float(self.point)

    def crps(self, y: float) -> float:
        if self.samples:
            return crps_samples(self.samples, y)
        if self.poisson_mean is not None:
            return crps_poisson(self.poisson_mean, int(round(y)))
        return abs(float(self.point) - y)

    def center(self) -> float:
        if self.samples:
            return float(np.median(self.samples))
        return float(self.poisson_mean if self.poisson_mean is not None else self.point)


def score_count(
    observed: float, forecasts: Sequence[CountForecast], level: float = LEVEL
) -> pd.DataFrame:
    """Each forecaster's 90% interval, whether the observation lies inside, the width,
    the interval score and the CRPS; the first forecaster is the model, and its skill
    over each other one is given on the CRPS."""
    rows = []
    for f in forecasts:
        lo, hi = f.interval(level)
        rows.append(
            {
                "forecaster": f.name,
                "center": f.center(),
                "low": lo,
                "high": hi,
                "observed": observed,
                "inside": bool(lo <= observed <= hi),
                "width": hi - lo,
                "interval_score": interval_score(lo, hi, observed, level),
                "crps": f.crps(observed),
            }
        )
    out = pd.DataFrame(rows)
    model = out.crps.iloc[0]
    out["model_crps_skill"] = [skill(model, ref, 0.0) for ref in out.crps]
    return out


# ------------------------------------------------------------- binary country-years
def score_binary(
    y: Sequence[float],
    forecasts: Mapping[str, Sequence[float]],
    *,
    n: int = BOOTSTRAP,
    seed: int = BOOTSTRAP_SEED,
) -> pd.DataFrame:
    """Brier and AUC with bootstrap intervals for each forecaster of the same 0/1
    outcomes (one row per country-year), and the skill of the first one (the model)
    over each: Brier skill 1 - B / B_ref, AUC skill (A - A_ref) / (1 - A_ref)."""
    y = np.asarray(y, dtype=float)
    rows = []
    for name, p in forecasts.items():
        p = np.asarray(p, dtype=float)
        b_lo, b_hi = bootstrap_interval(brier, p, y, n=n, seed=seed)
        a_lo, a_hi = bootstrap_interval(auc, p, y, n=n, seed=seed)
        rows.append(
            {
                "forecaster": name,
                "n": len(y),
                "events": int(y.sum()),
                "brier": brier(p, y),
                "brier_low": b_lo,
                "brier_high": b_hi,
                "auc": auc(p, y),
                "auc_low": a_lo,
                "auc_high": a_hi,
            }
        )
    out = pd.DataFrame(rows)
    b0, a0 = out.brier.iloc[0], out.auc.iloc[0]
    out["model_brier_skill"] = [skill(b0, b, 0.0) for b in out.brier]
    out["model_auc_skill"] = [skill(a0, a, 1.0) if not np.isnan(a) else np.nan for a in out.auc]
    return out
