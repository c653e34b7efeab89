"""Finish an interrupted batch: rerun only the chunks that have no done marker, so the
final tables are the same as those of an uninterrupted batch."""

from __future__ import annotations

import sys
from pathlib import Path

from ..batch import resume_batch
from ..batch.executors import check_executor
from .batch import add_executor_arguments, batch_errors, progress_flag, report

COMMAND = "resume"
HELP = "finish an interrupted batch without redoing finished runs"
ORDER = 21


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")
    p.add_argument(
        "--retry-failed", action="store_true", help="also rerun the chunks holding failed runs"
    )
    add_executor_arguments(p)


def run(args) -> int:
    with batch_errors():
        check_executor(args.executor, args.workers, args.scheduler)
        try:
            summary = resume_batch(
                Path(args.dir),
                executor=args.executor,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=progress_flag(args.progress),
                retry_failed=args.retry_failed,
            )
        except KeyboardInterrupt:
            print(f"interrupted; finish it with: southflank resume {args.dir}", file=sys.stderr)
            raise
    return report(summary)
