"""List the parameter registry: every entry with its kind, whether designs sample it,
its default, range, unit, meaning and source."""

from __future__ import annotations

import json

from ..params import KINDS, suggest, table

COMMAND = "parameters"
HELP = "list the parameter registry (--json for machine-readable output)"
ORDER = 30


def add_arguments(p) -> None:
    p.add_argument(
        "names", nargs="*", metavar="NAME", help="only these entries (default: every entry)"
    )
    p.add_argument(
        "--search",
        metavar="WORD",
        help="only the entries whose name, meaning, unit or source mention WORD",
    )
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.add_argument("--mechanism", help="only the parameters of one mechanism")
    p.add_argument(
        "--kind",
        choices=KINDS,
        help="only one kind: coefficient, initial, lever, switch or constant",
    )
    p.add_argument(
        "--uncertain",
        action="store_true",
        help="only the entries sensitivity and deep-uncertainty designs sample",
    )


def select(rows: list[dict], names: list[str], search: str | None) -> list[dict]:
    """The rows named (each name checked, a misspelt one suggested), then those whose
    name, meaning, unit, source or mechanism mention the search word."""
    if names:
        from . import InputError

        known = {r["name"] for r in rows}
        for name in names:
            if name not in known:
                raise InputError(f"NAME: unknown parameter {name!r}{suggest(name, known)}")
        rows = [r for r in rows if r["name"] in set(names)]
    if search:
        word = search.lower()
        fields = ("name", "description", "unit", "source", "mechanism")
        rows = [r for r in rows if any(word in str(r[f]).lower() for f in fields)]
    return rows


def run(args) -> int:
    from ..mechanisms import ORDER

    rows = sorted(table(), key=lambda r: ORDER.index(r["mechanism"]))
    rows = select(rows, args.names, args.search)
    if args.mechanism:
        rows = [r for r in rows if r["mechanism"] == args.mechanism]
        if not rows:
            from . import InputError

            known = sorted({r["mechanism"] for r in table()})
            raise InputError(
                f"--mechanism: unknown mechanism {args.mechanism!r}; allowed: {', '.join(known)}"
            )
    if args.kind:
        rows = [r for r in rows if r["kind"] == args.kind]
    if args.uncertain:
        rows = [r for r in rows if r["uncertain"]]
    if not rows:
        print("no registry entry matches")
        return 0
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
        kind = r["kind"] + (", uncertain" if r["uncertain"] else "")
        where = f" (scenario: {r['section']}.{r['field']})" if r["kind"] == "lever" else ""
        print(f"  {r['name']:<{width}}  {rng:<22} {kind:<21} {r['unit']}{where}")
        print(f"  {'':<{width}}  {r['description']}")
        print(f"  {'':<{width}}  source: {r['source']}")
    return 0
