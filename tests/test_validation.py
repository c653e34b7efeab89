"""Validation: the scores can fail, every scored part says what it is, the calibration
reads only the calibration window, the switches switch their channels off, and the
calibration's ranges go back into the registry with their provenance.

(tests/test_replay.py tests the facts and the replay's shares.)
"""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pandas as pd
import pytest

from sim import simulate
from sim.params import REGISTRY, SWITCHES
from sim.validation import calibrate, skill, split
from sim.validation.facts import FACTS, SF09_OBSERVED, sf03_distance, sf09_distance
from sim.validation.replay import (
    HEADLINE,
    credit_sets,
    replay_scenarios,
    score_result,
    switched_off,
)
from sim.validation.scores import (
    CountForecast,
    auc,
    brier,
    crps_poisson,
    crps_samples,
    interval_score,
    score_binary,
    score_count,
)

RNG = np.random.default_rng(0)
Y = (RNG.random(400) < 0.2).astype(float)


# ------------------------------------------------------------ the scores can fail
def test_brier_and_auc_order_a_perfect_a_useless_and_a_wrong_forecaster():
    perfect, useless, wrong = Y, np.full_like(Y, Y.mean()), 1 - Y
    assert brier(perfect, Y) == 0 < brier(useless, Y) < brier(wrong, Y) == 1
    assert auc(perfect, Y) == 1 and auc(useless, Y) == 0.5 and auc(wrong, Y) == 0
    table = score_binary(Y, {"perfect": perfect, "useless": useless, "wrong": wrong}, n=200)
    t = table.set_index("forecaster")
    # the first is the model; against a perfect reference skill is undefined
    assert np.isnan(t.loc["perfect", "model_brier_skill"])
    # the model (perfect) has full skill over the others; reversed, the skill is negative
    assert t.loc["useless", "model_brier_skill"] == pytest.approx(1.0)
    rev = score_binary(Y, {"wrong": wrong, "useless": useless}, n=200).set_index("forecaster")
    assert rev.loc["useless", "model_brier_skill"] < 0 and rev.loc["useless", "model_auc_skill"] < 0
    assert (
        t.loc["useless", "brier_low"] <= t.loc["useless", "brier"] <= t.loc["useless", "brier_high"]
    )


def test_interval_score_and_crps_punish_both_a_miss_and_a_useless_width():
    y = 7.0
    sharp_hit, wide_hit, sharp_miss = (6, 8), (0, 100), (0, 1)
    s = {
        k: interval_score(*v, y)
        for k, v in (("sharp", sharp_hit), ("wide", wide_hit), ("miss", sharp_miss))
    }
    assert s["sharp"] < s["wide"] and s["sharp"] < s["miss"]
    assert s["miss"] == pytest.approx(1 + 2 / 0.1 * 6)
    near = RNG.normal(y, 0.5, 500)
    far = RNG.normal(y + 5, 0.5, 500)
    spread = RNG.normal(y, 20, 500)
    assert crps_samples([y] * 10, y) == 0
    assert crps_samples(near, y) < crps_samples(spread, y)
    assert crps_samples(near, y) < crps_samples(far, y)
    assert crps_samples([3.0], y) == 4.0  # a point forecast: |x - y|
    assert crps_poisson(7.0, 7) < crps_poisson(0.5, 7)


def test_score_count_ranks_forecasters_by_the_observation():
    t = score_count(
        1,
        [
            CountForecast("model", samples=(0, 1, 1, 2, 1, 0, 1)),
            CountForecast("base", poisson_mean=0.5),
            CountForecast("persistence", point=7),
        ],
    ).set_index("forecaster")
    assert t.inside.to_dict() == {"model": True, "base": True, "persistence": False}
    assert t.loc["persistence", "interval_score"] > t.loc["model", "interval_score"]
    assert t.loc["persistence", "model_crps_skill"] > 0.5


# ------------------------------------------------------------------- the labels
def test_every_label_is_complete():
    for fact, parts in split.LABELS.items():
        assert fact in FACTS
        for part, lab in parts.items():
            assert lab.window in split.WINDOWS and lab.role in split.ROLES, (fact, part)
            if lab.role == "endogenous":
                assert lab.credits and set(lab.credits) <= set(SWITCHES), (fact, part)
            else:
                assert lab.why, f"{fact}: {part}: an input or structural part says why"
    for part, lab in split.DISTRIBUTION_LABELS.items():
        assert lab.role == "endogenous" and set(lab.credits) <= set(SWITCHES), part


