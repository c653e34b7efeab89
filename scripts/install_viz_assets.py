#!/usr/bin/env python3
"""Install the visualization's browser assets, so `southflank viz` needs no CDN at run time.

Fills Solara's asset cache from the npm registry with ``npm pack`` for every
``package@version`` the installed Solara references (details in sim/viz/assets.py).
Run by ``make`` when it sets up the venv; run it by hand after upgrading Solara::

    .venv/bin/python scripts/install_viz_assets.py            # fill the cache
    .venv/bin/python scripts/install_viz_assets.py --list     # what it would install
    .venv/bin/python scripts/install_viz_assets.py --check    # exit 1 if anything is missing

Idempotent: a second run only checks (well under a second). Needs ``npm`` and the npm
registry (or a mirror set with ``npm config set registry``) at install time only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.viz.assets import default_cache_dir, install, is_installed, solara_references


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache-dir", type=Path, help="asset cache (default: Solara's setting)")
    ap.add_argument("--list", action="store_true", help="print the packages and exit")
    ap.add_argument("--check", action="store_true", help="exit 1 if any package is missing")
    args = ap.parse_args(argv)
    specs = solara_references()
    if not specs:
        print("error: found no CDN references in the installed solara", file=sys.stderr)
        return 1
    cache = args.cache_dir or default_cache_dir()
    if args.list or args.check:
        absent = [s for s in specs if not is_installed(cache, s)]
        for s in specs:
            print(f"{'missing  ' if s in absent else 'installed'} {s}")
        print(f"cache: {cache}")
        return 1 if (args.check and absent) else 0
    t0 = time.perf_counter()
    done, size = install(cache, specs)
    secs = time.perf_counter() - t0
    if done:
        print(
            f"viz assets: installed {len(done)} package(s), {size / 1e6:.0f} MB, "
            f"in {secs:.1f} s into {cache}"
        )
    else:
        print(f"viz assets: all {len(specs)} packages already in {cache}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
