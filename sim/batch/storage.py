"""The on-disk layout of a batch, and `load(DIR)` to read it back in one call.

A batch folder holds::

    manifest.json          what was run and by what (see below); rewritten atomically
    runs.parquet           one row per run: run_id, scenario, scenario_hash, point,
                           replicate, seed, params_json
    monthly/chunk-NNNNNN.parquet    model-level metrics, one row per run and month
    countries/chunk-NNNNNN.parquet  country metrics, one row per run, month and actor
    events/chunk-NNNNNN.parquet     the event log, one row per run and event
    done/chunk-NNNNNN.json          marker: the chunk is complete (written last)
    failures/<run_id>.json          a run that raised: its error and traceback

Runs are numbered in plan order (scenarios as given, then design points, then
replicates) and cut into chunks of ``manifest["chunk_size"]`` consecutive runs; a
worker runs one chunk, writes its Parquet files (each by a temporary file and a
rename), then its ``done`` marker. A chunk without a marker is unfinished: `resume`
reruns it, `load` ignores its files.

A batch may store only some tables (``manifest["tables"]``, e.g. only ``monthly`` for
a sensitivity analysis of thousands of runs) and only some monthly metrics
(``manifest["columns"]``; date and step are always kept). `load` then gives the
tables that were not stored as empty frames with their usual columns (``Batch.tables``
says which were), and asking `Batch.read` for a metric that was not stored raises
BatchError naming the stored ones.

Every row of monthly, countries and events starts with the run's identity columns
``run_id, scenario, point, replicate, seed`` followed by the columns of the matching
`sim.Result` table (``monthly``: date, step and sim.outcomes.MODEL_METRICS;
``countries``: date, iso3, sim.outcomes.COUNTRY_METRICS and regime; ``events``: date,
kind, iso3, mechanism, cause, then event details, which vary by kind and are empty
where they do not apply).

``params_json`` holds the run's parameter overrides (the scenario's ``parameters``
with the design point's values on top); every other parameter is at the default
recorded in ``manifest["parameter_defaults"]``.

manifest.json keys: ``kind`` ("southflank-batch"), ``schema_version``, ``batch_id``,
``plan_hash``, ``command``, ``package_version``, ``git_commit``, ``versions`` (Python
and libraries), ``platform``, ``batch_seed``, ``replicates``, ``seeds`` (one per
replicate), ``scenarios`` (name, file, files: the file and its ``extends`` parents with
text and sha256, content_hash, content: the validated scenario), ``design`` (method,
parameters, bounds, samples, seed, points), ``scenario_points`` (scenario -> the design
points it runs at, null when every scenario runs at every point), ``tables``,
``columns`` (null: every metric), ``label`` and ``meta`` (free JSON of the caller, e.g.
the settings of a sensitivity analysis), ``parameter_defaults``, ``n_runs``,
``chunk_size``, ``n_chunks``, ``started``, ``finished`` (null until every chunk is
done), ``status`` and ``sessions`` (one entry per batch or resume invocation).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import LOCK_FILE, atomic_write, write_json_atomic
from ..io import remove_temporaries as _remove_temporaries
from ..outcomes import EVENT_COLUMNS

__all__ = ["write_json_atomic"]  # re-exported: the batch modules write JSON through here

KIND = "southflank-batch"
SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
RUNS = "runs.parquet"
TABLES = ("monthly", "countries", "events")
DONE = "done"
FAILURES = "failures"
ID_COLUMNS = ("run_id", "scenario", "point", "replicate", "seed")
# Measured here on a chunk of twenty 10-year runs (all three tables): lz4 with
# dictionary encoding only for text columns and statistics only for the identity
# columns writes in ~1.5 ms a run against ~2.9 ms for zstd with the defaults (the
# float columns rarely repeat, so trying a dictionary on them is wasted work), at
# ~345 KB a run against ~335 KB.
COMPRESSION = "lz4"
RUN_COLUMNS = ("run_id", "scenario", "scenario_hash", "point", "replicate", "seed", "params_json")
# manifest keys every command relies on, with their types
REQUIRED = {
    "batch_id": str,
    "plan_hash": str,
    "n_runs": int,
    "chunk_size": int,
    "n_chunks": int,
    "scenarios": list,
    "seeds": list,
    "design": dict,
    "sessions": list,
}


class BatchError(ValueError):
    """A folder that is not a batch, or a batch that cannot be used as asked."""


class BatchAborted(RuntimeError):
    """A batch stopped by a fault outside the model (a worker died, the disk is full);
    its finished chunks are kept and `southflank resume` continues it."""


def chunk_name(index: int) -> str:
    return f"chunk-{index:06d}"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_record(path: Path) -> dict:
    """What a done marker records of a file: its size and SHA-256."""
    return {"bytes": path.stat().st_size, "sha256": sha256_file(path)}


def write_parquet_atomic(data: pd.DataFrame | pa.Table, path: Path) -> dict:
    """Write a table so that a reader sees either nothing or the whole file; returns
    its `file_record` (taken before the rename, so it is the file written)."""
    if isinstance(data, pd.DataFrame):
        data = pa.Table.from_pandas(data, preserve_index=False)
    text = [f.name for f in data.schema if pa.types.is_string(f.type)]
    ids = [c for c in ID_COLUMNS if c in data.column_names]
    record: dict = {}

    def write(tmp: Path) -> None:
        pq.write_table(
            data, tmp, compression=COMPRESSION, use_dictionary=text, write_statistics=ids or False
        )
        record.update(file_record(tmp))

    atomic_write(path, write)
    return record


def _load_json(path: Path, what: str) -> object:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise BatchError(f"{path}: the {what} is not UTF-8 text (damaged?)") from None
    except json.JSONDecodeError as exc:
        raise BatchError(f"{path}: unreadable {what} ({exc})") from None
    except OSError as exc:
        raise BatchError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None


def read_manifest(path: str | Path) -> dict:
    """The manifest of a batch folder, checked: BatchError if the folder holds no
    batch or the manifest is damaged (not JSON, not an object, keys missing or of the
    wrong type, counts that do not add up)."""
    path = Path(path)
    mpath = path / MANIFEST
    if not path.is_dir():
        raise BatchError(f"{path}: no such batch folder")
    if not mpath.is_file():
        raise BatchError(f"{path}: not a batch folder (no {MANIFEST})")
    manifest = _load_json(mpath, "manifest")
    if not isinstance(manifest, dict):
        raise BatchError(
            f"{mpath}: not a batch manifest (a JSON {type(manifest).__name__}, not an object)"
        )
    if manifest.get("kind") != KIND:
        raise BatchError(f"{mpath}: not a batch manifest (kind {manifest.get('kind')!r})")
    version = manifest.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise BatchError(
            f"{mpath}: schema_version {version!r}; this version reads 1 to {SCHEMA_VERSION}"
        )
    for key, kind in REQUIRED.items():
        value = manifest.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            got = "missing" if key not in manifest else f"a {type(value).__name__}"
            raise BatchError(f"{mpath}: damaged manifest: {key} must be a {kind.__name__}, {got}")
    n_runs, size, n_chunks = manifest["n_runs"], manifest["chunk_size"], manifest["n_chunks"]
    if n_runs < 1 or size < 1 or n_chunks != math.ceil(n_runs / size):
        raise BatchError(
            f"{mpath}: damaged manifest: {n_runs} runs in chunks of {size} are not "
            f"{n_chunks} chunks"
        )
    return manifest


def read_runs(path: Path, manifest: dict, columns: list[str] | None = None) -> pd.DataFrame:
    """The run table, checked against the manifest (its checksum where the manifest
    records one, and its length): a manifest of another batch is refused."""
    rpath = path / RUNS
    if not rpath.is_file():
        raise BatchError(f"{rpath}: missing; the folder is damaged")
    want = manifest.get("runs_sha256")
    if want is not None and sha256_file(rpath) != want:
        raise BatchError(
            f"{rpath} does not match {path / MANIFEST} (checksum): the manifest belongs to "
            "another batch, or the run table was changed"
        )
    try:
        runs = pd.read_parquet(rpath, columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise BatchError(f"{rpath}: unreadable ({exc})") from None
    if len(runs) != manifest["n_runs"]:
        raise BatchError(
            f"{rpath} holds {len(runs)} runs but {path / MANIFEST} says {manifest['n_runs']}: "
            "the manifest belongs to another batch"
        )
    return runs


def done_chunks(path: Path) -> dict[int, dict]:
    """The done markers present: chunk index -> the marker's content (unchecked; see
    `check_chunk`). A marker that is not a JSON object maps to {}."""
    out = {}
    d = path / DONE
    if not d.is_dir():
        return out
    for f in d.glob("chunk-*.json"):
        try:
            index = int(f.stem.split("-")[1])
        except (IndexError, ValueError):
            continue
        try:
            marker = json.loads(f.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, OSError):
            marker = {}
        out[index] = marker if isinstance(marker, dict) else {}
    return out


def chunk_files(manifest: dict, index: int, marker: dict) -> dict[str, dict | None]:
    """The files a finished chunk must have: relative path -> its record (None for a
    marker of an earlier version, which records none)."""
    files = marker.get("files")
    if isinstance(files, dict):
        return files
    # an earlier marker: the monthly and country tables have a row for every run
    stored = manifest.get("tables") or TABLES
    ok = marker.get("n", 0) - len(marker.get("failed", []))
    must = [t for t in ("monthly", "countries") if t in stored] if ok > 0 else []
    return {f"{t}/{chunk_name(index)}.parquet": None for t in must}


def check_chunk(
    path: Path, manifest: dict, index: int, marker: dict, checksums: bool | set[str] = False
) -> str | None:
    """Why a finished chunk cannot be trusted, or None. Sizes are always checked;
    checksums of every file (``checksums=True``) or of the named relative paths."""
    size = manifest["chunk_size"]
    n = min(size, manifest["n_runs"] - index * size)
    if not 0 <= index < manifest["n_chunks"]:
        return f"chunk {index} is not part of this batch ({manifest['n_chunks']} chunks)"
    if not marker:
        return "its done marker is damaged"
    if marker.get("plan_hash", manifest["plan_hash"]) != manifest["plan_hash"]:
        return "its done marker belongs to another batch"
    if marker.get("n") != n or not isinstance(marker.get("failed"), list):
        return f"its done marker says {marker.get('n')!r} runs, the chunk has {n}"
    for rel, record in chunk_files(manifest, index, marker).items():
        f = path / rel
        if not f.is_file():
            return f"{rel} is missing"
        if record is None:
            continue
        actual = f.stat().st_size
        if actual != record.get("bytes"):
            return f"{rel} has {actual} bytes, {record.get('bytes')} were written"
        if (checksums is True or (checksums and rel in checksums)) and sha256_file(f) != record.get(
            "sha256"
        ):
            return f"{rel} does not match its checksum"
    return None


def damaged_chunks(
    path: Path, manifest: dict, done: dict[int, dict], checksums: bool = False
) -> dict[int, str]:
    """Finished chunks that fail `check_chunk`: index -> why."""
    out = {}
    for index, marker in sorted(done.items()):
        why = check_chunk(path, manifest, index, marker, checksums)
        if why is not None:
            out[index] = why
    return out


def damaged_message(path: Path, damaged: dict[int, str]) -> str:
    shown = [f"{chunk_name(i)}: {why}" for i, why in list(damaged.items())[:5]]
    more = f" and {len(damaged) - 5} more" if len(damaged) > 5 else ""
    return (
        f"{path}: {len(damaged)} finished chunk(s) damaged ({'; '.join(shown)}{more}); "
        f"`southflank resume {path}` reruns them"
    )


def remove_temporaries(path: Path) -> int:
    """Delete temporary files that an interrupted writer left behind."""
    return sum(
        _remove_temporaries(sub)
        for sub in (path, *(path / t for t in TABLES), path / DONE, path / FAILURES)
    )


# -- one writer at a time ----------------------------------------------------------------
def lock_holder(path: Path) -> int | None:
    """The pid of the process that holds the batch's lock, or None."""
    lock = path / LOCK_FILE
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                return None
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextlib.contextmanager
def batch_lock(path: Path) -> Iterator[None]:
    """Hold the batch folder's exclusive lock (``flock`` on ``.lock``) while writing.

    A second writer is refused at once, naming the holder's pid. The kernel releases
    the lock when the holder exits however it ends (even by SIGKILL), so a lock never
    outlives its process.
    """
    lock = path / LOCK_FILE
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise BatchError(f"{path}: cannot create its lock file ({exc.strerror or exc})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
            raise BatchError(f"{path}: cannot lock it ({exc.strerror or exc})") from None
        raise BatchError(
            f"{path} is being written by process {text or '?'} (a batch or resume); "
            "wait for it to end or stop it; two writers cannot share a batch folder"
        ) from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _read_tables(
    files: list[Path], columns: list[str] | None, filters: list | None = None
) -> pd.DataFrame | None:
    tables = []
    for f in files:
        try:
            tables.append(pq.read_table(f, columns=columns, filters=filters))
        except (OSError, pa.ArrowException) as exc:
            raise BatchError(f"{f}: unreadable ({exc})") from None
    if not tables:
        return None
    # event details differ between chunks: unify the schemas, missing columns are null
    table = pa.concat_tables(tables, promote_options="permissive")
    return table.to_pandas()


def table_columns(name: str, columns: list[str] | None = None) -> list[str]:
    """The columns of one table of a batch (`columns`: the monthly metrics stored)."""
    from ..outcomes import COUNTRY_METRICS, MODEL_METRICS

    cols = {
        "monthly": ["date", "step", *(columns or (m.name for m in MODEL_METRICS))],
        "countries": ["date", "iso3", *(m.name for m in COUNTRY_METRICS), "regime"],
        "events": list(EVENT_COLUMNS),
    }[name]
    return [*ID_COLUMNS, *cols]


@dataclass
class Batch:
    """A batch read back from its folder. Tables are read on first use and kept.

    Attributes:
        path: the batch folder.
        manifest: the manifest (dict).
        runs: the run table (runs.parquet) with a ``status`` column added:
            ``ok``, ``failed`` or ``pending``.
        monthly, countries, events: the finished runs' tables in plan order (see the
            module docstring for columns); a table the batch did not store (see
            ``tables``) is an empty frame with its usual columns.
    """

    path: Path
    manifest: dict

    @cached_property
    def _done(self) -> dict[int, dict]:
        """The finished chunks, their files' sizes checked: a damaged chunk is a
        BatchError naming it (`southflank resume` reruns it)."""
        done = done_chunks(self.path)
        damaged = damaged_chunks(self.path, self.manifest, done)
        if damaged:
            raise BatchError(damaged_message(self.path, damaged))
        return done

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables this batch stored (all three unless it was asked for fewer)."""
        return tuple(self.manifest.get("tables") or TABLES)

    @property
    def columns(self) -> list[str] | None:
        """The monthly metrics stored, or None when every metric was."""
        return self.manifest.get("columns")

    @cached_property
    def runs(self) -> pd.DataFrame:
        runs = read_runs(self.path, self.manifest)
        status = pd.Series("pending", index=runs.index, dtype=object)
        size = self.manifest["chunk_size"]
        chunk = runs.index // size
        failed = {r for marker in self._done.values() for r in marker.get("failed", [])}
        status[chunk.isin(list(self._done))] = "ok"
        status[runs.run_id.isin(failed)] = "failed"
        runs["status"] = status.astype(str)
        return runs

    def files(self, table: str) -> list[Path]:
        """The Parquet files of finished chunks of one table, in plan order."""
        if table not in TABLES:
            raise BatchError(f"unknown table {table!r}; allowed: {', '.join(TABLES)}")
        if table not in self.tables:
            return []
        out = []
        for index in sorted(self._done):
            rel = f"{table}/{chunk_name(index)}.parquet"
            f = self.path / rel
            if f.exists():
                # the files read are checked against their checksums first
                why = check_chunk(self.path, self.manifest, index, self._done[index], {rel})
                if why is not None:
                    raise BatchError(damaged_message(self.path, {index: why}))
                out.append(f)
        return out

    def read(
        self, table: str, columns: list[str] | None = None, filters: list | None = None
    ) -> pd.DataFrame:
        """One table of the finished runs, optionally only some columns and rows (saves
        memory: the countries table of a large batch is big).

        Args:
            table: monthly, countries or events.
            columns: the columns to read (default all).
            filters: row filters in pyarrow's form, e.g. ``[("date", ">=", "2034-07")]``.

        A table the batch did not store is an empty frame with its usual columns; a
        monthly metric it did not store is a BatchError.
        """
        files = self.files(table)
        if table == "monthly" and columns is not None and self.columns is not None:
            stored = table_columns("monthly", self.columns)
            missing = [c for c in columns if c not in stored]
            if missing:
                raise BatchError(
                    f"{self.path}: this batch stored only the monthly metrics "
                    f"{', '.join(self.columns)}; not {', '.join(missing)}"
                )
        df = _read_tables(files, columns, filters)
        if df is None:
            df = pd.DataFrame(columns=table_columns(table, self.columns))
            if columns is not None:
                df = df[[c for c in columns if c in df.columns]]
        return df

    @cached_property
    def monthly(self) -> pd.DataFrame:
        return self.read("monthly")

    @cached_property
    def countries(self) -> pd.DataFrame:
        return self.read("countries")

    @cached_property
    def events(self) -> pd.DataFrame:
        return self.read("events")

    @property
    def complete(self) -> bool:
        return len(self._done) == self.manifest["n_chunks"]


def load(path: str | Path) -> Batch:
    """Open a batch folder: ``.manifest``, ``.runs``, ``.monthly``, ``.countries``,
    ``.events`` (pandas frames, read on first access; empty for a table the batch did
    not store, ``.tables`` lists the stored ones).

    Example::

        from sim.batch import load
        b = load("results/20250701-120000-3f2a1c")
        b.monthly.groupby(["scenario", "date"]).russia_influence_share.mean()
    """
    path = Path(path)
    batch = Batch(path=path, manifest=read_manifest(path))
    read_runs(path, batch.manifest, columns=["run_id"])  # a manifest of another batch
    _ = batch._done  # sizes of every finished chunk's files
    return batch
