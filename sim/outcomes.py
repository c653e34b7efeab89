"""The metrics, named once: what a run records every month, with units and ranges.

Everything downstream (result tables, Parquet columns, comparisons, the EMA
connector, the visualization's charts, the documentation) takes its names from
here. The recorder writes into preallocated arrays and builds the tables once at the
end, so recording costs microseconds per month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .calendar import format_month
from .mechanisms.influence import russia_share
from .roster import REGIMES, SUBREGIONS, load_table

if TYPE_CHECKING:
    from .params import Params
    from .state import State


@dataclass(frozen=True)
class Metric:
    """A recorded metric. Country metrics carry their reporter: the function of the
    state that gives the metric's value for every actor."""

    name: str
    unit: str
    low: float
    high: float
    description: str
    partial: bool = False  # empty (NaN) for actors it does not apply to
    reporter: Callable[[State], np.ndarray] | None = field(default=None, compare=False)


def _m(name, unit, low, high, description, partial=False, reporter=None):
    return Metric(name, unit, low, high, description, partial, reporter)


def _field(name: str) -> Callable[[State], np.ndarray]:
    """A reporter that reads one State field (per actor)."""
    return attrgetter(name)


_SUB = [s.lower() for s in SUBREGIONS]
MODEL_METRICS: tuple[Metric, ...] = (
    _m(
        "nato_influence_share",
        "share",
        0,
        1,
        "NATO's share of NATO plus Russian influence over the region's non-NATO states, population-weighted",
    ),
    _m("russia_influence_share", "share", 0, 1, "Russia's share of the same (1 - NATO's share)"),
    *[
        _m(f"russia_influence_share_{s}", "share", 0, 1, f"Russia's influence share in the {S}")
        for s, S in zip(_SUB, SUBREGIONS, strict=True)
    ],
    _m(
        "russia_aligned_states",
        "states",
        0,
        60,
        "Non-NATO states of the region aligned with Russia",
    ),
    _m("nato_aligned_states", "states", 0, 60, "Non-NATO states of the region aligned with NATO"),
    _m(
        "stability_mean",
        "index 0-1",
        0,
        1,
        "Population-weighted stability of the region's non-NATO states",
    ),
    *[
        _m(f"stability_{s}", "index 0-1", 0, 1, f"Population-weighted stability in the {S}")
        for s, S in zip(_SUB, SUBREGIONS, strict=True)
    ],
    _m(
        "jihadist_activity_sahel",
        "index 0-1",
        0,
        1,
        "Mean jihadist activity in Mali, Burkina Faso and Niger",
    ),
    _m(
        "jihadist_deaths_sahel",
        "deaths per year",
        0,
        1e5,
        "Jihadist violence in Mali, Burkina Faso and Niger in deaths per year on the Global "
        "Terrorism Index's scale: activity x population x the registry's jihad_deaths_full",
    ),
    _m(
        "jihadist_activity_region",
        "index 0-1",
        0,
        1,
        "Population-weighted jihadist activity over the region's non-NATO states",
    ),
    _m("russian_deployments", "states", 0, 60, "States hosting Russian military forces"),
    _m("western_deployments", "states", 0, 60, "Non-NATO states hosting Western military forces"),
    _m("russian_bases_air", "bases", 0, 10, "Open Russian air bases"),
    _m("russian_bases_naval", "bases", 0, 10, "Open Russian naval bases"),
    _m("coups", "coups per month", 0, 60, "Successful coups this month"),
    _m("juntas", "states", 0, 60, "States ruled by the military"),
    _m("naval_incidents", "incidents per month", 0, 1000, "NATO-Russia naval incidents this month"),
    _m(
        "russia_naval_central_med",
        "presence level",
        0,
        5,
        "Russian naval presence in the central Mediterranean",
    ),
    _m("migration_italy", "persons per month", 0, 1e6, "Irregular arrivals pressure toward Italy"),
    _m("migration_spain", "persons per month", 0, 1e6, "Irregular arrivals pressure toward Spain"),
    _m(
        "migration_greece", "persons per month", 0, 1e6, "Irregular arrivals pressure toward Greece"
    ),
    *[
        _m(
            f"migration_{route}",
            "persons per month",
            0,
            1e6,
            f"Irregular arrivals pressure on the {route.replace('_', ' ')} route",
        )
        for route in dict.fromkeys(load_table("migration_routes.csv").route)
    ],
    _m(
        "material_supply_risk",
        "index 0-1",
        0,
        1,
        "Supply risk of critical raw materials from Russia-aligned or unstable producers",
    ),
    _m("cohesion", "index 0-1", 0, 1, "Mean satisfaction of the southern allies with the Alliance"),
    _m(
        "southern_threat",
        "index 0-1",
        0,
        1,
        "Mean threat from the south perceived by the southern allies",
    ),
    _m(
        "nato_attention",
        "index 0-1",
        0,
        1,
        "NATO's attention to the south (summits, DCB, Hub, SR, frameworks)",
    ),
    _m(
        "nato_south_spending",
        "USD million per month",
        0,
        1e5,
        "NATO spending on the south: DCB, the Hub and naval presence",
    ),
    _m("allies_south_milex", "% of GDP", 0, 10, "Mean defence spending of the southern allies"),
)

