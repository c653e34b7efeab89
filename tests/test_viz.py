"""The visualization without a browser: map geometry, drawing, levers, the play loop,
the results numbers, and the Solara pages rendered in-process."""

from __future__ import annotations

import io
import threading
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("solara", reason="the viz extra (solara) is not installed")

import ipyvuetify as v  # noqa: E402
import ipywidgets as widgets  # noqa: E402
import solara  # noqa: E402
from PIL import Image  # noqa: E402

from sim import library  # noqa: E402
from sim.geography import SEA, Region, load_region  # noqa: E402
from sim.model import LAYERS, SouthernFlankModel  # noqa: E402
from sim.outcomes import MODEL_METRICS  # noqa: E402
from sim.params import PARAMETERS, REGISTRY  # noqa: E402
from sim.run import simulate  # noqa: E402
from sim.scenario import Policy, ScenarioError  # noqa: E402
from sim.viz import assets, basemap, results_plots, resultsdata  # noqa: E402
from sim.viz.charts import PANELS, ChartRenderer, headroom  # noqa: E402
from sim.viz.mapview import MapRenderer  # noqa: E402
from sim.viz.play import play_loop, viewer_present  # noqa: E402
from sim.viz.portrayal import layer_style  # noqa: E402
from sim.viz.session import (  # noqa: E402
    KEY_PARAMETERS,
    Levers,
    Session,
    apply_levers,
    display_name,
    lever_sliders,
    naval_slider,
    parameter_slider,
    scenario_choices,
)
from tests.conftest import shortened  # noqa: E402


