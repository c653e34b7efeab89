"""Paired comparisons: the statistics, the verdicts and `southflank compare`."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.batch import paired_effects, run_batch
from sim.batch.compare import NO_CLEAR, TOO_FEW, horizon_date
from sim.cli import main

from .conftest import shortened, variant
from .test_batch import write_scenario


def frame(diffs: dict[str, list[float]], dates=("2030-06", "2035-06"), base=0.5) -> pd.DataFrame:
    """A monthly table: a baseline and scenarios whose values differ by `diffs` per
    replicate (in every month), each replicate with its own seed."""
    rows = []
    n = len(next(iter(diffs.values())))
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.1, n)  # shared by all scenarios: common random numbers
    for name, d in {"base": [0.0] * n, **diffs}.items():
        for r in range(n):
            for date in dates:
                rows.append(
                    {
                        "scenario": name,
                        "point": 0,
                        "replicate": r,
                        "seed": 100 + r,
                        "date": date,
                        "cohesion": base + noise[r] + d[r],
                    }
                )
    return pd.DataFrame(rows)


def test_paired_difference_and_t_interval_match_the_textbook():
    diffs = [0.10, 0.12, 0.08, 0.11, 0.09]
    out = paired_effects(frame({"policy": diffs}), "base", [2030], ["cohesion"])
    row = out.iloc[0]
    d = np.array(diffs)
    half = stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    assert row.n == 5 and row.date == "2030-06"
    assert row.difference == pytest.approx(d.mean())
    assert (row.ci_low, row.ci_high) == pytest.approx((d.mean() - half, d.mean() + half))
    assert row.verdict == "higher"


def test_pairing_follows_the_seeds_not_the_row_order():
    df = frame({"policy": [0.1, 0.2, 0.3]})
    shuffled = df.sample(frac=1.0, random_state=1)
    a = paired_effects(df, "base", [2030], ["cohesion"])
    b = paired_effects(shuffled, "base", [2030], ["cohesion"])
    pd.testing.assert_frame_equal(a, b)
    assert a.iloc[0].difference == pytest.approx(0.2)


def test_verdicts_too_few_and_no_clear_difference():
    out = paired_effects(
        frame(
            {"two": [0.1, 0.2, 0, 0, 0, 0], "noisy": [0.3, -0.3, 0.2, -0.1, 0.05, -0.04]}, base=0.5
        ).pipe(lambda d: d[~((d.scenario == "two") & (d.replicate >= 2))]),
        "base",
        [2030],
        ["cohesion"],
    )
    verdicts = dict(zip(out.scenario, out.verdict, strict=True))
    assert verdicts == {"two": TOO_FEW, "noisy": NO_CLEAR}
    noisy = out[out.scenario == "noisy"].iloc[0]
    assert noisy.ci_low < 0 < noisy.ci_high


def test_horizon_is_june_or_the_last_month_present():
    dates = ["2025-07", "2026-06", "2030-06", "2035-05", "2035-06"]
    assert horizon_date(dates, 2030) == "2030-06"
    assert horizon_date(dates, 2040) == "2035-06"  # the run ends before: last month
    assert horizon_date(dates, 2020) is None  # before the run: left out
    out = paired_effects(frame({"p": [0.1] * 3}), "base", [2020, 2040], ["cohesion"])
    assert out.date.tolist() == ["2035-06"] and out.horizon.tolist() == [2040]


def test_unknown_baseline_or_metric_is_a_clear_error():
    df = frame({"p": [0.1] * 3})
    with pytest.raises(ValueError, match="did you mean 'base'"):
        paired_effects(df, "bas", [2030], ["cohesion"])
    with pytest.raises(ValueError, match="unknown metric 'cohesio'"):
        paired_effects(df, "base", [2030], ["cohesio"])


@pytest.fixture(scope="module")
def small_batch(tmp_path_factory, baseline):
    d = tmp_path_factory.mktemp("cmp")
    short = shortened(baseline, 24)
    f1 = write_scenario(d / "c_base.yaml", short, name="c_base")
    f2 = write_scenario(
        d / "c_pol.yaml",
        variant(short, name="c_pol", policy={"md_revival": 1.0, "hub_mandate": 1.0}),
    )
    out = d / "batch"
    run_batch([f1, f2], replicates=4, seed=11, out=out, executor="serial")
    return out


def test_compare_command_prints_and_saves_intervals(small_batch, capsys):
    code = main(["compare", str(small_batch), "--baseline", "c_base", "--horizon", "2026,2030"])
    assert code == 0
    text = capsys.readouterr().out
    assert "c_pol" in text and "95% CI" in text and "2027-06" in text  # 2030 -> last month
    csv = pd.read_csv(small_batch / "compare.csv")
    assert set(csv.scenario) == {"c_pol"} and set(csv.horizon) == {2026, 2030}
    assert (csv.n == 4).all() and (csv.ci_low <= csv.difference).all()
    cohesion = csv[(csv.metric == "cohesion") & (csv.horizon == 2030)].iloc[0]
    assert cohesion.verdict == "higher"  # a revived Dialogue and a full Hub please the allies
    assert (small_batch / "compare.md").read_text().startswith("# Batch")


def test_compare_says_too_few_with_two_replicates(tmp_path, baseline, capsys):
    short = shortened(baseline, 12)
    f1 = write_scenario(tmp_path / "a.yaml", short, name="t_base")
    f2 = write_scenario(tmp_path / "b.yaml", variant(short, name="t_pol", policy={"md_revival": 1}))
    run_batch([f1, f2], replicates=2, out=tmp_path / "b", executor="serial")
    assert main(["compare", str(tmp_path / "b"), "--baseline", "t_base"]) == 0
    assert TOO_FEW in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["--baseline", "nope"],
        ["--baseline", "c_base", "--metrics", "cohesio"],
        ["--baseline", "c_base", "--horizon", "twenty"],
    ],
)
def test_compare_bad_input_exits_2(small_batch, args):
    assert main(["compare", str(small_batch), *args]) == 2
