"""Scenario files: YAML in, a validated, read-only `Scenario` out, or a clear error.

A scenario is the only way policy reaches the model, so a typo must never run
silently: unknown keys, unknown countries or groups, dates outside the run and values
outside their ranges are errors that name the file, the line, the field, the bad
value and what is allowed. A scenario may ``extends:`` another and state only what
differs: mappings merge key by key, lists and values replace.

Input is read strictly, by general rules rather than case by case: the YAML reader
refuses duplicate keys, non-text keys, nesting deeper than MAX_DEPTH, files larger than
MAX_FILE_BYTES and anything that is not UTF-8 text; values are never coerced (``yes``
is not a number, ``36`` is not a month); dates must lie in the range the data describe
(FIRST_START to LAST_START for the start); and cross-field rules hold (a DCB lead is an
ally, no pair of a state with itself, one summit a month, only the fields an event's
kind uses). Every problem carries the file and line it comes from, through ``extends``
chains.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from . import params as _params
from .calendar import format_month, parse_month
from .geography import SEA_ZONES as GRID_ZONES
from .roster import GUEST_GROUPS, OTHER_GUESTS, REGIMES, load_roster, load_table

SCHEMA_VERSION = 1
# the sea zones where the model's navies operate: every zone of the grid but the
# Arabian Sea, the Caspian and inland water
SEA_ZONES = tuple(z for z in GRID_ZONES if z not in ("Arabian Sea", "Caspian", "Other"))
# kind -> (fields it needs, fields it may use besides date, kind, note and source);
# what sim.mechanisms.events reads for each kind
EVENT_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "coup": (("country",), ()),
    "regime_change": (("country",), ("regime", "level")),
    "war_onset": (("country",), ("level",)),
    "ceasefire": (("country",), ("level",)),
    "force_withdrawal": (("country", "side"), ("level",)),
    "force_arrival": (("country", "side"), ("level",)),
    "force_restructuring": (("country",), ("side",)),
    "migration_deal": (("country",), ("level",)),
    "diplomatic_rupture": (("country", "other"), ("level",)),
    "normalisation": (("country", "other"), ("level",)),
    "basing_agreement": (("site", "status"), ()),
    "bloc_formation": ((), ("country",)),
    "government_change": (("country",), ("regime", "level")),
}
EVENT_KINDS = tuple(EVENT_FIELDS)


def base_sites() -> tuple[str, ...]:
    """Names of the Russian base sites in sim/data/bases.csv."""
    return tuple(load_table("bases.csv").site)


BASE_STATUSES = ("none", "negotiating", "open", "closed")
BaseStatus = Literal[BASE_STATUSES]  # type: ignore[valid-type]
Regime = Literal[REGIMES]  # type: ignore[valid-type]


def _check_site(site: str) -> str:
    """A base site of sim/data/bases.csv, or an error naming the allowed ones."""
    if site not in base_sites():
        raise ValueError(
            f"unknown base site {site!r}{_params.suggest(site, base_sites())}; "
            f"allowed: {', '.join(base_sites())}"
        )
    return site


# the policy section's scalar levers, generated from the registry (kind = "lever")
LEVERS: tuple[str, ...] = tuple(p.field for p in _params.section_levers("policy"))


def _lever_fields(section: str, *, optional: bool = False) -> dict[str, Any]:
    """Pydantic field definitions for a section's levers: default, bounds and meaning
    from the registry, so the schema never restates them."""
    out: dict[str, Any] = {}
    for p in _params.section_levers(section):
        default = None if optional else p.default
        kind = float | None if optional else float
        out[p.field] = (kind, Field(default, ge=p.low, le=p.high, description=p.description))
    return out


NAVAL_PRESENCE_RANGE = (0.0, 2.0)  # 1 = Operation Sea Guardian's 2025 level in a zone


class Problem(NamedTuple):
    """One fault of a scenario: the field (dotted path), what is wrong, and where."""

    field: str
    message: str
    line: int | None = None
    file: str | None = None  # the file holding the value (a parent, through extends)


class ScenarioError(ValueError):
    """Bad scenario input; ``problems`` lists a `Problem` (field, message, line, file)
    for each fault. ``path`` is the file that was asked for."""

    def __init__(self, path: str, problems: list[tuple]):
        self.path = str(path)
        self.problems = [Problem(*p) for p in problems]
        lines = []
        for field, msg, line, file in self.problems:
            file = file or self.path
            where = f"{file}:{line}" if line else file
            text = f"{where}: {field}: {msg}" if field else f"{where}: {msg}"
            if file != self.path:
                text += f" (read through extends: from {self.path})"
            lines.append(text)
        super().__init__("\n".join(lines))


class FieldProblem(ValueError):
    """Raised inside a validator to put a problem on a field below the one validated
    (``loc``, relative to it), so the message gets that field's line."""

    def __init__(self, loc: tuple, message: str):
        self.loc = tuple(loc)
        super().__init__(message)


