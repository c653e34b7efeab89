"""One word and one unit for a quantity wherever a reader meets it: the metric table
(sim/outcomes.py), the ODD, the README, the brief and the live map's charts."""

from __future__ import annotations

import re
from pathlib import Path

from sim.analysis.brief import LIMITS
from sim.outcomes import COUNTRY_METRICS, MODEL_METRICS
from sim.viz.charts import PANELS

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "docs" / "ODD.md", ROOT / "docs" / "viz.md"]


def test_migration_is_a_count_of_persons_per_month_everywhere():
    migration = [m for m in (*MODEL_METRICS, *COUNTRY_METRICS) if m.name.startswith("migration")]
    assert migration and {m.unit for m in migration} == {"persons per month"}
    assert not [m.name for m in migration if "pressure" in m.description.lower()]
    said = [t for t in LIMITS if "igration" in t]
    assert said and all("per month" in t and "index" not in t for t in said), said
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        wrong = re.findall(
            r"[^.|\n]*migration[^.|\n]*\b(?:index|pressure toward)[^.|\n]*", text, re.I
        )
        wrong = [w for w in wrong if "_weight" not in w and "threat" not in w]
        assert not wrong, f"{path.name}: {wrong}"
    (panel,) = [p for p in PANELS if any(s.metric == "migration_italy" for s in p.series)]
    assert "persons per month" in panel.title
