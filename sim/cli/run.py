"""Run one scenario once and write its tables (monthly, countries, events) and a
manifest to a folder."""

from __future__ import annotations

import time
from pathlib import Path

from ..provenance import environment, now, write_json_atomic
from ..run import simulate
from . import InputError
from ._args import add_set, load_scenario, set_values

COMMAND = "run"
HELP = "run one scenario with one seed and write its tables"
ORDER = 10


def add_arguments(p) -> None:
    p.add_argument("scenario", help="scenario YAML file or shipped scenario name")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.add_argument(
        "--out", required=True, help="output folder (created; must be empty or a previous run)"
    )
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="table format")
    add_set(p)


def check_out_dir(out: Path, marker: str) -> None:
    """Refuse a folder that holds something else than a result of the same kind."""
    if out.exists() and not out.is_dir():
        raise InputError(f"--out: {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / marker).exists():
        raise InputError(
            f"--out: {out} is not empty and holds no {marker}; choose a new or empty folder"
        )


def run(args) -> int:
    settings = set_values(args.settings)
    scenario = load_scenario(args.scenario, settings)
    out = Path(args.out)
    check_out_dir(out, "run.json")
    t0 = time.perf_counter()
    result = simulate(scenario, seed=args.seed)
    elapsed = time.perf_counter() - t0
    paths = result.save(out, fmt=args.format)
    write_json_atomic(
        out / "run.json",
        {
            "kind": "southflank-run",
            "scenario": scenario.name,
            "scenario_file": str(args.scenario),
            "set": settings,
            "scenario_hash": scenario.content_hash(),
            "scenario_content": scenario.model_dump(mode="json"),
            "seed": result.seed,
            "finished": now(),
            "seconds": round(elapsed, 3),
            **environment(),
        },
    )
    last = result.monthly.iloc[-1]
    print(f"{scenario.name}, seed {result.seed}: {len(result.monthly)} months in {elapsed:.2f} s")
    print(f"  wrote {', '.join(str(p) for p in paths)} and {out / 'run.json'}")
    print(
        f"  {last['date']}: Russian influence share {last['russia_influence_share']:.2f}, "
        f"Russia-aligned states {last['russia_aligned_states']:.0f}, "
        f"cohesion {last['cohesion']:.2f}, events logged {len(result.events)}"
    )
    return 0
