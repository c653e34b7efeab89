"""Compare every scenario of a batch with a baseline: paired differences (same seeds)
of the headline metrics at chosen horizons, with 95% confidence intervals. Prints the
table and saves compare.csv and compare.md in the batch folder."""

from __future__ import annotations

from pathlib import Path

from .. import library
from ..batch import load
from ..batch.compare import (
    DEFAULT_HORIZONS,
    PAIR_KEYS,
    check_metrics,
    paired_effects,
    save,
    to_text,
)
from ._args import add_baseline, add_horizon, add_metrics, horizon_list, metrics_list
from .batch import batch_errors

COMMAND = "compare"
HELP = "paired differences from a baseline with 95%% confidence intervals"
ORDER = 24


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")
    add_baseline(p, library.DEFAULT, f"the scenario compared with (default {library.DEFAULT})")
    add_horizon(
        p,
        ",".join(str(y) for y in DEFAULT_HORIZONS),
        "months read, comma-separated; a bare year is its June (or the last month present)",
        several=True,
    )
    add_metrics(p, "metrics compared (default: the headline ones)")
    p.add_argument("--by-point", action="store_true", help="one comparison per design point")


def run(args) -> int:
    horizons = horizon_list(args.horizon)
    with batch_errors():
        metrics = check_metrics(metrics_list(args.metrics))
        batch = load(args.dir)
        monthly = batch.read("monthly", columns=["scenario", *PAIR_KEYS, "date", *metrics])
        effects = paired_effects(monthly, args.baseline, horizons, metrics, by_point=args.by_point)
    title = f"Batch {batch.manifest['batch_id']}: paired differences from {args.baseline}"
    if effects.empty:
        print(f"{title}: nothing to compare (one scenario only, or no horizon inside the runs)")
        return 0
    print(title)
    print(to_text(effects))
    paths = save(effects, Path(args.dir), title)
    print(f"saved {', '.join(str(p) for p in paths)}")
    return 0
