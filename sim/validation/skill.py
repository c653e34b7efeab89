"""The replay's probabilities against what happened, beside naive forecasters.

Two kinds of test, both on the replicates of one replay variant (sim.validation.replay):

- **Country-year events 2019-2025** (`event_table`, `event_scores`): a coup, a Russian
  force arrival (Russian presence from 0 to > 0), a Western exit (Western presence
  from > 0 to 0), in each non-NATO actor of the region and year. The model's
  probability is the share of replicates in which the event happens; it is scored with
  the Brier score and the AUC (sim.validation.scores) beside the base rate (sourced,
  2009-2018: sim/data/evidence/coups_2009_2018.csv by the state's 2019 regime class,
  sim/data/evidence/force_changes_2009_2018.csv for arrivals and exits) and
  persistence (the event of the previous year for coups; the state of the previous
  year, i.e. no change, for arrivals and exits). Scores are given for the calibration
  window (2019-2022) and the validation window (2023-2025) apart.
- **Counts and levels as distributions** (`distribution_table`): SF-09's coup counts
  (the six states in 2020-08..2022-12 and in 2023-01..2025-12; the MD states 2019-2025)
  and SF-03's 2024 level, each as the simulated 90% predictive interval with its width,
  interval score and CRPS beside the naive forecasters'.

The violence scale that puts the simulated series on the ACSS scale is fixed from the
calibration window only (`violence_scale`: observed 2020-2022 over simulated 2020-2022).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..calendar import parse_month
from ..roster import load_roster, load_table
from .facts import COUP_STATES, MD_STATES, SF09_OBSERVED, RunView, annual_sahel, coup_counts
from .scores import CountForecast, auc, brier, score_binary, score_count

YEARS = tuple(range(2019, 2026))
CALIBRATION_YEARS = (2019, 2020, 2021, 2022)
VALIDATION_YEARS = (2023, 2024, 2025)
EVENT_KINDS = ("coup", "russian_arrival", "western_exit")
BASE_YEARS = 10  # 2009-2018
SCALE_YEARS = (2020, 2021, 2022)  # the violence scale: calibration window only
OBSERVED_EVENTS = "evidence/events_2019_2025.csv"
COUPS_2009_2018 = "evidence/coups_2009_2018.csv"
FORCES_2009_2018 = "evidence/force_changes_2009_2018.csv"
# Libya has one UN seat: the base rates count it once (evidence README)
_LIBYA = {"XLW": "LBY", "XLE": "LBY"}
_NON_MEMBERS = ("PSE", "ESH")


def scored_actors(codes: Iterable[str] | None = None) -> list[str]:
    """The non-NATO actors of the region whose country-years are scored."""
    t = load_roster().table
    keep = (t.nato != 1) & ~t.index.isin(["RUS", "XNA"])
    actors = [c for c in t.index[keep]]
    return [c for c in actors if codes is None or c in set(codes)]


def regime_class(code: str) -> str:
    """The base-rate class of a state: its 2019 roster regime, as the evidence README
    classes the 2009-2018 coups (monarchy, democracy, other)."""
    r = load_roster().table.loc[code, "regime_2019"]
    return r if r in ("monarchy", "democracy") else "other"


def base_rates() -> dict[str, dict[str, float]]:
    """Events per country-year in 2009-2018 over the 30 non-NATO UN-member states of the
    roster (Libya once): coups by regime class (successful, Powell & Thyne events only),
    Russian arrivals and Western exits over all states."""
    states = sorted({_LIBYA.get(c, c) for c in scored_actors()} - set(_NON_MEMBERS))
    classes = {s: regime_class("XLW" if s == "LBY" else s) for s in states}
    coups = load_table(COUPS_2009_2018)
    coups = coups[(coups.outcome == "successful") & (coups.in_powell_thyne == "yes")]
    coups = coups[coups.iso3.isin(states)]
    out: dict[str, dict[str, float]] = {"coup": {}}
    for cls in ("monarchy", "democracy", "other"):
        members = [s for s in states if classes[s] == cls]
        n = int(coups.iso3.map(classes).eq(cls).sum())
        out["coup"][cls] = n / (BASE_YEARS * len(members)) if members else 0.0
    forces = load_table(FORCES_2009_2018)
    for kind in ("russian_arrival", "western_exit"):
        n = int((forces.kind == kind).sum())
        out[kind] = {"all": n / (BASE_YEARS * len(states))}
    return out


def observed_events() -> pd.DataFrame:
    """The observed country-year events 2019-2025 (iso3, year, kind, use)."""
    t = load_table(OBSERVED_EVENTS)
    t["year"] = t.date.str[:4].astype(int)
    return t


# ---------------------------------------------------------------- per run, per year
def run_events(run: RunView) -> set[tuple[str, int, str]]:
    """(iso3, year, kind) of every scored event in one run."""
    out = set()
    coups = run.kind("coup")
    for r in coups.itertuples():
        out.add((r.iso3, int(r.date[:4]), "coup"))
    years = np.array([int(d[:4]) for d in run.dates])
    for kind, grid, rising in (
        ("russian_arrival", run.russia, True),
        ("western_exit", run.west, False),
    ):
        present = grid > 0
        change = (~present[:-1] & present[1:]) if rising else (present[:-1] & ~present[1:])
        for k, i in zip(*np.nonzero(change), strict=True):
            out.add((run.codes[i], int(years[k + 1]), kind))
    return out


def event_table(views: Sequence[RunView]) -> pd.DataFrame:
    """One row per scored actor, year and event kind: the model's probability (share of
    runs), the observed outcome, the base rate and persistence."""
    actors = scored_actors(views[0].codes)
    n = len(views)
    counts: dict[tuple[str, int, str], int] = {}
    for v in views:
        for key in run_events(v):
            counts[key] = counts.get(key, 0) + 1
    obs = observed_events()
    happened = set(zip(obs.iso3, obs.year, obs.kind, strict=True))
    rates = base_rates()
    start = views[0]
    rows = []
    for kind in EVENT_KINDS:
        for c in actors:
            rate = rates[kind].get(regime_class(c), 0.0) if kind == "coup" else rates[kind]["all"]
            for y in YEARS:
                rows.append(
                    {
                        "kind": kind,
                        "iso3": c,
                        "year": y,
                        "window": "calibration" if y in CALIBRATION_YEARS else "validation",
                        "model": counts.get((c, y, kind), 0) / n,
                        "observed": int((c, y, kind) in happened),
                        "base_rate": rate,
                        "persistence": _persistence(kind, c, y, happened, start),
                    }
                )
    return pd.DataFrame(rows)


def _persistence(kind: str, c: str, y: int, happened: set, start: RunView) -> float:
    """The previous year's event (coups: a coup last year forecasts one this year) or
    state (arrivals and exits: what held last year holds this year, so no change)."""
    if kind == "coup":
        if y == YEARS[0]:  # 2018: no coup in the roster's states (coups_2009_2018.csv)
            return 0.0
        return float((c, y - 1, "coup") in happened)
    return 0.0


def event_scores(table: pd.DataFrame, **kw) -> pd.DataFrame:
    """Brier and AUC (bootstrap intervals) per event kind and window, the model beside
    the base rate and persistence, with the model's skill over each."""
    out = []
    for (kind, window), g in table.groupby(["kind", "window"], sort=False):
        forecasts = {
            "model": g.model,
            "base rate 2009-2018": g.base_rate,
            "persistence": g.persistence,
        }
        s = score_binary(g.observed, forecasts, **kw)
        out.append(s.assign(kind=kind, window=window))
    for kind, g in table.groupby("kind", sort=False):
        forecasts = {
            "model": g.model,
            "base rate 2009-2018": g.base_rate,
            "persistence": g.persistence,
        }
        out.append(score_binary(g.observed, forecasts, **kw).assign(kind=kind, window="2019-2025"))
    cols = ["kind", "window", "forecaster"]
    df = pd.concat(out, ignore_index=True)
    return df[cols + [c for c in df.columns if c not in cols]]


