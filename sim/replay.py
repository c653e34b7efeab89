"""The historical replay's scorecard: does the model reproduce 2019-2025?

`scenarios/historical_2019_replay.yaml` starts in 2019-01 and is fed only exogenous
shocks; this module scores what the mechanisms make of them against the stylized facts
of the calibration set (docs/history/calibration_facts.md, ids SF-01 to
SF-12; the set has no SF-04, SF-06, SF-07, SF-08 or SF-11). Each fact is one function
that evaluates the fact's test on one run's tables and returns pass/fail, the result of
each part of the test and the measured values; a fact "holds" for a batch in the share
of replicates where it passes. Parts of a test the model cannot represent are listed in
`Fact.not_modelled` and printed with the scorecard, never silently dropped.

The replay also runs with coups endogenous (`endogenous_variant`): the scheduled coups
are removed and the coup mechanism decides; fact SF-09 is the test of that variant.

Observed versus simulated: central-Sahel jihadist violence (the monthly metric
``jihadist_deaths_sahel``: activity x population x the registry's deaths per million at
activity 1, i.e. deaths per year on the Global Terrorism Index's scale, averaged over
each calendar year) against the ACSS series of fatalities linked to militant Islamist
groups. ACSS counts more deaths than the GTI, so the series is shown with the one scale
that makes the median simulated 2023 equal the observed 2023 (`sahel_series`); SF-03's
test is on ratios, which that scale leaves unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .calendar import format_month, parse_month
from .scenario import Scenario

REPLAY = "historical_2019_replay"
ENDOGENOUS_SUFFIX = "_endogenous"

AES = ("MLI", "BFA", "NER")  # the central Sahel: Mali, Burkina Faso, Niger
RUSSIA_HOSTS = ("CAF", "MLI", "BFA", "NER")  # SF-05
COUP_STATES = ("MLI", "BFA", "NER", "TCD", "GIN", "SDN")  # SF-09
MD_STATES = ("DZA", "EGY", "ISR", "JOR", "MRT", "MAR", "TUN")  # Mediterranean Dialogue
SF02_FRENCH_SAHEL = ("MLI", "BFA", "NER", "TCD")

# Observed dates and thresholds of the facts' tests (calibration_facts.md).
SF01_LAG_MONTHS = 24
SF02_ZERO_BY = "2025-02"
SF02_NIGER_US_ZERO_BY = "2024-09"
SF02_SPREAD_WINDOW = ("2024-11", "2025-12")
SF02_SPREAD_NO_COUP = ("2022-01", "2023-12")
SF02_SPREAD_MIN_STATES = 2
SF03_RATIO_2023 = 2.5
SF03_RATIO_2022_2024 = 1.5
SF03_PLATEAU = (0.8, 1.1)
# SF-05: the observed month each host count was first reached ...
SF05_OBSERVED_STEPS = {2: "2021-12", 3: "2024-01", 4: "2024-04"}
# ... and the tolerance of the replay's timing: the facts' thresholds are "loose on
# purpose", and SF-01 itself allows 24 months from coup to Russian presence; 12 months
# either side keeps the order and the pace of the spread without asking for the month.
SF05_TOLERANCE_MONTHS = 12
SF05_VIOLENCE_LAG_MONTHS = 12
# "by itself" is causal: the run against its twin without Russian forces in the central
# Sahel, over the months after each arrival; equal within rounding counts as not lower
SF05_SAME = 1e-9
COUNTERFACTUAL_SUFFIX = "_no_russia_sahel"
SF09_WINDOW = ("2020-08", "2023-07")
SF09_MIN_COUPS = 6
SF09_QUIET_UNTIL = "2025-12"
SF10_MAX_LAG_MONTHS = 3
SF12_SUMMITS = ("2022-06", "2023-07", "2024-07", "2025-06")
SF12_DCB_BY = "2022-12"
SF12_DCB_PACKAGES = 4

# ACSS, fatalities linked to militant Islamist groups, Sahel theatre (ACLED-based);
# 2020 and 2021 derived by ACSS from its percentage changes (replay_inputs.md).
ACSS_FATALITIES = {2020: 4150, 2021: 4850, 2022: 7899, 2023: 11643, 2024: 10400}
ACSS_SOURCES = (
    "https://www.defenceweb.co.za/featured/fatalities-from-militant-islamist-violence-in-africa-soar-by-50-per-cent/",
    "https://adf-magazine.com/terrorism-deaths-climb-sharply-in-2023-concentrated-in-sahel-somalia",
    "https://adf-magazine.com/?p=123604",
)
SCALE_YEAR = 2023


@dataclass
class RunView:
    """One run's tables, pivoted for the tests: months x actors arrays by metric."""

    dates: list[str]
    codes: list[str]
    west: np.ndarray
    russia: np.ndarray
    jihad: np.ndarray
    regime: np.ndarray
    sahel: pd.Series  # jihadist_deaths_sahel by date (deaths per year, GTI scale)
    events: pd.DataFrame
    dcb_starts: list[str] = field(default_factory=list)
    attention: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))  # nato_attention
    # the same seed with Russian forces denied in the central Sahel (`counterfactual`):
    # SF-05's "does not by itself lower violence" compares the two
    counterfactual: RunView | None = None

    @classmethod
    def from_tables(
        cls,
        monthly: pd.DataFrame,
        countries: pd.DataFrame,
        events: pd.DataFrame,
        scenario: Scenario | None = None,
    ) -> RunView:
        dates = sorted(set(countries.date))
        codes = sorted(set(countries.iso3))
        ordered = countries.sort_values(["date", "iso3"], kind="stable")
        shape = (len(dates), len(codes))

        def grid(col: str) -> np.ndarray:
            return ordered[col].to_numpy().reshape(shape)

        dcb = [format_month(d.start) for d in scenario.policy.dcb] if scenario else []
        return cls(
            dates=dates,
            codes=codes,
            west=grid("western_presence"),
            russia=grid("russian_presence"),
            jihad=grid("jihadist"),
            regime=grid("regime"),
            sahel=monthly.set_index("date").jihadist_deaths_sahel.sort_index(),
            attention=monthly.set_index("date").nato_attention.sort_index(),
            events=events,
            dcb_starts=dcb,
        )

    def col(self, code: str) -> int:
        return self.codes.index(code)

    def row(self, date: str) -> int:
        """Index of a month, clipped into the run."""
        k = parse_month(date) - parse_month(self.dates[0])
        return int(min(max(k, 0), len(self.dates) - 1))

    def at(self, what: np.ndarray, code: str, date: str) -> float:
        return float(what[self.row(date), self.col(code)])

    def kind(self, kind: str, codes: Iterable[str] | None = None) -> pd.DataFrame:
        e = self.events
        if e.empty:
            return e
        sel = e.kind == kind
        if codes is not None:
            sel &= e.iso3.isin(list(codes))
        return e[sel]

    def first_month(self, mask: np.ndarray) -> str | None:
        """The first month where a boolean series is true, or None."""
        hits = np.flatnonzero(mask)
        return self.dates[hits[0]] if len(hits) else None


