"""The analysis library: summaries give the numbers a reader would compute by hand, and
every figure shows what its caption says (scenarios, dates) in a greyscale-safe style."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim import library, simulate
from sim.analysis import plots, style, summaries
from sim.analysis.load import require
from sim.geography import load_region
from tests.conftest import shortened

MONTHS = 36  # 2025-07 .. 2028-06: holds the 2027 horizon (June 2027)
SEEDS = (1, 2, 3)


def _frames(scenarios, seeds):
    """Tidy frames in the batch schema from direct runs (as sim.batch.load returns)."""
    monthly, countries, events = [], [], []
    rid = 0
    for sc in scenarios:
        for rep, seed in enumerate(seeds):
            r = simulate(sc, seed=seed)
            key = {
                "run_id": f"r{rid}",
                "scenario": sc.name,
                "point": 0,
                "replicate": rep,
                "seed": seed,
            }
            for out, df in ((monthly, r.monthly), (countries, r.countries), (events, r.events)):
                df = df.copy()
                for i, (k, v) in enumerate(key.items()):
                    df.insert(i, k, v)
                out.append(df)
            rid += 1
    return tuple(pd.concat(x, ignore_index=True) for x in (monthly, countries, events))


@pytest.fixture(scope="module")
def frames():
    base = shortened(library.load("hague_2025_baseline"), MONTHS)
    hub = shortened(library.load("hub_empowered"), MONTHS)
    return _frames([base, hub], SEEDS)


# --- summaries ------------------------------------------------------------------------------


def test_quantile_bands_are_ordered_per_month_and_count_the_runs(frames):
    monthly = frames[0]
    bands = summaries.quantile_bands(monthly, "russia_influence_share")
    assert list(dict.fromkeys(bands.scenario)) == ["hague_2025_baseline", "hub_empowered"]
    assert (bands.n_runs == len(SEEDS)).all()
    assert (bands.q05 <= bands.q25).all() and (bands.q25 <= bands.q50).all()
    assert (bands.q50 <= bands.q75).all() and (bands.q75 <= bands.q95).all()
    last = monthly[(monthly.scenario == "hub_empowered") & (monthly.date == "2028-06")]
    row = bands[(bands.scenario == "hub_empowered") & (bands.date == "2028-06")].iloc[0]
    assert row.q50 == pytest.approx(last.russia_influence_share.median())


def test_probability_map_values_are_shares_of_runs(frames):
    countries = frames[1]
    thr = summaries.russia_aligned_threshold()
    p = summaries.country_values(countries, "alignment", 2027, below=-thr)
    assert set(p.date) == {"2027-06"}  # a year means June, as southflank compare reads it
    at = countries[(countries.date == "2027-06") & (countries.scenario == "hague_2025_baseline")]
    for iso in ("MLI", "EGY", "ITA"):
        want = (at[at.iso3 == iso].alignment < -thr).mean()
        got = p[(p.scenario == "hague_2025_baseline") & (p.iso3 == iso)].value.item()
        assert got == pytest.approx(want)
    assert p.value.between(0, 1).all()


def test_resolve_date_reads_years_like_compare_and_names_the_range():
    dates = ["2025-07", "2026-06", "2026-12", "2027-03"]
    assert summaries.resolve_date(dates, 2026) == "2026-06"
    assert summaries.resolve_date(dates, "2027") == "2027-03"  # runs end before June
    assert summaries.resolve_date(dates, None) == "2027-03"
    with pytest.raises(ValueError, match="between 2025-07 and 2027-03"):
        summaries.resolve_date(dates, "2031-01")


def _toy():
    """Four runs: events at months 1 and 2, one censored at 2, one run shorter."""
    months = {"a": 6, "b": 6, "c": 3, "d": 6}
    monthly = pd.DataFrame(
        [
            {"run_id": r, "scenario": "s", "date": f"2025-{m + 1:02d}"}
            for r, n in months.items()
            for m in range(n)
        ]
    )
    events = pd.DataFrame(
        [
            {"run_id": "a", "date": "2025-02", "kind": "base_opened", "site": "derna"},
            {"run_id": "b", "date": "2025-03", "kind": "base_opened", "site": "derna"},
            {"run_id": "b", "date": "2025-04", "kind": "base_opened", "site": "derna"},
            {"run_id": "d", "date": "2025-02", "kind": "base_opened", "site": "tartus"},
        ]
    )
    return monthly, events


def test_time_to_event_counts_from_the_start_and_censors_runs_without_it():
    monthly, events = _toy()
    tte = summaries.time_to_event(monthly, events, "base_opened", site="derna").set_index("run_id")
    assert tte.loc["a", "months"] == 1 and tte.loc["a", "observed"]
    assert tte.loc["b", "months"] == 2  # the first of two events
    assert tte.loc["c", "months"] == 2 and not tte.loc["c", "observed"]  # a shorter run
    assert tte.loc["d", "months"] == 5 and not tte.loc["d", "observed"]  # another site
    # a detail column no event carried: nothing matches, every run is censored
    none = summaries.time_to_event(monthly, events, "base_opened", zone="Central Med")
    assert not none.observed.any() and len(none) == 4


def test_kaplan_meier_matches_the_hand_computation():
    monthly, events = _toy()
    km = summaries.kaplan_meier(
        summaries.time_to_event(monthly, events, "base_opened", site="derna")
    )
    s = km.set_index("months").survival
    # at 1: 4 at risk, 1 event -> 3/4; at 2: 3 at risk, 1 event (c censored) -> 3/4 * 2/3
    assert s[0] == 1.0 and s[1] == pytest.approx(0.75) and s[2] == pytest.approx(0.5)
    assert s[5] == pytest.approx(0.5)  # censoring does not lower the curve
    assert (km.low <= km.survival).all() and (km.survival <= km.high).all()


def test_realignments_name_their_driver(frames):
    events = frames[2]
    re_ = summaries.realignments(events)
    assert len(re_) == (events.kind == "realignment").sum() > 0
    assert re_.driver.notna().all()
    assert set(re_.driver) <= {
        "trust in NATO",
        "Western military presence",
        "ties to Russia",
        "Russian military presence",
    }
    assert set(re_.camp_to) <= {"West-aligned", "hedging", "Russia-aligned"}


def test_bad_input_names_what_is_missing(frames):
    with pytest.raises(ValueError, match="lacks column.*no_such_metric"):
        summaries.quantile_bands(frames[0], "no_such_metric")
    with pytest.raises(ValueError, match="not in the data; present: hague_2025_baseline"):
        plots.fan_chart(frames[0], "cohesion", scenarios=["hague_2025_baselin"])
    with pytest.raises(TypeError, match="DataFrame"):
        require([1, 2], ["x"], "monthly")


# --- figures --------------------------------------------------------------------------------


def test_style_looks_differ_without_colour():
    looks = [style.look(i) for i in range(8)]
    assert (
        len(
            {
                (lk.linestyle if isinstance(lk.linestyle, str) else str(lk.linestyle), lk.marker)
                for lk in looks
            }
        )
        == 8
    )
    assert len({lk.hatch for lk in looks}) == 8


def test_fan_chart_draws_each_scenario_in_its_own_line_style(frames):
    fig = plots.fan_chart(frames[0], "russia_influence_share")
    assert isinstance(fig, Figure)
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith(("hague", "hub"))]
    assert len(lines) == 2
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[0].get_marker() != lines[1].get_marker()
    cap = style.caption_of(fig)
    assert "hague_2025_baseline" in cap and "hub_empowered" in cap
    assert "2025-07" in cap and "2028-06" in cap
    panels = plots.fan_chart(frames[0], "cohesion", panels=True)
    assert len([a for a in panels.axes if a.get_visible()]) == 2


def test_region_map_puts_values_on_the_countries_cells(frames):
    countries = frames[1]
    fig = plots.region_map(countries, "alignment", 2027, below=-0.2)
    maps = [a for a in fig.axes if a.get_images()]
    assert len(maps) == 2  # one panel per scenario
    values = summaries.country_values(
        countries, "alignment", 2027, ["hague_2025_baseline"], below=-0.2
    )
    field = maps[0].get_images()[1].get_array()  # (H, W): labels.T
    region = load_region()
    for iso in ("MLI", "DZA"):
        x, y = region.cells_of(iso)[0]
        assert field[y, x] == pytest.approx(values.set_index("iso3").value[iso])
    sea_x, sea_y = np.argwhere(region.labels == "SEA")[0]
    assert np.ma.is_masked(field[sea_y, sea_x])
    assert "2027-06" in style.caption_of(fig) and "hub_empowered" in style.caption_of(fig)


def test_forest_plot_draws_one_interval_per_row():
    effects = pd.DataFrame(
        [
            {
                "scenario": s,
                "metric": m,
                "horizon": h,
                "date": f"{h}-06",
                "difference": d,
                "ci_low": d - 0.1,
                "ci_high": d + 0.1,
            }
            for s, d in (("a", 0.3), ("b", -0.2))
            for m in ("cohesion", "russia_influence_share")
            for h in (2027, 2030)
        ]
    )
    fig = plots.forest_plot(effects, baseline="base")
    axes = [a for a in fig.axes if a.get_visible()]
    assert len(axes) == 2
    assert len(axes[0].containers) == 2  # one errorbar set per horizon
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["a", "b"]
    assert "2027-06 and 2030-06" in style.caption_of(fig)
    with pytest.raises(ValueError, match="lacks column"):
        plots.forest_plot(effects.drop(columns="ci_low"))


def test_survival_and_timeline_figures(frames):
    monthly, _, events = frames
    fig = plots.survival_plot(monthly, events, "base_opened", site="derna")
    assert len(fig.axes[0].get_lines()) >= 2
    assert "hub_empowered" in style.caption_of(fig)
    run = events.run_id.iloc[0]
    tl = plots.timeline_plot(events, run)
    rows = {t.get_text() for t in tl.axes[0].get_yticklabels()}
    shown = events[(events.run_id == run) & (events.kind != "naval_incident")]
    assert {i for i in shown.iso3 if i} <= rows
    with pytest.raises(ValueError, match="no events"):
        plots.timeline_plot(events, "no-such-run")
