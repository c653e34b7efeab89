"""Which assumptions drive each headline metric, and does the policy ranking hold when
they vary? Samples the parameter registry's ranges with SALib (Sobol' indices or Morris
screening), runs every design point with replicates under common random numbers as
one batch (local processes, serial, or a Dask cluster with --executor dask
--scheduler ADDRESS), analyses with SALib and writes indices with 95% intervals, a
noise diagnostic, the policies' robustness against the baseline and a ranked plot to
--out.

The --out folder is a batch folder: `southflank status DIR` shows the runs' progress
and `southflank resume DIR` finishes them after an interruption; running the same
command again into the same --out continues the runs that are left and then analyses
(after `resume`, run it again to get the report).
"""

from __future__ import annotations

import sys
import time

from . import InputError, seed_arg
from ._args import add_horizon, add_metrics, add_window, metrics_list, window_value
from .batch import add_executor_arguments, progress_flag

COMMAND = "sensitivity"
HELP = "global sensitivity analysis (Sobol or Morris) of the headline metrics"
ORDER = 40


def add_arguments(p) -> None:
    p.add_argument("scenario", help="scenario YAML file or shipped scenario name")
    p.add_argument(
        "--method",
        choices=("morris", "sobol"),
        required=True,
        help="sobol: first and total indices, N*(2D+2) points; morris: mu*, N*(D+1) points",
    )
    p.add_argument(
        "--n",
        type=int,
        required=True,
        help="Sobol base sample (a power of 2, e.g. 512) or Morris trajectories (e.g. 20)",
    )
    p.add_argument("--replicates", type=int, default=2, help="runs per design point (default 2)")
    p.add_argument(
        "--params",
        default=None,
        help="comma-separated parameters to vary (default: the whole registry)",
    )
    p.add_argument(
        "--policies",
        default="shipped",
        help="policy scenarios compared with SCENARIO: 'shipped' (the library's policy "
        "variants of it, default), 'none', or comma-separated names",
    )
    add_metrics(p, "metrics analysed (default: the headline metrics, sim.outcomes.HEADLINE)")
    add_horizon(p, None, "month analysed; a bare year is its June (default: the run's last month)")
    add_window(
        p, 12, "months averaged up to the horizon, or 'cum' for all from the start (default 12)"
    )
    p.add_argument("--seed", type=seed_arg, default=None, help="batch seed (default 20250701)")
    p.add_argument(
        "--out",
        default=None,
        help="analysis folder (default results/sensitivity-SCENARIO-METHOD-nN-rR)",
    )
    add_executor_arguments(p)


def run(args) -> int:
    from pathlib import Path

    from .. import library
    from ._args import flag

    try:
        from .. import sensitivity as sa
    except ImportError as exc:  # pragma: no cover - SALib is in the analysis extra
        raise InputError(
            f"sensitivity analysis needs SALib: pip install 'southflank[analysis]' ({exc})"
        ) from None
    scenario = library.load(args.scenario)
    out = Path(
        args.out
        or f"results/sensitivity-{scenario.name}-{args.method}-n{args.n}-r{args.replicates}"
    )
    metrics = metrics_list(args.metrics)
    window = window_value(args.window)
    t0 = time.perf_counter()
    try:
        # sa.run validates every argument before it writes anything or starts a run
        result = sa.run(
            scenario,
            args.method,
            args.n,
            replicates=args.replicates,
            params=args.params,
            policies=args.policies,
            metrics=metrics,
            horizon=args.horizon,
            window=window,
            seed=args.seed,
            out=out,
            executor=args.executor,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=progress_flag(args.progress),
        )
    except sa.SensitivityInputError as exc:
        raise InputError(f"{flag(exc.argument)}: {exc.detail}") from None
    except sa.SensitivityRunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"interrupted; finished runs are kept in {out}: run the same command again "
            f"(or `southflank resume {out}`, then the command) to continue",
            file=sys.stderr,
        )
        raise
    elapsed = time.perf_counter() - t0
    print(result.report())
    print(f"\n{result.runs} runs analysed in {elapsed:.1f} s; results: {out.resolve()}")
    print("  indices.csv, noise.csv, policies.csv, ranking_held.csv, ranked.png, report.txt")
    return 0
