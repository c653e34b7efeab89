"""Where the map's names go: country names on their own land, sea-zone names on their
own water, no two names over each other.

A name is a box (its text's size in degrees, measured by matplotlib for the figure it
is drawn in). Candidate places are the cells of the country or zone, nearest its
middle first; a place is taken when the box stays on the map, overlaps no name placed
before it, and covers the right cells: for a zone, only sea; for a country, its own
centre cell and mostly its own land. Countries go largest first, so a small country
that finds no room keeps its name for the hover text of the live map
(`hover_regions`) instead of pushing a larger one off its land.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from ..geography import SEA, Region

Box = tuple[float, float, float, float]  # west, south, east, north (degrees)
# The share of the cells under a country's name that must be its own.
OWN_SHARE = 0.5
CANDIDATES = 80  # cells tried per name, nearest the middle first


@dataclass(frozen=True)
class Placed:
    """A name put on the map: what it names, its text, where its centre is, its box."""

    key: str
    text: str
    lon: float
    lat: float
    box: Box


def box_at(lon: float, lat: float, size: tuple[float, float]) -> Box:
    """The box of a text of `size` (width, height in degrees) centred at lon, lat."""
    w, h = size
    return (lon - w / 2, lat - h / 2, lon + w / 2, lat + h / 2)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def cells_under(region: Region, box: Box) -> tuple[slice, slice]:
    """The [x, y] index ranges of the cells a box touches (clipped to the grid)."""
    west, south, _, _ = region.bounds
    res = region.resolution
    x0 = max(0, int(np.floor((box[0] - west) / res)))
    x1 = min(region.width, int(np.ceil((box[2] - west) / res)))
    y0 = max(0, int(np.floor((box[1] - south) / res)))
    y1 = min(region.height, int(np.ceil((box[3] - south) / res)))
    return slice(x0, x1), slice(y0, y1)


def inside(region: Region, box: Box) -> bool:
    west, south, east, north = region.bounds
    return box[0] >= west and box[1] >= south and box[2] <= east and box[3] <= north


# Where in a cell a name may be centred: its centre, then its corners (a name that
# spans an even number of cells fits best on the line between them).
_OFFSETS = ((0.0, 0.0), (0.5, 0.5), (-0.5, 0.5), (0.5, -0.5), (-0.5, -0.5))


def _candidates(region: Region, mask: np.ndarray) -> list[tuple[float, float]]:
    """Centres (then corners) of the mask's cells, nearest the mask's middle first."""
    cells = np.argwhere(mask)
    if len(cells) == 0:
        return []
    mean = cells.mean(axis=0)
    order = np.argsort(((cells - mean) ** 2).sum(axis=1), kind="stable")
    res = region.resolution
    out = []
    for x, y in cells[order[:CANDIDATES]]:
        lon, lat = region.centre_of(int(x), int(y))
        out += [(lon + dx * res, lat + dy * res) for dx, dy in _OFFSETS]
    return out


def wrapped(text: str) -> list[str]:
    """A name, then the name on two lines (split at the middle space), to try in turn."""
    words = text.split(" ")
    if len(words) < 2:
        return [text]
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(text) / 2))
    return [text, " ".join(words[:cut]) + "\n" + " ".join(words[cut:])]


def place(
    region: Region,
    items: Iterable[tuple[str, str, np.ndarray]],
    size: Callable[[str], tuple[float, float]],
    fits: Callable[[str, np.ndarray, Box, tuple[float, float]], bool],
    taken: list[Box],
) -> list[Placed]:
    """Put each (key, text, cell mask) at its first candidate place where `fits` holds,
    the box is on the map and overlaps nothing in `taken` (which grows); the text on
    one line first, then on two."""
    out = []
    for key, name, mask in items:
        spot = _first_spot(region, key, name, mask, size, fits, taken)
        if spot is not None:
            taken.append(spot.box)
            out.append(spot)
    return out


def _first_spot(region, key, name, mask, size, fits, taken) -> Placed | None:
    for text in wrapped(name):
        wh = size(text)
        for lon, lat in _candidates(region, mask):
            box = box_at(lon, lat, wh)
            if not inside(region, box) or any(overlaps(box, t) for t in taken):
                continue
            if fits(key, mask, box, (lon, lat)):
                return Placed(key, text, lon, lat, box)
    return None


def country_fits(region: Region) -> Callable:
    def fits(key: str, mask: np.ndarray, box: Box, centre: tuple[float, float]) -> bool:
        if not mask[region.cell_of(*centre)]:
            return False
        xs, ys = cells_under(region, box)
        return bool(mask[xs, ys].mean() >= OWN_SHARE)

    return fits


def sea_fits(region: Region) -> Callable:
    sea = region.labels == SEA

    def fits(key: str, mask: np.ndarray, box: Box, centre: tuple[float, float]) -> bool:
        if not mask[region.cell_of(*centre)]:
            return False
        xs, ys = cells_under(region, box)
        return bool(sea[xs, ys].all())

    return fits


def place_names(
    region: Region,
    countries: dict[str, str],
    zones: Iterable[str],
    country_size: Callable[[str], tuple[float, float]],
    zone_size: Callable[[str], tuple[float, float]],
    reserved: Iterable[Box] = (),
) -> tuple[list[Placed], list[Placed]]:
    """Country names (largest country first), then zone names on open water.

    Args:
        countries: code -> the name to write.
        zones: sea zones to name.
        country_size, zone_size: a text -> its (width, height) in degrees as drawn.
        reserved: boxes no name may cover (the markers').
    Returns:
        (countries placed, zones placed); a country left out has no room on its land.
    """
    taken: list[Box] = list(reserved)
    masks = {c: region.labels == c for c in countries}
    order = sorted(countries, key=lambda c: -int(masks[c].sum()))
    placed_c = place(
        region,
        ((c, countries[c], masks[c]) for c in order),
        country_size,
        country_fits(region),
        taken,
    )
    placed_z = place(
        region,
        ((z, z, region.sea_zone == z) for z in zones),
        zone_size,
        sea_fits(region),
        taken,
    )
    return placed_c, placed_z


def hover_paths(
    region: Region,
    masks: dict[str, np.ndarray],
    to_pixels: Callable[[np.ndarray], np.ndarray],
) -> dict[str, str]:
    """An SVG path per area (a country's or a sea zone's cells), in the picture's
    pixels (y down): one rectangle per run of the area's cells along a row.

    Args:
        masks: key -> (W, H) bool cells of the area.
        to_pixels: (n, 2) lon, lat -> (n, 2) pixel x, y of the picture.
    """
    west, south, _, _ = region.bounds
    res = region.resolution
    out = {}
    for code, mask in masks.items():
        parts = []
        for y in range(region.height):
            row = mask[:, y]
            if not row.any():
                continue
            edges = np.flatnonzero(np.diff(np.concatenate([[0], row.astype(int), [0]])))
            for a, b in zip(edges[::2], edges[1::2], strict=True):
                corners = np.array(
                    [[west + a * res, south + (y + 1) * res], [west + b * res, south + y * res]]
                )
                (x0, y0), (x1, y1) = to_pixels(corners)
                parts.append(f"M{x0:.1f} {y0:.1f}H{x1:.1f}V{y1:.1f}H{x0:.1f}Z")
        if parts:
            out[code] = "".join(parts)
    return out
