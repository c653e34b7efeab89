"""`southflank report DIR`: a brief a reader can open offline, that names every
scenario, shows the effects with intervals and says plainly that it is no forecast."""

from __future__ import annotations

import re

import pytest

from sim import library
from sim.analysis import report
from sim.batch import load, run_batch
from sim.cli import main
from tests.conftest import shortened

SCENARIOS = ("hague_2025_baseline", "hub_empowered", "md_ici_revival")


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "b"
    scenarios = [shortened(library.load(n), 36) for n in SCENARIOS]
    run_batch(scenarios, replicates=3, seed=11, out=out, executor="serial", progress=False)
    return out


def test_report_is_self_contained_and_says_what_it_is(batch_dir, capsys):
    assert main(["report", str(batch_dir)]) == 0
    html = (batch_dir / "report.html").read_text(encoding="utf-8")
    md = (batch_dir / "report.md").read_text(encoding="utf-8")
    for text in (html, md):
        assert "Exploratory model, not a forecast" in text
        for name in SCENARIOS:
            assert name in text
        assert "What the model does not capture" in text
        assert "Every headline metric" in text and "Policies ranked" in text
    # figures embedded, nothing fetched from elsewhere
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) >= 3
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "url(" not in html and "@import" not in html
    # the Markdown twin's figures are files beside it
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(linked) == len(images)
    assert all((batch_dir / p).is_file() for p in linked)
    # intervals: every scenario other than the baseline has a row with its replicate
    # interval, under its plain name and the metric's plain name
    for name in ("Hub empowered", "MD ICI revival"):
        assert re.search(
            rf"\| Russia's influence share \(share\) \| level at the horizon \| {name} \| "
            r"[^|]+\| [^|]+\| [^|]+ to [^|]+\|",
            md,
        )
    assert "wrote" in capsys.readouterr().out


def test_report_brief_uses_the_compare_numbers(batch_dir):
    from sim.batch.compare import paired_effects

    b = load(batch_dir)
    brief = report.build(b, horizons=[2027])
    want = paired_effects(b.monthly, "hague_2025_baseline", [2027], list(report.HEADLINE))
    got = brief.effects.set_index(["scenario", "metric"]).difference
    assert got.to_dict() == pytest.approx(
        want.set_index(["scenario", "metric"]).difference.to_dict()
    )
    assert brief.baseline == "hague_2025_baseline"
    assert list(brief.scenarios["File name"]) == list(SCENARIOS)


def test_report_to_another_file_and_baseline(batch_dir, tmp_path):
    out = tmp_path / "brief" / "policy.html"
    assert main(["report", str(batch_dir), "--out", str(out), "--baseline", "md_ici_revival"]) == 0
    assert out.is_file() and out.with_suffix(".md").is_file()
    assert (tmp_path / "brief" / "policy_files").is_dir()
    assert "against md_ici_revival" in out.read_text(
        encoding="utf-8"
    ) or "md_ici_revival" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "hub_empowerd"], "did you mean"),
        (["--out", "x.pdf"], ".html"),
        (["--horizon", "soon"], "--horizon"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(batch_dir, tmp_path, capsys, args, message):
    args = [a if a != "x.pdf" else str(tmp_path / "x.pdf") for a in args]
    before = sorted(p.name for p in batch_dir.iterdir())
    assert main(["report", str(batch_dir), *args]) == 2
    assert message in capsys.readouterr().err
    assert sorted(p.name for p in batch_dir.iterdir()) == before
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_no_batch_exits_2(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "not a batch folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
