"""Batches: layout, common random numbers, executors that agree, crash safety, failures,
bad input, status and reproduce."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim import Scenario, simulate
from sim.batch import (
    BatchError,
    Design,
    build_design,
    load,
    reproduce,
    resume_batch,
    run_batch,
    status,
)
from sim.batch.storage import ID_COLUMNS, RUN_COLUMNS
from sim.cli import main
from sim.scenario import Experiment

from .conftest import ROOT, shortened, variant

TABLES = ("monthly", "countries", "events")


def write_scenario(path: Path, scenario, **extra) -> Path:
    data = scenario.model_dump(mode="json")
    data.update(extra)
    data = {k: v for k, v in data.items() if v is not None}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory, baseline):
    """Two short scenarios (24 months) on disk: a baseline and a policy variant."""
    d = tmp_path_factory.mktemp("scen")
    short = shortened(baseline, 24)
    policy = variant(short, name="short_policy", policy={"md_revival": 1.0, "hub_mandate": 1.0})
    return [
        write_scenario(d / "short_base.yaml", short, name="short_base"),
        write_scenario(d / "short_policy.yaml", policy),
    ]


def assert_same_tables(a, b) -> None:
    for t in TABLES:
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t), check_exact=True)


@pytest.fixture(scope="module")
def serial_batch(files, tmp_path_factory):
    out = tmp_path_factory.mktemp("b") / "serial"
    run_batch(files, replicates=4, seed=7, out=out, executor="serial", chunk_size=3)
    return out


def test_layout_manifest_and_common_random_numbers(serial_batch, files):
    b = load(serial_batch)
    m = b.manifest
    assert m["kind"] == "southflank-batch" and m["status"] == "complete"
    assert m["batch_seed"] == 7 and m["n_runs"] == 8 and m["finished"]
    expected = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(7).spawn(4)]
    assert m["seeds"] == expected
    for sc, f in zip(m["scenarios"], files, strict=True):
        assert sc["files"][0]["text"] == f.read_text(encoding="utf-8")
        assert len(sc["files"][0]["sha256"]) == 64 and len(sc["content_hash"]) == 64
    assert {"git_commit", "versions", "package_version", "command", "started"} <= set(m)
    assert list(b.runs.columns[: len(RUN_COLUMNS)]) == list(RUN_COLUMNS)
    assert (b.runs.status == "ok").all()
    # replicate i of every scenario has the same seed: common random numbers
    seeds = b.runs.pivot(index="replicate", columns="scenario", values="seed")
    assert (seeds.nunique(axis=1) == 1).all()
    assert seeds.iloc[:, 0].tolist() == expected
    for t in TABLES:
        df = getattr(b, t)
        assert list(df.columns[:5]) == list(ID_COLUMNS)
        assert set(df.run_id) <= set(b.runs.run_id)
    assert len(b.monthly) == 8 * 24 and b.monthly.date.iloc[0] == "2025-07"
    # the policy changes results while the seeds are shared
    last = b.monthly[b.monthly.date == b.monthly.date.max()]
    assert last.groupby("scenario").cohesion.mean().nunique() == 2
    # each stored run is `simulate`'s tables, column for column and value for value
    fresh = simulate(Scenario.load(files[1]), seed=expected[2])
    for t in TABLES:
        df = getattr(b, t)
        mine = df[df.run_id == "short_policy.p000.r002"].drop(columns=list(ID_COLUMNS))
        want = getattr(fresh, t)
        if t == "events":  # details vary by kind and come in the chunk's order
            mine = mine.dropna(axis=1, how="all")
            assert list(mine.columns[:5]) == list(want.columns[:5])
            mine = mine[list(want.columns)]
        assert list(mine.columns) == list(want.columns), t
        pd.testing.assert_frame_equal(
            mine.reset_index(drop=True), want, check_dtype=False, check_exact=True
        )


def test_executors_agree_bit_for_bit(serial_batch, files, tmp_path):
    run_batch(
        files, replicates=4, seed=7, out=tmp_path / "p", executor="processes", workers=2,
        chunk_size=3,
    )  # fmt: skip
    assert_same_tables(load(serial_batch), load(tmp_path / "p"))
    distributed = pytest.importorskip(
        "distributed", reason="Dask distributed is not installed (extra 'dask')"
    )
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        run_batch(
            files, replicates=4, seed=7, out=tmp_path / "d", executor="dask", scheduler=client,
            chunk_size=3,
        )  # fmt: skip
    assert_same_tables(load(serial_batch), load(tmp_path / "d"))


@pytest.mark.slow
def test_sigkill_midway_then_resume_equals_uninterrupted(baseline, tmp_path):
    short = shortened(baseline, 48)
    f1 = write_scenario(tmp_path / "k_base.yaml", short, name="k_base")
    f2 = write_scenario(
        tmp_path / "k_policy.yaml", variant(short, name="k_policy", policy={"md_revival": 1.0})
    )
    out = tmp_path / "killed"
    args = [str(f1), str(f2), "--replicates", "20", "--seed", "3", "--chunk-size", "1"]
    cmd = [sys.executable, "-m", "sim.cli", "batch", *args, "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        done = out / "done"
        if done.is_dir() and len(list(done.glob("*.json"))) >= 4:
            break
        time.sleep(0.005)
    assert proc.poll() is None, f"the batch ended before it could be killed: {proc.stderr.read()}"
    os.killpg(proc.pid, signal.SIGKILL)  # the head and its workers, as a crash would
    proc.wait()
    proc.stderr.close()
    st = status(out)
    assert 0 < st["done"] < st["n_runs"] and st["left"] > 0
    before = {p.name: p.read_text() for p in (out / "done").glob("*.json")}

    assert main(["resume", str(out), "--executor", "serial", "--progress", "never"]) == 0
    after = {p.name: p.read_text() for p in (out / "done").glob("*.json")}
    assert all(after[name] == text for name, text in before.items())  # not redone
    assert status(out)["left"] == 0 and load(out).manifest["status"] == "complete"
    assert not list(out.rglob("*.tmp"))

    ref = tmp_path / "uninterrupted"
    run_batch([f1, f2], replicates=20, seed=3, out=ref, executor="serial", chunk_size=1)
    assert_same_tables(load(out), load(ref))


def test_failed_runs_are_recorded_and_the_batch_goes_on(files, tmp_path, monkeypatch, capsys):
    import sim.batch.worker as worker

    real = worker.run_model
    bad_seed = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(5).spawn(3)][1]

    def flaky(scenario, seed=None):
        if seed == bad_seed:
            raise RuntimeError("injected failure")
        return real(scenario, seed=seed)

    monkeypatch.setattr(worker, "run_model", flaky)
    out = tmp_path / "f"
    code = main(
        ["batch", *map(str, files), "--replicates", "3", "--seed", "5", "--executor", "serial",
         "--out", str(out), "--progress", "never"]
    )  # fmt: skip
    assert code == 1
    failed = sorted(p.stem for p in (out / "failures").glob("*.json"))
    assert failed == ["short_base.p000.r001", "short_policy.p000.r001"]
    record = json.loads((out / "failures" / f"{failed[0]}.json").read_text())
    assert "injected failure" in record["error"] and "Traceback" in record["traceback"]
    b = load(out)
    assert sorted(b.runs.run_id[b.runs.status == "failed"]) == failed
    assert set(b.monthly.run_id) == set(b.runs.run_id) - set(failed)
    st = status(out)
    assert (st["done"], st["failed"], st["left"]) == (4, 2, 0)
    main(["status", str(out)])
    assert "2 failed" in capsys.readouterr().out
    # the failure reproduces as a failure; after the cause is gone, --retry-failed fixes it
    assert reproduce(out, failed[0]).match
    monkeypatch.setattr(worker, "run_model", real)
    summary = resume_batch(out, executor="serial", retry_failed=True)
    assert summary.failed == 0 and not list((out / "failures").glob("*.json"))
    assert len(load(out).monthly) == 6 * 24


BAD_INPUTS = {
    "unknown scenario": ["no_such_scenario"],
    "zero replicates": ["{f}", "--replicates", "0"],
    "zero workers": ["{f}", "--workers", "0"],
    "dask without scheduler": ["{f}", "--executor", "dask"],
    "design without parameters": ["{f}", "--design", "grid"],
    "same scenario twice": ["{f}", "{f}"],
    "vary unknown parameter": ["{f}", "--vary", "jihad_grwth"],
    "vary outside the registry": ["{f}", "--vary", "jihad_growth=0.5:0.9"],
    "vary without a colon": ["{f}", "--vary", "jihad_growth=0.1"],
    "vary not a number": ["{f}", "--vary", "jihad_growth=low:0.2"],
    "vary the same name twice": ["{f}", "--vary", "jihad_growth", "--vary", "jihad_growth"],
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_and_writes_nothing(case, files, tmp_path, capsys):
    out = tmp_path / "out"
    args = [a.format(f=files[0]) for a in BAD_INPUTS[case]]
    assert main(["batch", *args, "--out", str(out), "--progress", "never"]) == 2
    assert not out.exists()
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "option", [["--design", "grd"], ["--executor", "mpi"], ["--seed", "-1"], ["--seed", "x"]]
)
def test_unknown_choice_exits_2(option, files, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(files[0]), *option, "--out", str(tmp_path / "o")])
    assert exc.value.code == 2 and not (tmp_path / "o").exists()


def test_vary_explores_a_parameter_without_a_yaml_file(files, tmp_path):
    out = tmp_path / "vary"
    args = ["batch", str(files[0]), "--vary", "jihad_growth=0.15:0.25", "--vary", "jihad_anchor"]
    args += ["--samples", "3", "--replicates", "2", "--executor", "serial", "--seed", "5"]
    assert main([*args, "--out", str(out), "--progress", "never"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    points = manifest["design"]["points"]
    assert len(points) == 3 and all(set(pt) == {"jihad_growth", "jihad_anchor"} for pt in points)
    growth = [pt["jihad_growth"] for pt in points]
    assert all(0.15 <= g <= 0.25 for g in growth) and len(set(growth)) == 3
    b = load(out)
    assert len(b.runs) == 6 and (b.runs.status == "ok").all()
    # the varied value reaches the model: the points' runs differ under common seeds
    last = b.monthly[b.monthly.step == 24].groupby("point").jihadist_activity_region.mean()
    assert last.nunique() == 3


def test_out_folder_with_other_content_is_refused(files, serial_batch, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    args = ["batch", str(files[0]), "--replicates", "2", "--executor", "serial"]
    assert main([*args, "--out", str(other)]) == 2
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    before = sorted(p.relative_to(serial_batch) for p in serial_batch.rglob("*"))
    assert main([*args, "--out", str(serial_batch)]) == 2  # holds another batch
    assert sorted(p.relative_to(serial_batch) for p in serial_batch.rglob("*")) == before


def test_same_command_again_continues_the_batch(files, tmp_path):
    out = tmp_path / "again"
    args = ["batch", *map(str, files), "--replicates", "2", "--executor", "serial"]
    assert main([*args, "--out", str(out), "--progress", "never"]) == 0
    marker = next((out / "done").glob("*.json")).read_text()
    assert main([*args, "--out", str(out), "--progress", "never"]) == 0
    assert next((out / "done").glob("*.json")).read_text() == marker


def test_status_and_reproduce(serial_batch, tmp_path, capsys):
    assert main(["status", str(serial_batch)]) == 0
    text = capsys.readouterr().out
    assert "complete" in text and "8 done, 0 failed, 0 left" in text
    run_id = load(serial_batch).runs.run_id.iloc[5]
    assert main(["reproduce", str(serial_batch), run_id]) == 0
    assert main(["reproduce", str(serial_batch), "nope"]) == 2
    assert main(["status", str(tmp_path)]) == 2  # not a batch

    # a stored number that the model does not give is a mismatch (exit 1)
    import shutil

    copy = tmp_path / "tampered"
    shutil.copytree(serial_batch, copy)
    b = load(copy)
    index = int(b.runs.index[b.runs.run_id == run_id][0]) // b.manifest["chunk_size"]
    f = copy / "monthly" / f"chunk-{index:06d}.parquet"
    df = pd.read_parquet(f)
    df.loc[(df.run_id == run_id) & (df.step == 10), "cohesion"] += 1e-9
    df.to_parquet(f, index=False)
    capsys.readouterr()
    # the changed file no longer matches its done marker: refused, naming the chunk
    assert main(["reproduce", str(copy), run_id]) == 2
    assert f"chunk-{index:06d}" in capsys.readouterr().err
    # ... and with a marker that records the changed file, the rerun finds the change
    from sim.batch.storage import file_record

    marker_path = copy / "done" / f"chunk-{index:06d}.json"
    marker = json.loads(marker_path.read_text())
    marker["files"][f"monthly/chunk-{index:06d}.parquet"] = file_record(f)
    marker_path.write_text(json.dumps(marker))
    assert main(["reproduce", str(copy), run_id]) == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_grid_design_varies_parameters_over_every_scenario(files, baseline, tmp_path):
    names = ["trust_decay", "friction_penalty"]
    exp = {"design": "grid", "samples": 2, "replicates": 2, "parameters": names}
    d = tmp_path / "scen"
    d.mkdir()
    short = shortened(baseline, 12)
    f1 = write_scenario(d / "g_base.yaml", short, name="g_base", experiment=exp)
    f2 = write_scenario(
        d / "g_pol.yaml", variant(short, name="g_pol", policy={"md_revival": 1.0}), experiment=exp
    )
    out = tmp_path / "grid"
    run_batch([f1, f2], seed=1, out=out, executor="serial")
    b = load(out)
    assert b.manifest["design"]["method"] == "grid" and b.manifest["design"]["n_points"] == 4
    assert len(b.runs) == 2 * 4 * 2
    points = b.manifest["design"]["points"]
    for r in b.runs.itertuples():
        assert {k: v for k, v in json.loads(r.params_json).items() if k in names} == points[r.point]
    # the same design points and seeds for both scenarios
    key = ["point", "replicate", "seed", "params_json"]
    per = [g[key].reset_index(drop=True) for _, g in b.runs.groupby("scenario")]
    pd.testing.assert_frame_equal(per[0], per[1])
    # --samples on the command line overrides the experiment block
    assert (
        main(["batch", str(f1), "--samples", "3", "--executor", "serial", "--replicates", "1",
              "--out", str(tmp_path / "g3"), "--progress", "never"])
        == 0
    )  # fmt: skip
    assert load(tmp_path / "g3").manifest["design"]["n_points"] == 9


@pytest.mark.parametrize(
    "design,samples,n_points", [("lhs", 5, 5), ("sobol", 4, 4 * (2 * 2 + 2)), ("morris", 3, 9)]
)
def test_salib_designs_have_the_documented_number_of_points(design, samples, n_points):
    pytest.importorskip("SALib", reason="SALib is not installed (extra 'analysis')")
    names = ["trust_decay", "friction_penalty"]
    exp = Experiment(design=design, samples=samples, parameters=names)
    d = build_design(exp, batch_seed=1)
    assert len(d.points) == n_points
    for point in d.points:
        for n, (lo, hi) in zip(d.names, d.bounds, strict=True):
            assert lo <= point[n] <= hi
    assert build_design(exp, batch_seed=1).points == d.points  # seeded


def test_explicit_design_subsets_and_a_monthly_only_batch(files, tmp_path):
    """The sensitivity-analysis shape of a batch: the caller's own points, a second
    scenario at only some of them, and only a few monthly metrics stored."""
    points = [{"trust_decay": 0.01}, {"trust_decay": 0.02, "bloc_min_members": 3}, {}]
    design = Design(points=points)
    out = tmp_path / "explicit"
    keep = ["cohesion", "naval_incidents"]
    summary = run_batch(
        files, design=design, replicates=2, seed=9, out=out, executor="serial",
        scenario_points={"short_policy": [0, 2]}, tables=("monthly",), columns=keep,
    )  # fmt: skip
    assert summary.complete and summary.n_runs == (3 + 2) * 2
    b = load(out)
    m = b.manifest
    assert m["design"]["method"] == "explicit" and m["design"]["points"] == points
    assert m["design"]["parameters"] == ["trust_decay", "bloc_min_members"]
    stored = ["naval_incidents", "cohesion"]  # in the order of sim.outcomes.MODEL_METRICS
    assert m["tables"] == ["monthly"] and m["columns"] == stored
    assert m["scenario_points"] == {"short_policy": [0, 2]}
    runs = b.runs
    assert sorted(runs[runs.scenario == "short_policy"].point.unique()) == [0, 2]
    for r in runs.itertuples():
        assert {k: v for k, v in json.loads(r.params_json).items() if k in points[1]} == {
            k: float(v) for k, v in points[r.point].items()
        }
    # only the monthly table, only the chosen metrics; the rest reads as empty frames
    assert not (out / "countries").exists() and not (out / "events").exists()
    assert b.tables == ("monthly",)
    assert list(b.monthly.columns) == [*ID_COLUMNS, "date", "step", *stored]
    assert b.countries.empty and "iso3" in b.countries.columns
    assert b.events.empty and "kind" in b.events.columns
    with pytest.raises(BatchError, match="stored only the monthly metrics naval_incidents"):
        b.read("monthly", columns=["run_id", "stability_mean"])
    # the stored values are those of a full batch with the same seeds
    full = tmp_path / "full"
    run_batch(files[:1], design=design, replicates=2, seed=9, out=full, executor="serial")
    ref = load(full).monthly
    got = b.monthly[b.monthly.scenario == "short_base"].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref[list(got.columns)], check_exact=True)
    # and every stored run reproduces from the manifest
    assert reproduce(out, runs.run_id.iloc[-1]).match
    # the same call again continues (here: finds nothing left) instead of refusing
    again = run_batch(
        files, design=design, replicates=2, seed=9, out=out, executor="serial",
        scenario_points={"short_policy": [0, 2]}, tables=("monthly",), columns=keep,
    )  # fmt: skip
    assert again.ran_runs == 0


EXPLICIT_ERRORS = {
    "unknown parameter": ({"design": Design(points=[{"trust_dekay": 0.01}])}, "did you mean"),
    "out of range": ({"design": Design(points=[{"trust_decay": 5.0}])}, "outside its range"),
    "fractional integer": (
        {"design": Design(points=[{"bloc_min_members": 2.5}])},
        "whole number",
    ),
    "no points": ({"design": Design(method="explicit", points=[])}, "non-empty"),
    "samples with points": (
        {"design": Design(points=[{"trust_decay": 0.01}]), "samples": 4},
        "explicit design",
    ),
    "unknown scenario in scenario_points": (
        {"scenario_points": {"short_polcy": [0]}},
        "did you mean 'short_policy'",
    ),
    "point outside the design": ({"scenario_points": {"short_policy": [1]}}, "outside"),
    "unknown table": ({"tables": ("monthly", "country")}, "tables"),
    "unknown column": ({"columns": ["coheson"]}, "did you mean 'cohesion'"),
    "columns without monthly": ({"tables": ("events",), "columns": ["cohesion"]}, "monthly"),
}


@pytest.mark.parametrize("case", list(EXPLICIT_ERRORS))
def test_bad_explicit_batch_input_is_refused_before_anything_is_written(case, files, tmp_path):
    kwargs, words = EXPLICIT_ERRORS[case]
    out = tmp_path / "never"
    with pytest.raises(BatchError, match=words):
        run_batch(files, replicates=1, out=out, executor="serial", **kwargs)
    assert not out.exists()


def test_batch_command_can_store_the_monthly_table_only(tmp_path, baseline, capsys):
    path = write_scenario(tmp_path / "short.yaml", shortened(baseline, 12))
    out = tmp_path / "b"
    args = ["batch", str(path), "--replicates", "2", "--out", str(out), "--executor", "serial"]
    assert main([*args, "--tables", "monthly,bogus"]) == 2
    assert "allowed: monthly, countries, events" in capsys.readouterr().err
    assert not out.exists()
    assert main([*args, "--tables", "monthly", "--progress", "never"]) == 0
    b = load(out)
    assert len(b.monthly) == 2 * 12 and b.countries.empty
