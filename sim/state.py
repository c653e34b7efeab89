"""The run's state: one numpy array per variable, one entry per actor.

Mechanisms are vectorised functions of this state (see sim/mechanisms), so a month
costs a few hundred array operations on ~50 entries whatever the policy. Agents
(sim/agents.py) are views onto these arrays. `build_state` sets the initial
conditions from the roster data of the scenario's start year and the registry.
"""

from __future__ import annotations

import zlib
from dataclasses import MISSING, dataclass, field
from dataclasses import fields as dc_fields
from functools import cache
from types import SimpleNamespace
from typing import Any

import numpy as np

from .calendar import format_month, parse_month, year_of
from .geography import load_region
from .params import LEVERS, Levers
from .roster import REGIMES, SUBREGIONS, Roster, load_roster, load_table
from .scenario import SEA_ZONES, Scenario

CENTRAL_SAHEL = ("MLI", "BFA", "NER")
# the evidence windows each start may use (docs/history/data_split.md)
ARMS_PERIOD = {"2019": "2014-2018", "2025": "2019-2023"}
ALIGNMENT_VOTE = "68/262"  # UNGA 2014, allowed for both starts; ES-11 votes only judge
NON_ACTORS = ("RUS", "XNA")  # act, but hold no state of a country of the region


@dataclass
class Base:
    """A Russian base or basing talk at a named site."""

    site: str
    host: int
    kind: str
    zone: str
    status: str
    since: int | None = None


KINDS = ("static", "derived", "dynamic", "output", "private")
"""What a State field is: ``static`` input (data and scenario, never changes in a run);
``derived`` constant (computed once at the start); ``dynamic`` (carried from month to
month); ``output`` (overwritten each month, read by later mechanisms or the recorder);
``private`` (the mechanisms' own typed sub-states, keyed by mechanism name)."""

SHAPES = (
    "scalar",
    "actor",
    "actor*actor",
    "actor*zone",
    "zone",
    "route",
    "route*actor",
    "site",
    "month*actor",
    "mapping",
    "log",
)
"""The shape of a field: one value, one per actor, per actor pair, per sea zone, per
migration route, per base site, per month of the run and actor, a lookup, or the log."""


def _f(kind: str, shape: str, default: Any = MISSING, factory: Any = MISSING) -> Any:
    """A declared State field: its kind and shape travel with it (``State.fields()``)."""
    meta = {"kind": kind, "shape": shape}
    if factory is not MISSING:
        return field(default_factory=factory, metadata=meta)
    if default is not MISSING:
        return field(default=default, metadata=meta)
    return field(metadata=meta)


def _zeros() -> np.ndarray:
    return np.zeros(0)


