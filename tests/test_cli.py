"""The command line: every command has help, and bad arguments exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.cli import _commands, main


def test_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for mod in _commands():
        assert mod.COMMAND in out


@pytest.mark.parametrize("command", [m.COMMAND for m in _commands()])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    assert "usage: southflank" in capsys.readouterr().out


def test_unknown_command_exits_2():
    res = subprocess.run(
        [sys.executable, "-m", "sim.cli", "frobnicate"], capture_output=True, text=True
    )
    assert res.returncode == 2
    assert "invalid choice" in res.stderr


def test_run_refuses_a_folder_holding_something_else(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    code = main(["run", "hague_2025_baseline", "--out", str(tmp_path)])
    assert code == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_run_writes_its_tables_and_manifest(tmp_path):
    out = tmp_path / "r"
    assert main(["run", "hague_2025_baseline", "--seed", "3", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["countries.parquet", "events.parquet", "monthly.parquet", "run.json"]


def test_unknown_scenario_name_suggests_the_shipped_one(capsys):
    assert main(["run", "hague_2025_baselin", "--out", "/nonexistent/x"]) == 2
    assert "did you mean 'hague_2025_baseline'" in capsys.readouterr().err


# -- one value from the command line --------------------------------------------------------
def _short_file(tmp_path, months: int = 12):
    """The baseline shortened to a few months, as a user's scenario file."""
    import yaml

    from sim import library
    from tests.conftest import shortened

    sc = shortened(library.load("hague_2025_baseline"), months)
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(sc.model_dump(mode="json")), encoding="utf-8")
    return path


def test_run_set_writes_the_value_into_the_scenario_it_runs(tmp_path, capsys):
    import json

    import pandas as pd

    from sim import library
    from sim.run import simulate
    from sim.scenario import Scenario

    path = _short_file(tmp_path)
    out = tmp_path / "run"
    args = ["run", str(path), "--out", str(out), "--format", "csv", "--seed", "3"]
    assert main([*args, "--set", "trust_decay=0.03", "--set", "hub_mandate=0.8"]) == 0
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["set"] == {"trust_decay": 0.03, "hub_mandate": 0.8}
    content = manifest["scenario_content"]
    assert content["parameters"]["trust_decay"] == 0.03
    assert content["policy"]["hub_mandate"] == 0.8
    # the same numbers as the scenario with the values written in
    expected = library.with_settings(Scenario.load(path), {"trust_decay": 0.03, "hub_mandate": 0.8})
    got = pd.read_csv(out / "monthly.csv")
    want = simulate(expected, seed=3).monthly
    assert got["russia_influence_share"].round(6).tolist() == (
        want["russia_influence_share"].round(6).tolist()
    )


@pytest.mark.parametrize(
    "value, message",
    [
        ("trust_decy=0.02", "--set: unknown parameter 'trust_decy' (did you mean 'trust_decay'"),
        ("trust_decay=9", "--set: parameters: trust_decay = 9.0 is outside its range"),
        ("trust_decay", "--set 'trust_decay': write NAME=VALUE"),
        ("trust_decay=abc", "'abc' is not a number"),
    ],
)
def test_bad_set_values_exit_2_naming_the_flag_and_write_nothing(tmp_path, capsys, value, message):
    out = tmp_path / "run"
    assert main(["run", "hague_2025_baseline", "--out", str(out), "--set", value]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_batch_set_applies_to_every_scenario(tmp_path, capsys):
    from sim.batch import load

    path = _short_file(tmp_path, months=6)
    out = tmp_path / "b"
    argv = ["batch", str(path), "--replicates", "2", "--executor", "serial", "--out", str(out)]
    assert main([*argv, "--set", "jihad_growth=0.25", "--progress", "never"]) == 0
    b = load(out)
    assert set(b.runs["status"]) == {"ok"}
    (entry,) = b.manifest["scenarios"]
    assert entry["content"]["parameters"]["jihad_growth"] == 0.25


def test_viz_set_starts_the_page_with_the_values_as_changes(monkeypatch):
    pytest.importorskip("solara")
    from sim.cli import build_parser
    from sim.viz.session import new_session

    args = build_parser().parse_args(["viz", "--set", "trust_decay=0.03", "--set", "hub_mandate=1"])
    assert args.settings == ["trust_decay=0.03", "hub_mandate=1"]
    s = new_session("hague_2025_baseline", {"trust_decay": 0.03, "hub_mandate": 1.0})
    assert s.spec.parameters["trust_decay"] == 0.03 and s.spec.policy.hub_mandate == 1.0
    assert sorted(d.field for d in s.changes()) == ["parameters.trust_decay", "policy.hub_mandate"]
    assert s.title() == "hague_2025_baseline (modified: 2 changes)"


def test_parameters_by_name_and_by_word(capsys):
    assert main(["parameters", "invite_trust_gain", "trust_decay"]) == 0
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.splitlines() if line.startswith("  ") and "[" in line]
    assert sorted(names) == ["invite_trust_gain", "trust_decay"]
    assert main(["parameters", "invite_trust_gian"]) == 2
    assert "did you mean 'invite_trust_gain'" in capsys.readouterr().err
    assert main(["parameters", "--search", "SUMMIT", "--json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert rows and all(
        "summit" in (r["name"] + r["description"] + r["unit"] + r["source"]).lower() for r in rows
    )
    assert "invite_trust_gain" in {r["name"] for r in rows}
