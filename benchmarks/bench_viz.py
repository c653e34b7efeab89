"""Benchmark: what a frame of the live page costs: one model step plus the map and chart
redraw, as Play does it. ``make bench ONLY=viz`` or
``python -m benchmarks.bench_viz [--steps 60] [--layer alignment]`` (needs the viz extra).

The target is at most 300 ms per step on the project's reference 2-core machine, so
that Play feels live; docs/viz.md records the measured numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "results"


def measure(steps: int = 60, layer: str = "alignment", scenario: str | None = None) -> dict:
    """Median and 90th percentile (ms, wall clock) of step + redraw, their CPU time, and
    the first frame's cost (which draws the static parts)."""
    from sim.viz.session import Session

    t0 = time.perf_counter()
    session = Session(scenario) if scenario else Session()
    session.set_layer(layer)
    built = time.perf_counter()
    session.frame()
    first = time.perf_counter()
    times, steps_ms, frames_ms, cpu_ms = [], [], [], []
    for _ in range(steps):
        a, cpu = time.perf_counter(), time.process_time()
        if not session.step():
            break
        b = time.perf_counter()
        session.frame()
        c = time.perf_counter()
        cpu_ms.append((time.process_time() - cpu) * 1000)
        times.append((c - a) * 1000)
        steps_ms.append((b - a) * 1000)
        frames_ms.append((c - b) * 1000)
    times.sort()
    return {
        "steps": len(times),
        "session_build_ms": round((built - t0) * 1000, 1),
        "first_frame_ms": round((first - built) * 1000, 1),
        "median_ms": round(statistics.median(times), 1),
        "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
        "median_step_ms": round(statistics.median(steps_ms), 2),
        "median_redraw_ms": round(statistics.median(frames_ms), 1),
        # CPU time of this process: what the frame costs when the machine is shared
        "median_cpu_ms": round(statistics.median(cpu_ms), 1),
    }


def main(steps: int = 60, layer: str = "alignment", scenario: str | None = None) -> dict:
    """Measure, print, and keep the numbers in benchmarks/results/bench_viz.json."""
    result = measure(steps, layer, scenario)
    for key, value in result.items():
        print(f"{key:>18}: {value}")
    OUT.mkdir(exist_ok=True)
    (OUT / "bench_viz.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--layer", default="alignment")
    ap.add_argument("--scenario", default=None)
    args = ap.parse_args()
    main(args.steps, args.layer, args.scenario)
