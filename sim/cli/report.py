"""Write the policy brief of a batch: a self-contained HTML file (figures embedded, no
links out, so it can be mailed or opened offline) and a Markdown twin with its figures
as PNG files beside it. Scenarios compared, headline effects with 95% confidence
intervals, key figures, what the model does not capture."""

from __future__ import annotations

import time
from pathlib import Path

from .. import library
from ..batch import load
from ..batch.compare import DEFAULT_HORIZONS
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

COMMAND = "report"
HELP = "write the policy brief of a batch (report.html and report.md)"
ORDER = 26


def add_arguments(p) -> None:
    p.add_argument("dir", metavar="DIR", help="the batch folder")
    p.add_argument(
        "--out",
        default=None,
        metavar="FILE",
        help="the HTML file to write (default DIR/report.html); the Markdown twin and its "
        "figures folder go beside it (FILE.md, FILE_files/)",
    )
    add_baseline(
        p,
        None,
        f"the scenario compared with (default {library.DEFAULT} if in the batch, else the first)",
    )
    add_horizon(
        p,
        ",".join(str(y) for y in DEFAULT_HORIZONS),
        "months read, comma-separated; a bare year is its June (or the last month present)",
        several=True,
    )
    add_metrics(
        p,
        "metrics, the first one the brief's question (default: the headline metrics); "
        "country metrics as ISO3.metric, e.g. DZA.alignment, MRT.camp",
    )
    add_window(
        p,
        "",
        "counts and flows over the N months up to the horizon, or 'cum' (default: each "
        "metric's declared statistic)",
    )
    p.add_argument(
        "--scenarios",
        default=None,
        metavar="NAME[,NAME...]",
        help="the scenarios shown, comma-separated (default: all; the baseline is always kept)",
    )
    p.add_argument(
        "--headline",
        default=None,
        metavar="POLICY",
        help="the policy whose channels and drivers the brief explains (default: the top-ranked)",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print the brief to PDF (FILE.pdf) through headless Chromium",
    )


def run(args) -> int:
    from ..analysis import report

    horizons = horizon_list(args.horizon)
    out = Path(args.out) if args.out else Path(args.dir) / "report.html"
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out: {out} must name an .html file (the .md twin goes beside it)")
    if out.is_dir():
        raise InputError(f"--out: {out} is a folder; name the .html file to write")
    with batch_errors():
        batch = load(args.dir)
    names = list(dict.fromkeys(batch.runs["scenario"]))
    with batch_errors():
        report.choose_baseline(names, args.baseline)
    if batch.monthly.empty:
        raise InputError(f"{args.dir}: the batch has no finished runs yet; nothing to report")
    t0 = time.perf_counter()
    window = window_value(args.window) if args.window else None
    scenarios = metrics_list(args.scenarios) if args.scenarios else None
    with batch_errors():
        try:
            html_path, md_path = report.write(
                batch,
                out,
                baseline=args.baseline,
                horizons=horizons,
                metrics=metrics_list(args.metrics),
                scenarios=scenarios,
                headline=args.headline,
                window=window,
                pdf=args.pdf,
            )
        except report.PdfError as exc:
            raise InputError(f"--pdf: {exc}") from None
    extra = f" and {html_path.with_suffix('.pdf')}" if args.pdf else ""
    print(f"wrote {html_path} and {md_path}{extra} in {time.perf_counter() - t0:.1f} s")
    return 0
