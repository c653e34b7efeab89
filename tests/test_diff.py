"""What a scenario changes from its parent, and the warnings an analyst needs."""

from __future__ import annotations

from sim import library
from sim.diff import differences, expiring, replaced_lists, warnings
from sim.scenario import Scenario


def _child(parent: Scenario, **changes) -> Scenario:
    data = parent.model_dump()
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        node = data
        for key in path:
            node = node[key]
        node[last] = value
    return Scenario.from_dict(data)


def test_a_list_that_drops_the_parents_items_is_named_with_what_it_drops():
    base = library.load("hague_2025_baseline")
    only_mrt = [{"partner": "MRT", "start": "2025-07", "months": 120, "intensity": 3.0}]
    child = _child(base, policy__dcb=only_mrt)
    diff = {d.field: d for d in differences(base, child)}
    assert list(diff) == ["policy.dcb"]
    assert "removed" in diff["policy.dcb"].text() and "JOR" in diff["policy.dcb"].text()
    (w,) = replaced_lists(base, child)
    assert w.field == "policy.dcb"
    assert "drops JOR 2025-07, TUN 2025-07" in w.message and "extend" in w.message


def test_policies_that_end_before_the_run_are_warned_about():
    base = library.load("hague_2025_baseline")
    assert expiring(base) == []  # summits yearly to 2034-07, DCB to the run's end
    long = _child(base, months=240)
    texts = [w.text() for w in expiring(long)]
    assert any(t.startswith("policy.summits: the last summit is 2034-07") for t in texts)
    assert any("DCB for JOR ends 2035-06" in t for t in texts), texts
    assert len(warnings(long, base)) == len(texts)


def test_same_scenario_no_difference_and_a_value_change_reads_old_to_new():
    base = library.load("hague_2025_baseline")
    assert differences(base, base) == []
    child = _child(base, parameters={"trust_decay": 0.03})
    (d,) = differences(base, child)
    assert d.field == "parameters.trust_decay" and d.text().endswith("(not set) -> 0.03")