@dataclass
class FactResult:
    """A fact's test on one run: pass/fail, each part, and what was measured."""

    fact: str
    holds: bool
    checks: dict[str, bool]
    measured: dict[str, float | str | None]


@dataclass(frozen=True)
class Fact:
    id: str
    title: str
    test: Callable[[RunView], FactResult]
    not_modelled: tuple[str, ...] = ()
    input_driven: bool = False  # True where the replay's inputs decide the outcome
    # How far a run's measured values are from the observed ones (0 = as observed), for
    # calibration where no candidate makes the test pass (sim.calibrate).
    distance: Callable[[dict], float] | None = None


def _months_between(a: str | None, b: str | None) -> float:
    if a is None or b is None:
        return float("nan")
    return float(parse_month(b) - parse_month(a))


def _add(date: str, months: int) -> str:
    return format_month(parse_month(date) + months)


def _result(fact: str, checks: dict[str, bool], measured: dict) -> FactResult:
    return FactResult(fact, all(checks.values()), checks, measured)


# ------------------------------------------------------------------------------ facts
def sf01(run: RunView) -> FactResult:
    """SF-01: after its last coup, each central-Sahel junta has no Western and some
    Russian presence within 24 months."""
    checks, measured = {}, {}
    coups = run.kind("coup", AES)
    for c in AES:
        dates = sorted(coups[coups.iso3 == c].date)
        if not dates:
            checks[f"{c} had a coup"] = False
            continue
        t0, deadline = dates[-1], _add(dates[-1], SF01_LAG_MONTHS)
        checks[f"{c} Western presence 0 by last coup + 24 months"] = (
            run.at(run.west, c, deadline) == 0
        )
        checks[f"{c} Russian presence > 0 by last coup + 24 months"] = (
            run.at(run.russia, c, deadline) > 0
        )
        i = run.col(c)
        measured[f"{c} months to Western exit"] = _months_between(
            t0, run.first_month(run.west[:, i] == 0)
        )
        measured[f"{c} months to Russian arrival"] = _months_between(
            t0, run.first_month(run.russia[:, i] > 0)
        )
    # caveat, measured only: a coup is not sufficient (Guinea, Chad had no Russian forces)
    for c in ("TCD", "GIN"):
        measured[f"{c} Russian presence by 2025-12"] = run.at(run.russia, c, "2025-12")
    return _result("SF-01", checks, measured)


