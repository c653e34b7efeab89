"""The regional grid: which country (or sea zone) each one-degree cell belongs to.

The model runs on a raster of NATO's southern neighbourhood (-32..64 E, 0..52 N, one-degree
cells). The raster is built once from Natural Earth country shapes by
``scripts/build_region_grid.py`` and committed as small CSV files in ``sim/data``
(recipe, rules and sources in ``sim/data/GRID_NOTES.md``). This module only reads those
files, so a run needs no shapes, no geometry library and no network, and loads in
milliseconds.

Arrays use Mesa's ``[x, y]`` indexing: ``x`` is the column from west to east, ``y`` the row
from south to north, so ``labels[x, y]`` matches ``grid.<layer>.data[x, y]`` of an
``OrthogonalMooreGrid((width, height))``. The CSV files are stored the way a map is read
(rows of descending latitude); the loader transposes and flips them.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

SEA = "SEA"
LIBYA_WEST = "XLW"  # Tripoli government (ISO 3166 user-assigned code)
LIBYA_EAST = "XLE"  # eastern Libya held by the Haftar family's LNA

SEA_ZONES: tuple[str, ...] = (
    "Atlantic",
    "Western Med",
    "Central Med",
    "Eastern Med",
    "Aegean",
    "Black Sea",
    "Red Sea",
    "Gulf",
    "Arabian Sea",
    "Caspian",
    "Other",
)
"""Sea zone names, as stored in sea_zones_1deg.csv ('Other' is inland water)."""

SEA_ZONE_DESCRIPTIONS: dict[str, str] = {
    "Atlantic": "Atlantic Ocean, incl. Bay of Biscay, Channel, Gulf of Guinea",
    "Western Med": "Mediterranean west of 10 E (Alboran, Balearic, Ligurian seas)",
    "Central Med": "Mediterranean 10-23 E (Tyrrhenian, Strait of Sicily, Ionian, Adriatic)",
    "Eastern Med": "Mediterranean east of 23 E outside the Aegean (Levantine basin)",
    "Aegean": "Mediterranean 23-28 E north of 35 N (Aegean and Cretan seas)",
    "Black Sea": "Black Sea, Sea of Azov and the Sea of Marmara cell",
    "Red Sea": "Red Sea north of 12 N, incl. the Bab-el-Mandeb cell",
    "Gulf": "Persian Gulf, incl. the Strait of Hormuz cell",
    "Arabian Sea": "Arabian Sea, Gulf of Aden, Gulf of Oman, Somali coast",
    "Caspian": "Caspian Sea (a lake, outside every admin-0 polygon)",
    "Other": "any other inland water (none at present)",
}

GRID_FILE = "region_grid_1deg.csv"
ZONES_FILE = "sea_zones_1deg.csv"
PLACES_FILE = "places.csv"

# Moore offsets that visit every unordered pair of neighbouring cells once.
_HALF_MOORE = ((1, 0), (0, 1), (1, 1), (1, -1))


@dataclass(frozen=True, eq=False)
class Region:
    """The country raster of the region, indexed ``[x, y]`` (x west -> east, y south -> north).

    Attributes:
        lons: (W,) cell-centre longitudes, west -> east (-31.5 .. 63.5).
        lats: (H,) cell-centre latitudes, south -> north (0.5 .. 51.5).
        labels: (W, H) ISO3 code, ``XLW``/``XLE`` for Libya's two sides, or ``SEA``.
        sea_zone: (W, H) zone name on sea cells (one of ``SEA_ZONES``), '' on land.

    The arrays are copied and made read-only, so the cached instance returned by
    ``load_region`` cannot be changed by accident; copy them to build model layers.
    """

    lons: np.ndarray
    lats: np.ndarray
    labels: np.ndarray
    sea_zone: np.ndarray
    _memo: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("lons", "lats", "labels", "sea_zone"):
            value = np.array(getattr(self, name))
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        shape = (self.lons.size, self.lats.size)
        if self.labels.shape != shape or self.sea_zone.shape != shape:
            raise ValueError(
                f"labels {self.labels.shape} and sea_zone {self.sea_zone.shape} "
                f"must both have shape (len(lons), len(lats)) = {shape}"
            )
        if self.lons.size < 2 or self.lats.size < 2:
            raise ValueError("a region needs at least two cells in each direction")

    @property
    def width(self) -> int:
        """Number of columns (x), west to east."""
        return int(self.lons.size)

    @property
    def height(self) -> int:
        """Number of rows (y), south to north."""
        return int(self.lats.size)

    @property
    def resolution(self) -> float:
        """Cell size in degrees."""
        return float(self.lons[1] - self.lons[0])

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Cell-edge extent as (west, south, east, north) in degrees."""
        half = self.resolution / 2
        return (
            float(self.lons[0] - half),
            float(self.lats[0] - half),
            float(self.lons[-1] + half),
            float(self.lats[-1] + half),
        )

    def cell_of(self, lon: float, lat: float) -> tuple[int, int]:
        """The (x, y) cell holding a point; cells include their west and south edges.

        Raises:
            ValueError: if the point is not finite or lies outside the grid extent.
        """
        west, south, east, north = self.bounds
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValueError(f"point (lon={lon}, lat={lat}) is not a finite coordinate")
        if not (west <= lon < east and south <= lat < north):
            raise ValueError(
                f"point (lon={lon}, lat={lat}) is outside the grid extent "
                f"{west:g}..{east:g} E, {south:g}..{north:g} N"
            )
        res = self.resolution
        x = min(int((lon - west) // res), self.width - 1)
        y = min(int((lat - south) // res), self.height - 1)
        return x, y

    def label_at(self, lon: float, lat: float) -> str:
        """The label (ISO3, XLW/XLE or SEA) of the cell holding a point."""
        return str(self.labels[self.cell_of(lon, lat)])

    def zone_at(self, lon: float, lat: float) -> str:
        """The sea zone of the cell holding a point ('' if it is a land cell)."""
        return str(self.sea_zone[self.cell_of(lon, lat)])

    def centre_of(self, x: int, y: int) -> tuple[float, float]:
        """Cell-centre (lon, lat) of cell (x, y)."""
        return float(self.lons[x]), float(self.lats[y])

    def cells_of(self, code: str) -> np.ndarray:
        """(k, 2) int array of the (x, y) cells carrying a label, sorted by x then y."""
        return np.argwhere(self.labels == code).astype(np.int64)

    def land_codes(self) -> tuple[str, ...]:
        """Every land label on the grid, sorted."""
        return tuple(sorted(str(c) for c in np.unique(self.labels) if c != SEA))

    def neighbours(self) -> dict[str, frozenset[str]]:
        """Land codes that share a cell edge or corner (Moore); sea does not connect.

        Spill-over between neighbours (jihadist activity, refugees) follows land borders,
        so two countries facing each other across a strait are not neighbours here.
        Every land code is a key, with an empty set if it touches no other land code.
        """
        if "neighbours" not in self._memo:
            pairs = self._adjacent_pairs(self.labels, self.labels)
            land = (pairs[:, 0] != SEA) & (pairs[:, 1] != SEA) & (pairs[:, 0] != pairs[:, 1])
            out: dict[str, set[str]] = {c: set() for c in self.land_codes()}
            for a, b in pairs[land]:
                out[str(a)].add(str(b))
                out[str(b)].add(str(a))
            self._memo["neighbours"] = {c: frozenset(s) for c, s in out.items()}
        return dict(self._memo["neighbours"])

    def coastal_zones(self) -> dict[str, frozenset[str]]:
        """For each land code, the sea zones of SEA cells Moore-adjacent to its cells.

        This is where a country's navy, ports and migrant departures reach the sea.
        Land-locked codes map to an empty set.
        """
        if "coastal_zones" not in self._memo:
            out: dict[str, set[str]] = {c: set() for c in self.land_codes()}
            pairs = self._adjacent_pairs(self.labels, self.sea_zone, both_ways=True)
            for code, zone in pairs[(pairs[:, 0] != SEA) & (pairs[:, 1] != "")]:
                out[str(code)].add(str(zone))
            self._memo["coastal_zones"] = {c: frozenset(s) for c, s in out.items()}
        return dict(self._memo["coastal_zones"])

    @staticmethod
    def _adjacent_pairs(
        first: np.ndarray, second: np.ndarray, both_ways: bool = False
    ) -> np.ndarray:
        """Unique (first[cell], second[neighbour]) pairs over Moore-adjacent cells."""
        offsets = list(_HALF_MOORE)
        if both_ways:
            offsets += [(-dx, -dy) for dx, dy in _HALF_MOORE]
        w, h = first.shape
        chunks = []
        for dx, dy in offsets:
            xs, xd = slice(max(0, -dx), w - max(0, dx)), slice(max(0, dx), w - max(0, -dx))
            ys, yd = slice(max(0, -dy), h - max(0, dy)), slice(max(0, dy), h - max(0, -dy))
            chunks.append(np.stack([first[xs, ys].ravel(), second[xd, yd].ravel()], axis=1))
        return np.unique(np.concatenate(chunks).astype(str), axis=0)


def _data_file(name: str):
    return resources.files("sim") / "data" / name


def _read_raster(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a map-layout CSV (descending latitude rows) into lons, lats and an [x, y] array."""
    with _data_file(name).open("r", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    lons = np.array([float(v) for v in rows[0][1:]])
    lats = np.array([float(r[0]) for r in rows[1:]])[::-1]
    values = np.array([r[1:] for r in rows[1:]], dtype=str)[::-1].T
    return lons, lats, values


@cache
def load_region() -> Region:
    """The committed regional grid (cached: every caller shares one read-only instance)."""
    lons, lats, labels = _read_raster(GRID_FILE)
    zlons, zlats, zones = _read_raster(ZONES_FILE)
    if not (np.array_equal(lons, zlons) and np.array_equal(lats, zlats)):
        raise ValueError(f"{GRID_FILE} and {ZONES_FILE} have different cell centres")
    return Region(lons=lons, lats=lats, labels=labels, sea_zone=zones)


@cache
def _places() -> pd.DataFrame:
    return pd.read_csv(
        _data_file(PLACES_FILE),
        dtype={"x": "int64", "y": "int64"},
        keep_default_na=False,
        encoding="utf-8",
    )


def load_places() -> pd.DataFrame:
    """Capitals, key cities and the Russian base sites, with the cell each is placed in.

    Columns: place, kind ('capital' | 'city' | 'base_site'), iso3 (country of the point),
    code (grid code, e.g. XLE for Derna), lat, lon, x, y (the cell to use: the one holding
    the point if it carries the code, else the nearest cell that does, or for micro-states
    without a cell the cell holding the point), cell_lon, cell_lat, cell_label (label of
    the cell holding the point), snap ('in_cell' | 'nearest' | 'host') and source.
    Returns a fresh copy, so callers may modify it.
    """
    return _places().copy()
