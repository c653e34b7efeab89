"""One command-line vocabulary: every command's parser is read, and a flag that means
a comparator, a horizon, a window or metrics is spelt and parsed the same way
everywhere (sim/cli/_args.py, docs/batch.md "The command-line vocabulary")."""

from __future__ import annotations

import argparse

import pytest

from sim.cli import _args, build_parser, main

# Commands that compare scenarios with a comparator take it as --baseline NAME (diff:
# --parent); commands that read results at a month take --horizon.
COMPARATOR = {"compare": _args.BASELINE, "report": _args.BASELINE, "diff": _args.PARENT}
READS_A_HORIZON = ("compare", "report", "sensitivity")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {s: a for a in parser._actions for s in a.option_strings}


COMMANDS = _commands()


def test_the_vocabulary_is_read_from_every_command():
    assert len(COMMANDS) >= 10
    assert set(COMPARATOR) - {"diff"} <= set(COMMANDS)
    assert set(READS_A_HORIZON) <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_command_spells_a_vocabulary_flag_otherwise(name):
    options = _options(COMMANDS[name])
    wrong = {f: _args.MISSPELT[f] for f in options if f in _args.MISSPELT}
    assert not wrong, f"{name}: use {wrong}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_comparators_are_baseline_or_parent(name):
    options = _options(COMMANDS[name])
    expected = COMPARATOR.get(name)
    if expected is not None:
        assert expected in options, f"{name} compares scenarios: it takes {expected}"
    # --parent only where a scenario is diffed against its parent; --baseline never there
    if _args.PARENT in options:
        assert name == "diff", f"{name}: --parent is for diff; a comparator is --baseline"
    if name == "diff":
        assert _args.BASELINE not in options
    if _args.BASELINE in options:
        assert options[_args.BASELINE].metavar == "NAME"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_horizon_window_and_metrics_take_the_same_values_everywhere(name):
    options = _options(COMMANDS[name])
    if name in READS_A_HORIZON:
        assert _args.HORIZON in options, f"{name} reads results at a month: --horizon"
    if _args.HORIZON in options:
        assert options[_args.HORIZON].metavar.startswith("YYYY[-MM]")
        assert options[_args.HORIZON].type is None  # parsed by _args: a year is its June
    if _args.WINDOW in options:
        assert options[_args.WINDOW].metavar == "N|cum"
    if _args.METRICS in options:
        action = options[_args.METRICS]
        assert action.nargs is None and action.metavar == "NAME[,NAME...]"  # comma-separated


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_vocabulary_flag_is_documented_in_help(name, capsys):
    options = _options(COMMANDS[name])
    used = [f for f in _args.VOCABULARY if f in options]
    if not used:
        return
    with pytest.raises(SystemExit):
        main([name, "--help"])
    text = capsys.readouterr().out
    for f in used:
        assert f in text
    if _args.HORIZON in used:
        assert "June" in text  # what a bare year means


def test_a_bare_year_is_its_june_and_a_month_is_itself():
    assert _args.horizon_list("2027, 2030-03") == [2027, "2030-03"]
    assert _args.window_value("cum") == "cum" and _args.window_value("6") == 6
    assert _args.metrics_list("cohesion, naval_incidents") == ["cohesion", "naval_incidents"]
    from sim.calendar import horizon_month

    assert horizon_month(2030) == horizon_month("2030") == "2030-06"
    for bad in ("2030-13", "soon", "30"):
        with pytest.raises(ValueError, match="YYYY"):
            horizon_month(bad)


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["compare", "{dir}", "--horizon", "soon"], "--horizon"),
        (["report", "{dir}", "--horizon", "2030-13"], "--horizon"),
        (
            ["sensitivity", "hague_2025_baseline", "--method", "morris", "--n", "2"]
            + ["--window", "often", "--out", "{dir}/sa"],
            "--window",
        ),
        (
            ["sensitivity", "hague_2025_baseline", "--method", "morris", "--n", "2"]
            + ["--horizon", "2040", "--out", "{dir}/sa"],
            "--horizon",
        ),
    ],
)
def test_bad_vocabulary_values_exit_2_naming_the_flag(argv, flag, tmp_path, capsys):
    code = main([a.replace("{dir}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and f"{flag}:" in err, err
    assert not (tmp_path / "sa").exists()


def test_library_errors_name_arguments_and_the_cli_names_flags(tmp_path, capsys):
    from sim.batch import run_batch
    from sim.errors import ArgumentError

    with pytest.raises(ArgumentError) as exc:
        run_batch(["hague_2025_baseline"], replicates=0, out=tmp_path / "x")
    assert exc.value.argument == "replicates" and "--" not in str(exc.value)
    with pytest.raises(ArgumentError) as exc:
        run_batch(["hague_2025_baseline"], chunk_size=0, out=tmp_path / "x", replicates=1)
    assert str(exc.value).startswith("chunk_size: ")
    assert _args.flag("chunk_size") == "--chunk-size" and _args.flag("replicates") == "--replicates"
    assert _args.flag("scenario_points") == "scenario_points"  # no such flag: its own name
    code = main(["batch", "hague_2025_baseline", "--chunk-size", "0", "--out", str(tmp_path / "y")])
    assert code == 2 and "--chunk-size: must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
