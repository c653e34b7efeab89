"""Rebuild the README's figure and table of the baseline from a demo batch.

    make demo && .venv/bin/python scripts/readme_figures.py [results/demo]

Writes docs/img/baseline_trajectories.png (fan charts of the baseline and the full
southern package) and prints the Markdown table of the baseline's headline metrics
(median and 90% range over replicates) that the README shows.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim import analysis as sa
from sim.outcomes import HEADLINE

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "hague_2025_baseline"
POLICY = "full_southern_package"
HORIZONS = ("2026-06", "2030-06", "2035-06")


def main(folder: str = "results/demo") -> None:
    batch = sa.load(folder)
    monthly = batch.monthly
    fig = sa.fan_chart(
        monthly,
        "russia_influence_share",
        scenarios=[BASELINE, POLICY],
        title="Russia's share of influence over the region's non-NATO states",
    )
    out = ROOT / "docs" / "img" / "baseline_trajectories.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=130, bbox_inches="tight")
    print(f"wrote {out.relative_to(ROOT)}")
    base = monthly[monthly.scenario == BASELINE]
    n = base.run_id.nunique()
    print(f"\n| metric ({n} replicates) | " + " | ".join(HORIZONS) + " |")
    print("|---|" + "---|" * len(HORIZONS))
    for metric in HEADLINE:
        cells = []
        for date in HORIZONS:
            v = base[base.date == date][metric]
            cells.append(f"{v.median():.3g} ({v.quantile(0.05):.3g}-{v.quantile(0.95):.3g})")
        print(f"| {metric} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main(*sys.argv[1:2])
