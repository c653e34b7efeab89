"""docs/start.md is the model's own initial state: stale when the data or the
initialisation change."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_start_tables_are_up_to_date():
    done = subprocess.run(
        [sys.executable, "scripts/build_start_tables.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_start_tables_name_every_contested_actor():
    from sim import library
    from sim.state import build_state

    text = (ROOT / "docs" / "start.md").read_text(encoding="utf-8")
    s = build_state(library.load("hague_2025_baseline"))
    for code, member in zip(s.codes, s.region_member, strict=True):
        if member:
            assert f"| {code} |" in text, code
