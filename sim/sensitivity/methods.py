"""SALib's indices for one output, and how much to trust them: the noise diagnostic.

The sampler/analyzer pairs and their settings are sim.batch.salib's table; this module
only hands it the replicate means of a design's outputs, and then asks the two
questions SALib does not: how much of the output variance is replicate noise (a
stochastic model's outputs vary at a fixed point), and is the ranking of the top
parameters stable between halves of the design and halves of the replicates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..batch.design import Design
from ..batch.salib import METHODS, analyze
from ..calendar import format_month, parse_month

# Thresholds of the noise verdict (analysis conventions, not model coefficients).
NOISE_SHARE_MAX = 0.3  # replicate noise above this share of the variance: more replicates
RANK_AGREEMENT_MIN = 0.8  # top-parameter overlap between halves below this: more N (or R)
CI_RATIO_MAX = 0.5  # widest interval above half the top index: more N
TOP_K = 5  # the ranking that must be stable: the top five (at most half the parameters)
CONSTANT_RTOL = 1e-9  # outputs that vary less than this (relative) count as constant


def outputs(
    monthly: pd.DataFrame,
    metric: str,
    scenario: str,
    points: int,
    replicates: int,
    horizon: str,
    window: int,
) -> np.ndarray:
    """One metric as a (points, replicates) array: its mean over the `window` months
    ending at `horizon`, for each design point and replicate of one scenario."""
    first = format_month(parse_month(horizon) - window + 1)
    rows = monthly[(monthly.scenario == scenario) & monthly.date.between(first, horizon)]
    y = rows.groupby(["point", "replicate"])[metric].mean()
    if len(y) != points * replicates:
        raise RuntimeError(
            f"{scenario}: expected {points * replicates} runs at {horizon}, found {len(y)}"
        )
    return y.to_numpy().reshape(points, replicates)


def indices(design: Design, x: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """SALib's indices for one output vector, one row per parameter."""
    method = METHODS[design.method]
    if np.ptp(y) <= CONSTANT_RTOL * max(1.0, float(np.abs(y).max())):
        # a constant output (up to rounding): no parameter moves it
        return pd.DataFrame(0.0, index=design.names, columns=list(method.indices))
    res = analyze(design.method, design.problem, x, y, seed)
    return pd.DataFrame({k: np.asarray(res[k], dtype=float) for k in method.indices}).set_axis(
        design.names
    )


def _top_overlap(a: pd.Series, b: pd.Series) -> float:
    """Share of the top-k parameters of one estimate that are also top-k in the other."""
    k = min(TOP_K, max(1, len(a) // 2))
    return len(set(a.nlargest(k).index) & set(b.nlargest(k).index)) / k


def noise_share(y: np.ndarray) -> float:
    """Within-point (replicate) variance over the total, by a one-way decomposition:
    the between-point component is estimated without bias as var(point means) -
    within / R. NaN with one replicate."""
    r = y.shape[1]
    if r < 2:
        return float("nan")
    ybar = y.mean(axis=1)
    within = float(np.var(y, axis=1, ddof=1).mean())
    between = max(float(np.var(ybar, ddof=1)) - within / r, 0.0) if len(ybar) > 1 else 0.0
    return within / (within + between) if within + between > 0 else 0.0


def _halves(design: Design, y: np.ndarray, key: str, seed: int) -> tuple[float, float]:
    """Top-parameter agreement between halves of the design and of the replicates."""
    x, ybar = design.matrix, y.mean(axis=1)
    block = METHODS[design.method].rows_per_sample(len(design.names))
    halves = len(x) // block // 2
    by_design = by_replicate = float("nan")
    if halves >= 2:
        cut = halves * block
        a = indices(design, x[:cut], ybar[:cut], seed)[key]
        b = indices(design, x[cut : 2 * cut], ybar[cut : 2 * cut], seed)[key]
        by_design = _top_overlap(a, b)
    if y.shape[1] >= 2:
        a = indices(design, x, y[:, 0::2].mean(axis=1), seed)[key]
        b = indices(design, x, y[:, 1::2].mean(axis=1), seed)[key]
        by_replicate = _top_overlap(a, b)
    return by_design, by_replicate


def analyse_metric(design: Design, y: np.ndarray, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Indices with confidence intervals and the noise diagnostic for one metric.

    Args:
        design: the design the outputs belong to (with its SALib ``matrix``).
        y: (points, replicates) outputs in design order.
        seed: seeds SALib's bootstrap (the confidence intervals).

    Returns:
        (indices, noise): a frame with one row per parameter (the method's indices and
        ``rank``), and a dict with ``noise_share`` (within-point variance over total),
        ``ci_ratio`` (widest interval of the ranking index over the largest index),
        ``design_halves`` and ``replicate_halves`` (share of the top parameters that
        two halves agree on) and ``advice``.
    """
    method = METHODS[design.method]
    key = method.ranked_by
    idx = indices(design, design.matrix, y.mean(axis=1), seed)
    idx["rank"] = idx[key].rank(ascending=False, method="min").astype(int)
    top = float(idx[key].max())
    noise: dict = {
        "noise_share": noise_share(y),
        "ci_ratio": float(idx[method.conf].max() / top) if top > 0 else 0.0,
    }
    noise["design_halves"], noise["replicate_halves"] = _halves(design, y, key, seed)
    noise["advice"] = advice(noise, y.shape[1], top)
    return idx, noise


def advice(noise: dict, replicates: int, top: float) -> str:
    """What to change when N (``n``) or R (``replicates``) do not suffice."""
    if top == 0:
        return "no parameter of the design moves this metric"
    tips = []
    if replicates < 2:
        tips.append("replicate noise unknown: use 2 or more replicates")
    elif noise["noise_share"] > NOISE_SHARE_MAX:
        tips.append(
            f"replicate noise is {noise['noise_share']:.0%} of the variance: raise the replicates"
        )
    if replicates >= 2 and noise["replicate_halves"] < RANK_AGREEMENT_MIN:
        tips.append("the top parameters differ between replicate halves: raise the replicates")
    if np.isnan(noise["design_halves"]):
        tips.append("design too small to check its halves: raise n")
    elif noise["design_halves"] < RANK_AGREEMENT_MIN:
        tips.append("the top parameters differ between halves of the design: raise n")
    if noise["ci_ratio"] > CI_RATIO_MAX:
        tips.append(f"the widest 95% interval is {noise['ci_ratio']:.1f}x the top index: raise n")
    return "; ".join(tips) or "N and R suffice for the ranking of the top parameters"
