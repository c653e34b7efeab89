"""Sensitivity analysis: SALib indices with intervals for every headline metric, a
noise diagnostic, the policy ranking across the parameter space, resumable runs and
clear errors (exit 2, nothing written) on bad input."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from sim import sensitivity as sa
from sim.batch import load, paired_effects, status
from sim.batch.storage import ID_COLUMNS
from sim.cli import main

from .conftest import shortened, variant

PARAMS = ["ties_gain", "budget_units", "naval_cost_musd_year", "incident_rate"]


def _policy(short):
    """A stronger Hub and special representative: the policy compared in these tests."""
    return variant(
        short, name="hub_full", policy={"hub_mandate": 1.0, "special_representative": 1.0}
    )


@pytest.fixture(scope="module")
def short(baseline):
    return shortened(baseline, 24)


def _small_sobol(short, out, **changes):
    """Sobol with N=8 over four parameters, two replicates and one policy, in-process."""
    kwargs = dict(replicates=2, params=PARAMS, policies=[_policy(short)], executor="serial")
    return sa.run(short, "sobol", 8, out=out, progress=False, **{**kwargs, **changes})


@pytest.fixture(scope="module")
def analysis(short, tmp_path_factory):
    """One small Sobol analysis (N=8, four parameters, two replicates, one policy)."""
    out = tmp_path_factory.mktemp("sobol")
    return _small_sobol(short, out), out


def test_indices_with_intervals_for_every_headline_metric(analysis):
    result, out = analysis
    idx = result.indices
    assert set(idx.metric) == set(sa.HEADLINE)
    for metric in sa.HEADLINE:
        rows = idx[idx.metric == metric]
        assert sorted(rows.parameter) == sorted(PARAMS)
        assert rows[["S1", "S1_conf", "ST", "ST_conf"]].notna().all().all(), metric
        assert (rows.ST_conf >= 0).all()
    for name in ("indices.csv", "noise.csv", "policies.csv", "ranked.png", "report.txt"):
        assert (out / name).stat().st_size > 0, name


def test_a_parameter_that_cannot_act_gets_a_zero_index(analysis):
    idx = analysis[0].indices.set_index(["metric", "parameter"])
    # the cost of naval presence is book-keeping: it cannot move Russian influence
    assert abs(idx.loc[("russia_influence_share", "naval_cost_musd_year"), "ST"]) < 1e-9
    # ... while Russia's budget does, and ranks first or second
    assert idx.loc[("russia_influence_share", "budget_units"), "ST"] > 0.05
    assert idx.loc[("russia_influence_share", "budget_units"), "rank"] <= 2
    # the incident rate drives naval incidents and nothing on influence
    assert idx.loc[("naval_incidents", "incident_rate"), "rank"] == 1


def test_noise_diagnostic_is_reported_per_metric(analysis):
    noise = analysis[0].noise.set_index("metric")
    assert set(noise.index) == set(sa.HEADLINE)
    assert ((noise.noise_share >= 0) & (noise.noise_share <= 1)).all()
    # incidents are Poisson draws: replicate noise is visible; migration is smooth
    assert noise.loc["naval_incidents", "noise_share"] > noise.loc["migration_italy", "noise_share"]
    assert noise.advice.str.len().gt(0).all()


def test_policy_robustness_over_the_parameter_space(analysis):
    result, _ = analysis
    pol = result.policies.set_index(["metric", "policy"])
    # a stronger Hub and special representative raise southern allies' satisfaction
    # at every point of this design
    assert pol.loc[("cohesion", "hub_full"), "share_better"] == 1.0
    assert pol.loc[("cohesion", "hub_full"), "effect"] > 0
    held = result.ranking_held.set_index("metric").share_ranking_held
    assert ((held >= 0) & (held <= 1)).all()
    assert re.search(r"hub_full\s+better than the baseline at 100%", result.report())


def test_runs_are_a_monthly_only_batch_in_the_analysis_folder(analysis, short):
    result, out = analysis
    b = load(out)
    assert b.manifest["label"] == "sensitivity" and b.manifest["status"] == "complete"
    assert b.tables == ("monthly",) and not (out / "countries").exists()
    assert b.countries.empty and list(b.countries.columns[:5]) == list(ID_COLUMNS)
    assert set(b.monthly.columns) == {*ID_COLUMNS, "date", "step", *sa.HEADLINE}
    # the analysed scenario at every point of SALib's sample, the policy at the base
    # points only, with the same seeds (common random numbers)
    n_points = len(result.design.matrix)
    base = result.design.base_points()
    runs = b.runs
    assert (runs[runs.scenario == short.name].groupby("point").size() == 2).all()
    assert runs[runs.scenario == short.name].point.nunique() == n_points
    assert sorted(runs[runs.scenario == "hub_full"].point.unique()) == base.tolist()
    seeds = runs.pivot_table(
        index="replicate", columns="scenario", values="seed", aggfunc="nunique"
    )
    assert (seeds == 1).all().all()
    points = b.manifest["design"]["points"]
    assert points == result.design.points and b.manifest["design"]["method"] == "sobol"
    assert len(runs) == result.runs == (n_points + len(base)) * 2


def test_rerun_into_the_same_folder_resumes_and_agrees(analysis, short):
    result, out = analysis
    markers = sorted((out / "done").glob("chunk-*.json"))
    victim = markers[len(markers) // 2]
    kept = {m.name: m.read_text() for m in markers if m != victim}
    victim.unlink()  # as if interrupted before this chunk was finished
    (out / "monthly" / f"{victim.stem}.parquet").unlink()
    assert status(out)["left"] > 0
    again = _small_sobol(short, out)
    assert victim.exists()
    assert all((out / "done" / name).read_text() == text for name, text in kept.items())
    np.testing.assert_allclose(
        again.indices.ST.to_numpy(), result.indices.ST.to_numpy(), rtol=0, atol=0
    )
    record = json.loads((out / "sensitivity.json").read_text())
    assert 0 < record["runs_now"] < record["runs"]


def test_resume_command_finishes_an_interrupted_analysis(analysis, short, tmp_path, capsys):
    import shutil

    result, out = analysis
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    for marker in sorted((copy / "done").glob("chunk-*.json"))[::2]:
        marker.unlink()
    assert main(["resume", str(copy), "--executor", "serial", "--progress", "never"]) == 0
    assert status(copy)["left"] == 0
    again = _small_sobol(short, copy)
    assert json.loads((copy / "sensitivity.json").read_text())["runs_now"] == 0
    pd.testing.assert_frame_equal(again.indices, result.indices)
    # a new horizon reads the same runs: nothing is run again
    earlier = _small_sobol(short, copy, horizon="2026-06")
    assert json.loads((copy / "sensitivity.json").read_text())["runs_now"] == 0
    assert earlier.horizon == "2026-06"
    assert not np.allclose(earlier.indices.ST.to_numpy(), result.indices.ST.to_numpy())


def test_policy_runs_pair_with_the_analysed_scenario_in_a_comparison(analysis, short):
    result, out = analysis
    fx = paired_effects(load(out).monthly, short.name, horizons=[2027], metrics=["cohesion"])
    assert len(fx) == 1
    row = fx.iloc[0]
    # paired on (point, replicate, seed): every base point, both replicates
    assert row.scenario == "hub_full" and row.n == len(result.design.base_points()) * 2
    assert row.difference > 0 and row.verdict == "higher"


def test_another_analysis_in_the_same_folder_is_refused(analysis, short):
    _, out = analysis
    with pytest.raises(sa.SensitivityInputError, match="different sensitivity analysis"):
        _small_sobol(short, out, replicates=3, policies="none")


def test_morris_ranks_by_mu_star(short, tmp_path):
    result = sa.run(
        short,
        "morris",
        4,
        replicates=1,
        params=PARAMS,
        policies="none",
        metrics=["russia_influence_share"],
        executor="serial",
        out=tmp_path,
        progress=False,
    )
    idx = result.indices.set_index("parameter")
    assert {"mu", "mu_star", "mu_star_conf", "sigma", "rank"} <= set(idx.columns)
    assert idx.loc["naval_cost_musd_year", "mu_star"] < 1e-9
    assert idx.loc["budget_units", "mu_star"] > 0
    assert "replicate noise unknown" in result.noise.advice.iloc[0]


def test_design_is_reproducible_and_respects_ranges():
    a = sa.make_design("sobol", 8, ["bloc_min_members", "trust_decay"], seed=3)
    b = sa.make_design("sobol", 8, ["bloc_min_members", "trust_decay"], seed=3)
    np.testing.assert_array_equal(a.matrix, b.matrix)
    assert len(a.points) == 8 * (2 * 2 + 2)
    for point in a.points:
        assert point["bloc_min_members"] in (2.0, 3.0, 4.0)
        assert 0.005 <= point["trust_decay"] <= 0.04
    assert len(a.base_points()) == 8


@pytest.mark.parametrize(
    ("argv", "field", "words"),
    [
        (["--method", "sobol", "--n", "10"], "--n", "power of 2"),
        (
            ["--method", "sobol", "--n", "8", "--params", "ties_gain,tie_gian"],
            "--params",
            "did you mean",
        ),
        (
            ["--method", "morris", "--n", "4", "--horizon", "2040-01"],
            "--horizon",
            "outside the run",
        ),
        (["--method", "morris", "--n", "4", "--metrics", "cohesoin"], "--metrics", "did you mean"),
        (
            ["--method", "morris", "--n", "4", "--policies", "no_such_policy"],
            "",
            "no such scenario",
        ),
        (["--method", "morris", "--n", "4", "--executor", "dask"], "--scheduler", "address"),
        (["--method", "morris", "--n", "4", "--workers", "0"], "--workers", "at least 1"),
    ],
)
def test_bad_input_exits_2_naming_the_field_and_writes_nothing(
    tmp_path, capsys, argv, field, words
):
    out = tmp_path / "sa"
    code = main(["sensitivity", "hague_2025_baseline", *argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert field in err and words in err, err
    assert not out.exists()


def test_unknown_method_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "sensitivity",
                "hague_2025_baseline",
                "--method",
                "fast",
                "--n",
                "8",
                "--out",
                str(tmp_path / "x"),
            ]
        )
    assert exc.value.code == 2
    assert "--method" in capsys.readouterr().err


def test_cli_end_to_end_writes_the_report(tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(
        [
            "sensitivity",
            "hague_2025_baseline",
            "--method",
            "morris",
            "--n",
            "2",
            "--params",
            "ties_gain,naval_cost_musd_year",
            "--replicates",
            "1",
            "--policies",
            "none",
            "--horizon",
            "2026-06",
            "--metrics",
            "russia_influence_share",
            "--executor",
            "serial",
            "--progress",
            "never",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "russia_influence_share" in capsys.readouterr().out
    plan = json.loads((out / "sensitivity.json").read_text())
    assert plan["plan"]["method"] == "morris" and plan["finished"]


def test_failed_runs_stop_the_analysis_and_resume_retries_them(short, tmp_path, monkeypatch):
    import sim.batch.worker as worker

    real = worker.run_model
    calls = {"n": 0}

    def flaky(scenario, seed=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected failure")
        return real(scenario, seed=seed)

    monkeypatch.setattr(worker, "run_model", flaky)
    args = dict(replicates=1, params=PARAMS[:2], policies="none", metrics=["cohesion"])
    out = tmp_path / "flaky"
    with pytest.raises(sa.SensitivityRunError, match="--retry-failed"):
        sa.run(short, "morris", 2, executor="serial", out=out, progress=False, **args)
    assert status(out)["failed"] == 1 and not (out / "indices.csv").exists()
    monkeypatch.setattr(worker, "run_model", real)
    assert main(["resume", str(out), "--retry-failed", "--executor", "serial"]) == 0
    result = sa.run(short, "morris", 2, executor="serial", out=out, progress=False, **args)
    assert set(result.indices.parameter) == set(PARAMS[:2]) and (out / "indices.csv").exists()
