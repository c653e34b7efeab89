"""Sample, run and analyse: the one function behind ``southflank sensitivity``.

The runs go through the batch machinery's one entry point (`sim.batch.run_batch`): the
design's points for the analysed scenario, its base points for each policy, replicates
under common random numbers, the monthly table of the analysed metrics only, in the
analysis folder itself, resumable. The analysis then reads the runs back, asks SALib
for the indices (`methods`), the policies' robustness (`sim.analysis.robustness`), and
writes the result (`result`) and a record of the settings beside the runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..analysis.robustness import policy_robustness, ranking_held
from ..batch.executors import ExecutorError
from ..batch.plan import PlanError
from ..batch.runner import BatchSummary, run_batch
from ..batch.salib import METHODS
from ..batch.storage import BatchError, load, read_manifest
from ..calendar import format_month, parse_month
from ..io import FolderError, write_json_atomic
from ..provenance import environment, now
from ..scenario import Scenario
from .methods import analyse_metric, outputs
from .result import SensitivityResult
from .settings import (
    DEFAULT_WINDOW,
    SensitivityInputError,
    SensitivityRunError,
    Settings,
)

PLAN_FILE = "sensitivity.json"
LABEL = "sensitivity"


def run(
    scenario: Scenario,
    method: str,
    n: int,
    *,
    out: str | Path,
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
    progress: bool | None = None,
) -> SensitivityResult:
    """Sample, run (through the batch machinery, resumably) and analyse.

    Args:
        scenario: the scenario whose assumptions vary.
        method: "sobol" or "morris" (the SALib pairs of sim.batch.salib).
        n: Sobol base sample (power of 2) or Morris trajectories.
        out: the analysis folder, a batch folder (sim.batch.storage) with the results
            beside it; rerunning with the same arguments continues it.
        replicates: runs per design point (common random numbers).
        params: parameters to vary (default: the whole registry).
        policies: "shipped" (the library's policy variants of `scenario`), "none", or
            names/scenarios to compare with it at the design's base points.
        metrics: metrics analysed (default: sim.outcomes.HEADLINE).
        horizon: the month analysed: YYYY (its June) or YYYY-MM; default the run's last.
        window: months averaged up to the horizon (1 = the horizon month alone), or
            "cum" for every month from the run's start.
        seed: the batch seed (replicate seeds and the SALib sample derive from it).
        executor, workers, scheduler: where the runs execute, as for `sim.batch.run_batch`
            (processes by default; serial; dask with a scheduler address or Client).
        progress: show a progress bar (default: when stderr is a terminal).

    Raises:
        SensitivityInputError: bad input, naming the argument (nothing written, no run
            started).
        SensitivityRunError: some runs failed; the others are kept in `out`.
    """
    settings = Settings.check(
        scenario,
        method,
        n,
        replicates=replicates,
        params=params,
        policies=policies,
        metrics=metrics,
        horizon=horizon,
        window=window,
        seed=seed,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
    )
    return run_settings(settings, out, progress=progress)


def run_settings(
    settings: Settings, out: str | Path, *, progress: bool | None = None
) -> SensitivityResult:
    """Run and analyse checked settings (see `run`); writes the result into `out`."""
    out = Path(out)
    started = now()
    summary = _run_batch(settings, out, progress)
    if summary.failed or summary.left:
        raise SensitivityRunError(
            f"{summary.failed} of {summary.n_runs} runs failed and {summary.left} are left, "
            f"so there is nothing complete to analyse (tracebacks in {out / 'failures'}); "
            f"fix the cause, then `southflank resume {out} --retry-failed` and run this "
            "analysis again: finished runs are kept"
        )
    result = analyse(settings, _read_monthly(settings, out), runs=summary.n_runs)
    result.save(out)
    record = {
        "kind": "southflank-sensitivity",
        "plan": settings.record(),
        "horizon": settings.horizon,
        "window": settings.window,
        "batch_id": summary.batch_id,
        "runs": summary.n_runs,
        "runs_now": summary.ran_runs,
        "started": started,
        "finished": now(),
        **environment(),
    }
    write_json_atomic(out / PLAN_FILE, record)
    return result


def _run_batch(settings: Settings, out: Path, progress: bool | None) -> BatchSummary:
    """The analysis's runs as one batch in `out`; batch errors named as arguments of
    `run` (a refused folder explained by what differs from the analysis it holds)."""
    base = settings.design.base_points().tolist()
    try:
        return run_batch(
            [settings.scenario, *settings.policies],
            replicates=settings.replicates,
            design=settings.design,
            seed=settings.seed,
            out=out,
            executor=settings.executor,
            workers=settings.workers,
            scheduler=settings.scheduler,
            progress=progress,
            label=LABEL,
            scenario_points={p.name: base for p in settings.policies},
            tables=("monthly",),
            columns=list(settings.metrics),
            meta={"sensitivity": settings.record()},
        )
    except FolderError as exc:  # a file, or a folder holding something else (sim.io)
        raise SensitivityInputError("out", exc.detail) from None
    except PlanError as exc:
        if exc.argument == "out":
            raise SensitivityInputError("out", _refusal(out, settings) or exc.detail) from None
        # e.g. a policy scenario with the analysed one's name
        raise SensitivityInputError("policies", exc.detail) from None
    except ExecutorError as exc:  # e.g. no Dask scheduler at that address
        raise SensitivityInputError(exc.argument, exc.detail) from None
    except BatchError as exc:  # a folder whose manifest cannot be read
        raise SensitivityInputError("out", str(exc)) from None


def _refusal(out: Path, settings: Settings) -> str | None:
    """Why a folder holding a batch cannot take this analysis (None: not a batch)."""
    try:
        manifest = read_manifest(out)
    except (BatchError, OSError):
        return None
    old = (manifest.get("meta") or {}).get("sensitivity")
    if old is None:
        return f"{out} holds a batch that is not a sensitivity analysis; choose a new folder"
    now_ = settings.record()
    diff = [k for k in now_ if old.get(k) != now_[k]] or ["its runs"]
    return (
        f"{out} holds a different sensitivity analysis (differs in {', '.join(diff)}); "
        "choose a new folder or repeat its arguments to resume it"
    )


def _read_monthly(settings: Settings, out: Path) -> pd.DataFrame:
    first = format_month(parse_month(settings.horizon) - settings.window + 1)
    return load(out).read(
        "monthly",
        columns=["scenario", "point", "replicate", "date", *settings.metrics],
        filters=[("date", ">=", first), ("date", "<=", settings.horizon)],
    )


def analyse(settings: Settings, monthly: pd.DataFrame, runs: int = 0) -> SensitivityResult:
    """The indices, noise diagnostic and policy robustness of every metric, from the
    analysis's monthly table (columns scenario, point, replicate, date, metrics)."""
    design = settings.design
    base = design.base_points()
    values = pd.DataFrame(design.matrix[base], columns=design.names)
    idx_rows, noise_rows, pol_rows, held_rows = [], [], [], []
    for metric in settings.metrics:

        def y_of(name: str, points: int, metric: str = metric):
            return outputs(
                monthly, metric, name, points, settings.replicates, settings.horizon,
                settings.window,
            )  # fmt: skip

        y = y_of(settings.scenario.name, len(design.points))
        idx, noise = analyse_metric(design, y, settings.seed)
        idx_rows.append(idx.rename_axis("parameter").reset_index().assign(metric=metric))
        noise_rows.append({"metric": metric, **noise})
        if settings.policies:
            ys = {p.name: y_of(p.name, len(base)) for p in settings.policies}
            pol_rows.append(policy_robustness(metric, y[base], ys, values))
            scores = {settings.scenario.name: y[base], **ys}
            held_rows.append({"metric": metric, "share_ranking_held": ranking_held(metric, scores)})
    indices = pd.concat(idx_rows, ignore_index=True)
    indices = indices[["metric", "parameter", *METHODS[settings.method].indices, "rank"]]
    return SensitivityResult(
        scenario=settings.scenario.name,
        method=settings.method,
        n=settings.n,
        replicates=settings.replicates,
        horizon=settings.horizon,
        window=settings.window,
        design=design,
        indices=indices,
        noise=pd.DataFrame(noise_rows),
        policies=pd.concat(pol_rows, ignore_index=True) if pol_rows else pd.DataFrame(),
        ranking_held=pd.DataFrame(held_rows),
        runs=runs,
    )
