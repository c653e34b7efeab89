"""Decisions under deep uncertainty: the metric declarations, windows and country
metrics of a comparison, batches with draws of the uncertain parameters, the
robustness criteria, scenario discovery, and the brief whose first screen answers the
question in words that follow the numbers."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from sim import library
from sim.analysis import brief as brief_mod
from sim.analysis import report, robustness, uncertainty
from sim.analysis.summaries import time_to_event
from sim.batch import load, run_batch
from sim.batch.compare import (
    NEGLIGIBLE,
    check_metrics,
    paired_effects,
    statistic_rows,
    with_country_metrics,
)
from sim.batch.plan import PlanError, make_plan
from sim.cli import main
from sim.errors import ArgumentError
from sim.outcomes import COUNTRY_METRICS, HEADLINE, MEASURES, country_measure
from sim.params import REGISTRY, uncertain

from .conftest import shortened

# --- the metric table ---------------------------------------------------------------


def test_every_headline_metric_is_judged_with_reasons():
    assert "nato_aligned_states" in HEADLINE and "nato_south_spending" in HEADLINE
    assert "nato_influence_share" not in HEADLINE  # the mirror of Russia's share
    for name in HEADLINE:
        m = MEASURES[name]
        assert m.direction in (-1, 1) and HEADLINE[name] == m.direction
        assert m.window in (None, 12, "cum")
        assert m.negligible > 0 and math.isfinite(m.threshold)
        for why in (m.direction_why, m.window_why, m.negligible_why, m.threshold_why):
            assert len(why.split()) >= 3, f"{name}: a reason in words"
        assert m.label and "_" not in m.label and m.validation
    assert MEASURES["nato_south_spending"].cost


def test_every_country_metric_is_judged():
    for metric in COUNTRY_METRICS:
        m = country_measure("DZA", metric.name, "Algeria")
        assert m.label.startswith("Algeria: ") and m.negligible > 0


# --- windows, negligible effects, country metrics -------------------------------------


def _flows(values: dict[str, list[float]], months: int = 24) -> pd.DataFrame:
    """Monthly rows of naval incidents per scenario: one replicate, constant months."""
    rows = []
    for name, per_rep in values.items():
        for r, v in enumerate(per_rep):
            for k in range(months):
                y, mo = divmod(2025 * 12 + 6 + k, 12)
                rows.append(
                    {
                        "scenario": name,
                        "point": 0,
                        "replicate": r,
                        "seed": r,
                        "date": f"{y:04d}-{mo + 1:02d}",
                        "naval_incidents": v,
                        "cohesion": 0.5 + v / 100,
                    }
                )
    return pd.DataFrame(rows)


def test_flows_are_summed_over_windows_and_levels_read_at_the_horizon():
    df = _flows({"base": [1.0, 1.0, 1.0], "p": [2.0, 2.1, 1.9]})
    rows, months = statistic_rows(df[df.scenario == "p"], "2027-06", ["naval_incidents"], 12)
    assert months == {"naval_incidents": 12}
    assert rows.naval_incidents.tolist() == pytest.approx([24.0, 25.2, 22.8])
    cum, months = statistic_rows(df[df.scenario == "p"], "2027-06", ["naval_incidents"], "cum")
    assert months["naval_incidents"] == 24 and cum.naval_incidents.iloc[0] == pytest.approx(48)
    level, months = statistic_rows(df[df.scenario == "p"], "2027-06", ["cohesion"], "cum")
    assert months["cohesion"] == 1  # a level is never summed
    e = paired_effects(df, "base", ["2027-06"], ["naval_incidents"], window=12)
    assert e.difference.iloc[0] == pytest.approx(12.0)
    assert e.statistic.iloc[0] == "12-month sum"


def test_effects_below_the_minimum_meaningful_change_are_negligible_whatever_the_interval():
    # an effect of 0.005 on cohesion, identical in every replicate: a zero-width interval
    df = _flows({"base": [0.0] * 4, "tiny": [0.5] * 4, "big": [3.0] * 4})
    e = paired_effects(df, "base", ["2027-06"], ["cohesion"]).set_index("scenario")
    assert e.loc["tiny", "ci_low"] > 0  # clearly not zero ...
    assert e.loc["tiny", "verdict"] == NEGLIGIBLE  # ... but below 0.01
    assert e.loc["big", "verdict"] == "higher"


def test_country_metrics_and_camp_probabilities():
    assert check_metrics(["MRT.camp", "Algeria.alignment"]) == [
        "MRT.p_west",
        "MRT.p_hedging",
        "MRT.p_russia",
        "DZA.alignment",
    ]
    with pytest.raises(ArgumentError, match="unknown state 'MAU'.*MRT|unknown state 'MAU'"):
        check_metrics(["MAU.alignment"])
    with pytest.raises(ArgumentError, match="unknown country metric"):
        check_metrics(["DZA.alignmnt"])
    monthly = pd.DataFrame({"run_id": ["a", "b"], "date": ["2030-06"] * 2, "scenario": ["s", "s"]})
    countries = pd.DataFrame(
        {
            "run_id": ["a", "b"],
            "date": ["2030-06"] * 2,
            "iso3": ["DZA"] * 2,
            "alignment": [-0.5, 0.05],
        }
    )
    wide = with_country_metrics(
        monthly, countries, ["DZA.p_russia", "DZA.p_hedging", "DZA.alignment"]
    )
    assert wide["DZA.p_russia"].tolist() == [1.0, 0.0]
    assert wide["DZA.p_hedging"].tolist() == [0.0, 1.0]
    assert wide["DZA.alignment"].tolist() == [-0.5, 0.05]


# --- batches with draws ---------------------------------------------------------------


def test_uncertain_draws_cross_scenarios_and_replicates_with_common_seeds():
    plan = make_plan(["hague_2025_baseline", "md_ici_revival"], uncertain=5, replicates=3)
    assert plan.design.uncertain and len(plan.design.points) == 5
    assert plan.design.names == list(uncertain())
    assert len(plan.runs) == 2 * 5 * 3
    for name in plan.design.names:  # every draw inside the registry's range
        values = [p[name] for p in plan.design.points]
        assert all(REGISTRY[name].low <= v <= REGISTRY[name].high for v in values)
        if not REGISTRY[name].integer:  # Latin hypercube: one draw per fifth of the range
            strata = sorted(
                int((v - REGISTRY[name].low) / (REGISTRY[name].high - REGISTRY[name].low) * 5)
                for v in values
            )
            assert strata == [0, 1, 2, 3, 4]
    seeds = plan.runs.groupby("replicate").seed.nunique()
    assert (seeds == 1).all()  # replicate r: one seed in every scenario and draw
    assert plan.design.to_json()["uncertain"] is True
    with pytest.raises(PlanError) as err:
        make_plan(["hague_2025_baseline"], uncertain=4, design="lhs")
    assert err.value.argument == "design"
    with pytest.raises(PlanError) as err:
        make_plan(["hague_2025_baseline"], uncertain=1)
    assert err.value.argument == "uncertain"


def test_batch_cli_refuses_bad_uncertain(capsys):
    assert main(["batch", "hague_2025_baseline", "--uncertain", "1"]) == 2
    assert "--uncertain" in capsys.readouterr().err


# --- robustness -----------------------------------------------------------------------


def test_regret_satisficing_and_rank_stability_by_hand():
    # lower is better (Russia's share); 4 draws x 1 replicate
    base = np.array([[0.60], [0.55], [0.50], [0.45]])
    pol = {
        "a": base - np.array([[0.10], [0.10], [0.00], [0.10]]),
        "b": base - np.array([[0.05], [0.05], [0.05], [0.05]]),
    }
    r = robustness.robustness_ranking("russia_influence_share", base, pol).set_index("policy")
    assert r.loc["a", "rank"] == 1 and r.loc["b", "rank"] == 2
    assert r.loc["a", "effect_median"] == pytest.approx(-0.10)
    assert r.loc["a", "rank_held"] == pytest.approx(0.75)  # b is better in draw 2
    assert r.loc["a", "top_held"] == pytest.approx(0.75)
    assert r.loc["a", "regret_max"] == pytest.approx(0.05)  # draw 2: 0.05 behind b
    assert r.loc["b", "regret_max"] == pytest.approx(0.05)
    assert r.loc["a", "regret_baseline_max"] == pytest.approx(0.0)
    # threshold <= 0.50 (declared): a = 0.50, 0.45, 0.50, 0.35 meets it in every draw;
    # b = 0.55, 0.50, 0.45, 0.40 in three
    assert r.loc["a", "satisficing"] == pytest.approx(1.0)
    assert r.loc["b", "satisficing"] == pytest.approx(0.75)
    x = (base - np.array([[0.10], [0.10], [0.00], [0.10]])).ravel()
    assert r.loc["a", "mean_variance"] == pytest.approx(x.mean() + x.std(ddof=1))


def test_prim_finds_the_box_where_a_policy_fails():
    rng = np.random.default_rng(1)
    names = list(uncertain())[:4]
    x = pd.DataFrame({n: rng.uniform(REGISTRY[n].low, REGISTRY[n].high, 300) for n in names})
    cut = REGISTRY[names[0]].low + 0.7 * (REGISTRY[names[0]].high - REGISTRY[names[0]].low)
    failed = (x[names[0]] > cut).to_numpy()
    found = uncertainty.discover(x, failed, "goal")
    assert found is not None and found.density >= 0.8 and found.coverage >= 0.8
    assert found.restrictions.parameter.tolist() == [names[0]]
    assert found.restrictions.box_low.iloc[0] == pytest.approx(
        cut, abs=0.05 * (x[names[0]].max() - x[names[0]].min())
    )
    assert uncertainty.discover(x, np.zeros(300, bool), "goal") is None


# --- words that follow the numbers ----------------------------------------------------


def _ranking(top_held: float, effect: float, p05: float, p95: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "policy": ["full_southern_package", "md_ici_revival"],
            "effect_median": [effect, effect / 2],
            "effect_p05": [p05, p05 / 2],
            "effect_p95": [p95, p95 / 2],
            "top_held": [top_held, math.nan],
            "beats_negligible": [0.9, 0.5],
        }
    )


def test_bottom_line_wording_follows_the_numbers():
    line = " ".join(
        brief_mod.bottom_line(
            "russia_influence_share",
            "2035-06",
            _ranking(0.9, -0.13, -0.2, -0.08),
            40,
            cost={"full_southern_package": 1234.0},
        )
    )
    assert "Full southern package does most for Russia's influence share" in line
    assert "lowers it by 0.13 by 2035" in line and "40 draws" in line
    assert "stays the best policy in 90% of the draws" in line
    assert "USD 1,234 million" in line
    shaky = " ".join(
        brief_mod.bottom_line(
            "russia_influence_share", "2035-06", _ranking(0.3, -0.13, -0.2, -0.08), 40
        )
    )
    assert "depends on the assumptions" in shaky and "only 30%" in shaky
    assert "MD ICI revival is a close rival" in shaky
    tiny = " ".join(
        brief_mod.bottom_line(
            "russia_influence_share", "2035-06", _ranking(0.9, -0.004, -0.01, 0.0), 40
        )
    )
    assert tiny.startswith("No policy compared changes Russia's influence share")
    worse = " ".join(
        brief_mod.bottom_line("cohesion", "2030-06", _ranking(0.9, -0.05, -0.08, -0.02), 40)
    )
    assert "makes southern allies' cohesion worse" in worse.lower()
    for text in (line, shaky, tiny, worse):
        assert not re.search(r"\d[eE][+-]?\d", text)  # no scientific notation
        assert "_" not in text  # no raw names


def test_numbers_for_readers():
    assert brief_mod.num(2260.4) == "2,260"
    assert brief_mod.num(7e-06, True) == "+0.000007"
    assert brief_mod.num(-0.1287) == "-0.13"
    assert brief_mod.plain_name("md_ici_revival") == "MD ICI revival"


# --- the brief ------------------------------------------------------------------------

SCENARIOS = (
    "hague_2025_baseline",
    "full_southern_package",
    "md_ici_revival",
    "russia_budget_surge",
)


@pytest.fixture(scope="module")
def uncertain_batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("deep") / "b"
    scenarios = [shortened(library.load(n), 24) for n in SCENARIOS]
    run_batch(
        scenarios, uncertain=4, replicates=2, seed=5, out=out, executor="serial", progress=False
    )
    return out


def _first_screen(html: str) -> str:
    return html.split("<h2>Scenarios compared</h2>")[0]


def test_the_brief_answers_first_and_details_after(uncertain_batch, capsys):
    assert main(["report", str(uncertain_batch), "--horizon", "2027-06"]) == 0
    html = (uncertain_batch / "report.html").read_text(encoding="utf-8")
    first = _first_screen(html)
    assert 'id="bottom-line"' in first and "Policies ranked" in first
    for column in (
        "Baseline level",
        "Effect (median)",
        "% change",
        "Range across draws",
        "Keeps its rank",
        "Cost",
    ):
        assert column in first
    assert "Full southern package" in first and "MD ICI revival" in first
    # a changed world is not ranked as a policy
    table = first.split("Policies ranked")[1].split("</table>")[0]
    assert "Russia budget surge" not in table
    assert "southflank explain full_southern_package" in first  # how to get the channels
    text = re.sub(r"<[^>]+>", " ", re.sub(r'src="data:[^"]+"', "", first))
    assert not re.search(r"\d[eE][+-]?\d", text)
    for raw in HEADLINE:
        assert raw not in text, f"raw metric name {raw} on the first screen"
    assert "How each metric is judged" in html and "Robustness across the draws" in html
    assert "needs at least 200 draws" in html
    imgs = re.findall(r'<img src="([^"]+)"', html)
    assert imgs and all(s.startswith("data:image/png;base64,") for s in imgs)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_brief_numbers_are_the_robustness_numbers(uncertain_batch):
    b = load(uncertain_batch)
    br = report.build(b, horizons=["2027-06"])
    m = b.monthly
    scores, points, _ = uncertainty.outcome_scores(
        m,
        ["hague_2025_baseline", "full_southern_package", "md_ici_revival"],
        "russia_influence_share",
        "2027-06",
    )
    want = robustness.robustness_ranking(
        "russia_influence_share",
        scores["hague_2025_baseline"],
        {k: scores[k] for k in ("full_southern_package", "md_ici_revival")},
    )
    got = br.ranking.set_index("policy").effect_median
    assert got.to_dict() == pytest.approx(want.set_index("policy").effect_median.to_dict())
    assert len(points) == 4


def test_channels_are_read_from_explain_when_present(uncertain_batch):
    d = uncertain_batch / "explain" / "full_southern_package"
    d.mkdir(parents=True)
    pd.DataFrame({"channel": ["trust", "summits"], "contribution": [-0.08, -0.02]}).to_csv(
        d / "contributions.csv", index=False
    )
    try:
        br = report.build(
            load(uncertain_batch), horizons=["2027-06"], headline="full_southern_package"
        )
        assert br.channels_table is not None
        assert br.channels_table.Channel.tolist() == ["trust", "summits"]
    finally:
        import shutil

        shutil.rmtree(uncertain_batch / "explain")


def test_country_metric_brief_and_bad_arguments(uncertain_batch, capsys):
    out = uncertain_batch / "dza.html"
    assert (
        main(
            [
                "report",
                str(uncertain_batch),
                "--out",
                str(out),
                "--metrics",
                "DZA.camp",
                "--horizon",
                "2027-06",
            ]
        )
        == 0
    )
    assert "Algeria" in out.read_text(encoding="utf-8")
    assert main(["report", str(uncertain_batch), "--headline", "nope"]) == 2
    assert "--headline" in capsys.readouterr().err
    assert main(["report", str(uncertain_batch), "--scenarios", "nope"]) == 2
    assert "--scenarios" in capsys.readouterr().err


def test_a_batch_from_another_model_version_is_flagged(uncertain_batch, tmp_path):
    import shutil

    copy = tmp_path / "old"
    shutil.copytree(uncertain_batch, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["package_version"] = "0.0.1"
    manifest["parameter_defaults"]["trust_decay"] = 0.999
    (copy / "manifest.json").write_text(json.dumps(manifest))
    br = report.build(load(copy), horizons=["2027-06"])
    text = " ".join(br.caveats)
    assert "model version 0.0.1" in text and "trust_decay" in text
    # the allies' spending path is listed as the scheduled assumption it is
    assert "Scheduled assumption" in text and "toward 3.5% of GDP by 2035" in text


def test_compare_reports_the_spread_across_draws(uncertain_batch, tmp_path, capsys):
    assert (
        main(["compare", str(uncertain_batch), "--horizon", "2027-06", "--out", str(tmp_path)]) == 0
    )
    out = capsys.readouterr().out
    assert "5-95% across draws" in out
    table = pd.read_csv(tmp_path / "compare.csv")
    assert (table.draws == 4).all()
    assert (table.draw_p05 <= table.draw_median + 1e-12).all()
    assert (table.draw_median <= table.draw_p95 + 1e-12).all()
    assert not (uncertain_batch / "compare.csv").exists()  # --out, not the batch folder


def test_plausibility_is_judged_draw_by_draw(uncertain_batch):
    p = uncertainty.plausibility_by_draw(load(uncertain_batch), "hague_2025_baseline")
    assert list(p.draws.index) == [0, 1, 2, 3]
    assert set(p.bounds.bound) == {b.name for b in uncertainty.plausibility.BOUNDS}
    # 24-month runs end before the bounds' 2030 and 2035 months: those are unchecked
    assert (p.bounds.set_index("bound").loc["israel_west_aligned_2035", "runs"]) == 0


def test_time_to_event_counts_scheduled_events():
    monthly = pd.DataFrame(
        {
            "run_id": ["a", "a", "b", "b"],
            "scenario": ["base", "base", "forced", "forced"],
            "date": ["2025-07", "2026-06", "2025-07", "2026-06"],
        }
    )
    events = pd.DataFrame(columns=["run_id", "date", "kind", "site"])
    tte = time_to_event(monthly, events, "base_opened", {"forced": "2026-01"}, site="derna")
    t = tte.set_index("run_id")
    assert bool(t.loc["b", "observed"]) and t.loc["b", "months"] == 6
    assert not bool(t.loc["a", "observed"])
