"""Rerun one run of a batch from its manifest (scenario content, parameters, seed) and
check that it gives the stored tables exactly. Exit code 0 if it matches, 1 if not."""

from __future__ import annotations

from ..batch import read_manifest, reproduce
from ..provenance import git_commit
from .batch import batch_errors

COMMAND = "reproduce"
HELP = "rerun one run of a batch and check it matches (exit 0) or not (exit 1)"
ORDER = 23


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")
    p.add_argument("run_id", metavar="RUN_ID", help="a run id (see runs.parquet or status)")


def run(args) -> int:
    from .. import __version__

    with batch_errors():
        manifest = read_manifest(args.dir)
        result = reproduce(args.dir, args.run_id)
    if result.match:
        print(f"{result.run_id}: reproduced exactly")
        return 0
    print(f"{result.run_id}: MISMATCH")
    for d in result.details:
        print(f"  {d}")
    if manifest.get("git_commit") != git_commit() or manifest.get("package_version") != __version__:
        print(
            f"  note: the batch was made by southflank {manifest.get('package_version')} at "
            f"commit {manifest.get('git_commit')}; this is {__version__} at {git_commit()}"
        )
    return 1