def sf02(run: RunView) -> FactResult:
    """SF-02: the Western footprint in the Sahel falls to zero by early 2025 and the
    exit spreads to states without a 2022-2023 coup."""
    idx = [run.col(c) for c in SF02_FRENCH_SAHEL]
    total = run.west[:, idx].sum(axis=1)
    coups = run.kind("coup")
    lo, hi = (parse_month(d) for d in SF02_SPREAD_NO_COUP)
    couped = {r.iso3 for r in coups.itertuples() if lo <= parse_month(r.date) <= hi}
    before, end = _add(SF02_SPREAD_WINDOW[0], -1), SF02_SPREAD_WINDOW[1]
    spread = [
        c
        for c in run.codes
        if c not in couped and run.at(run.west, c, before) > 0 and run.at(run.west, c, end) == 0
    ]
    checks = {
        "Sahel Western presence never rises": bool(np.all(np.diff(total) <= 1e-9)),
        f"Sahel Western presence 0 by {SF02_ZERO_BY}": float(total[run.row(SF02_ZERO_BY)]) == 0,
        f"Niger Western presence 0 by {SF02_NIGER_US_ZERO_BY}": (
            run.at(run.west, "NER", SF02_NIGER_US_ZERO_BY) == 0
        ),
        ">= 2 states without a 2022-2023 coup end Western basing 2024-11..2025-12": (
            len(spread) >= SF02_SPREAD_MIN_STATES
        ),
    }
    measured = {
        "Sahel Western presence 2019-01": float(total[0]),
        f"Sahel Western presence {SF02_ZERO_BY}": float(total[run.row(SF02_ZERO_BY)]),
        "states ending Western basing 2024-11..2025-12": ", ".join(spread) or "none",
    }
    return _result("SF-02", checks, measured)


def annual_sahel(run: RunView) -> pd.Series:
    """Central-Sahel jihadist violence (deaths per year on the GTI scale, metric
    ``jihadist_deaths_sahel``), mean of each calendar year of the run."""
    s = run.sahel
    return s.groupby(s.index.str[:4].astype(int)).mean()


def _region_weights(codes: list[str]) -> np.ndarray:
    """Population of each on-grid non-NATO state of the region (0 for the others)."""
    from .roster import load_roster

    t = load_roster().table
    member = (t.on_grid == 1) & (t.nato != 1) & ~t.index.isin(["RUS", "XNA"])
    pop = t.population_m.fillna(0.0).where(member, 0.0)
    return pop.reindex(codes).fillna(0.0).to_numpy(dtype=float)


