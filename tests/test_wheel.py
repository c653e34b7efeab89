"""The package installs as a wheel and runs from it: the scenarios ship inside it.

The wheel is built from a copy of the sources (no build isolation: setuptools comes from
the dev extra), installed into a fresh virtual environment without pip's index (the
dependencies are reused from this environment through a ``.pth`` file), and its
``southflank`` runs the shipped baseline from a folder outside the repository. The
tables must equal those of the source checkout's run with the same seed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from sim import library
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "sim")


def _clean_env() -> dict[str, str]:
    """The environment without anything that points Python or the library elsewhere."""
    drop = ("PYTHONPATH", "PYTHONHOME", "SOUTHFLANK_SCENARIOS", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k not in drop}


def _check(cmd: list[str], cwd: Path) -> str:
    res = subprocess.run(cmd, cwd=cwd, env=_clean_env(), capture_output=True, text=True)
    assert res.returncode == 0, f"{' '.join(cmd)}\n{res.stdout}\n{res.stderr}"
    return res.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the sources (the checkout itself is not touched)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    _check(
        [
            sys.executable,
            *("-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"),
            *("--quiet", "--wheel-dir", str(tmp / "dist"), str(src)),
        ],
        cwd=tmp,
    )
    (found,) = (tmp / "dist").glob("southflank-*.whl")
    return found


def test_the_wheel_carries_every_shipped_scenario_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"sim/scenarios/{n}.yaml" for n in library.names()}
    assert len(shipped) >= 10 and shipped <= names
    data = {f"sim/data/{p.name}" for p in (ROOT / "sim" / "data").iterdir() if p.is_file()}
    assert data <= names, sorted(data - names)


@pytest.mark.slow
def test_installed_wheel_runs_the_shipped_baseline_outside_the_repository(wheel, tmp_path):
    venv = tmp_path / "venv"
    _check([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    purelib = _check(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp_path,
    ).strip()
    # the dependencies (and pip) of this environment, without a download; its own
    # editable install of the project is not seen (a .pth line adds a path, it does
    # not run that folder's .pth files)
    (Path(purelib) / "_reuse_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _check(
        [
            str(python),
            *("-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed"),
            *("--quiet", str(wheel)),
        ],
        cwd=tmp_path,
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = _check(
        [
            str(python),
            "-c",
            "import sim, sim.library as l; print(sim.__file__); print(l.library_dir())",
        ],
        cwd=outside,
    ).split()
    assert Path(where[0]).is_relative_to(venv), where
    assert Path(where[1]).is_relative_to(venv) and Path(where[1]).name == "scenarios"
    assert not Path(where[0]).is_relative_to(ROOT)
    printed = _check(
        [str(venv / "bin" / "southflank"), "run", library.DEFAULT, "--seed", "1", "--out", "out"],
        cwd=outside,
    )
    assert f"{library.DEFAULT}, seed 1: 120 months" in printed
    # the same numbers as the source checkout's run with the same seed
    assert main(["run", library.DEFAULT, "--seed", "1", "--out", str(tmp_path / "here")]) == 0
    for table in ("monthly", "countries", "events"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(outside / "out" / f"{table}.parquet"),
            pd.read_parquet(tmp_path / "here" / f"{table}.parquet"),
        )
