"""Batch throughput, scaling and head-process memory (issue 4's performance targets).

Measures, each batch in a fresh Python process so that no measurement warms another:

- a 1,000-run batch of the baseline (10-year runs) on 1 and on 2 local worker
  processes: wall time, runs/s and the speed-up (targets: >= 1.8x, >= 45 runs/s on 2);
- the head process's peak resident memory (ru_maxrss) for batches of growing size, and
  its slope per 1,000 runs (target: a 10,000-run batch under 300 MB). A 10,000-run
  batch is measured only if the 2-worker rate says it takes under 5 minutes; otherwise
  2,000 runs, and 10,000 is extrapolated from the slope.

Timings are single measurements of long batches (each already averages over hundreds
of runs); the machine is noisy, expect 10-20 % between invocations. Each batch also
reports the workers' CPU time per run (from the chunks' done markers) and the load
average before and after: CPU time hardly moves when other work shares the machine,
wall time does, so the two together say whether a slow rate is the code or the
neighbours. Sizes can be set with SOUTHFLANK_BENCH_RUNS (default 1000) and
SOUTHFLANK_BENCH_LARGE (default: chosen as above). Results:
benchmarks/results/bench_batch.json and .md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SPEEDUP = 1.8
TARGET_RATE = 45.0
TARGET_MEMORY_MB = 300.0
TARGET_LARGE = 10_000
LARGE_BUDGET_S = 300.0

DRIVER = """
import json, os, resource, sys, time
from pathlib import Path
from sim.batch import run_batch
n, workers, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
load0 = os.getloadavg()[0]
t0 = time.perf_counter()
s = run_batch(["hague_2025_baseline"], replicates=n, seed=1, out=out, executor="processes",
              workers=workers, progress=False)
wall = time.perf_counter() - t0
cpu = sum(json.loads(f.read_text())["cpu_seconds"] for f in Path(out, "done").glob("*.json"))
print(json.dumps({"runs": s.n_runs, "ok": s.ok, "failed": s.failed, "workers": workers,
                  "seconds": wall, "runs_per_s": s.n_runs / wall,
                  "worker_cpu_ms_per_run": 1000 * cpu / s.n_runs,
                  "load_average_before": load0, "load_average_after": os.getloadavg()[0],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(n: int, workers: int) -> dict:
    """One batch of `n` baseline runs in a fresh process; its timing and peak memory."""
    tmp = Path(tempfile.mkdtemp(prefix="southflank-bench-"))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", DRIVER, str(n), str(workers), str(tmp / "batch")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"  {n:>6} runs on {workers} worker(s): {res['seconds']:7.1f} s, "
        f"{res['runs_per_s']:6.1f} runs/s, worker CPU {res['worker_cpu_ms_per_run']:.1f} "
        f"ms/run, head peak {res['peak_rss_mb']:.0f} MB, load average "
        f"{res['load_average_before']:.2f} -> {res['load_average_after']:.2f}",
        flush=True,
    )
    return res


def main() -> dict:
    n = int(os.environ.get("SOUTHFLANK_BENCH_RUNS", "1000"))
    print(f"batch benchmark: {n}-run batches of the 10-year baseline")
    one = measure(n, 1)
    two = measure(n, 2)
    speedup = one["seconds"] / two["seconds"]
    large_env = os.environ.get("SOUTHFLANK_BENCH_LARGE")
    if large_env:
        large = int(large_env)
    else:
        large = TARGET_LARGE if TARGET_LARGE / two["runs_per_s"] < LARGE_BUDGET_S else 2 * n
    big = measure(large, 2)
    small = measure(max(1, n // 10), 2)
    slope = (big["peak_rss_mb"] - small["peak_rss_mb"]) / ((large - small["runs"]) / 1000)
    at_target = big["peak_rss_mb"] + slope * (TARGET_LARGE - large) / 1000
    out = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "runs": n,
        "one_worker": one,
        "two_workers": two,
        "speedup_2_vs_1": speedup,
        "memory": {
            "small": small,
            "large": big,
            "slope_mb_per_1000_runs": slope,
            "estimated_mb_at_10000": at_target,
            "measured_10000": large >= TARGET_LARGE,
        },
        "targets": {
            "speedup": [TARGET_SPEEDUP, speedup >= TARGET_SPEEDUP],
            "runs_per_s_2_workers": [TARGET_RATE, two["runs_per_s"] >= TARGET_RATE],
            "head_mb_at_10000": [TARGET_MEMORY_MB, at_target < TARGET_MEMORY_MB],
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_batch.json").write_text(json.dumps(out, indent=1))
    ok = {True: "met", False: "NOT met"}
    md = [
        "# Batch benchmark",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| speed-up, 2 vs 1 workers ({n} runs) | {speedup:.2f}x | >= {TARGET_SPEEDUP}x "
        f"({ok[speedup >= TARGET_SPEEDUP]}) |",
        f"| runs/s on 2 workers | {two['runs_per_s']:.1f} | >= {TARGET_RATE} "
        f"({ok[two['runs_per_s'] >= TARGET_RATE]}) |",
        f"| runs/s on 1 worker | {one['runs_per_s']:.1f} | |",
        f"| worker CPU per run, 1 / 2 workers | {one['worker_cpu_ms_per_run']:.1f} / "
        f"{two['worker_cpu_ms_per_run']:.1f} ms | |",
        f"| load average before the 1 / 2-worker batches | {one['load_average_before']:.2f} / "
        f"{two['load_average_before']:.2f} | 2 cores |",
        f"| head peak memory, {small['runs']} runs | {small['peak_rss_mb']:.0f} MB | |",
        f"| head peak memory, {large} runs | {big['peak_rss_mb']:.0f} MB | |",
        f"| slope | {slope:.1f} MB per 1,000 runs | flat |",
        f"| head memory at 10,000 runs ({'measured' if large >= TARGET_LARGE else 'extrapolated'})"
        f" | {at_target:.0f} MB | < {TARGET_MEMORY_MB:.0f} MB ({ok[at_target < TARGET_MEMORY_MB]}) |",
    ]
    (RESULTS / "bench_batch.md").write_text("\n".join(md) + "\n")
    print("\n".join(md[2:]))
    return out


if __name__ == "__main__":
    main()