def sahel_share(run: RunView) -> pd.Series:
    """The central Sahel's share of the region's jihadist activity (population-weighted),
    mean of each calendar year: the model's counterpart of the Sahel's share of global
    terrorism deaths (the model's region stands in for the world)."""
    w = _region_weights(run.codes)
    aes = np.isin(run.codes, AES)
    total = run.jihad @ w
    share = np.divide(run.jihad[:, aes] @ w[aes], total, out=np.zeros_like(total), where=total > 0)
    s = pd.Series(share, index=run.dates)
    return s.groupby(s.index.str[:4].astype(int)).mean()


def sf03(run: RunView) -> FactResult:
    """SF-03: central-Sahel jihadist violence rises after the coups and exits, then
    plateaus at a high level (ratios of annual activity = ratios of fatalities), and the
    Sahel's share of the region's violence rises year on year 2022 -> 2024."""
    y = annual_sahel(run)
    base = y.get(2020, np.nan)
    r = {k: float(y.get(k, np.nan) / base) for k in range(2019, 2026)}
    after = [y[k] for k in y.index if k > 2021]
    share = sahel_share(run)
    checks = {
        "2023 >= 2.5 x 2020": r[2023] >= SF03_RATIO_2023,
        "each of 2022-2024 >= 1.5 x 2020": min(r[2022], r[2023], r[2024]) >= SF03_RATIO_2022_2024,
        "2024 within -20%/+10% of 2023": SF03_PLATEAU[0] <= r[2024] / r[2023] <= SF03_PLATEAU[1],
        "no year after 2021 below 2021": bool(min(after) >= y.get(2021, np.inf)),
        "Sahel share of the region's violence rises 2022 -> 2023 -> 2024": bool(
            share.get(2022, np.nan) < share.get(2023, np.nan) < share.get(2024, np.nan)
        ),
    }
    measured = {f"{k} / 2020": round(v, 3) for k, v in r.items()}
    measured.update({f"Sahel share {k}": round(float(share[k]), 4) for k in (2022, 2023, 2024)})
    return _result("SF-03", checks, measured)


def sf05(run: RunView) -> FactResult:
    """SF-05: Russia's footprint grows host by host through the juntas, with no gap
    and no expulsion, and Russian presence does not by itself lower violence."""
    idx = [run.col(c) for c in RUSSIA_HOSTS]
    present = run.russia[:, idx] > 0
    count = present.sum(axis=1)
    checks = {
        "starts with one host (CAF)": int(count[0]) == 1 and bool(present[0, 0]),
        "no host loses Russian presence (no expulsion, no gap)": not bool(
            np.any(present[:-1] & ~present[1:])
        ),
    }
    measured = {}
    for k, observed in SF05_OBSERVED_STEPS.items():
        reached = run.first_month(count >= k)
        lag = _months_between(observed, reached)
        measured[f"{k} hosts reached (observed {observed})"] = reached
        checks[f"{k} hosts within {SF05_TOLERANCE_MONTHS} months of {observed}"] = bool(
            abs(lag) <= SF05_TOLERANCE_MONTHS
        )
    cf = run.counterfactual
    if cf is None:
        raise ValueError(
            "SF-05 compares each run with its counterfactual twin (the same seed with "
            "Russian forces denied in the central Sahel): score it with score_result or "
            "run_replay, or set RunView.counterfactual"
        )
    not_lower = []
    for c in AES:
        i = run.col(c)
        arrived = run.first_month(run.russia[:, i] > 0)
        if arrived is None:
            continue
        k = run.row(arrived)
        window = slice(k, min(k + SF05_VIOLENCE_LAG_MONTHS, len(run.dates)))  # never empty
        with_russia = float(run.jihad[window, i].mean())
        without = float(cf.jihad[window, cf.col(c)].mean())
        not_lower.append(with_russia >= without - SF05_SAME)
        measured[f"{c} jihadist activity, 12 months after Russian arrival, minus without"] = round(
            with_russia - without, 4
        )
        # what an observer sees (not a check: activity may fall for other reasons, as
        # Burkina Faso's did in 2024, GTI 2025: -21% after Africa Corps came in 2024-01)
        later = min(k + SF05_VIOLENCE_LAG_MONTHS, len(run.dates) - 1)
        measured[f"{c} jihadist activity change 12 months after Russian arrival"] = round(
            float(run.jihad[later, i] - run.jihad[k, i]), 4
        )
    checks["Russian forces by themselves do not lower jihadist activity (12 months)"] = all(
        not_lower
    )
    return _result("SF-05", checks, measured)


