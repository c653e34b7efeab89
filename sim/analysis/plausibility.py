"""Plausibility bounds on the 2025-2035 baseline: what a regional analyst would reject.

A bound is a constraint, not evidence: it states what the model must not do without a
logged cause (Algeria does not drift into Russia's camp, monarchies do not have military
coups at today's Sahel rates, no Western forces leave a country without a political
event that ends their basing). Each bound holds in a required share of runs and carries
its reason. The checks read a run's tables only (monthly, countries, events), so they
apply to `sim.simulate` results and to batch tables alike.

A bound may be revised with a sourced argument; it is never met by tuning a constant to
it: the model's mechanisms and data must produce it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from math import exp, factorial

import pandas as pd

from ..params import PARAMETERS

# the events that may end Western basing: a coup, a rupture with the West or a change of
# government (an election or the end of a transition), each logged
EXPULSION_CAUSES = ("coup", "diplomatic_rupture", "government_change", "regime_change")
GULF_MONARCHIES = ("SAU", "OMN", "QAT", "BHR", "ARE", "KWT")
NO_MILITARY_COUPS = ("IRN", "ISR", "LBN", "PSE", "ESH", *GULF_MONARCHIES)
RUSSIAN_HOSTS_2025 = ("MLI", "BFA", "NER", "CAF", "XLE")
MD_STATES = ("DZA", "EGY", "ISR", "JOR", "MRT", "MAR", "TUN")
ICI_STATES = ("QAT", "BHR", "ARE", "KWT")


@dataclass(frozen=True)
class RunTables:
    """One run's tables: monthly metrics, country metrics by date and iso3, events."""

    monthly: pd.DataFrame
    countries: pd.DataFrame
    events: pd.DataFrame

    def at(self, date: str) -> pd.DataFrame:
        """Country rows of one month, indexed by iso3."""
        return self.countries[self.countries.date == date].set_index("iso3")

    def events_of(self, kinds: Iterable[str], iso3: str | None = None) -> pd.DataFrame:
        e = self.events[self.events.kind.isin(tuple(kinds))]
        return e if iso3 is None else e[e.iso3 == iso3]


@dataclass(frozen=True)
class Bound:
    """One plausibility bound: a per-run check and the share of runs that must pass."""

    name: str
    text: str  # what must hold, in plain words
    reason: str  # why an analyst expects it
    required: float  # share of runs that must pass (1.0: every run)
    check: Callable[[RunTables], bool]


def camp(alignment: pd.Series | float, threshold: float | None = None):
    """+1 West-aligned, -1 Russia-aligned, 0 hedging (the registry's threshold)."""
    thr = PARAMETERS["aligned_threshold"].default if threshold is None else threshold
    a = alignment
    if isinstance(a, pd.Series):
        return (a > thr).astype(int) - (a < -thr).astype(int)
    return int(a > thr) - int(a < -thr)


def poisson_interval(mean: float, level: float = 0.90) -> tuple[int, int]:
    """The central `level` interval of a Poisson count with the given mean."""
    lo_tail, hi_tail = (1 - level) / 2, 1 - (1 - level) / 2
    cdf, k, low, high = 0.0, 0, None, None
    while high is None:
        cdf += exp(-mean) * mean**k / factorial(k)
        if low is None and cdf > lo_tail:
            low = k
        if cdf >= hi_tail:
            high = k
        k += 1
    return low, high


# Powell & Thyne successful coups 2009-2018 by regime type (sim/data/evidence/
# coups_2009_2018.csv and its README): monarchies 0 in 80 country-years, democracies 0 in
# 40, other regimes 5 in 180. The MD states of 2025 under "other" regimes (Algeria, Egypt,
# Mauritania, Tunisia) expect 4 x 10 x 5/180 = 1.11 coups in ten years; the monarchies
# (Jordan, Morocco) and the democracy (Israel) none.
MD_COUP_MEAN_10Y = 4 * 10 * 5 / 180
MD_COUP_INTERVAL = poisson_interval(MD_COUP_MEAN_10Y)


def _not_russia_aligned(iso3: str, date: str) -> Callable[[RunTables], bool]:
    return lambda r: camp(float(r.at(date).alignment[iso3])) != -1


