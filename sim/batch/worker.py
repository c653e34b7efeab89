"""What a worker does with one chunk: run its runs, write its tables, mark it done.

A chunk task carries everything the worker needs (runs, seeds, the validated scenario
content, the tables and metrics to keep), so a worker reads nothing from the batch
folder and can sit on another machine (Dask); it writes its Parquet files, any failure
records and finally its done marker (with the sizes and SHA-256 of the files it
wrote), each atomically.

Speed: a 10-year run takes ~35 ms, so per-run bookkeeping must stay well under a
millisecond or two. The worker therefore never builds a pandas frame per run: it
keeps each run's recorder arrays (sim.outcomes.Recorder: ``model``, ``country``,
``regime``) and event list, and builds each table of the chunk once, column by column,
from the concatenated arrays (strings by one dictionary ``take``). The columns and
values are those of `sim.simulate`'s frames (`reproduce` checks it run by run).
"""

from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..calendar import format_month
from ..outcomes import COUNTRY_METRICS, EVENT_COLUMNS, MODEL_METRICS
from ..params import check_value
from ..provenance import now
from ..roster import REGIMES
from ..run import run_model
from ..scenario import Scenario
from .storage import (
    DONE,
    FAILURES,
    ID_COLUMNS,
    TABLES,
    chunk_name,
    write_json_atomic,
    write_parquet_atomic,
)

