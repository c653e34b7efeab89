"""docs/ODD.md must describe the model as it is: its generated sections (parameters,
metrics, schedule, submodels) must match the code, or this test fails."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"


@pytest.fixture(scope="module")
def build_odd():
    spec = importlib.util.spec_from_file_location("build_odd", ROOT / "scripts" / "build_odd.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_odd_is_up_to_date(build_odd):
    stale = build_odd.stale_sections(ODD.read_text(encoding="utf-8"))
    assert not stale, f"docs/ODD.md is stale in {stale}: run `python scripts/build_odd.py`"


def test_every_parameter_and_metric_is_in_the_document():
    from sim.outcomes import COUNTRY_METRICS, MODEL_METRICS
    from sim.params import REGISTRY

    text = ODD.read_text(encoding="utf-8")
    for name in [*REGISTRY, *(m.name for m in (*MODEL_METRICS, *COUNTRY_METRICS))]:
        assert f"`{name}`" in text, name


def test_odd_has_the_protocol_sections():
    text = ODD.read_text(encoding="utf-8")
    for heading in (
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialisation",
        "Input data",
        "Submodels",
    ):
        assert heading in text, heading


def test_a_registry_change_makes_the_document_stale(build_odd, monkeypatch):
    import sim.params as params

    text = ODD.read_text(encoding="utf-8")
    entries = list(params._ENTRIES)
    entries[0] = replace(entries[0], default=entries[0].default + 1)
    monkeypatch.setattr(params, "_ENTRIES", tuple(entries))
    assert build_odd.stale_sections(text) == ["parameters"]


def test_a_metric_change_makes_the_document_stale(build_odd, monkeypatch):
    import sim.outcomes as outcomes

    text = ODD.read_text(encoding="utf-8")
    extra = outcomes.Metric("new_metric", "share", 0, 1, "a metric added to the code")
    monkeypatch.setattr(outcomes, "MODEL_METRICS", (*outcomes.MODEL_METRICS, extra))
    assert build_odd.stale_sections(text) == ["metrics"]
