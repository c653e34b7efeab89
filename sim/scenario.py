"""Scenario files: YAML in, a validated, read-only `Scenario` out, or a clear error.

A scenario is the only way policy reaches the model, so a typo must never run
silently: unknown keys, unknown countries or groups, dates outside the run and values
outside their ranges are errors that name the file, the line, the field, the bad
value and what is allowed. A scenario may ``extends:`` another and state only what
differs: mappings merge key by key, lists and values replace.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
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
EVENT_KINDS = (
    "coup",
    "regime_change",
    "war_onset",
    "ceasefire",
    "force_withdrawal",
    "force_arrival",
    "force_restructuring",
    "migration_deal",
    "diplomatic_rupture",
    "normalisation",
    "basing_agreement",
    "bloc_formation",
    "government_change",
)


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


class ScenarioError(ValueError):
    """Bad scenario input; ``problems`` lists (field, message, line) for each fault."""

    def __init__(self, path: str, problems: list[tuple[str, str, int | None]]):
        self.path = path
        self.problems = problems
        lines = []
        for field, msg, line in problems:
            where = f"{path}:{line}" if line else path
            lines.append(f"{where}: {field}: {msg}" if field else f"{where}: {msg}")
        super().__init__("\n".join(lines))


def _month(v: Any) -> int:
    if isinstance(v, int) and not isinstance(v, bool) and v > 10000:
        return v
    return parse_month(v)


Month = Annotated[int, BeforeValidator(_month), PlainSerializer(format_month, when_used="json")]
_STRICT = ConfigDict(extra="forbid", frozen=True)


def _known_codes() -> set[str]:
    return set(load_roster().codes)


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
        return [_check_code(c, allow_guests=True, allow_groups=True) for c in v]


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
        return [_check_code(c) for c in v]

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
        need = {
            "coup": ("country",),
            "regime_change": ("country",),
            "war_onset": ("country",),
            "ceasefire": ("country",),
            "force_withdrawal": ("country", "side"),
            "force_arrival": ("country", "side"),
            "force_restructuring": ("country",),
            "migration_deal": ("country",),
            "diplomatic_rupture": ("country", "other"),
            "normalisation": ("country", "other"),
            "basing_agreement": ("site", "status"),
            "bloc_formation": (),
            "government_change": ("country",),
        }[self.kind]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.kind} event needs {', '.join(missing)}")
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
    seed: int = Field(1, ge=0)
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

    @model_validator(mode="after")
    def _dates_inside_run(self):
        end = self.start + self.months
        dated = [(f"events[{i}].date", e.date) for i, e in enumerate(self.events)]
        dated += [(f"policy.summits[{i}].date", s.date) for i, s in enumerate(self.policy.summits)]
        dated += [(f"policy.dcb[{i}].start", d.start) for i, d in enumerate(self.policy.dcb)]
        dated += [(f"policy.changes[{i}].date", c.date) for i, c in enumerate(self.policy.changes)]
        for where, month in dated:
            if not self.start <= month < end:
                raise ValueError(
                    f"{where} = {format_month(month)} is outside the run "
                    f"({format_month(self.start)} to {format_month(end - 1)})"
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
        cls, data: dict, *, path: str = "<scenario>", text: str | None = None
    ) -> Scenario:
        """Validate a plain dict; ScenarioError with every problem otherwise."""
        try:
            sc = cls.model_validate({**data, "source_path": path})
        except ValidationError as exc:
            raise ScenarioError(path, _problems(exc, data, text)) from None
        return sc

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        """Read, merge `extends:` chains and validate a scenario YAML file."""
        path = Path(path)
        data, text = _read_with_extends(path, seen=())
        return cls.from_dict(data, path=str(path), text=text)


def _read_yaml(path: Path) -> tuple[dict, str]:
    if not path.exists():
        raise ScenarioError(str(path), [("", "no such scenario file", None)])
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ScenarioError(str(path), [("", f"not valid YAML: {exc}", line)]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            str(path), [("", "a scenario must be a YAML mapping (key: value)", None)]
        )
    return data, text


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _read_with_extends(path: Path, seen: tuple[Path, ...]) -> tuple[dict, str]:
    data, text = _read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, text
    ppath = Path(parent)
    if not ppath.suffix:
        ppath = ppath.with_suffix(".yaml")
    if not ppath.is_absolute():
        ppath = path.parent / ppath
    if ppath.resolve() in seen or ppath.resolve() == path.resolve():
        raise ScenarioError(str(path), [("extends", f"circular extends via {ppath}", None)])
    base, _ = _read_with_extends(ppath, seen + (path.resolve(),))
    base.pop("name", None)
    base.pop("description", None)
    return _merge(base, data), text


def _line_of(text: str | None, loc: tuple) -> int | None:
    """The line of a field path in the YAML text (best effort)."""
    if not text:
        return None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == str(key):
                    nxt, line = v, k.start_mark.line + 1
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _problems(
    exc: ValidationError, data: dict, text: str | None
) -> list[tuple[str, str, int | None]]:
    out = []
    for err in exc.errors():
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        field = ".".join(f"[{x}]" if isinstance(x, int) else str(x) for x in loc).replace(".[", "[")
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            msg = f"unknown key{_params.suggest(str(loc[-1]), allowed)}; allowed here: {', '.join(allowed)}"
        elif (
            "input" in err
            and err["type"] not in ("missing",)
            and not isinstance(err["input"], dict | list)
        ):
            msg = f"{msg} (got {err['input']!r})"
        out.append((field, msg, _line_of(text, loc)))
    return out


def _allowed_keys(loc: tuple) -> list[str]:
    model: Any = Scenario
    for key in loc:
        if isinstance(key, int):
            continue
        field = model.model_fields.get(key)
        if field is None:
            break
        ann = field.annotation
        inner = getattr(ann, "__args__", (ann,))
        model = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if model is None:
            return []
    return sorted(k for k in model.model_fields if k != "source_path")
