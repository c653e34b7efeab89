"""Planning a batch: validated scenarios, one design, seeds, the run table and chunks.

`make_plan` validates every input and lays out the runs before anything is written:
bad input raises PlanError, a BatchError naming the argument at fault (the CLI names
its flag and exits 2), and leaves no folder behind. `create_batch` then writes the manifest and the run table.

Besides the designs of an ``experiment:`` block, a plan can run an explicit design
(points the caller chose, `sim.batch.design.explicit_design`), some scenarios at only
some of its points (``scenario_points``: e.g. policy variants at the base points of a
sensitivity design, paired with the analysed scenario point by point and seed by
seed), and store only some tables (``tables``) and monthly metrics (``columns``).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import yaml
from pydantic import ValidationError

from .. import library
from ..errors import ArgumentError
from ..outcomes import MODEL_METRICS
from ..params import defaults as parameter_defaults
from ..params import suggest
from ..provenance import environment, now
from ..scenario import Experiment, Scenario
from .design import (
    DEFAULT_BATCH_SEED,
    Design,
    DesignError,
    build_design,
    check_design,
    design_seed,
    replicate_seeds,
    uncertain_design,
)
from .storage import (
    DONE,
    FAILURES,
    KIND,
    MANIFEST,
    RUN_COLUMNS,
    RUNS,
    SCHEMA_VERSION,
    TABLES,
    BatchError,
    read_manifest,
    write_json_atomic,
    write_parquet_atomic,
)

DEFAULT_REPLICATES = 10
# A chunk holds about this many simulated months (twenty 10-year runs, one to two
# seconds of work): long enough that pool and file overheads are a few per cent.
TARGET_MONTHS_PER_CHUNK = 2400
# ... but a batch is cut into at least this many chunks when it has that many runs,
# so that workers stay balanced and the progress bar moves.
MIN_CHUNKS = 16

ScenarioLike = str | Path | Scenario


class PlanError(BatchError, ArgumentError):
    """Bad input to a batch: ``argument`` names the argument of `make_plan` /
    `sim.batch.run_batch` at fault (scenarios, replicates, design, samples, seed, out,
    chunk_size, vary, tables, columns, scenario_points)."""


@dataclass
class PlannedScenario:
    scenario: Scenario
    file: str | None
    files: list[dict]

    @property
    def content_json(self) -> str:
        return json.dumps(self.scenario.model_dump(mode="json"), sort_keys=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _scenario_files(path: Path) -> list[dict]:
    """The scenario file and its ``extends`` parents: path, sha256 and text."""
    out, seen = [], set()
    current: Path | None = path
    while current is not None and current.resolve() not in seen:
        seen.add(current.resolve())
        raw = current.read_bytes()
        out.append({"path": str(current), "sha256": _sha256(raw), "text": raw.decode("utf-8")})
        data = yaml.safe_load(raw)
        parent = data.get("extends") if isinstance(data, dict) else None
        if not parent:
            break
        ppath = Path(parent)
        if not ppath.suffix:
            ppath = ppath.with_suffix(".yaml")
        current = ppath if ppath.is_absolute() else current.parent / ppath
    return out


def _plan_scenario(item: ScenarioLike) -> PlannedScenario:
    if isinstance(item, Scenario):
        return PlannedScenario(item, item.source_path, [])
    path = library.resolve(item)
    scenario = Scenario.load(path)
    return PlannedScenario(scenario, str(path), _scenario_files(path))


def resolve_experiment(
    scenarios: Sequence[Scenario],
    design: str | None = None,
    samples: int | None = None,
    replicates: int | None = None,
    vary: Mapping[str, tuple[float | None, float | None]] | None = None,
) -> tuple[Experiment | None, int]:
    """The batch's one experiment: the scenarios' ``experiment:`` block (they must
    agree, so differences stay paired point by point) with command-line values on top.

    ``vary`` (name -> (low, high), None for the registry's bound) replaces the block's
    parameters, or makes an experiment where the scenarios have none: an analyst can
    explore a parameter without writing a YAML file."""
    declared: dict[str, str] = {}
    for sc in scenarios:
        if sc.experiment is not None:
            declared.setdefault(json.dumps(sc.experiment.model_dump(mode="json")), sc.name)
    if len(declared) > 1:
        raise PlanError(
            "scenarios",
            f"{', '.join(declared.values())} declare different experiment: blocks; "
            "a batch runs one design for all its scenarios (keep the block in a shared "
            "parent scenario, or run them as separate batches)",
        )
    base = next((sc.experiment for sc in scenarios if sc.experiment is not None), None)
    if replicates is not None and (isinstance(replicates, bool) or replicates < 1):
        raise PlanError("replicates", f"must be at least 1, got {replicates}")
    if base is None and not vary and (design is not None or samples is not None):
        raise PlanError(
            "design" if design is not None else "samples",
            "no parameters to vary; add an experiment: block with parameters: [...] to "
            "the scenario, or name them with vary (see docs/batch.md)",
        )
    if base is None and not vary:
        return None, replicates or DEFAULT_REPLICATES
    data = base.model_dump() if base is not None else {}
    if vary:
        data["parameters"] = {k: {"low": lo, "high": hi} for k, (lo, hi) in vary.items()}
    if design is not None:
        data["design"] = design
    if samples is not None:
        data["samples"] = samples
    if replicates is not None:
        data["replicates"] = replicates
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as exc:
        raise _experiment_error(exc, bool(vary)) from None
    return exp, exp.replicates


def _experiment_error(exc: ValidationError, vary: bool) -> BatchError:
    """A bad experiment: the `vary` argument's fault, or the scenarios' block's."""
    msgs = "; ".join(
        f"{'.'.join(str(x) for x in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors()
    )
    return PlanError("vary", msgs) if vary else BatchError(f"experiment: {msgs}")


def chunk_size_for(n_runs: int, months: int) -> int:
    """Runs per chunk: about TARGET_MONTHS_PER_CHUNK of simulation, at least MIN_CHUNKS
    chunks. Fixed when the batch is created (it is part of the plan), so resuming with
    another number of workers cuts the batch the same way."""
    by_cost = max(1, TARGET_MONTHS_PER_CHUNK // max(1, months))
    by_count = max(1, math.ceil(n_runs / MIN_CHUNKS))
    return min(by_cost, by_count)


def _run_table(
    planned: list[PlannedScenario],
    design: Design,
    seeds: list[int],
    scenario_points: dict[str, list[int]] | None = None,
) -> pd.DataFrame:
    wp = max(3, len(str(len(design.points) - 1)))
    wr = max(3, len(str(len(seeds) - 1)))
    rows = []
    every = range(len(design.points))
    for ps in planned:
        sc = ps.scenario
        h = sc.content_hash()
        for p in (scenario_points or {}).get(sc.name, every):
            params = json.dumps({**sc.parameters, **design.points[p]}, sort_keys=True)
            for r, seed in enumerate(seeds):
                rows.append((f"{sc.name}.p{p:0{wp}d}.r{r:0{wr}d}", sc.name, h, p, r, seed, params))
    df = pd.DataFrame(rows, columns=list(RUN_COLUMNS))
    return df.astype({"point": "int64", "replicate": "int64", "seed": "int64"})


@dataclass
class Plan:
    """Everything about a batch that is fixed before it runs.

    ``scenario_points`` maps a scenario name to the design points it runs at (a
    scenario not named runs at every point); ``tables`` are the tables stored and
    ``columns`` the monthly metrics kept (None: all of them).
    """

    scenarios: list[PlannedScenario]
    design: Design
    batch_seed: int
    seeds: list[int]
    runs: pd.DataFrame
    chunk_size: int
    scenario_points: dict[str, list[int]] | None = None
    tables: tuple[str, ...] = TABLES
    columns: tuple[str, ...] | None = None
    plan_hash: str = field(init=False)

    def __post_init__(self):
        key = {
            "scenarios": [(p.scenario.name, p.scenario.content_hash()) for p in self.scenarios],
            "design": self.design.to_json(),
            "batch_seed": self.batch_seed,
            "seeds": self.seeds,
            "chunk_size": self.chunk_size,
        }
        # only when set, so that the batches of earlier versions keep their hash
        if self.scenario_points:
            key["scenario_points"] = self.scenario_points
        if tuple(self.tables) != TABLES:
            key["tables"] = list(self.tables)
        if self.columns is not None:
            key["columns"] = list(self.columns)
        self.plan_hash = _sha256(json.dumps(key, sort_keys=True).encode())

    @property
    def n_chunks(self) -> int:
        return math.ceil(len(self.runs) / self.chunk_size)


def check_tables(
    tables: Sequence[str], columns: Sequence[str] | None
) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """The tables to store and the monthly metrics to keep, checked (BatchError)."""
    if isinstance(tables, str):
        tables = [tables]
    tables = list(tables)
    unknown = [t for t in tables if t not in TABLES]
    if unknown or not tables or len(set(tables)) != len(tables):
        raise PlanError(
            "tables", f"give one or more distinct names of {', '.join(TABLES)}, got {tables}"
        )
    if columns is None:
        return tuple(t for t in TABLES if t in tables), None
    if "monthly" not in tables:
        raise PlanError("columns", "selects monthly metrics, but the monthly table is not stored")
    if isinstance(columns, str):
        columns = [columns]
    known = [m.name for m in MODEL_METRICS]
    for c in columns:
        if c not in known:
            raise PlanError(
                "columns", f"unknown metric {c!r}{suggest(c, known)}; allowed: {', '.join(known)}"
            )
    if not columns:
        raise PlanError("columns", "name at least one monthly metric (or None for all)")
    # in MODEL_METRICS order, so the stored table reads like a full one
    chosen = set(columns)
    return tuple(t for t in TABLES if t in tables), tuple(k for k in known if k in chosen)


def _check_scenario_points(
    scenario_points: dict[str, Sequence[int]] | None, names: list[str], n_points: int
) -> dict[str, list[int]] | None:
    if not scenario_points:
        return None
    out = {}
    for name, points in scenario_points.items():
        if name not in names:
            raise PlanError(
                "scenario_points",
                f"{name!r} is not a scenario of the batch{suggest(name, names)}; "
                f"scenarios: {', '.join(names)}",
            )
        chosen = sorted({int(p) for p in points})
        if len(chosen) != len(points) or not chosen:
            raise PlanError("scenario_points", f"{name}: give distinct point numbers, at least one")
        bad = [p for p in chosen if not 0 <= p < n_points]
        if bad:
            raise PlanError(
                "scenario_points",
                f"{name}: points {bad[:5]} are outside the design (0 to {n_points - 1})",
            )
        out[name] = chosen
    return out


def make_plan(
    scenarios: Sequence[ScenarioLike],
    *,
    replicates: int | None = None,
    design: str | Design | None = None,
    samples: int | None = None,
    seed: int | None = None,
    chunk_size: int | None = None,
    scenario_points: dict[str, Sequence[int]] | None = None,
    tables: Sequence[str] = TABLES,
    columns: Sequence[str] | None = None,
    vary: Mapping[str, tuple[float | None, float | None]] | None = None,
    uncertain: int | None = None,
) -> Plan:
    """Validate the inputs and lay out every run (nothing is written).

    Args:
        design: a design name (grid, lhs, sobol, morris) applied to the scenarios'
            ``experiment.parameters``, or a `Design` of explicit points (then the
            experiment blocks' designs are not used and `samples` must be None).
        scenario_points: scenario name -> the design points it runs at (default:
            every scenario at every point).
        tables: the tables to store (default all three).
        columns: the monthly metrics to store (default all); date and step are kept.
        vary: parameter name -> (low, high) to vary instead of the experiment block's
            (None: the registry's bound); not with an explicit `Design`.
        uncertain: N Latin-hypercube draws of the registry's uncertain parameters
            (`sim.batch.design.uncertain_design`) as the design; not with another
            design, `vary` or an experiment block.

    See `sim.batch.run_batch` for the other arguments.
    """
    if not scenarios:
        raise PlanError("scenarios", "give at least one scenario")
    planned = [_plan_scenario(s) for s in scenarios]
    names = [p.scenario.name for p in planned]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise PlanError(
            "scenarios",
            f"scenario name(s) {', '.join(dup)} appear more than once; a batch needs "
            "distinct scenario names (the name field of each file)",
        )
    tables, columns = check_tables(tables, columns)
    batch_seed = DEFAULT_BATCH_SEED if seed is None else int(seed)
    if batch_seed < 0:
        raise PlanError("seed", f"must be 0 or more, got {batch_seed}")
    design = _with_uncertain(planned, design, samples, vary, uncertain, batch_seed)
    if isinstance(design, Design):
        if vary:
            raise PlanError("vary", "an explicit design already fixes its points")
        if samples is not None:
            raise PlanError("samples", "an explicit design already fixes its points")
        if replicates is not None and (isinstance(replicates, bool) or replicates < 1):
            raise PlanError("replicates", f"must be at least 1, got {replicates}")
        reps = replicates or DEFAULT_REPLICATES
        try:
            des = check_design(design)
        except DesignError as exc:
            raise PlanError("design", str(exc)) from None
    else:
        exp, reps = resolve_experiment(
            [p.scenario for p in planned], design, samples, replicates, vary
        )
        try:
            des = build_design(exp, batch_seed)
        except DesignError as exc:
            raise PlanError(exc.argument, exc.detail) from None
        except ValueError as exc:
            raise BatchError(str(exc)) from None
    subsets = _check_scenario_points(scenario_points, names, len(des.points))
    seeds = replicate_seeds(batch_seed, reps)
    runs = _run_table(planned, des, seeds, subsets)
    months = max(p.scenario.months for p in planned)
    if chunk_size is not None and chunk_size < 1:
        raise PlanError("chunk_size", f"must be at least 1, got {chunk_size}")
    size = chunk_size or chunk_size_for(len(runs), months)
    return Plan(planned, des, batch_seed, seeds, runs, size, subsets, tables, columns)


def _with_uncertain(planned, design, samples, vary, n, batch_seed):
    """The design of a batch under deep uncertainty (`make_plan`'s ``uncertain``: N
    draws, `sim.batch.design.uncertain_design`), or `design` unchanged without it."""
    if n is None:
        return design
    for name, value in (("design", design), ("samples", samples), ("vary", vary)):
        if value:
            raise PlanError(name, "not with uncertain, whose draws are the batch's design")
    if any(p.scenario.experiment is not None for p in planned):
        raise PlanError(
            "uncertain", "a scenario declares an experiment: block; a batch runs one design"
        )
    fixed = sorted({k for p in planned for k in p.scenario.parameters})
    try:
        return uncertain_design(n, design_seed(batch_seed), fixed)
    except DesignError as exc:
        raise PlanError(exc.argument, exc.detail) from None


def default_out(plan: Plan, root: str | Path = "results") -> Path:
    """results/<date>-<time>-<plan hash>: readable, sortable and unique per plan."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(root) / f"{stamp}-{plan.plan_hash[:6]}"


def check_batch_out(out: Path, plan: Plan) -> bool:
    """True if `out` already holds this very batch (then it is resumed); raise if it
    holds anything else; False if it is new or empty."""
    if out.exists() and not out.is_dir():
        raise PlanError("out", f"{out} exists and is not a folder")
    if not out.is_dir() or not any(out.iterdir()):
        return False
    if not (out / MANIFEST).exists():
        raise PlanError(
            "out", f"{out} is not empty and holds no batch; choose a new or empty folder"
        )
    manifest = read_manifest(out)
    if manifest.get("plan_hash") == plan.plan_hash:
        return True
    raise PlanError(
        "out",
        f"{out} holds another batch ({manifest.get('batch_id')}); continue it with "
        f"`southflank resume {out}` or choose another folder",
    )


def _manifest(plan: Plan, out: Path, label: str | None, meta: dict | None) -> dict:
    from .. import __version__

    env = environment()
    return {
        "kind": KIND,
        "schema_version": SCHEMA_VERSION,
        "batch_id": out.name,
        "plan_hash": plan.plan_hash,
        "label": label,
        "meta": meta,
        "command": env["command"],
        "package_version": __version__,
        "git_commit": env["git_commit"],
        "versions": env["versions"],
        "platform": env["platform"],
        "batch_seed": plan.batch_seed,
        "replicates": len(plan.seeds),
        "seeds": plan.seeds,
        "scenarios": [
            {
                "name": p.scenario.name,
                "file": p.file,
                "files": p.files,
                "content_hash": p.scenario.content_hash(),
                "content": p.scenario.model_dump(mode="json"),
            }
            for p in plan.scenarios
        ],
        "design": plan.design.to_json(),
        "scenario_points": plan.scenario_points,
        "tables": list(plan.tables),
        "columns": None if plan.columns is None else list(plan.columns),
        "parameter_defaults": parameter_defaults(),
        "n_runs": len(plan.runs),
        "chunk_size": plan.chunk_size,
        "n_chunks": plan.n_chunks,
        "started": now(),
        "finished": None,
        "status": "created",
        "sessions": [],
    }


def create_batch(plan: Plan, out: Path, label: str | None = None, meta: dict | None = None) -> None:
    """Write the manifest and the run table of a new batch (`meta`: free JSON the
    caller keeps with the batch, e.g. the settings of the analysis it feeds)."""
    out.mkdir(parents=True, exist_ok=True)
    for sub in (*plan.tables, DONE, FAILURES):
        (out / sub).mkdir(exist_ok=True)
    write_parquet_atomic(plan.runs, out / RUNS)
    # the manifest last: a folder with a manifest is a complete, resumable batch
    write_json_atomic(out / MANIFEST, _manifest(plan, out, label, meta))
