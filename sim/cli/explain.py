"""Which channels carry a policy's effect, or the baseline's drift since its start?
Splits it into Shapley contributions of groups of the model's switched channels
(registry kind `switch`; list them with `southflank parameters --kind switch`): exact
over at most 8 groups (every subset run), sampled orders with standard errors beyond.
Every subset is a design point of one batch in --out (resumable: `southflank status
DIR`, `southflank resume DIR`, or the same command again); the table (explain.csv), a
waterfall chart (waterfall.png) and a report (report.txt) are written beside it.

Without --baseline a policy scenario is compared with the shipped baseline, and the
baseline itself is explained as its drift from its first month.
"""

from __future__ import annotations

import sys
import time

from . import _args
from .batch import add_executor_arguments, progress_flag

COMMAND = "explain"
HELP = "split an effect or the baseline's drift into channel contributions (Shapley)"
ORDER = 42


def add_arguments(p) -> None:
    p.add_argument("scenario", help="scenario YAML file or shipped scenario name")
    _args.add_baseline(
        p,
        None,
        "scenario compared with (default: the shipped baseline; the scenario itself: "
        "its drift since the start)",
    )
    _args.add_metrics(
        p,
        "comma-separated monthly metrics, or country metrics as NAME:ISO3 "
        "(default: russia_influence_share,cohesion)",
    )
    _args.add_horizon(
        p, None, "YYYY-MM (that month) or YYYY (its June); default the run's last month"
    )
    p.add_argument(
        "--groups",
        default="default",
        help="'default' (eight groups), 'switches' (one group per switch, sampled) or "
        "NAME=SWITCH+SWITCH,NAME2=SWITCH",
    )
    p.add_argument("--replicates", type=int, default=4, help="runs per subset (default 4)")
    p.add_argument(
        "--permutations", type=int, default=32, help="sampled orders beyond 8 groups (default 32)"
    )
    p.add_argument("--seed", type=int, default=None, help="batch seed (default 20250701)")
    p.add_argument("--out", default=None, help="analysis folder (default results/explain-...)")
    add_executor_arguments(p)


def run(args) -> int:
    from pathlib import Path

    from ..analysis import explain as ex

    name = Path(args.scenario).stem
    vs = f"-vs-{Path(args.baseline).stem}" if args.baseline else ""
    out = Path(args.out or f"results/explain-{name}{vs}-r{args.replicates}")
    metrics = _args.metrics_list(args.metrics)
    t0 = time.perf_counter()
    try:
        with _args.library_errors():  # bad input: exit 2 naming the flag
            result = ex.explain(
                args.scenario,
                args.baseline,
                metrics=metrics,
                horizon=args.horizon,
                groups=args.groups,
                replicates=args.replicates,
                permutations=args.permutations,
                seed=args.seed,
                out=out,
                executor=args.executor,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=progress_flag(args.progress),
            )
    except ex.ExplainRunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(result.report())
    print(f"\n{result.runs} runs in {time.perf_counter() - t0:.1f} s; results: {out.resolve()}")
    print("  explain.csv, waterfall.png, report.txt, explain.json")
    return 0
