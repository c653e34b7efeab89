"""Scenario files load, or fail with an error that names the file, line, field and what is allowed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from sim import Scenario, ScenarioError
from sim.calendar import format_month

BASE = """\
name: t
start: "2025-07"
months: 24
"""


def write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_baseline_loads(baseline):
    assert baseline.name == "hague_2025_baseline"
    assert format_month(baseline.start) == "2025-07"
    assert baseline.months == 120
    assert len(baseline.content_hash()) == 64


def test_unknown_key_is_an_error_with_line_and_suggestion(tmp_path):
    path = write(tmp_path, BASE + "policy:\n  hub_mandat: 0.5\n")
    with pytest.raises(ScenarioError) as exc:
        Scenario.load(path)
    msg = str(exc.value)
    assert f"{path}:5" in msg
    assert "policy.hub_mandat" in msg
    assert "did you mean 'hub_mandate'" in msg


def test_unknown_country_suggests_the_right_code(tmp_path):
    path = write(tmp_path, BASE + 'policy:\n  dcb:\n    - {partner: DZZ, start: "2025-09"}\n')
    with pytest.raises(ScenarioError, match=r"policy.dcb\[0\].partner.*'DZZ'.*did you mean 'DZA'"):
        Scenario.load(path)


def test_a_state_closed_to_russian_forces_must_be_an_actor(tmp_path):
    path = write(tmp_path, BASE + "russia:\n  denied: [MLI, BFO]\n")
    with pytest.raises(ScenarioError, match=r"russia.denied.*'BFO'.*did you mean 'BFA'"):
        Scenario.load(path)
    ok = write(tmp_path, BASE + "russia:\n  denied: [MLI, BFA]\n", name="ok.yaml")
    assert Scenario.load(ok).russia.denied == ["MLI", "BFA"]


def test_value_out_of_range_names_the_bound(tmp_path):
    path = write(tmp_path, BASE + "policy:\n  hub_mandate: 1.5\n")
    with pytest.raises(ScenarioError, match=r"hub_mandate: must be a number from 0 to 1, got 1.5"):
        Scenario.load(path)


def test_dates_outside_the_run_are_errors(tmp_path):
    path = write(tmp_path, BASE + 'events:\n  - {date: "2031-01", kind: coup, country: TCD}\n')
    with pytest.raises(ScenarioError, match=r"outside the run \(2025-07 to 2027-06\)"):
        Scenario.load(path)


def test_bad_month_format(tmp_path):
    path = write(tmp_path, 'name: t\nstart: "July 2025"\n')
    with pytest.raises(ScenarioError, match="YYYY-MM"):
        Scenario.load(path)


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "name: t\npolicy: [unclosed\n")
    with pytest.raises(ScenarioError, match=r"s.yaml:\d+: not valid YAML"):
        Scenario.load(path)


def test_event_needs_its_fields(tmp_path):
    path = write(
        tmp_path, BASE + 'events:\n  - {date: "2026-01", kind: force_withdrawal, country: TCD}\n'
    )
    with pytest.raises(ScenarioError, match="needs side"):
        Scenario.load(path)


def test_extends_merges_and_overrides(tmp_path, baseline):
    path = write(
        tmp_path,
        f"extends: {baseline.source_path}\nname: child\npolicy:\n  hub_mandate: 1.0\n",
    )
    child = Scenario.load(path)
    assert child.name == "child"
    assert child.policy.hub_mandate == 1.0
    assert child.policy.summits == baseline.policy.summits  # inherited
    assert child.months == baseline.months


def test_circular_extends_is_an_error(tmp_path):
    write(tmp_path, "extends: b.yaml\nname: a\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\nname: b\n", "b.yaml")
    with pytest.raises(ScenarioError, match="circular"):
        Scenario.load(tmp_path / "a.yaml")


def test_groups_expand_in_invitations(tmp_path):
    path = write(
        tmp_path,
        BASE + 'policy:\n  summits:\n    - {date: "2026-07", host: TUR, invite: [MD, ICI, EU]}\n',
    )
    sc = Scenario.load(path)
    assert sc.policy.summits[0].invite == ["MD", "ICI", "EU"]


def test_cli_validate_exit_codes(tmp_path, baseline):
    bad = write(tmp_path, BASE + "seeed: 3\n", "bad.yaml")
    ok = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", baseline.source_path],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    res = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", baseline.source_path, str(bad)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert "bad.yaml:4: seeed: unknown key (did you mean 'seed'?)" in res.stderr
