"""Check scenario files without running them: exit 0 if all are valid, 2 otherwise,
with one line per problem naming the file, line, field, bad value and what is allowed."""

from __future__ import annotations

import sys

from .. import library
from ..scenario import ScenarioError

COMMAND = "validate"
HELP = "check scenario files (exit 2 with file, line and field on any problem)"
ORDER = 20


def add_arguments(p) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files or shipped names")


def run(args) -> int:
    bad = 0
    for f in args.files:
        try:
            sc = library.load(f)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            bad += 1
            continue
        print(
            f"ok  {f}  ({sc.name}: {sc.months} months from {sc.model_dump(mode='json')['start']})"
        )
    return 2 if bad else 0