# The initial state is read from the roster's 2019 columns (a replay) or its 2025
# columns (sim.state); a start before 2019 or long after 2025 would run from a
# description of another time.
FIRST_START = parse_month("2019-01")
LAST_START = parse_month("2026-12")
# month numbers that a program (not a file) may pass: years 1900 to 2199
_MONTH_NUMBERS = (1900 * 12, 2200 * 12)


def _month(v: Any, info: ValidationInfo) -> int:
    """A month: 'YYYY-MM' text in a file; a month number also from a program."""
    from_file = bool((info.context or {}).get("from_file"))
    program = isinstance(v, int) and not isinstance(v, bool) and not from_file
    if program and _MONTH_NUMBERS[0] <= v < _MONTH_NUMBERS[1]:
        return v
    if isinstance(v, str):
        return parse_month(v)
    raise ValueError(
        f"a month is written as text 'YYYY-MM' in quotes, e.g. \"2025-07\"; got "
        f"{_show(v)} ({_kind(v)})"
    )


def _show(v: Any) -> str:
    """A value as a user wrote it (a YAML date as 2025-07-01, not a Python repr)."""
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return repr(v)
    return str(v)


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "a true/false value"
    if isinstance(v, int | float):
        return "a number"
    if hasattr(v, "isoformat"):
        return "a date"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    if v is None:
        return "empty"
    return type(v).__name__


Month = Annotated[int, BeforeValidator(_month), PlainSerializer(format_month, when_used="json")]
# strict: no coercion (yes is not 1.0, "3" is not 3, 3.0 is not a whole number)
_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


def _known_codes() -> set[str]:
    return set(load_roster().codes)


def _allies() -> tuple[str, ...]:
    """The codes of NATO allies (sim/data/actors.csv, column nato)."""
    return tuple(load_roster().groups()["NATO"])


def _no_repeats(values: list[str]) -> list[str]:
    """A list of names given once each (a repeat is a typo or a doubled effect)."""
    for i, v in enumerate(values):
        if v in values[:i]:
            raise FieldProblem((i,), f"{v!r} is given twice; name each once")
    return values


def _check_code(code: str, *, allow_guests: bool = False, allow_groups: bool = False) -> str:
    roster = load_roster()
    allowed = set(roster.codes)
    if allow_guests:
        allowed |= set(OTHER_GUESTS)
        allowed |= set(GUEST_GROUPS)
    if allow_groups:
        allowed |= set(roster.groups())
    if code not in allowed:
        raise ValueError(
            f"{code!r} is not a known {'actor or group' if allow_groups else 'actor'}"
            f"{_params.suggest(code, allowed)}; allowed: {', '.join(sorted(allowed))}"
        )
    return code


class Summit(BaseModel):
    """A NATO summit: partners on the guest list gain trust (mechanism 1)."""

    model_config = _STRICT
    date: Month
    host: str | None = None
    invite: list[str] = Field(default_factory=list)
    source: str = ""

    @field_validator("host")
    @classmethod
    def _host(cls, v):
        return None if v is None else _check_code(v)

    @field_validator("invite")
    @classmethod
    def _invite(cls, v):
        return _no_repeats([_check_code(c, allow_guests=True, allow_groups=True) for c in v])


