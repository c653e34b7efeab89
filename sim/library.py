"""The shipped scenario library (the YAML files of sim/scenarios/), found by name.

Users name a shipped scenario (``hague_2025_baseline``) or give a path to their own
file; both resolve here, so the CLI, the visualization and notebooks agree on what a
name means. The files ship inside the package (an installed wheel carries them); the
``scenarios/`` folder at the top of a source checkout points at the same files.
``comparable`` is the one answer to "which shipped scenarios can be set beside this
one" (the demo's batch, the sensitivity analysis's policies).
"""

from __future__ import annotations

import os
import warnings
from functools import cache
from pathlib import Path

from .errors import ArgumentError
from .params import LEVERS, REGISTRY, suggest
from .scenario import Scenario, ScenarioError

DEFAULT = "hague_2025_baseline"
# Scenario fields that are not policy: a policy variant may differ from its reference
# in these and in `policy`, and in nothing else.
_NOT_POLICY = ("name", "description", "seed", "experiment", "policy")


def library_dir() -> Path:
    """Where the shipped scenarios are: $SOUTHFLANK_SCENARIOS, else the package's own
    ``sim/scenarios`` folder (the same in a source checkout and an installed wheel)."""
    env = os.environ.get("SOUTHFLANK_SCENARIOS")
    return Path(env) if env else Path(__file__).resolve().parent / "scenarios"


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


def same_months(a: Scenario, b: Scenario) -> bool:
    """True if two scenarios cover the same months (so their runs pair month by month)."""
    return a.start == b.start and a.months == b.months


def policy_only(reference: Scenario, other: Scenario) -> bool:
    """True if `other` differs from `reference` in its policy levers and nothing else
    (apart from name, description, seed and experiment block)."""
    ref = reference.model_dump(mode="json")
    data = other.model_dump(mode="json")
    same = all(data.get(k) == v for k, v in ref.items() if k not in _NOT_POLICY)
    return same and data["policy"] != ref["policy"]


def comparable(reference: Scenario, *, policies_only: bool = False) -> list[Scenario]:
    """The shipped scenarios that can be compared with `reference`, in name order.

    Comparable means: another scenario covering the same months (its runs pair with
    the reference's month by month and seed by seed); with `policies_only`, also equal
    to the reference in everything but its policy levers (the policies whose ranking a
    sensitivity analysis checks). A shipped file that does not load is skipped with a
    warning naming it.
    """
    out = []
    for name in names():
        if name == reference.name:
            continue
        try:
            other = load(name)
        except ScenarioError as exc:
            warnings.warn(f"skipping shipped scenario {name}: {exc}", stacklevel=2)
            continue
        if other.name == reference.name or not same_months(reference, other):
            continue
        if policies_only and not policy_only(reference, other):
            continue
        out.append(other)
    return out


def with_settings(scenario: Scenario, settings: dict[str, float]) -> Scenario:
    """The scenario with registry entries set: a parameter goes into ``parameters``, a
    lever into its section (``hub_mandate`` -> ``policy.hub_mandate``); validated as any
    scenario file, so a value outside its range is refused with the range.

    Raises:
        ArgumentError: naming `settings` for a name the registry does not hold.
        ScenarioError: for a value the scenario's schema refuses.
    """
    unknown = [n for n in settings if n not in REGISTRY]
    if unknown:
        name = unknown[0]
        raise ArgumentError("settings", f"unknown parameter {name!r}{suggest(name, REGISTRY)}")
    if not settings:
        return scenario
    data = scenario.model_dump()
    for name, value in settings.items():
        if name in LEVERS:
            p = LEVERS[name]
            data[p.section][p.field] = value
        else:
            data["parameters"][name] = value
    return Scenario.from_dict(data, path=scenario.source_path or "<scenario>")
