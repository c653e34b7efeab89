"""`southflank explain`: Shapley contributions of channel groups, on small designs.

The split must add up (contributions + residual = total), the total must be the
effect a user would measure directly with the same seeds, a channel that cannot touch
a metric must get nothing, and bad input must stop before anything is written.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

from sim import simulate
from sim.analysis import explain as ex
from sim.batch.design import DEFAULT_BATCH_SEED, replicate_seeds

from .conftest import shortened, variant

GROUPS = {"signal": ("signal_switch",), "dcb": ("dcb_capacity_switch", "dcb_trust_switch")}


@pytest.fixture(scope="module")
def pair(baseline):
    base = shortened(baseline, 24)
    hub = variant(
        base, name="hub_short", policy={"hub_mandate": 1.0, "special_representative": 1.0}
    )
    return base, hub


def _direct(sc, base, metric: str, date: str, replicates: int) -> float:
    """The paired effect measured run by run, with explain's replicate seeds."""
    diffs = []
    for seed in replicate_seeds(DEFAULT_BATCH_SEED, replicates):
        a = simulate(sc, seed=seed).monthly.set_index("date")[metric]
        b = simulate(base, seed=seed).monthly.set_index("date")[metric]
        diffs.append(a.loc[date] - b.loc[date])
    return float(np.mean(diffs))


def _rows(result, metric):
    t = result.table[result.table.metric == metric].set_index("channel")
    return t


def test_shapley_exact_matches_a_game_with_a_known_split():
    # v(S) = 1*[a] + 2*[b] + 3*[a and b] + 0.5*[c]: the interaction splits evenly
    def v(mask: int) -> float:
        a, b, c = mask & 1, mask >> 1 & 1, mask >> 2 & 1
        return 1.0 * a + 2.0 * b + 3.0 * a * b + 0.5 * c

    values = {m: np.array([v(m)]) for m in range(8)}
    phi = ex.shapley_exact(values, 3)[:, 0]
    np.testing.assert_allclose(phi, [2.5, 3.5, 0.5])
    # every order's marginal contributions average to the same
    orders = np.array(list(itertools.permutations(range(3))))
    sampled = ex.shapley_sampled(values, orders).mean(axis=0)[:, 0]
    np.testing.assert_allclose(sampled, phi)


def test_a_policy_effect_splits_exactly_and_adds_up_to_the_measured_effect(pair, tmp_path):
    base, hub = pair
    res = ex.explain(
        hub,
        base,
        metrics=["cohesion", "russia_influence_share"],
        groups=GROUPS,
        replicates=2,
        out=tmp_path / "x",
        executor="serial",
        progress=False,
    )
    assert res.method == "exact" and res.runs == 2**2 * 2 * 2
    for metric in ("cohesion", "russia_influence_share"):
        t = _rows(res, metric)
        parts = t.loc[["signal", "dcb"], "contribution"].sum()
        assert parts + t.loc[ex.RESIDUAL, "contribution"] == pytest.approx(
            t.loc[ex.TOTAL, "contribution"], abs=1e-12
        )
        direct = _direct(hub, base, metric, "2027-06", 2)
        assert t.loc[ex.TOTAL, "contribution"] == pytest.approx(direct, abs=1e-12)
    cohesion = _rows(res, "cohesion")
    # the Hub's cohesion effect is its signal: DCB effectiveness moves cohesion far less
    assert cohesion.loc["signal", "contribution"] > 0.05
    assert abs(cohesion.loc["dcb", "contribution"]) < 0.2 * cohesion.loc["signal", "contribution"]
    # the signal does not reach Russia's influence share: exactly nothing
    assert _rows(res, "russia_influence_share").loc["signal", "contribution"] == 0.0
    assert (tmp_path / "x" / "waterfall.png").stat().st_size > 0
    assert "signal" in (tmp_path / "x" / "report.txt").read_text()


def test_the_same_command_again_reuses_the_finished_runs(pair, tmp_path):
    base, hub = pair
    kw = dict(metrics=["cohesion"], groups=GROUPS, replicates=1, executor="serial")
    first = ex.explain(hub, base, out=tmp_path / "x", progress=False, **kw)
    done = sorted((tmp_path / "x" / "done").iterdir())
    stamps = [p.stat().st_mtime_ns for p in done]
    again = ex.explain(hub, base, out=tmp_path / "x", progress=False, **kw)
    assert [p.stat().st_mtime_ns for p in done] == stamps
    assert again.table.equals(first.table)