class DCBPackage(BaseModel):
    """Defence and Related Security Capacity Building for one partner (mechanism 2)."""

    model_config = _STRICT
    partner: str
    start: Month
    months: int = Field(36, ge=1, le=240)
    intensity: float = Field(1.0, ge=0.0, le=3.0, description="1 = one standard package")
    lead: str | None = Field(None, description="ally leading the engagement (frictions apply)")
    source: str = ""

    @field_validator("partner", "lead")
    @classmethod
    def _codes(cls, v):
        return None if v is None else _check_code(v)

    @field_validator("partner")
    @classmethod
    def _partner(cls, v):
        if v in _allies():
            raise ValueError(
                f"{v!r} is a NATO ally; capacity building is for partners (any actor but "
                f"the allies {', '.join(_allies())})"
            )
        return v

    @field_validator("lead")
    @classmethod
    def _lead(cls, v):
        if v is not None and v not in _allies():
            raise ValueError(
                f"the lead must be a NATO ally, got {v!r}; allowed: {', '.join(_allies())}"
            )
        return v


class _PolicyChangeBase(BaseModel):
    """A dated change of a standing lever (e.g. the special representative appointed in
    2024-07): from its date on, the named levers take the new values."""

    model_config = _STRICT
    date: Month
    naval_presence: dict[str, float] | None = None
    note: str = ""
    source: str = ""

    @field_validator("naval_presence")
    @classmethod
    def _zones(cls, v):
        return None if v is None else Policy._zones(v)

    @model_validator(mode="after")
    def _changes_something(self):
        if all(getattr(self, f) is None for f in LEVERS + ("naval_presence",)):
            raise ValueError(
                f"a policy change must set at least one of {', '.join(LEVERS)}, naval_presence"
            )
        return self

    def sets(self) -> set[str]:
        """The levers this change sets (a naval zone as ``naval_presence.<zone>``)."""
        out = {f for f in LEVERS if getattr(self, f) is not None}
        return out | {f"naval_presence.{z}" for z in self.naval_presence or {}}


PolicyChange = create_model(
    "PolicyChange",
    __base__=_PolicyChangeBase,
    __module__=__name__,
    **_lever_fields("policy", optional=True),
)


class _PolicyBase(BaseModel):
    """The Alliance's levers (the scalar ones are generated from the registry)."""

    model_config = _STRICT
    summits: list[Summit] = Field(default_factory=list)
    dcb: list[DCBPackage] = Field(default_factory=list)
    naval_presence: dict[str, float] = Field(
        default_factory=lambda: {"Central Med": 1.0, "Eastern Med": 1.0, "Western Med": 0.5}
    )
    changes: list[PolicyChange] = Field(
        default_factory=list, description="dated changes of the standing levers"
    )

    @model_validator(mode="after")
    def _one_a_month(self):
        """One summit a month (the model holds one per month: a second would replace
        the first), and no lever set twice in one month (only the last would count)."""
        first: dict[int, int] = {}
        for i, summit in enumerate(self.summits):
            if summit.date in first:
                raise FieldProblem(
                    ("summits", i, "date"),
                    f"a second summit in {format_month(summit.date)} (summits[{first[summit.date]}] "
                    "is in the same month); one summit a month: merge their guest lists",
                )
            first[summit.date] = i
        seen: dict[tuple[int, str], int] = {}
        for i, change in enumerate(self.changes):
            for lever in sorted(change.sets()):
                key = (change.date, lever)
                if key in seen:
                    raise FieldProblem(
                        ("changes", i, "date"),
                        f"{lever} is already changed in {format_month(change.date)} by "
                        f"changes[{seen[key]}]; one value a month for each lever",
                    )
                seen[key] = i
        return self

    @field_validator("naval_presence")
    @classmethod
    def _zones(cls, v):
        for zone, level in v.items():
            if zone not in SEA_ZONES:
                raise ValueError(
                    f"unknown sea zone {zone!r}{_params.suggest(zone, SEA_ZONES)}; "
                    f"allowed: {', '.join(SEA_ZONES)}"
                )
            low, high = NAVAL_PRESENCE_RANGE
            if not low <= level <= high:
                raise ValueError(
                    f"naval presence in {zone} must be in [{low:g}, {high:g}], got {level}"
                )
        return v


