"""Sensitivity analysis at full size: Sobol' over ten parameters with N=512 on the
baseline, 11,264 ten-year runs (N * (2D + 2), second order on), target at most five
minutes on a 2-core machine. Measures the whole `southflank sensitivity` path (SALib
sampling, the runs as a monthly-only batch on local processes, SALib analysis of the
headline metrics with bootstrap intervals, the report and plot), without the policy
comparison. Then, unless ``policies=False``, the policy comparison's extra runs: every
shipped policy variant at the N base points, run as the same kind of batch.

The machine is shared: the 1-minute load average before and after is recorded (a
load above the number of cores means the runs competed for them).

Writes benchmarks/results/bench_sensitivity.json.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "results"
TARGET_SECONDS = 300
PARAMS = (
    "budget_units",
    "ties_gain",
    "nato_absence_weight",
    "fragility_exponent",
    "invite_trust_gain",
    "trust_decay",
    "dcb_capacity_gain",
    "hub_effect",
    "coup_logit_base",
    "incident_rate",
)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def main(n: int = 512, workers: int | None = None, policies: bool = True) -> dict:
    from sim import library
    from sim import sensitivity as sa
    from sim.batch import explicit_design, run_batch
    from sim.outcomes import HEADLINE

    scenario = library.load(library.DEFAULT)
    workers = workers or len(os.sched_getaffinity(0))
    tmp = Path(tempfile.mkdtemp(prefix="bench_sensitivity_"))
    result: dict = {"n": n, "parameters": list(PARAMS), "workers": workers}
    try:
        result["load_average_before"] = _load()
        t0 = time.perf_counter()
        res = sa.run(
            scenario,
            "sobol",
            n,
            replicates=1,
            params=PARAMS,
            policies="none",
            workers=workers,
            out=tmp / "sobol",
            progress=False,
        )
        dt = time.perf_counter() - t0
        result.update(
            runs=res.runs,
            seconds=round(dt, 1),
            runs_per_second=round(res.runs / dt, 1),
            target_seconds=TARGET_SECONDS,
            # the target is for the full size (N=512); smaller N only estimate it
            within_target=(dt <= TARGET_SECONDS) if n == 512 else None,
            load_average_after=_load(),
            disk_mb=round(sum(f.stat().st_size for f in (tmp / "sobol").rglob("*")) / 2**20, 1),
            top_parameter={
                m: res.indices[
                    (res.indices.metric == m) & (res.indices["rank"] == 1)
                ].parameter.iloc[0]
                for m in HEADLINE
            },
        )
        print(
            f"sobol N={n}, {len(PARAMS)} parameters: {res.runs} runs in {dt:.1f} s "
            f"({res.runs / dt:.1f} runs/s on {workers} workers; target {TARGET_SECONDS} s; "
            f"load average {result['load_average_before']} -> {result['load_average_after']})",
            flush=True,
        )
        if policies:
            # exactly the runs the policy comparison adds to the analysis's batch
            variants = library.comparable(scenario, policies_only=True)
            base = [res.design.points[i] for i in res.design.base_points()]
            t0 = time.perf_counter()
            summary = run_batch(
                variants,
                design=explicit_design(base),
                replicates=1,
                out=tmp / "policies",
                workers=workers,
                progress=False,
                tables=("monthly",),
                columns=list(HEADLINE),
            )
            dp = time.perf_counter() - t0
            result.update(policy_runs=summary.n_runs, policy_seconds=round(dp, 1))
            print(f"policy comparison: {summary.n_runs} more runs in {dp:.1f} s", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_sensitivity.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