def test_every_part_a_run_scores_is_labelled_and_an_unlabelled_one_is_refused():
    scenario = replay_scenarios()[HEADLINE]
    for fid, res in score_result(simulate(scenario, seed=5)).items():
        assert set(res.checks) == set(split.LABELS[fid]), fid
    with pytest.raises(KeyError, match="no label"):
        split.label("SF-01", "a part nobody labelled")


def test_the_switch_test_counts_only_parts_the_channels_move():
    card = pd.DataFrame(
        [
            {"fact": "SF-09", "part": p, "title": "", "holds_pct": v, "n": 20}
            for p, v in (
                ("no coup in Mediterranean Dialogue states 2019-2022", 100.0),
                ("no coup in Mediterranean Dialogue states 2023-2025", 80.0),
            )
        ]
    )
    rows = split.labelled(card, HEADLINE)
    off = {"coup_hazard_switch": card.assign(holds_pct=100.0)}
    tested = split.confirm(rows, off).set_index("part")
    # 100% with or without coups: it cannot fail through the channel, so it does not count
    assert not tested.loc["no coup in Mediterranean Dialogue states 2019-2022", "counted"]
    assert tested.loc["no coup in Mediterranean Dialogue states 2023-2025", "counted"]
    # the same part in the diagnostic variant is an input (the coups are scheduled)
    assert set(split.labelled(card, "scheduled").role) == {"input"}


def test_shares_keep_in_sample_out_of_sample_and_fact_fitted_parts_apart():
    rows = pd.DataFrame(
        {
            "fact": ["SF-01", "SF-01", "SF-09"],
            "part": ["a", "b", "c"],
            "holds_pct": [100.0, 0.0, 50.0],
            "window": ["calibration", "validation", "validation"],
            "role": ["endogenous"] * 3,
            "set_by": ["", "deploy_hazard", ""],
            "counted": [True, True, True],
        }
    )
    sh = split.shares(rows)
    assert sh["in_sample"] == {"parts": 1, "share_pct": 100.0, "parts_holding_80": 1}
    assert sh["out_of_sample"]["parts"] == 1 and sh["out_of_sample"]["share_pct"] == 50.0
    assert sh["out_of_sample_set_by_fact"]["parts"] == 1


# ------------------------------------------------------- the split is enforced
def test_the_calibration_fits_no_part_of_2023_or_later():
    for stage in calibrate.STAGES:
        for fact, parts in stage.targets.items():
            assert parts, stage.name
            for part in parts:
                assert split.label(fact, part).window == "calibration", (stage.name, part)
    with pytest.raises(ValueError, match="calibration may fit only"):
        split.check_calibration_parts({"SF-03": ["2023 >= 2.5 x 2020"]})


def test_the_calibrations_distances_read_no_value_of_2023_or_later():
    sf03 = {f"{y} / 2020": 1.0 + 0.1 * (y - 2020) for y in range(2019, 2026)}
    moved = {**sf03, "2023 / 2020": 9.0, "2024 / 2020": 9.0, "2025 / 2020": 0.0}
    assert sf03_distance(sf03) == sf03_distance(moved)
    sf09 = dict(SF09_OBSERVED)
    assert sf09_distance(sf09) == 0
    later = {
        **sf09,
        "coups in the six states 2023-01..2025-12": 9,
        "coups in MD states 2023-2025": 3,
    }
    assert sf09_distance(later) == 0


def test_the_violence_scale_reads_no_year_after_2022():
    annual = pd.DataFrame(
        {"year": [2020, 2021, 2022, 2023, 2024], "activity": [1.0, 1.0, 2.0, 3.0, 3.0]}
    )
    observed = pd.Series({2020: 4150.0, 2021: 4850.0, 2022: 7899.0, 2023: 11643.0, 2024: 10400.0})
    moved = observed.copy()
    moved[[2023, 2024]] = [1.0, 1e6]
    assert skill.violence_scale(annual, observed) == skill.violence_scale(annual, moved)


def test_observed_events_are_labelled_by_the_window_of_their_date():
    obs = skill.observed_events()
    assert set(obs.kind) == set(skill.EVENT_KINDS)
    expected = np.where(obs.year <= 2022, "calibration", "validation")
    assert (obs.use == expected).all()
    assert obs.source.str.len().gt(10).all()


