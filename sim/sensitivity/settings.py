"""The settings of a sensitivity analysis, checked once.

`Settings.check` validates every argument of `sim.sensitivity.run` (method and N,
parameters, policies, metrics, horizon, window, replicates, seed, executor) and draws
the design, before any folder is touched or any run starts; the frozen result is all
that the rest of the analysis reads. Bad input raises `SensitivityInputError` naming
the argument (``n``, ``params``, ...), which the command line turns into its flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import library
from .. import params as _params
from ..batch.design import DEFAULT_BATCH_SEED, Design, design_seed, replicate_seeds, sampled_design
from ..batch.executors import ExecutorError, check_executor
from ..batch.salib import ANALYSED, DesignError, check_samples
from ..calendar import format_month, horizon_month, parse_month
from ..errors import ArgumentError
from ..outcomes import HEADLINE, MODEL_METRICS
from ..scenario import Scenario

DEFAULT_WINDOW = 12  # months averaged up to the horizon: monthly counts are Poisson-noisy
CUMULATIVE = "cum"  # the window from the run's first month to the horizon


class SensitivityInputError(ArgumentError):
    """Bad input to a sensitivity analysis; ``argument`` (also ``field``) names it."""

    @property
    def field(self) -> str:
        return self.argument


class SensitivityRunError(RuntimeError):
    """Runs of the analysis failed or are left: there is nothing complete to analyse."""


def make_design(
    method: str, n: int, names: Iterable[str] | str | None = None, seed: int = 0
) -> Design:
    """SALib's sample over the registry's ranges (all parameters, or the named ones).

    Args:
        method: "sobol" or "morris" (sim.batch.salib.ANALYSED).
        n: Sobol's base sample size (a power of 2) or the number of Morris trajectories.
        names: parameters to vary (comma-separated or a list); the rest keep their
            scenario values.
        seed: seeds SALib's sampler, so the same arguments give the same design.

    Returns a `sim.batch.Design` whose ``matrix`` is SALib's raw sample (the analyzer's
    ``X``) and whose ``points`` are its rows as registry overrides.
    """
    if method not in ANALYSED:
        raise SensitivityInputError(
            "method", f"unknown method {method!r}; allowed: {', '.join(sorted(ANALYSED))}"
        )
    try:
        n = check_samples(method, n, "n", minimum=2)
    except DesignError as exc:
        raise SensitivityInputError(exc.argument, exc.detail) from None
    problem = _params.salib_problem(_parse_names(names))
    return sampled_design(method, problem["names"], problem["bounds"], n, seed)


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
        if n not in _params.PARAMETERS:
            raise SensitivityInputError(
                "params",
                f"unknown parameter {n!r}{_params.suggest(n, _params.PARAMETERS)} "
                "(`southflank parameters` lists them)",
            )
    return names


def resolve_policies(
    scenario: Scenario, policies: str | Sequence[str | Scenario] | None
) -> tuple[Scenario, ...]:
    """The policy scenarios compared with `scenario`: "shipped" (the library's policy
    variants of it, `sim.library.comparable`), "none"/None, or names/scenarios."""
    if policies is None or policies == "none":
        return ()
    if policies == "shipped":
        return tuple(library.comparable(scenario, policies_only=True))
    names = [p.strip() for p in policies.split(",")] if isinstance(policies, str) else policies
    out: list[Scenario] = []
    for p in names:
        sc = p if isinstance(p, Scenario) else library.load(p)
        if not library.same_months(sc, scenario):
            raise SensitivityInputError(
                "policies",
                f"{sc.name} runs {format_month(sc.start)} + {sc.months} months, "
                f"{scenario.name} {format_month(scenario.start)} + {scenario.months}: "
                "a policy is compared on the same months",
            )
        if sc.name == scenario.name or sc.name in (o.name for o in out):
            raise SensitivityInputError("policies", f"scenario {sc.name!r} given twice")
        out.append(sc)
    return tuple(out)


def check_metrics(metrics: Sequence[str] | None) -> tuple[str, ...]:
    """The metrics analysed (default sim.outcomes.HEADLINE), checked."""
    chosen = list(metrics or HEADLINE)
    known = [m.name for m in MODEL_METRICS]
    for m in chosen:
        if m not in known:
            raise SensitivityInputError(
                "metrics",
                f"unknown metric {m!r}{_params.suggest(m, known)}; allowed: {', '.join(known)}",
            )
    if len(set(chosen)) != len(chosen):
        raise SensitivityInputError("metrics", "a metric is named twice")
    return tuple(chosen)


def check_horizon(scenario: Scenario, horizon: int | str | None) -> str:
    """The month analysed: YYYY (its June) or YYYY-MM inside the run; default its last."""
    last = format_month(scenario.end - 1)
    if horizon is None:
        return last
    try:
        month = horizon_month(horizon)
    except ValueError as exc:
        raise SensitivityInputError("horizon", str(exc)) from None
    if not scenario.start <= parse_month(month) < scenario.end:
        raise SensitivityInputError(
            "horizon", f"{month} is outside the run ({format_month(scenario.start)} to {last})"
        )
    return month


def check_window(scenario: Scenario, horizon: str, window: int | str) -> int:
    """Months up to the horizon that each output averages: N, or "cum" (all of them)."""
    most = parse_month(horizon) - scenario.start + 1
    if window == CUMULATIVE:
        return most
    if isinstance(window, str) and window.strip().isdigit():
        window = int(window)
    if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= most:
        raise SensitivityInputError(
            "window",
            f"must be 1 to {most} months for horizon {horizon}, or {CUMULATIVE!r}, got {window!r}",
        )
    return window


def check_run_options(replicates: int, seed: int | None, executor: str, workers, scheduler) -> int:
    """Replicates and executor options checked; returns the batch seed."""
    seed = DEFAULT_BATCH_SEED if seed is None else seed
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SensitivityInputError("seed", f"must be a whole number >= 0, got {seed!r}")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise SensitivityInputError(
            "replicates", f"must be a whole number >= 1, got {replicates!r}"
        )
    try:
        check_executor(executor, workers, scheduler)
    except ExecutorError as exc:
        raise SensitivityInputError(exc.argument, exc.detail) from None
    return seed


@dataclass(frozen=True)
class Settings:
    """A sensitivity analysis as checked by `Settings.check`: what it runs and reads."""

    scenario: Scenario
    method: str
    design: Design
    replicates: int
    policies: tuple[Scenario, ...]
    metrics: tuple[str, ...]
    horizon: str
    window: int
    seed: int
    executor: str = "processes"
    workers: int | None = None
    scheduler: Any = None

    @classmethod
    def check(
        cls,
        scenario: Scenario,
        method: str,
        n: int,
        *,
        replicates: int = 2,
        params: Iterable[str] | str | None = None,
        policies: str | Sequence[str | Scenario] | None = "shipped",
        metrics: Sequence[str] | None = None,
        horizon: int | str | None = None,
        window: int | str = DEFAULT_WINDOW,
        seed: int | None = None,
        executor: str = "processes",
        workers: int | None = None,
        scheduler: Any = None,
    ) -> Settings:
        """Check every argument (see `sim.sensitivity.run`) and draw the design;
        SensitivityInputError naming the first bad one."""
        seed = check_run_options(replicates, seed, executor, workers, scheduler)
        metrics_ = check_metrics(metrics)
        horizon_ = check_horizon(scenario, horizon)
        window_ = check_window(scenario, horizon_, window)
        design = make_design(method, n, params, seed=design_seed(seed))
        return cls(
            scenario=scenario,
            method=method,
            design=design,
            replicates=replicates,
            policies=resolve_policies(scenario, policies),
            metrics=metrics_,
            horizon=horizon_,
            window=window_,
            seed=seed,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
        )

    @property
    def n(self) -> int:
        return int(self.design.samples)

    def record(self) -> dict:
        """What defines the runs (horizon and window only read them: changing those
        reuses the runs); kept in the batch manifest to explain a refused folder."""
        return {
            "scenario": self.scenario.name,
            "scenario_hash": self.scenario.content_hash(),
            "method": self.method,
            "n": self.n,
            "parameters": list(self.design.names),
            "replicates": self.replicates,
            "batch_seed": self.seed,
            "seeds": replicate_seeds(self.seed, self.replicates),
            "policies": {p.name: p.content_hash() for p in self.policies},
            "metrics": list(self.metrics),
        }
