"""The run's state: one numpy array per variable, one entry per actor.

Mechanisms are vectorised functions of this state (see sim/mechanisms), so a month
costs a few hundred array operations on ~50 entries whatever the policy. Agents
(sim/agents.py) are views onto these arrays. `build_state` sets the initial
conditions from the roster data of the scenario's start year and the registry.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace

import numpy as np

from .calendar import format_month, parse_month, year_of
from .geography import load_region
from .roster import REGIMES, SUBREGIONS, Roster, load_roster, load_table
from .scenario import LEVERS, SEA_ZONES, Scenario

CENTRAL_SAHEL = ("MLI", "BFA", "NER")
CLOSE_TO_RUSSIA = ("DZA", "EGY")  # named by the source analysis
NON_ACTORS = ("RUS", "XNA")  # act, but hold no state of a country of the region
ALLIES = ("ally_south", "ally_offgrid")


@dataclass
class Base:
    """A Russian base or basing talk at a named site."""

    site: str
    host: int
    kind: str
    zone: str
    status: str
    since: int | None = None


@dataclass
class State:
    """All that changes during a run, plus the static tables the mechanisms need."""

    codes: tuple[str, ...]
    month: int
    start: int
    # static per actor
    population: np.ndarray
    kind: np.ndarray
    subregion: np.ndarray
    on_grid: np.ndarray
    region_member: np.ndarray  # on-grid non-NATO states: where influence is contested
    ally_south: np.ndarray
    md: np.ndarray
    ici: np.ndarray
    capacity_struct: np.ndarray
    strategic_value: np.ndarray
    adjacency: np.ndarray  # row-normalised neighbour matrix
    neighbours: np.ndarray  # 0/1 neighbour matrix
    friction: np.ndarray  # friction[a, b]
    # dynamic per actor
    trust: np.ndarray
    capacity: np.ndarray
    grievance: np.ndarray
    jihad: np.ndarray
    ties: np.ndarray
    rpres: np.ndarray
    wpres: np.ndarray
    wpres_target: np.ndarray
    conflict: np.ndarray
    coup_memory: np.ndarray
    hostility: np.ndarray
    regime: np.ndarray  # index into REGIMES
    bloc: np.ndarray
    migration_deal: np.ndarray
    dcb_intensity: np.ndarray
    dcb_pipeline: np.ndarray
    nato_inf: np.ndarray
    russia_inf: np.ndarray
    alignment: np.ndarray
    stability: np.ndarray
    satisfaction: np.ndarray
    threat: np.ndarray
    milex: np.ndarray
    # sea
    zones: tuple[str, ...]
    nato_naval: np.ndarray
    russia_naval: np.ndarray
    coastal: np.ndarray  # coastal[actor, zone] 0/1
    bases: list[Base]
    # leverage tables
    route_names: tuple[str, ...]
    route_dest: tuple[str, ...]
    route_base: np.ndarray  # arrivals per month on each route in the base year
    route_share: np.ndarray  # [route, actor] share of departures
    material_weight: np.ndarray  # per actor: share-weighted importance as a producer
    # scenario schedule and switches
    scenario: Scenario
    levers: SimpleNamespace = field(default_factory=SimpleNamespace)
    endogenous_coups: bool = True
    security_deployments: bool = True
    deploy_allowed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # per-step outputs
    coups_this_month: int = 0
    coup_risk: np.ndarray = field(default_factory=lambda: np.zeros(0))  # coups.apply
    incidents: np.ndarray = field(default_factory=lambda: np.zeros(0))
    spending_musd: float = 0.0
    engagement: float = 0.0
    migration: np.ndarray = field(default_factory=lambda: np.zeros(0))
    departures: np.ndarray = field(default_factory=lambda: np.zeros(0))
    material_risk: float = 0.0
    invited_this_month: tuple[str, ...] = ()
    events: list[dict] = field(default_factory=list)
    # derived tables, filled by build_state
    openness: np.ndarray = field(default_factory=lambda: np.zeros(0))
    authoritarian: np.ndarray = field(default_factory=lambda: np.zeros(0))
    coup_regime_term: np.ndarray = field(default_factory=lambda: np.zeros(0))
    military: int = 4
    coup_decay: float = 1.0
    invite_memory: float = 1.0
    invited_recent: np.ndarray = field(default_factory=lambda: np.zeros(0))
    russia_alloc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ties_floor: np.ndarray = field(default_factory=lambda: np.zeros(0))
    camp: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    camp_anchor: np.ndarray = field(default_factory=lambda: np.zeros((4, 0)))
    incident_memory: np.ndarray = field(default_factory=lambda: np.zeros(0))
    route_push0: np.ndarray = field(default_factory=lambda: np.ones(0))
    scheduled: dict[int, list] = field(default_factory=dict)
    summits: dict[int, tuple] = field(default_factory=dict)
    dcb_plan: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    dcb_friction: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    subregion_index: dict[str, np.ndarray] = field(default_factory=dict)
    central_med: int = 0
    central_sahel: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    # initial jihadism: observed deaths per million per year (NaN: none in the roster) and
    # the registry's deaths per million per year at activity 1 (sim.model._initialise)
    jihad_observed: np.ndarray = field(default_factory=lambda: np.zeros(0))
    jihad_deaths_full: float = 1.0
    jihad_drift: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n(self) -> int:
        return len(self.codes)

    def index(self, code: str) -> int:
        return self.codes.index(code)

    @property
    def date(self) -> str:
        return format_month(self.month)

    @property
    def year(self) -> int:
        return year_of(self.month)

    def log(self, kind: str, code: str | None, mechanism: str, cause: str, **detail) -> None:
        """Record an event with its cause: the answer to 'why did this happen?'."""
        self.events.append(
            {
                "date": self.date,
                "kind": kind,
                "iso3": code or "",
                "mechanism": mechanism,
                "cause": cause,
                **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in detail.items()},
            }
        )


def regime_index(name: str) -> int:
    return REGIMES.index(name)


def _capacity(fsi: np.ndarray, p) -> np.ndarray:
    cap = (p.capacity_fsi_worst - fsi) / (p.capacity_fsi_worst - p.capacity_fsi_best)
    return np.clip(np.nan_to_num(cap, nan=1.0), 0.0, 1.0)


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of one mechanism: independent of every other mechanism's draws,
    so two scenarios run with one seed face the same shocks (common random numbers)."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),))
    )


@cache
def _tables(start: int) -> SimpleNamespace:
    """Everything the initial state takes from the data files for a start month.

    Cached: a batch builds thousands of runs from one start month, and these tables
    depend on no parameter. The arrays are read-only; `build_state` copies the ones
    that change during a run.
    """
    roster, region = load_roster(), load_region()
    t = roster.table
    codes = tuple(t.index)
    n = len(codes)
    code_arr = np.array(codes)
    early = year_of(start) < 2022  # the 2019 columns describe a replay's start
    col = "2019" if early else "2025"
    nato = t.nato.to_numpy(dtype=int, copy=True) == 1
    on_grid = t.on_grid.to_numpy(dtype=int, copy=True) == 1
    mnna = t.us_mnna_year.notna().to_numpy(copy=True)
    if early:
        mnna &= t.us_mnna_year.fillna(9999).to_numpy(dtype=float, copy=True) <= 2019
    wpres = t[f"western_presence_{col}"].fillna(0).to_numpy(dtype=float, copy=True)
    idx = {c: i for i, c in enumerate(codes)}

    # neighbours from the grid (Moore adjacency of cells), restricted to actors
    neighbours = np.zeros((n, n))
    for c, others in region.neighbours().items():
        for o in others:
            if c in idx and o in idx:
                neighbours[idx[c], idx[o]] = 1.0
    deg = neighbours.sum(axis=1, keepdims=True)
    adjacency = np.divide(neighbours, deg, out=np.zeros_like(neighbours), where=deg > 0)

    coastal = np.zeros((n, len(SEA_ZONES)))
    for c, zs in region.coastal_zones().items():
        for z in zs:
            if c in idx and z in SEA_ZONES:
                coastal[idx[c], SEA_ZONES.index(z)] = 1.0

    friction = np.zeros((n, n))
    for row in roster.frictions.itertuples():
        if row.a in idx and row.b in idx:
            level = roster.friction_between(row.a, row.b, start)
            friction[idx[row.a], idx[row.b]] = friction[idx[row.b], idx[row.a]] = level

    routes = load_table("migration_routes.csv")
    route_names = tuple(dict.fromkeys(routes.route))
    route_dest = tuple(routes.groupby("route", sort=False).destination.first()[list(route_names)])
    base_col = "arrivals_2019" if early else "arrivals_2024"
    route_base = np.array(
        [routes[routes.route == r][base_col].astype(float).max() / 12.0 for r in route_names]
    )
    route_share = np.zeros((len(route_names), n))
    for row in routes.itertuples():
        if row.transit in idx:
            route_share[route_names.index(row.route), idx[row.transit]] += float(row.share)
    material_weight = np.zeros(n)
    for row in load_table("resources.csv").itertuples():
        # only a producer's share (%) of an EU supply line counts; other rows are context
        if row.producer in idx and row.indicator.startswith("share_of_eu_"):
            material_weight[idx[row.producer]] += float(row.value) / 100.0
    if material_weight.sum() > 0:
        material_weight /= material_weight.sum()
    base_rows = list(load_table("bases.csv").itertuples())
    strategic = np.clip(
        (route_share.sum(axis=0) > 0) * 0.5
        + (material_weight > 0) * 0.5
        + np.isin(code_arr, [r.host for r in base_rows]) * 0.5,
        0.0,
        1.0,
    )
    # observed jihadist violence: terrorism deaths per million inhabitants in the start
    # year's column (2019 for a replay, 2024 otherwise); NaN where the roster has none
    deaths = t[f"jihadist_deaths_{'2019' if early else '2024'}"].to_numpy(dtype=float, copy=True)
    pop = t.population_m.to_numpy(dtype=float, copy=True)
    jihad_observed = np.divide(deaths, pop, out=np.full(n, np.nan), where=pop > 0)
    out = SimpleNamespace(
        codes=codes,
        early=early,
        jihad_observed=jihad_observed,
        fsi=t[f"fsi_{col if early else '2024'}"].to_numpy(dtype=float, copy=True),
        regimes=np.array(
            [regime_index(r) if isinstance(r, str) else 0 for r in t[f"regime_{col}"]]
        ),
        kind=t.kind.to_numpy(str),
        subregion=t.subregion.to_numpy(str),
        population=t.population_m.fillna(0).to_numpy(dtype=float, copy=True),
        milex=t.milex_pct_gdp.fillna(0).to_numpy(dtype=float, copy=True),
        nato=nato,
        on_grid=on_grid,
        region_member=on_grid & ~nato & ~np.isin(code_arr, NON_ACTORS),
        md=t.md_year.notna().to_numpy(),
        ici=t.ici_year.notna().to_numpy(),
        mnna=mnna,
        close_to_russia=np.isin(code_arr, CLOSE_TO_RUSSIA),
        aes=(t.aes.to_numpy(dtype=int, copy=True) == 1) & (not early),
        rpres=t[f"russia_presence_{col}"].fillna(0).to_numpy(dtype=float, copy=True),
        wpres=np.where(nato, 1.0, wpres),
        neighbours=neighbours,
        adjacency=adjacency,
        coastal=coastal,
        friction=friction,
        route_names=route_names,
        route_dest=route_dest,
        route_base=route_base,
        route_share=route_share,
        material_weight=material_weight,
        strategic=strategic,
        base_rows=base_rows,
        idx=idx,
    )
    for value in vars(out).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return out


def build_state(scenario: Scenario, p) -> State:
    """Initial conditions for a scenario: roster data of the start year, registry values."""
    T = _tables(scenario.start)
    codes, n, idx = T.codes, len(T.codes), T.idx
    nato = T.nato
    capacity = _capacity(T.fsi, p)
    military = T.regimes == regime_index("military")
    trust = np.where(T.md | T.ici, p.trust_init_partner, p.trust_init_other)
    trust = trust + np.where(T.mnna, p.trust_init_mnna_bonus, 0.0)
    trust = trust - np.where(military, p.trust_init_military_penalty, 0.0)
    trust = np.where(nato, 1.0, np.clip(trust, 0.0, 1.0))
    ties = p.ties_base + p.ties_from_presence * T.rpres
    ties = ties + np.where(T.close_to_russia, p.ties_arms_client_bonus, 0.0)
    ties = np.where(nato, 0.0, np.clip(ties, 0.0, 1.0))
    rpres, wpres = T.rpres.copy(), T.wpres.copy()
    kind = T.kind
    zones = SEA_ZONES
    pol = scenario.policy
    nato_naval = np.array([pol.naval_presence.get(z, 0.0) for z in zones])
    bases = []
    for row in T.base_rows:
        status = scenario.russia.bases.get(row.site) or _initial_base_status(row, scenario.start)
        since = scenario.start if status == "open" else None
        bases.append(Base(row.site, idx[row.host], row.kind, row.zone, status, since))
    roster = load_roster()
    route_names, route_dest = T.route_names, T.route_dest
    route_base, route_share, material_weight = T.route_base, T.route_share, T.material_weight
    strategic, neighbours, adjacency, coastal = T.strategic, T.neighbours, T.adjacency, T.coastal
    friction = T.friction.copy()
    regimes = T.regimes.copy()
    on_grid, region_member, md, ici = T.on_grid, T.region_member, T.md, T.ici

    s = State(
        codes=codes,
        month=scenario.start,
        start=scenario.start,
        population=T.population,
        kind=kind,
        subregion=T.subregion,
        on_grid=on_grid,
        region_member=region_member,
        ally_south=kind == "ally_south",
        md=md,
        ici=ici,
        capacity_struct=capacity.copy(),
        strategic_value=strategic,
        adjacency=adjacency,
        neighbours=neighbours,
        friction=friction,
        trust=trust,
        capacity=capacity,
        grievance=np.zeros(n),
        jihad=np.zeros(n),
        ties=ties,
        rpres=rpres,
        wpres=wpres,
        wpres_target=wpres.copy(),
        conflict=np.zeros(n),
        coup_memory=np.zeros(n),
        hostility=np.where(
            military & (wpres == 0) & (rpres > 0),
            min(p.hostility_mean + p.hostility_spread, 1.0),
            0.0,
        ),
        regime=regimes,
        bloc=T.aes.copy(),
        migration_deal=np.zeros(n),
        dcb_intensity=np.zeros(n),
        dcb_pipeline=np.zeros(n),
        nato_inf=np.zeros(n),
        russia_inf=np.zeros(n),
        alignment=np.zeros(n),
        stability=capacity.copy(),
        satisfaction=np.where(nato & np.isin(kind, ALLIES), p.satisfaction_base, np.nan),
        threat=np.zeros(n),
        milex=T.milex.copy(),
        zones=zones,
        nato_naval=nato_naval,
        russia_naval=np.zeros(len(zones)),
        coastal=coastal,
        bases=bases,
        route_names=route_names,
        route_dest=route_dest,
        route_base=route_base,
        route_share=route_share,
        material_weight=material_weight,
        scenario=scenario,
        levers=SimpleNamespace(**{k: getattr(pol, k) for k in LEVERS}),
        endogenous_coups=scenario.endogenous_coups,
        security_deployments=scenario.russia.security_deployments,
        deploy_allowed=~np.isin(np.array(codes), scenario.russia.denied),
        incidents=np.zeros(len(zones)),
        migration=np.zeros(len(route_names)),
        departures=np.zeros(n),
    )
    s.subregion_index = {sub: np.flatnonzero(s.subregion == sub) for sub in SUBREGIONS}
    s.central_sahel = np.array([idx[c] for c in CENTRAL_SAHEL if c in idx])
    s.jihad_observed = T.jihad_observed
    s.jihad_deaths_full = p.jihad_deaths_full
    s.openness = np.array([getattr(p, f"openness_{r}") for r in REGIMES])
    s.authoritarian = np.array([getattr(p, f"authoritarian_{r}") for r in REGIMES])
    s.military = regime_index("military")
    s.invited_recent = np.zeros(n)
    s.russia_alloc = np.zeros(n)
    s.ties_floor = ties.copy()
    s.incident_memory = np.zeros(len(zones))
    _compile_schedule(s, scenario, roster)
    return s


def _compile_schedule(s: State, scenario: Scenario, roster: Roster) -> None:
    """Turn the scenario's dated lists into per-month lookups and arrays."""
    for ev in scenario.events:
        s.scheduled.setdefault(ev.date, []).append(ev)
    for change in scenario.policy.changes:
        s.scheduled.setdefault(change.date, []).append(change)
    for summit in scenario.policy.summits:
        invited = np.isin(np.array(s.codes), roster.expand(summit.invite))
        host = s.index(summit.host) if summit.host else None
        s.summits[summit.date] = (host, invited)
    s.dcb_plan = np.zeros((scenario.months, s.n))
    s.dcb_friction = np.zeros((scenario.months, s.n))
    for pkg in scenario.policy.dcb:
        i = s.index(pkg.partner)
        a, b = (
            pkg.start - scenario.start,
            min(pkg.start - scenario.start + pkg.months, scenario.months),
        )
        s.dcb_plan[a:b, i] += pkg.intensity
        if pkg.lead:
            s.dcb_friction[a:b, i] = np.maximum(
                s.dcb_friction[a:b, i], s.friction[s.index(pkg.lead), i]
            )


def _initial_base_status(row, start: int) -> str:
    """A site's status at the start month, from the dated columns of sim/data/bases.csv."""

    def since(col: str) -> bool:
        value = getattr(row, col)
        return isinstance(value, str) and parse_month(value) <= start

    if since("closed_from"):
        return "negotiating" if since("negotiating_from") else "closed"
    if since("open_from"):
        return "open"
    return "negotiating" if since("negotiating_from") else "none"
