"""Pictures of a batch: fan charts over time and side-by-side country maps.

Static figures (drawn once per choice, not per frame), so they are built fresh; the map
reuses the cached base geometry of the live map (sim/viz/basemap.py).
"""

from __future__ import annotations

import io
import math

import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..analysis import style
from ..outcomes import MODEL_METRICS
from .basemap import BORDER_COLOUR, COAST_COLOUR, base_map, to_image
from .blit import PNG_OPTIONS
from .charts import month_axis
from .resultsdata import country_field

_METRIC = {m.name: m for m in MODEL_METRICS}


def _png(fig: Figure, dpi: int) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, **PNG_OPTIONS)
    return buf.getvalue()


LEGEND_COLUMNS = 3


def fan_figure(
    fans: pd.DataFrame,
    metric: str,
    scenarios: list[str],
    panels: bool = False,
    dpi: int = 90,
) -> Figure:
    """Median line with 50% and 90% bands per scenario, each scenario in the house look
    (sim.analysis.style: colour and line style, in scenario order); the legend sits in
    the figure under the axes, however long the names.

    Args:
        fans: `sim.analysis.quantile_bands` of this metric.
        panels: one panel per scenario (side by side, shared y axis) instead of all
            fans on one axes.
    """
    looks = style.looks(scenarios)
    shown = [n for n in scenarios if not fans[fans["scenario"] == n].empty]
    n_axes = max(1, len(shown)) if panels else 1
    rows = math.ceil((len(shown) + 2) / LEGEND_COLUMNS)
    legend_in = 0.2 + 0.17 * (rows + 1)  # inches under the axes: the legend and its title
    height = 3.6 + legend_in
    fig = Figure(figsize=(10, height), dpi=dpi)
    bottom = (legend_in + 0.45) / height
    top = 1 - 0.55 / height
    gap = 0.015
    width = (0.91 - gap * (n_axes - 1)) / n_axes
    axes = []
    for i in range(n_axes):
        share = axes[0] if axes else None
        ax = fig.add_axes((0.07 + i * (width + gap), bottom, width, top - bottom), sharey=share)
        if i:
            ax.tick_params(labelleft=False)
        axes.append(ax)
    handles = []
    for k, name in enumerate(shown):
        ax = axes[k if panels else 0]
        f = fans[fans["scenario"] == name]
        lk = looks[name]
        x = month_axis(f["date"])
        ax.fill_between(x, f["q05"], f["q95"], color=lk.colour, alpha=0.12, linewidth=0)
        ax.fill_between(x, f["q25"], f["q75"], color=lk.colour, alpha=0.28, linewidth=0)
        (line,) = ax.plot(
            x, f["q50"], color=lk.colour, linestyle=lk.linestyle, linewidth=1.8,
            label=f"{name} ({int(f['n_runs'].max())} runs)",
        )  # fmt: skip
        handles.append(line)
        if panels:
            ax.set_title(name, fontsize=8, loc="left")
    handles += [
        Patch(color="#777777", alpha=0.40, label="50% of runs (dark band)"),
        Patch(color="#777777", alpha=0.15, label="90% of runs (light band)"),
    ]
    m = _METRIC.get(metric)
    title = metric + (f": {m.description}" if m is not None else "")
    fig.suptitle(title, x=0.07, ha="left", fontsize=9.5, y=1 - 0.12 / height, va="top")
    axes[0].set_ylabel(m.unit if m else "", fontsize=8)
    for ax in axes:
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.25, linewidth=0.5)
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.07, 0.02 / height),
        ncol=LEGEND_COLUMNS,
        fontsize=7,
        frameon=False,
        title="line: median of the runs",
        title_fontsize=7,
        alignment="left",
    )
    return fig


def fan_chart(
    fans: pd.DataFrame, metric: str, scenarios: list[str], panels: bool = False, dpi: int = 90
) -> bytes:
    """`fan_figure` as PNG bytes."""
    return _png(fan_figure(fans, metric, scenarios, panels, dpi), dpi)


def country_maps(
    values: list[dict[str, float]],
    titles: list[str],
    label: str,
    cmap: str = "Reds",
    vmin: float = 0.0,
    vmax: float = 1.0,
    dpi: int = 90,
) -> bytes:
    """Maps side by side, each country coloured by its value, as PNG bytes."""
    b = base_map()
    n = len(values)
    fig = Figure(figsize=(5.2 * n, 3.4), dpi=dpi)
    width = 0.86 / n
    image = None
    for i, (vals, title) in enumerate(zip(values, titles, strict=True)):
        ax = fig.add_axes((0.02 + i * width, 0.06, width - 0.01, 0.84))
        ax.imshow(b.background, origin="lower", extent=b.extent, interpolation="nearest")
        image = ax.imshow(
            to_image(country_field(vals)),
            origin="lower",
            extent=b.extent,
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            interpolation="nearest",
        )
        ax.add_collection(LineCollection(b.borders, colors=BORDER_COLOUR, linewidths=0.4))
        ax.add_collection(LineCollection(b.coast, colors=COAST_COLOUR, linewidths=0.7))
        ax.set_xlim(b.extent[0], b.extent[1])
        ax.set_ylim(b.extent[2], b.extent[3])
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=9, loc="left")
    if image is not None:
        cax = fig.add_axes((0.895, 0.15, 0.012, 0.66))
        cbar = fig.colorbar(image, cax=cax)
        cbar.ax.tick_params(labelsize=7)
        cbar.set_label(label, fontsize=7)
    return _png(fig, dpi)
