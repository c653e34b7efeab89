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
from . import InputError
from .batch import batch_errors

COMMAND = "compare"
HELP = "paired differences from a baseline with 95%% confidence intervals"
ORDER = 24


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")
    p.add_argument(
        "--baseline", default=library.DEFAULT, help=f"baseline scenario (default {library.DEFAULT})"
    )
    p.add_argument(
        "--horizons",
        default=",".join(str(y) for y in DEFAULT_HORIZONS),
        help="years, comma-separated (read at June, or the last month present)",
    )
    p.add_argument(
        "--metrics", nargs="+", default=None, help="metric names (default: the headline ones)"
    )
    p.add_argument("--by-point", action="store_true", help="one comparison per design point")


def parse_horizons(text: str) -> list[int]:
    try:
        years = [int(x) for x in text.replace(" ", "").split(",") if x]
    except ValueError:
        raise InputError(f"--horizons: give years separated by commas, got {text!r}") from None
    if not years or any(not 1900 <= y <= 2200 for y in years):
        raise InputError(f"--horizons: give years between 1900 and 2200, got {text!r}")
    return years


def run(args) -> int:
    horizons = parse_horizons(args.horizons)
    metrics = None
    if args.metrics:
        metrics = [m for item in args.metrics for m in item.split(",") if m]
    try:
        metrics = check_metrics(metrics)
    except ValueError as exc:
        raise InputError(f"--metrics: {exc}") from None
    with batch_errors():
        batch = load(args.dir)
        monthly = batch.read("monthly", columns=["scenario", *PAIR_KEYS, "date", *metrics])
    try:
        effects = paired_effects(monthly, args.baseline, horizons, metrics, by_point=args.by_point)
    except ValueError as exc:
        raise InputError(f"--baseline: {exc}") from None
    title = f"Batch {batch.manifest['batch_id']}: paired differences from {args.baseline}"
    if effects.empty:
        print(f"{title}: nothing to compare (one scenario only, or no horizon inside the runs)")
        return 0
    print(title)
    print(to_text(effects))
    paths = save(effects, Path(args.dir), title)
    print(f"saved {', '.join(str(p) for p in paths)}")
    return 0
