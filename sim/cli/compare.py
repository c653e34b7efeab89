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
    country_metric,
    paired_effects,
    save,
    to_text,
    with_country_metrics,
)
from . import InputError
from ._args import (
    add_baseline,
    add_horizon,
    add_metrics,
    add_window,
    horizon_list,
    metrics_list,
    window_value,
)
from .batch import batch_errors

COMMAND = "compare"
HELP = "paired differences from a baseline with 95%% confidence intervals"
ORDER = 24


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")
    add_baseline(
        p,
        None,
        f"the scenario compared with (default {library.DEFAULT} if in the batch, else the "
        "first; as report chooses)",
    )
    add_horizon(
        p,
        ",".join(str(y) for y in DEFAULT_HORIZONS),
        "months read, comma-separated; a bare year is its June (or the last month present)",
        several=True,
    )
    add_metrics(
        p,
        "metrics compared (default: the headline ones); country metrics as ISO3.metric "
        "(DZA.alignment) and ISO3.camp (the probability of each camp)",
    )
    add_window(
        p,
        "",
        "counts and flows summed over the N months up to the horizon, or 'cum' from the "
        "start (default: each metric's declared statistic; levels are read at the horizon)",
    )
    p.add_argument("--by-point", action="store_true", help="one comparison per design point")
    p.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="folder for compare.csv and compare.md (default: the batch folder)",
    )


def run(args) -> int:
    from ..analysis.brief import choose_baseline

    horizons = horizon_list(args.horizon)
    window = window_value(args.window) if args.window else None
    out = Path(args.out) if args.out else Path(args.dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} is a file; name a folder for compare.csv and compare.md")
    with batch_errors():
        metrics = check_metrics(metrics_list(args.metrics))
        batch = load(args.dir)
        model = [m for m in metrics if country_metric(m) is None]
        monthly = batch.read("monthly", columns=["run_id", "scenario", *PAIR_KEYS, "date", *model])
        country = [m for m in metrics if country_metric(m) is not None]
        if country:
            isos = sorted({country_metric(m)[0] for m in country})
            countries = batch.read("countries", filters=[("iso3", "in", isos)])
            if countries.empty:
                raise InputError(
                    f"--metrics: {args.dir} stored no country table; country metrics need it"
                )
            monthly = with_country_metrics(monthly, countries, country, batch.runs, batch.manifest)
        baseline = choose_baseline(list(dict.fromkeys(monthly["scenario"])), args.baseline)
        effects = paired_effects(
            monthly, baseline, horizons, metrics, by_point=args.by_point, window=window
        )
    title = f"Batch {batch.manifest['batch_id']}: paired differences from {baseline}"
    if effects.empty:
        print(f"{title}: nothing to compare (one scenario only, or no horizon inside the runs)")
        return 0
    print(title)
    print(to_text(effects))
    out.mkdir(parents=True, exist_ok=True)
    paths = save(effects, out, title)
    print(f"saved {', '.join(str(p) for p in paths)}")
    return 0
