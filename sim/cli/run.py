"""Run one scenario once and write its tables (monthly, countries, events) and a
manifest to a folder."""

from __future__ import annotations

import time
from pathlib import Path

from ..io import atomic_write, check_out_folder, write_json_atomic
from ..provenance import environment, now
from ..run import simulate
from . import seed_arg
from ._args import add_set, load_scenario, set_values

COMMAND = "run"
HELP = "run one scenario with one seed and write its tables"
ORDER = 10


def add_arguments(p) -> None:
    p.add_argument("scenario", help="scenario YAML file or shipped scenario name")
    p.add_argument(
        "--seed", type=seed_arg, default=None, help="random seed (default: the scenario's)"
    )
    p.add_argument(
        "--out", required=True, help="output folder (created; must be empty or a previous run)"
    )
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="table format")
    add_set(p)


def run(args) -> int:
    settings = set_values(args.settings)
    scenario = load_scenario(args.scenario, settings)
    out = Path(args.out)
    check_out_folder(out, "run.json", "run")
    t0 = time.perf_counter()
    result = simulate(scenario, seed=args.seed)
    elapsed = time.perf_counter() - t0
    names = []

    def write(tmp: Path) -> None:
        # the whole folder is built beside --out and renamed into place: an error or an
        # interrupt leaves --out as it was, and nothing that blocks a rerun
        names.extend(p.name for p in result.save(tmp, fmt=args.format))
        write_json_atomic(
            tmp / "run.json",
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

    atomic_write(out, write)
    last = result.monthly.iloc[-1]
    print(f"{scenario.name}, seed {result.seed}: {len(result.monthly)} months in {elapsed:.2f} s")
    print(f"  wrote {', '.join(str(out / n) for n in names)} and {out / 'run.json'}")
    print(
        f"  {last['date']}: Russian influence share {last['russia_influence_share']:.2f}, "
        f"Russia-aligned states {last['russia_aligned_states']:.0f}, "
        f"cohesion {last['cohesion']:.2f}, events logged {len(result.events)}"
    )
    return 0
