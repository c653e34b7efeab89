"""Batches: scenarios x design points x replicates, run in chunks, resumable.

`run_batch` plans the runs, writes the manifest and the run table, and hands chunks of
consecutive runs to an executor (sim.batch.executors). Each chunk is run by
`run_chunk` in a worker, which writes the chunk's tables and then its ``done`` marker
(layout: sim.batch.storage). The head process only counts finished chunks, so its
memory does not grow with the number of runs. `resume_batch` reruns exactly the chunks
without a marker, so an interrupted batch ends with the same tables as one that was
never interrupted. `status` and `reproduce` (sim.batch.audit) read a batch back.

Common random numbers: replicate i of every scenario and design point runs with the
same seed (sim.batch.design.replicate_seeds), so a scenario's difference from the
baseline is paired seed by seed and its noise largely cancels.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ..provenance import environment, now
from .design import Design
from .executors import make_executor
from .plan import Plan, ScenarioLike, check_batch_out, create_batch, default_out, make_plan
from .storage import (
    DONE,
    MANIFEST,
    RUNS,
    TABLES,
    chunk_name,
    done_chunks,
    read_manifest,
    remove_temporaries,
    write_json_atomic,
)
from .worker import ChunkTask, run_chunk


@dataclass
class BatchSummary:
    """What a batch (or resume) invocation did."""

    path: Path
    batch_id: str
    n_runs: int
    ok: int
    failed: int
    left: int
    seconds: float
    ran_runs: int

    @property
    def complete(self) -> bool:
        return self.left == 0


def _tasks(out: Path, manifest: dict, runs: pd.DataFrame, pending: list[int]):
    scenarios = {s["name"]: json.dumps(s["content"], sort_keys=True) for s in manifest["scenarios"]}
    size = manifest["chunk_size"]
    tables = tuple(manifest.get("tables") or TABLES)
    columns = manifest.get("columns")
    columns = None if columns is None else tuple(columns)
    cols = ["run_id", "scenario", "point", "replicate", "seed", "params_json"]
    for index in pending:
        rows = runs.iloc[index * size : (index + 1) * size][cols]
        yield ChunkTask(
            str(out),
            index,
            tuple(
                (r[0], r[1], int(r[2]), int(r[3]), int(r[4]), r[5])
                for r in rows.itertuples(index=False)
            ),
            scenarios,
            tables,
            columns,
        )


def _progress_enabled(progress: bool | None) -> bool:
    return sys.stderr.isatty() if progress is None else progress


def execute(out: Path, executor, progress: bool | None = None) -> BatchSummary:
    """Run every chunk of the batch in `out` that has no done marker."""
    t0 = time.perf_counter()
    manifest = read_manifest(out)
    remove_temporaries(out)
    runs = pd.read_parquet(out / RUNS)
    done = done_chunks(out)
    n_chunks, n_runs = manifest["n_chunks"], manifest["n_runs"]
    pending = [i for i in range(n_chunks) if i not in done]
    runs_done = sum(m["n"] for m in done.values())
    failed = sum(len(m["failed"]) for m in done.values())
    session = {
        "started": now(),
        "command": environment()["command"],
        "executor": executor.name,
        "workers": executor.workers,
        "chunks_pending": len(pending),
    }
    manifest["sessions"].append(session)
    manifest["status"] = "running"
    write_json_atomic(out / MANIFEST, manifest)
    ran = 0
    bar = tqdm(
        total=n_runs,
        initial=runs_done,
        unit="run",
        desc=manifest["batch_id"],
        file=sys.stderr,
        disable=not _progress_enabled(progress),
        dynamic_ncols=True,
    )
    bar.set_postfix(failed=failed)
    try:
        for summary in executor.imap_unordered(run_chunk, _tasks(out, manifest, runs, pending)):
            ran += summary["n"]
            failed += len(summary["failed"])
            bar.update(summary["n"])
            bar.set_postfix(failed=failed)
    except BaseException:
        session["finished"] = now()
        session["interrupted"] = True
        manifest["status"] = "interrupted"
        write_json_atomic(out / MANIFEST, manifest)
        raise
    finally:
        bar.close()
    done = done_chunks(out)
    runs_done = sum(m["n"] for m in done.values())
    failed = sum(len(m["failed"]) for m in done.values())
    session["finished"] = now()
    session["runs"] = ran
    if len(done) == n_chunks:
        manifest["finished"] = session["finished"]
        manifest["status"] = "complete" if failed == 0 else "complete with failures"
    write_json_atomic(out / MANIFEST, manifest)
    return BatchSummary(
        path=out,
        batch_id=manifest["batch_id"],
        n_runs=n_runs,
        ok=runs_done - failed,
        failed=failed,
        left=n_runs - runs_done,
        seconds=time.perf_counter() - t0,
        ran_runs=ran,
    )


def run_batch(
    scenarios: Sequence[ScenarioLike],
    *,
    replicates: int | None = None,
    design: str | Design | None = None,
    samples: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    scheduler=None,
    progress: bool | None = None,
    chunk_size: int | None = None,
    label: str | None = None,
    scenario_points: dict[str, Sequence[int]] | None = None,
    tables: Sequence[str] = TABLES,
    columns: Sequence[str] | None = None,
    meta: dict | None = None,
    vary: Mapping[str, tuple[float | None, float | None]] | None = None,
    uncertain: int | None = None,
) -> BatchSummary:
    """Run scenarios x design points x replicates and write the batch to `out`.

    Args:
        scenarios: shipped scenario names, YAML paths or `Scenario` objects.
        replicates: runs per scenario and design point (default: the experiment's, or 10).
        design: grid, lhs, sobol or morris over the scenarios' ``experiment.parameters``;
            or an explicit `Design` (``Design(points=[{name: value, ...}, ...])``):
            every scenario runs at those points, in that order.
        samples: the design's N (sim.batch.design).
        seed: the batch seed; replicate seeds are spawned from it.
        out: the batch folder (default results/<date>-<time>-<hash>). A folder holding
            this same batch is resumed; one holding anything else is refused.
        executor: processes (default), serial or dask.
        workers: local worker processes (default: the CPUs available).
        scheduler: the Dask scheduler address or a `distributed.Client` (dask only).
        progress: show a progress bar (default: when stderr is a terminal).
        chunk_size: runs per task (default: chosen from the run length).
        label: a free label stored in the manifest (e.g. "demo").
        scenario_points: scenario name -> the design points it runs at (default:
            every point); e.g. policy variants at a sensitivity design's base points.
            Runs keep the design's point numbers, so they pair with the other
            scenarios' runs on (point, replicate, seed).
        tables: the tables to store (default all three; ("monthly",) skips the
            country and event tables, most of the disk and of the per-run cost).
        columns: the monthly metrics to store (default all).
        meta: free JSON kept in the manifest (e.g. the settings of an analysis).
        vary: parameter name -> (low, high) to vary with `design` instead of the
            scenarios' experiment block (None: the registry's bound).
        uncertain: N Latin-hypercube draws of the registry's uncertain parameters as
            the design (deep uncertainty; replicate r keeps its seed in every draw).

    Nothing is written when an input is bad (BatchError) or the executor cannot start.
    Common random numbers, resuming, crash safety and the manifest are the same for
    every kind of design.
    """
    plan = make_plan(
        scenarios,
        replicates=replicates,
        design=design,
        samples=samples,
        seed=seed,
        chunk_size=chunk_size,
        scenario_points=scenario_points,
        tables=tables,
        columns=columns,
        vary=vary,
        uncertain=uncertain,
    )
    return run_plan(
        plan,
        out,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        label=label,
        meta=meta,
    )


def run_plan(
    plan: Plan,
    out: str | Path | None = None,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler=None,
    progress: bool | None = None,
    label: str | None = None,
    meta: dict | None = None,
) -> BatchSummary:
    """Run a planned batch (see `run_batch`); nothing is written before the folder is
    checked and the executor has started. A folder that already holds this plan's
    batch is continued (its finished chunks are kept)."""
    path = Path(out) if out is not None else default_out(plan)
    existing = check_batch_out(path, plan)
    ex = make_executor(executor, workers, scheduler)
    with ex:
        if not existing:
            create_batch(plan, path, label, meta)
        return execute(path, ex, progress)


def resume_batch(
    path: str | Path,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler=None,
    progress: bool | None = None,
    retry_failed: bool = False,
) -> BatchSummary:
    """Finish an interrupted batch: rerun the chunks that have no done marker (and,
    with `retry_failed`, the chunks that hold failed runs)."""
    path = Path(path)
    read_manifest(path)
    ex = make_executor(executor, workers, scheduler)
    with ex:
        if retry_failed:
            for index, marker in done_chunks(path).items():
                if marker.get("failed"):
                    (path / DONE / f"{chunk_name(index)}.json").unlink()
        return execute(path, ex, progress)
