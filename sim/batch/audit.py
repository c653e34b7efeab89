"""Reading a batch back: what is done (`status`), whether its files are intact
(`verify`) and whether a run reproduces (`reproduce`)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..outcomes import events_frame
from ..params import suggest
from ..scenario import Scenario
from . import worker
from .storage import (
    FAILURES,
    ID_COLUMNS,
    TABLES,
    BatchError,
    check_chunk,
    chunk_files,
    chunk_name,
    damaged_chunks,
    damaged_message,
    done_chunks,
    lock_holder,
    read_manifest,
    read_runs,
)


def _state(path: Path, manifest: dict, left: int, damaged: int) -> tuple[str, int | None]:
    """The batch's state as it is, not as the manifest last said: a manifest left at
    "running" by a process that died is "interrupted" (no one holds the lock)."""
    holder = lock_holder(path)
    if holder is not None:
        return "running", holder
    if damaged:
        return "damaged", None
    if left == 0:
        written = manifest.get("status")
        return (written if str(written).startswith("complete") else "complete"), None
    return ("interrupted" if manifest.get("sessions") else "created"), None


def status(path: str | Path) -> dict:
    """Counts of runs done, failed and left, per scenario and in total; ``state`` is
    running (``pid``: the writer's), interrupted, damaged (``damaged`` lists the
    chunks whose files are lost or truncated: counted as left), created or complete."""
    path = Path(path)
    manifest = read_manifest(path)
    runs = read_runs(path, manifest, columns=["run_id", "scenario"])
    done = done_chunks(path)
    damaged = damaged_chunks(path, manifest, done)
    done = {i: m for i, m in done.items() if i not in damaged}
    size = manifest["chunk_size"]
    failed_ids = {r for m in done.values() for r in m.get("failed", [])}
    finished = (runs.index // size).isin(list(done))
    is_failed = runs.run_id.isin(failed_ids)
    per = (
        pd.DataFrame(
            {
                "scenario": runs.scenario,
                "done": finished & ~is_failed,
                "failed": is_failed,
                "left": ~finished,
            }
        )
        .groupby("scenario", sort=False)
        .sum()
        .astype(int)
    )
    left = int(per.left.sum())
    state, pid = _state(path, manifest, left, len(damaged))
    return {
        "batch_id": manifest["batch_id"],
        "path": str(path),
        "status": state,
        "pid": pid,
        "damaged": {chunk_name(i): why for i, why in damaged.items()},
        "started": manifest.get("started"),
        "finished": manifest.get("finished"),
        "n_runs": manifest["n_runs"],
        "done": int(per.done.sum()),
        "failed": int(per.failed.sum()),
        "left": left,
        "chunks_done": len(done),
        "n_chunks": manifest["n_chunks"],
        "failed_runs": sorted(failed_ids),
        "per_scenario": per.reset_index().to_dict(orient="records"),
    }


@dataclass
class Verification:
    """The outcome of `verify`: ``problems`` is empty when every finished chunk's files
    and the run table match what was written."""

    path: Path
    chunks: int
    files: int
    bytes: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(path: str | Path) -> Verification:
    """Check a batch folder byte for byte: the manifest, the run table against the
    manifest's checksum, and every finished chunk's files against the sizes and SHA-256
    its done marker recorded. Reads every file once; writes nothing. A damaged or
    foreign manifest or run table is a BatchError; damaged chunks are ``problems``."""
    path = Path(path)
    manifest = read_manifest(path)
    read_runs(path, manifest, columns=["run_id"])  # BatchError: not this batch's manifest
    done = done_chunks(path)
    damaged = damaged_chunks(path, manifest, done, checksums=True)
    problems = [f"{chunk_name(i)}: {why}" for i, why in damaged.items()]
    n_files = n_bytes = 0
    for index, marker in done.items():
        if index in damaged:
            continue
        for rel in chunk_files(manifest, index, marker):
            n_files += 1
            n_bytes += (path / rel).stat().st_size
    return Verification(path, len(done) - len(damaged), n_files, n_bytes, problems)


@dataclass
class Reproduction:
    """The outcome of rerunning one run: whether it matches, and where it does not."""

    run_id: str
    match: bool
    details: list[str]


def _roundtrip(df: pd.DataFrame) -> pd.DataFrame:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return pd.read_parquet(io.BytesIO(buf.getvalue()))


def _stored(path: Path, table: str, index: int, run_id: str) -> pd.DataFrame | None:
    f = path / table / f"{chunk_name(index)}.parquet"
    if not f.exists():
        return None
    t = pq.read_table(f, filters=[("run_id", "=", run_id)])
    df = t.to_pandas().drop(columns=list(ID_COLUMNS))
    keep = [c for c in df.columns if df[c].notna().any()]
    return df[keep].reset_index(drop=True)


def _rerun_failed(path: Path, run_id: str, content: dict, row) -> list[str]:
    """A stored failure rerun exactly as the worker ran it: it must fail the same way."""
    failure = json.loads((path / FAILURES / f"{run_id}.json").read_text(encoding="utf-8"))
    try:
        scenario = worker.scenario_for(json.dumps(content, sort_keys=True), row.params_json)
        worker.run_model(scenario, seed=int(row.seed))
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        if error != failure["error"]:
            return [f"failed again, differently: {error} (stored: {failure['error']})"]
        return []
    return [f"the stored run failed ({failure['error']}) but the rerun succeeded"]


def _compare_table(t: str, fresh: pd.DataFrame, stored: pd.DataFrame | None) -> list[str]:
    """Differences between a rerun's table and the stored one ([] when identical)."""
    if stored is None:
        stored = fresh.iloc[0:0]
    if not len(fresh) and not len(stored):
        return []
    fresh = _roundtrip(fresh)
    fresh = fresh[[c for c in fresh.columns if fresh[c].notna().any()]]
    try:
        pd.testing.assert_frame_equal(
            fresh.reset_index(drop=True),
            stored[list(fresh.columns)] if set(fresh.columns) <= set(stored.columns) else stored,
            check_exact=True,
            check_dtype=False,
        )
    except AssertionError as exc:
        first = str(exc).strip().splitlines()
        return [f"{t}: {' '.join(first[:3])}"]
    extra = set(stored.columns) - set(fresh.columns)
    return [f"{t}: stored columns {sorted(extra)} are missing from the rerun"] if extra else []


