"""Regenerate the generated sections of docs/ODD.md from the code.

The ODD description (Grimm et al. 2020) must not drift from the model it describes.
Its parameter table comes from the registry (sim.params.table()), its metric lists from
sim.outcomes, its schedule from sim.mechanisms.ORDER and each mechanism's declared
PARAMS/READS/WRITES, and its submodels from each mechanism module's docstring. Those
sections sit between markers::

    <!-- BEGIN GENERATED: parameters (scripts/build_odd.py) -->
    ...
    <!-- END GENERATED: parameters -->

Everything outside the markers is written by hand and left alone.

Usage::

    python scripts/build_odd.py           # rewrite docs/ODD.md in place
    python scripts/build_odd.py --check   # exit 1 (and say which section) if stale
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>[a-z_]+) \(scripts/build_odd\.py\) -->\n)"
    r"(?P<body>.*?)"
    r"(<!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)


def _cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, on one line."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _num(x: float) -> str:
    return f"{x:g}"


def parameters() -> str:
    """The registry, one table per mechanism, in declaration order."""
    from sim.mechanisms import ORDER
    from sim.params import table

    rows = sorted(table(), key=lambda r: ORDER.index(r["mechanism"]))
    out = [
        f"{len(rows)} entries. Generated from `sim/data/parameters.toml` "
        "(`southflank parameters`). Kind: coefficient, initial (an initial condition), "
        "lever (a scalar policy setting), switch (turns a channel off) or constant; "
        "uncertain entries are sampled by sensitivity and deep-uncertainty designs.\n"
    ]
    mech = None
    for r in rows:
        if r["mechanism"] != mech:
            mech = r["mechanism"]
            out.append(f"\n**{mech}**\n")
            out.append("| name | kind | default | range | unit | meaning | source |")
            out.append("|---|---|---|---|---|---|---|")
        rng = f"[{_num(r['low'])}, {_num(r['high'])}]" + (" integer" if r["integer"] else "")
        kind = r["kind"] + (", uncertain" if r["uncertain"] else "")
        out.append(
            f"| `{r['name']}` | {kind} | {_num(r['default'])} | {rng} | {_cell(r['unit'])} | "
            f"{_cell(r['description'])} | {_cell(r['source'])} |"
        )
    return "\n".join(out) + "\n"


def _metric_table(metrics) -> list[str]:
    out = ["| name | unit | range | meaning |", "|---|---|---|---|"]
    for m in metrics:
        out.append(
            f"| `{m.name}` | {_cell(m.unit)} | [{_num(m.low)}, {_num(m.high)}] | "
            f"{_cell(m.description)} |"
        )
    return out


def metrics() -> str:
    """Model-level and country-level metrics from sim.outcomes."""
    from sim.outcomes import COUNTRY_METRICS, MODEL_METRICS

    out = [f"Model level, one value per month ({len(MODEL_METRICS)} metrics):\n"]
    out += _metric_table(MODEL_METRICS)
    out.append(f"\nCountry level, one value per month and actor ({len(COUNTRY_METRICS)}):\n")
    out += _metric_table(COUNTRY_METRICS)
    return "\n".join(out) + "\n"


def _summary(module) -> str:
    doc = inspect.getdoc(module) or ""
    return " ".join(doc.split("\n\n")[0].split())


def schedule() -> str:
    """The monthly order of the mechanisms with what each reads and writes."""
    from sim.mechanisms import INIT_ORDER, MECHANISMS

    out = [
        "At the start, `sim.mechanisms.initialise` calls each mechanism's `initialise` hook "
        f"in this order: {', '.join(f'`{n}`' for n in INIT_ORDER)}. Each month "
        "`SouthernFlankModel.step()` applies, in this order (sim.mechanisms.ORDER), "
        "then records the month's metrics. Reads, writes and levers are the declared "
        "footprints, checked by a tracer in the tests:\n",
        "| # | mechanism | what it does | levers | reads | writes |",
        "|---|---|---|---|---|---|",
    ]
    for i, m in enumerate(MECHANISMS, 1):
        levers = ", ".join(f"`{x}`" for x in m.LEVERS) or "none"
        reads = ", ".join(f"`{x}`" for x in m.READS)
        writes = ", ".join(f"`{x}`" for x in m.WRITES)
        out.append(f"| {i} | `{m.NAME}` | {_cell(_summary(m))} | {levers} | {reads} | {writes} |")
    return "\n".join(out) + "\n"


def submodels() -> str:
    """Each mechanism's module docstring (source, equations, departures) verbatim."""
    from sim.mechanisms import MECHANISMS

    out = []
    for i, m in enumerate(MECHANISMS, 1):
        doc = inspect.getdoc(m) or ""
        params = ", ".join(f"`{p}`" for p in m.PARAMS)
        out.append(f"### 7.{i} `{m.NAME}` (sim/mechanisms/{m.NAME}.py)\n")
        out.append("```text\n" + doc.strip() + "\n```\n")
        out.append(f"Parameters: {params or 'none'}.\n")
    return "\n".join(out)


SECTIONS: dict[str, Callable[[], str]] = {
    "parameters": parameters,
    "metrics": metrics,
    "schedule": schedule,
    "submodels": submodels,
}


def render(text: str) -> str:
    """The document with every generated section rebuilt from the code."""
    found = {m.group("name") for m in BLOCK.finditer(text)}
    missing = sorted(set(SECTIONS) - found)
    if missing:
        raise ValueError(f"docs/ODD.md lacks the markers of section(s): {', '.join(missing)}")

    def fill(m: re.Match) -> str:
        name = m.group("name")
        if name not in SECTIONS:
            raise ValueError(f"unknown generated section {name!r}; known: {', '.join(SECTIONS)}")
        return m.group(1) + SECTIONS[name]() + m.group(4)

    return BLOCK.sub(fill, text)


def stale_sections(text: str) -> list[str]:
    """Names of the generated sections whose content differs from the code."""
    fresh = {m.group("name"): m.group("body") for m in BLOCK.finditer(render(text))}
    return [
        m.group("name") for m in BLOCK.finditer(text) if fresh[m.group("name")] != m.group("body")
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/ODD.md is stale")
    parser.add_argument("--path", type=Path, default=ODD, help="the document (default docs/ODD.md)")
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    if args.check:
        stale = stale_sections(text)
        if stale:
            print(
                f"{args.path}: generated section(s) out of date: {', '.join(stale)}; "
                "run `python scripts/build_odd.py`",
                file=sys.stderr,
            )
            return 1
        print(f"{args.path}: up to date")
        return 0
    new = render(text)
    if new != text:
        tmp = args.path.with_suffix(".md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(args.path)
        print(f"{args.path}: regenerated")
    else:
        print(f"{args.path}: already up to date")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
