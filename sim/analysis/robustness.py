"""Does a policy's advantage survive the assumptions we are unsure of?

A policy comparison at the registry's defaults is one point of the parameter space.
Run the baseline and each policy at many points of it (a sensitivity design's base
points, or any design) with the same seeds, and ask per headline metric: in which
share of the points is the policy better than the baseline, worse, or clearly better
(the paired 95% interval over replicates excludes zero, the one estimator of
`sim.batch.compare.paired_interval`); which parameter its effect depends on most; and
in which share of the points the order of all scenarios is the order of their means.

"Better" follows the metric's direction in sim.outcomes.MEASURES (+1: higher is better
for the Alliance, -1: lower; metrics outside it count lower as better).

Under deep uncertainty (a batch with ``--uncertain N``: each design point is a draw of
the uncertain parameters, a possible world) the Robust Decision Making criteria
(Lempert et al. 2006; Kwakkel et al. 2016 for the regret and satisficing forms used
here) rank the policies by how they fare across the draws, not at one point:

- regret: in each draw, how far a policy's outcome falls short of the best policy's
  in that draw (regret vs the best), and of the baseline's (regret vs doing nothing);
  summarised by its maximum (minimax regret) and its 90th percentile;
- satisficing: the share of draws in which the outcome meets the metric's declared
  threshold (sim.outcomes.Measure.threshold);
- mean-variance: the mean of the outcome across draws less one standard deviation
  (in the better-is-higher orientation), which rewards policies that are good and
  predictable;
- rank stability: the share of draws in which a policy keeps the rank it has on the
  median, and in which the top policy stays on top.

Every criterion reads (draws, replicates) arrays of one metric's statistic per
scenario under common random numbers; a draw's value is its mean over replicates.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..batch.compare import CONFIDENCE, measure_of, paired_interval

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
    return measure_of(metric).direction


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


RANK_COLUMNS = (
    "metric",
    "policy",
    "effect_median",
    "effect_p05",
    "effect_p95",
    "rank",
    "rank_held",
    "top_held",
    "regret_max",
    "regret_p90",
    "regret_baseline_max",
    "satisficing",
    "mean_variance",
)


def draw_means(scores: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each scenario's (draws,) means over replicates of a (draws, replicates) array."""
    return {k: np.asarray(v, dtype=float).mean(axis=1) for k, v in scores.items()}


def ranks(values: Mapping[str, np.ndarray], metric: str) -> pd.DataFrame:
    """Per draw (rows) each scenario's rank (1 = best for the Alliance; ties share the
    better rank), from (draws,) values of a metric."""
    sign = direction(metric)
    frame = pd.DataFrame({k: np.asarray(v, dtype=float) * sign for k, v in values.items()})
    return frame.rank(axis=1, ascending=False, method="min").astype(int)


