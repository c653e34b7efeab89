"""The live map: one field layer over the static base map, with the agents on top.

A `MapRenderer` builds its matplotlib figure once (base fill, coastlines, borders,
sea-zone boundaries, labels, legend, colour bar). On each frame it only swaps the
layer's pixels and the markers' positions, sizes and colours, and redraws those over
the kept pixels of the static part (sim/viz/blit.py), so ticks, colour bar and legend
are never laid out again (see docs/viz.md for the measured times).
"""

from __future__ import annotations

import html
from functools import cache

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..geography import load_region
from ..state import NON_ACTORS
from .basemap import BORDER_COLOUR, COAST_COLOUR, ZONE_COLOUR, BaseMap, base_map, to_image
from .blit import BlitFigure
from .labels import hover_paths, place_names
from .portrayal import JIHADIST_SHOWN_ABOVE, MARKER_AREA, MARKERS, layer_style

ALIGNMENT_CMAP = "RdBu"
COUNTRY_FONT = 6.5
ZONE_FONT = 6.5
# Half-widths (degrees) kept free of names around a capital marker and around a zone's
# pair of naval markers (drawn 0.8 degrees either side of the zone's anchor).
CAPITAL_CLEAR = 0.6
NAVAL_CLEAR = (2.0, 1.0)
NAVAL_OFFSET = 0.8
# A light outline around names, so they read on dark fills too.
HALO = [patheffects.withStroke(linewidth=1.6, foreground="white", alpha=0.8)]


