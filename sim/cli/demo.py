"""The main job on the embedded defaults: the shipped policy scenarios and the
current-course baseline under deep uncertainty (N Latin-hypercube draws of the
registry's uncertain parameters x R replicates, common random numbers) on local
processes; the batch goes to results/demo and a paired comparison with the baseline is
printed (and saved as compare.csv and compare.md in the folder). `make demo` then
writes the brief with `southflank report`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

from .. import library
from ..batch import load
from ..batch.compare import PAIR_KEYS, paired_effects, save
from ..batch.design import DEFAULT_BATCH_SEED
from ..batch.plan import make_plan
from ..batch.runner import run_plan
from ..batch.storage import MANIFEST
from ..outcomes import HEADLINE
from . import InputError
from .batch import batch_errors, report

COMMAND = "demo"
HELP = "run the shipped scenarios against the baseline and print a paired comparison"
ORDER = 5
HORIZONS = (2026, 2030, 2035)
LABEL = "demo"
# Sized to a two-core machine: 14 scenarios x 16 draws x 3 replicates = 672 ten-year
# runs, about 2.5 minutes on two processes (README, `make bench`); three replicates
# give a replicate interval within each draw, sixteen draws a 5-95% range across them.
DEMO_DRAWS = 16
DEMO_REPLICATES = 3


def add_arguments(p) -> None:
    p.add_argument("--out", default="results/demo", help="output folder (default results/demo)")
    p.add_argument(
        "--replicates",
        type=int,
        default=DEMO_REPLICATES,
        help=f"replicates per draw (default {DEMO_REPLICATES})",
    )
    p.add_argument(
        "--uncertain",
        type=int,
        default=DEMO_DRAWS,
        metavar="N",
        help=f"draws of the uncertain parameters (default {DEMO_DRAWS}; 0: the registry's values only)",
    )
    p.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_BATCH_SEED,
        help=f"batch seed (default {DEFAULT_BATCH_SEED})",
    )
    p.add_argument(
        "--scenario",
        default=None,
        help="run only this scenario (with the baseline); default: every shipped scenario "
        "that covers the baseline's period",
    )


def demo_scenarios(only: str | None = None) -> list:
    """The baseline first, then the shipped scenarios that cover the same months (the
    historical replay, which starts earlier, is left out: it cannot be paired)."""
    base = library.load(library.DEFAULT)
    if only is not None:
        chosen = library.load(only)
        return [base] if chosen.name == base.name else [base, chosen]
    return [base, *library.comparable(base)]


def _previous_demo(out: Path) -> bool:
    """True if `out` holds an earlier demo (which the demo may replace)."""
    import json

    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return manifest.get("label") == LABEL or manifest.get("kind") == "southflank-demo"


def run(args) -> int:
    if args.replicates < 1 or args.workers < 1:
        raise InputError("--replicates and --workers must be at least 1")
    if args.uncertain < 0 or args.uncertain == 1:
        raise InputError(
            f"--uncertain: give 0 (no draws) or at least 2 draws, got {args.uncertain}"
        )
    scenarios = demo_scenarios(args.scenario)
    out = Path(args.out)
    with batch_errors():
        plan = make_plan(
            scenarios,
            replicates=args.replicates,
            seed=args.seed,
            uncertain=args.uncertain or None,
        )
        if out.is_dir() and (out / MANIFEST).exists() and _previous_demo(out):
            from ..batch.storage import read_manifest

            try:
                same = read_manifest(out).get("plan_hash") == plan.plan_hash
            except ValueError:
                same = False
            if not same:
                shutil.rmtree(out)  # an earlier demo with other scenarios or settings
        names = ", ".join(p.scenario.name for p in plan.scenarios)
        print(
            f"demo: {len(plan.scenarios)} scenario(s) x {len(plan.design.points)} draw(s) x "
            f"{args.replicates} replicates = {len(plan.runs)} runs on {args.workers} "
            f"processes: {names}",
            file=sys.stderr,
        )
        summary = run_plan(plan, out, executor="processes", workers=args.workers, label=LABEL)
    code = report(summary)
    from ..analysis.brief import num  # the brief's number format (matplotlib only when run)

    batch = load(out)
    metrics = list(HEADLINE)
    monthly = batch.read("monthly", columns=["scenario", *PAIR_KEYS, "date", *metrics])
    base = monthly[monthly.scenario == library.DEFAULT]
    picks = {y: d for y in HORIZONS if (d := _june(base.date, y))}
    print(
        f"\n{library.DEFAULT}: median [min, max] over {len(plan.design.points)} draw(s) x {args.replicates} replicates"
    )
    rows = {}
    for date in picks.values():
        at = base[base.date == date]
        rows[date] = {
            m: f"{num(at[m].median())} [{num(at[m].min())}, {num(at[m].max())}]" for m in metrics
        }
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        print(pd.DataFrame(rows).to_string())
    if len(plan.scenarios) > 1:
        effects = paired_effects(monthly, library.DEFAULT, list(picks), metrics)
        save(effects, out, f"Demo batch: paired differences from {library.DEFAULT}")
        last = effects[effects.horizon == max(picks)]
        cell = last.apply(
            lambda r: (
                num(r.difference, sign=True) + (" *" if r.verdict in ("higher", "lower") else "")
            ),
            axis=1,
        )
        table = last.assign(cell=cell).pivot(index="scenario", columns="metric", values="cell")
        print(
            f"\npaired difference from {library.DEFAULT} at {picks[max(picks)]}, mean over "
            f"{len(plan.runs) // len(plan.scenarios)} pairs (*: the 95% interval excludes 0 "
            "and the effect is above the metric's minimum meaningful change)"
        )
        # wrapped to the terminal's width: ten headline metrics do not fit on one line
        width = shutil.get_terminal_size().columns
        with pd.option_context("display.width", width, "display.max_columns", None):
            print(table[metrics])
        print(f"\nall horizons: {out / 'compare.md'}; more: southflank compare {out}")
    return code


def _june(dates: pd.Series, year: int) -> str | None:
    from ..batch.compare import horizon_date

    return horizon_date(dates.unique(), year)
