"""The EMA Workbench connector: registry uncertainties, schema levers, metric outcomes,
one entry point, and PRIM scenario discovery end to end."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ema_workbench")

from ema_workbench import SequentialEvaluator, perform_experiments  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402

from sim import simulate  # noqa: E402
from sim.ema import INVITE, LEVERS, SouthernFlankFunction, build_model  # noqa: E402
from sim.outcomes import MODEL_METRICS  # noqa: E402
from sim.params import REGISTRY, uncertain  # noqa: E402

from .conftest import shortened  # noqa: E402

UNCERTAIN = ["budget_units", "ties_gain", "naval_cost_musd_year", "nato_absence_weight"]


@pytest.fixture(scope="module")
def short(baseline):
    return shortened(baseline, 36)


def test_interface_is_generated_from_registry_schema_and_metrics(baseline):
    model = build_model(baseline)
    unc = {u.name: u for u in model.uncertainties}
    assert set(unc) == set(uncertain())
    for name in uncertain():
        p = REGISTRY[name]
        assert (unc[name].lower_bound, unc[name].upper_bound) == (p.low, p.high), name
    assert type(unc["bloc_min_members"]).__name__ == "IntegerParameter"
    assert {lv.name for lv in model.levers} == {*LEVERS, INVITE}
    assert {o.name for o in model.outcomes} == {m.name for m in MODEL_METRICS}


def test_the_russian_budget_lever_reaches_the_scenario(short):
    fn = SouthernFlankFunction(short)
    assert fn.scenario(russia_budget=2.0).russia.budget == 2.0


def test_the_model_function_is_simulate_on_the_adapted_scenario(short):
    fn = SouthernFlankFunction(short)
    got = fn(budget_units=1.5, hub_mandate=0.9, invite_partners=True, seed=7)
    sc = short.with_parameters({"budget_units": 1.5})
    data = sc.model_dump()
    data["policy"]["hub_mandate"] = 0.9
    for s in data["policy"]["summits"]:
        s["invite"] = [*s["invite"], "MD", "ICI"]
    from sim import Scenario

    want = simulate(Scenario.from_dict(data), seed=7).monthly.iloc[-1]
    assert got["russia_influence_share"] == pytest.approx(want["russia_influence_share"], abs=0)
    assert got["cohesion"] == pytest.approx(want["cohesion"], abs=0)


def test_bad_argument_names_the_field(short):
    with pytest.raises(KeyError, match="did you mean 'ties_gain'"):
        SouthernFlankFunction(short)(ties_gian=0.1)


def test_prim_finds_the_conditions_of_high_russian_influence(short):
    """Scenario discovery: which assumptions lead to a Russian influence share above
    its upper quartile? Russia's budget must be part of the answer."""
    model = build_model(short, uncertainties=UNCERTAIN, invite_lever=False)
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(
            model,
            scenarios=60,
            policies=1,
            evaluator=evaluator,
            uncertainty_sampling_kwargs={"rng": 11},
            lever_sampling_kwargs={"rng": 12},
        )
    assert len(experiments) == 60
    y_raw = outcomes["russia_influence_share"]
    y = y_raw > np.percentile(y_raw, 75)
    x = experiments[UNCERTAIN]
    box = prim.Prim(x, y).find_box()
    stats = box.peeling_trajectory.iloc[box._cur_box]
    assert stats["coverage"] > 0.5
    assert stats["density"] > 2 * y.mean()  # the box concentrates the cases of interest
    lims, whole = box.box_lim, box.box_lims[0]  # the chosen box and the sampled space
    # the box restricts Russia's budget from below: more money, more influence
    assert lims.loc[0, "budget_units"] > whole.loc[0, "budget_units"]
    # and never the cost of Alliance ships, which cannot act on influence
    assert (lims["naval_cost_musd_year"] == whole["naval_cost_musd_year"]).all()
