"""Scenario input is read strictly: every kind of malformed file is refused with the
file, the line, the field, the bad value and what is allowed, never run silently and
never answered with a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import Scenario, ScenarioError, library
from sim.run import simulate

BASE = 'name: t\nstart: "2025-07"\nmonths: 24\n'


def write(folder: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refused(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as exc:
        Scenario.load(path)
    return exc.value


# kind -> (file text, the line, the field, words the message must hold)
VALUES_THAT_CHANGED_RESULTS = {
    "duplicate key": (BASE + "months: 36\n", 4, "months", "given twice (first on line 3)"),
    "months: yes": (
        'name: t\nstart: "2025-07"\nmonths: yes\n',
        3,
        "months",
        "must be a whole number from 1 to 600, got true",
    ),
    "seed: true": (BASE + "seed: true\n", 4, "seed", "must be a whole number"),
    "md_revival: yes": (
        BASE + "policy:\n  md_revival: yes\n",
        5,
        "policy.md_revival",
        "must be a number from 0 to 1, got true",
    ),
    'seed: "3"': (BASE + 'seed: "3"\n', 4, "seed", "got '3' (str)"),
    "months: 36.0": (BASE.replace("24", "24.0"), 3, "months", "whole number"),
    "start: 202507": (
        "name: t\nstart: 202507\n",
        2,
        "start",
        "written as text 'YYYY-MM' in quotes",
    ),
    "start before the data": (
        'name: t\nstart: "1990-01"\n',
        2,
        "start",
        "from 2019-01 to 2026-12",
    ),
    "start as a YAML date": ("name: t\nstart: 2025-07-01\n", 2, "start", "got 2025-07-01 (a date)"),
    "two summits in one month": (
        BASE + 'policy:\n  summits:\n    - {date: "2026-01", invite: [MD]}\n'
        '    - {date: "2026-01", invite: [ICI]}\n',
        7,
        "policy.summits[1].date",
        "one summit a month",
    ),
    "a DCB lead that is not an ally": (
        BASE + 'policy:\n  dcb:\n    - {partner: DZA, start: "2025-09", lead: EGY}\n',
        6,
        "policy.dcb[0].lead",
        "the lead must be a NATO ally, got 'EGY'; allowed: PRT",
    ),
    "a DCB partner that is an ally": (
        BASE + 'policy:\n  dcb:\n    - {partner: ITA, start: "2025-09"}\n',
        6,
        "policy.dcb[0].partner",
        "is a NATO ally",
    ),
    "a rupture of a state with itself": (
        BASE + 'events:\n  - {date: "2026-01", kind: diplomatic_rupture, country: DZA, '
        "other: DZA}\n",
        5,
        "events[0].other",
        "two different states, got DZA twice",
    ),
    "a field the event's kind does not use": (
        BASE + 'events:\n  - {date: "2026-01", kind: coup, country: MLI, site: tartus}\n',
        5,
        "events[0].site",
        "a coup event does not use site",
    ),
    "a field a government change does not use": (
        BASE + 'events:\n  - {date: "2026-01", kind: government_change, country: SEN, '
        "side: western}\n",
        5,
        "events[0].side",
        "a government_change event does not use side",
    ),
    "stochastic: yes": (
        'name: t\nstart: "2025-07"\nstochastic: 1\n',
        3,
        "stochastic",
        "true or false",
    ),
    "a zone given twice": (
        BASE + "policy:\n  naval_presence:\n    Central Med: 1.0\n    Central Med: 1.5\n",
        7,
        "policy.naval_presence.Central Med",
        "given twice",
    ),
    "a lever changed twice in one month": (
        BASE + 'policy:\n  changes:\n    - {date: "2026-01", md_revival: 0.2}\n'
        '    - {date: "2026-01", md_revival: 0.4}\n',
        7,
        "policy.changes[1].date",
        "md_revival is already changed in 2026-01",
    ),
    "an actor invited twice": (
        BASE + 'policy:\n  summits:\n    - {date: "2026-01", invite: [MD, MD]}\n',
        6,
        "policy.summits[0].invite[1]",
        "'MD' is given twice",
    ),
    "a key that YAML reads as a boolean": (BASE + "yes: 1\n", 4, "top level", "is not a name"),
    "a date outside the run": (
        BASE + 'events:\n  - {date: "2031-01", kind: coup, country: TCD}\n',
        5,
        "events[0].date",
        "outside the run (2025-07 to 2027-06)",
    ),
}


@pytest.mark.parametrize("kind", VALUES_THAT_CHANGED_RESULTS)
def test_values_that_would_change_results_are_refused(kind, tmp_path):
    text, line, field, words = VALUES_THAT_CHANGED_RESULTS[kind]
    path = write(tmp_path, text)
    msg = str(refused(path))
    assert msg.startswith(f"{path}:{line}: {field}"), msg
    assert words in msg, msg


def test_a_government_change_takes_its_regime_and_level(tmp_path):
    path = write(
        tmp_path,
        BASE + 'stochastic: false\nevents:\n  - {date: "2026-01", kind: government_change, '
        "country: TCD, regime: autocracy, level: 0.4}\n",
    )
    event = Scenario.load(path).events[0]
    assert (event.kind, event.regime, event.level) == ("government_change", "autocracy", 0.4)


def test_unknown_key_in_a_free_mapping_does_not_print_an_empty_list(tmp_path):
    path = write(
        tmp_path, BASE + "experiment:\n  parameters:\n    trust_decay: {low: 0.01, hgh: 0.02}\n"
    )
    msg = str(refused(path))
    assert "experiment.parameters.trust_decay.hgh: unknown key (did you mean 'high'?)" in msg
    assert "allowed here: high, low" in msg
    assert "allowed here: \n" not in msg + "\n" and "allowed here: ;" not in msg


def file_cases(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Files that used to end in a traceback: path -> (the file named, message words)."""
    sub = tmp_path / "sub"
    sub.mkdir()
    binary = write(tmp_path, b"\x7fELF\x02\x01\x00\x00binary", "bin.yaml")
    return {
        "not UTF-8": (
            write(tmp_path, b"name: t\n\xff\xfe bad\n", "latin.yaml"),
            "latin.yaml:2: is not UTF-8 text (byte 0xff on line 2)",
        ),
        "deeply nested": (
            write(tmp_path, "name: t\nx: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml"),
            "deep.yaml:2: nested more than 20 levels deep",
        ),
        "aliases that expand without end": (
            write(
                tmp_path,
                "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
                + "".join(
                    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                    for p, c in zip("abcdefg", "bcdefgh", strict=True)
                ),
                "laughs.yaml",
            ),
            "laughs.yaml: too large once its aliases are expanded",
        ),
        "extends a folder": (
            write(tmp_path, "extends: sub\nname: t\n", "ext_dir.yaml"),
            "ext_dir.yaml:1: extends: 'sub' is a folder",
        ),
        "extends ./": (
            write(tmp_path, "extends: ./\nname: t\n", "ext_dot.yaml"),
            "ext_dot.yaml:1: extends: './' is a folder",
        ),
        "extends a binary file": (
            write(tmp_path, f"name: t\nextends: {binary.name}\n", "ext_bin.yaml"),
            f"ext_bin.yaml:2: extends: {binary}: is a binary file",
        ),
        "extends a missing file": (
            write(tmp_path, "extends: nothere\nname: t\n", "ext_missing.yaml"),
            "ext_missing.yaml:1: extends: " + str(tmp_path / "nothere.yaml") + ": no such",
        ),
        "a folder as the scenario": (sub, "sub: is a folder, not a scenario file"),
        "not a mapping": (write(tmp_path, "- a\n- b\n", "list.yaml"), "got a list"),
        "an empty file": (write(tmp_path, "", "empty.yaml"), "got empty"),
    }


