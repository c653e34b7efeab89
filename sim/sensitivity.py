"""Global sensitivity analysis: which assumptions drive each headline metric, and
whether the policy ranking survives when they vary.

Analysts trust a conclusion that survives the assumptions they are unsure of. This
module samples the parameter registry's ranges with SALib, runs every design point
(with replicates under common random numbers) through the batch machinery, and
analyses the outputs with SALib. It estimates nothing itself: the problem comes from
`sim.params.salib_problem`, and each method is one sampler/analyzer pair that SALib
documents as compatible:

=========  ==============================  ===============================  ============
method     sampler                         analyzer                         ranked by
=========  ==============================  ===============================  ============
sobol      ``SALib.sample.sobol.sample``   ``SALib.analyze.sobol.analyze``  ``ST``
           (Saltelli's scheme on a         (Sobol' 2001; Saltelli et al.
           scrambled Sobol' sequence,      2010; second order on, so a
           N a power of 2)                 design has N(2D+2) points)
morris     ``SALib.sample.morris.sample``  ``SALib.analyze.morris.analyze`` ``mu_star``
           (N trajectories of D+1 points,  (Morris 1991; Campolongo et al.
           4 levels)                       2007: mu*, sigma)
=========  ==============================  ===============================  ============

The runs are one batch (sim.batch, an explicit design of SALib's points) in the
analysis folder itself: it keeps only the monthly table and the analysed metrics, it
scales out like any batch (``executor="dask"`` with a scheduler), and it resumes.
``southflank status DIR`` shows its progress and ``southflank resume DIR`` finishes its
runs; running the same analysis again into the same folder continues the runs that
are left and then analyses (so after ``resume``, rerun the analysis to get the
report; a new horizon or window reuses the runs). The analysis writes its results
next to the batch: indices.csv, noise.csv, policies.csv, ranking_held.csv, ranked.png,
report.txt and sensitivity.json (the settings, written when the analysis finished).

A stochastic model adds noise SALib does not know about. Each design point is run
with R replicates whose seeds are the same at every point and in every scenario
(replicate r always uses seed r of the batch), and the analyzer sees the replicate
mean. `noise` then reports how much of the output variance is replicate noise
(within-point variance over total variance) and whether N and R are enough: the width
of the confidence intervals and how stable the parameter ranking is between the two
halves of the design and between the two halves of the replicates.

The policy question rides on the same design: at the design's base points (the
N rows of Sobol's A matrix, or the N Morris trajectory starts) every policy scenario
runs with the same seeds as the analysed scenario (the batch's ``scenario_points``;
``southflank compare DIR`` pairs them too), and `policy_robustness` reports,
per headline metric, the share of the parameter space in which each policy beats the
baseline and the share in which the full ranking of the scenarios holds.

Integer parameters are rounded to the nearest whole number before a run (the range
ends are then drawn half as often as inner values); the analyzer sees SALib's sample.

The headline metrics and the direction that is better for the Alliance are
sim.outcomes.HEADLINE, the list comparisons and the demo use too.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import params as _params
from .batch.design import MORRIS_LEVELS, SOBOL_SECOND_ORDER, sample_matrix
from .calendar import format_month, parse_month
from .io import (
    FolderError,
    atomic_write,
    check_out_folder,
    write_json_atomic,
    write_text_atomic,
)
from .outcomes import HEADLINE, MODEL_METRICS
from .provenance import environment, now
from .scenario import Scenario

DEFAULT_WINDOW = 12  # months averaged up to the horizon: monthly counts are Poisson-noisy
CONF_LEVEL = 0.95
NUM_RESAMPLES = 200  # bootstrap resamples behind SALib's confidence intervals
# Thresholds of the noise verdict (analysis conventions, not model coefficients).
NOISE_SHARE_MAX = 0.3  # replicate noise above this share of the variance: more replicates
RANK_AGREEMENT_MIN = 0.8  # top-parameter overlap between halves below this: more N (or R)
CI_RATIO_MAX = 0.5  # widest interval above half the top index: more N
TOP_K = 5  # the ranking that must be stable: the top five (at most half the parameters)
CONSTANT_RTOL = 1e-9  # outputs that vary less than this (relative) count as constant
DRIVER_MIN = 0.5  # |Spearman| below which no parameter is named as an effect's driver


class SensitivityInputError(ValueError):
    """Bad input to a sensitivity analysis; ``field`` names the offending argument."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class SensitivityRunError(RuntimeError):
    """Runs of the analysis failed or are left: there is nothing complete to analyse."""


