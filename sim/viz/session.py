"""One browser session's run: the scenario, the levers set in the sidebar, the model and
its pictures. Plain Python (no Solara), so it can be tested and timed directly.

Levers and parameters apply on Reset: the model is rebuilt from the scenario with the
levers written into it (`Scenario.from_dict`, validated as any scenario file), so every
picture on screen is a run that `southflank run` would reproduce from the same scenario
content and seed. The levers' list, labels and ranges, and the parameters' ranges, come
from the registry (sim/data/parameters.toml); nothing here restates a default.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import library
from .. import params as _params
from ..calendar import format_month
from ..diff import Difference, differences
from ..model import LAYERS, SouthernFlankModel
from ..roster import load_roster
from ..run import simulate
from ..scenario import SEA_ZONES, DCBPackage, Scenario
from .charts import ChartRenderer
from .mapview import MapRenderer

# The policy levers shown as sliders: (section, field) of every registry lever.
SLIDER_LEVERS: tuple[tuple[str, str], ...] = tuple(
    (p.section, p.field) for p in _params.LEVERS.values()
)
# Parameters offered as sliders by default (any other registry entry can be added in
# the page); names only: default, range and unit are the registry's.
KEY_PARAMETERS: tuple[str, ...] = (
    "invite_trust_gain",
    "trust_decay",
    "dcb_capacity_gain",
    "hub_effect",
    "sr_effect",
    "nato_absence_weight",
    "jihad_growth",
    "coup_logit_base",
    "aligned_threshold",
)
FRAMEWORK_GROUPS = ("MD", "ICI")
EVENTS_SHOWN = 12
# Event kinds the feed leaves out until asked: a monthly incident in every contested
# sea zone would push everything else off the list.
EVENTS_HIDDEN_BY_DEFAULT = ("naval_incident",)


def naval_slider(zone: str) -> SliderSpec:
    """A slider for the allied naval presence in one sea zone (the schema's bounds)."""
    from .. import scenario as _sc

    low, high = getattr(_sc, "NAVAL_PRESENCE_RANGE", (0.0, 2.0))
    return SliderSpec(zone, zone, low, high, nice_step(low, high))


@dataclass(frozen=True)
class SliderSpec:
    """A slider generated from the schema or the registry."""

    key: str
    label: str
    low: float
    high: float
    step: float
    help: str = ""

    def snap(self, value: float) -> float:
        """A slider's value on the step grid, without float noise from the browser."""
        digits = max(0, -math.floor(math.log10(self.step)))
        return round(min(max(float(value), self.low), self.high), digits)


def nice_step(low: float, high: float) -> float:
    """A slider step that puts every declared default on the grid: one hundredth of the
    range's order of magnitude (the browser snaps a value that is off the grid, which
    would silently change a parameter just by showing it)."""
    span = high - low
    return 10.0 ** (math.floor(math.log10(span)) - 2) if span > 0 else 1.0


def lever_sliders() -> list[SliderSpec]:
    """Sliders for the scalar policy levers, from the registry's ranges and meanings."""
    out = []
    for p in _params.LEVERS.values():
        label = f"{'Russia: ' if p.section == 'russia' else ''}{p.description}"
        key = f"{p.section}.{p.field}"
        out.append(SliderSpec(key, label, p.low, p.high, nice_step(p.low, p.high), p.source))
    return out


def parameter_slider(name: str) -> SliderSpec:
    """A slider for one registry parameter, with its range and unit."""
    if name not in _params.PARAMETERS:
        raise KeyError(f"unknown parameter {name!r}{_params.suggest(name, _params.PARAMETERS)}")
    p = _params.PARAMETERS[name]
    step = 1.0 if p.integer else nice_step(p.low, p.high)
    return SliderSpec(name, f"{name} ({p.unit})", p.low, p.high, step, p.description)


def dcb_candidates() -> list[str]:
    """Partners that can receive DCB: the roster's non-NATO states of the region."""
    table = load_roster().table
    keep = (table.on_grid == 1) & (table.nato != 1) & (table.index != "RUS")
    return sorted(table.index[keep])


def next_summit_index(sc: Scenario) -> int | None:
    """The first summit of the run (the one the "invite to the next summit" levers edit)."""
    dated = [(s.date, i) for i, s in enumerate(sc.policy.summits) if s.date >= sc.start]
    return min(dated)[1] if dated else None


def invited(sc: Scenario, group: str) -> bool:
    """Whether the next summit invites a partnership framework (by group or all members)."""
    i = next_summit_index(sc)
    if i is None:
        return False
    invite = set(sc.policy.summits[i].invite)
    members = set(load_roster().groups()[group])
    return group in invite or members <= invite


@dataclass
class Levers:
    """What the sidebar sets, as plain values (a snapshot of one scenario's levers)."""

    sliders: dict[str, float]
    naval: dict[str, float]
    invite: dict[str, bool]
    dcb_partner: str | None = None

    @classmethod
    def of(cls, sc: Scenario) -> Levers:
        sliders = {}
        for section, name in SLIDER_LEVERS:
            sliders[f"{section}.{name}"] = float(getattr(getattr(sc, section), name))
        naval = {z: float(sc.policy.naval_presence.get(z, 0.0)) for z in SEA_ZONES}
        return cls(sliders, naval, {g: invited(sc, g) for g in FRAMEWORK_GROUPS})


def apply_levers(sc: Scenario, levers: Levers, parameters: dict[str, float]) -> Scenario:
    """The scenario with the levers and parameter overrides written in (validated).

    Raises:
        sim.scenario.ScenarioError: if a value is outside what the schema allows.
    """
    data = sc.model_dump()
    for key, value in levers.sliders.items():
        section, name = key.split(".")
        data[section][name] = value
    # zones the scenario leaves out stay out unless given a presence
    data["policy"]["naval_presence"] = {
        z: v for z, v in levers.naval.items() if v > 0 or z in sc.policy.naval_presence
    }
    i = next_summit_index(sc)
    if i is not None:
        groups = load_roster().groups()
        invite = list(data["policy"]["summits"][i]["invite"])
        for group, on in levers.invite.items():
            members = set(groups[group])
            invite = [c for c in invite if c != group and c not in members]
            if on:
                invite.append(group)
        data["policy"]["summits"][i]["invite"] = invite
    if levers.dcb_partner:
        extra = DCBPackage(partner=levers.dcb_partner, start=sc.start)
        data["policy"]["dcb"] = [*data["policy"]["dcb"], extra.model_dump()]
    data["parameters"] = {**sc.parameters, **parameters}
    return Scenario.from_dict(data, path=sc.source_path or "<scenario>")


@dataclass
class Frame:
    """One picture of the run: PNG bytes of the map and charts, and what it took."""

    date: str
    month_index: int
    map_png: bytes
    charts_png: bytes
    events: list[dict]
    render_ms: float


@dataclass
class Session:
    """The run behind one browser tab.

    Args:
        scenario: a shipped scenario name or a YAML path.
        seed: the run's seed (default: the scenario's).
    """

    scenario: str = library.DEFAULT
    seed: int | None = None
    layer: str = "alignment"
    levers: Levers | None = None
    parameters: dict[str, float] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        self.base = library.load(self.scenario)
        if self.seed is None:
            self.seed = self.base.seed
        if self.levers is None:
            self.levers = Levers.of(self.base)
        self._maps: dict[str, MapRenderer] = {}
        self._charts: ChartRenderer | None = None
        self.step_ms: list[float] = []
        self.reset()

    # -- choices -------------------------------------------------------------------------
    def choose_scenario(self, name: str) -> None:
        """Load another scenario: its own levers, the UI's parameter overrides are dropped."""
        with self.lock:
            self.base = library.load(name)
            self.scenario = name
            self.seed = self.base.seed
            self.levers = Levers.of(self.base)
            self.parameters = {}
            self.reset()

    def set_layer(self, name: str) -> None:
        if name not in LAYERS:
            raise ValueError(f"unknown layer {name!r}; allowed: {', '.join(LAYERS)}")
        self.layer = name

    @property
    def spec(self) -> Scenario:
        """The scenario the current model runs (the base with the levers applied)."""
        return self.model.spec

    # -- the run -------------------------------------------------------------------------
    def reset(self) -> None:
        """A fresh model from the scenario with the current levers, parameters and seed."""
        with self.lock:
            spec = apply_levers(self.base, self.levers, self.parameters)
            self.model = SouthernFlankModel(spec, seed=self.seed)
            start, end = format_month(spec.start), format_month(spec.end)
            if self._charts is None or self._chart_span != (start, end):
                self._charts = ChartRenderer(start, end)
                self._chart_span = (start, end)

    @property
    def running(self) -> bool:
        return bool(self.model.running)

    def step(self, n: int = 1) -> bool:
        """Advance n months (fewer at the end of the run); returns whether it can go on."""
        with self.lock:
            for _ in range(n):
                if not self.model.running:
                    break
                t0 = time.perf_counter()
                self.model.step()
                self.step_ms.append((time.perf_counter() - t0) * 1000)
            return self.running

    # -- what the run is ---------------------------------------------------------------
    def changes(self) -> list[Difference]:
        """How the running scenario differs from the scenario chosen (levers, parameters
        applied on Reset); empty when it runs as its file says."""
        return differences(self.base, self.spec)

    def title(self) -> str:
        """The header's name of the run: the scenario, and "modified" when levers or
        parameters changed it."""
        name = display_name(self.scenario)
        n = len(self.changes())
        return f"{name} (modified: {n} change{'s' if n != 1 else ''})" if n else name

    def reference(self) -> tuple[str, Scenario] | None:
        """What the charts' dashed line shows: the chosen scenario as its file says when
        the levers changed it, else the current-course baseline (None when that is the
        run itself)."""
        if self.changes():
            return f"{display_name(self.scenario)} as filed", self.base
        if self.spec.name == library.DEFAULT:
            return None
        default = library.default_scenario()
        if (default.start, default.months) != (self.spec.start, self.spec.months):
            return None  # runs of other months do not pair month by month
        return default.name, default

    def reference_monthly(self):
        """The reference run's monthly table (same seed), computed once per scenario
        content and seed; None when there is no reference."""
        ref = self.reference()
        if ref is None:
            return None, None
        label, sc = ref
        key = (sc.content_hash(), self.model.seed)
        if key not in _REFERENCE_RUNS:
            if len(_REFERENCE_RUNS) >= REFERENCE_RUNS_KEPT:
                _REFERENCE_RUNS.pop(next(iter(_REFERENCE_RUNS)))
            _REFERENCE_RUNS[key] = simulate(sc, seed=self.model.seed).monthly
        return label, _REFERENCE_RUNS[key]

    def events(
        self, kinds: list[str] | None = None, actor: str | None = None, n: int = EVENTS_SHOWN
    ) -> list[dict]:
        """The latest `n` events of the run, newest first, of the given kinds (all when
        None) and about one actor (every actor when None)."""
        keep = None if kinds is None else set(kinds)
        out = []
        for e in reversed(self.model.state.events):
            if keep is not None and e.get("kind") not in keep:
                continue
            if actor and e.get("iso3") != actor:
                continue
            out.append(e)
            if len(out) >= n:
                break
        return out

    def event_kinds(self) -> list[str]:
        """The kinds of event logged so far, sorted."""
        return sorted({e.get("kind", "") for e in self.model.state.events})

    def scenario_yaml(self, name: str | None = None) -> str:
        """The running scenario (levers and parameters applied) as a scenario file that
        `southflank validate` accepts and `southflank run` runs to the same numbers."""
        sc = self.spec
        data = sc.model_dump(mode="json", exclude_none=True)
        changed = [d.field for d in self.changes()]
        data["name"] = name or (f"{sc.name}_modified" if changed else sc.name)
        header = [
            f"# Saved from the live map: {display_name(self.scenario)}"
            + (f" with {', '.join(changed)} changed" if changed else ""),
            f"# seed of the run shown: {self.model.seed}",
        ]
        body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return "\n".join(header) + "\n" + body

    def map_renderer(self) -> MapRenderer:
        """The map drawer of the current layer (one per layer, kept)."""
        renderer = self._maps.get(self.layer)
        if renderer is None:
            renderer = self._maps[self.layer] = MapRenderer(self.layer)
        return renderer

    def frame(self) -> Frame:
        """The pictures of the current month."""
        with self.lock:
            t0 = time.perf_counter()
            map_png = self.map_renderer().render(self.model)
            label, ref = self.reference_monthly()
            self._charts.set_reference(ref, label)
            charts_png = self._charts.render(self.model.datacollector.get_model_vars_dataframe())
            events = self.events()
            return Frame(
                date=self.model.date,
                month_index=self.model.state.month - self.model.spec.start,
                map_png=map_png,
                charts_png=charts_png,
                events=events,
                render_ms=(time.perf_counter() - t0) * 1000,
            )


# Reference runs by (scenario content hash, seed): shared by the tabs of one server.
_REFERENCE_RUNS: dict[tuple[str, int], object] = {}
REFERENCE_RUNS_KEPT = 16


def initial_scenario() -> str:
    """The scenario a new browser tab opens: `southflank viz SCENARIO` passes it in the
    SOUTHFLANK_VIZ_SCENARIO environment variable; the baseline otherwise."""
    import os

    return os.environ.get("SOUTHFLANK_VIZ_SCENARIO") or library.DEFAULT


def initial_settings() -> dict[str, float]:
    """The ``--set`` values of `southflank viz` (SOUTHFLANK_VIZ_SET, JSON): a new tab
    starts with them applied, shown as changes from the scenario file."""
    import json
    import os

    return json.loads(os.environ.get("SOUTHFLANK_VIZ_SET") or "{}")


def new_session(scenario: str, settings: dict[str, float]) -> Session:
    """A session of the scenario with registry settings applied: parameters as the
    page's parameter overrides, levers as the sliders' values."""
    session = Session(scenario)
    params = {n: v for n, v in settings.items() if n not in _params.LEVERS}
    for name, value in settings.items():
        if name in _params.LEVERS:
            p = _params.LEVERS[name]
            session.levers.sliders[f"{p.section}.{p.field}"] = float(value)
    if settings:
        session.parameters = params
        session.reset()
    return session


def scenario_choices(current: str) -> list[str]:
    """The shipped scenarios, plus the current one if it is a file of the user's."""
    names = library.names()
    if current not in names:
        names = [current, *names]
    return names


def display_name(choice: str) -> str:
    return Path(choice).stem if choice.endswith((".yaml", ".yml")) else choice
