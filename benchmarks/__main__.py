"""Run every benchmark module: each ``benchmarks/bench_*.py`` with a ``main()``, in
name order. ``python -m benchmarks batch`` runs only the modules whose name contains
"batch"."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover(filters: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in names if not filters or any(f in n for f in filters)]


def main(argv: list[str] | None = None) -> int:
    filters = sys.argv[1:] if argv is None else argv
    names = discover(filters)
    if not names:
        print(f"no benchmark module matches {filters}; have: {', '.join(discover([]))}")
        return 2
    failed = []
    for name in names:
        mod = importlib.import_module(f"benchmarks.{name}")
        if not hasattr(mod, "main"):
            print(f"== {name}: no main(), skipped")
            continue
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        try:
            mod.main()
        except Exception:  # one broken benchmark must not hide the others
            traceback.print_exc()
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - t0:.0f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
