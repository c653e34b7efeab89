"""The main job on the embedded defaults: the baseline scenario, a handful of
replicates on local processes, tables under results/ and a summary on screen."""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from .. import library
from ..provenance import environment, now, write_json_atomic
from ..run import simulate
from .run import check_out_dir

COMMAND = "demo"
HELP = "run the baseline scenario with a few replicates and print a summary"
ORDER = 5
HEADLINE = (
    "russia_influence_share",
    "russia_aligned_states",
    "jihadist_activity_sahel",
    "migration_italy",
    "naval_incidents",
    "cohesion",
)


def add_arguments(p) -> None:
    p.add_argument("--out", default="results/demo", help="output folder (default results/demo)")
    p.add_argument("--replicates", type=int, default=8, help="replicates (default 8)")
    p.add_argument("--workers", type=int, default=2, help="local worker processes (default 2)")
    p.add_argument("--seed", type=int, default=20250701, help="batch seed (default 20250701)")
    p.add_argument("--scenario", default=library.DEFAULT, help="scenario (default: the baseline)")


def _one(job):
    scenario, seed, out = job
    r = simulate(scenario, seed=seed)
    r.save(out / f"seed_{seed}")
    return r.monthly.assign(seed=seed)


def run(args) -> int:
    from . import InputError

    if args.replicates < 1 or args.workers < 1:
        raise InputError("--replicates and --workers must be at least 1")
    scenario = library.load(args.scenario)
    out = Path(args.out)
    check_out_dir(out, "manifest.json")
    out.mkdir(parents=True, exist_ok=True)
    seeds = [
        int(s.generate_state(1)[0])
        for s in np.random.SeedSequence(args.seed).spawn(args.replicates)
    ]
    jobs = [(scenario, s, out) for s in seeds]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        frames = list(pool.map(_one, jobs))
    elapsed = time.perf_counter() - t0
    monthly = pd.concat(frames, ignore_index=True)
    monthly.to_parquet(out / "monthly_all.parquet", index=False)
    write_json_atomic(
        out / "manifest.json",
        {
            "kind": "southflank-demo",
            "scenario": scenario.name,
            "scenario_hash": scenario.content_hash(),
            "batch_seed": args.seed,
            "seeds": seeds,
            "finished": now(),
            "seconds": round(elapsed, 3),
            **environment(),
        },
    )
    years = sorted({d[:4] for d in monthly.date})
    pick = [y for y in years if int(y) in (2026, 2030, 2035)] or years[-1:]
    last = monthly[monthly.date.str.endswith("-06") | (monthly.date == monthly.date.max())]
    last = last.assign(year=last.date.str[:4])
    table = last[last.year.isin(pick)].groupby("year")[list(HEADLINE)].agg(["median", "min", "max"])
    print(
        f"{scenario.name}: {args.replicates} replicates on {args.workers} processes in {elapsed:.1f} s"
    )
    print(f"results: {out.resolve()}")
    with pd.option_context("display.width", 200, "display.precision", 2):
        print(table.T.to_string())
    return 0
