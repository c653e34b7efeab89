"""Replay 2019-2025 from the 2019 initial conditions, fed only exogenous shocks, and
score it against the stylized facts (SF-01, ...): the share of replicates in which each
fact's test holds, with the scheduled coups and with coups left to the coup mechanism,
and central-Sahel violence by year against the ACSS fatalities series.

The runs go through the batch machinery into --out (resumable: the same command again
finishes an interrupted replay); the scorecard and the series are written next to them
(replay_scorecard.csv, replay_series.csv, replay.json). See docs/calibration.md.
"""

from __future__ import annotations

import pandas as pd

from ..batch.executors import check_executor
from ..validation.facts import FACTS
from ..validation.replay import ReplayReport, run_replay
from . import seed_arg
from .batch import add_executor_arguments, batch_errors, progress_flag

COMMAND = "replay"
HELP = "replay 2019-2025 and print the stylized-facts scorecard"
ORDER = 40
DEFAULT_REPLICATES = 50
DEFAULT_SEED = 2019


def add_arguments(p) -> None:
    p.add_argument(
        "--replicates",
        type=int,
        default=DEFAULT_REPLICATES,
        help=f"replicates per variant (default {DEFAULT_REPLICATES})",
    )
    p.add_argument(
        "--seed", type=seed_arg, default=DEFAULT_SEED, help=f"batch seed (default {DEFAULT_SEED})"
    )
    p.add_argument("--out", default=None, help="batch folder (default results/<date>-<hash>)")
    p.add_argument(
        "--scenario",
        default=None,
        help="replay scenario file (default: the shipped historical_2019_replay)",
    )
    p.add_argument("--parts", action="store_true", help="also show each part of every test")
    add_executor_arguments(p)


def print_report(report: ReplayReport, parts: bool = False) -> None:
    """The scorecard and the series, as a user reads them."""
    n = report.replicates
    print(f"Historical replay 2019-01..2025-12: {n} replicates per variant")
    print(f"{'fact':6}  {'scheduled coups':>15}  {'endogenous coups':>16}  stylized fact")
    for fid, fact in FACTS.items():
        row = {v: c[(c.fact == fid) & (c.part == "")] for v, c in report.cards.items()}
        sched = row["scheduled"].holds_pct.item()
        endo = row["endogenous"].holds_pct.item()
        mark = "*" if fid == "SF-09" else " "
        print(f"{fid:6}  {sched:13.0f} %{mark} {endo:14.0f} %  {fact.title}")
        if parts:
            card = report.cards["scheduled"]
            endo_card = report.cards["endogenous"]
            for r in card[(card.fact == fid) & (card.part != "")].itertuples():
                e = endo_card[(endo_card.fact == fid) & (endo_card.part == r.part)].holds_pct
                e_txt = f"{e.item():14.0f} %" if len(e) else " " * 16
                print(f"{'':6}  {r.holds_pct:13.0f} %  {e_txt}  - {r.part}")
        for gap in fact.not_modelled:
            print(f"{'':44}not modelled: {gap}")
    print("* SF-09 with scheduled coups only checks the inputs; its test is the endogenous column.")
    s = report.series
    print()
    print("Central-Sahel jihadist violence (scheduled coups) against ACSS fatalities")
    print("(simulated deaths/yr on the GTI scale; scaled x one factor: simulated 2023 median")
    print(" = observed 2023, since ACSS counts more deaths than the GTI)")
    print(
        f"{'year':>4}  {'GTI-scale':>9}  {'10-90%':>11}  {'simulated':>9}  {'observed':>8}  "
        f"{'sim/2020':>8}  {'obs/2020':>8}"
    )
    for r in s.itertuples():
        obs = "" if pd.isna(r.observed_fatalities) else f"{r.observed_fatalities:8.0f}"
        obs_r = "" if pd.isna(r.observed_ratio_2020) else f"{r.observed_ratio_2020:8.2f}"
        print(
            f"{r.year:4d}  {r.activity_median:9.0f}  {r.activity_p10:5.0f}-{r.activity_p90:5.0f}  "
            f"{r.simulated_fatalities:9.0f}  {obs:>8}  {r.simulated_ratio_2020:8.2f}  {obs_r:>8}"
        )


def run(args) -> int:
    with batch_errors():
        check_executor(args.executor, args.workers, args.scheduler)
        report = run_replay(
            args.replicates,
            seed=args.seed,
            out=args.out,
            workers=args.workers,
            executor=args.executor,
            progress=progress_flag(args.progress),
            scenario=args.scenario,
            scheduler=args.scheduler,
        )
    print_report(report, parts=args.parts)
    paths = [str(p) for p in report.save()]
    print()
    print(f"runs and scorecard: {report.path} ({report.seconds:.1f} s)")
    print(f"  wrote {', '.join(paths)}")
    return 0
