"""Replay 2019-2025 from the 2019 initial conditions, fed only exogenous shocks, and
score it against the stylized facts (SF-01, ...): the share of replicates in which each
fact's test holds in the headline (everything endogenous) and with the coups scheduled
(a diagnostic), every part labelled by the data split and tested with its channel
switches, the probabilities scored beside naive forecasters, and central-Sahel violence
by year against the ACSS fatalities series.

The runs go through the batch machinery into --out (resumable: the same command again
finishes an interrupted replay); the scorecard and the series are written next to them
(replay_scorecard.csv, replay_series.csv, replay.json). See docs/calibration.md.
"""

from __future__ import annotations

import pandas as pd

from ..batch.executors import check_executor
from ..validation.facts import FACTS
from ..validation.replay import HEADLINE, ReplayReport, run_replay
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


def _pct(x: float) -> str:
    return "   -" if pd.isna(x) else f"{x:3.0f}%"


def print_report(report: ReplayReport, parts: bool = False) -> None:
    """The scorecard, the endogenous shares, the proper scores beside the naive
    forecasters and the series, as a user reads them."""
    n = report.replicates
    print(f"Historical replay 2019-01..2025-12: {n} replicates per variant")
    print("headline: coups, deployments, expulsions, base openings, realignments and violence")
    print("endogenous; diagnostic: the same with the eight coups scheduled")
    print(f"{'fact':6}  {'headline':>8}  {'scheduled':>9}  stylized fact")
    for fid, fact in FACTS.items():
        row = {v: c[(c.fact == fid) & (c.part == "")] for v, c in report.cards.items()}
        head = row[HEADLINE].holds_pct.item()
        sched = row["scheduled"].holds_pct.item()
        print(f"{fid:6}  {head:7.0f}%  {sched:8.0f}%  {fact.title}")
        for gap in fact.not_modelled:
            print(f"{'':29}not modelled: {gap}")
    _print_parts(report, parts)
    _print_scores(report)
    _print_series(report)


def _print_parts(report: ReplayReport, parts: bool) -> None:
    p = report.parts
    if len(p):
        print()
        print("Scored parts of the headline (window; role; with the credited switches off):")
        print(f"  {'holds':>5} {'off':>5}  {'window':11} {'role':10} part")
        for r in p.itertuples():
            off = _pct(getattr(r, "off_pct", float("nan")))
            mark = "*" if r.set_by else " "
            counted = "" if getattr(r, "counted", r.role == "endogenous") else " (not counted)"
            if parts or r.role == "endogenous":
                print(
                    f"  {_pct(r.holds_pct):>5} {off:>5}  {r.window:11} {r.role:10}"
                    f"{mark}{r.fact}: {r.part}{counted}"
                )
        print(
            "  * the fact set parameters in earlier calibration rounds: not counted as validation"
        )
        sh = report.shares
        for key, what in (
            ("in_sample", "endogenous, in sample (2019-2022, fit)"),
            ("out_of_sample", "endogenous, out of sample (2023-2025, validation)"),
            ("out_of_sample_set_by_fact", "out of sample, fact set parameters (not counted)"),
        ):
            s = sh[key]
            print(f"  {what}: {s['parts']} parts, mean share {_pct(s['share_pct'])}")


def _print_scores(report: ReplayReport) -> None:
    t = report.tables
    if t:
        print()
        print("Counts and levels as distributions (90% interval; interval score, CRPS):")
        for r in t["distributions"].itertuples():
            print(
                f"  {r.quantity[:48]:48} {r.forecaster:20} [{r.low:7.1f}, {r.high:7.1f}] "
                f"obs {r.observed:7.1f} {'in ' if r.inside else 'out'} IS {r.interval_score:9.1f} "
                f"CRPS {r.crps:8.2f}"
            )
        print()
        print("Country-year events: Brier and AUC (90% bootstrap intervals)")
        for r in t["event_scores"].itertuples():
            print(
                f"  {r.kind:15} {r.window:11} {r.forecaster:20} Brier {r.brier:.4f} "
                f"[{r.brier_low:.4f}, {r.brier_high:.4f}]  AUC {r.auc:.2f} "
                f"[{r.auc_low:.2f}, {r.auc_high:.2f}]  model skill {r.model_brier_skill:+.2f}"
            )
        for r in t["coup_auc"].itertuples():
            print(
                f"  coup AUC by state (six coup-belt states vs others): {r.forecaster} {r.auc:.2f}"
            )
        for r in t["md_coup_brier"].itertuples():
            print(f"  MD coup Brier 2019-2025: {r.forecaster} {r.brier:.5f}")
        print()
        print("The policy half (UNGA ES-11 votes; basing by site):")
        for name in ("vote_scores", "basing_scores"):
            for r in t[name].itertuples():
                brier = "" if pd.isna(r.brier) else f"Brier {r.brier:.3f}  "
                print(f"  {name.split('_')[0]:6} {r.forecaster:38} {brier}AUC {r.auc:.2f}")


def _print_series(report: ReplayReport) -> None:
    s = report.series
    print()
    print("Central-Sahel jihadist violence (headline) against ACSS fatalities")
    print("(simulated deaths/yr on the GTI scale; scaled x one factor fixed from 2020-2022,")
    print(" since ACSS counts more deaths than the GTI)")
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