def _west_aligned(iso3: str, date: str) -> Callable[[RunTables], bool]:
    return lambda r: camp(float(r.at(date).alignment[iso3])) == 1


def _no_coup(iso3: str) -> Callable[[RunTables], bool]:
    return lambda r: r.events_of(["coup"], iso3).empty


def _expulsions_have_causes(r: RunTables) -> bool:
    for _, ex in r.events_of(["expulsion"]).iterrows():
        before = r.events_of(EXPULSION_CAUSES, ex.iso3)
        if before[before.date <= ex.date].empty:
            return False
    return True


def _algeria_hostility(r: RunTables) -> bool:
    start = float(r.countries[r.countries.iso3 == "DZA"].hostility.iloc[0])
    return float(r.at("2030-06").hostility["DZA"]) < start + 0.25


def _syria(r: RunTables) -> bool:
    aligned = camp(float(r.at("2035-06").alignment["SYR"])) == -1
    driven = not r.events_of(
        ("coup", "regime_change", "government_change", "basing_agreement", "base_opened"), "SYR"
    ).empty
    return not aligned or driven


def _no_rearrival(iso3: str) -> Callable[[RunTables], bool]:
    def check(r: RunTables) -> bool:
        e = r.events
        side = e["side"] if "side" in e.columns else pd.Series("", index=e.index)
        arrivals = e[(e.kind == "force_arrival") & (e.iso3 == iso3) & (side != "western")]
        left = e[(e.kind == "force_withdrawal") & (e.iso3 == iso3) & (side == "russian")]
        return all((left.date < a).any() for a in arrivals.date)

    return check


def _guinea(r: RunTables) -> bool:
    g = r.countries[r.countries.iso3 == "GIN"]
    hosted = bool((g.russian_presence > 0).any())
    return not hosted or not r.events_of(["coup"], "GIN").empty


def _md_coups(r: RunTables) -> bool:
    n = len(r.events[(r.events.kind == "coup") & r.events.iso3.isin(MD_STATES)])
    low, high = MD_COUP_INTERVAL
    return low <= n <= high


def _saturation(r: RunTables) -> bool:
    """No hostility or ties at >= 0.98 without an event for that actor in the previous
    24 months; values that start there (sourced initial values) are excepted."""
    c = r.countries
    first = c[c.date == c.date.min()].set_index("iso3")
    for col in ("hostility", "russia_ties"):
        high = c[(c[col] >= 0.98)]
        for iso3, rows in high.groupby("iso3"):
            if first.loc[iso3, col] >= 0.98:
                continue
            when = rows.date.min()
            y, m = int(when[:4]), int(when[5:])
            since = f"{y - 2:04d}-{m:02d}"
            ev = r.events[(r.events.iso3 == iso3) & (r.events.date >= since)]
            ev = ev[(ev.date <= when) & ~ev.kind.isin(("realignment", "naval_incident"))]
            if ev.empty:
                return False
    return True