def png_size(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def make_batch(root, months: int = 66, replicates: int = 3):
    """A small batch of two scenarios (to 2030-12) under root, through sim.batch."""
    from sim.batch import run_batch

    base = shortened(library.load("hague_2025_baseline"), months)
    package = shortened(library.load("full_southern_package"), months)
    out = root / "small-batch"
    run_batch(
        [base, package], replicates=replicates, executor="serial", out=out, progress=False, seed=7
    )
    return out


# -- the static map ------------------------------------------------------------------------
def tiny_region() -> Region:
    """3 x 2 cells: x=0 sea, x=1 country A, x=2 country B (one degree, from 0 E, 10 N)."""
    labels = np.array([[SEA, SEA], ["AAA", "AAA"], ["BBB", "BBB"]])
    zones = np.array([["Atlantic", "Gulf"], ["", ""], ["", ""]])
    return Region(
        lons=np.array([0.5, 1.5, 2.5]), lats=np.array([10.5, 11.5]), labels=labels, sea_zone=zones
    )


def test_coast_and_border_segments_sit_on_the_cell_edges_between_the_right_cells():
    r = tiny_region()
    land = r.labels != SEA
    coast = basemap.edge_segments(r, land, ~land)
    # the coast is the meridian at 1 E between the sea column and country A, both rows
    assert sorted(map(tuple, coast.reshape(-1, 4).tolist())) == [
        (1.0, 10.0, 1.0, 11.0),
        (1.0, 11.0, 1.0, 12.0),
    ]
    borders = basemap.label_edges(r, r.labels, land)
    assert sorted(map(tuple, borders.reshape(-1, 4).tolist())) == [
        (2.0, 10.0, 2.0, 11.0),
        (2.0, 11.0, 2.0, 12.0),
    ]
    zones = basemap.label_edges(r, r.sea_zone, r.sea_zone != "")
    assert zones.reshape(-1, 4).tolist() == [[0.0, 11.0, 1.0, 11.0]]  # the parallel at 11 N


def test_image_orientation_puts_north_up_and_east_right():
    field = np.arange(6).reshape(3, 2)  # [x, y]
    img = basemap.to_image(field)
    assert img.shape == (2, 3)
    assert img[1, 2] == field[2, 1]  # row = y (south -> north with origin='lower'), col = x


def test_base_map_of_the_committed_grid():
    b = basemap.base_map()
    region = load_region()
    assert b.extent == (region.bounds[0], region.bounds[2], region.bounds[1], region.bounds[3])
    assert b.background.shape == (region.height, region.width, 4)
    # every segment lies on the grid lines and inside the map
    for segs, least in ((b.coast, 200), (b.borders, 200), (b.zone_edges, 10)):
        assert len(segs) > least
        assert np.allclose(segs, np.round(segs))
        assert segs[..., 0].min() >= b.extent[0] and segs[..., 0].max() <= b.extent[1]
    # the states the source names are on the map with a capital and a centroid
    for code in ("MLI", "NER", "BFA", "DZA", "EGY", "XLE", "XLW", "TUN", "ITA"):
        assert code in b.capitals and code in b.centroids
    # Algiers is where it is (36.8 N, 3.1 E) and Algeria's centroid is in the Sahara
    lon, lat = b.capitals["DZA"]
    assert 2 < lon < 4 and 36 < lat < 37.5
    assert b.centroids["DZA"][1] < 32
    assert {"Algeria", "Egypt", "Mali", "Italy"} <= set(b.names.values())
    # every piece of land on the grid has a name (the actors' or, outside, its own)
    assert set(b.names) | set(b.outside) == set(region.land_codes())
    assert all(n and n != c for c, n in {**b.names, **b.outside}.items())
    assert set(b.zone_labels) >= {"Central Med", "Eastern Med", "Western Med"}


def test_every_model_layer_has_a_style_and_unknown_layers_are_refused():
    for name in LAYERS:
        st = layer_style(name)
        assert st.vmin < st.vmax
    assert layer_style("alignment").vmin == -1
    with pytest.raises(ValueError, match="allowed: nato_influence"):
        layer_style("nato_influense")


# -- drawing -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model():
    m = SouthernFlankModel(library.default_scenario(), seed=3)
    for _ in range(6):
        m.step()
    return m


def test_map_shows_the_models_layer_and_agents(model):
    r = MapRenderer("stability")
    png = r.render(model)
    assert png_size(png) == (1000, 500)
    shown = np.asarray(r.image.get_array())
    field = model.layer("stability")
    field[load_region().labels == "RUS"] = np.nan  # Russia itself is plain land on the map
    expected = basemap.to_image(field)
    assert np.array_equal(np.isnan(shown), np.isnan(expected))
    assert np.allclose(shown[~np.isnan(shown)], expected[~np.isnan(expected)])
    assert model.date in r.title.get_text()
    # markers follow the state: deployments where Russia is present, open bases drawn
    deployed = (r.deployment.get_sizes() > 0).sum()
    s = model.state
    assert deployed == sum(
        1 for c in r._capital_codes if c in s.codes and s.rpres[s.codes.index(c)] > 0
    )
    open_or_talks = [a for a in model.base_agents if a.status in ("open", "negotiating")]
    assert len(r.bases.get_offsets()) == len(open_or_talks)


def test_map_frames_reuse_the_static_drawing_and_change_with_the_month():
    m = SouthernFlankModel(library.default_scenario(), seed=1)
    r = MapRenderer("russia_influence")
    first = r.render(m)
    for _ in range(24):
        m.step()
    later = r.render(m)
    assert first != later
    assert r.blit.full_draws == 1  # axes, ticks and legend were drawn once


def test_charts_use_only_declared_metrics_and_mark_the_current_month(model):
    names = {m.name for m in MODEL_METRICS}
    for panel in PANELS:
        assert {s.metric for s in panel.series} <= names
    spec = model.spec
    from sim.calendar import format_month

    c = ChartRenderer(format_month(spec.start), format_month(spec.end))
    monthly = model.datacollector.get_model_vars_dataframe()
    png = c.render(monthly)
    assert png_size(png)[0] > 800
    last = int(monthly["date"].iloc[-1][:4]) + (int(monthly["date"].iloc[-1][5:]) - 1) / 12
    assert all(np.isclose(mk.get_xdata()[0], last) for mk in c.markers)
    line, series = c.lines[0]
    assert np.allclose(line.get_ydata(), monthly[series.metric].to_numpy() * series.scale)


def test_autoscaled_axes_grow_in_steps():
    assert headroom(0.0) == 1.0
    assert headroom(3.0) == 5.0
    assert headroom(4.9) == 10.0
    assert headroom(6200.0) == 10000.0


# -- levers and parameters -----------------------------------------------------------------
def test_lever_sliders_take_their_ranges_from_the_schema():
    by_key = {s.key: s for s in lever_sliders()}
    assert by_key["policy.hub_mandate"].low == 0.0 and by_key["policy.hub_mandate"].high == 1.0
    assert by_key["russia.budget"].high == 3.0
    assert Policy.model_fields["hub_mandate"].description in by_key["policy.hub_mandate"].label
    for name in KEY_PARAMETERS:
        p = REGISTRY[name]
        s = parameter_slider(name)
        assert (s.low, s.high) == (p.low, p.high)
    with pytest.raises(KeyError, match="did you mean"):
        parameter_slider("trust_decai")


def test_showing_a_slider_never_moves_a_value():
    """The browser snaps a slider to its step grid; every default must lie on it."""
    for p in PARAMETERS.values():
        s = parameter_slider(p.name)
        assert s.snap(p.default) == pytest.approx(p.default, abs=1e-12), p.name
    for name in library.names():
        sc = library.load(name)
        levers = Levers.of(sc)
        for spec in lever_sliders():
            assert spec.snap(levers.sliders[spec.key]) == levers.sliders[spec.key]
        for zone, level in levers.naval.items():
            assert naval_slider(zone).snap(level) == level


@pytest.mark.parametrize("name", library.names())
def test_untouched_levers_give_back_the_scenario(name):
    sc = library.load(name)
    again = apply_levers(sc, Levers.of(sc), {})
    assert again.content_hash() == sc.content_hash()


def test_levers_are_written_into_the_scenario(baseline):
    levers = Levers.of(baseline)
    levers.sliders["policy.hub_mandate"] = 0.8
    levers.sliders["russia.budget"] = 0.5
    levers.naval["Central Med"] = 2.0
    levers.invite["MD"] = True
    levers.dcb_partner = "DZA"
    sc = apply_levers(baseline, levers, {"invite_trust_gain": REGISTRY["invite_trust_gain"].high})
    assert sc.policy.hub_mandate == 0.8 and sc.russia.budget == 0.5
    assert sc.policy.naval_presence["Central Med"] == 2.0
    first = min(sc.policy.summits, key=lambda s: s.date)
    assert "MD" in first.invite
    assert [d.partner for d in sc.policy.dcb][-1] == "DZA"
    assert sc.parameters["invite_trust_gain"] == REGISTRY["invite_trust_gain"].high
    # a value the schema refuses is a ScenarioError naming the field
    levers.sliders["policy.hub_mandate"] = 1.5
    with pytest.raises(ScenarioError, match="hub_mandate"):
        apply_levers(baseline, levers, {})


def test_unticking_a_framework_removes_it_and_its_members():
    sc = library.load("ankara_2026_invite_partners")
    levers = Levers.of(sc)
    assert levers.invite == {"MD": True, "ICI": True}
    levers.invite["MD"] = False
    out = apply_levers(sc, levers, {})
    first = min(out.policy.summits, key=lambda s: s.date)
    assert "MD" not in first.invite and "ICI" in first.invite


def test_the_live_run_is_the_run_simulate_gives(baseline, tmp_path):
    """What the page shows is reproducible from the command line (a user's YAML file)."""
    import yaml

    sc = shortened(baseline, 24)
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(sc.model_dump(mode="json")), encoding="utf-8")
    session = Session(scenario=str(path), seed=5)
    for _ in range(24):
        session.step()
    assert not session.running
    live = session.model.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(live, simulate(sc, seed=5).monthly)
    assert scenario_choices(str(path))[0] == str(path)
    assert display_name(str(path)) == "mine"