def sf09(run: RunView) -> FactResult:
    """SF-09: coups cluster in 2020-08..2023-07 in the Sahel and Sudan; none after,
    and none in Mediterranean Dialogue states."""
    coups = run.kind("coup")
    m = coups.date.map(parse_month) if len(coups) else pd.Series(dtype=int)
    lo, hi = (parse_month(d) for d in SF09_WINDOW)
    end = parse_month(SF09_QUIET_UNTIL)
    in_states = coups.iso3.isin(COUP_STATES) if len(coups) else pd.Series(dtype=bool)
    n_window = int((in_states & (m >= lo) & (m <= hi)).sum()) if len(coups) else 0
    n_after = int((in_states & (m > hi) & (m <= end)).sum()) if len(coups) else 0
    n_md = int((coups.iso3.isin(MD_STATES) & (m <= end)).sum()) if len(coups) else 0
    checks = {
        ">= 6 coups in the six states 2020-08..2023-07": n_window >= SF09_MIN_COUPS,
        "no coup in the six states 2023-08..2025-12": n_after == 0,
        "no coup in Mediterranean Dialogue states": n_md == 0,
    }
    measured = {
        "coups in the six states 2020-08..2023-07": n_window,
        "coups in the six states after 2023-07": n_after,
        "coups in MD states": n_md,
        "coups anywhere": len(coups),
    }
    return _result("SF-09", checks, measured)


def sf10(run: RunView) -> FactResult:
    """SF-10: the juntas form their own bloc within 3 months of the third junta, and
    nothing brings them back to their Western partners."""
    mil = np.stack([run.regime[:, run.col(c)] == "military" for c in AES], axis=1)
    t3 = run.first_month(mil.all(axis=1))
    bloc = run.kind("bloc_formation")
    first = min(bloc.date) if len(bloc) else None
    joined = {c: min(bloc[bloc.iso3 == c].date) for c in AES if (bloc.iso3 == c).any()}
    complete = max(joined.values()) if len(joined) == len(AES) else None
    checks = {
        "the three juntas exist": t3 is not None,
        "no bloc before the third junta": first is not None and t3 is not None and first >= t3,
        "all three in the bloc within 3 months of the third junta": complete is not None
        and t3 is not None
        and _months_between(t3, complete) <= SF10_MAX_LAG_MONTHS,
    }
    back = False
    for c in AES:
        i = run.col(c)
        gone = np.flatnonzero(run.west[:, i] == 0)
        back |= bool(len(gone) and np.any(run.west[gone[0] :, i] > 0))
    checks["no junta takes Western forces back"] = not back
    measured = {
        "third junta": t3,
        "bloc founded": first,
        "all three members": complete,
        "bloc members": ", ".join(sorted(set(bloc.iso3))) if len(bloc) else "none",
    }
    return _result("SF-10", checks, measured)


# the month before the expert group (2023-10) and the month after the action plan and
# the special representative (2024-07): docs/history/calibration_facts.md, SF-12
SF12_STEP = ("2023-09", "2024-08")


def sf12(run: RunView) -> FactResult:
    """SF-12: NATO keeps MD/ICI partners out of formal summit sessions and its 2024
    southern initiatives reverse no realignment."""
    summits = run.kind("summit")
    invited = {
        d: int(summits[summits.date == d].invited.sum()) if "invited" in summits else 0
        for d in SF12_SUMMITS
    }
    checks = {
        "summits 2022-2025 held with no MD/ICI partner": all(
            (summits.date == d).any() and n == 0 for d, n in invited.items()
        ),
    }
    before, after = run.attention.get(SF12_STEP[0]), run.attention.get(SF12_STEP[1])
    checks["NATO's southern engagement steps up 2023-10..2024-07"] = bool(
        before is not None and after is not None and after > before
    )
    k0, k1 = run.row("2024-01"), run.row("2025-12")
    idx = [run.col(c) for c in AES]
    r, w = run.russia[k0 : k1 + 1, idx], run.west[k0 : k1 + 1, idx]
    checks["no Russian drawdown in an AES state 2024-2025"] = bool(np.all(np.diff(r, axis=0) >= 0))
    checks["no Western return to an AES state 2024-2025"] = bool(np.all(np.diff(w, axis=0) <= 0))
    by = sum(d <= SF12_DCB_BY for d in run.dcb_starts)
    later = sum(d > SF12_DCB_BY for d in run.dcb_starts)
    checks["4 DCB packages by 2022, none new 2023-2025"] = by == SF12_DCB_PACKAGES and later == 0
    measured = {f"MD/ICI partners invited {d}": n for d, n in invited.items()}
    measured["DCB packages by 2022"] = by
    return _result("SF-12", checks, measured)


