"""The parameter registry: complete, consistent, and the only way to change a coefficient."""

from __future__ import annotations

import pytest

from sim import Scenario, ScenarioError, simulate
from sim.params import REGISTRY, resolve, salib_problem, table

from .conftest import shortened


def test_every_entry_is_complete_and_in_range():
    assert len(REGISTRY) > 50
    for p in REGISTRY.values():
        assert p.name.isidentifier(), p.name
        assert p.low <= p.default <= p.high, p.name
        assert p.low < p.high, p.name
        assert p.unit.strip() and p.description.strip() and p.source.strip(), p.name
        assert p.mechanism.strip(), p.name


def test_json_rows_carry_the_documented_fields():
    for row in table():
        assert {"name", "default", "low", "high", "unit", "description", "source"} <= set(row)


def test_unknown_name_is_an_error_with_a_suggestion():
    with pytest.raises(KeyError, match="did you mean 'trust_decay'"):
        resolve({"trust_decai": 0.02})


def test_out_of_range_value_is_an_error():
    with pytest.raises(ValueError, match=r"outside its range"):
        resolve({"trust_decay": 5.0})


def test_scenario_can_override_any_entry(baseline):
    for name, p in REGISTRY.items():
        value = p.high if p.default != p.high else p.low
        sc = baseline.with_parameters({name: value})
        assert sc.parameters[name] == value


def test_override_changes_the_run(baseline):
    short = shortened(baseline, 36)
    a = simulate(short, seed=3).monthly
    b = simulate(short.with_parameters({"ties_gain": 0.15}), seed=3).monthly
    assert b.russia_influence_share.iloc[-1] > a.russia_influence_share.iloc[-1]


def test_unknown_parameter_in_a_scenario_names_the_field(baseline):
    with pytest.raises(ScenarioError, match=r"parameters.*did you mean"):
        Scenario.from_dict({**baseline.model_dump(), "parameters": {"jihad_grwth": 0.1}})


def test_salib_problem_uses_the_ranges():
    prob = salib_problem(["trust_decay", "ties_gain"])
    assert prob["num_vars"] == 2
    assert prob["bounds"][0] == [REGISTRY["trust_decay"].low, REGISTRY["trust_decay"].high]
