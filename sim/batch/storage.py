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

import json
import os
import uuid
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..outcomes import EVENT_COLUMNS

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


class BatchError(ValueError):
    """A folder that is not a batch, or a batch that cannot be used as asked."""


def chunk_name(index: int) -> str:
    return f"chunk-{index:06d}"


def _tmp(path: Path) -> Path:
    # unique per writer: two processes finishing the same chunk never share a temp file
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def write_parquet_atomic(data: pd.DataFrame | pa.Table, path: Path) -> None:
    """Write a table so that a reader sees either nothing or the whole file."""
    tmp = _tmp(path)
    try:
        if isinstance(data, pd.DataFrame):
            data = pa.Table.from_pandas(data, preserve_index=False)
        text = [f.name for f in data.schema if pa.types.is_string(f.type)]
        ids = [c for c in ID_COLUMNS if c in data.column_names]
        pq.write_table(
            data,
            tmp,
            compression=COMPRESSION,
            use_dictionary=text,
            write_statistics=ids or False,
        )
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json_atomic(path: Path, data: dict) -> None:
    """JSON by temporary file and rename (unique temp name, safe with many writers)."""
    tmp = _tmp(path)
    try:
        tmp.write_text(
            json.dumps(data, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
        )
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def read_manifest(path: str | Path) -> dict:
    """The manifest of a batch folder; BatchError if the folder holds no batch."""
    path = Path(path)
    mpath = path / MANIFEST
    if not path.is_dir():
        raise BatchError(f"{path}: no such batch folder")
    if not mpath.exists():
        raise BatchError(f"{path}: not a batch folder (no {MANIFEST})")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BatchError(f"{mpath}: unreadable manifest ({exc})") from None
    if manifest.get("kind") != KIND:
        raise BatchError(f"{mpath}: not a batch manifest (kind {manifest.get('kind')!r})")
    return manifest


def done_chunks(path: Path) -> dict[int, dict]:
    """Finished chunks: index -> the content of its done marker."""
    out = {}
    d = path / DONE
    if not d.is_dir():
        return out
    for f in d.glob("chunk-*.json"):
        try:
            out[int(f.stem.split("-")[1])] = json.loads(f.read_text(encoding="utf-8"))
        except (ValueError, json.JSONDecodeError):  # a marker is written atomically
            continue
    return out


def remove_temporaries(path: Path) -> int:
    """Delete temporary files that an interrupted writer left behind."""
    n = 0
    for sub in (path, *(path / t for t in TABLES), path / DONE, path / FAILURES):
        if sub.is_dir():
            for f in sub.glob(".*.tmp"):
                f.unlink(missing_ok=True)
                n += 1
    return n


def _read_tables(
    files: list[Path], columns: list[str] | None, filters: list | None = None
) -> pd.DataFrame | None:
    tables = [pq.read_table(f, columns=columns, filters=filters) for f in files]
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
        return done_chunks(self.path)

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
        runs = pd.read_parquet(self.path / RUNS)
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
            f = self.path / table / f"{chunk_name(index)}.parquet"
            if f.exists():
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
    return Batch(path=path, manifest=read_manifest(path))
