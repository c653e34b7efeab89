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
    _m("migration_italy", "persons per month", 0, 1e6, "Modelled irregular arrivals toward Italy"),
    _m("migration_spain", "persons per month", 0, 1e6, "Modelled irregular arrivals toward Spain"),
    _m(
        "migration_greece", "persons per month", 0, 1e6, "Modelled irregular arrivals toward Greece"
    ),
    *[
        _m(
            f"migration_{route}",
            "persons per month",
            0,
            1e6,
            f"Modelled irregular arrivals on the {route.replace('_', ' ')} route",
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


@dataclass(frozen=True)
class Measure:
    """How a metric is judged when policies are compared: what a reader needs to weigh
    an effect, declared once with the reason for each choice (the brief prints them).

    ``window`` fixes the default statistic: None reads the level at the horizon month;
    N sums the N months up to the horizon; "cum" sums every month from the start.
    Counts and flows are summed, levels are read. ``threshold`` is the satisficing
    level of that statistic (better side given by ``direction``); for sums it is per
    12 months and is scaled to the window's length. ``negligible`` is the minimum
    meaningful change of the same statistic (per 12 months for sums): a smaller effect
    is reported as negligible whatever its interval.
    """

    label: str  # plain name for readers
    unit: str  # unit of the statistic (what a reader sees)
    direction: int  # +1: higher is better for the Alliance, -1: lower
    direction_why: str
    window: int | str | None
    window_why: str
    negligible: float
    negligible_why: str
    threshold: float
    threshold_why: str
    headline: bool = True
    cost: bool = False  # a policy's cost, shown beside each policy rather than ranked on
    validation: str = "not validated: no observed series to compare with"

    @property
    def statistic(self) -> str:
        """The default statistic in words."""
        return window_words(self.window)


def window_words(window: int | str | None) -> str:
    """'level at the horizon', '12-month sum' or 'cumulative total'."""
    if window is None:
        return "level at the horizon"
    if window == "cum":
        return "cumulative total"
    return f"{window}-month sum"


_LEVEL = "a level: read at the horizon month"
_FLOW = "a flow: what matters is how much accumulates, not one month's value"
MEASURES: dict[str, Measure] = {
    "russia_influence_share": Measure(
        "Russia's influence share",
        "share",
        -1,
        "Russia's share of outside influence is what the Alliance's southern policy "
        "seeks to contain",
        None,
        _LEVEL,
        0.01,
        "one percentage point, half the baseline's ten-year drift at registry defaults "
        "(0.33 to 0.35); smaller changes would not alter any state's camp",
        0.50,
        "Russia holds less than half of the outside influence over the region",
        validation="not validated: no observed series of influence; the replay of 2019-2025 checks only that the Sahel juntas turn to Russia (SF-01, SF-05)",
    ),
    "nato_influence_share": Measure(
        "NATO's influence share",
        "share",
        +1,
        "the mirror image of Russia's share (the two add up to one)",
        None,
        _LEVEL,
        0.01,
        "as Russia's share",
        0.50,
        "as Russia's share",
        headline=False,
    ),
    "russia_aligned_states": Measure(
        "Russia-aligned states",
        "states",
        -1,
        "each Russia-aligned government can host Russian forces and vote with Moscow",
        None,
        _LEVEL,
        0.5,
        "one state changing camp in half of the runs; the mean of a count moves in such steps",
        5,
        "no more than the five Russia-aligned governments of mid-2025 (Mali, Burkina "
        "Faso, Niger, the Central African Republic, eastern Libya)",
        validation="partly: the replay checks that the central-Sahel juntas swap Western for Russian partners and form a bloc (SF-01, SF-10)",
    ),
    "nato_aligned_states": Measure(
        "NATO-aligned states",
        "states",
        +1,
        "partners aligned with the West are where NATO's programmes can work",
        None,
        _LEVEL,
        0.5,
        "one state changing camp in half of the runs",
        12,
        "keep at least twelve of the fifteen West-aligned states of mid-2025 (docs/start.md)",
    ),
    "stability_mean": Measure(
        "Regional stability",
        "index 0-1",
        +1,
        "state capacity net of violence, war and coups: the root of the threats from the south",
        None,
        _LEVEL,
        0.01,
        "one hundredth of the scale, about the yearly change of a state's Fragile "
        "States Index score (1-2 of 120 points) from which the index is built",
        0.27,
        "no less stable than at the start (0.274 in 2025-07)",
    ),
    "jihadist_activity_sahel": Measure(
        "Jihadist activity in the central Sahel",
        "index 0-1",
        -1,
        "jihadist violence in Mali, Burkina Faso and Niger drives displacement and coups",
        None,
        _LEVEL,
        0.02,
        "two hundredths of the index, about one year of the baseline's rise after 2026",
        0.45,
        "no higher than in mid-2026 (0.45), when the juntas' campaigns stalled",
        validation="partly: the replay checks the rise and plateau of central-Sahel violence (SF-03); the simulated series keeps rising through 2024 where the observed one levels off",
    ),
    "russian_bases_naval": Measure(
        "Russian naval bases",
        "bases",
        -1,
        "a Russian naval base on the southern shore threatens the Alliance's sea lines",
        None,
        _LEVEL,
        0.5,
        "one base in half of the runs",
        1,
        "at most one Russian naval base in the region (Tartus's successor)",
        validation="not validated: in the replay, sites that never hosted Russian forces (Port Sudan) open in most runs",
    ),
    "naval_incidents": Measure(
        "NATO-Russia naval incidents",
        "incidents",
        -1,
        "each incident risks escalation at sea",
        "cum",
        _FLOW + "; one month's count is mostly zero",
        1,
        "one incident a year",
        6,
        "no more than six incidents a year, one every two months (an assumption: no "
        "public series counts such incidents)",
    ),
    "migration_italy": Measure(
        "Irregular arrivals toward Italy",
        "persons",
        -1,
        "the southern allies' first concern (arrivals on the central route)",
        12,
        _FLOW + "; a year evens out the seasons",
        1000,
        "about 1.5% of the arrivals of 2024 (66,000, UNHCR)",
        70000,
        "no more than about the arrivals of 2024 (66,000, UNHCR) and 2025",
    ),
    "material_supply_risk": Measure(
        "Raw-material supply risk",
        "index 0-1",
        -1,
        "critical raw materials from Russia-aligned or unstable producers",
        None,
        _LEVEL,
        0.01,
        "one hundredth of the scale",
        0.6,
        "risk stays below 0.6, where most of the weighted supply is at risk",
    ),
    "cohesion": Measure(
        "Southern allies' cohesion",
        "index 0-1",
        +1,
        "the southern allies' satisfaction with the Alliance holds the 360-degree "
        "approach together",
        None,
        _LEVEL,
        0.01,
        "one hundredth of the scale",
        0.45,
        "no more than a small loss from the start (0.50 in 2025-07)",
    ),
    "nato_south_spending": Measure(
        "NATO spending on the south",
        "USD million",
        -1,
        "money spent here is not spent elsewhere; shown as the policy's cost",
        "cum",
        _FLOW + "; a policy's cost is its total over the period",
        12,
        "one million US dollars a month, a small DCB package",
        1000,
        "no more than a billion US dollars a year, about a fifth of NATO's common "
        "funding (civil and military budgets and the security investment programme, "
        "about 4.6 billion euros in 2025)",
        cost=True,
        validation="an accounting of the levers' declared costs, not a model result",
    ),
}
"""The judged metrics: every headline metric and the mirror of Russia's share."""

# Country metrics are compared as "ISO3.metric" (DZA.alignment); "ISO3.camp" stands
# for the three camp indicators (1 in a run where the state is in that camp at the
# horizon), whose means are the probabilities of each camp.
CAMPS: dict[str, tuple[str, int]] = {
    "p_west": ("probability of being West-aligned", +1),
    "p_hedging": ("probability of hedging", 0),
    "p_russia": ("probability of being Russia-aligned", -1),
}
_COUNTRY_JUDGED: dict[str, tuple[int, float, str]] = {
    # metric: (direction, minimum meaningful change, why)
    "alignment": (+1, 0.02, "a tenth of the distance from neutral to a camp (0.2)"),
    "nato_influence": (+1, 0.01, "one hundredth of the scale"),
    "russia_influence": (-1, 0.01, "one hundredth of the scale"),
    "trust": (+1, 0.01, "one hundredth of the scale"),
    "stability": (+1, 0.01, "one hundredth of the scale"),
    "capacity": (+1, 0.01, "one hundredth of the scale"),
    "grievance": (-1, 0.01, "one hundredth of the scale"),
    "jihadist": (-1, 0.02, "as for the central Sahel"),
    "russia_ties": (-1, 0.01, "one hundredth of the scale"),
    "russian_presence": (-1, 0.05, "a fifth of a presence step (0.25)"),
    "western_presence": (+1, 0.05, "a fifth of a presence step (0.25)"),
    "hostility": (-1, 0.02, "two hundredths of the scale"),
    "coup_risk": (-1, 0.001, "one coup in a thousand state-months"),
    "migration_departures": (-1, 100, "a hundred departures a month"),
    "defence_spending": (+1, 0.05, "a twentieth of a point of GDP"),
    "satisfaction": (+1, 0.01, "one hundredth of the scale"),
    "p_west": (+1, 0.05, "one run in twenty"),
    "p_hedging": (0, 0.05, "one run in twenty"),
    "p_russia": (-1, 0.05, "one run in twenty"),
}


def country_measure(iso3: str, metric: str, name: str | None = None) -> Measure:
    """The judgement of one country metric ("DZA.alignment"): direction and minimum
    meaningful change from the table above; no satisficing threshold is declared for a
    single country (NaN), so robustness reads only the headline metrics' thresholds."""
    direction, small, why = _COUNTRY_JUDGED[metric]
    unit = "probability" if metric in CAMPS else _COUNTRY_UNIT.get(metric, "")
    what = CAMPS[metric][0] if metric in CAMPS else _COUNTRY_LABEL.get(metric, metric)
    return Measure(
        f"{name or iso3}: {what}",
        unit,
        direction or +1,
        "higher is better for the Alliance" if direction >= 0 else "lower is better",
        None,
        _LEVEL,
        small,
        why,
        float("nan"),
        "no threshold is declared for single countries",
        headline=False,
    )


# The metrics a comparison leads with, and which way is better for the Alliance
# (+1 higher is better, -1 lower is better). Comparisons, sensitivity analysis, the
# EMA connector, the demo and the brief all take their list from here.
HEADLINE: dict[str, int] = {k: m.direction for k, m in MEASURES.items() if m.headline}
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


_COUNTRY_UNIT = {m.name: m.unit for m in COUNTRY_METRICS}
_COUNTRY_LABEL = {m.name: m.description for m in COUNTRY_METRICS}