Policy = create_model(
    "Policy", __base__=_PolicyBase, __module__=__name__, **_lever_fields("policy")
)


class _RussiaBase(BaseModel):
    """Russia's posture: budget and the status of its bases and basing talks."""

    model_config = _STRICT
    security_deployments: bool = Field(True, description="may deploy Africa Corps when invited")
    denied: list[str] = Field(
        default_factory=list,
        description="states where Russian forces cannot deploy even when invited (a "
        "counterfactual, or a policy that closes a state to them); bases are not affected",
    )
    bases: dict[str, BaseStatus] = Field(default_factory=dict)

    @field_validator("denied")
    @classmethod
    def _denied(cls, v):
        return _no_repeats([_check_code(c) for c in v])

    @field_validator("bases")
    @classmethod
    def _sites(cls, v):
        for site in v:
            _check_site(site)
        return v


Russia = create_model(
    "Russia", __base__=_RussiaBase, __module__=__name__, **_lever_fields("russia")
)


class Event(BaseModel):
    """A dated exogenous shock fed into the run."""

    model_config = _STRICT
    date: Month
    kind: Literal[EVENT_KINDS]  # type: ignore[valid-type]
    country: str | None = None
    other: str | None = Field(None, description="the other party (rupture, normalisation)")
    side: Literal["western", "russian"] | None = None
    site: str | None = None
    status: BaseStatus | None = None
    level: float | None = Field(None, ge=0.0, le=1.0)
    regime: Regime | None = None
    note: str = ""
    source: str = ""

    @field_validator("country", "other")
    @classmethod
    def _codes(cls, v):
        return None if v is None else _check_code(v)

    @field_validator("site")
    @classmethod
    def _site(cls, v):
        return None if v is None else _check_site(v)

    @model_validator(mode="after")
    def _needs(self):
        need, optional = EVENT_FIELDS[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} event needs {', '.join(missing)}")
        for f in ("country", "other", "side", "site", "status", "level", "regime"):
            if getattr(self, f) is not None and f not in need + optional:
                used = ", ".join((*need, *optional, "note", "source"))
                raise FieldProblem(
                    (f,),
                    f"a {self.kind} event does not use {f} (got {_show(getattr(self, f))}); "
                    f"its fields: date, kind, {used}",
                )
        if self.other is not None and self.other == self.country:
            raise FieldProblem(
                ("other",), f"a {self.kind} needs two different states, got {self.country} twice"
            )
        return self


class ParameterRange(BaseModel):
    """The range a design varies one parameter over (defaults: the registry's range)."""

    model_config = _STRICT
    low: float | None = None
    high: float | None = None


def _names_to_ranges(v: Any) -> Any:
    """Accept a plain list of parameter names as well as a mapping name -> range."""
    if isinstance(v, list):
        return {name: None for name in v}
    return v


