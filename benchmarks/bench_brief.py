"""The demo under deep uncertainty and its brief: how long `make demo` takes here.

Runs the demo's plan (every shipped scenario comparable with the baseline x the demo's
draws of the uncertain parameters x its replicates, `sim.cli.demo`) on 2 local worker
processes into a temporary folder, then writes the brief from it. Reports the batch's
wall time and runs/s, the brief's wall time (target: well under a minute), and the
load average before and after (the machine is shared; wall time moves with the
neighbours). Sizes: SOUTHFLANK_BENCH_DRAWS and SOUTHFLANK_BENCH_REPS (default: the
demo's). Results: benchmarks/results/bench_brief.json and .md.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_BRIEF_S = 45.0


def main() -> None:
    from sim.analysis import report
    from sim.batch import load
    from sim.batch.plan import make_plan
    from sim.batch.runner import run_plan
    from sim.cli.demo import DEMO_DRAWS, DEMO_REPLICATES, demo_scenarios

    draws = int(os.environ.get("SOUTHFLANK_BENCH_DRAWS", DEMO_DRAWS))
    reps = int(os.environ.get("SOUTHFLANK_BENCH_REPS", DEMO_REPLICATES))
    plan = make_plan(demo_scenarios(), replicates=reps, uncertain=draws, seed=20250701)
    with tempfile.TemporaryDirectory(prefix="bench-brief-") as tmp:
        out = Path(tmp) / "demo"
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        run_plan(plan, out, executor="processes", workers=2, progress=False)
        batch_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        report.write(load(out), out / "report.html", headline="full_southern_package")
        brief_s = time.perf_counter() - t1
        load1 = os.getloadavg()[0]
    res = {
        "scenarios": len(plan.scenarios),
        "draws": draws,
        "replicates": reps,
        "runs": len(plan.runs),
        "batch_seconds": round(batch_s, 1),
        "runs_per_second": round(len(plan.runs) / batch_s, 2),
        "brief_seconds": round(brief_s, 1),
        "brief_target_seconds": TARGET_BRIEF_S,
        "load_before": round(load0, 2),
        "load_after": round(load1, 2),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_brief.json").write_text(json.dumps(res, indent=2) + "\n")
    md = [
        "# The demo under deep uncertainty and its brief",
        "",
        f"{res['scenarios']} scenarios x {draws} draws x {reps} replicates = {res['runs']} "
        f"runs on 2 processes: {res['batch_seconds']} s ({res['runs_per_second']} runs/s); "
        f"the brief: {res['brief_seconds']} s (target < {TARGET_BRIEF_S:.0f} s); load "
        f"average {res['load_before']} -> {res['load_after']}.",
        "",
    ]
    (RESULTS / "bench_brief.md").write_text("\n".join(md))
    print("\n".join(md))
