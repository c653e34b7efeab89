"""The brief in a real browser: Debian's Chromium through Playwright opens the HTML
file with every request outside it blocked and recorded. The first screen must carry
the bottom line and the ranked policy table, the page must log no console error and
ask for nothing outside itself. The screenshot goes to the test's tmp folder
(docs/img/brief_first_screen.png is made the same way from `make demo`'s brief, with
scripts/brief_screenshot.py).

Needs /usr/bin/chromium (`.ci/run` installs it; locally apt-get install -y chromium);
without it the test is skipped with that reason.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from sim import library
from sim.batch import run_batch
from sim.cli import main

from .conftest import shortened

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _checker():
    spec = importlib.util.spec_from_file_location(
        "brief_screenshot", ROOT / "scripts" / "brief_screenshot.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.check_brief


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium")
def test_the_brief_in_a_browser(tmp_path):
    pytest.importorskip("playwright")
    names = ("hague_2025_baseline", "full_southern_package", "md_ici_revival")
    out = tmp_path / "b"
    run_batch(
        [shortened(library.load(n), 24) for n in names],
        uncertain=3,
        replicates=2,
        seed=3,
        out=out,
        executor="serial",
        progress=False,
    )
    assert main(["report", str(out), "--horizon", "2027-06"]) == 0
    png = tmp_path / "first.png"
    seen = _checker()(out / "report.html", png)
    assert seen["errors"] == []
    assert seen["outside"] == []
    first = seen["first_screen"]
    assert "does most for" in first or "No policy compared" in first
    assert "Full southern package" in first and "Keeps its rank" in first
    assert png.stat().st_size > 10_000