SF09_OBSERVED_COUPS = 8


def sf09_distance(measured: dict) -> float:
    """Coups missing from or added to the observed wave of eight, per observed coup."""
    return (
        abs(measured["coups in the six states 2020-08..2023-07"] - SF09_OBSERVED_COUPS)
        + measured["coups in the six states after 2023-07"]
        + measured["coups in MD states"]
    ) / SF09_OBSERVED_COUPS


FACTS: dict[str, Fact] = {
    f.id: f
    for f in (
        Fact(
            "SF-01", "central-Sahel juntas swap Western for Russian partners within ~2 years", sf01
        ),
        Fact(
            "SF-02",
            "Western footprint in the Sahel collapses by early 2025; exit spreads to non-juntas",
            sf02,
            not_modelled=("French and US troops are one Western presence per state",),
        ),
        Fact(
            "SF-03",
            "central-Sahel jihadist violence rises after the coups and exits, then plateaus",
            sf03,
            not_modelled=(
                "the Sahel share of global terrorism deaths: the share of the model's region stands in",
            ),
        ),
        Fact(
            "SF-05",
            "Russia's footprint grows host by host; Wagner -> Africa Corps leaves no gap",
            sf05,
        ),
        Fact(
            "SF-09",
            "coups cluster 2020-08..2023-07 in the Sahel and Sudan; none in MD states",
            sf09,
            input_driven=True,
            distance=sf09_distance,
        ),
        Fact(
            "SF-10",
            "the juntas form their own bloc within months; sanctions do not reverse them",
            sf10,
            not_modelled=(
                "G5 Sahel and ECOWAS membership (no regional frameworks in the model)",
                "ECOWAS sanctions (no sanction event)",
            ),
        ),
        Fact(
            "SF-12",
            "NATO's 2024 southern step stays marginal and reverses no realignment",
            sf12,
            input_driven=True,
        ),
    )
}


def score(run: RunView, facts: Iterable[str] | None = None) -> dict[str, FactResult]:
    """Every fact's test on one run."""
    return {f: FACTS[f].test(run) for f in (facts or FACTS)}


def score_result(result, facts: Iterable[str] | None = None) -> dict[str, FactResult]:
    """Score a `sim.Result` (one run of `simulate`); SF-05 runs its counterfactual twin
    (the same scenario and seed with Russian forces denied in the central Sahel)."""
    from .run import simulate

    view = RunView.from_tables(result.monthly, result.countries, result.events, result.scenario)
    if facts is None or "SF-05" in facts:
        twin = simulate(counterfactual_variant(result.scenario), seed=result.seed)
        view.counterfactual = RunView.from_tables(
            twin.monthly, twin.countries, twin.events, twin.scenario
        )
    return score(view, facts)


# ------------------------------------------------------------------------ the variant
def _variant(scenario: Scenario, suffix: str, what: str, data: dict) -> Scenario:
    """A scenario derived from another: its name with `suffix`, `what` before its
    description, `data` its edited model_dump()."""
    data["name"] = scenario.name + suffix
    data["description"] = what + " " + scenario.description
    return Scenario.from_dict(data, path=scenario.source_path or "<replay>")