COUNTRY_METRICS: tuple[Metric, ...] = (
    _m("nato_influence", "index 0-1", 0, 1, "NATO influence", reporter=_field("nato_inf")),
    _m("russia_influence", "index 0-1", 0, 1, "Russian influence", reporter=_field("russia_inf")),
    _m(
        "alignment",
        "index -1..1",
        -1,
        1,
        "NATO minus Russian influence; > threshold West-, < -threshold Russia-aligned",
        reporter=_field("alignment"),
    ),
    _m(
        "stability",
        "index 0-1",
        0,
        1,
        "State capacity net of violence, war and coups",
        reporter=_field("stability"),
    ),
    _m("trust", "index 0-1", 0, 1, "Trust in NATO", reporter=_field("trust")),
    _m(
        "capacity",
        "index 0-1",
        0,
        1,
        "State capacity (1 - scaled Fragile States Index at the start)",
        reporter=_field("capacity"),
    ),
    _m("grievance", "index 0-1", 0, 1, "Popular grievance", reporter=_field("grievance")),
    _m("jihadist", "index 0-1", 0, 1, "Jihadist activity", reporter=_field("jihad")),
    _m("russia_ties", "index 0-1", 0, 1, "Ties to Russia", reporter=_field("ties")),
    _m(
        "russian_presence",
        "presence level 0-1",
        0,
        1,
        "Russian military presence",
        reporter=_field("rpres"),
    ),
    _m(
        "western_presence",
        "presence level 0-1",
        0,
        1,
        "Western military presence",
        reporter=_field("wpres"),
    ),
    _m(
        "hostility",
        "index 0-1",
        0,
        1,
        "Government hostility to Western partners",
        reporter=_field("hostility"),
    ),
    _m(
        "coup_risk",
        "probability per month",
        0,
        1,
        "Monthly probability of a successful coup: the risk the month's coup draw was made against",
        reporter=_field("coup_risk"),
    ),
    _m(
        "migration_departures",
        "persons per month",
        0,
        1e6,
        "Irregular departures toward Europe leaving from this state (transit)",
        reporter=_field("departures"),
    ),
    _m(
        "defence_spending",
        "% of GDP",
        0,
        15,
        "Defence spending (allies follow their path to the target)",
        reporter=_field("milex"),
    ),
    _m(
        "satisfaction",
        "index 0-1",
        0,
        1,
        "An ally's satisfaction with the Alliance (empty for others)",
        partial=True,
        reporter=_field("satisfaction"),
    ),
)
# The metrics a comparison leads with, and which way is better for the Alliance
# (+1 higher is better, -1 lower is better). Comparisons, sensitivity analysis, the
# EMA connector, the demo and the brief all take their list from here.
HEADLINE: dict[str, int] = {
    "russia_influence_share": -1,
    "nato_influence_share": +1,
    "russia_aligned_states": -1,
    "stability_mean": +1,
    "jihadist_activity_sahel": -1,
    "russian_bases_naval": -1,
    "naval_incidents": -1,
    "migration_italy": -1,
    "material_supply_risk": -1,
    "cohesion": +1,
}
COUNTRY_TEXT = ("regime",)
_POS = {m.name: i for i, m in enumerate(MODEL_METRICS)}
EVENT_COLUMNS = ("date", "kind", "iso3", "mechanism", "cause")


def _weights(s: State) -> np.ndarray:
    """(5, n) population weights: the region's non-NATO states, then each sub-region."""
    w = s.population * s.region_member
    rows = [w]
    for sub in SUBREGIONS:
        ws = np.zeros_like(w)
        ws[s.subregion_index[sub]] = w[s.subregion_index[sub]]
        rows.append(ws)
    return np.stack(rows)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros_like(num), where=den > 0)


@dataclass(frozen=True)
class _Frame:
    """What the model metrics need beyond the state, fixed for a run."""

    W: np.ndarray  # (5, n) population weights from `_weights`
    dest: np.ndarray  # (3, routes) 0/1: routes toward Italy, Spain and Greece
    central_med: int  # index of the central Mediterranean among the sea zones
    deaths_full: float  # registry jihad_deaths_full: deaths per million per year at 1