@dataclass(slots=True, eq=False)
class State:
    """All that changes during a run, plus the static tables the mechanisms need.

    A closed contract: every field a mechanism reads or writes is declared here with its
    kind and shape (`State.fields()`); slots make an undeclared attribute an error.
    Values a single mechanism keeps for itself live in that mechanism's own typed
    sub-state, ``private[NAME]`` (sim.mechanisms.<name>.Private).
    """

    codes: tuple[str, ...] = _f("static", "actor")
    month: int = _f("dynamic", "scalar")
    start: int = _f("static", "scalar")
    # static per actor
    population: np.ndarray = _f("static", "actor")
    kind: np.ndarray = _f("static", "actor")
    subregion: np.ndarray = _f("static", "actor")
    on_grid: np.ndarray = _f("static", "actor")
    nato: np.ndarray = _f("static", "actor")
    region_member: np.ndarray = _f("static", "actor")  # on-grid non-NATO: contested
    ally_south: np.ndarray = _f("static", "actor")
    md: np.ndarray = _f("static", "actor")
    ici: np.ndarray = _f("static", "actor")
    mnna: np.ndarray = _f("static", "actor")  # US major non-NATO allies at the start
    arms_nato: np.ndarray = _f("static", "actor")  # share of arms imports from NATO states
    arms_russia: np.ndarray = _f("static", "actor")  # share of arms imports from Russia
    arms_volume: np.ndarray = _f("static", "actor")  # the imports' volume, million TIV
    vote_262: np.ndarray = _f("static", "actor")  # UNGA 68/262: +1 yes, -1 no, 0 other
    ended_basing: np.ndarray = _f("static", "actor")  # 1: ended Western basing before start
    coup_record: np.ndarray = _f("static", "actor")  # coup attempts 2009-2018
    fsi: np.ndarray = _f("static", "actor")  # Fragile States Index at the start
    base_host: np.ndarray = _f("static", "actor")  # hosts a site of sim/data/bases.csv
    adjacency: np.ndarray = _f("static", "actor*actor")  # row-normalised neighbours
    neighbours: np.ndarray = _f("static", "actor*actor")  # 0/1 neighbour matrix
    jihad_observed: np.ndarray = _f("static", "actor")  # deaths per million (NaN: none)
    deploy_allowed: np.ndarray = _f("static", "actor")  # scenario russia.denied
    # scenario switches
    endogenous_coups: bool = _f("static", "scalar", True)
    stochastic: bool = _f("static", "scalar", True)  # False: no random events at all
    security_deployments: bool = _f("static", "scalar", True)
    # dynamic per actor
    trust: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    capacity: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    capacity_struct: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    grievance: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    jihad: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    ties: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    rpres: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    wpres: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    wpres_target: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    conflict: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    coup_memory: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    hostility: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    regime: np.ndarray = _f("dynamic", "actor", factory=_zeros)  # index into REGIMES
    junta_since: np.ndarray = _f("dynamic", "actor", factory=_zeros)  # month of takeover
    political_change: np.ndarray = _f("dynamic", "actor", factory=_zeros)  # its month
    political_cause: np.ndarray = _f("dynamic", "actor", factory=_zeros)  # what it was
    bloc: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    migration_deal: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    dcb_intensity: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    dcb_pipeline: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    invited_recent: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    nato_inf: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    russia_inf: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    alignment: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    camp: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    stability: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    satisfaction: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    threat: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    milex: np.ndarray = _f("dynamic", "actor", factory=_zeros)
    friction: np.ndarray = _f("dynamic", "actor*actor", factory=_zeros)  # friction[a, b]
    levers: Levers | None = _f("dynamic", "scalar", None)  # type: ignore[valid-type]
    # sea
    zones: tuple[str, ...] = _f("static", "zone", ())
    coastal: np.ndarray = _f("static", "actor*zone", factory=_zeros)  # 0/1
    nato_naval: np.ndarray = _f("dynamic", "zone", factory=_zeros)
    russia_naval: np.ndarray = _f("output", "zone", factory=_zeros)
    bases: list[Base] = _f("dynamic", "site", factory=list)
    # leverage tables
    route_names: tuple[str, ...] = _f("static", "route", ())
    route_dest: tuple[str, ...] = _f("static", "route", ())
    route_base: np.ndarray = _f("static", "route", factory=_zeros)  # arrivals/month, base year
    route_share: np.ndarray = _f("static", "route*actor", factory=_zeros)
    material_weight: np.ndarray = _f("static", "actor", factory=_zeros)
    # the scenario's schedule
    scheduled: dict[int, list] = _f("static", "mapping", factory=dict)
    summits: dict[int, tuple] = _f("static", "mapping", factory=dict)
    dcb_plan: np.ndarray = _f("static", "month*actor", factory=_zeros)
    dcb_friction: np.ndarray = _f("static", "month*actor", factory=_zeros)
    # derived constants
    military: int = _f("derived", "scalar", 4)  # REGIMES index of military rule
    monarchy: int = _f("derived", "scalar", 2)  # REGIMES index of monarchy
    subregion_index: dict[str, np.ndarray] = _f("derived", "mapping", factory=dict)
    central_sahel: np.ndarray = _f("derived", "actor", factory=_zeros)  # indices
    jihad_prior: np.ndarray = _f("derived", "actor", factory=_zeros)  # year before start
    strategic_value: np.ndarray = _f("derived", "actor", factory=_zeros)  # to Russia
    # per-step outputs
    coups_this_month: int = _f("output", "scalar", 0)
    coup_risk: np.ndarray = _f("output", "actor", factory=_zeros)
    incidents: np.ndarray = _f("output", "zone", factory=_zeros)
    spending_musd: float = _f("output", "scalar", 0.0)
    engagement: float = _f("output", "scalar", 0.0)
    migration: np.ndarray = _f("output", "route", factory=_zeros)
    departures: np.ndarray = _f("output", "actor", factory=_zeros)
    material_risk: float = _f("output", "scalar", 0.0)
    russia_alloc: np.ndarray = _f("output", "actor", factory=_zeros)
    events: list[dict] = _f("output", "log", factory=list)
    # the mechanisms' own sub-states
    private: dict[str, Any] = _f("private", "mapping", factory=dict)

    @classmethod
    def fields(cls) -> dict[str, tuple[str, str]]:
        """Every declared field: name -> (kind, shape)."""
        return {f.name: (f.metadata["kind"], f.metadata["shape"]) for f in dc_fields(cls)}

    @classmethod
    def blank(
        cls,
        codes: tuple[str, ...],
        zones: tuple[str, ...] = (),
        routes: tuple[str, ...] = (),
        months: int = 1,
        start: int = 0,
    ) -> State:
        """A State of the given actors with every array zero in its declared shape, so a
        mechanism can be tested alone on a handful of hand-set actors."""
        n, sizes = len(codes), {"actor": len(codes), "zone": len(zones), "route": len(routes)}
        sizes["month"] = months
        values: dict[str, Any] = {"codes": tuple(codes), "month": start, "start": start}
        values |= {"zones": tuple(zones), "route_names": tuple(routes)}
        values["route_dest"] = tuple("" for _ in routes)
        for name, (_, shape) in cls.fields().items():
            if name in values or shape in ("scalar", "mapping", "log", "site"):
                continue
            dims = tuple(sizes[d] for d in shape.split("*"))
            values[name] = np.zeros(dims)
        for name in ("kind", "subregion"):
            values[name] = np.full(n, "", dtype=object)
        for name in ("on_grid", "nato", "region_member", "ally_south", "md", "ici", "mnna"):
            values[name] = np.zeros(n, dtype=bool)
        values["deploy_allowed"] = np.ones(n, dtype=bool)
        values["bloc"] = np.zeros(n, dtype=bool)
        values["regime"] = np.zeros(n, dtype=int)
        values["camp"] = np.zeros(n, dtype=int)
        values["junta_since"] = np.full(n, -(10**6), dtype=np.int64)
        values["political_change"] = np.full(n, -(10**6), dtype=np.int64)
        values["political_cause"] = np.full(n, "", dtype=object)
        values["coup_record"] = np.zeros(n)
        values["jihad_observed"] = np.full(n, np.nan)
        values["jihad_prior"] = np.full(n, np.nan)
        values["central_sahel"] = np.zeros(0, dtype=int)
        return cls(**values)

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