def rank_stability(metric: str, scores: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """For each policy: its rank on the median over draws, the share of draws in which
    it holds that rank, and the share of draws in which the top policy stays on top.

    Args:
        metric: the metric (its direction orders the policies).
        scores: policy -> (draws, replicates) outputs; the baseline may be one of them.
    """
    means = draw_means(scores)
    sign = direction(metric)
    medians = pd.Series({k: float(np.median(v)) * sign for k, v in means.items()})
    overall = medians.rank(ascending=False, method="min").astype(int)
    per_draw = ranks(means, metric)
    top = overall.idxmin()
    top_held = float((per_draw[top] == 1).mean()) if len(per_draw) else float("nan")
    rows = [
        {
            "policy": k,
            "rank": int(overall[k]),
            "rank_held": float((per_draw[k] == overall[k]).mean()),
            "top_held": top_held if k == top else float("nan"),
        }
        for k in means
    ]
    return pd.DataFrame(rows).sort_values("rank", kind="stable").reset_index(drop=True)


def regret(
    metric: str, scores: Mapping[str, np.ndarray], baseline: str | None = None
) -> pd.DataFrame:
    """Regret per draw (rows) and policy (columns), in the metric's unit.

    Against the best policy of each draw (``baseline`` None): how far the policy falls
    short of the best outcome among all `scores` in that draw (0 for the best).
    Against the baseline: how far it falls short of the baseline's outcome in that draw
    (0 where it does at least as well)."""
    sign = direction(metric)
    means = pd.DataFrame({k: v * sign for k, v in draw_means(scores).items()})
    ref = means.max(axis=1) if baseline is None else means[baseline]
    return (means.rsub(ref, axis=0)).clip(lower=0.0)


def satisficing(
    metric: str, scores: Mapping[str, np.ndarray], threshold: float | None = None
) -> pd.Series:
    """Share of draws in which each policy's outcome meets the satisficing threshold
    (the metric's declared one by default; better side by its direction). For a sum
    over a window, pass the threshold scaled to the window (`scaled_threshold`)."""
    level = measure_of(metric).threshold if threshold is None else threshold
    sign = direction(metric)
    if level is None or np.isnan(level):
        return pd.Series({k: float("nan") for k in scores}, dtype=float)
    return pd.Series(
        {k: float(np.mean(v * sign >= level * sign)) for k, v in draw_means(scores).items()}
    )


def scaled_threshold(metric: str, months: int) -> float:
    """The declared threshold for the statistic over `months` months: as declared for
    a level, scaled from its 12-month value for a sum."""
    m = measure_of(metric)
    if m.window is None or months <= 1:
        return float(m.threshold)
    return float(m.threshold) * months / 12


def mean_variance(metric: str, scores: Mapping[str, np.ndarray]) -> pd.Series:
    """Mean across draws less one standard deviation, in the better-is-higher
    orientation (then signed back to the metric's unit): high for policies that are good
    and predictable."""
    sign = direction(metric)
    out = {}
    for k, v in draw_means(scores).items():
        x = v * sign
        sd = float(x.std(ddof=1)) if len(x) > 1 else 0.0
        out[k] = (float(x.mean()) - sd) * sign
    return pd.Series(out)


def robustness_ranking(
    metric: str,
    baseline_scores: np.ndarray,
    policies: Mapping[str, np.ndarray],
    threshold: float | None = None,
) -> pd.DataFrame:
    """Every RDM criterion for each policy on one metric, ranked (RANK_COLUMNS).

    Args:
        metric: the metric judged.
        baseline_scores: the baseline's (draws, replicates) outputs.
        policies: policy -> (draws, replicates) outputs, the same draws and seeds.
        threshold: the satisficing threshold of the statistic (default: declared).

    Rank 1 is the policy with the best median effect; ``rank_held`` is the share of
    draws in which it keeps that rank among the policies, ``top_held`` (top policy
    only) the share in which it stays best. Regret vs the best counts the baseline as
    one of the options (doing nothing may be best in a draw).
    """
    base = np.asarray(baseline_scores, dtype=float)
    effects = {k: draw_means({k: v})[k] - base.mean(axis=1) for k, v in policies.items()}
    stab = rank_stability(metric, {k: e[:, None] for k, e in effects.items()})
    stab = stab.set_index("policy")
    everyone = {"__baseline": base, **policies}
    vs_best = regret(metric, everyone)
    vs_base = regret(metric, everyone, "__baseline")
    sat = satisficing(metric, policies, threshold)
    mv = mean_variance(metric, policies)
    rows = []
    for k in policies:
        e = effects[k]
        rows.append(
            {
                "metric": metric,
                "policy": k,
                "effect_median": float(np.median(e)),
                "effect_p05": float(np.percentile(e, 5)),
                "effect_p95": float(np.percentile(e, 95)),
                "rank_held": float(stab.loc[k, "rank_held"]),
                "top_held": float(stab.loc[k, "top_held"]),
                "regret_max": float(vs_best[k].max()),
                "regret_p90": float(np.percentile(vs_best[k], 90)),
                "regret_baseline_max": float(vs_base[k].max()),
                "satisficing": float(sat[k]),
                "mean_variance": float(mv[k]),
                "rank": int(stab.loc[k, "rank"]),
            }
        )
    out = pd.DataFrame(rows, columns=list(RANK_COLUMNS))
    return out.sort_values("rank", kind="stable").reset_index(drop=True)
