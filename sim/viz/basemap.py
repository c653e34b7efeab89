"""The static part of the map, computed once from the committed grid.

Everything that does not change while a run plays (the land/sea fill, coastlines,
borders between countries, the boundaries of sea zones and the place labels) is derived
here from `sim.geography.load_region()` and cached, so a frame only redraws the field
layer and the markers. Coordinates are degrees (longitude east, latitude north); arrays
keep Mesa's ``[x, y]`` indexing until the moment they are handed to ``imshow``, which
wants rows of latitude (`to_image`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ..geography import SEA, Region, load_places, load_region
from ..roster import load_roster
from ..scenario import SEA_ZONES

# Colours of the base map (not model numbers: presentation only).
SEA_RGBA = (0.86, 0.92, 0.97, 1.0)
LAND_RGBA = (0.93, 0.91, 0.86, 1.0)  # land outside the actors: drawn, not modelled
COAST_COLOUR = "#4f6d7a"
BORDER_COLOUR = "#5a5a5a"
ZONE_COLOUR = "#7fa7c9"


# Map names where the roster's short name would be ambiguous.
MAP_NAMES = {"XLW": "Libya (west)", "XLE": "Libya (east)"}
# Land on the grid outside the model's actors (drawn, not modelled): its names for the
# map's hover text, ISO 3166-1 English short names.
OUTSIDE_NAMES = {
    "AFG": "Afghanistan", "ARM": "Armenia", "AUT": "Austria", "AZE": "Azerbaijan",
    "BEL": "Belgium", "BEN": "Benin", "BIH": "Bosnia and Herzegovina", "BLR": "Belarus",
    "CHE": "Switzerland", "CIV": "Côte d'Ivoire", "CMR": "Cameroon",
    "COD": "DR Congo", "COG": "Congo", "CZE": "Czechia", "DJI": "Djibouti",
    "ERI": "Eritrea", "ETH": "Ethiopia", "GAB": "Gabon", "GEO": "Georgia", "GHA": "Ghana",
    "GNB": "Guinea-Bissau", "GNQ": "Equatorial Guinea", "HUN": "Hungary",
    "KAZ": "Kazakhstan", "KEN": "Kenya", "LBR": "Liberia", "MDA": "Moldova",
    "MKD": "North Macedonia", "PAK": "Pakistan", "POL": "Poland", "SLE": "Sierra Leone",
    "SOM": "Somalia", "SRB": "Serbia", "SSD": "South Sudan", "SVK": "Slovakia",
    "TGO": "Togo", "TKM": "Turkmenistan", "UGA": "Uganda", "UKR": "Ukraine",
    "UZB": "Uzbekistan", "XKX": "Kosovo",
}  # fmt: skip


@dataclass(frozen=True)
class BaseMap:
    """Geometry of the static map layers.

    Attributes:
        extent: (west, east, south, north) for ``imshow(extent=...)``.
        background: (H, W, 4) RGBA image, rows south -> north (``origin='lower'``).
        coast: (k, 2, 2) line segments between land and sea cells.
        borders: (k, 2, 2) segments between cells of different land labels.
        zone_edges: (k, 2, 2) segments between different sea zones.
        land: (W, H) bool, True on land cells.
        names: actor code -> its name on the map, for every actor with cells (where the
            names go is decided with the figure's font sizes: sim/viz/labels.py).
        titles: actor code -> its full roster name (the map's hover text).
        outside: code -> name of the land on the grid outside the model (hover only).
        zone_labels: zone -> (lon, lat): where a zone's name and naval markers go.
        centroids: actor code -> (lon, lat) mean of its cells (for per-state markers).
        capitals: actor code -> (lon, lat) of its capital, from the roster.
    """

    extent: tuple[float, float, float, float]
    background: np.ndarray
    coast: np.ndarray
    borders: np.ndarray
    zone_edges: np.ndarray
    land: np.ndarray
    names: dict[str, str]
    titles: dict[str, str]
    outside: dict[str, str]
    zone_labels: dict[str, tuple[float, float]]
    centroids: dict[str, tuple[float, float]]
    capitals: dict[str, tuple[float, float]]


def to_image(field: np.ndarray) -> np.ndarray:
    """A (W, H) ``[x, y]`` array as an (H, W) image for ``imshow(origin='lower')``."""
    return np.asarray(field).T


def _segments(region: Region, vx: np.ndarray, hy: np.ndarray) -> np.ndarray:
    """Cell edges as line segments: ``vx[x, y]`` marks the edge between (x, y) and
    (x + 1, y), ``hy[x, y]`` the edge between (x, y) and (x, y + 1)."""
    west, south, _, _ = region.bounds
    res = region.resolution
    xs, ys = np.nonzero(vx)
    lon = west + (xs + 1) * res
    vertical = np.stack(
        [np.stack([lon, south + ys * res], 1), np.stack([lon, south + (ys + 1) * res], 1)], 1
    )
    xs, ys = np.nonzero(hy)
    lat = south + (ys + 1) * res
    horizontal = np.stack(
        [np.stack([west + xs * res, lat], 1), np.stack([west + (xs + 1) * res, lat], 1)], 1
    )
    return np.concatenate([vertical, horizontal]).astype(float)


def edge_segments(region: Region, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Segments of the cell edges with ``first`` on one side and ``second`` on the other.

    ``first`` and ``second`` are (W, H) bool arrays over the cells; the edge between
    cells a and b is kept when (first[a] and second[b]) or (first[b] and second[a]).
    Returns a (k, 2, 2) array of ((lon0, lat0), (lon1, lat1)) in degrees.
    """
    vx = (first[:-1, :] & second[1:, :]) | (second[:-1, :] & first[1:, :])
    hy = (first[:, :-1] & second[:, 1:]) | (second[:, :-1] & first[:, 1:])
    return _segments(region, vx, hy)


def label_edges(region: Region, labels: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Segments between neighbouring cells with different labels, both cells in ``keep``."""
    vx = (labels[:-1, :] != labels[1:, :]) & keep[:-1, :] & keep[1:, :]
    hy = (labels[:, :-1] != labels[:, 1:]) & keep[:, :-1] & keep[:, 1:]
    return _segments(region, vx, hy)


def _short_name(name: str) -> str:
    """A map label: the part of a roster name before a comma or bracket."""
    return name.split(",")[0].split("(")[0].strip()


@cache
def base_map() -> BaseMap:
    """The static map geometry (cached: computed once per process, ~10 ms)."""
    region = load_region()
    land = region.labels != SEA
    west, south, east, north = region.bounds
    background = np.empty((region.height, region.width, 4))
    background[:] = SEA_RGBA
    background[to_image(land)] = LAND_RGBA

    roster = load_roster()
    table = roster.table
    codes = [c for c in table.index if c in set(region.land_codes())]
    centroids = {}
    names = {}
    titles = {}
    for code in codes:
        cells = region.cells_of(code)
        lon = float(region.lons[cells[:, 0]].mean())
        lat = float(region.lats[cells[:, 1]].mean())
        centroids[code] = (lon, lat)
        names[code] = MAP_NAMES.get(code) or _short_name(str(table.loc[code, "name"]))
        titles[code] = str(table.loc[code, "name"])

    # capitals: the grid's place table (where the point is); the roster as a fallback
    capitals = {}
    places = load_places()
    caps = places[places.kind == "capital"].drop_duplicates("code").set_index("code")
    for code in codes:
        if code in caps.index:
            capitals[code] = (float(caps.loc[code, "lon"]), float(caps.loc[code, "lat"]))
        else:
            row = table.loc[code]
            if np.isfinite(row.capital_lon) and np.isfinite(row.capital_lat):
                capitals[code] = (float(row.capital_lon), float(row.capital_lat))

    zone_labels = {}
    for zone in SEA_ZONES:
        cells = np.argwhere(region.sea_zone == zone)
        if len(cells):
            # the zone's cell nearest its centroid, so the label sits on water
            mean = cells.mean(axis=0)
            x, y = cells[np.argmin(((cells - mean) ** 2).sum(axis=1))]
            zone_labels[zone] = region.centre_of(int(x), int(y))

    sea = ~land
    zoned = sea & (region.sea_zone != "")
    return BaseMap(
        extent=(west, east, south, north),
        background=background,
        coast=edge_segments(region, land, sea),
        borders=label_edges(region, region.labels, land),
        zone_edges=label_edges(region, region.sea_zone, zoned),
        land=land,
        names=names,
        titles=titles,
        outside={c: OUTSIDE_NAMES.get(c, c) for c in region.land_codes() if c not in names},
        zone_labels=zone_labels,
        centroids=centroids,
        capitals=capitals,
    )
