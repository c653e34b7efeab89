"""Check a batch folder byte for byte: the manifest, the run table and every finished
chunk's files against the sizes and SHA-256 checksums recorded when they were
written. Exit code 0 when all is intact, 2 naming each damaged chunk (`southflank
resume DIR` reruns those)."""

from __future__ import annotations

from ..batch import verify
from .batch import batch_errors

COMMAND = "verify"
HELP = "check a batch folder's files against their recorded sizes and checksums"
ORDER = 23
EXIT_DAMAGED = 2


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")


def run(args) -> int:
    with batch_errors():
        v = verify(args.dir)
    if v.ok:
        print(
            f"{v.path}: intact ({v.chunks} finished chunk(s), {v.files} file(s), "
            f"{v.bytes / 1e6:,.1f} MB checked)"
        )
        return 0
    for line in v.problems:
        print(f"damaged: {line}")
    print(
        f"{v.path}: {len(v.problems)} problem(s); `southflank resume {v.path}` reruns damaged chunks"
    )
    return EXIT_DAMAGED