def endogenous_variant(scenario: Scenario) -> Scenario:
    """The replay with its scheduled coups removed and the coup mechanism switched on
    (SF-09 asks whether the mechanism, not the schedule, produces the coup wave)."""
    data = scenario.model_dump()
    data["endogenous_coups"] = True
    data["events"] = [e for e in data["events"] if e["kind"] != "coup"]
    what = (
        "The historical replay with coups endogenous: scheduled coups removed, the coup "
        "mechanism decides."
    )
    return _variant(scenario, ENDOGENOUS_SUFFIX, what, data)


def counterfactual_variant(scenario: Scenario) -> Scenario:
    """The scenario with Russian forces denied in the central Sahel (`russia.denied`),
    everything else the same: SF-05's test that Russian forces do not by themselves lower
    violence compares each run with this twin at the same seed (common random numbers:
    the two runs are identical until the first Russian arrival there)."""
    data = scenario.model_dump()
    data["russia"]["denied"] = sorted(set(data["russia"]["denied"]) | set(AES))
    what = "Counterfactual: no Russian forces in Mali, Burkina Faso and Niger."
    return _variant(scenario, COUNTERFACTUAL_SUFFIX, what, data)


# ---------------------------------------------------------------------- aggregation
def scorecard(scores: Iterable[dict[str, FactResult]]) -> pd.DataFrame:
    """Share of replicates in which each fact (and each part of its test) holds.

    Returns one row per fact and part: ``fact``, ``part`` ("" for the whole fact),
    ``holds_pct`` and ``n`` (replicates scored).
    """
    rows = []
    scores = list(scores)
    for fid, fact in FACTS.items():
        results = [s[fid] for s in scores if fid in s]
        if not results:
            continue
        n = len(results)
        rows.append(
            {
                "fact": fid,
                "part": "",
                "title": fact.title,
                "holds_pct": 100.0 * sum(r.holds for r in results) / n,
                "n": n,
            }
        )
        for part in results[0].checks:
            ok = sum(r.checks.get(part, False) for r in results)
            rows.append(
                {"fact": fid, "part": part, "title": "", "holds_pct": 100.0 * ok / n, "n": n}
            )
    return pd.DataFrame(rows, columns=["fact", "part", "title", "holds_pct", "n"])


def sahel_series(annual: pd.DataFrame) -> pd.DataFrame:
    """Simulated versus observed central-Sahel violence by year.

    Args:
        annual: one row per replicate and year with columns ``year`` and ``activity``
            (annual mean of ``jihadist_deaths_sahel``, as `annual_sahel` gives).

    Returns one row per year: the median and 10-90% range of simulated activity, the
    same scaled to fatalities (one factor for all years and replicates: observed 2023
    over median simulated 2023), the observed ACSS fatalities where known, and both
    series as ratios to 2020.
    """
    g = annual.groupby("year").activity
    out = pd.DataFrame(
        {
            "activity_median": g.median(),
            "activity_p10": g.quantile(0.1),
            "activity_p90": g.quantile(0.9),
        }
    )
    scale = ACSS_FATALITIES[SCALE_YEAR] / out.activity_median.get(SCALE_YEAR, np.nan)
    out["simulated_fatalities"] = (out.activity_median * scale).round(0)
    out["simulated_p10"] = (out.activity_p10 * scale).round(0)
    out["simulated_p90"] = (out.activity_p90 * scale).round(0)
    out["observed_fatalities"] = pd.Series(ACSS_FATALITIES, dtype=float)
    out["simulated_ratio_2020"] = out.activity_median / out.activity_median.get(2020, np.nan)
    out["observed_ratio_2020"] = out.observed_fatalities / ACSS_FATALITIES[2020]
    out.index.name = "year"
    return out.reset_index()


# ------------------------------------------------------------------- running a replay
@dataclass
class ReplayReport:
    """What `run_replay` produced: per variant, the scorecard and the annual series."""

    path: str
    seconds: float
    replicates: int
    cards: dict[str, pd.DataFrame]  # variant ("scheduled", "endogenous") -> scorecard
    scores: dict[str, list[dict[str, FactResult]]]
    annual: dict[str, pd.DataFrame]  # variant -> replicate x year activity
    series: pd.DataFrame  # the scheduled-coups replay against the ACSS series

    def table(self) -> pd.DataFrame:
        """Facts (whole-fact rows) with the share holding in each variant, in %."""
        out = None
        for variant, card in self.cards.items():
            c = card[card.part == ""].set_index("fact")[["title", "holds_pct"]]
            c = c.rename(columns={"holds_pct": variant})
            out = c if out is None else out.join(c[[variant]])
        return out.reset_index()


