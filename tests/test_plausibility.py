"""The 2025-2035 baseline's plausibility suite: bounds a regional analyst would apply.

Each bound (sim.analysis.plausibility.BOUNDS) carries its reason and the share of runs
that must pass. The bounds are constraints, not evidence: a failing bound is met by a
change of mechanism or data, never by tuning a constant to it. Run over 200 baseline
seeds at registry defaults through the batch machinery.
"""

from __future__ import annotations

from math import exp

import pytest

from sim.analysis import load
from sim.analysis.plausibility import (
    BOUNDS,
    MD_COUP_INTERVAL,
    MD_COUP_MEAN_10Y,
    poisson_interval,
    runs_of_batch,
    shares,
)
from sim.batch import run_batch

from .conftest import variant


def test_the_md_coup_interval_is_written_before_any_run():
    """Powell & Thyne 2009-2018: 5 successful coups in 180 country-years of regimes that
    are neither democracies nor monarchies; four MD states of that kind in 2025 (Algeria,
    Egypt, Mauritania, Tunisia) over ten years: mean 40 x 5 / 180 = 1.11. Poisson(1.11):
    P(0) = 0.329, P(<=2) = 0.898, P(<=3) = 0.973, so the central 90% interval is [0, 3]."""
    assert pytest.approx(40 * 5 / 180) == MD_COUP_MEAN_10Y
    assert exp(-MD_COUP_MEAN_10Y) == pytest.approx(0.329, abs=1e-3)
    assert MD_COUP_INTERVAL == (0, 3)
    assert poisson_interval(2.0) == (0, 5)


def test_every_bound_states_its_reason():
    assert len({b.name for b in BOUNDS}) == len(BOUNDS)
    for b in BOUNDS:
        assert len(b.reason) > 30 and 0 < b.required <= 1, b.name


@pytest.fixture(scope="module")
def baseline_runs(baseline, tmp_path_factory):
    out = tmp_path_factory.mktemp("plausibility") / "batch"
    run_batch([baseline], replicates=200, seed=20250701, out=out, workers=2, progress=False)
    return runs_of_batch(load(out))


@pytest.mark.slow
def test_the_baseline_passes_the_plausibility_suite(baseline_runs):
    table = shares(baseline_runs)
    failing = table[~table.ok]
    assert len(baseline_runs) == 200
    assert failing.empty, "\n" + failing[["bound", "share", "required"]].to_string()


@pytest.mark.slow
def test_the_start_is_at_rest_without_random_events(baseline):
    """With `stochastic: false`, no actor changes camp and no force arrives or leaves in
    the first 12 months: the start is at rest, and what moves later moves for a reason."""
    from sim import simulate
    from sim.analysis.plausibility import camp

    r = simulate(variant(baseline, stochastic=False), seed=1)
    first = r.countries[r.countries.date == "2025-07"].set_index("iso3").alignment
    year = r.countries[r.countries.date == "2026-06"].set_index("iso3").alignment
    assert (camp(first) == camp(year)).all(), (first - year).abs().sort_values().tail()
    moves = r.events[r.events.date < "2026-07"]
    assert not moves.kind.isin(
        (
            "force_arrival",
            "force_withdrawal",
            "expulsion",
            "coup",
            "government_change",
            "base_opened",
            "realignment",
            "naval_incident",
        )
    ).any(), moves


@pytest.mark.slow
def test_a_bound_fails_when_the_model_breaks_it(baseline):
    """The suite can fail: with coups made likely everywhere (coup_no_record 0, the base
    log-odds and fragility at the top of their ranges, monarchies unprotected), the
    monarchies' bounds break."""
    from sim import simulate
    from sim.analysis.plausibility import from_result

    broken = baseline.with_parameters(
        {
            "coup_no_record": 0.0,
            "coup_logit_base": -7.76,
            "coup_fragility": 4.68,
            "coup_monarchy": 0.0,
        }
    )
    runs = [from_result(simulate(broken, seed=s)) for s in range(1, 21)]
    table = shares(runs).set_index("bound")
    assert not table.ok.all()
