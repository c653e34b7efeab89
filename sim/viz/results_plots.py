"""Pictures of a batch: fan charts over time and side-by-side country maps.

Static figures (drawn once per choice, not per frame), so they are built fresh; the map
reuses the cached base geometry of the live map (sim/viz/basemap.py).
"""

from __future__ import annotations

import io

import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

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


def fan_chart(fans: pd.DataFrame, metric: str, scenarios: list[str], dpi: int = 90) -> bytes:
    """Median line with 50% and 90% bands per scenario, as PNG bytes, each scenario in
    the house look (sim.analysis.style: colour and line style, in scenario order).

    Args:
        fans: `sim.analysis.quantile_bands` of this metric.
    """
    looks = style.looks(scenarios)
    fig = Figure(figsize=(10, 4.2), dpi=dpi)
    ax = fig.add_axes((0.07, 0.12, 0.72, 0.78))
    for name in scenarios:
        f = fans[fans["scenario"] == name]
        if f.empty:
            continue
        lk = looks[name]
        colour = lk.colour
        x = month_axis(f["date"])
        ax.fill_between(x, f["q05"], f["q95"], color=colour, alpha=0.12, linewidth=0)
        ax.fill_between(x, f["q25"], f["q75"], color=colour, alpha=0.28, linewidth=0)
        runs = int(f["n_runs"].max())
        ax.plot(
            x, f["q50"], color=colour, linestyle=lk.linestyle, linewidth=1.8,
            label=f"{name} ({runs} runs)",
        )  # fmt: skip
    m = _METRIC.get(metric)
    ax.set_title(metric, fontsize=10, loc="left", pad=14)
    if m is not None:
        ax.text(
            0.0,
            1.01,
            m.description,
            transform=ax.transAxes,
            fontsize=7.5,
            color="#555555",
            va="bottom",
        )
    ax.set_ylabel(m.unit if m else "", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.25, linewidth=0.5)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.text(
        0.80,
        0.12,
        "line: median\ndark band: 50% of runs\nlight band: 90% of runs",
        fontsize=7,
        color="#555555",
        va="bottom",
    )
    return _png(fig, dpi)


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