class Experiment(BaseModel):
    """How a batch explores a scenario: a design over some parameters, and replicates.

    Every design point is run ``replicates`` times; replicate i of every point and every
    scenario of a batch gets the same seed (common random numbers), so differences
    between scenarios are paired. ``samples`` means levels per parameter for a grid,
    points for a Latin hypercube, the base sample N for Sobol (N * (2D + 2) points) and
    trajectories for Morris (N * (D + 1) points); see sim.batch.design.
    """

    model_config = _STRICT
    design: Literal["grid", "lhs", "sobol", "morris"] = "lhs"
    replicates: int = Field(10, ge=1, le=100_000)
    samples: int | None = Field(None, ge=1, le=100_000, description="None: the design's default")
    parameters: Annotated[dict[str, ParameterRange | None], BeforeValidator(_names_to_ranges)] = (
        Field(default_factory=dict)
    )

    @field_validator("parameters")
    @classmethod
    def _ranges(cls, v):
        for name, rng in v.items():
            if name not in _params.REGISTRY:
                raise ValueError(
                    f"unknown parameter {name!r}{_params.suggest(name, _params.REGISTRY)}"
                )
            p = _params.REGISTRY[name]
            low = p.low if rng is None or rng.low is None else rng.low
            high = p.high if rng is None or rng.high is None else rng.high
            if not p.low <= low < high <= p.high:
                raise ValueError(
                    f"{name}: range [{low}, {high}] must satisfy low < high inside the "
                    f"registry's range [{p.low}, {p.high}] ({p.unit})"
                )
        return v

    def bounds(self) -> dict[str, tuple[float, float]]:
        """Each varied parameter's (low, high), the registry's where none is given."""
        out = {}
        for name, rng in self.parameters.items():
            p = _params.REGISTRY[name]
            low = p.low if rng is None or rng.low is None else rng.low
            high = p.high if rng is None or rng.high is None else rng.high
            out[name] = (low, high)
        return out


class Scenario(BaseModel):
    """A validated scenario. Load it with `Scenario.load(path)`; it is read-only."""

    model_config = _STRICT
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    start: Month = Field(default_factory=lambda: parse_month("2025-07"))
    months: int = Field(120, ge=1, le=600)
    seed: int = Field(1, ge=0, le=2**63 - 1)
    endogenous_coups: bool = True
    stochastic: bool = Field(
        True,
        description="false: no coups, government changes, expulsions, returns, "
        "deployments, withdrawals, basing deals or naval incidents are drawn; only "
        "scheduled events move forces and governments (a start-at-rest check)",
    )
    parameters: dict[str, float] = Field(default_factory=dict)
    policy: Policy = Field(default_factory=Policy)
    russia: Russia = Field(default_factory=Russia)
    events: list[Event] = Field(default_factory=list)
    experiment: Experiment | None = None
    source_path: str | None = Field(None, exclude=True)

    @field_validator("parameters")
    @classmethod
    def _params(cls, v):
        for name, value in v.items():
            try:
                _params.check_value(name, value)
            except (KeyError, ValueError) as exc:
                raise ValueError(exc.args[0]) from None
        return v

    @field_validator("start")
    @classmethod
    def _start_in_data(cls, v):
        if not FIRST_START <= v <= LAST_START:
            raise ValueError(
                f"{format_month(v)} is outside the months the data describe: a run starts "
                f"from {format_month(FIRST_START)} to {format_month(LAST_START)} (the "
                "roster's 2019 and 2025 columns)"
            )
        return v

    @model_validator(mode="after")
    def _dates_inside_run(self):
        end = self.start + self.months
        dated = [(("events", i, "date"), e.date) for i, e in enumerate(self.events)]
        pol = self.policy
        dated += [(("policy", "summits", i, "date"), s.date) for i, s in enumerate(pol.summits)]
        dated += [(("policy", "dcb", i, "start"), d.start) for i, d in enumerate(pol.dcb)]
        dated += [(("policy", "changes", i, "date"), c.date) for i, c in enumerate(pol.changes)]
        for loc, month in dated:
            if not self.start <= month < end:
                raise FieldProblem(
                    loc,
                    f"{format_month(month)} is outside the run "
                    f"({format_month(self.start)} to {format_month(end - 1)})",
                )
        return self

    # -- convenience -----------------------------------------------------------------
    @property
    def end(self) -> int:
        return self.start + self.months

    def content_hash(self) -> str:
        """SHA-256 of the validated content: same hash, same scenario."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def with_parameters(self, overrides: dict[str, float]) -> Scenario:
        """A copy with more parameter overrides (validated)."""
        data = self.model_dump()
        data["parameters"] = {**self.parameters, **overrides}
        return Scenario.from_dict(data, path=self.source_path or "<scenario>")

    @classmethod
    def from_dict(
        cls,
        data: dict,
        *,
        path: str = "<scenario>",
        text: str | None = None,
        origins: dict[tuple, tuple[str, int]] | None = None,
        from_file: bool = False,
    ) -> Scenario:
        """Validate a plain dict; ScenarioError with every problem otherwise.

        Args:
            path: the file it came from (named in messages).
            text: the YAML text, to find a faulty field's line (or give ``origins``).
            origins: field path -> (file, line) of its value, through extends chains.
            from_file: the values were read from a file: months must be 'YYYY-MM'.
        """
        if not isinstance(data, dict):
            raise ScenarioError(path, [("", f"a scenario is a mapping, got {_kind(data)}", None)])
        if origins is None and text is not None:
            origins = _origins_of_text(text, path)
        try:
            sc = cls.model_validate({**data, "source_path": path}, context={"from_file": from_file})
        except ValidationError as exc:
            raise ScenarioError(path, _problems(exc, origins or {})) from None
        return sc

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Read, merge `extends:` chains and validate a scenario YAML file."""
        path = Path(path)
        data, origins = _read_with_extends(path, seen=())
        return cls.from_dict(data, path=str(path), origins=origins, from_file=True)