def test_session_steps_resets_and_changes_scenario():
    s = Session(seed=2)
    start = s.model.date
    s.step(3)
    f = s.frame()
    assert f.date != start and f.month_index == 3
    assert f.map_png.startswith(b"\x89PNG") and f.charts_png.startswith(b"\x89PNG")
    s.levers.sliders["policy.hub_mandate"] = 1.0
    s.reset()
    assert s.model.date == start and s.spec.policy.hub_mandate == 1.0
    s.choose_scenario("md_ici_revival")
    assert s.spec.name == "md_ici_revival" and s.model.date == start
    s.set_layer("jihadist")
    assert s.frame().map_png
    with pytest.raises(ValueError, match="allowed"):
        s.set_layer("nope")


# -- play ----------------------------------------------------------------------------------
class FakeKernel:
    def __init__(self, statuses):
        self.closed_event = threading.Event()
        self.page_status = statuses


def connected(value: str):
    return SimpleNamespace(value=value)


def test_play_stops_when_no_page_is_connected():
    kernel = FakeKernel({"tab": connected("connected")})
    steps = []

    def step():
        steps.append(1)
        if len(steps) == 3:  # the last tab closes during the third month
            kernel.page_status["tab"] = connected("disconnected")
        return True

    reason = play_loop(step, lambda: None, threading.Event(), kernel, interval=0)
    assert reason == "no viewer" and len(steps) == 3


