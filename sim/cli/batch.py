"""Run scenarios x design points x replicates on local processes, serially or on a Dask
cluster, and store every run's tables under one batch folder (see docs/batch.md).

Replicate i of every scenario and design point uses the same seed (common random
numbers), so `southflank compare` can pair them. An interrupted batch is finished by
`southflank resume DIR`; running the same command again into the same --out resumes it
too.
"""

from __future__ import annotations

import sys

from ..batch import DESIGNS, EXECUTORS
from ..batch.executors import check_executor
from ..batch.plan import default_out, make_plan
from ..batch.runner import run_plan
from ..batch.storage import TABLES
from . import InputError
from ._args import library_errors

COMMAND = "batch"
HELP = "run scenarios x design points x replicates into a batch folder"
ORDER = 20


def add_executor_arguments(p) -> None:
    p.add_argument("--executor", choices=EXECUTORS, default="processes", help="where runs execute")
    p.add_argument(
        "--workers", type=int, default=None, help="local worker processes (default: all CPUs)"
    )
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (--executor dask)")
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr (auto: when stderr is a terminal)",
    )


def progress_flag(value: str) -> bool | None:
    return {"auto": None, "always": True, "never": False}[value]


# bad batch input becomes an InputError (exit code 2) naming the flag
batch_errors = library_errors


def report(summary) -> int:
    """Print what a batch invocation did; exit code 1 if some runs failed."""
    rate = summary.ran_runs / summary.seconds if summary.seconds > 0 else 0.0
    print(
        f"{summary.batch_id}: {summary.ok} ok, {summary.failed} failed, {summary.left} left "
        f"of {summary.n_runs} runs ({summary.ran_runs} run now in {summary.seconds:.1f} s, "
        f"{rate:.1f} runs/s)"
    )
    print(f"results: {summary.path.resolve()}")
    if summary.failed:
        print(
            f"{summary.failed} run(s) failed: tracebacks in {summary.path / 'failures'}; "
            f"`southflank status {summary.path}` lists them"
        )
        return 1
    return 0


def add_arguments(p) -> None:
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="YAML files or shipped names")
    p.add_argument(
        "--replicates",
        type=int,
        default=None,
        help="runs per scenario and design point (default: the experiment's, or 10)",
    )
    p.add_argument(
        "--design",
        choices=DESIGNS,
        default=None,
        help="vary the parameters of the scenarios' experiment: block by this design",
    )
    p.add_argument("--samples", type=int, default=None, help="the design's N (docs/batch.md)")
    p.add_argument(
        "--vary",
        action="append",
        default=None,
        metavar="NAME[=LOW:HIGH]",
        help="vary a registry parameter (repeatable; without a range, its registry range; "
        "either bound may be left out, e.g. jihad_growth=0.1: ); replaces the scenarios' "
        "experiment parameters; design lhs unless --design says otherwise "
        "(`southflank parameters` lists the names)",
    )
    p.add_argument(
        "--uncertain",
        type=int,
        default=None,
        metavar="N",
        help="cross the scenarios with N Latin-hypercube draws of the registry's uncertain "
        "parameters (each over its range); replicate r keeps its seed in every scenario "
        "and draw, so effects within a draw are paired and their spread across draws is "
        "the assumptions' (not with --design, --samples or --vary)",
    )
    p.add_argument("--seed", type=int, default=None, help="batch seed (default 20250701)")
    p.add_argument(
        "--out", default=None, help="batch folder (default results/<date>-<time>-<hash>)"
    )
    p.add_argument(
        "--chunk-size", type=int, default=None, help="runs per task (default: chosen for you)"
    )
    p.add_argument(
        "--tables",
        default=",".join(TABLES),
        help="tables to store, comma-separated (default: all of "
        f"{', '.join(TABLES)}; monthly only saves time and disk for large designs)",
    )
    add_executor_arguments(p)


def _tables(text: str) -> tuple[str, ...]:
    names = tuple(t.strip() for t in text.split(",") if t.strip())
    bad = [t for t in names if t not in TABLES]
    if bad or not names:
        raise InputError(
            f"--tables: {', '.join(bad) or 'none given'}; allowed: {', '.join(TABLES)}"
        )
    return names


def parse_vary(items: list[str] | None) -> dict[str, tuple[float | None, float | None]]:
    """--vary NAME[=LOW:HIGH] values as name -> (low, high); a bound left out is None
    (the registry's). Names and ranges are checked against the registry by the plan."""
    out: dict[str, tuple[float | None, float | None]] = {}
    for item in items or []:
        name, sep, rng = item.partition("=")
        name = name.strip()
        if not name:
            raise InputError(f"--vary {item!r}: give NAME or NAME=LOW:HIGH")
        if name in out:
            raise InputError(f"--vary: {name} is given twice")
        if not sep:
            out[name] = (None, None)
            continue
        low, colon, high = rng.partition(":")
        if not colon:
            raise InputError(f"--vary {item!r}: the range must be LOW:HIGH (e.g. {name}=0.1:0.3)")
        bounds = []
        for text in (low, high):
            text = text.strip()
            try:
                bounds.append(float(text) if text else None)
            except ValueError:
                raise InputError(f"--vary {item!r}: {text!r} is not a number") from None
        out[name] = (bounds[0], bounds[1])
    return out


def run(args) -> int:
    if args.samples is not None and args.samples < 1:
        raise InputError(f"--samples must be at least 1, got {args.samples}")
    with batch_errors():
        check_executor(args.executor, args.workers, args.scheduler)
        plan = make_plan(
            args.scenarios,
            replicates=args.replicates,
            design=args.design,
            samples=args.samples,
            seed=args.seed,
            chunk_size=args.chunk_size,
            tables=_tables(args.tables),
            vary=parse_vary(args.vary),
            uncertain=args.uncertain,
        )
        out = default_out(plan) if args.out is None else args.out
        print(
            f"batch {len(plan.scenarios)} scenario(s) x {len(plan.design.points)} "
            f"{'draw' if plan.design.uncertain else 'point'}(s) x "
            f"{len(plan.seeds)} replicate(s) = {len(plan.runs)} runs -> {out}",
            file=sys.stderr,
        )
        try:
            summary = run_plan(
                plan,
                out,
                executor=args.executor,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=progress_flag(args.progress),
            )
        except KeyboardInterrupt:
            print(f"interrupted; finish it with: southflank resume {out}", file=sys.stderr)
            raise
    return report(summary)