def reproduce(path: str | Path, run_id: str) -> Reproduction:
    """Rerun one run of a batch from its manifest and compare it with the stored tables."""
    path = Path(path)
    manifest = read_manifest(path)
    runs = read_runs(path, manifest)
    hits = runs.index[runs.run_id == run_id]
    if len(hits) == 0:
        raise BatchError(
            f"no run {run_id!r} in {path}{suggest(run_id, runs.run_id.tolist())}; "
            f"run ids look like {runs.run_id.iloc[0]}"
        )
    pos = int(hits[0])
    row = runs.iloc[pos]
    index = pos // manifest["chunk_size"]
    marker = done_chunks(path).get(index)
    if marker is None:
        raise BatchError(f"run {run_id} has not finished yet; `southflank resume {path}` first")
    why = check_chunk(path, manifest, index, marker, checksums=True)
    if why is not None:
        raise BatchError(damaged_message(path, {index: why}))
    content = next(s["content"] for s in manifest["scenarios"] if s["name"] == row.scenario)
    details = []
    base = Scenario.from_dict(dict(content), path=f"<manifest {row.scenario}>")
    if base.content_hash() != row.scenario_hash:
        details.append("the scenario rebuilt from the manifest has another content hash")
    if run_id in marker.get("failed", []):
        details += _rerun_failed(path, run_id, content, row)
        return Reproduction(run_id, not details, details)
    # the rerun builds its tables as `sim.simulate` does (pandas, run by run), an
    # independent check of the worker's array-built chunk tables
    scenario = base.with_parameters(json.loads(row.params_json))
    model = worker.run_model(scenario, seed=int(row.seed))
    rec = model.recorder
    result = {
        "monthly": rec.monthly(),
        "countries": rec.countries(),
        "events": events_frame(model.events),
    }
    columns = manifest.get("columns")
    if columns is not None:
        result["monthly"] = result["monthly"][["date", "step", *columns]]
    for t in manifest.get("tables") or TABLES:
        stored = _stored(path, t, index, run_id)
        details += _compare_table(t, result[t], stored)
    return Reproduction(run_id, not details, details)