def coup_auc(table: pd.DataFrame) -> pd.DataFrame:
    """AUC of the coup probability by state, 2019-2025 (probability of at least one coup:
    1 - prod(1 - p_year)), the six coup-belt states (MLI, BFA, NER, TCD, GIN, SDN)
    against the other non-NATO actors, the model beside the base rate's."""
    g = table[table.kind == "coup"].groupby("iso3")
    p_model = 1 - g.model.apply(lambda p: float(np.prod(1 - p)))
    p_base = 1 - g.base_rate.apply(lambda p: float(np.prod(1 - p)))
    y = p_model.index.isin(COUP_STATES)
    return pd.DataFrame(
        {
            "forecaster": ["model", "base rate 2009-2018"],
            "auc": [auc(p_model.values, y), auc(p_base.values, y)],
            "states": [int(y.sum())] * 2,
            "others": [int((~y).sum())] * 2,
        }
    )


def md_coup_brier(table: pd.DataFrame) -> pd.DataFrame:
    """Brier of the MD states' country-years 2019-2025 (no coup observed), the model
    beside the base rate and persistence."""
    md = table[(table.kind == "coup") & table.iso3.isin(MD_STATES)]
    return pd.DataFrame(
        {
            "forecaster": ["model", "base rate 2009-2018", "persistence"],
            "brier": [brier(md[c], md.observed) for c in ("model", "base_rate", "persistence")],
            "country_years": len(md),
            "coups_observed": int(md.observed.sum()),
        }
    )


# -------------------------------------------------------------------- distributions
def violence_scale(annual: pd.DataFrame, observed: pd.Series) -> float:
    """ACSS fatalities per simulated death on the GTI scale, from the calibration window
    only: observed 2020-2022 over the median simulated 2020-2022."""
    med = annual.groupby("year").activity.median()
    return float(sum(observed[y] for y in SCALE_YEARS) / sum(med[y] for y in SCALE_YEARS))