@dataclass(frozen=True)
class Method:
    """One SALib sampler/analyzer pair and what a design of it looks like."""

    name: str
    sampler: str  # module path of SALib's sampler (sim.batch.design.sample_matrix calls it)
    analyzer: str  # module path of SALib's analyzer
    ranked_by: str  # the index that ranks parameters
    conf: str  # its confidence half-width
    indices: tuple[str, ...]  # the per-parameter indices reported
    block: Callable[[int], int]  # rows per base sample for D parameters

    def sample(self, problem: dict, n: int, seed: int) -> np.ndarray:
        # the batch designs' sampler call, so a `southflank batch --design sobol` and a
        # sensitivity analysis with the same seed draw the same points
        return sample_matrix(self.name, problem, n, seed)

    def analyze(self, problem: dict, x: np.ndarray, y: np.ndarray, seed: int) -> dict:
        mod = importlib.import_module(self.analyzer)
        kw = {"num_resamples": NUM_RESAMPLES, "conf_level": CONF_LEVEL, "seed": seed}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.name == "sobol":
                return mod.analyze(problem, y, calc_second_order=SOBOL_SECOND_ORDER, **kw)
            return mod.analyze(problem, x, y, num_levels=MORRIS_LEVELS, **kw)


METHODS: dict[str, Method] = {
    "sobol": Method(
        "sobol",
        "SALib.sample.sobol",
        "SALib.analyze.sobol",
        "ST",
        "ST_conf",
        ("S1", "S1_conf", "ST", "ST_conf"),
        lambda d: 2 * d + 2,
    ),
    "morris": Method(
        "morris",
        "SALib.sample.morris",
        "SALib.analyze.morris",
        "mu_star",
        "mu_star_conf",
        ("mu", "mu_star", "mu_star_conf", "sigma"),
        lambda d: d + 1,
    ),
}


# -- the design -----------------------------------------------------------------------
@dataclass
class Design:
    """SALib's sample over the registry's ranges, and the overrides each point runs."""

    method: str
    n: int
    seed: int
    problem: dict
    x: np.ndarray

    @property
    def names(self) -> list[str]:
        return list(self.problem["names"])

    @property
    def block(self) -> int:
        return METHODS[self.method].block(len(self.names))

    def points(self) -> list[dict[str, float]]:
        """Each row as registry overrides (integer parameters rounded)."""
        from .batch.design import points_from_matrix

        return points_from_matrix(self.names, self.x)

    def base_points(self) -> np.ndarray:
        """Row numbers of the N base points (Sobol's A rows, Morris trajectory starts):
        a space-filling sample on which the policy scenarios are compared."""
        return np.arange(0, len(self.x), self.block)

    def to_batch(self):
        """The same points as an explicit batch design (sim.batch.Design)."""
        from .batch.design import explicit_design

        return explicit_design(
            self.points(),
            method=self.method,
            names=self.names,
            bounds=[tuple(b) for b in self.problem["bounds"]],
            samples=self.n,
            seed=self.seed,
        )


def _parse_names(names: Iterable[str] | str | None) -> list[str] | None:
    if names is None:
        return None
    if isinstance(names, str):
        names = [n for n in (s.strip() for s in names.split(",")) if n]
    names = list(names)
    if not names:
        raise SensitivityInputError("params", "no parameter named")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise SensitivityInputError("params", f"named twice: {', '.join(dup)}")
    for n in names:
        if n not in _params.REGISTRY:
            raise SensitivityInputError(
                "params",
                f"unknown parameter {n!r}{_params.suggest(n, _params.REGISTRY)} "
                "(`southflank parameters` lists them)",
            )
    return names


