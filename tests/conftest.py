"""Shared fixtures: the shipped baseline and a short version of it for fast tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def pytest_addoption(parser):
    parser.addoption("--run-heavy", action="store_true", help="run tests marked heavy")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-heavy"):
        return
    skip = pytest.mark.skip(reason="heavy: opt in with --run-heavy")
    for item in items:
        if "heavy" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return Scenario.load(SCENARIOS / "hague_2025_baseline.yaml")


def variant(base: Scenario, **changes) -> Scenario:
    """The baseline with some top-level or policy fields changed (validated)."""
    data = base.model_dump()
    policy = changes.pop("policy", None)
    if policy:
        data["policy"] = {**data["policy"], **policy}
    russia = changes.pop("russia", None)
    if russia:
        data["russia"] = {**data["russia"], **russia}
    data.update(changes)
    return Scenario.from_dict(data)


def shortened(base: Scenario, months: int) -> Scenario:
    """The scenario cut to its first `months`, dropping what is dated after the cut."""
    data = base.model_dump()
    end = base.start + months
    data["months"] = months
    data["policy"]["summits"] = [s for s in data["policy"]["summits"] if s["date"] < end]
    data["policy"]["dcb"] = [d for d in data["policy"]["dcb"] if d["start"] < end]
    data["events"] = [e for e in data["events"] if e["date"] < end]
    return Scenario.from_dict(data)