def test_files_that_used_to_raise_are_scenario_errors(tmp_path):
    for kind, (path, words) in file_cases(tmp_path).items():
        msg = str(refused(path))
        assert words in msg, (kind, msg)


def test_cli_exits_2_without_a_traceback_on_every_file_case(tmp_path):
    cases = file_cases(tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", *(str(p) for p, _ in cases.values())],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    for kind, (_, words) in cases.items():
        assert words in res.stderr, kind


def test_a_fault_in_a_parent_names_the_parent_file_and_its_line(tmp_path):
    write(tmp_path, 'name: p\nstart: "2025-07"\nmonths: 24\npolicy:\n  hub_mandate: 7\n', "p.yaml")
    child = write(tmp_path, "# a child\nextends: p\nname: c\n", "c.yaml")
    msg = str(refused(child))
    assert msg.startswith(f"{tmp_path / 'p.yaml'}:5: policy.hub_mandate: must be a number")
    assert f"(read through extends: from {child})" in msg


def test_a_child_value_keeps_the_child_line_and_a_merged_parent_value_its_own(tmp_path):
    write(tmp_path, 'name: p\nstart: "2025-07"\nmonths: 24\npolicy:\n  md_revival: 5\n', "p.yaml")
    child = write(tmp_path, "extends: p\nname: c\npolicy:\n  ici_revival: 2\n", "c.yaml")
    problems = {p.field: (p.file, p.line) for p in refused(child).problems}
    assert problems["policy.ici_revival"] == (str(child), 4)
    assert problems["policy.md_revival"] == (str(tmp_path / "p.yaml"), 5)


def test_a_bad_value_in_a_shipped_parent_is_found_in_the_child(tmp_path):
    # a shorter run leaves the parent's summits outside it: the parent's lines are named
    child = write(
        tmp_path,
        f"extends: {library.resolve('hague_2025_baseline')}\nname: c\nmonths: 6\n",
        "c.yaml",
    )
    problem = refused(child).problems[0]
    assert problem.file == str(library.resolve("hague_2025_baseline"))
    assert problem.line is not None and "outside the run" in problem.message


def test_policy_changes_are_documented():
    text = (Path(__file__).parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    assert "| `changes` |" in text


# -- mutations of the shipped scenarios ----------------------------------------------------
SHIPPED = sorted(library.library_dir().glob("*.yaml"))
ODD_VALUES = st.sampled_from(
    [
        True,
        False,
        None,
        0,
        -1,
        1,
        36,
        2**70,
        0.5,
        1.5,
        -0.1,
        1e308,
        float("nan"),
        float("inf"),
        "",
        "yes",
        "2025-07",
        "1990-01",
        "2031-13",
        "MLI",
        "DZA",
        "ITA",
        "XXX",
        "Central Med",
        "tartus",
        "coup",
        [],
        ["MD", "MD"],
        {},
        {"low": 1, "high": 0},
        {"date": "2026-01"},
    ]
)


def _paths(data, prefix=()):
    """Every path to a value inside a YAML document."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*prefix, i))


def _set(data, path, value):
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _delete(data, path):
    for key in path[:-1]:
        data = data[key]
    del data[path[-1]]


@st.composite
def mutated(draw):
    """(text, name) of a shipped scenario with one mutation: a value replaced by an odd
    one, a key deleted or added, or the text cut, doubled or given a stray byte."""
    src = draw(st.sampled_from(SHIPPED))
    text = src.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if isinstance(data.get("extends"), str):  # the mutant lives elsewhere
        data["extends"] = str(library.resolve(data["extends"]))
    how = draw(st.sampled_from(["value", "delete", "add", "cut", "double", "byte"]))
    paths = [p for p in _paths(data) if p]
    if how == "value":
        _set(data, draw(st.sampled_from(paths)), draw(ODD_VALUES))
    elif how == "delete":
        _delete(data, draw(st.sampled_from(paths)))
    elif how == "add":
        holders = [p for p in _paths(data) if isinstance(_get(data, p), dict)]
        _get(data, draw(st.sampled_from(holders)))[
            draw(st.sampled_from(["x", "seeed", "date"]))
        ] = draw(ODD_VALUES)
    out = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    if how == "cut":
        out = out[: draw(st.integers(0, len(out)))]
    elif how == "double":
        lines = out.splitlines(keepends=True)
        i = draw(st.integers(0, len(lines) - 1))
        out = "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
    elif how == "byte":
        i = draw(st.integers(0, len(out)))
        out = (
            out[:i]
            + draw(st.sampled_from(["\x00", ":", "[", "\t", "&a", "*a", "\udcff"]))
            + out[i:]
        )
    return out, src.stem


def _get(data, path):
    for key in path:
        data = data[key]
    return data


@settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated())
def test_mutated_shipped_scenarios_run_or_name_file_and_field(tmp_path, case):
    text, stem = case
    path = tmp_path / f"{stem}.yaml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    try:
        scenario = Scenario.load(path)
    except ScenarioError as exc:
        assert exc.problems, str(exc)
        for p in exc.problems:
            assert (p.file or exc.path) in str(exc)
            # a problem names a field, or it is about the file as a whole and has a line
            # or is about the file's size, encoding or type
            assert (
                p.field
                or p.line
                or "file" in p.message
                or "YAML" in p.message
                or ("mapping" in p.message or "aliases" in p.message)
            ), str(exc)
        return
    result = simulate(scenario.model_copy(update={"months": min(scenario.months, 24)}))
    assert len(result.monthly) == min(scenario.months, 24)