def make_design(
    method: str, n: int, names: Iterable[str] | str | None = None, seed: int = 0
) -> Design:
    """Sample the registry's ranges (all parameters, or the named ones) with SALib.

    Args:
        method: "sobol" or "morris".
        n: Sobol's base sample size (a power of 2) or the number of Morris trajectories.
        names: parameters to vary (comma-separated or a list); the rest keep their
            scenario values.
        seed: seeds SALib's sampler, so the same arguments give the same design.
    """
    if method not in METHODS:
        raise SensitivityInputError(
            "method", f"unknown method {method!r}; allowed: {', '.join(sorted(METHODS))}"
        )
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise SensitivityInputError("n", f"must be a whole number >= 2, got {n!r}")
    n = int(n)
    if method == "sobol" and n & (n - 1):
        lo = 1 << (n.bit_length() - 1)
        raise SensitivityInputError(
            "n",
            f"Sobol' sampling needs a power of 2 (its balance properties hold only then), "
            f"got {n}; use {lo} or {lo * 2}",
        )
    problem = _params.salib_problem(_parse_names(names))
    x = METHODS[method].sample(problem, n, seed)
    return Design(method, n, seed, problem, x)


# -- the scenarios compared -------------------------------------------------------------
_NOT_POLICY = ("name", "description", "seed", "experiment", "policy")


def policy_variants(scenario: Scenario) -> list[Scenario]:
    """The shipped scenarios that differ from `scenario` in their policy levers only:
    the policies whose ranking against it the analysis checks."""
    from . import library

    ref = scenario.model_dump(mode="json")
    out = []
    for name in library.names():
        if name == scenario.name:
            continue
        other = library.load(name)
        data = other.model_dump(mode="json")
        same = all(data.get(k) == v for k, v in ref.items() if k not in _NOT_POLICY)
        if same and data["policy"] != ref["policy"]:
            out.append(other)
    return out


def _resolve_policies(scenario: Scenario, policies) -> list[Scenario]:
    if policies is None or policies == "none":
        return []
    if policies == "shipped":
        return policy_variants(scenario)
    from . import library

    names = [p.strip() for p in policies.split(",")] if isinstance(policies, str) else policies
    out = []
    for p in names:
        sc = p if isinstance(p, Scenario) else library.load(p)
        if sc.start != scenario.start or sc.months != scenario.months:
            raise SensitivityInputError(
                "policies",
                f"{sc.name} runs {format_month(sc.start)} + {sc.months} months, "
                f"{scenario.name} {format_month(scenario.start)} + {scenario.months}: "
                "a policy is compared on the same months",
            )
        if sc.name == scenario.name or sc.name in (o.name for o in out):
            raise SensitivityInputError("policies", f"scenario {sc.name!r} given twice")
        out.append(sc)
    return out


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
    end = parse_month(horizon)
    first = format_month(end - window + 1)
    rows = monthly[(monthly.scenario == scenario) & monthly.date.between(first, horizon)]
    y = rows.groupby(["point", "replicate"])[metric].mean()
    if len(y) != points * replicates:
        raise RuntimeError(
            f"{scenario}: expected {points * replicates} runs at {horizon}, found {len(y)}"
        )
    return y.to_numpy().reshape(points, replicates)


# -- analysis -----------------------------------------------------------------------------
def _indices(design: Design, x: np.ndarray, y: np.ndarray, seed: int) -> pd.DataFrame:
    """SALib's indices for one output vector, one row per parameter."""
    method = METHODS[design.method]
    if np.ptp(y) <= CONSTANT_RTOL * max(1.0, float(np.abs(y).max())):
        # a constant output (up to rounding): no parameter moves it
        return pd.DataFrame(0.0, index=design.names, columns=list(method.indices))
    res = method.analyze(design.problem, x, y, seed)
    return pd.DataFrame({k: np.asarray(res[k], dtype=float) for k in method.indices}).set_axis(
        design.names
    )