class MapRenderer:
    """Draws a `SouthernFlankModel` as a map; reuse one per browser session and layer.

    Args:
        layer: the field to colour the cells by (one of sim.model.LAYERS).
        width, height: figure size in inches; dpi: pixels per inch.
    """

    def __init__(
        self, layer: str = "alignment", width: float = 10.0, height: float = 5.0, dpi: int = 100
    ):
        self.layer = layer
        self.style = layer_style(layer)
        self.dpi = dpi
        self.base: BaseMap = base_map()
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        self.blit = BlitFigure(self.fig)
        # Russia's own cells carry no contested value: drawn as plain land, not as a state
        self._not_shown = np.isin(load_region().labels, NON_ACTORS)
        self._build()

    # -- construction --------------------------------------------------------------------
    def _build(self) -> None:
        b, st = self.base, self.style
        fig = self.fig
        ax = fig.add_axes((0.05, 0.08, 0.74, 0.85))
        self.ax = ax
        ax.imshow(b.background, origin="lower", extent=b.extent, interpolation="nearest", zorder=0)
        empty = np.full(b.background.shape[:2], np.nan)
        self.image = ax.imshow(
            empty,
            origin="lower",
            extent=b.extent,
            cmap=st.cmap,
            vmin=st.vmin,
            vmax=st.vmax,
            interpolation="nearest",
            alpha=0.9,
            zorder=1,
        )
        # drawn over the layer, so redrawn with it on every frame
        over = [
            ax.add_collection(
                LineCollection(
                    b.zone_edges,
                    colors=ZONE_COLOUR,
                    linewidths=0.6,
                    linestyles=(0, (2, 2)),
                    zorder=2,
                )
            ),
            ax.add_collection(
                LineCollection(b.borders, colors=BORDER_COLOUR, linewidths=0.5, zorder=3)
            ),
            ax.add_collection(
                LineCollection(b.coast, colors=COAST_COLOUR, linewidths=0.9, zorder=3)
            ),
        ]
        ax.set_xlim(b.extent[0], b.extent[1])
        ax.set_ylim(b.extent[2], b.extent[3])
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
        ax.set_xlabel("longitude (°E)", fontsize=7)
        ax.set_ylabel("latitude (°N)", fontsize=7)
        self.country_texts, self.zone_texts = self._names(ax)
        over += self.country_texts + self.zone_texts
        self.title = ax.set_title("", fontsize=10, loc="left")
        self.blit.animate(self.image, self.title, *over)

        cax = fig.add_axes((0.80, 0.56, 0.013, 0.37))
        cbar = fig.colorbar(self.image, cax=cax)
        cbar.ax.tick_params(labelsize=7)
        cbar.set_label(st.unit, fontsize=7)

        self._markers(ax)
        handles = [
            Line2D(
                [],
                [],
                linestyle="none",
                marker=m.marker,
                markersize=7,
                markerfacecolor=m.colour,
                markeredgecolor=m.edge,
                label=m.label,
            )
            for m in MARKERS.values()
        ]
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.79, 0.06),
            fontsize=6.5,
            frameon=False,
            handletextpad=0.4,
            labelspacing=0.7,
        )

    def _names(self, ax) -> tuple[list, list]:
        """Country and sea-zone names where they fit (sim/viz/labels.py), measured in
        this figure's own font sizes and scale."""
        ax.apply_aspect()
        renderer = self.fig.canvas.get_renderer()
        (x0, _), (x1, _) = ax.transData.transform([(0.0, 0.0), (1.0, 0.0)])
        px_per_degree = x1 - x0
        probe = ax.text(0, 0, "", fontsize=COUNTRY_FONT)

        def measure(style: str, fontsize: float):
            @cache
            def size(text: str) -> tuple[float, float]:
                probe.set_text(text)
                probe.set_fontsize(fontsize)
                probe.set_style(style)
                bb = probe.get_window_extent(renderer)
                return (bb.width + 2) / px_per_degree, (bb.height + 1) / px_per_degree

            return size

        placed_c, placed_z = place_names(
            load_region(),
            self.base.names,
            list(self.base.zone_labels),
            measure("normal", COUNTRY_FONT),
            measure("italic", ZONE_FONT),
            self._marker_boxes(),
        )
        probe.remove()
        self.placed_countries, self.placed_zones = placed_c, placed_z
        texts_c = [
            ax.text(
                p.lon, p.lat, p.text, fontsize=COUNTRY_FONT, ha="center", va="center",
                color="#222222", zorder=4, path_effects=HALO,
            )
            for p in placed_c
        ]  # fmt: skip
        texts_z = [
            ax.text(
                p.lon, p.lat, p.text, fontsize=ZONE_FONT, ha="center", va="center",
                color="#2c5d8a", style="italic", zorder=4, path_effects=HALO,
            )
            for p in placed_z
        ]  # fmt: skip
        return texts_c, texts_z

    def _marker_boxes(self) -> list[tuple[float, float, float, float]]:
        """Where capital markers sit, so that no name goes under one (the naval
        markers are put beside the zones' names afterwards: `_naval_anchors`)."""
        boxes = []
        for lon, lat in self.base.capitals.values():
            boxes.append(
                (lon - CAPITAL_CLEAR, lat - CAPITAL_CLEAR, lon + CAPITAL_CLEAR, lat + CAPITAL_CLEAR)
            )
        return boxes

    def _naval_anchors(self) -> dict[str, tuple[float, float]]:
        """Where each zone's pair of naval markers goes: just below the zone's name
        (else above, right or left of it) where both markers land on the zone's water,
        else the zone's middle cell."""
        region = load_region()
        out = dict(self.base.zone_labels)
        for p in self.placed_zones:
            half_h = (p.box[3] - p.box[1]) / 2
            half_w = (p.box[2] - p.box[0]) / 2 + NAVAL_OFFSET + NAVAL_CLEAR[1]
            below, above = -(half_h + NAVAL_CLEAR[1]), half_h + NAVAL_CLEAR[1]
            for dx, dy in ((0.0, below), (0.0, above), (half_w, 0.0), (-half_w, 0.0)):
                lon, lat = p.lon + dx, p.lat + dy
                spots = [(lon - NAVAL_OFFSET, lat), (lon + NAVAL_OFFSET, lat)]
                try:
                    if all(region.zone_at(*xy) == p.key for xy in spots):
                        out[p.key] = (float(lon), float(lat))
                        break
                except ValueError:  # off the grid
                    continue
        return out

    def hover_svg(self) -> str:
        """An SVG the size of the picture with one invisible shape per country, each
        with its name as a title: laid over the map image, the browser names the
        country under the pointer (the names that do not fit on the map included)."""
        w, h = self.fig.canvas.get_width_height()
        trans = self.ax.transData

        def to_pixels(lonlat):
            xy = trans.transform(lonlat)
            xy[:, 1] = h - xy[:, 1]
            return xy

        outside = {c: f"{n} (outside the model)" for c, n in self.base.outside.items()}
        names = {**self.base.titles, **outside}
        region = load_region()
        masks = {c: region.labels == c for c in names}
        zones = {z: region.sea_zone == z for z in self.base.zone_labels}
        shapes = []
        for kind, titles, area in (
            ("sf-country", names, masks),
            ("sf-zone", {z: f"{z} (sea zone)" for z in zones}, zones),
        ):
            for key, d in hover_paths(region, area, to_pixels).items():
                shapes.append(
                    f'<path class="{kind}" data-key="{html.escape(key)}" d="{d}">'
                    f"<title>{html.escape(titles[key])}"
                    f"{f' ({key})' if kind == 'sf-country' else ''}</title></path>"
                )
        shapes = "".join(shapes)
        return (
            f'<svg class="sf-hover" viewBox="0 0 {w} {h}" preserveAspectRatio="none" '
            'xmlns="http://www.w3.org/2000/svg" style="position:absolute;left:0;top:0;'
            'width:100%;height:100%;fill:transparent;pointer-events:all">'
            f"{shapes}</svg>"
        )

    def _markers(self, ax) -> None:
        b = self.base
        self._capital_codes = list(b.capitals)
        caps = np.array([b.capitals[c] for c in self._capital_codes])
        self.capitals = ax.scatter(
            caps[:, 0],
            caps[:, 1],
            s=MARKER_AREA["capital"],
            c=np.zeros(len(caps)),
            cmap=ALIGNMENT_CMAP,
            vmin=-1,
            vmax=1,
            edgecolors="black",
            linewidths=0.6,
            zorder=6,
        )
        self._centroid_codes = list(b.centroids)
        cents = np.array([b.centroids[c] for c in self._centroid_codes])
        self.jihadist = _layer(
            ax, "jihadist", cents + (-1.0, -1.0), edgecolors="none", alpha=0.75, zorder=5
        )
        self.deployment = _layer(
            ax, "deployment", caps + (1.3, 0.9), edgecolors="black", linewidths=0.5, zorder=7
        )
        anchors = self._naval_anchors()
        zones = list(anchors)
        self._zones = zones
        zpos = np.array([anchors[z] for z in zones])
        for side, dx in (("nato_naval", -NAVAL_OFFSET), ("russia_naval", NAVAL_OFFSET)):
            marks = _layer(ax, side, zpos + (dx, 0.0), edgecolors="white", linewidths=0.6, zorder=6)
            setattr(self, side, marks)
        self.bases = ax.scatter([], [], s=70, marker="^", linewidths=1.2, zorder=8)
        st = MARKERS["dcb"]
        self.dcb = ax.scatter(
            caps[:, 0],
            caps[:, 1],
            s=0,
            marker=st.marker,
            facecolors="none",
            edgecolors=st.edge,
            linewidths=1.4,
            zorder=7,
        )
        self.blit.animate(
            self.dcb,
            self.capitals,
            self.jihadist,
            self.deployment,
            self.nato_naval,
            self.russia_naval,
            self.bases,
        )

    # -- per frame -----------------------------------------------------------------------
    def update(self, model) -> None:
        """Move the picture to the model's current month (no drawing yet)."""
        s = model.state
        field = model.layer(self.layer)
        field[self._not_shown] = np.nan
        self.image.set_data(to_image(field))
        self.title.set_text(f"{self.style.title} — {model.date}")
        index = {c: i for i, c in enumerate(s.codes)}

        cap_idx = np.array([index.get(c, -1) for c in self._capital_codes])
        has = cap_idx >= 0
        align = np.where(has, s.alignment[np.maximum(cap_idx, 0)], np.nan)
        self.capitals.set_array(align)
        dcb = np.where(has, s.dcb_intensity[np.maximum(cap_idx, 0)], 0.0)
        self.dcb.set_sizes(np.where(dcb > 0, MARKER_AREA["dcb"], 0.0))
        rpres = np.where(has, s.rpres[np.maximum(cap_idx, 0)], 0.0)
        self.deployment.set_sizes(MARKER_AREA["deployment"] * rpres)

        cen_idx = np.array([index.get(c, -1) for c in self._centroid_codes])
        jihad = np.where(cen_idx >= 0, s.jihad[np.maximum(cen_idx, 0)], 0.0)
        jihad = np.where(jihad > JIHADIST_SHOWN_ABOVE, jihad, 0.0)
        self.jihadist.set_sizes(MARKER_AREA["jihadist"] * jihad)

        zi = [s.zones.index(z) if z in s.zones else -1 for z in self._zones]
        nato = np.array([s.nato_naval[i] if i >= 0 else 0.0 for i in zi])
        rus = np.array([s.russia_naval[i] if i >= 0 else 0.0 for i in zi])
        self.nato_naval.set_sizes(MARKER_AREA["naval"] * nato)
        self.russia_naval.set_sizes(MARKER_AREA["naval"] * rus)

        shown = [a for a in model.base_agents if a.status in ("open", "negotiating")]
        if shown:
            pos = np.array([a.lonlat for a in shown], dtype=float)
            self.bases.set_offsets(pos)
            face = [MARKERS["base_open"].colour if a.status == "open" else "none" for a in shown]
            self.bases.set_facecolors(face)
            self.bases.set_edgecolors([MARKERS["base_talks"].edge] * len(shown))
            self.bases.set_sizes([70] * len(shown))
        else:
            self.bases.set_offsets(np.empty((0, 2)))

    def png(self) -> bytes:
        """The current picture as PNG bytes."""
        return self.blit.png()

    def render(self, model) -> bytes:
        """`update` then `png`: the frame for the model's current month."""
        self.update(model)
        return self.png()


def _layer(ax: Axes, kind: str, xy: np.ndarray, **style: object) -> PathCollection:
    """An invisible marker layer (size 0 until a frame sizes it) of one kind of the
    legend's MARKERS at the given positions."""
    st = MARKERS[kind]
    return ax.scatter(xy[:, 0], xy[:, 1], s=0, marker=st.marker, c=st.colour, **style)
