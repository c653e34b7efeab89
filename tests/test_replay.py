"""The historical replay 2019-2025: its inputs are only exogenous shocks, its scorecard
tests say what the stylized facts say, and the model reproduces the facts in most
replicates at a fixed batch seed (docs/calibration.md gives the reached shares).

The thresholds below are the shares of replicates the calibrated model reaches, not a
wish: 80% where the fact is reproduced, and the honest level reached where it is not
(each such gap is explained in docs/calibration.md, "Gaps"). Lowering one needs the
same explanation there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import Scenario, simulate
from sim.batch.design import replicate_seeds
from sim.calendar import format_month, parse_month
from sim.validation.facts import AES, FACTS, RunView, sf01, sf03, sf05, sf09, sf10
from sim.validation.replay import (
    HEADLINE,
    REPLAY,
    counterfactual_variant,
    endogenous_variant,
    observed_fatalities,
    replay_scenarios,
    sahel_series,
    score_result,
    scorecard,
)

ROOT = Path(__file__).resolve().parent.parent
REPLAY_FILE = ROOT / "scenarios" / f"{REPLAY}.yaml"
BATCH_SEED = 2019  # the default of `southflank replay`
REPLICATES = 20

# Share of replicates (%) in which each whole fact must hold in the diagnostic variant
# with the scheduled coups. 80 is the bar; a lower value is the honest level reached
# (docs/calibration.md, "Gaps"). The headline (everything endogenous) is held to its
# parts below and to the proper scores (tests/test_validation.py).
THRESHOLD = {
    "SF-05": 80,
    "SF-09": 100,  # scheduled coups: a check that the inputs are the observed coups
    "SF-10": 80,
    "SF-12": 100,
}
# Facts the model does not reproduce as a whole: the parts it does reproduce, so that a
# regression there still fails (docs/calibration.md, "Gaps").
PART_THRESHOLD = {
    # SF-01 and SF-02 since expulsions need a political change (the baseline's
    # plausibility: no exit under an unchanged government) and hostility moves only with
    # governments (docs/calibration.md, "Seventh round"): a junta drawn below the
    # expulsion threshold no longer drifts into expelling later. Whole facts 75% and 0%
    # of 20 (were 100% and 85%); the parts below still hold.
    ("scheduled", "SF-01", "MLI Western presence 0 by last coup + 24 months"): 80,
    ("scheduled", "SF-01", "MLI Russian presence > 0 by last coup + 24 months"): 80,
    ("scheduled", "SF-01", "BFA Western presence 0 by last coup + 24 months"): 80,
    ("scheduled", "SF-01", "BFA Russian presence > 0 by last coup + 24 months"): 80,
    ("scheduled", "SF-01", "NER Western presence 0 by last coup + 24 months"): 80,
    ("scheduled", "SF-01", "NER Russian presence > 0 by last coup + 24 months"): 80,
    ("scheduled", "SF-02", "Sahel Western presence never rises"): 90,
    ("scheduled", "SF-02", "Sahel Western presence 0 by 2025-02"): 80,
    # SF-03: the rise is reproduced (timing and size); the 2024 plateau is not
    ("scheduled", "SF-03", "2022 >= 1.5 x 2020"): 80,
    ("scheduled", "SF-03", "2022 not below 2021"): 80,
    ("scheduled", "SF-03", "2023 >= 2.5 x 2020"): 80,
    ("scheduled", "SF-03", "2023 and 2024 >= 1.5 x 2020"): 80,
    ("scheduled", "SF-03", "no year 2023-2025 below 2021"): 80,
    # 100% of 50 since the sixth round (spill needs a foothold; before: 88%)
    ("scheduled", "SF-03", "Sahel share of the region's violence rises 2022 -> 2023 -> 2024"): 90,
    # the headline, everything endogenous: the honest levels reached (docs/calibration.md,
    # "Validation"); the coup wave and what follows from it are not reproduced
    ("endogenous", "SF-09", "no coup in Mediterranean Dialogue states 2019-2022"): 80,
    ("endogenous", "SF-09", "no coup in Mediterranean Dialogue states 2023-2025"): 70,
    ("endogenous", "SF-05", "no Sahel host loses Russian presence (no expulsion, no gap)"): 90,
    ("endogenous", "SF-03", "2024 within -20%/+10% of 2023"): 70,
}


@pytest.fixture(scope="module")
def replay() -> Scenario:
    return Scenario.load(REPLAY_FILE)


# ----------------------------------------------------------------- the inputs
def test_the_replay_starts_in_2019_and_runs_to_2025(replay):
    assert format_month(replay.start) == "2019-01"
    assert format_month(replay.end - 1) == "2025-12"
    assert replay.endogenous_coups is False


def test_the_replay_schedules_only_exogenous_shocks(replay):
    """Outcomes that the facts test are never inputs: no Western withdrawal, no Russian
    arrival, no bloc, no opening of a Russian base."""
    for e in replay.events:
        assert not (e.kind == "force_withdrawal" and e.side == "western"), e
        assert e.kind not in ("force_arrival", "bloc_formation"), e
        assert not (e.kind == "basing_agreement" and e.status == "open"), e
        assert e.source.strip(), f"event without a source: {e}"
    coups = sorted((format_month(e.date), e.country) for e in replay.events if e.kind == "coup")
    assert coups == [
        ("2020-08", "MLI"),
        ("2021-04", "TCD"),
        ("2021-05", "MLI"),
        ("2021-09", "GIN"),
        ("2021-10", "SDN"),
        ("2022-01", "BFA"),
        ("2022-09", "BFA"),
        ("2023-07", "NER"),
    ]


def test_the_summits_leave_the_southern_partners_out(replay):
    invited = {c for s in replay.policy.summits for c in s.invite}
    assert not invited & {"MD", "ICI", "DZA", "EGY", "JOR", "MAR", "MRT", "TUN", "QAT"}
    assert [format_month(s.date) for s in replay.policy.summits][-4:] == [
        "2022-06",
        "2023-07",
        "2024-07",
        "2025-06",
    ]


def test_the_headline_is_the_model_that_forecasts():
    """The replay validates the model the forecasts use: coups endogenous in the
    headline; the scheduled coups are a diagnostic variant."""
    variants = replay_scenarios()
    assert list(variants)[0] == HEADLINE == "endogenous"
    assert variants[HEADLINE].endogenous_coups is True
    assert variants["scheduled"].endogenous_coups is False


def test_the_endogenous_variant_drops_the_coups_and_nothing_else(replay):
    v = endogenous_variant(replay)
    assert v.endogenous_coups is True and v.name == f"{REPLAY}_endogenous"
    assert not any(e.kind == "coup" for e in v.events)
    assert len(v.events) == len(replay.events) - 8
    assert v.policy == replay.policy and v.start == replay.start


# ------------------------------------------------------- the tests of the facts
MONTHS = [format_month(parse_month("2019-01") + k) for k in range(84)]
CODES = sorted({"CAF", "MLI", "BFA", "NER", "TCD", "GIN", "SDN", "SEN", "DZA", "EGY", "SYR"})


def synthetic(
    coups: dict[str, list[str]],
    west_exit: dict[str, str],
    russia_in: dict[str, str],
    sahel: list[float] | None = None,
    bloc: dict[str, str] | None = None,
    rest: list[float] | None = None,
) -> RunView:
    """A hand-built run: Western presence 1 until its exit month, Russian presence 0.5
    from its arrival month, regimes military from the first coup, jihadist activity
    `sahel` in the central Sahel and `rest` (default 1) elsewhere."""
    n, m = len(MONTHS), len(CODES)
    west, russia = np.ones((n, m)), np.zeros((n, m))
    regime = np.full((n, m), "hybrid", dtype=object)
    russia[:, CODES.index("CAF")] = 0.5
    # Syria: Russian bases until Assad's fall, a drawdown after (an input of the replay)
    russia[:, CODES.index("SYR")] = [1.0 if d < "2024-12" else 0.25 for d in MONTHS]
    for c, d in west_exit.items():
        west[MONTHS.index(d) :, CODES.index(c)] = 0.0
    for c, d in russia_in.items():
        russia[MONTHS.index(d) :, CODES.index(c)] = 0.5
    rows = []
    for c, dates in coups.items():
        regime[MONTHS.index(min(dates)) :, CODES.index(c)] = "military"
        rows += [{"date": d, "kind": "coup", "iso3": c} for d in dates]
    rows += [{"date": d, "kind": "bloc_formation", "iso3": c} for c, d in (bloc or {}).items()]
    sahel = sahel if sahel is not None else [0.1] * n
    jihad = np.tile(np.array(rest if rest is not None else [1.0] * n)[:, None], (1, m))
    for c in AES:
        jihad[:, CODES.index(c)] = sahel
    return RunView(
        dates=MONTHS,
        codes=CODES,
        west=west,
        russia=russia,
        jihad=jihad,
        regime=regime,
        sahel=pd.Series(sahel, index=MONTHS),
        events=pd.DataFrame(rows, columns=["date", "kind", "iso3"]),
    )


HISTORY = {
    "coups": {"MLI": ["2020-08", "2021-05"], "BFA": ["2022-01", "2022-09"], "NER": ["2023-07"]},
    "west_exit": {"MLI": "2022-08", "BFA": "2023-02", "NER": "2023-12"},
    "russia_in": {"MLI": "2021-12", "BFA": "2024-01", "NER": "2024-04"},
}


def test_sf01_holds_for_the_observed_history_and_fails_without_the_swap():
    assert sf01(synthetic(**HISTORY)).holds
    late = {**HISTORY, "russia_in": {**HISTORY["russia_in"], "NER": "2025-09"}}
    res = sf01(synthetic(**late))
    assert not res.holds
    assert res.checks == {
        **{k: True for k in res.checks if "NER Russian" not in k},
        "NER Russian presence > 0 by last coup + 24 months": False,
    }
    assert res.measured["MLI months to Russian arrival"] == 7


def test_sf03_holds_for_the_acss_series_and_fails_for_a_reversal():
    def monthly(annual: dict[int, float]) -> list[float]:
        return [annual[int(d[:4])] for d in MONTHS]

    acss = {2019: 3.0, 2020: 4.15, 2021: 4.85, 2022: 7.9, 2023: 11.64, 2024: 10.4, 2025: 10.5}
    # terrorism deaths outside the Sahel fell (GTI): the Sahel's share rose 2022-2024
    elsewhere = monthly({2019: 9, 2020: 8, 2021: 7, 2022: 6, 2023: 5, 2024: 4, 2025: 4})
    assert sf03(synthetic(**HISTORY, sahel=monthly(acss), rest=elsewhere)).holds
    reversal = {**acss, 2024: 8.0, 2025: 6.0}
    res = sf03(synthetic(**HISTORY, sahel=monthly(reversal), rest=elsewhere))
    assert not res.holds and not res.checks["2024 within -20%/+10% of 2023"]
    steady_rest = sf03(synthetic(**HISTORY, sahel=monthly(acss)))
    assert not steady_rest.checks["Sahel share of the region's violence rises 2022 -> 2023 -> 2024"]


def with_twin(run: RunView, twin_sahel: list[float] | None = None) -> RunView:
    """The run with a counterfactual twin: the same history without Russian forces in
    the central Sahel, with the same violence unless `twin_sahel` says otherwise."""
    twin = synthetic(
        HISTORY["coups"], HISTORY["west_exit"], {}, sahel=twin_sahel or list(run.sahel)
    )
    run.counterfactual = twin
    return run


def test_sf05_needs_the_hosts_in_order_and_no_gap():
    assert sf05(with_twin(synthetic(**HISTORY))).holds
    early = {**HISTORY, "russia_in": {**HISTORY["russia_in"], "BFA": "2020-01"}}
    assert not sf05(with_twin(synthetic(**early))).checks["3 hosts within 12 months of 2024-01"]


def test_sf05_reads_by_itself_against_the_twin_without_russian_forces():
    """The fact says Russian presence does not *by itself* lower violence: a fall after
    an arrival is allowed (Burkina Faso's terrorism deaths fell 21% in 2024 after Africa
    Corps came in 2024-01, GTI 2025), a fall caused by the arrival is not."""
    key = "Russian forces by themselves do not lower jihadist activity (12 months)"
    falling = [0.3] * MONTHS.index("2024-01") + [0.2] * (len(MONTHS) - MONTHS.index("2024-01"))
    # violence falls after the arrivals, and just as much without them: holds
    run = with_twin(synthetic(**HISTORY, sahel=falling), twin_sahel=falling)
    assert run.jihad[MONTHS.index("2024-06"), CODES.index("BFA")] < 0.3
    assert sf05(run).checks[key]
    # the same run, but without Russian forces violence would have stayed higher: fails
    assert not sf05(with_twin(synthetic(**HISTORY, sahel=falling), [0.3] * len(MONTHS))).checks[key]
    with pytest.raises(ValueError, match="counterfactual twin"):
        sf05(synthetic(**HISTORY))


def test_the_counterfactual_twin_differs_only_by_russian_forces_in_the_sahel(replay):
    twin = counterfactual_variant(replay)
    assert set(twin.russia.denied) == set(AES)
    a_dump, b_dump = replay.model_dump(), twin.model_dump()
    assert {k for k in a_dump if a_dump[k] != b_dump[k]} == {"name", "description", "russia"}
    assert {k for k in a_dump["russia"] if a_dump["russia"][k] != b_dump["russia"][k]} == {"denied"}
    a, b = simulate(replay, seed=3), simulate(twin, seed=3)
    ra = a.countries[a.countries.iso3.isin(AES)]
    rb = b.countries[b.countries.iso3.isin(AES)]
    first = ra.loc[ra.russian_presence > 0, "date"].min()
    assert first is not None and (rb.russian_presence == 0).all()
    # common random numbers: identical until the first Russian arrival in the Sahel
    before = a.monthly.date < first
    pd.testing.assert_frame_equal(a.monthly[before], b.monthly[before])


def test_sf09_counts_the_coup_wave_by_the_data_split():
    wave = {
        "MLI": ["2020-08", "2021-05"],
        "BFA": ["2022-01", "2022-09"],
        "NER": ["2023-07"],
        "GIN": ["2021-09"],
        "TCD": ["2021-04"],
        "SDN": ["2021-10"],
    }
    res = sf09(synthetic(wave, {}, {}))
    assert res.holds
    assert res.measured["coups in the six states 2020-08..2022-12"] == 7
    assert res.measured["coups in the six states 2023-01..2025-12"] == 1
    late = {**wave, "TCD": ["2021-04", "2024-03"]}
    assert sf09(synthetic(late, {}, {})).measured["coups in the six states 2023-01..2025-12"] == 2
    md = {**wave, "EGY": ["2023-03"]}
    res = sf09(synthetic(md, {}, {}))
    assert res.checks["no coup in Mediterranean Dialogue states 2019-2022"]
    assert not res.checks["no coup in Mediterranean Dialogue states 2023-2025"]


def test_sf05_restated_reads_the_loss_of_a_patron_and_no_sahel_host_leaving():
    run = with_twin(synthetic(**HISTORY))
    part = "Syria's Russian presence falls after Assad's fall (the loss of a patron)"
    assert sf05(run).checks[part]
    kept = with_twin(synthetic(**HISTORY))
    kept.russia[:, CODES.index("SYR")] = 1.0
    assert not sf05(kept).checks[part]
    left = with_twin(synthetic(**HISTORY))
    left.russia[MONTHS.index("2025-03") :, CODES.index("MLI")] = 0.0
    assert not sf05(left).checks["no Sahel host loses Russian presence (no expulsion, no gap)"]


def test_sf10_needs_the_bloc_after_the_third_junta():
    on_time = {c: "2023-09" for c in AES}
    assert sf10(synthetic(**HISTORY, bloc=on_time)).holds
    early = {**on_time, "MLI": "2022-10", "BFA": "2022-10"}
    assert not sf10(synthetic(**HISTORY, bloc=early)).checks["no bloc before the third junta"]
    assert not sf10(synthetic(**HISTORY)).holds  # no bloc at all


def test_the_series_scale_is_fixed_from_the_calibration_window_only():
    """One factor for all years: observed 2020-2022 over simulated 2020-2022 (the data
    split: no year after 2022 may set it), so the simulated 2023 is not made equal to
    the observed one."""
    annual = pd.DataFrame(
        {
            "run_id": ["a"] * 5 + ["b"] * 5,
            "year": [2020, 2021, 2022, 2023, 2024] * 2,
            "activity": [0.1, 0.1, 0.2, 0.3, 0.28] * 2,
        }
    )
    s = sahel_series(annual).set_index("year")
    scale = (4150 + 4850 + 7899) / 0.4
    assert s.loc[2022, "simulated_fatalities"] == round(0.2 * scale)
    assert s.loc[2023, "simulated_fatalities"] == round(0.3 * scale) != 11643
    assert s.loc[2023, "simulated_ratio_2020"] == pytest.approx(3.0)
    assert s.loc[2023, "observed_ratio_2020"] == pytest.approx(11643 / 4150)


# ------------------------------------------------- the observed start of violence
def test_jihadist_activity_starts_from_the_observed_deaths(replay):
    """The replay starts from the Global Terrorism Index deaths of 2019 (roster columns),
    mapped by the registry's deaths per million per year at activity 1, not from a guess
    that ranked the Central African Republic and Sudan above the central Sahel."""
    from sim.model import SouthernFlankModel
    from sim.params import REGISTRY
    from sim.roster import load_roster

    s = SouthernFlankModel(replay, seed=1).state
    t = load_roster().table
    full = REGISTRY["jihad_deaths_full"].default
    for code in ("BFA", "MLI", "NER", "SYR", "NGA"):
        expected = t.loc[code, "jihadist_deaths_2019"] / t.loc[code, "population_m"] / full
        assert s.jihad[s.index(code)] == pytest.approx(expected)
    top = [s.codes[i] for i in np.argsort(-s.jihad)[:4]]
    assert {"BFA", "MLI"} <= set(top), top
    assert s.jihad[s.index("CAF")] == s.jihad[s.index("SDN")] == 0.0


def test_the_surge_before_the_start_counts_from_the_first_month(replay):
    """Burkina Faso's violence rose seven-fold 2018 -> 2019 (GTI 2020): the coup
    mechanism's smoothed past of insecurity starts at the 2018 level, so the surge is
    there in month one; a state without a 2018 observation starts with no surge, and a
    run from 2025 (whose year before is its own observed start) has none anywhere."""
    from sim.mechanisms import coups
    from sim.model import SouthernFlankModel
    from sim.roster import load_roster

    m = SouthernFlankModel(replay, seed=1)
    m.step()
    s = m.state
    rise = coups.insecurity_rise(s)
    t = load_roster().table
    assert t.loc["BFA", "jihadist_deaths_2018"] < t.loc["BFA", "jihadist_deaths_2019"] / 5
    assert rise[s.index("BFA")] > 0.15
    assert rise[s.index("BFA")] > rise[s.index("MLI")] > 0
    assert rise[s.index("TCD")] < 1e-3  # no 2018 value: its smoothed past is its start
    from sim import library

    base = SouthernFlankModel(library.load("hague_2025_baseline"), seed=1)
    base.step()
    assert coups.insecurity_rise(base.state).max() < 1e-2


def test_momentum_carries_the_observed_trend_only_where_it_was_observed(replay):
    """jihad_momentum (0 by default) adds the 2018 -> 2019 growth to a state's drift:
    Burkina Faso's rises, Chad's (no 2018 value) does not change."""
    from sim.model import SouthernFlankModel

    off = SouthernFlankModel(replay, seed=1).state
    on = SouthernFlankModel(replay.with_parameters({"jihad_momentum": 0.2}), seed=1).state
    d_on, d_off = on.private["grievance_jihadism"].drift, off.private["grievance_jihadism"].drift
    assert d_on[on.index("BFA")] > d_off[off.index("BFA")] + 0.02
    assert d_on[on.index("TCD")] == pytest.approx(d_off[off.index("TCD")])


def test_sahel_deaths_metric_is_activity_times_population_times_the_scale(replay):
    from sim.params import REGISTRY

    r = simulate(replay, seed=1)
    c = r.countries[r.countries.date == "2019-01"].set_index("iso3")
    pop = {"MLI": 24.48, "BFA": 23.55, "NER": 27.03}  # sim/data/actors.csv
    expected = REGISTRY["jihad_deaths_full"].default * sum(
        c.jihadist[k] * v for k, v in pop.items()
    )
    assert r.monthly.jihadist_deaths_sahel.iloc[0] == pytest.approx(expected)


def test_the_baseline_does_not_saturate_the_region():
    """Anchored on the observed violence of 2024, the ten-year baseline keeps jihadist
    activity where its drivers put it: no Mediterranean Dialogue state above 0.3 in
    2035, and at most a few states above 0.6 (before the anchor a dozen reached 1)."""
    from sim import library
    from sim.validation.facts import MD_STATES

    r = simulate(library.load("hague_2025_baseline"), seed=1)
    c = r.countries[r.countries.date == r.countries.date.max()].set_index("iso3").jihadist
    assert c[list(MD_STATES)].max() <= 0.3, c[list(MD_STATES)]
    assert (c > 0.6).sum() <= 3, c[c > 0.6]


# ------------------------------------------------------------ the model, replicated
@cache
def _scores(variant: str) -> list[dict]:
    scenario = Scenario.load(REPLAY_FILE)
    if variant == "endogenous":
        scenario = endogenous_variant(scenario)
    return [
        score_result(simulate(scenario, seed=s)) for s in replicate_seeds(BATCH_SEED, REPLICATES)
    ]


def _share(variant: str, fact: str, part: str = "") -> float:
    card = scorecard(_scores(variant))
    return float(card[(card.fact == fact) & (card.part == part)].holds_pct.item())


def test_every_fact_has_a_threshold():
    covered = set(THRESHOLD) | {f for v, f, _ in PART_THRESHOLD if v == "scheduled"}
    assert covered == set(FACTS)
    assert any(v == HEADLINE for v, _, _ in PART_THRESHOLD)


@pytest.mark.slow
@pytest.mark.parametrize("fact", list(THRESHOLD))
def test_the_replay_reproduces_each_stylized_fact(fact):
    share = _share("scheduled", fact)
    assert share >= THRESHOLD[fact], f"{fact} holds in {share:.0f}% of {REPLICATES} replicates"


@pytest.mark.slow
@pytest.mark.parametrize("key", list(PART_THRESHOLD), ids=lambda k: f"{k[0]}-{k[1]}-{k[2][:30]}")
def test_the_parts_reached_of_the_facts_not_reproduced(key):
    variant, fact, part = key
    share = _share(variant, fact, part)
    assert share >= PART_THRESHOLD[key], f"{fact} ({variant}): {part}: {share:.0f}%"


@pytest.mark.slow
def test_endogenous_coups_happen_in_the_replay():  # the headline
    """With coups endogenous the full SF-09 pattern holds in no replicate (the honest
    level, docs/calibration.md, "Gaps"), but the mechanism is not switched off by the
    calibration: coups still happen, at least one per run on average."""
    counts = [s["SF-09"].measured["coups anywhere"] for s in _scores("endogenous")]
    assert np.mean(counts) >= 1.0, counts


@pytest.mark.slow
def test_southflank_replay_prints_the_scorecard_and_writes_it(tmp_path):
    out = tmp_path / "replay"
    cmd = [sys.executable, "-m", "sim.cli", "replay", "--replicates", "2", "--out", str(out)]
    res = subprocess.run(
        [*cmd, "--executor", "serial"], capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr
    for fid in FACTS:
        assert fid in res.stdout
    assert "ACSS" in res.stdout and "2023" in res.stdout
    summary = json.loads((out / "replay.json").read_text())
    assert {f["fact"] for f in summary["facts"]} == set(FACTS)
    assert (out / "replay_scorecard.csv").exists() and (out / "manifest.json").exists()
    # the labelled parts, the endogenous shares and the proper scores beside the naive
    # forecasters are printed and written
    assert "out of sample" in res.stdout and "persistence" in res.stdout and "Brier" in res.stdout
    parts = pd.read_csv(out / "replay_parts.csv")
    assert {"window", "role", "off_pct", "counted", "set_by"} <= set(parts.columns)
    scores = pd.read_csv(out / "replay_event_scores.csv")
    assert set(scores.forecaster) == {"model", "base rate 2009-2018", "persistence"}
    assert set(summary["shares"]) >= {"in_sample", "out_of_sample"}


def test_southflank_replay_rejects_bad_input(tmp_path):
    cmd = [sys.executable, "-m", "sim.cli", "replay", "--replicates", "0", "--out", str(tmp_path)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "--replicates" in res.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_southflank_calibrate_is_reproducible(tmp_path):
    def run(out: Path) -> dict:
        cmd = [sys.executable, "-m", "sim.cli", "calibrate", "--samples", "2", "--replicates", "1"]
        cmd += ["--check-replicates", "1", "--stages", "violence", "--executor", "serial"]
        res = subprocess.run([*cmd, "--out", str(out)], capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr
        return json.loads((out / "calibration.json").read_text())

    a, b = run(tmp_path / "a"), run(tmp_path / "b")
    assert a["calibrated"] == b["calibrated"] and a["final"] == b["final"]
    assert set(a["calibrated"]) == set(a["stages"][0]["parameters"])


def test_southflank_calibrate_rejects_an_unknown_stage(tmp_path):
    cmd = [sys.executable, "-m", "sim.cli", "calibrate", "--stages", "violense"]
    res = subprocess.run([*cmd, "--out", str(tmp_path / "c")], capture_output=True, text=True)
    assert res.returncode == 2 and "did you mean 'violence'" in res.stderr


# ------------------------------------------------- the third round's coup and deployment terms
def _model(scenario: Scenario):
    from sim.model import SouthernFlankModel

    return SouthernFlankModel(scenario, seed=0)


def test_a_surge_of_insecurity_raises_coup_risk_and_russian_guards_lower_it(replay):
    from sim.mechanisms import coups

    m = _model(endogenous_variant(replay))
    s, p = m.state, m.p
    m.step()
    i = s.codes.index("MLI")
    ref = s.private["coups"].jihad_ref
    ref[i] = s.jihad[i]  # calm: no surge (Mali's 2018 -> 2019 rise set aside)
    calm = coups.hazard(s, p)[i]
    s.jihad[i] += 0.2  # activity jumps above its smoothed past
    surge = coups.hazard(s, p)[i]
    ref[i] = s.jihad[i]  # ... and the same level once it is the past too
    steady = coups.hazard(s, p)[i]
    s.rpres[i] = 1.0
    guarded = coups.hazard(s, p)[i]
    assert surge > steady > calm  # the rise counts beyond the level
    assert guarded < steady


def test_a_new_junta_invites_no_russian_forces_before_its_tenure(replay):
    from sim.mechanisms import coups, russian_opportunism

    m = _model(endogenous_variant(replay).with_parameters({"deploy_hazard": 0.59}))
    s, p = m.state, m.p
    i = s.codes.index("NER")
    coups.install_junta(s, p, i, 1.0, "test")
    s.hostility[i], s.ties[i] = 1.0, 1.0
    rng = np.random.default_rng(0)
    for _ in range(int(p.deploy_min_tenure)):
        s.ties[i] = 1.0
        russian_opportunism.apply(s, p, rng)
        s.month += 1
    assert s.rpres[i] == 0.0
    for _ in range(24):  # hazard 0.59 a month: arrival all but certain
        s.ties[i] = 1.0
        russian_opportunism.apply(s, p, rng)
        s.month += 1
    assert s.rpres[i] > 0.0


def test_sf12_reads_a_step_in_natos_southern_engagement_from_the_attention_series():
    """The 2024 step (special representative, action plan) must show as a rise in NATO's
    attention between 2023-09 and 2024-08; a flat series fails that part."""
    from sim.validation.facts import sf12

    flat = synthetic(**HISTORY)
    flat.attention = pd.Series(0.2, index=MONTHS)
    step = synthetic(**HISTORY)
    step.attention = pd.Series([0.2 if d < "2024-07" else 0.24 for d in MONTHS], index=MONTHS)
    part = "NATO's southern engagement steps up 2023-10..2024-07"
    assert sf12(step).checks[part] and not sf12(flat).checks[part]


def test_the_observed_series_is_a_data_file_with_a_source_for_every_year():
    from sim.roster import load_table

    table = load_table("observed_acss_sahel_fatalities.csv")
    assert table["source"].str.startswith("https://").all()
    assert observed_fatalities().to_dict() == dict(zip(table.year, table.fatalities, strict=True))
    assert observed_fatalities()[2023] == 11643


def test_the_states_the_facts_name_are_the_rosters_groups():
    from sim.roster import load_roster
    from sim.validation.facts import COUP_STATES, MD_STATES, RUSSIA_HOSTS

    groups = load_roster().groups()
    assert AES == groups["AES"] == ("MLI", "BFA", "NER")
    assert groups["MD"] == MD_STATES
    assert set(AES) < set(RUSSIA_HOSTS) and set(AES) < set(COUP_STATES)


def test_a_replay_report_saves_its_scorecard_from_python(tmp_path):
    from sim.validation.replay import ReplayReport

    card = pd.DataFrame(
        [{"fact": f, "part": "", "title": FACTS[f].title, "holds_pct": 50.0, "n": 2} for f in FACTS]
    )
    series = pd.DataFrame({"year": [2023], "activity_median": [1.0]})
    report = ReplayReport(
        path=str(tmp_path / "batch"),
        seconds=1.5,
        replicates=2,
        cards={"endogenous": card.assign(holds_pct=0.0), "scheduled": card},
        scores={},
        annual={},
        series=series,
    )
    paths = report.save(tmp_path / "elsewhere")
    names = ["replay_scorecard.csv", "replay_series.csv", "replay.json", "replay_scorecard.md"]
    assert [p.name for p in paths] == names
    saved = pd.read_csv(paths[0])
    assert set(saved.variant) == {"scheduled", "endogenous"} and len(saved) == 2 * len(FACTS)
    summary = json.loads(paths[2].read_text())
    assert summary["replicates"] == 2
    assert {f["fact"]: f["endogenous"] for f in summary["facts"]} == dict.fromkeys(FACTS, 0.0)
    assert not any(p.suffix == ".tmp" for p in (tmp_path / "elsewhere").iterdir())