_METRIC_POS = {m.name: i for i, m in enumerate(MODEL_METRICS)}


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of consecutive runs: all a worker needs, nothing it must read."""

    out: str
    index: int
    runs: tuple[tuple, ...]  # (run_id, scenario, point, replicate, seed, params_json)
    scenarios: dict[str, str]  # name -> validated content as JSON
    tables: tuple[str, ...] = TABLES  # the tables to write
    columns: tuple[str, ...] | None = None  # the monthly metrics to keep (None: all)
    plan_hash: str = ""  # the batch's, recorded in the done marker


@lru_cache(maxsize=32)
def _base_scenario(content_json: str) -> Scenario:
    data = json.loads(content_json)
    return Scenario.from_dict(data, path=f"<batch scenario {data['name']}>")


def scenario_for(content_json: str, params_json: str) -> Scenario:
    """The scenario of one run: the batch's validated scenario with the run's parameter
    overrides. Only the overrides are checked (against the registry), not the whole
    scenario again: a sensitivity design gives every run its own overrides, and full
    validation would cost about a millisecond a run."""
    base = _base_scenario(content_json)
    overrides = {k: check_value(k, v) for k, v in json.loads(params_json).items()}
    return base.model_copy(update={"parameters": overrides})


def _column(values: np.ndarray, partial: bool = False) -> pa.Array:
    # a partial metric's NaN (not applicable) becomes null, as pandas would store it
    return pa.array(values, from_pandas=partial)


def _strings(dictionary: list[str], indices: np.ndarray) -> pa.Array:
    """A string column from its distinct values and an index per row (one C++ take)."""
    return pa.array(dictionary, type=pa.string()).take(pa.array(indices))


def _event_column(values: list) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # an event detail whose type differs between events: keep it as text
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


class ChunkTables:
    """A chunk's finished runs, kept as arrays; each table is built once at the end.

    Args:
        tables: the tables to build (sim.batch.storage.TABLES or a subset).
        columns: the monthly metrics to keep (None: all, in MODEL_METRICS order).
    """

    def __init__(self, tables: tuple[str, ...] = TABLES, columns: tuple[str, ...] | None = None):
        self.tables = tables
        self.metrics = list(columns) if columns is not None else [m.name for m in MODEL_METRICS]
        self._pick = None if columns is None else [_METRIC_POS[c] for c in columns]
        self.ids: list[tuple] = []
        self.months: list[np.ndarray] = []
        self.model: list[np.ndarray] = []
        self.country: list[np.ndarray] = []
        self.regime: list[np.ndarray] = []
        self.codes: list[tuple[str, ...]] = []
        self.events: list[list[dict]] = []

    def add(self, ident: tuple, model) -> None:
        """Keep one finished run (`ident`: its ID_COLUMNS values)."""
        rec = model.recorder.arrays()
        self.ids.append(ident)
        self.months.append(rec.months)
        if "monthly" in self.tables:
            values = rec.model if self._pick is None else rec.model[:, self._pick]
            self.model.append(values)
        if "countries" in self.tables:
            self.country.append(rec.country)
            self.regime.append(rec.regime)
            self.codes.append(tuple(rec.codes))
        if "events" in self.tables:
            self.events.append(model.events)

    def _ids(self, rows: list[int]) -> list[tuple[str, pa.Array]]:
        which = pa.array(np.repeat(np.arange(len(self.ids)), rows))
        out = []
        for k, name in enumerate(ID_COLUMNS):
            kind = pa.string() if name in ("run_id", "scenario") else pa.int64()
            out.append((name, pa.array([i[k] for i in self.ids], type=kind).take(which)))
        return out

    @staticmethod
    def _dates(months: np.ndarray) -> pa.Array:
        distinct, index = np.unique(months, return_inverse=True)
        return _strings([format_month(int(m)) for m in distinct], index)

    def monthly(self) -> pa.Table | None:
        rows = [len(m) for m in self.months]
        if not sum(rows):
            return None
        values = np.ascontiguousarray(np.concatenate(self.model).T)
        steps = np.concatenate([np.arange(1, k + 1) for k in rows])
        cols = [*self._ids(rows), ("date", self._dates(np.concatenate(self.months)))]
        cols.append(("step", pa.array(steps, type=pa.int64())))
        cols += [(name, _column(values[j])) for j, name in enumerate(self.metrics)]
        return pa.table(dict(cols))

    def countries(self) -> pa.Table | None:
        rows = [c.shape[0] * c.shape[2] for c in self.country]
        if not sum(rows):
            return None
        # (metrics, rows): each metric's values month by month, actor by actor
        values = np.concatenate(
            [c.transpose(1, 0, 2).reshape(c.shape[1], -1) for c in self.country], axis=1
        )
        codes = list(dict.fromkeys(c for run in self.codes for c in run))
        where = {c: i for i, c in enumerate(codes)}
        iso = np.concatenate(
            [
                np.tile(np.array([where[c] for c in run]), len(m))
                for run, m in zip(self.codes, self.months, strict=True)
            ]
        )
        months = np.concatenate(
            [np.repeat(m, len(run)) for run, m in zip(self.codes, self.months, strict=True)]
        )
        regime = np.concatenate([r.reshape(-1) for r in self.regime]).astype(np.int64)
        cols = [*self._ids(rows), ("date", self._dates(months)), ("iso3", _strings(codes, iso))]
        cols += [(m.name, _column(values[j], m.partial)) for j, m in enumerate(COUNTRY_METRICS)]
        cols.append(("regime", _strings(list(REGIMES), regime)))
        return pa.table(dict(cols))

    def events_table(self) -> pa.Table | None:
        rows = [len(e) for e in self.events]
        if not sum(rows):
            return None
        flat = [e for run in self.events for e in run]
        keys = dict.fromkeys(EVENT_COLUMNS)
        for e in flat:
            keys.update(dict.fromkeys(e))
        cols = self._ids(rows)
        cols += [(k, _event_column([e.get(k) for e in flat])) for k in keys]
        return pa.table(dict(cols))

    def build(self, table: str) -> pa.Table | None:
        """One table of the chunk, or None when it has no rows."""
        return {"monthly": self.monthly, "countries": self.countries}.get(
            table, self.events_table
        )()


def run_chunk(task: ChunkTask) -> dict:
    """Run one chunk and write its tables, failures and done marker (in a worker)."""
    out = Path(task.out)
    t0, c0 = time.perf_counter(), time.process_time()
    kept = ChunkTables(task.tables, task.columns)
    ok, failed = [], []
    for run in task.runs:
        run_id, name, point, replicate, seed, params_json = run
        fpath = out / FAILURES / f"{run_id}.json"
        fpath.unlink(missing_ok=True)  # from an earlier, interrupted attempt
        try:
            scenario = scenario_for(task.scenarios[name], params_json)
            model = run_model(scenario, seed=int(seed))
        except Exception as exc:  # a failing run is recorded; the batch goes on
            write_json_atomic(
                fpath,
                {
                    "run_id": run_id,
                    "scenario": name,
                    "point": int(point),
                    "replicate": int(replicate),
                    "seed": int(seed),
                    "chunk": task.index,
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(),
                    "time": now(),
                },
            )
            failed.append(run_id)
            continue
        kept.add((run_id, name, point, replicate, seed), model)
        ok.append(run_id)
    files = {}
    for t in task.tables:
        rel = f"{t}/{chunk_name(task.index)}.parquet"
        table = kept.build(t)
        if table is not None:
            files[rel] = write_parquet_atomic(table, out / rel)
        else:
            (out / rel).unlink(missing_ok=True)
    summary = {
        "chunk": task.index,
        "plan_hash": task.plan_hash,
        # sizes and SHA-256 of the chunk's files: readers refuse a lost or damaged one
        "files": files,
        "n": len(task.runs),
        "ok": ok,
        "failed": failed,
        "seconds": round(time.perf_counter() - t0, 3),
        # CPU time of the worker: next to the wall time, it shows a machine shared
        # with other work (wall >> CPU) without rerunning anything
        "cpu_seconds": round(time.process_time() - c0, 3),
        "finished": now(),
    }
    write_json_atomic(out / DONE / f"{chunk_name(task.index)}.json", summary)
    return {"chunk": task.index, "n": len(task.runs), "failed": failed}