def test_the_base_rates_are_those_of_the_evidence_file():
    """coups_2009_2018.csv's README: other regimes 5 successful coups in 180
    country-years, monarchies and democracies none; arrivals 3 and exits 1 in 300."""
    rates = skill.base_rates()
    assert rates["coup"] == {"monarchy": 0.0, "democracy": 0.0, "other": pytest.approx(5 / 180)}
    assert rates["russian_arrival"]["all"] == pytest.approx(3 / 300)
    assert rates["western_exit"]["all"] == pytest.approx(1 / 300)


# ------------------------------------------------------------- the switches
@pytest.mark.parametrize(
    ("variant", "switch", "kind"),
    [
        (HEADLINE, "coup_hazard_switch", "coup"),
        ("scheduled", "expulsion_switch", "expulsion"),
        ("scheduled", "bloc_switch", "bloc_formation"),
        ("scheduled", "deployment_switch", "force_arrival"),
    ],
)
def test_a_switch_turns_its_channel_off(variant, switch, kind):
    """Each credited channel acts in the replay over a few seeds (the endogenous coups
    in the headline; expulsions, the bloc and Russian arrivals after the scheduled
    coups of the diagnostic variant), and never with its switch at 0."""
    base = replay_scenarios()[variant]

    def count(sc) -> int:
        n = 0
        for seed in range(4):
            e = simulate(sc, seed=seed).events
            # Russian deployments (a junta's invitation); a 'Black Wagner' surge is its own
            # channel (black_wagners_switch)
            russian = (
                (e.side == "russian") & ~e.cause.str.contains("Black Wagner")
                if kind == "force_arrival"
                else True
            )
            n += int(((e.kind == kind) & russian).sum())
        return n

    assert count(base) > 0
    assert count(switched_off(base, switch)) == 0


def test_every_credited_switch_set_is_a_valid_variant():
    for credits in credit_sets():
        sc = switched_off(replay_scenarios()[HEADLINE], credits)
        for name in credits.split(", "):
            assert sc.parameters[name] == 0.0
    with pytest.raises(ValueError, match="unknown"):
        switched_off(replay_scenarios()[HEADLINE], "no_such_switch")


# ------------------------------------------------- the registry gets the ranges
def test_the_calibration_writes_its_accepted_ranges_into_the_registry(tmp_path):
    from importlib import resources

    reg = tmp_path / "parameters.toml"
    reg.write_text((resources.files("sim") / "data" / "parameters.toml").read_text())
    old = REGISTRY["expel_hazard"]
    result = {
        "settings": {"seed": 7},
        "stages": [
            {
                "stage": "realignment",
                "parameters": ["expel_hazard", "deploy_min_tenure"],
                "accepted_ranges": {
                    "expel_hazard": {"min": 0.1, "median": 0.2, "max": 0.25},
                    "deploy_min_tenure": {"min": 4.2, "median": 8, "max": 11.5},
                },
                "winner": {"values": {"expel_hazard": 0.3, "deploy_min_tenure": 9.0}},
                "accepted": 17,
                "samples": 160,
                "replicates": 12,
            }
        ],
    }
    assert calibrate.write_registry(result, reg) == ["expel_hazard", "deploy_min_tenure"]
    entries = {e["name"]: e for e in tomllib.loads(reg.read_text())["parameter"]}
    e = entries["expel_hazard"]
    # the accepted range, widened to hold the winner; the source keeps its history
    assert (e["low"], e["high"], e["default"]) == (0.1, 0.3, 0.3)
    history = old.source.split("; " + split.RANGE_PROVENANCE)[0]
    assert e["source"].startswith(history) and split.WINDOW_PROVENANCE in e["source"]
    assert split.RANGE_PROVENANCE not in e["source"]  # one provenance: the latest
    t = entries["deploy_min_tenure"]
    assert (t["low"], t["high"], t["default"]) == (4.0, 12.0, 9.0)
    # written twice, the provenance is not repeated
    calibrate.write_registry(result, reg)
    e2 = {x["name"]: x for x in tomllib.loads(reg.read_text())["parameter"]}["expel_hazard"]
    assert e2["source"].count(split.WINDOW_PROVENANCE) == 1
    json.dumps(e2)  # plain values
    # ranges only: the defaults stay and the source says so
    calibrate.write_registry(result, reg, keep_defaults=True)
    e3 = {x["name"]: x for x in tomllib.loads(reg.read_text())["parameter"]}["expel_hazard"]
    assert e3["default"] == 0.3 and (e3["low"], e3["high"]) == (0.1, 0.3)
    assert split.RANGE_PROVENANCE in e3["source"] and split.WINDOW_PROVENANCE not in e3["source"]
