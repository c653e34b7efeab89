"""The parameter registry: complete, consistent, and the only way to change a coefficient."""

from __future__ import annotations

import pytest

from sim import Scenario, ScenarioError, simulate
from sim.params import PARAMETERS, REGISTRY, resolve, salib_problem, table

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
    for name, p in PARAMETERS.items():
        value = p.high if p.default != p.high else p.low
        sc = baseline.with_parameters({name: value})
        assert sc.parameters[name] == value


def test_override_changes_the_run(baseline):
    short = shortened(baseline, 36)
    a = simulate(short, seed=3).monthly
    b = simulate(short.with_parameters({"russia_ties_weight": 0.9}), seed=3).monthly
    assert b.russia_influence_share.iloc[-1] > a.russia_influence_share.iloc[-1]


def test_unknown_parameter_in_a_scenario_names_the_field(baseline):
    with pytest.raises(ScenarioError, match=r"parameters.*did you mean"):
        Scenario.from_dict({**baseline.model_dump(), "parameters": {"jihad_grwth": 0.1}})


def test_salib_problem_uses_the_ranges():
    prob = salib_problem(["trust_decay", "ties_gain"])
    assert prob["num_vars"] == 2
    assert prob["bounds"][0] == [REGISTRY["trust_decay"].low, REGISTRY["trust_decay"].high]


def test_no_scalar_lever_is_named_outside_the_registry():
    """Lever names, bounds and defaults live in sim/data/parameters.toml only: the scenario
    schema, the EMA levers and the visualization's sliders are generated from it. Only a
    mechanism that declares a lever in its LEVERS (checked by the footprint tracer) may
    name it, to read it."""
    import ast
    from pathlib import Path

    from sim.mechanisms import MECHANISMS
    from sim.params import LEVERS

    names = set(LEVERS) | {p.field for p in LEVERS.values()}
    fields_only = names - set(LEVERS)  # e.g. russia.budget: a plain word as a variable
    declared = {f"{m.NAME}.py": set(m.LEVERS) for m in MECHANISMS}
    root = Path(__file__).resolve().parent.parent / "sim"
    found = []
    for path in root.rglob("*.py"):
        allowed = declared.get(path.name, set()) if path.parent.name == "mechanisms" else set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            word = (
                node.value
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
                else node.attr
                if isinstance(node, ast.Attribute)
                else node.id
                if isinstance(node, ast.Name) and node.id not in fields_only
                else None
            )
            if word in names and word not in allowed:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {word}")
    assert not found, "levers named outside the registry:\n" + "\n".join(found)


def test_registry_kinds_follow_their_rules():
    from sim.params import KINDS, LEVERS, uncertain

    for p in REGISTRY.values():
        assert p.kind in KINDS, p.name
        if p.uncertain:
            assert p.kind in ("coefficient", "initial"), p.name
        if p.kind == "switch":
            assert (p.low, p.high, p.default) == (0.0, 1.0, 1.0), p.name
    assert set(LEVERS) == {p.name for p in REGISTRY.values() if p.kind == "lever"}
    assert not set(uncertain()) & set(LEVERS)
    assert salib_problem()["names"] == list(uncertain())


def test_resolve_is_frozen_and_takes_per_run_arrays():
    import dataclasses

    import numpy as np

    p = resolve({"trust_decay": np.array([0.01, 0.02])})
    assert list(p.trust_decay) == [0.01, 0.02]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.trust_decay = 0.03
    with pytest.raises(ValueError, match="outside its range"):
        resolve({"trust_decay": np.array([0.01, 5.0])})
    with pytest.raises(KeyError, match="is a lever"):
        resolve({"hub_mandate": 0.5})


def test_scenario_lever_bounds_come_from_the_registry(baseline):
    from sim.params import LEVERS

    for p in LEVERS.values():
        data = baseline.model_dump()
        data[p.section][p.field] = p.high + 1.0
        with pytest.raises(ScenarioError, match=p.field):
            Scenario.from_dict(data)
        assert getattr(getattr(Scenario.from_dict({"name": "x"}), p.section), p.field) == p.default
