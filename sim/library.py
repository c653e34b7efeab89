"""The shipped scenario library (the YAML files of scenarios/), found by name.

Users name a shipped scenario (``hague_2025_baseline``) or give a path to their own
file; both resolve here, so the CLI, the visualization and notebooks agree on what a
name means.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from .params import suggest
from .scenario import Scenario, ScenarioError

DEFAULT = "hague_2025_baseline"


def library_dir() -> Path:
    """Where the shipped scenarios are: $SOUTHFLANK_SCENARIOS, the source tree, or the
    data folder of an installed wheel."""
    env = os.environ.get("SOUTHFLANK_SCENARIOS")
    candidates = [Path(env)] if env else []
    candidates += [
        Path(__file__).resolve().parent.parent / "scenarios",
        Path(sys.prefix) / "share" / "southflank" / "scenarios",
    ]
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[0]


def names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in library_dir().glob("*.yaml"))


def resolve(name_or_path: str | Path) -> Path:
    """A scenario name or file path -> the file; ScenarioError naming the choices."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    candidate = library_dir() / f"{name_or_path}.yaml"
    if candidate.exists():
        return candidate
    known = names()
    raise ScenarioError(
        str(name_or_path),
        [
            (
                "",
                f"no such scenario file or shipped scenario{suggest(str(name_or_path), known)}; "
                f"shipped: {', '.join(known)}",
                None,
            )
        ],
    )


def load(name_or_path: str | Path) -> Scenario:
    return Scenario.load(resolve(name_or_path))


@cache
def default_scenario() -> Scenario:
    """The current-course baseline that `make demo` and the visualization start from."""
    return load(DEFAULT)
