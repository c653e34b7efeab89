"""Calibrate the model against the historical replay's calibration window (2019-2022):
a staged rejection search over the registry's ranges of a handful of parameters per
stage, scored by the share of replay replicates in which the stylized facts' in-sample
parts hold (sim.validation.calibrate, docs/calibration.md).

The result (calibration.json in --out) lists, per stage, the accepted candidates'
ranges and the winner, and a final scorecard of every fact with the calibrated values;
--write-registry writes the accepted ranges and the winners into the registry.
Reproducible with the same --seed, --samples and --replicates; an interrupted search
resumes when run again with the same --out.
"""

from __future__ import annotations

from ..params import REGISTRY, suggest
from ..validation.calibrate import (
    DEFAULT_REPLICATES,
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    DEFAULT_STAGES,
    RESULT,
    calibrate,
    stage_names,
    write_registry,
)
from . import InputError, seed_arg
from .batch import progress_flag

COMMAND = "calibrate"
HELP = "calibrate parameters against the 2019-2025 replay's stylized facts"
ORDER = 45


def add_arguments(p) -> None:
    p.add_argument(
        "--samples",
        type=int,
        default=DEFAULT_SAMPLES,
        help=f"candidates per stage (default {DEFAULT_SAMPLES})",
    )
    p.add_argument(
        "--replicates",
        type=int,
        default=DEFAULT_REPLICATES,
        help=f"replay replicates per candidate (default {DEFAULT_REPLICATES})",
    )
    p.add_argument(
        "--check-replicates",
        type=int,
        default=40,
        help="replicates of the final check of every fact (default 40)",
    )
    p.add_argument(
        "--seed", type=seed_arg, default=DEFAULT_SEED, help=f"search seed (default {DEFAULT_SEED})"
    )
    p.add_argument(
        "--stages",
        default=None,
        help=f"comma-separated stages to run (of {','.join(stage_names())}; "
        f"default {','.join(DEFAULT_STAGES)})",
    )
    p.add_argument(
        "--out", default="results/calibration", help="output folder (default results/calibration)"
    )
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all CPUs)")
    p.add_argument(
        "--executor",
        choices=("processes", "serial"),
        default="processes",
        help="where runs execute",
    )
    p.add_argument(
        "--write-registry",
        action="store_true",
        help="write the accepted ranges and winners into sim/data/parameters.toml",
    )
    p.add_argument(
        "--keep-defaults",
        action="store_true",
        help="with --write-registry: write only the accepted ranges, keep the defaults",
    )
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bars on stderr (auto: when stderr is a terminal)",
    )


def _stages(text: str | None) -> list[str] | None:
    if text is None:
        return None
    chosen = [s.strip() for s in text.split(",") if s.strip()]
    for s in chosen:
        if s not in stage_names():
            raise InputError(
                f"--stages: unknown stage {s!r}{suggest(s, stage_names())}; "
                f"allowed: {', '.join(stage_names())}"
            )
    return chosen


def run(args) -> int:
    for name in ("samples", "replicates", "check_replicates"):
        if getattr(args, name) < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1")
    if args.workers is not None and args.workers < 1:
        raise InputError("--workers must be at least 1")
    result = calibrate(
        samples=args.samples,
        replicates=args.replicates,
        seed=args.seed,
        out=args.out,
        workers=args.workers,
        executor=args.executor,
        stages=_stages(args.stages),
        check_replicates=args.check_replicates,
        progress=progress_flag(args.progress),
    )
    print(f"calibration: {len(result['stages'])} stage(s) in {result['seconds']:.0f} s")
    print("in-sample parts (2019-2022), share of replicates holding, before -> after:")
    for st in result["stages"]:
        n = st["samples"] + 1
        print(f"  {st['stage']} ({st['accepted']} of {n} accepted):")
        before, after = st["before"]["score"]["parts"], st["winner"]["score"]["parts"]
        for part in before:
            print(f"    {100 * before[part]:3.0f}% -> {100 * after[part]:3.0f}%  {part}")
    print("changed parameters (old -> new):")
    for name, ch in result["changed"].items():
        print(f"  {name:28} {ch['old']:>9g} -> {ch['new']:<9g} {REGISTRY[name].unit}")
    print(f"final check, {result['check_replicates']} replicates (share of replicates holding):")
    for variant, row in result["final"].items():
        cells = ", ".join(f"{f} {100 * v:.0f}%" for f, v in row["holds"].items())
        print(f"  {variant}: {cells}")
    if args.write_registry:
        names = write_registry(result, keep_defaults=args.keep_defaults)
        print(f"wrote the accepted ranges of {len(names)} parameters into the registry")
    print(f"wrote {args.out}/{RESULT}")
    return 0
