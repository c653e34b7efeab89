"""The parameter registry: every number that shapes the model, declared once.

Analysts trust a model whose assumptions they can see and change. So no number that
shapes behaviour lives in mechanism code: each is declared in one data file,
``sim/data/parameters.toml``, with its kind, default, plausible range, unit, meaning and
why it has that value. The one table feeds scenario overrides and the scenario schema's
lever fields, the visualization's controls, sensitivity and deep-uncertainty designs
(the SALib ``problem``), the EMA Workbench connector and the model documentation.

Kinds (``Parameter.kind``):

- ``coefficient``: a rate, weight or threshold of a mechanism's equations;
- ``initial``: sets an initial condition (read by a mechanism's ``initialise`` hook);
- ``lever``: a scalar policy setting, held by a scenario section (``section.field``);
- ``switch``: a 0/1 gate that multiplies one named channel (1 = on, 0 = off);
- ``constant``: a definition or a stated target, not an uncertainty.

``uncertain`` marks what designs sample over its range: a coefficient or an initial
condition can be uncertain, a lever or a switch cannot.

Scales: most state variables are indices in [0, 1] (trust, capacity, grievance,
jihadist activity, presence, influence). A "month" is one model step. Where a value
is a modelling judgement rather than a measured quantity the source says so
("assumption") and says what it was chosen to reproduce.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, make_dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np

Kind = Literal["coefficient", "initial", "lever", "switch", "constant"]
KINDS: tuple[str, ...] = ("coefficient", "initial", "lever", "switch", "constant")
SECTIONS: tuple[str, ...] = ("policy", "russia")


@dataclass(frozen=True)
class Parameter:
    """One registry entry with everything a reader needs to judge it."""

    name: str
    kind: Kind
    uncertain: bool
    mechanism: str
    default: float
    low: float
    high: float
    unit: str
    description: str
    source: str
    integer: bool = False
    section: str = ""  # levers: the scenario section holding it
    field: str = ""  # levers: the field's name in that section

    def as_dict(self) -> dict:
        return asdict(self)


class RegistryError(ValueError):
    """The registry file breaks its own rules (a packaging or editing defect)."""


def _check_entry(p: Parameter) -> None:
    """The rules every entry obeys; raised at import, so a bad edit cannot run."""
    where = f"sim/data/parameters.toml: {p.name}"
    if p.kind not in KINDS:
        raise RegistryError(f"{where}: kind {p.kind!r}; allowed: {', '.join(KINDS)}")
    if not p.low <= p.default <= p.high:
        raise RegistryError(f"{where}: default {p.default} outside [{p.low}, {p.high}]")
    if p.uncertain and p.kind not in ("coefficient", "initial"):
        raise RegistryError(f"{where}: a {p.kind} cannot be uncertain")
    if p.kind == "switch" and (p.low, p.high, p.default) != (0.0, 1.0, 1.0):
        raise RegistryError(f"{where}: a switch has range [0, 1] and default 1 (on)")
    if (p.kind == "lever") != bool(p.section and p.field):
        raise RegistryError(f"{where}: levers, and only levers, name a section and a field")
    if p.section and p.section not in SECTIONS:
        raise RegistryError(f"{where}: section {p.section!r}; allowed: {', '.join(SECTIONS)}")
    if not (p.unit and p.description and p.source and p.mechanism):
        raise RegistryError(f"{where}: unit, description, source and mechanism are required")


def _load() -> tuple[Parameter, ...]:
    text = resources.files("sim").joinpath("data/parameters.toml").read_text(encoding="utf-8")
    rows = tomllib.loads(text)["parameter"]
    known = {f.name for f in fields(Parameter)}
    out = []
    for row in rows:
        extra = set(row) - known
        if extra:
            raise RegistryError(f"sim/data/parameters.toml: {row.get('name')}: unknown {extra}")
        integer = bool(row.get("integer", False))
        for key in ("default", "low", "high"):
            row[key] = float(row[key])
        out.append(Parameter(**{**row, "integer": integer}))
        _check_entry(out[-1])
    return tuple(out)


_ENTRIES: tuple[Parameter, ...] = _load()
REGISTRY: dict[str, Parameter] = {p.name: p for p in _ENTRIES}
if len(REGISTRY) != len(_ENTRIES):
    raise RegistryError("sim/data/parameters.toml: duplicate parameter names")

LEVERS: dict[str, Parameter] = {p.name: p for p in _ENTRIES if p.kind == "lever"}
"""The scalar policy levers, by name (their scenario home is ``section.field``)."""
PARAMETERS: dict[str, Parameter] = {p.name: p for p in _ENTRIES if p.kind != "lever"}
"""Everything a run resolves into `Params`: coefficients, initials, switches, constants."""
SWITCHES: tuple[str, ...] = tuple(p.name for p in _ENTRIES if p.kind == "switch")


def section_levers(section: str) -> tuple[Parameter, ...]:
    """The levers a scenario section holds, in registry order."""
    return tuple(p for p in LEVERS.values() if p.section == section)


def uncertain() -> tuple[str, ...]:
    """The names designs sample by default: the uncertain coefficients and initials."""
    return tuple(p.name for p in _ENTRIES if p.uncertain)


Params = make_dataclass(
    "Params",
    [(name, Any) for name in PARAMETERS],
    frozen=True,
    slots=True,
)
Params.__doc__ = (
    "The resolved registry of one run (or one design's runs): one attribute per "
    "coefficient, initial condition, switch and constant, frozen. A value is a float, "
    "or an array of per-run values where a design resolves many runs at once."
)

Levers = make_dataclass(
    "Levers",
    [(p.name, float) for p in LEVERS.values()],
    slots=True,
)
Levers.__doc__ = (
    "The standing scalar levers of a run: the scenario's values, changed by dated "
    "policy changes (the events mechanism). Mutable on purpose: the state owns them."
)


class UnknownParameterError(KeyError):
    """A parameter name that the registry does not hold."""


class ParameterRangeError(ValueError):
    """A parameter value outside its declared range."""


def suggest(name: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix for a misspelt name, or ''."""
    close = difflib.get_close_matches(name, list(choices), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def defaults() -> dict[str, float]:
    """Every non-lever parameter at its default."""
    return {p.name: p.default for p in PARAMETERS.values()}


def check_value(name: str, value: Any) -> float | np.ndarray:
    """Validate one override against the registry: a number, or an array of per-run
    numbers, inside the declared range; returns a float or a float array."""
    if name not in PARAMETERS:
        hint = (
            f" ({name} is a lever: set it in the scenario's {LEVERS[name].section} section)"
            if name in LEVERS
            else suggest(name, PARAMETERS)
        )
        raise UnknownParameterError(f"unknown parameter {name!r}{hint}")
    p = PARAMETERS[name]
    if isinstance(value, np.ndarray):
        arr = value.astype(float)
        bad = arr[(arr < p.low) | (arr > p.high) | np.isnan(arr)]
        if bad.size:
            raise ParameterRangeError(
                f"{name} = {bad[0]} is outside its range [{p.low}, {p.high}] ({p.unit})"
            )
        return arr
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterRangeError(f"{name} must be a number in [{p.low}, {p.high}], got {value!r}")
    if not p.low <= value <= p.high:
        raise ParameterRangeError(
            f"{name} = {value} is outside its range [{p.low}, {p.high}] ({p.unit})"
        )
    if p.integer and value != int(value):
        raise ParameterRangeError(f"{name} must be a whole number, got {value}")
    return float(value)


def resolve(overrides: Mapping[str, Any] | None = None) -> Params:  # type: ignore[valid-type]
    """Defaults with validated overrides, as a frozen `Params` for the mechanisms."""
    values: dict[str, Any] = defaults()
    for name, value in (overrides or {}).items():
        values[name] = check_value(name, value)
    return Params(**values)


def table() -> list[dict]:
    """The registry as a list of plain dicts (for JSON, docs and the CLI)."""
    return [p.as_dict() for p in _ENTRIES]


def salib_problem(names: Iterable[str] | None = None) -> dict:
    """The SALib `problem` dict over the named parameters (the uncertain ones by default)."""
    chosen = list(names) if names is not None else list(uncertain())
    for n in chosen:
        if n not in PARAMETERS:
            raise UnknownParameterError(f"unknown parameter {n!r}{suggest(n, PARAMETERS)}")
    return {
        "num_vars": len(chosen),
        "names": chosen,
        "bounds": [[PARAMETERS[n].low, PARAMETERS[n].high] for n in chosen],
    }
