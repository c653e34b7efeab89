"""Say what a batch has done: runs finished, failed and left, per scenario."""

from __future__ import annotations

import json

from ..batch import status
from .batch import batch_errors

COMMAND = "status"
HELP = "runs done, failed and left in a batch folder"
ORDER = 22


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")
    p.add_argument("--json", action="store_true", help="print the status as JSON")


def run(args) -> int:
    with batch_errors():
        st = status(args.dir)
    if args.json:
        print(json.dumps(st, indent=1))
        return 0
    state = st["status"]
    if st["pid"] is not None:
        state += f" (process {st['pid']} is writing it)"
    print(f"batch {st['batch_id']} ({st['path']}): {state}")
    print(
        f"  runs: {st['done']} done, {st['failed']} failed, {st['left']} left of {st['n_runs']} "
        f"({st['chunks_done']}/{st['n_chunks']} chunks)"
    )
    print(f"  started {st['started']}, finished {st['finished'] or '-'}")
    width = max(len(r["scenario"]) for r in st["per_scenario"])
    for r in st["per_scenario"]:
        print(
            f"  {r['scenario']:<{width}}  done {r['done']:>6}  failed {r['failed']:>5}  "
            f"left {r['left']:>6}"
        )
    if st["failed_runs"]:
        shown = st["failed_runs"][:10]
        more = len(st["failed_runs"]) - len(shown)
        print(f"  failed: {', '.join(shown)}" + (f" and {more} more" if more else ""))
        print(f"  tracebacks: {st['path']}/failures/<run_id>.json")
    for name, why in st["damaged"].items():
        print(f"  damaged: {name}: {why}")
    if st["left"] and st["pid"] is None:
        print(f"  finish it with: southflank resume {st['path']}")
    return 0
