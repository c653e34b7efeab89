"""Results you can trust and faults that end cleanly: damaged or foreign batch folders
are refused (exit 2) or repaired by `resume`; one writer per folder; bounded work; no
traceback reaches a user; dead workers, a full disk and signals end with one line and
the resume command, no process outlives the command, and `resume` then gives exactly
the tables of an uninterrupted batch."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import params as P
from sim.batch import load, run_batch, status, verify
from sim.batch.design import explicit_design, points_from_matrix, sample_matrix
from sim.batch.storage import BatchError, batch_lock
from sim.cli import main

from .conftest import shortened
from .test_batch import write_scenario

MONTHS = 12


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory, baseline):
    d = tmp_path_factory.mktemp("rel")
    return write_scenario(d / "short.yaml", shortened(baseline, MONTHS), name="short")


def batch_args(scenario_file, out, reps=6, *extra):
    return [
        "batch",
        str(scenario_file),
        "--replicates",
        str(reps),
        "--chunk-size",
        "1",
        "--seed",
        "3",
        "--out",
        str(out),
        "--progress",
        "never",
        *extra,
    ]


@pytest.fixture(scope="module")
def reference(tmp_path_factory, scenario_file):
    """An uninterrupted batch: what every repaired batch must equal exactly."""
    out = tmp_path_factory.mktemp("ref") / "ref"
    assert main([*batch_args(scenario_file, out), "--executor", "serial"]) == 0
    return out


def tables(path: Path) -> dict[str, pd.DataFrame]:
    b = load(path)
    return {
        t: getattr(b, t)
        .sort_values(["run_id", *(["date"] if t != "events" else [])])
        .reset_index(drop=True)
        .pipe(lambda df: df[sorted(df.columns)])
        for t in ("monthly", "countries", "events")
    }


def assert_same_results(path: Path, reference: Path) -> None:
    got, want = tables(path), tables(reference)
    for t in want:
        pd.testing.assert_frame_equal(got[t], want[t], check_exact=True, obj=t)
    assert load(path).manifest["plan_hash"] == load(reference).manifest["plan_hash"]
    assert verify(path).ok
    assert status(path)["status"] == "complete"


def copy_batch(src: Path, tmp_path: Path, name: str = "copy") -> Path:
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


# -- damaged and foreign folders -----------------------------------------------------------
@pytest.mark.parametrize("damage", ["truncated", "lost", "bit flipped"])
def test_a_damaged_chunk_is_refused_by_readers_and_rerun_by_resume(
    damage, reference, tmp_path, capsys
):
    out = copy_batch(reference, tmp_path)
    f = out / "countries" / "chunk-000002.parquet"
    if damage == "truncated":
        os.truncate(f, f.stat().st_size // 2)
    elif damage == "lost":
        f.unlink()
    else:
        raw = bytearray(f.read_bytes())
        raw[len(raw) // 2] ^= 0xFF  # same size: only the checksum sees it
        f.write_bytes(bytes(raw))
    capsys.readouterr()
    # the size check refuses a truncated or lost file at once; the checksum a flipped
    # byte in the files a command reads
    assert main(["compare", str(out), "--baseline", "short"]) == (
        0 if damage == "bit flipped" else 2
    )
    assert main(["report", str(out), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "chunk-000002" in err and "southflank resume" in err and "Traceback" not in err
    assert main(["verify", str(out)]) == 2
    assert "damaged: chunk-000002" in capsys.readouterr().out
    st = status(out)
    if damage != "bit flipped":
        assert st["status"] == "damaged" and "chunk-000002" in st["damaged"] and st["left"] == 1
    assert main(["resume", str(out), "--executor", "serial", "--progress", "never"]) == 0
    assert "rerun a damaged chunk: chunk-000002" in capsys.readouterr().out
    assert_same_results(out, reference)


MANIFESTS = {
    "a JSON list": b"[]",
    "keys missing": b'{"kind": "southflank-batch", "schema_version": 1}',
    "not UTF-8": b'{"kind": "\xe9t\xe9"}',
    "not JSON": b'{"kind": ',
    "counts that do not add up": None,
}


@pytest.mark.parametrize("case", MANIFESTS)
def test_a_malformed_manifest_is_refused_by_every_command(case, reference, tmp_path, capsys):
    out = copy_batch(reference, tmp_path)
    mpath = out / "manifest.json"
    if MANIFESTS[case] is None:
        m = json.loads(mpath.read_text())
        m["n_chunks"] += 1
        mpath.write_text(json.dumps(m))
    else:
        mpath.write_bytes(MANIFESTS[case])
    before = mpath.read_bytes()
    for cmd in (
        ["status"],
        ["compare"],
        ["report"],
        ["verify"],
        ["resume", "--executor", "serial"],
    ):
        capsys.readouterr()
        assert main([cmd[0], str(out), *cmd[1:]]) == 2, cmd
        err = capsys.readouterr().err
        assert "manifest.json" in err and "Traceback" not in err, err
    assert mpath.read_bytes() == before  # nothing rewritten


def test_a_manifest_from_another_batch_is_refused(reference, scenario_file, tmp_path, capsys):
    other = tmp_path / "other"
    assert main([*batch_args(scenario_file, other, 6), "--seed", "4", "--executor", "serial"]) == 0
    out = copy_batch(reference, tmp_path)
    shutil.copy(other / "manifest.json", out / "manifest.json")
    before = (out / "manifest.json").read_bytes()
    for cmd in ("status", "compare", "resume", "verify"):
        capsys.readouterr()
        assert main([cmd, str(out)]) == 2
        assert "belongs to another batch" in capsys.readouterr().err
    assert (out / "manifest.json").read_bytes() == before


def test_a_done_marker_of_another_batch_is_not_counted(reference, scenario_file, tmp_path):
    other = tmp_path / "other"
    assert main([*batch_args(scenario_file, other, 3), "--seed", "4", "--executor", "serial"]) == 0
    out = copy_batch(reference, tmp_path)
    (out / "done" / "chunk-000001.json").unlink()
    shutil.copy(other / "done" / "chunk-000001.json", out / "done" / "chunk-000001.json")
    st = status(out)
    assert "another batch" in st["damaged"]["chunk-000001"] and st["left"] == 1
    assert main(["resume", str(out), "--executor", "serial", "--progress", "never"]) == 0
    assert_same_results(out, reference)


def test_status_reads_running_only_while_a_writer_holds_the_lock(reference, tmp_path):
    out = copy_batch(reference, tmp_path)
    m = json.loads((out / "manifest.json").read_text())
    m["status"] = "running"  # as a head killed by SIGKILL leaves it
    (out / "manifest.json").write_text(json.dumps(m))
    assert status(out)["status"] == "complete"
    (out / "done" / "chunk-000000.json").unlink()
    assert status(out)["status"] == "interrupted"
    with batch_lock(out):
        st = status(out)
        assert st["status"] == "running" and st["pid"] == os.getpid()


def test_a_second_writer_is_refused_at_once_naming_the_holder(reference, tmp_path, capsys):
    out = copy_batch(reference, tmp_path)
    (out / "done" / "chunk-000000.json").unlink()
    with batch_lock(out):
        t0 = time.perf_counter()
        assert main(["resume", str(out), "--executor", "serial"]) == 2
        assert time.perf_counter() - t0 < 10
        assert f"being written by process {os.getpid()}" in capsys.readouterr().err
    assert not (out / "done" / "chunk-000000.json").exists()  # the refused writer wrote nothing


# -- bounded work ----------------------------------------------------------------------------
def test_a_huge_batch_is_refused_before_anything_is_allocated(scenario_file, tmp_path, capsys):
    out = tmp_path / "big"
    t0 = time.perf_counter()
    assert main(batch_args(scenario_file, out, 10**12)) == 2
    assert "1,000,000,000,000 runs" in capsys.readouterr().err
    grid = scenario_file.parent / "grid.yaml"
    names = list(P.REGISTRY)[:15]
    grid.write_text(
        f"extends: {scenario_file.name}\nname: grid\nexperiment:\n  design: grid\n"
        f"  samples: 10\n  parameters: {json.dumps(names)}\n"
    )
    assert main(["batch", str(grid), "--out", str(out)]) == 2
    assert "1,000,000,000,000,000 point(s)" in capsys.readouterr().err
    assert time.perf_counter() - t0 < 30 and not out.exists()
    # deep uncertainty: the draws are counted before one is drawn
    assert main(["batch", str(scenario_file), "--uncertain", str(10**12), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --uncertain: the design would have 1,000,000,000,000 points")
    assert time.perf_counter() - t0 < 30 and not out.exists()


def test_the_run_cap_can_be_raised_explicitly(scenario_file, tmp_path, capsys):
    out = tmp_path / "capped"
    assert main([*batch_args(scenario_file, out, 4), "--max-runs", "3"]) == 2
    assert "at most 3" in capsys.readouterr().err and not out.exists()
    summary = run_batch([scenario_file], replicates=4, out=out, executor="serial", max_runs=4)
    assert summary.complete


def test_a_batch_that_would_not_fit_on_the_disk_is_refused(scenario_file, tmp_path, monkeypatch):
    import shutil as sh

    usage = sh.disk_usage(tmp_path)
    monkeypatch.setattr(sh, "disk_usage", lambda p: usage._replace(free=10_000))
    out = tmp_path / "full"
    with pytest.raises(BatchError, match=r"needs about .* GB and .* has 0.0 GB free"):
        run_batch([scenario_file], replicates=4, out=out, executor="serial")
    assert not out.exists()


# -- no traceback reaches a user --------------------------------------------------------------
def test_an_internal_error_is_one_line_a_log_file_and_debug(monkeypatch, tmp_path, capsys):
    from sim.cli import validate

    def boom(args):
        raise RuntimeError("an unforeseen fault")

    monkeypatch.setattr(validate, "run", boom)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert main(["validate", "x.yaml"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: an unforeseen fault")
    assert "Traceback" not in err and "--debug" in err
    logs = list(tmp_path.glob("southflank-error-*.log"))
    assert len(logs) == 1 and "Traceback" in logs[0].read_text()
    assert main(["validate", "x.yaml", "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args, words",
    [
        (["run", "hague_2025_baseline", "--seed", "-1", "--out", "{t}/o"], "--seed"),
        (["run", "hague_2025_baseline", "--out", "{t}/file/o"], "cannot be created"),
        (["batch", "hague_2025_baseline", "--out", "{t}/file/o"], "cannot be created"),
        (["run", "{t}", "--out", "{t}/o"], "is a folder"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, words, tmp_path):
    (tmp_path / "file").write_text("x")
    res = subprocess.run(
        [sys.executable, "-m", "sim.cli", *(a.format(t=tmp_path) for a in args)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and words in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists()


def test_a_failed_run_leaves_nothing_and_the_rerun_works(monkeypatch, tmp_path, capsys):
    from sim import run as run_module

    real = run_module.Result.save
    calls = []

    def full_disk(self, out, fmt="parquet"):
        calls.append(out)
        real(self, out, fmt)
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(out) / "events.parquet"))

    monkeypatch.setattr(run_module.Result, "save", full_disk)
    out = tmp_path / "one"
    args = ["run", "hague_2025_baseline", "--seed", "2", "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: disk full writing") and "Traceback" not in err
    assert calls and not out.exists() and not list(tmp_path.iterdir())  # no temporary left
    monkeypatch.setattr(run_module.Result, "save", real)
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "countries.parquet",
        "events.parquet",
        "monthly.parquet",
        "run.json",
    ]
    assert main(args) == 0  # a previous run in the folder is replaced whole


# -- the Morris sample --------------------------------------------------------------------------
def test_morris_designs_map_onto_the_registry_ranges_exactly():
    problem = P.salib_problem(None)
    bounds = np.array(problem["bounds"])
    for seed in range(3):
        x = sample_matrix("morris", problem, 4, seed)
        assert ((x >= bounds[:, 0]) & (x <= bounds[:, 1])).all()
        assert (
            x == bounds[:, 1]
        ).any()  # the top level is the bound itself, not a rounding past it
        explicit_design(points_from_matrix(problem["names"], x))  # the registry accepts every point


def test_the_sensitivity_command_runs_a_morris_design(tmp_path, capsys):
    args = ["sensitivity", "hague_2025_baseline", "--method", "morris", "--n", "2"]
    args += ["--params", "nato_trust_weight,russia_ties_weight,jihad_growth", "--replicates", "1"]
    args += ["--policies", "none", "--executor", "serial", "--out", str(tmp_path / "m")]
    args += ["--progress", "never"]
    assert main(args) == 0


# -- faults ------------------------------------------------------------------------------------
def test_a_full_disk_ends_with_one_line_and_resume_gives_exact_results(
    scenario_file, reference, tmp_path, monkeypatch, capsys
):
    from sim.batch import worker

    real = worker.write_parquet_atomic
    n = {"calls": 0}

    def fill_up(data, path):
        n["calls"] += 1
        if n["calls"] == 7:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(data, path)

    monkeypatch.setattr(worker, "write_parquet_atomic", fill_up)
    out = tmp_path / "full"
    assert main([*batch_args(scenario_file, out), "--executor", "serial"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and "Traceback" not in "\n".join(err)  # the plan line and the reason
    assert err[1].startswith("error: the disk is full writing")
    assert err[1].endswith(f"southflank resume {out}")
    assert status(out)["status"] == "interrupted"
    assert not [p for p in out.rglob(".*") if ".tmp" in p.name]
    monkeypatch.setattr(worker, "write_parquet_atomic", real)
    assert main(["resume", str(out), "--executor", "serial", "--progress", "never"]) == 0
    assert_same_results(out, reference)


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    try:
        res = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return res.returncode == 0


@pytest.mark.slow
def test_a_small_tmpfs_fills_up_and_resume_finishes_exactly(
    scenario_file, reference, tmp_path, monkeypatch, capsys
):
    mnt = tmp_path / "mnt"
    if not _tmpfs(mnt, "8m"):
        pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)")
    try:
        from sim.batch import runner

        real = runner.run_chunk
        done = {"n": 0}

        def then_fill(task):
            summary = real(task)
            done["n"] += 1
            if done["n"] == 2:  # another program fills the disk while the batch runs
                with open(mnt / "filler", "wb") as f, pytest.raises(OSError):
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
            return summary

        monkeypatch.setattr(runner, "run_chunk", then_fill)
        out = mnt / "b"
        assert main([*batch_args(scenario_file, out), "--executor", "serial"]) == 1
        err = capsys.readouterr().err
        assert "the disk is full" in err and f"southflank resume {out}" in err
        assert "Traceback" not in err
        monkeypatch.setattr(runner, "run_chunk", real)
        (mnt / "filler").unlink()
        assert main(["resume", str(out), "--executor", "serial", "--progress", "never"]) == 0
        assert_same_results(out, reference)
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# -- processes: kill a worker, kill the head, SIGTERM, two writers ---------------------------
def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _descendants(pid: int) -> list:
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _wait_for(cond, timeout: float = 60.0) -> None:
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _all_gone(procs, timeout: float = 10.0) -> bool:
    psutil = pytest.importorskip("psutil")
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return not alive


def _workers(pid: int) -> list:
    """The pool's worker processes: the fork server's children."""
    psutil = pytest.importorskip("psutil")
    out = []
    try:
        for child in psutil.Process(pid).children():
            if "forkserver" in " ".join(child.cmdline()):
                out += child.children()
    except psutil.NoSuchProcess:
        pass
    return out


def _markers(out: Path) -> int:
    d = out / "done"
    return len(list(d.glob("*.json"))) if d.is_dir() else 0


SLOW_REPS = 30


@pytest.fixture(scope="module")
def slow_file(tmp_path_factory, baseline):
    """Runs of 10 years: a chunk takes long enough to be caught in flight."""
    d = tmp_path_factory.mktemp("slow")
    return write_scenario(d / "long.yaml", shortened(baseline, 120), name="long")


@pytest.fixture(scope="module")
def slow_reference(tmp_path_factory, slow_file):
    out = tmp_path_factory.mktemp("slowref") / "ref"
    assert main([*batch_args(slow_file, out, SLOW_REPS), "--executor", "serial"]) == 0
    return out


@pytest.mark.slow
@pytest.mark.parametrize("how", ["kill a worker", "SIGKILL the head", "SIGTERM the head"])
def test_process_faults_end_cleanly_and_resume_gives_exact_results(
    how, slow_file, slow_reference, tmp_path
):
    out = tmp_path / "b"
    head = _start([*batch_args(slow_file, out, SLOW_REPS), "--workers", "2"])
    _wait_for(lambda: _markers(out) >= 1 and len(_workers(head.pid)) == 2)
    procs = _descendants(head.pid)
    if how == "kill a worker":
        _workers(head.pid)[0].kill()
    elif how == "SIGKILL the head":
        head.kill()
    else:
        head.send_signal(signal.SIGTERM)
    head.wait(timeout=60)  # as a shell reaps it
    assert _all_gone(procs), "a worker outlived the command"
    _, err = head.communicate(timeout=60)
    if how == "kill a worker":
        assert head.returncode == 1
        assert err.strip().splitlines()[-1] == (
            "error: a worker process died (killed, or out of memory); the finished chunks "
            f"are kept; finish the batch with: southflank resume {out}"
        )
    elif how == "SIGTERM the head":
        assert head.returncode == 130
        assert f"southflank resume {out}" in err and "Traceback" not in err
    assert status(out)["status"] == "interrupted"
    assert main(["resume", str(out), "--workers", "2", "--progress", "never"]) == 0
    assert_same_results(out, slow_reference)


@pytest.mark.slow
def test_two_writers_on_one_folder(slow_file, slow_reference, tmp_path):
    out = tmp_path / "b"
    args = [*batch_args(slow_file, out, SLOW_REPS), "--workers", "1"]
    first = _start(args)
    _wait_for(lambda: (out / ".lock").exists() and (out / ".lock").read_text().strip())
    second = _start(args)
    _, err2 = second.communicate(timeout=60)
    assert second.returncode == 2
    assert f"being written by process {first.pid}" in err2
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert_same_results(out, slow_reference)
    # started at the same moment: one writes, the other is refused or finds it finished
    out2 = tmp_path / "c"
    args2 = [*batch_args(slow_file, out2, SLOW_REPS), "--workers", "1"]
    both = [_start(args2), _start(args2)]
    codes = sorted(p.wait(timeout=300) for p in both)
    assert codes in ([0, 0], [0, 2])
    assert_same_results(out2, slow_reference)