def test_play_stops_when_the_kernel_closes_at_the_end_and_on_pause():
    kernel = FakeKernel({"a": connected("disconnected"), "b": connected("connected")})
    assert viewer_present(kernel)
    kernel.closed_event.set()
    assert not viewer_present(kernel)
    assert viewer_present(None)  # in-process rendering: nobody to wait for
    months = iter([True, True, False])
    assert play_loop(lambda: next(months), lambda: None, threading.Event(), None, 0) == "end"
    cancel = threading.Event()
    cancel.set()
    assert play_loop(lambda: True, lambda: None, cancel, None, 0) == "paused"


# -- results -------------------------------------------------------------------------------
def test_results_explorer_reads_fans_and_maps_through_the_analysis_library():
    """The explorer's numbers are sim.analysis's: the same bands, the same month for a
    year (its June), each run's own alignment threshold."""
    from types import SimpleNamespace

    from sim.analysis import quantile_bands, resolve_date

    runs = pd.DataFrame(
        {"run_id": ["r1", "r2"], "params_json": ['{"aligned_threshold": 0.5}', "{}"]}
    )
    countries = pd.DataFrame(
        {
            "run_id": ["r1", "r2"] * 2,
            "scenario": ["s"] * 4,
            "date": ["2030-06"] * 2 + ["2030-12"] * 2,
            "iso3": ["MLI"] * 4,
            "alignment": [-0.45, -0.45, 0.0, 0.0],
            "stability": [0.2, 0.4, 0.9, 0.9],
        }
    )
    batch = SimpleNamespace(
        countries=countries,
        runs=runs,
        manifest={"parameter_defaults": {"aligned_threshold": 0.4}},
    )
    p = resultsdata.map_values(batch, 2030, "P(Russia-aligned)")
    assert p["date"].tolist() == ["2030-06"] and resolve_date(countries.date, 2030) == "2030-06"
    assert p["value"].tolist() == [0.5]  # aligned under 0.4, not under 0.5
    med = resultsdata.map_values(batch, "2030-06", "Median stability")
    assert med["value"].tolist() == [pytest.approx(0.3)]
    with pytest.raises(ValueError, match="allowed"):
        resultsdata.map_values(batch, 2030, "P(aligned)")
    monthly = pd.DataFrame(
        {
            "run_id": [f"r{i}" for i in range(10)],
            "scenario": ["a"] * 5 + ["b"] * 5,
            "date": ["2030-12"] * 10,
            "cohesion": [0, 1, 2, 3, 4, 10, 10, 10, 10, 10],
        }
    )
    f = quantile_bands(monthly, "cohesion").set_index("scenario")
    assert f.loc["a", "q50"] == 2 and f.loc["a", "q25"] == 1 and f.loc["a", "q75"] == 3
    assert f.loc["a", "n_runs"] == 5 and f.loc["b", "q05"] == 10
    png = results_plots.fan_chart(f.reset_index(), "cohesion", ["a", "b"])
    assert png[:4] == b"\x89PNG"


def test_country_field_paints_each_country_on_its_cells():
    field = resultsdata.country_field({"MLI": 0.7})
    labels = load_region().labels
    assert np.all(field[labels == "MLI"] == 0.7)
    assert np.isnan(field[labels == "NER"]).all()


# -- the pages, rendered in-process ----------------------------------------------------------
@solara.component
def InLayout(page):
    with solara.AppLayout():
        page()