def all_coups() -> pd.DataFrame:
    """Successful coups 2009-2025 (Powell & Thyne events 2009-2018 and the observed
    events 2019-2025): date, iso3."""
    before = load_table(COUPS_2009_2018)
    before = before[(before.outcome == "successful") & (before.in_powell_thyne == "yes")]
    after = observed_events()
    after = after[after.kind == "coup"]
    return pd.concat([before[["date", "iso3"]], after[["date", "iso3"]]], ignore_index=True)


def _count(coups: pd.DataFrame, states: Sequence[str], lo: str, hi: str) -> int:
    m = coups.date.map(parse_month)
    sel = coups.iso3.isin(states) & (m >= parse_month(lo)) & (m <= parse_month(hi))
    return int(sel.sum())


def _months(lo: str, hi: str) -> int:
    return parse_month(hi) - parse_month(lo) + 1


def _before(lo: str, hi: str) -> tuple[str, str]:
    """The window of the same length just before [lo, hi]."""
    from ..calendar import format_month

    n = _months(lo, hi)
    return format_month(parse_month(lo) - n), format_month(parse_month(lo) - 1)


COUNT_QUANTITIES = (
    ("SF-09: coups in the six states 2020-08..2022-12", COUP_STATES, ("2020-08", "2022-12")),
    ("SF-09: coups in the six states 2023-01..2025-12", COUP_STATES, ("2023-01", "2025-12")),
    ("SF-09: coups in MD states 2019-2025", MD_STATES, ("2019-01", "2025-12")),
)


def distribution_table(
    views: Sequence[RunView], annual: pd.DataFrame, observed_violence: pd.Series
) -> pd.DataFrame:
    """SF-09's counts and SF-03's 2024 level: the model's 90% predictive interval, width,
    interval score and CRPS beside the naive forecasters'. Base rate: a Poisson count at
    the 2009-2018 rate of each state's class; persistence: the observed count of the
    window of the same length just before, or the last in-sample observed level (2022)
    for violence."""
    rates = base_rates()["coup"]
    counts = [coup_counts(v) for v in views]
    coups = all_coups()
    keys = {
        COUNT_QUANTITIES[0][0]: ("coups in the six states 2020-08..2022-12",),
        COUNT_QUANTITIES[1][0]: ("coups in the six states 2023-01..2025-12",),
        COUNT_QUANTITIES[2][0]: ("coups in MD states 2019-2022", "coups in MD states 2023-2025"),
    }
    rows = []
    for name, states, (lo, hi) in COUNT_QUANTITIES:
        observed = _count(coups, states, lo, hi)
        assert observed == sum(SF09_OBSERVED[k] for k in keys[name]), name
        yearly = sum(rates[regime_class(c)] for c in states)
        forecasts = [
            CountForecast("model", samples=tuple(sum(c[k] for k in keys[name]) for c in counts)),
            CountForecast("base rate 2009-2018", poisson_mean=yearly * _months(lo, hi) / 12.0),
            CountForecast("persistence", point=_count(coups, states, *_before(lo, hi))),
        ]
        rows.append(score_count(observed, forecasts).assign(quantity=name))
    scale = violence_scale(annual, observed_violence)
    v2024 = annual[annual.year == 2024].activity * scale
    forecasts = [
        CountForecast("model", samples=tuple(float(x) for x in v2024)),
        CountForecast("persistence", point=float(observed_violence[max(SCALE_YEARS)])),
    ]
    rows.append(
        score_count(float(observed_violence[2024]), forecasts).assign(
            quantity="SF-03: 2024 fatalities"
        )
    )
    df = pd.concat(rows, ignore_index=True)
    cols = ["quantity", "forecaster"]
    return df[cols + [c for c in df.columns if c not in cols]]


def distribution_parts(table: pd.DataFrame) -> pd.DataFrame:
    """The model's rows of `distribution_table` as scorecard parts (holds 100 or 0: the
    observed value inside the simulated 90% interval), for sim.validation.split."""
    model = table[table.forecaster == "model"]
    return pd.DataFrame(
        {
            "fact": [q.split(":")[0] for q in model.quantity],
            "part": [f"{q} inside the 90% interval" for q in model.quantity],
            "title": "",
            "holds_pct": [100.0 * b for b in model.inside],
            "n": 1,
        }
    )


def annual_from_views(views: Sequence[RunView]) -> pd.DataFrame:
    """Replicate x year central-Sahel violence (as `score_tables` returns it)."""
    rows = []
    for k, v in enumerate(views):
        a = annual_sahel(v)
        rows.append(pd.DataFrame({"run_id": k, "year": a.index, "activity": a.values}))
    return pd.concat(rows, ignore_index=True)
