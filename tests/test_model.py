"""Whole runs: the tables a user relies on, reproducibility, and the mechanisms' footprints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import SouthernFlankModel, simulate
from sim.mechanisms import MECHANISMS, ORDER
from sim.outcomes import COUNTRY_METRICS, MODEL_METRICS
from sim.roster import load_roster

from .conftest import variant


@pytest.fixture(scope="module")
def result(baseline):
    return simulate(baseline, seed=1)


def test_result_tables_have_the_documented_columns(result, baseline):
    m, c, e = result.monthly, result.countries, result.events
    assert len(m) == baseline.months
    assert m.date.iloc[0] == "2025-07" and m.date.iloc[-1] == "2035-06"
    assert m.date.str.fullmatch(r"\d{4}-\d{2}").all()
    assert {x.name for x in MODEL_METRICS} <= set(m.columns)
    assert {"date", "iso3", "nato_influence", "russia_influence", "stability"} <= set(c.columns)
    assert len(c) == baseline.months * len(load_roster().codes)
    assert {"date", "kind", "iso3", "mechanism", "cause"} <= set(e.columns)
    assert len(e) > 0


def test_same_seed_same_numbers_other_seed_other_numbers(baseline):
    a, b, c = (simulate(baseline, seed=s) for s in (7, 7, 8))
    pd.testing.assert_frame_equal(a.monthly, b.monthly)
    pd.testing.assert_frame_equal(a.countries, b.countries)
    pd.testing.assert_frame_equal(a.events, b.events)
    assert not a.events.equals(c.events) or not a.monthly.equals(c.monthly)


def test_metrics_stay_in_their_documented_ranges(result):
    for metric in MODEL_METRICS:
        col = result.monthly[metric.name]
        assert col.between(metric.low, metric.high).all(), metric.name
    for metric in COUNTRY_METRICS:
        col = result.countries[metric.name]
        col = col.dropna() if metric.partial else col
        assert len(col) > 0, metric.name
        assert col.between(metric.low, metric.high).all(), metric.name


def test_mechanisms_run_in_the_documented_order():
    assert tuple(m.NAME for m in MECHANISMS) == ORDER


def test_agents_are_views_of_the_state(baseline):
    model = SouthernFlankModel(baseline, seed=1)
    for _ in range(12):
        model.step()
    ner = model.actor("NER")
    i = model.state.index("NER")
    assert ner.alignment == pytest.approx(model.state.alignment[i])
    assert ner.regime == "military"
    assert model.date == "2026-07"
    layer = model.layer("stability")
    assert layer.shape == (96, 52)
    assert np.isnan(layer).any() and np.nanmax(layer) <= 1.0


def test_dcb_for_algeria_raises_its_capacity_and_nato_influence(baseline):
    pkg = {"partner": "DZA", "start": "2025-09", "months": 60, "intensity": 2.0}
    with_dcb = variant(baseline, policy={"dcb": [*baseline.model_dump()["policy"]["dcb"], pkg]})
    a = simulate(baseline, seed=5).countries
    b = simulate(with_dcb, seed=5).countries
    when = "2030-06"
    pick = lambda df, col: df[(df.iso3 == "DZA") & (df.date == when)][col].item()  # noqa: E731
    assert pick(b, "capacity") > pick(a, "capacity") + 0.01
    assert pick(b, "nato_influence") > pick(a, "nato_influence") + 0.01


def test_the_log_answers_why_a_state_changed_camp(baseline):
    res = simulate(baseline, seed=2)
    flips = res.events[res.events.kind == "realignment"]
    assert len(flips) > 0
    code = flips.iso3.iloc[0]
    story = res.why(code)
    assert (story.iso3 == code).all() and "realignment" in set(story.kind)
    assert story.cause.str.len().min() > 10
    with pytest.raises(KeyError, match="did you mean 'NER'"):
        res.why("NEE")