def stream(seed: int, name: str) -> np.random.Generator:
    """The random stream of one mechanism: independent of every other mechanism's draws,
    so two scenarios run with one seed face the same shocks (common random numbers)."""
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),))
    )


def _grid_tables(idx: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(neighbours, adjacency, coastal): Moore adjacency of grid cells restricted to the
    actors, its row-normalised form, and each actor's coasts per sea zone."""
    region, n = load_region(), len(idx)
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
    return neighbours, adjacency, coastal


def _frictions(roster: Roster, idx: dict[str, int], start: int) -> np.ndarray:
    """friction[a, b] at the start month (sim/data/frictions.csv, dated)."""
    friction = np.zeros((len(idx), len(idx)))
    for row in roster.frictions.itertuples():
        if row.a in idx and row.b in idx:
            level = roster.friction_between(row.a, row.b, start)
            friction[idx[row.a], idx[row.b]] = friction[idx[row.b], idx[row.a]] = level
    return friction


def _route_tables(idx: dict[str, int], early: bool) -> SimpleNamespace:
    """Migration routes: names, destinations, base-year arrivals per month and each
    transit state's share of each route (sim/data/migration_routes.csv)."""
    routes = load_table("migration_routes.csv")
    names = tuple(dict.fromkeys(routes.route))
    dest = tuple(routes.groupby("route", sort=False).destination.first()[list(names)])
    base_col = "arrivals_2019" if early else "arrivals_2024"
    base = np.array([routes[routes.route == r][base_col].astype(float).max() / 12.0 for r in names])
    share = np.zeros((len(names), len(idx)))
    for row in routes.itertuples():
        if row.transit in idx:
            share[names.index(row.route), idx[row.transit]] += float(row.share)
    return SimpleNamespace(names=names, dest=dest, base=base, share=share)


def _material_weight(idx: dict[str, int]) -> np.ndarray:
    """Each producer's share-weighted importance for EU raw-material supply lines."""
    weight = np.zeros(len(idx))
    for row in load_table("resources.csv").itertuples():
        # only a producer's share (%) of an EU supply line counts, once per material:
        # by volume (a value share restates the same supply line, Algerian gas); other
        # rows are context
        share = row.indicator.startswith("share_of_eu_")
        if row.producer in idx and share and not row.indicator.endswith("_value_pct"):
            weight[idx[row.producer]] += float(row.value) / 100.0
    return weight / weight.sum() if weight.sum() > 0 else weight


def _alignment_evidence(codes: tuple[str, ...], col: str) -> dict[str, np.ndarray]:
    """The observables trust and ties start from (sim/data/evidence, docs/history/
    data_split.md): SIPRI arms-import shares from NATO states and from Russia over the
    window the start may use, with their volume (few deals are weak evidence); the vote on
    UNGA resolution 68/262; and whether the state ended Western basing before the start.
    No record: 0 (no evidence either way); Libya's UN seat votes for the Tripoli
    government."""
    arms = load_table("evidence/arms_imports.csv")
    arms = arms[arms.period == ARMS_PERIOD[col]].set_index("iso3")
    tiv = arms.notes.str.extract(r"total ([0-9.]+) m TIV", expand=False).astype(float)
    votes = load_table("evidence/unga_votes.csv")
    votes = votes[votes.resolution == ALIGNMENT_VOTE].set_index("iso3").vote
    votes = votes.rename(index={"LBY": "XLW"})
    score = {"yes": 1.0, "no": -1.0}
    start = "2019-01" if col == "2019" else "2025-07"
    changes = load_table("evidence/government_changes.csv")
    changes = changes[changes.date < start]
    ended = (
        changes[
            changes.kind.isin(("rupture", "government_change", "election"))
            & changes.counterpart.isin(("FRA", "USA", "UN", "GBR", "ITA", "ESP"))
        ]
        .iso3.str.split(";")
        .explode()
    )
    wpres = load_roster().table
    left = wpres.western_presence_2019.fillna(0) > wpres[f"western_presence_{col}"].fillna(0)
    out = {
        "arms_nato": np.nan_to_num([float(arms.share_nato.get(c, 0.0)) for c in codes]),
        "arms_russia": np.nan_to_num([float(arms.share_russia.get(c, 0.0)) for c in codes]),
        "arms_volume": np.nan_to_num([float(tiv.get(c, 0.0)) for c in codes]),
        "vote_262": np.array([score.get(votes.get(c, ""), 0.0) for c in codes]),
        "ended_basing": np.array(
            [c in set(ended) and bool(left.get(c, False)) for c in codes], dtype=float
        ),
    }
    # a government that fell with its patron takes its alignment with it: evidence dated
    # before the fall says nothing about its successor (Syria after Assad, 2024-12)
    fell = changes[(changes.kind == "government_change") & (changes.counterpart == "RUS")]
    for code in set(fell.iso3) & set(codes):
        for values in out.values():
            values[codes.index(code)] = 0.0
    return out


@cache
def _tables(start: int) -> SimpleNamespace:
    """Everything the initial state takes from the data files for a start month.

    Cached: a batch builds thousands of runs from one start month, and these tables
    depend on no parameter. The arrays are read-only; `build_state` copies the ones
    that change during a run.
    """
    roster = load_roster()
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
    neighbours, adjacency, coastal = _grid_tables(idx)
    routes = _route_tables(idx, early)
    base_rows = list(load_table("bases.csv").itertuples())
    # observed jihadist violence: terrorism deaths per million inhabitants in the start
    # year's column (2019 for a replay, 2024 otherwise); NaN where the roster has none
    deaths = t[f"jihadist_deaths_{'2019' if early else '2024'}"].to_numpy(dtype=float, copy=True)
    pop = t.population_m.to_numpy(dtype=float, copy=True)
    out = SimpleNamespace(
        codes=codes,
        early=early,
        jihad_observed=np.divide(deaths, pop, out=np.full(n, np.nan), where=pop > 0),
        fsi=t[f"fsi_{col if early else '2024'}"].to_numpy(dtype=float, copy=True),
        regimes=np.array(
            [regime_index(r) if isinstance(r, str) else 0 for r in t[f"regime_{col}"]]
        ),
        kind=t.kind.to_numpy(str),
        subregion=t.subregion.to_numpy(str),
        population=t.population_m.fillna(0).to_numpy(dtype=float, copy=True),
        milex=t.milex_pct_gdp.fillna(0).to_numpy(dtype=float, copy=True),
        # the coup record up to 2018 for both starts (the data split: never a column
        # that counts 2019 or later)
        coup_record=t.coup_attempts_2009_2018.fillna(0).to_numpy(dtype=float, copy=True),
        nato=nato,
        on_grid=on_grid,
        region_member=on_grid & ~nato & ~np.isin(code_arr, NON_ACTORS),
        md=t.md_year.notna().to_numpy(),
        ici=t.ici_year.notna().to_numpy(),
        mnna=mnna,
        **_alignment_evidence(codes, col),
        aes=(t.aes.to_numpy(dtype=int, copy=True) == 1) & (not early),
        rpres=t[f"russia_presence_{col}"].fillna(0).to_numpy(dtype=float, copy=True),
        wpres=np.where(nato, 1.0, wpres),
        neighbours=neighbours,
        adjacency=adjacency,
        coastal=coastal,
        friction=_frictions(roster, idx, start),
        route_names=routes.names,
        route_dest=routes.dest,
        route_base=routes.base,
        route_share=routes.share,
        material_weight=_material_weight(idx),
        base_host=np.isin(code_arr, [r.host for r in base_rows]),
        base_rows=base_rows,
        idx=idx,
    )
    for value in vars(out).values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return out


def build_state(scenario: Scenario) -> State:
    """The state's inputs for a scenario: the roster data of the start year and the
    scenario's settings. Values the registry sets are the mechanisms' own: each
    mechanism's ``initialise`` hook fills them (sim.mechanisms.initialise)."""
    T = _tables(scenario.start)
    codes, n, idx = T.codes, len(T.codes), T.idx
    pol = scenario.policy
    bases = []
    for row in T.base_rows:
        status = scenario.russia.bases.get(row.site) or _initial_base_status(row, scenario.start)
        since = scenario.start if status == "open" else None
        bases.append(Base(row.site, idx[row.host], row.kind, row.zone, status, since))
    lever_values = {p.name: getattr(getattr(scenario, p.section), p.field) for p in LEVERS.values()}
    zones = SEA_ZONES
    s = State(
        codes=codes,
        month=scenario.start,
        start=scenario.start,
        population=T.population,
        kind=T.kind,
        subregion=T.subregion,
        on_grid=T.on_grid,
        nato=T.nato,
        region_member=T.region_member,
        ally_south=T.kind == "ally_south",
        md=T.md,
        ici=T.ici,
        mnna=T.mnna,
        arms_nato=T.arms_nato,
        arms_russia=T.arms_russia,
        arms_volume=T.arms_volume,
        vote_262=T.vote_262,
        ended_basing=T.ended_basing,
        fsi=T.fsi,
        base_host=T.base_host,
        adjacency=T.adjacency,
        neighbours=T.neighbours,
        jihad_observed=T.jihad_observed,
        deploy_allowed=~np.isin(np.array(codes), scenario.russia.denied),
        endogenous_coups=scenario.endogenous_coups,
        stochastic=scenario.stochastic,
        coup_record=T.coup_record,
        security_deployments=scenario.russia.security_deployments,
        grievance=np.zeros(n),
        jihad=np.zeros(n),
        rpres=T.rpres.copy(),
        wpres=T.wpres.copy(),
        wpres_target=T.wpres.copy(),
        conflict=np.zeros(n),
        coup_memory=np.zeros(n),
        regime=T.regimes.copy(),
        junta_since=np.full(n, -(10**6), dtype=np.int64),
        political_change=np.full(n, -(10**6), dtype=np.int64),
        political_cause=np.full(n, "", dtype=object),
        bloc=T.aes.copy(),
        migration_deal=np.zeros(n),
        dcb_intensity=np.zeros(n),
        dcb_pipeline=np.zeros(n),
        invited_recent=np.zeros(n),
        nato_inf=np.zeros(n),
        russia_inf=np.zeros(n),
        alignment=np.zeros(n),
        camp=np.zeros(n, dtype=int),
        stability=np.zeros(n),
        satisfaction=np.full(n, np.nan),
        threat=np.zeros(n),
        milex=T.milex.copy(),
        friction=T.friction.copy(),
        levers=Levers(**lever_values),
        zones=zones,
        coastal=T.coastal,
        nato_naval=np.array([pol.naval_presence.get(z, 0.0) for z in zones]),
        russia_naval=np.zeros(len(zones)),
        bases=bases,
        route_names=T.route_names,
        route_dest=T.route_dest,
        route_base=T.route_base,
        route_share=T.route_share,
        material_weight=T.material_weight,
        military=regime_index("military"),
        monarchy=regime_index("monarchy"),
        incidents=np.zeros(len(zones)),
        migration=np.zeros(len(T.route_names)),
        departures=np.zeros(n),
        coup_risk=np.zeros(n),
        russia_alloc=np.zeros(n),
    )
    s.subregion_index = {sub: np.flatnonzero(s.subregion == sub) for sub in SUBREGIONS}
    s.central_sahel = np.array([idx[c] for c in CENTRAL_SAHEL if c in idx])
    _compile_schedule(s, scenario, load_roster())
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