def model_row(s: State, out: np.ndarray, f: _Frame) -> None:
    """Fill one row of model metrics from the state, in MODEL_METRICS order."""
    W = f.W
    member = s.region_member
    rus = russia_share(s, W)
    stab = _ratio(W @ s.stability, W.sum(axis=1))
    allies = s.ally_south
    n_allies = allies.sum()
    open_air = open_naval = 0
    for b in s.bases:
        if b.status == "open":
            if b.kind == "air":
                open_air += 1
            else:
                open_naval += 1
    o = _POS
    out[o["nato_influence_share"]] = 1.0 - rus[0]
    out[o["russia_influence_share"]] = rus[0]
    out[o["russia_influence_share_maghreb"] : o["russia_influence_share_gulf"] + 1] = rus[1:]
    out[o["russia_aligned_states"]] = (member & (s.camp == -1)).sum()
    out[o["nato_aligned_states"]] = (member & (s.camp == 1)).sum()
    out[o["stability_mean"]] = stab[0]
    out[o["stability_maghreb"] : o["stability_gulf"] + 1] = stab[1:]
    out[o["jihadist_activity_sahel"]] = s.jihad[s.central_sahel].sum() / len(s.central_sahel)
    cs = s.central_sahel
    out[o["jihadist_deaths_sahel"]] = f.deaths_full * (s.jihad[cs] @ s.population[cs])
    out[o["jihadist_activity_region"]] = _ratio(W[:1] @ s.jihad, W[:1].sum(axis=1))[0]
    out[o["russian_deployments"]] = (s.rpres > 0).sum()
    out[o["western_deployments"]] = (member & (s.wpres > 0)).sum()
    out[o["russian_bases_air"]] = open_air
    out[o["russian_bases_naval"]] = open_naval
    out[o["coups"]] = s.coups_this_month
    out[o["juntas"]] = (member & (s.regime == s.military)).sum()
    out[o["naval_incidents"]] = s.incidents.sum()
    out[o["russia_naval_central_med"]] = s.russia_naval[f.central_med]
    out[o["migration_italy"] : o["migration_greece"] + 1] = f.dest @ s.migration
    out[o["migration_greece"] + 1 : o["migration_greece"] + 1 + len(s.migration)] = s.migration
    out[o["material_supply_risk"]] = s.material_risk
    out[o["cohesion"]] = s.satisfaction[allies].sum() / n_allies
    out[o["southern_threat"]] = s.threat[allies].sum() / n_allies
    out[o["nato_attention"]] = s.engagement
    out[o["nato_south_spending"]] = s.spending_musd
    out[o["allies_south_milex"]] = s.milex[allies].sum() / n_allies


@dataclass(frozen=True)
class Recorded:
    """A run's recorded arrays, trimmed to the months recorded (views, not copies)."""

    codes: tuple[str, ...]
    months: np.ndarray  # (k,) month numbers
    model: np.ndarray  # (k, len(MODEL_METRICS))
    country: np.ndarray  # (k, len(COUNTRY_METRICS), n)
    regime: np.ndarray  # (k, n) index into REGIMES


class Recorder:
    """Monthly metrics in preallocated arrays; tables on demand. Reads the state, never
    writes it."""

    def __init__(self, state: State, months: int, params: Params):  # type: ignore[valid-type]
        self.codes = state.codes
        self.n_rows = 0
        self.months = np.zeros(months, dtype=int)
        self.model = np.zeros((months, len(MODEL_METRICS)))
        self.country = np.zeros((months, len(COUNTRY_METRICS), state.n))
        self.regime = np.zeros((months, state.n), dtype=np.int8)
        self._frame = _Frame(
            W=_weights(state),
            dest=np.array(
                [[d == dest for d in state.route_dest] for dest in ("ITA", "ESP", "GRC")],
                dtype=float,
            ),
            central_med=state.zones.index("Central Med"),
            deaths_full=float(params.jihad_deaths_full),
        )

    def record(self, s: State) -> None:
        """Record the month that has just been simulated."""
        k = self.n_rows
        self.months[k] = s.month
        model_row(s, self.model[k], self._frame)
        c = self.country[k]
        for j, metric in enumerate(COUNTRY_METRICS):
            c[j] = metric.reporter(s)
        self.regime[k] = s.regime
        self.n_rows += 1

    def arrays(self) -> Recorded:
        """The recorded arrays so far: the public way to build tables from a run."""
        k = self.n_rows
        return Recorded(
            self.codes, self.months[:k], self.model[:k], self.country[:k], self.regime[:k]
        )

    def dates(self) -> list[str]:
        return [format_month(m) for m in self.months[: self.n_rows]]

    def monthly(self) -> pd.DataFrame:
        df = pd.DataFrame(self.model[: self.n_rows], columns=[m.name for m in MODEL_METRICS])
        df.insert(0, "date", self.dates())
        df.insert(1, "step", np.arange(1, self.n_rows + 1))
        return df

    # the name Mesa's chart components look for
    get_model_vars_dataframe = monthly

    def countries(self) -> pd.DataFrame:
        k, n = self.n_rows, len(self.codes)
        data = {
            "date": np.repeat(self.dates(), n),
            "iso3": np.tile(np.array(self.codes), k),
        }
        for j, m in enumerate(COUNTRY_METRICS):
            data[m.name] = self.country[:k, j, :].reshape(-1)
        data["regime"] = np.array(REGIMES)[self.regime[:k].reshape(-1)]
        return pd.DataFrame(data)


def events_frame(events: list[dict]) -> pd.DataFrame:
    """The event log as a table: fixed columns first, event details after."""
    df = pd.DataFrame(events)
    if df.empty:
        return pd.DataFrame(columns=list(EVENT_COLUMNS))
    rest = [c for c in df.columns if c not in EVENT_COLUMNS]
    return df[list(EVENT_COLUMNS) + rest]