BOUNDS: tuple[Bound, ...] = (
    Bound(
        "algeria_not_russia_aligned_2030",
        "Algeria is not Russia-aligned in 2030-06",
        "Algeria buys Russian arms but broke with the juntas of Mali, Niger and Burkina "
        "Faso in 2025 and keeps its non-alignment; no event in the baseline changes that",
        0.90,
        _not_russia_aligned("DZA", "2030-06"),
    ),
    Bound(
        "algeria_hostility_2030",
        "Algeria's hostility to the West in 2030-06 stays below its 2025 value + 0.25",
        "hostility spreads along existing ties; Algeria's ruptures with the juntas' bloc "
        "block that path",
        0.90,
        _algeria_hostility,
    ),
    Bound(
        "expulsions_have_causes",
        "every expulsion of Western forces follows a logged coup, rupture or change of "
        "government in that state",
        "Western basing ended in 2020-2025 only after a coup (Mali, Burkina Faso, Niger), "
        "a new government (Senegal 2024, Chad 2024) or a rupture; never under an "
        "unchanged government",
        0.95,
        _expulsions_have_causes,
    ),
    *(
        Bound(
            f"no_military_coup_{c}",
            f"no military coup in {c}",
            "no successful coup in these states 2009-2018 (Powell & Thyne); regimes "
            "(monarchies, Israel's democracy, Iran's clerical state, Lebanon's and "
            "Palestine's power-sharing, Western Sahara ruled as Morocco) with no "
            "military route to power at the Sahel's current rates",
            0.95,
            _no_coup(c),
        )
        for c in NO_MILITARY_COUPS
    ),
    Bound(
        "md_coup_count",
        f"the MD states' coups over 2025-2035 lie in [{MD_COUP_INTERVAL[0]}, "
        f"{MD_COUP_INTERVAL[1]}], the 90% interval of a Poisson count with mean "
        f"{MD_COUP_MEAN_10Y:.2f}",
        "Powell & Thyne successful coups 2009-2018 by regime type: 5 in 180 country-years "
        "of non-democratic, non-monarchic regimes, none in monarchies or democracies",
        0.90,
        _md_coups,
    ),
    Bound(
        "israel_west_aligned_2035",
        "Israel is West-aligned in 2035-06",
        "a US major non-NATO ally with no event in the baseline that would change it",
        0.80,
        _west_aligned("ISR", "2035-06"),
    ),
    Bound(
        "jordan_west_aligned_2035",
        "Jordan is West-aligned in 2035-06",
        "a US major non-NATO ally, NATO partner with a mission in Amman",
        0.80,
        _west_aligned("JOR", "2035-06"),
    ),
    *(
        Bound(
            f"{c}_not_russia_aligned_2035",
            f"{c} is not Russia-aligned in 2035-06",
            "Morocco, Egypt and the Gulf partners hedge at most: Western arms, bases or "
            "aid dominate, and no baseline event moves them toward Russia",
            0.95,
            _not_russia_aligned(c, "2035-06"),
        )
        for c in ("MAR", "EGY", *ICI_STATES)
    ),
    Bound(
        "syria_not_russia_aligned_2035",
        "Syria is not Russia-aligned in 2035-06 unless a logged event drives it",
        "after Assad's fall Russia's bases are contested and the new government courts "
        "the Gulf and the West",
        0.50,
        _syria,
    ),
    *(
        Bound(
            f"no_rearrival_{c}",
            f"no Russian force arrival in {c} unless a logged Russian withdrawal precedes it",
            "Russian forces are there from the start (2025-07); an arrival would count them twice",
            1.0,
            _no_rearrival(c),
        )
        for c in RUSSIAN_HOSTS_2025
    ),
    Bound(
        "guinea_russian_forces",
        "no Russian forces in Guinea without a coup there",
        "Guinea's junta has not invited Russian forces (2021-2025)",
        0.75,
        _guinea,
    ),
    Bound(
        "no_saturation_without_event",
        "no hostility or ties at 0.98 or more without an event for that state in the "
        "previous 24 months",
        "saturation is an extreme; it needs a cause an analyst can read in the log",
        0.95,
        _saturation,
    ),
)


def shares(runs: Iterable[RunTables]) -> pd.DataFrame:
    """The share of runs passing each bound, beside the required share."""
    runs = list(runs)
    rows = []
    for b in BOUNDS:
        passed = sum(bool(b.check(r)) for r in runs)
        rows.append(
            {
                "bound": b.name,
                "text": b.text,
                "share": passed / len(runs),
                "required": b.required,
                "ok": passed / len(runs) >= b.required,
                "reason": b.reason,
            }
        )
    return pd.DataFrame(rows)


def from_result(result) -> RunTables:
    """A `sim.run.Result` as the tables the checks read."""
    return RunTables(result.monthly, result.countries, result.events)


def runs_of_batch(batch, scenario: str | None = None) -> list[RunTables]:
    """Every run of a loaded batch (`sim.analysis.load`) as the tables the checks read,
    optionally of one scenario only."""
    monthly, countries, events = batch.monthly, batch.countries, batch.events
    if scenario is not None:
        monthly = monthly[monthly.scenario == scenario]
        countries = countries[countries.scenario == scenario]
        events = events[events.scenario == scenario]
    by_c = dict(tuple(countries.groupby("run_id", sort=False)))
    by_e = dict(tuple(events.groupby("run_id", sort=False)))
    empty = events.iloc[0:0]
    return [
        RunTables(m, by_c[run], by_e.get(run, empty))
        for run, m in monthly.groupby("run_id", sort=False)
    ]