def test_the_baseline_is_explained_as_its_drift_since_the_start(pair, tmp_path):
    base, _ = pair
    res = ex.explain(
        base,
        metrics=["cohesion"],
        groups={"threat": ("threat_influence_switch",), "signal": ("signal_switch",)},
        replicates=2,
        horizon="2027",
        out=tmp_path / "d",
        executor="serial",
        progress=False,
    )
    assert res.baseline is None and "drift" in res.question
    drifts = []
    for seed in replicate_seeds(DEFAULT_BATCH_SEED, 2):
        m = simulate(base, seed=seed).monthly
        june = m[m.date == "2027-06"].cohesion.item()  # a bare year is its June
        drifts.append(june - m.cohesion.iloc[0])
    t = _rows(res, "cohesion")
    assert t.loc[ex.TOTAL, "contribution"] == pytest.approx(np.mean(drifts), abs=1e-12)
    # Russia's rising share is a threat: switching that part of the threat on lowers cohesion
    assert t.loc["threat", "contribution"] < 0


def test_beyond_eight_groups_orders_are_sampled_with_standard_errors(pair, tmp_path):
    base, hub = pair
    short = shortened(base, 12)
    hub12 = shortened(hub, 12)
    groups = {name.removesuffix("_switch"): (name,) for name in ex.SWITCHES[:9]}
    res = ex.explain(
        hub12,
        short,
        metrics=["cohesion"],
        groups=groups,
        replicates=1,
        permutations=3,
        out=tmp_path / "s",
        executor="serial",
        progress=False,
    )
    assert res.method == "sampled"
    t = _rows(res, "cohesion")
    parts = t.loc[list(groups), "contribution"].sum()
    assert parts + t.loc[ex.RESIDUAL, "contribution"] == pytest.approx(
        t.loc[ex.TOTAL, "contribution"], abs=1e-12
    )
    assert t.loc[list(groups), "se"].notna().all()
    assert res.runs < 2**9 * 2  # not every subset


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"groups": "a=not_a_switch"}, "groups"),
        ({"groups": "a=signal_switch,b=signal_switch"}, "groups"),
        ({"groups": "nonsense"}, "groups"),
        ({"horizon": "2040-01"}, "horizon"),
        ({"horizon": "soon"}, "horizon"),
        ({"metrics": ["cohesionn"]}, "metrics"),
        ({"replicates": 0}, "replicates"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(pair, tmp_path, kwargs, field):
    base, hub = pair
    with pytest.raises(ex.ExplainInputError) as err:
        ex.explain(hub, base, out=tmp_path / "bad", executor="serial", **kwargs)
    assert err.value.field == field
    assert not (tmp_path / "bad").exists()


def test_the_command_line_reports_bad_input_with_exit_code_2(tmp_path):
    cmd = [sys.executable, "-m", "sim.cli", "explain", "hub_empowered", "--groups", "x=signl"]
    done = subprocess.run(
        [*cmd, "--out", str(tmp_path / "o")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "--groups" in done.stderr and "signal_switch" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_a_countrys_metric_is_explained_too(pair, tmp_path):
    """The Hub raises Mauritania's capacity through its DCB package, not its signal."""
    base, hub = pair
    res = ex.explain(
        hub,
        base,
        metrics=["capacity:MRT"],
        groups=GROUPS,
        replicates=1,
        out=tmp_path / "c",
        executor="serial",
        progress=False,
    )
    t = _rows(res, "capacity:MRT")
    direct = []
    for seed in replicate_seeds(DEFAULT_BATCH_SEED, 1):
        c = [simulate(x, seed=seed).countries for x in (hub, base)]
        at = [float(x[(x.iso3 == "MRT") & (x.date == "2027-06")].capacity.item()) for x in c]
        direct.append(at[0] - at[1])
    assert t.loc[ex.TOTAL, "contribution"] == pytest.approx(np.mean(direct), abs=1e-12)
    assert t.loc["dcb", "contribution"] > 0
    assert t.loc["signal", "contribution"] == 0.0