# -- reading files ----------------------------------------------------------------------
MAX_FILE_BYTES = 1_000_000  # the shipped scenarios are 1-10 kB
MAX_DEPTH = 20  # the schema nests 5 levels deep
MAX_NODES = 200_000  # values after YAML aliases are expanded
EXTENDS_DEPTH = 16


class _Refused(Exception):
    """A YAML construct the scenario reader refuses, with the line it is on."""

    def __init__(self, message: str, line: int | None):
        self.line = line
        super().__init__(message)


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deeper than MAX_DEPTH (which would
    otherwise exhaust Python's recursion limit)."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(
                    f"nested more than {MAX_DEPTH} levels deep; a scenario needs at most 6",
                    mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _dotted(loc: tuple) -> str:
    """A field path as the messages write it: policy.summits[0].date."""
    return ".".join(f"[{x}]" if isinstance(x, int) else str(x) for x in loc).replace(".[", "[")


def _check_keys(root: yaml.Node | None) -> None:
    """Refuse a key given twice in one mapping (YAML keeps only the last, silently) and
    keys that are not names (``yes:`` would be the boolean true)."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())] if root is not None else []
    visited: set[int] = set()
    while stack:
        node, loc = stack.pop()
        if id(node) in visited:  # an alias: checked where its anchor is
            continue
        visited.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((v, (*loc, i)) for i, v in enumerate(node.value))
        if not isinstance(node, yaml.MappingNode):
            continue
        seen: dict[str, int] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if key.tag == _MERGE_TAG:
                stack.append((value, loc))
                continue
            if not isinstance(key, yaml.ScalarNode) or key.tag != _STR_TAG:
                shown = key.value if isinstance(key, yaml.ScalarNode) else "a collection"
                raise _Refused(
                    f"{_dotted(loc) or 'top level'}: key {shown} is not a name (YAML reads "
                    "it as another type); write keys as names, quoted if needed",
                    line,
                )
            if key.value in seen:
                raise _Refused(
                    f"{_dotted((*loc, key.value))}: given twice (first on line "
                    f"{seen[key.value]}); YAML would keep only the last: give each key once",
                    line,
                )
            seen[key.value] = line
            stack.append((value, (*loc, key.value)))


def _too_big(data: Any) -> bool:
    """More than MAX_NODES values once aliases are expanded, or deeper than MAX_DEPTH
    (a cycle made of aliases is infinitely deep)."""
    count = 0
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_NODES or depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _file_problem(path: Path, message: str, line: int | None = None, via=None) -> ScenarioError:
    """A ScenarioError about a file as a whole; ``via``: (file, line) of the ``extends:``
    that named it."""
    if via is not None:
        return ScenarioError(str(via[0]), [("extends", f"{path}: {message}", via[1], str(via[0]))])
    return ScenarioError(str(path), [("", message, line)])


def _read_text(path: Path, via=None) -> str:
    if path.is_dir():
        raise _file_problem(path, "is a folder, not a scenario file", via=via)
    if not path.exists():
        raise _file_problem(path, "no such scenario file", via=via)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _file_problem(
                path, f"{size:,} bytes; a scenario file is at most {MAX_FILE_BYTES:,}", via=via
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise _file_problem(path, f"cannot be read ({exc.strerror or exc})", via=via) from None
    if b"\0" in raw:
        raise _file_problem(path, "is a binary file, not YAML text", via=via)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _file_problem(
            path,
            f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save it as UTF-8",
            line,
            via=via,
        ) from None


def _parse(text: str, path: Path, via=None) -> tuple[Any, yaml.Node | None]:
    """The YAML document and its node tree (for line numbers)."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        _check_keys(node)
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        raise _file_problem(path, str(exc), exc.line, via=via) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise _file_problem(path, f"not valid YAML: {exc}", line, via=via) from None
    finally:
        loader.dispose()
    if _too_big(data):
        raise _file_problem(
            path,
            f"too large once its aliases are expanded (more than {MAX_NODES:,} values or "
            f"{MAX_DEPTH} levels)",
            via=via,
        )
    return data, node


def _read_yaml(path: Path, via=None) -> tuple[dict, dict[tuple, tuple[str, int]]]:
    """A scenario file's mapping and the (file, line) of each of its fields."""
    text = _read_text(path, via)
    data, node = _parse(text, path, via)
    if not isinstance(data, dict):
        raise _file_problem(
            path, f"a scenario must be a YAML mapping (key: value), got {_kind(data)}", via=via
        )
    return data, _origins(node, str(path))


def _origins(node: yaml.Node | None, file: str, prefix: tuple = ()) -> dict:
    """Field path -> (file, line) for every key and list item under a node."""
    out: dict[tuple, tuple[str, int]] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                continue
            loc = (*prefix, k.value)
            out[loc] = (file, k.start_mark.line + 1)
            out.update(_origins(v, file, loc))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            loc = (*prefix, i)
            out[loc] = (file, v.start_mark.line + 1)
            out.update(_origins(v, file, loc))
    return out


def _origins_of_text(text: str, file: str) -> dict:
    try:
        return _origins(yaml.compose(text, Loader=yaml.SafeLoader), file)
    except yaml.YAMLError:
        return {}


def _at(data: Any, loc: tuple) -> Any:
    """The value at a field path, None where there is none."""
    for key in loc:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _merge_origins(base: dict, base_data: dict, over: dict, over_data: dict) -> dict:
    """The origins after `_merge`: a parent's field keeps its origin unless the child
    replaced it or a list or value above it (mappings merge, the rest is replaced)."""

    def replaced(loc: tuple) -> bool:
        for k in range(1, len(loc) + 1):
            q = loc[:k]
            if q in over:
                both = isinstance(_at(over_data, q), dict) and isinstance(_at(base_data, q), dict)
                if not both:
                    return True
        return False

    return {**{loc: o for loc, o in base.items() if not replaced(loc)}, **over}


def _read_with_extends(
    path: Path, seen: tuple[Path, ...], via=None
) -> tuple[dict, dict[tuple, tuple[str, int]]]:
    data, origins = _read_yaml(path, via)
    if "extends" not in data:
        return data, origins
    parent = data.pop("extends")
    line = _where(("extends",), origins)[1]
    origins = {loc: o for loc, o in origins.items() if loc[0] != "extends"}
    here = (path, line)

    def refuse(msg: str) -> ScenarioError:
        return ScenarioError(str(path), [("extends", msg, line, str(path))])

    if not isinstance(parent, str) or not parent.strip():
        raise refuse(f"names the parent scenario (a shipped name or a path), got {_show(parent)}")
    if len(seen) >= EXTENDS_DEPTH:
        raise refuse(f"a chain of more than {EXTENDS_DEPTH} extends")
    ppath = Path(parent)
    if not ppath.is_absolute():
        ppath = path.parent / ppath
    if ppath.is_dir():
        raise refuse(f"{parent!r} is a folder ({ppath}); name a scenario file")
    if not ppath.suffix:
        ppath = ppath.with_suffix(".yaml")
    if ppath.resolve() in seen or ppath.resolve() == path.resolve():
        raise refuse(f"circular extends via {ppath}")
    base, base_origins = _read_with_extends(ppath, seen + (path.resolve(),), via=here)
    for key in ("name", "description"):
        base.pop(key, None)
    base_origins = {
        loc: o for loc, o in base_origins.items() if loc[0] not in ("name", "description")
    }
    merged = _merge(base, data)
    return merged, _merge_origins(base_origins, base, origins, data)


_TYPE_WORDS = {
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
}


def _strip(ann: Any) -> Any:
    """An annotation without Optional and Annotated wrappers."""
    while True:
        origin, args = get_origin(ann), get_args(ann)
        if origin is Annotated:
            ann = args[0]
        elif origin is Union or isinstance(ann, UnionType):
            inner = [a for a in args if a is not type(None)]
            models = [a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)]
            ann = models[0] if models else inner[0]
        else:
            return ann


