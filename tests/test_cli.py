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