def replay_scenarios(path: str | None = None) -> dict[str, Scenario]:
    """The replay (scheduled coups) and its endogenous-coups variant."""
    from . import library

    main = library.load(path or REPLAY)
    return {"scheduled": main, "endogenous": endogenous_variant(main)}


def run_views(
    monthly: pd.DataFrame, countries: pd.DataFrame, events: pd.DataFrame, scenario: Scenario
) -> dict[str, RunView]:
    """One RunView per run of one scenario in batch tables (with a ``run_id`` column)."""
    ev = dict(tuple(events.groupby("run_id"))) if len(events) else {}
    cs = dict(tuple(countries.groupby("run_id")))
    return {
        run_id: RunView.from_tables(m, cs[run_id], ev.get(run_id, events.iloc[:0]), scenario)
        for run_id, m in monthly.groupby("run_id", sort=False)
    }


def score_tables(
    monthly: pd.DataFrame,
    countries: pd.DataFrame,
    events: pd.DataFrame,
    scenario: Scenario,
    twins: dict[str, RunView] | None = None,
) -> tuple[list[dict[str, FactResult]], pd.DataFrame]:
    """Score every run of one scenario in batch tables (with a ``run_id`` column);
    `twins` maps each run_id to its counterfactual twin's view (needed by SF-05)."""
    scores, annual = [], []
    for run_id, view in run_views(monthly, countries, events, scenario).items():
        view.counterfactual = (twins or {}).get(run_id)
        scores.append(score(view))
        a = annual_sahel(view)
        annual.append(pd.DataFrame({"run_id": run_id, "year": a.index, "activity": a.values}))
    return scores, pd.concat(annual, ignore_index=True)


def run_replay(
    replicates: int = 20,
    *,
    seed: int | None = None,
    out: str | None = None,
    workers: int | None = None,
    executor: str = "processes",
    progress: bool | None = None,
    scenario: str | None = None,
    scheduler=None,
) -> ReplayReport:
    """Run the replay and its endogenous-coups variant through the batch machinery
    (resumable: rerun with the same `out` to finish an interrupted replay) and score
    every replicate against the stylized facts."""
    import time

    from .batch import load, run_batch

    variants = replay_scenarios(scenario)
    twins = {v: counterfactual_variant(sc) for v, sc in variants.items()}
    t0 = time.perf_counter()
    summary = run_batch(
        [*variants.values(), *twins.values()],
        replicates=replicates,
        seed=seed,
        out=out,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        label="replay",
    )
    batch = load(summary.path)
    tables = [batch.read(t) for t in ("monthly", "countries", "events")]

    def pick(sc: Scenario) -> tuple[pd.DataFrame, ...]:
        ids = set(batch.runs[batch.runs.scenario == sc.name].run_id)
        return tuple(df[df.run_id.isin(ids)] for df in tables)

    # each run is paired with its twin by replicate seed (common random numbers)
    seed_of = batch.runs.set_index("run_id").seed
    cards, scores, annual = {}, {}, {}
    for variant, sc in variants.items():
        twin_views = run_views(*pick(twins[variant]), twins[variant])
        by_seed = {seed_of[r]: v for r, v in twin_views.items()}
        monthly, countries, events = pick(sc)
        paired = {r: by_seed[seed_of[r]] for r in set(monthly.run_id)}
        scores[variant], annual[variant] = score_tables(monthly, countries, events, sc, paired)
        cards[variant] = scorecard(scores[variant])
    return ReplayReport(
        path=str(summary.path),
        seconds=time.perf_counter() - t0,
        replicates=replicates,
        cards=cards,
        scores=scores,
        annual=annual,
        series=sahel_series(annual["scheduled"]),
    )