def test_live_page_renders_steps_and_resets(monkeypatch):
    from sim.viz.components import LivePage

    monkeypatch.setenv("SOUTHFLANK_VIZ_SCENARIO", "md_ici_revival")
    box, rc = solara.render(InLayout(LivePage), handle_error=False)
    date = lambda: rc.find(v.Html, class_="sf-date").widget.children[0]  # noqa: E731
    start = library.load("md_ici_revival").start
    from sim.calendar import format_month

    assert date() == format_month(start)
    images = rc.find(widgets.Image).widgets
    assert {"sf-map", "sf-charts"} <= {c for w in images for c in w._dom_classes}
    assert all(bytes(w.value).startswith(b"\x89PNG") for w in images)
    for _ in range(3):
        rc.find(v.Btn, class_="sf-step").widget.click()
    assert date() == format_month(start + 3)
    html = "".join(w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
    assert "sf-events" in html and "sf-summits" in html and "sf-dcb" in html
    assert 'class="sf-hover"' in html and "<title>Italy (ITA)</title>" in html
    header = lambda: rc.find(v.Html, class_="sf-scenario").widget.children[0]  # noqa: E731
    assert header() == "md_ici_revival"

    def pending() -> bool:
        return any(
            "apply when you press Reset" in str(w.children) for w in rc.find(v.Alert).widgets
        )

    assert not pending()
    boxes = [w for w in rc.find(v.Checkbox).widgets if "Mediterranean Dialogue" in str(w.label)]
    boxes[0].v_model = True
    assert pending()
    rc.find(v.Btn, class_="sf-reset").widget.click()
    assert date() == format_month(start)
    assert not pending()
    assert header() == "md_ici_revival (modified: 1 change)"
    rc.close()


def test_results_page_shows_fans_and_maps_of_a_batch(tmp_path, monkeypatch):
    from sim.viz.results_view import ResultsPage

    make_batch(tmp_path)
    monkeypatch.setenv("SOUTHFLANK_RESULTS_DIR", str(tmp_path))
    box, rc = solara.render(ResultsPage(), handle_error=False)
    summary = rc.find(v.Html, class_="sf-batch-summary").widget.children[0]
    assert summary.startswith("2 scenario(s), 6 of 6 runs finished")
    classes = {c for w in rc.find(widgets.Image).widgets for c in w._dom_classes}
    assert {"sf-fan", "sf-maps"} <= classes
    rc.close()


def test_results_page_explains_an_empty_results_folder(tmp_path, monkeypatch):
    from sim.viz.results_view import ResultsPage

    monkeypatch.setenv("SOUTHFLANK_RESULTS_DIR", str(tmp_path))
    box, rc = solara.render(ResultsPage(), handle_error=False)
    assert "No batch folders" in rc.find(v.Alert).widget.children[0]
    rc.close()


# -- command line and assets ---------------------------------------------------------------
def test_viz_command_refuses_bad_input_before_starting(capsys):
    import socket

    from sim.cli import main

    assert main(["viz", "no_such_scenario"]) == 2
    assert "shipped:" in capsys.readouterr().err
    assert main(["viz", "--port", "70000"]) == 2
    assert "not a port number" in capsys.readouterr().err
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert main(["viz", "--port", str(port)]) == 2
    assert "already in use" in capsys.readouterr().err


def test_asset_references_are_found_in_the_installed_solara():
    refs = assets.solara_references()
    assert any(r.startswith("@widgetti/solara-vuetify-app@") for r in refs)
    assert any(r.startswith("requirejs@") for r in refs)


def test_asset_install_is_atomic_and_idempotent(tmp_path, monkeypatch):
    import tarfile

    payload = tmp_path / "pkg"
    (payload / "package" / "dist").mkdir(parents=True)
    (payload / "package" / "dist" / "x.js").write_text("1")
    tgz = tmp_path / "x-1.0.0.tgz"
    with tarfile.open(tgz, "w:gz") as tar:
        tar.add(payload / "package", arcname="package")
    calls = []

    def fake_pack(npm, specs, dest):
        calls.append(specs)
        return {s: tgz for s in specs}

    monkeypatch.setattr(assets, "_pack", fake_pack)
    monkeypatch.setattr(assets, "_npm", lambda: "npm")
    cache = tmp_path / "cache"
    done, size = assets.install(cache, ["@scope/x@1.0.0"], log=lambda *_: None)
    assert done == ["@scope/x@1.0.0"] and size > 0
    assert (cache / "@scope" / "x@1.0.0" / "dist" / "x.js").read_text() == "1"
    assert assets.is_installed(cache, "@scope/x@1.0.0")
    assert assets.install(cache, ["@scope/x@1.0.0"]) == ([], 0)
    assert len(calls) == 1


def test_missing_npm_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(assets.shutil, "which", lambda _: None)
    with pytest.raises(SystemExit, match="npm was not found"):
        assets._npm()


# -- what the analyst sees of the run ----------------------------------------------------------
def test_the_header_names_the_scenario_and_says_modified_after_a_lever_changes():
    s = Session("md_ici_revival", seed=2)
    assert s.title() == "md_ici_revival" and s.changes() == []
    s.levers.sliders["policy.hub_mandate"] = 1.0
    assert s.title() == "md_ici_revival"  # nothing applies before Reset
    s.reset()
    assert s.title() == "md_ici_revival (modified: 1 change)"
    assert [d.field for d in s.changes()] == ["policy.hub_mandate"]
    s.choose_scenario("hague_2025_baseline")
    assert s.title() == "hague_2025_baseline"


def test_saved_levers_are_a_scenario_file_that_validates_and_runs_the_same(tmp_path, capsys):
    from sim.cli import main
    from sim.scenario import Scenario

    s = Session(seed=4)
    s.levers.invite["MD"] = True
    s.levers.dcb_partner = "DZA"
    s.parameters["trust_decay"] = PARAMETERS["trust_decay"].high
    s.reset()
    path = tmp_path / "saved.yaml"
    path.write_text(s.scenario_yaml(), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "ok" in capsys.readouterr().out
    saved = Scenario.load(path)
    assert saved.name == "hague_2025_baseline_modified"
    assert saved.parameters["trust_decay"] == PARAMETERS["trust_decay"].high
    assert "DZA" in [d.partner for d in saved.policy.dcb]
    # the same content as the run on screen, name aside
    same = saved.model_dump(mode="json") | {"name": s.spec.name}
    assert same == s.spec.model_dump(mode="json")


def test_the_event_feed_filters_by_kind_and_actor():
    s = Session(seed=3)
    s.step(24)
    log = s.model.state.events
    kinds = s.event_kinds()
    assert len(kinds) >= 2, kinds
    one = kinds[0]
    shown = s.events(kinds=[one], n=10_000)
    assert shown and {e["kind"] for e in shown} == {one}
    assert len(shown) == sum(e["kind"] == one for e in log)
    actor = next(e["iso3"] for e in log if e["iso3"])
    about = s.events(actor=actor, n=10_000)
    assert about and {e["iso3"] for e in about} == {actor}
    assert s.events(kinds=[], n=10) == []
    newest = s.events(n=3)
    assert newest == list(reversed(log[-3:]))


def test_charts_show_a_reference_run_dashed_the_file_or_the_baseline(monkeypatch):
    from sim.viz import session as sess

    calls = []
    real = sess.simulate

    def counting(sc, seed=None):
        calls.append((sc.name, seed))
        return real(shortened(sc, 12), seed=seed)

    monkeypatch.setattr(sess, "simulate", counting)
    s = Session("md_ici_revival", seed=2)
    label, ref = s.reference_monthly()
    assert label == "hague_2025_baseline" and calls == [("hague_2025_baseline", 2)]
    s.levers.sliders["policy.hub_mandate"] = 1.0
    s.reset()
    label, ref = s.reference_monthly()
    assert label == "md_ici_revival as filed" and calls[-1] == ("md_ici_revival", 2)
    s.frame()
    lines = s._charts.reference_lines
    assert lines and all(len(line.get_xdata()) == len(ref) for line, _ in lines)
    assert "md_ici_revival as filed" in s._charts.reference_note.get_text()
    s.reference_monthly()
    assert len(calls) == 2  # kept, not run again
    base = Session(seed=2)
    assert base.reference() is None


def test_policy_panel_lists_summit_guests_and_dcb_packages():
    from sim.viz.components import policy_html

    s = Session("dcb_algeria_egypt", seed=1)
    s.step(2)
    text = policy_html(s)
    assert "Algeria" in text and "Egypt" in text and "under way" in text
    assert "AP4 (4 states)" in text and "to come" in text
    for d in s.spec.policy.dcb:
        assert f"{d.start // 12:04d}-{d.start % 12 + 1:02d}" in text


def _text_box_in_degrees(renderer, ax, text):
    bb = text.get_window_extent(renderer)
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([(bb.x0, bb.y0), (bb.x1, bb.y1)])
    return x0, y0, x1, y1


def test_names_on_the_map_sit_on_their_land_or_water_and_never_overlap(model):
    """Measured on the drawn figure: each sea-zone name covers only sea cells, each
    country name is centred on its own land, no two names and no name and capital
    marker overlap, and every name is inside the map."""
    from sim.viz.labels import cells_under, overlaps

    m = MapRenderer("alignment")
    m.render(model)
    renderer = m.fig.canvas.get_renderer()
    region = load_region()
    sea = region.labels == SEA
    boxes = []
    for t in m.zone_texts:
        box = _text_box_in_degrees(renderer, m.ax, t)
        xs, ys = cells_under(region, box)
        assert sea[xs, ys].all(), f"{t.get_text()!r} covers land"
        boxes.append(box)
    placed = {p.key: p for p in m.placed_countries}
    assert "ITA" in placed and len(m.zone_texts) >= 6
    for t, p in zip(m.country_texts, m.placed_countries, strict=True):
        box = _text_box_in_degrees(renderer, m.ax, t)
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        assert region.label_at(cx, cy) == p.key, t.get_text()
        boxes.append(box)
    w, e, s_, n = m.base.extent
    for i, a in enumerate(boxes):
        assert w <= a[0] and a[2] <= e and s_ <= a[1] and a[3] <= n
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b), (a, b)
        for lon, lat in m.base.capitals.values():
            assert not (a[0] < lon < a[2] and a[1] < lat < a[3]), (a, lon, lat)


def _paths(svg: str) -> dict[str, list[tuple[float, float, float, float]]]:
    import re

    out = {}
    for key, d in re.findall(r'data-key="([^"]+)" d="([^"]+)"', svg):
        rects = re.findall(r"M([\d.]+) ([\d.]+)H([\d.]+)V([\d.]+)H[\d.]+Z", d)
        out[key] = [tuple(map(float, r)) for r in rects]
    return out


def test_every_country_is_named_on_hover_where_it_is_drawn(model):
    m = MapRenderer("alignment")
    m.render(model)
    svg = m.hover_svg()
    w, h = m.fig.canvas.get_width_height()
    assert f'viewBox="0 0 {w} {h}"' in svg
    paths = _paths(svg)
    region = load_region()
    assert set(region.land_codes()) <= set(paths)
    assert "<title>Italy (ITA)</title>" in svg and "<title>Lebanon (LBN)</title>" in svg
    assert "Red Sea (sea zone)" in svg
    # the middle of any cell of a country falls in its shape and in no other country's
    for code in ("ITA", "LBN", "MRT", "QAT"):
        cells = region.cells_of(code)
        lon, lat = region.centre_of(*cells[len(cells) // 2])
        x, y = m.ax.transData.transform([(lon, lat)])[0]
        y = h - y
        hits = {
            k
            for k, rects in paths.items()
            if any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in rects)
        }
        assert region.label_at(lon, lat) == code
        assert code in hits and not (hits - {code}) & set(region.land_codes())


def test_fan_legend_is_inside_its_figure_and_clear_of_the_axes():
    names = [f"a_scenario_with_a_rather_long_name_{i}" for i in range(5)]
    dates = [f"2026-{m:02d}" for m in range(1, 13)]
    rows = [
        {"scenario": n, "date": d, "q05": 0.1, "q25": 0.2, "q50": 0.3, "q75": 0.4, "q95": 0.5,
         "n_runs": 3}
        for n in names for d in dates
    ]  # fmt: skip
    fans = pd.DataFrame(rows)
    for panels in (False, True):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = results_plots.fan_figure(fans, "cohesion", names, panels=panels)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        box = fig.legends[0].get_window_extent(renderer)
        frame = fig.bbox
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
        assert box.y1 <= frame.y1
        for ax in fig.axes:
            assert not box.overlaps(ax.get_tightbbox(renderer)), "legend over an axes"
        assert len(fig.axes) == (len(names) if panels else 1)
    assert results_plots.fan_chart(fans, "cohesion", names[:2]).startswith(b"\x89PNG")


def test_results_explorer_starts_with_two_fans():
    from sim.viz.results_view import default_fans

    assert default_fans(["x", "hague_2025_baseline", "y", "z"]) == ["hague_2025_baseline", "x"]
    assert default_fans(["only"]) == ["only"]
