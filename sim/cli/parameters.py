"""List the parameter registry: every model coefficient with its default, range,
unit, meaning and source."""

from __future__ import annotations

import json

from ..params import table

COMMAND = "parameters"
HELP = "list the parameter registry (--json for machine-readable output)"
ORDER = 30


def add_arguments(p) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.add_argument("--mechanism", help="only the parameters of one mechanism")


def run(args) -> int:
    rows = table()
    if args.mechanism:
        rows = [r for r in rows if r["mechanism"] == args.mechanism]
        if not rows:
            from . import InputError

            known = sorted({r["mechanism"] for r in table()})
            raise InputError(
                f"--mechanism: unknown mechanism {args.mechanism!r}; allowed: {', '.join(known)}"
            )
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    width = max(len(r["name"]) for r in rows)
    mech = None
    for r in rows:
        if r["mechanism"] != mech:
            mech = r["mechanism"]
            print(f"\n[{mech}]")
        rng = f"{r['default']:g} [{r['low']:g}, {r['high']:g}]"
        print(f"  {r['name']:<{width}}  {rng:<22} {r['unit']}")
        print(f"  {'':<{width}}  {r['description']}")
        print(f"  {'':<{width}}  source: {r['source']}")
    return 0