def _walk(loc: tuple) -> tuple[Any, Any]:
    """(annotation, FieldInfo or None) of the field at a path; (None, None) off the schema."""
    ann: Any = Scenario
    info = None
    for key in loc:
        ann = _strip(ann)
        origin = get_origin(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel) and isinstance(key, str):
            info = ann.model_fields.get(key)
            if info is None:
                return None, None
            ann = info.annotation
        elif origin in (list, tuple) and isinstance(key, int):
            ann, info = get_args(ann)[0], None
        elif origin is dict and isinstance(key, str):
            ann, info = get_args(ann)[1], None
        else:
            return None, None
    return ann, info


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model whose keys are allowed at a path (None inside free mappings)."""
    ann = _strip(_walk(loc)[0])
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def _bounds(loc: tuple) -> str:
    """' from LOW to HIGH' for a numeric field with bounds, else ''."""
    info = _walk(loc)[1]
    if info is None:
        return ""
    low = next((getattr(m, "ge", None) for m in info.metadata if hasattr(m, "ge")), None)
    high = next((getattr(m, "le", None) for m in info.metadata if hasattr(m, "le")), None)
    if low is None and high is None:
        return ""
    if high is None:
        return f" of at least {_num(low)}"
    return f" from {_num(low)} to {_num(high)}" if low is not None else f" up to {_num(high)}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _where(loc: tuple, origins: dict) -> tuple[str | None, int | None]:
    for k in range(len(loc), 0, -1):
        if loc[:k] in origins:
            file, line = origins[loc[:k]]
            return file, line
    return None, None


def _problems(exc: ValidationError, origins: dict) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(
            x
            for x in err["loc"]
            if not (isinstance(x, str) and x.startswith(("function-", "lax-", "strict-")))
        )
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldProblem):
            loc = (*loc, *cause.loc)
        field = _dotted(loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = sorted(k for k in model.model_fields if k != "source_path") if model else []
            msg = f"unknown key{_params.suggest(str(loc[-1]), allowed)}"
            if allowed:
                msg += f"; allowed here: {', '.join(allowed)}"
        elif err["type"] in _TYPE_WORDS:
            msg = (
                f"must be {_TYPE_WORDS[err['type']]}{_bounds(loc)}, got {_show(err['input'])} "
                f"({_kind(err['input'])})"
            )
        elif err["type"] in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            msg = f"must be a number{_bounds(loc)}, got {_show(err['input'])}"
        elif err["type"] == "missing":
            msg = "required, missing"
        elif err["type"] == "literal_error":
            msg = f"{msg}, got {_show(err['input'])}"
        elif (
            "input" in err
            and not isinstance(cause, FieldProblem)
            and not isinstance(err["input"], dict | list)
            and "got " not in msg
        ):
            msg = f"{msg} (got {_show(err['input'])})"
        file, line = _where(loc, origins)
        out.append(Problem(field, msg, line, file))
    return out