def _top_overlap(a: pd.Series, b: pd.Series) -> float:
    """Share of the top-k parameters of one estimate that are also top-k in the other."""
    k = min(TOP_K, max(1, len(a) // 2))
    return len(set(a.nlargest(k).index) & set(b.nlargest(k).index)) / k


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if len(a) < 3 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    return float(spearmanr(a, b).statistic)


def analyse_metric(design: Design, y: np.ndarray, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Indices with confidence intervals and the noise diagnostic for one metric.

    Args:
        design: the design the outputs belong to.
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
    ybar = y.mean(axis=1)
    idx = _indices(design, design.x, ybar, seed)
    key = method.ranked_by
    idx["rank"] = idx[key].rank(ascending=False, method="min").astype(int)
    # one-way variance decomposition: within-point (replicate) variance against the
    # between-point component, estimated without bias as var(point means) - within / R
    r = y.shape[1]
    if r > 1:
        within = float(np.var(y, axis=1, ddof=1).mean())
        between = max(float(np.var(ybar, ddof=1)) - within / r, 0.0) if len(ybar) > 1 else 0.0
        share = within / (within + between) if within + between > 0 else 0.0
    else:
        share = float("nan")
    noise: dict = {"noise_share": share}
    top = float(idx[key].max())
    noise["ci_ratio"] = float(idx[method.conf].max() / top) if top > 0 else 0.0
    halves = len(design.x) // design.block // 2
    if halves >= 2:
        cut = halves * design.block
        a = _indices(design, design.x[:cut], ybar[:cut], seed)[key]
        b = _indices(design, design.x[cut : 2 * cut], ybar[cut : 2 * cut], seed)[key]
        noise["design_halves"] = _top_overlap(a, b)
    else:
        noise["design_halves"] = float("nan")
    if y.shape[1] >= 2:
        a = _indices(design, design.x, y[:, 0::2].mean(axis=1), seed)[key]
        b = _indices(design, design.x, y[:, 1::2].mean(axis=1), seed)[key]
        noise["replicate_halves"] = _top_overlap(a, b)
    else:
        noise["replicate_halves"] = float("nan")
    noise["advice"] = _advice(noise, y.shape[1], top)
    return idx, noise


def _advice(noise: dict, replicates: int, top: float) -> str:
    if top == 0:
        return "no parameter of the design moves this metric"
    tips = []
    if replicates < 2:
        tips.append("replicate noise unknown: use --replicates 2 or more")
    elif noise["noise_share"] > NOISE_SHARE_MAX:
        tips.append(
            f"replicate noise is {noise['noise_share']:.0%} of the variance: raise --replicates"
        )
    if replicates >= 2 and noise["replicate_halves"] < RANK_AGREEMENT_MIN:
        tips.append("the top parameters differ between replicate halves: raise --replicates")
    if np.isnan(noise["design_halves"]):
        tips.append("design too small to check its halves: raise --n")
    elif noise["design_halves"] < RANK_AGREEMENT_MIN:
        tips.append("the top parameters differ between halves of the design: raise --n")
    if noise["ci_ratio"] > CI_RATIO_MAX:
        tips.append(f"the widest 95% interval is {noise['ci_ratio']:.1f}x the top index: raise --n")
    return "; ".join(tips) or "N and R suffice for the ranking of the top parameters"


def policy_robustness(
    design: Design,
    metric: str,
    baseline: np.ndarray,
    policies: dict[str, np.ndarray],
    baseline_name: str = "baseline",
) -> tuple[pd.DataFrame, float]:
    """Does each policy beat the baseline across the parameter space, and does the
    ranking of all scenarios hold point by point?

    Args:
        design: the design (its base points are the rows of the arrays).
        metric: a HEADLINE metric (its direction says what "better" means).
        baseline, policies: (base points, replicates) outputs under common random numbers.

    Returns:
        (table, share_ranking_held): per policy the mean effect (policy - baseline, in
        the metric's unit), the share of points where it is better, worse, and better
        with a 95% paired interval over replicates that excludes zero, and the
        parameter its effect depends on most (largest |Spearman| over the points);
        plus the share of points where the scenarios' order equals the order of their
        means over the whole space.
    """
    from scipy.stats import t as student_t

    sign = HEADLINE.get(metric, -1)
    values = design.x[design.base_points()]
    rows = []
    for name, y in policies.items():
        d = y - baseline
        effect = d.mean(axis=1) * sign
        r = d.shape[1]
        if r >= 2:
            half = student_t.ppf(0.5 + CONF_LEVEL / 2, r - 1) * d.std(axis=1, ddof=1) / np.sqrt(r)
            clear = float(np.mean(effect - half > 0))
        else:
            clear = float("nan")
        varies = np.ptp(effect) > CONSTANT_RTOL * max(1.0, float(np.abs(effect).max()))
        corr = [
            abs(_spearman(values[:, j], effect)) if varies else 0.0 for j in range(values.shape[1])
        ]
        corr = [0.0 if np.isnan(c) else c for c in corr]
        j = int(np.argmax(corr))
        rows.append(
            {
                "metric": metric,
                "policy": name,
                "effect": float(d.mean()),
                "effect_p05": float(np.percentile(d.mean(axis=1), 5)),
                "effect_p95": float(np.percentile(d.mean(axis=1), 95)),
                "share_better": float(np.mean(effect > 0)),
                "share_worse": float(np.mean(effect < 0)),
                "share_clearly_better": clear,
                "driver": design.names[j] if corr[j] >= DRIVER_MIN else "",
                "driver_spearman": float(corr[j]),
            }
        )
    score = {baseline_name: baseline.mean(axis=1) * sign}
    score.update({k: v.mean(axis=1) * sign for k, v in policies.items()})
    names = list(score)
    overall = {k: v.mean() for k, v in score.items()}
    held = np.ones(len(values), dtype=bool)
    for a in names:
        for b in names:
            if overall[a] > overall[b]:
                held &= score[a] >= score[b]
    return pd.DataFrame(rows), float(held.mean()) if len(held) else float("nan")


# -- the whole analysis ----------------------------------------------------------------------
PLAN_FILE = "sensitivity.json"


@dataclass
class SensitivityResult:
    """What `run` found; `save` writes it, `report` prints it, `plot` draws it.

    Attributes:
        indices: one row per metric and parameter: the method's indices, their 95%
            confidence half-widths (``*_conf``) and ``rank``.
        noise: one row per metric: noise_share, ci_ratio, design_halves,
            replicate_halves, advice (see `analyse_metric`).
        policies: one row per metric and policy (see `policy_robustness`).
        ranking_held: one row per metric: share of the base points where the order of
            all scenarios equals their order on average.
    """

    scenario: str
    method: str
    n: int
    replicates: int
    horizon: str
    window: int
    design: Design
    indices: pd.DataFrame
    noise: pd.DataFrame
    policies: pd.DataFrame = field(default_factory=pd.DataFrame)
    ranking_held: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs: int = 0

    @property
    def ranked_by(self) -> str:
        return METHODS[self.method].ranked_by

    def plot(self, path: str | Path | None = None, top: int = 12):
        """Ranked bars of each metric's leading parameters with their 95% intervals."""
        from matplotlib.figure import Figure

        m = METHODS[self.method]
        metrics = list(dict.fromkeys(self.indices.metric))
        cols = min(3, len(metrics))
        rows = -(-len(metrics) // cols)
        fig = Figure(
            figsize=(5.2 * cols, 0.32 * min(top, len(self.design.names)) * rows + 1.6 * rows)
        )
        for k, metric in enumerate(metrics):
            ax = fig.add_subplot(rows, cols, k + 1)
            d = self.indices[self.indices.metric == metric].nsmallest(top, "rank").iloc[::-1]
            ypos = np.arange(len(d))
            ax.barh(ypos, d[m.ranked_by], xerr=d[m.conf], color="#3b6ea5", label=m.ranked_by)
            if "S1" in d:
                ax.barh(ypos, d["S1"], height=0.4, color="#e0a030", label="S1")
            ax.set_yticks(ypos, d.parameter, fontsize=8)
            ax.set_title(metric, fontsize=10)
            ax.axvline(0, color="black", lw=0.5)
            if k == 0:
                ax.legend(fontsize=8, loc="lower right")
        fig.suptitle(
            f"{self.scenario}: {self.method} (N={self.n}, R={self.replicates}), "
            f"mean {self.window} months to {self.horizon}; bars 95% intervals",
            fontsize=10,
        )
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=110)
        return fig

    def report(self) -> str:
        """A plain-text summary: top parameters, noise verdicts, policy robustness."""
        m = METHODS[self.method]
        lines = [
            f"{self.scenario}: {self.method} over {len(self.design.names)} parameters, "
            f"N={self.n}, {len(self.design.x)} points x {self.replicates} replicates "
            f"({self.runs} runs); metrics are the mean of the {self.window} months to {self.horizon}"
        ]
        for metric in dict.fromkeys(self.indices.metric):
            d = self.indices[self.indices.metric == metric].nsmallest(TOP_K, "rank")
            nz = self.noise.set_index("metric").loc[metric]
            tops = ", ".join(
                f"{r.parameter} {getattr(r, m.ranked_by):.2f}±{getattr(r, m.conf):.2f}"
                for r in d.itertuples()
            )
            lines.append(f"\n{metric}: {m.ranked_by} {tops}")
            lines.append(
                f"  noise share {nz.noise_share:.0%}, widest interval / top index "
                f"{nz.ci_ratio:.2f}, top-{TOP_K} agreement: design halves "
                f"{nz.design_halves:.0%}, replicate halves {nz.replicate_halves:.0%}"
            )
            lines.append(f"  -> {nz.advice}")
            if not self.policies.empty:
                held = self.ranking_held.set_index("metric").loc[metric, "share_ranking_held"]
                lines.append(f"  ranking of all scenarios holds at {held:.0%} of the points")
                for r in self.policies[self.policies.metric == metric].itertuples():
                    lines.append(
                        f"  {r.policy:<30} better than the baseline at {r.share_better:4.0%} "
                        f"(clearly {r.share_clearly_better:4.0%}), worse at "
                        f"{r.share_worse:4.0%} of the points; effect "
                        f"{r.effect:+.3g} [{r.effect_p05:+.3g}, {r.effect_p95:+.3g}]"
                        + (f"; depends most on {r.driver}" if r.driver else "")
                    )
        return "\n".join(lines)

    def save(self, out: str | Path) -> list[Path]:
        """Write indices.csv, noise.csv, policies.csv, ranked.png and report.txt."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name in ("indices", "noise", "policies", "ranking_held"):
            path = out / f"{name}.csv"
            write_text_atomic(path, getattr(self, name).to_csv(index=False))
            paths.append(path)
        png = atomic_write(out / "ranked.png", self.plot)
        txt = write_text_atomic(out / "report.txt", self.report() + "\n")
        return [*paths, png, txt]


def _check_out(out: Path, batch_plan, settings: dict) -> None:
    """Refuse a folder that holds anything but this analysis (or nothing)."""
    from .batch.storage import MANIFEST, BatchError, read_manifest

    try:
        if not check_out_folder(out, MANIFEST, "sensitivity analysis"):
            return
        manifest = read_manifest(out)
    except FolderError as exc:
        raise SensitivityInputError("out", exc.detail) from None
    except BatchError as exc:
        raise SensitivityInputError("out", str(exc)) from None
    if manifest.get("plan_hash") == batch_plan.plan_hash:
        return  # the same analysis: its finished runs are kept
    old = (manifest.get("meta") or {}).get("sensitivity")
    if old is None:
        raise SensitivityInputError(
            "out", f"{out} holds a batch that is not a sensitivity analysis; choose a new folder"
        )
    diff = [k for k in settings if old.get(k) != settings[k]] or ["its runs"]
    raise SensitivityInputError(
        "out",
        f"{out} holds a different sensitivity analysis (differs in {', '.join(diff)}); "
        "choose a new folder or repeat its arguments to resume it",
    )


def run(
    scenario: Scenario,
    method: str,
    n: int,
    *,
    replicates: int = 2,
    params: Iterable[str] | str | None = None,
    policies: str | Sequence[str | Scenario] | None = "shipped",
    metrics: Sequence[str] | None = None,
    horizon: str | None = None,
    window: int = DEFAULT_WINDOW,
    seed: int | None = None,
    out: str | Path,
    executor: str = "processes",
    workers: int | None = None,
    scheduler=None,
    progress: bool | None = None,
) -> SensitivityResult:
    """Sample, run (through the batch machinery, resumably) and analyse: the library
    function behind `southflank sensitivity`.

    Args:
        scenario: the scenario whose assumptions vary.
        method: "sobol" or "morris" (see the module docstring for the SALib pairs).
        n: Sobol base sample (power of 2) or Morris trajectories.
        replicates: runs per design point (common random numbers).
        params: parameters to vary (default: the whole registry).
        policies: "shipped" (the library's policy variants of `scenario`), "none", or
            names/scenarios to compare with it at the design's base points.
        metrics: metrics analysed (default: sim.outcomes.HEADLINE).
        horizon: the month analysed (YYYY-MM, default the last of the run).
        window: months averaged up to the horizon (1 = the horizon month alone).
        seed: the batch seed (replicate seeds and the SALib sample derive from it).
        out: the analysis folder, a batch folder (sim.batch.storage) with the results
            beside it; rerunning with the same arguments continues it.
        executor, workers, scheduler: where the runs execute, as for `sim.batch.run_batch`
            (processes by default; serial; dask with a scheduler address or Client).
        progress: show a progress bar (default: when stderr is a terminal).

    Raises:
        SensitivityInputError: bad input (nothing written, no run started).
        SensitivityRunError: some runs failed; the others are kept in `out`.
    """
    from .batch.design import DEFAULT_BATCH_SEED, design_seed
    from .batch.design import replicate_seeds as _seeds
    from .batch.executors import ExecutorError, check_executor
    from .batch.plan import make_plan
    from .batch.runner import run_plan
    from .batch.storage import BatchError, load

    seed = DEFAULT_BATCH_SEED if seed is None else int(seed)
    if seed < 0:
        raise SensitivityInputError("seed", f"must be 0 or more, got {seed}")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise SensitivityInputError(
            "replicates", f"must be a whole number >= 1, got {replicates!r}"
        )
    try:
        check_executor(executor, workers, scheduler)
    except ExecutorError as exc:
        raise SensitivityInputError(exc.field, exc.detail) from None
    metrics = list(metrics or HEADLINE)
    known = [m.name for m in MODEL_METRICS]
    for m in metrics:
        if m not in known:
            raise SensitivityInputError(
                "metrics",
                f"unknown metric {m!r}{_params.suggest(m, known)}; allowed: {', '.join(known)}",
            )
    if len(set(metrics)) != len(metrics):
        raise SensitivityInputError("metrics", "a metric is named twice")
    last = format_month(scenario.end - 1)
    horizon = horizon or last
    try:
        h = parse_month(horizon)
    except ValueError as exc:
        raise SensitivityInputError("horizon", str(exc)) from None
    if not scenario.start <= h < scenario.end:
        raise SensitivityInputError(
            "horizon", f"{horizon} is outside the run ({format_month(scenario.start)} to {last})"
        )
    if not 1 <= window <= h - scenario.start + 1:
        raise SensitivityInputError(
            "window",
            f"must be 1 to {h - scenario.start + 1} months for horizon {horizon}, got {window}",
        )
    design = make_design(method, n, params, seed=design_seed(seed))
    compared = _resolve_policies(scenario, policies)
    base = design.base_points()
    # what defines the runs (horizon and window only read them: changing those reuses
    # the runs); kept in the batch manifest to explain a refused folder
    settings = {
        "scenario": scenario.name,
        "scenario_hash": scenario.content_hash(),
        "method": method,
        "n": design.n,
        "parameters": design.names,
        "replicates": replicates,
        "batch_seed": seed,
        "seeds": _seeds(seed, replicates),
        "policies": {p.name: p.content_hash() for p in compared},
        "metrics": metrics,
    }
    try:
        batch_plan = make_plan(
            [scenario, *compared],
            replicates=replicates,
            design=design.to_batch(),
            seed=seed,
            scenario_points={p.name: base.tolist() for p in compared},
            tables=("monthly",),
            columns=metrics,
        )
    except BatchError as exc:  # e.g. a policy scenario with the analysed one's name
        raise SensitivityInputError("policies", str(exc)) from None
    out = Path(out)
    _check_out(out, batch_plan, settings)
    started = now()
    try:
        summary = run_plan(
            batch_plan,
            out,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            label="sensitivity",
            meta={"sensitivity": settings},
        )
    except ExecutorError as exc:  # e.g. no Dask scheduler at that address
        raise SensitivityInputError(exc.field, exc.detail) from None
    if summary.failed or summary.left:
        raise SensitivityRunError(
            f"{summary.failed} of {summary.n_runs} runs failed and {summary.left} are left, "
            f"so there is nothing complete to analyse (tracebacks in {out / 'failures'}); "
            f"fix the cause, then `southflank resume {out} --retry-failed` and run this "
            "analysis again: finished runs are kept"
        )
    runs = summary.n_runs
    first = format_month(h - window + 1)
    monthly = load(out).read(
        "monthly",
        columns=["scenario", "point", "replicate", "date", *metrics],
        filters=[("date", ">=", first), ("date", "<=", horizon)],
    )
    points = design.points()
    compared_names = [p.name for p in compared]
    idx_rows, noise_rows, pol_rows, held_rows = [], [], [], []
    for metric in metrics:
        y = outputs(monthly, metric, scenario.name, len(points), replicates, horizon, window)
        idx, noise = analyse_metric(design, y, seed)
        idx_rows.append(idx.rename_axis("parameter").reset_index().assign(metric=metric))
        noise_rows.append({"metric": metric, **noise})
        if compared:
            ys = {
                name: outputs(monthly, metric, name, len(base), replicates, horizon, window)
                for name in compared_names
            }
            table, held = policy_robustness(design, metric, y[base], ys, scenario.name)
            pol_rows.append(table)
            held_rows.append({"metric": metric, "share_ranking_held": held})
    indices = pd.concat(idx_rows, ignore_index=True)
    indices = indices[["metric", "parameter", *METHODS[method].indices, "rank"]]
    result = SensitivityResult(
        scenario=scenario.name,
        method=method,
        n=design.n,
        replicates=replicates,
        horizon=horizon,
        window=window,
        design=design,
        indices=indices,
        noise=pd.DataFrame(noise_rows),
        policies=pd.concat(pol_rows, ignore_index=True) if pol_rows else pd.DataFrame(),
        ranking_held=pd.DataFrame(held_rows),
        runs=runs,
    )
    result.save(out)
    record = {
        "kind": "southflank-sensitivity",
        "plan": settings,
        "horizon": horizon,
        "window": window,
        "batch_id": summary.batch_id,
        "runs": runs,
        "runs_now": summary.ran_runs,
        "started": started,
        "finished": now(),
        **environment(),
    }
    write_json_atomic(out / PLAN_FILE, record)
    return result
