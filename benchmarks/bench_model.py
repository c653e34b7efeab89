"""Benchmark: one full default run (construction + 120 monthly steps with data
collection), and memory over many consecutive runs in one process.

Targets (issue: the model): median <= 40 ms per run on a 2-core machine; memory flat
over 1,000 consecutive runs. Run with `make bench` or `python -m benchmarks.bench_model`.
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import sys
import time
from pathlib import Path

from sim import default_scenario
from sim.run import run_model, simulate

OUT = Path(__file__).resolve().parent / "results"


def _rss_mb() -> float:
    """Current resident set size in MB (Linux /proc), or peak RSS elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(runs: int = 200, memory_runs: int = 1000) -> dict:
    scenario = default_scenario()
    simulate(scenario, seed=0)  # warm caches (data tables, imports)
    model_times, table_times = [], []
    for seed in range(runs):
        t0 = time.perf_counter()
        model = run_model(scenario, seed=seed)
        t1 = time.perf_counter()
        model.recorder.monthly(), model.recorder.countries()
        t2 = time.perf_counter()
        model_times.append(t1 - t0)
        table_times.append(t2 - t1)
    gc.collect()
    rss = {}
    start = _rss_mb()
    for k in range(1, memory_runs + 1):
        simulate(scenario, seed=10_000 + k)
        if k in (100, memory_runs // 2, memory_runs):
            gc.collect()
            rss[k] = round(_rss_mb(), 1)
    result = {
        "benchmark": "model",
        "runs": runs,
        "median_run_ms": round(statistics.median(model_times) * 1000, 2),
        "p10_run_ms": round(statistics.quantiles(model_times, n=10)[0] * 1000, 2),
        "p90_run_ms": round(statistics.quantiles(model_times, n=10)[-1] * 1000, 2),
        "median_tables_ms": round(statistics.median(table_times) * 1000, 2),
        "target_median_run_ms": 40,
        "memory_runs": memory_runs,
        "rss_mb_start": round(start, 1),
        "rss_mb_after_runs": rss,
        "rss_growth_mb_per_1000_runs_after_100": round(
            (rss[memory_runs] - rss[100]) / (memory_runs - 100) * 1000, 2
        ),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_model.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
