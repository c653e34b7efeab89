"""Regional map: a country metric, or a probability across replicates, on the model's
one-degree grid (sim.geography).

Actors' land cells carry the value (cividis, readable in grey); the sea is pale, land
of countries outside the model is grey and dotted, so that no reader mistakes "not
modelled" for a low value. Borders and coasts are drawn where neighbouring cells carry
different labels, exactly the borders the model uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import Colormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from ...geography import SEA, load_region
from ...outcomes import COUNTRY_METRICS
from .. import style
from ..summaries import country_values

_METRICS = {m.name: m for m in COUNTRY_METRICS}


def _borders(labels: np.ndarray, lons: np.ndarray, lats: np.ndarray) -> LineCollection:
    """Cell edges between different labels (borders and coasts), as line segments."""
    half = (lons[1] - lons[0]) / 2
    segs = []
    xs, ys = np.nonzero(labels[:-1, :] != labels[1:, :])
    for x, y in zip(xs, ys, strict=True):
        e = lons[x] + half
        segs.append([(e, lats[y] - half), (e, lats[y] + half)])
    xs, ys = np.nonzero(labels[:, :-1] != labels[:, 1:])
    for x, y in zip(xs, ys, strict=True):
        n = lats[y] + half
        segs.append([(lons[x] - half, n), (lons[x] + half, n)])
    return LineCollection(segs, colors=style.BORDER, linewidths=0.4)


def _paint(
    ax: Axes, field: np.ndarray, cmap: str | Colormap, vmin: float, vmax: float
) -> AxesImage:
    """Sea and land underneath, the actors' values on top, the model's borders, the
    region's frame: the common ground of every map here. Returns the value image (for
    the colour bar)."""
    region = load_region()
    labels = region.labels
    west, south, east, north = region.bounds
    extent = (west, east, south, north)
    ax.imshow(
        np.where(labels == SEA, 0, 1).astype(float).T,
        origin="lower",
        extent=extent,
        cmap=ListedColormap([style.SEA, style.OTHER_LAND]),
        vmin=0,
        vmax=1,
        interpolation="nearest",
    )
    image = ax.imshow(
        np.ma.masked_invalid(field).T,
        origin="lower",
        extent=extent,
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        interpolation="nearest",
    )
    ax.add_collection(_borders(labels, region.lons, region.lats))
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal")
    ax.grid(False)
    return image


def _value_label(
    metric: str, below: float | None, above: float | None, stat: str, aligned: str | None = None
) -> str:
    if aligned is not None:
        return f"P({aligned.capitalize()}-aligned) over runs"
    if below is not None and above is not None:
        return f"P({above:g} < {metric} < {below:g}) over runs"
    if below is not None:
        return f"P({metric} < {below:g}) over runs"
    if above is not None:
        return f"P({metric} > {above:g}) over runs"
    return f"{stat} {metric} over runs"


def region_map(
    countries: pd.DataFrame,
    metric: str,
    date: str | int | None = None,
    scenarios: Sequence[str] | None = None,
    below: float | None = None,
    above: float | None = None,
    stat: str = "median",
    title: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    panel_width: float = 4.6,
    aligned: str | None = None,
    runs: pd.DataFrame | None = None,
    manifest: dict | None = None,
) -> Figure:
    """One map panel per scenario (side by side, one shared colour scale).

    Args:
        countries: the batch's country table (run_id, scenario, date, iso3, metrics...).
        metric: a country metric, e.g. ``"alignment"`` or ``"stability"``.
        date: 'YYYY-MM', a year (its last recorded month) or None (the last month).
        scenarios: which scenarios, one panel each (default: all, in batch order).
        below, above: map the probability across runs that the metric is below/above
            these values instead of a statistic; e.g. ``below=-0.2`` on alignment is
            P(Russia-aligned) with the default ``aligned_threshold``.
        stat: 'median' or 'mean' when mapping the metric itself.
        title: figure title (default: what is mapped and when).
        vmin, vmax: colour scale (default: [0, 1] for probabilities, else the metric's
            declared range in sim.outcomes).
        panel_width: inches per panel.
        aligned, runs, manifest: map P(aligned with 'russia' or 'west') by each run's
            own threshold instead (`sim.analysis.summaries.country_values`).
    """
    values = country_values(
        countries, metric, date, scenarios, below, above, stat, aligned, runs, manifest
    )
    month = values["date"].iloc[0] if len(values) else str(date)
    names = list(dict.fromkeys(values["scenario"])) or list(scenarios or [])
    prob = below is not None or above is not None or aligned is not None
    if vmin is None or vmax is None:
        lo, hi = (
            (0.0, 1.0)
            if prob
            else (_METRICS[metric].low, _METRICS[metric].high)
            if metric in _METRICS
            else (values["value"].min(), values["value"].max())
        )
        vmin = lo if vmin is None else vmin
        vmax = hi if vmax is None else vmax

    region = load_region()
    labels, lons, lats = region.labels, region.lons, region.lats
    sea = labels == SEA
    fig, axes = style.new_figure(
        1,
        len(names),
        size=(panel_width * len(names) + 0.8, panel_width * 0.62 + 0.9),
        squeeze=False,
    )
    axes = axes[0]
    label = _value_label(metric, below, above, stat, aligned)
    with style.styled():
        image = None
        for ax, name in zip(axes, names, strict=True):
            v = values[values["scenario"] == name].set_index("iso3")["value"]
            n_runs = int(values.loc[values["scenario"] == name, "n_runs"].max())
            field = np.full(labels.shape, np.nan)
            for code, val in v.items():
                field[labels == code] = val
            other = ~sea & np.isnan(field)
            image = _paint(ax, field, style.CMAP, vmin, vmax)
            ax.contourf(
                lons,
                lats,
                other.T.astype(float),
                levels=[0.5, 1.5],
                colors="none",
                hatches=["...."],
            )
            ax.set_title(f"{name} (n={n_runs})")
            ax.set_xlabel("longitude (°E)")
        axes[0].set_ylabel("latitude (°N)")
        if image is not None:
            fig.colorbar(image, ax=list(axes), shrink=0.85, label=label)
        fig.suptitle(title or f"{label}, {month}")
    style.caption(
        fig,
        f"{label} in {month} for {style.scenario_list(names)}; n = runs. Pale: sea; grey "
        "dotted: land outside the model. Cells are one degree; borders as the model's grid "
        "draws them.",
    )
    return fig


def difference_map(
    values: pd.DataFrame,
    baseline: str,
    policy: str,
    title: str,
    label: str,
    names: dict[str, str] | None = None,
) -> Figure:
    """One map of a policy's difference from the baseline per country (e.g. in the
    probability of being Russia-aligned), on a diverging scale centred on 0, every
    modelled country labelled with its code and the largest changes with their value.

    Args:
        values: `sim.analysis.summaries.country_values` output for both scenarios.
        baseline, policy: the two scenarios.
        title, label: the figure title and the colour bar's label.
        names: scenario -> plain name for the caption.
    """
    v = values.pivot_table(index="iso3", columns="scenario", values="value")
    diff = (v[policy] - v[baseline]).dropna()
    month = values["date"].iloc[0] if len(values) else ""
    region = load_region()
    labels, lons, lats = region.labels, region.lons, region.lats
    reach = max(float(diff.abs().max()) if len(diff) else 0.0, 0.05)
    fig, ax = style.new_figure(size=(8.2, 5.4))
    field = np.full(labels.shape, np.nan)
    for code, val in diff.items():
        field[labels == code] = val
    with style.styled():
        image = _paint(ax, field, "PuOr_r", -reach, reach)
        big = set(
            diff.abs()
            .sort_values(ascending=False)
            .head(5)
            .index[diff.abs().sort_values(ascending=False).head(5) > 0]
        )
        for code in diff.index:
            cells = np.argwhere(labels == code)
            if not len(cells):
                continue
            x, y = lons[cells[:, 0]].mean(), lats[cells[:, 1]].mean()
            text = f"{code}\n{diff[code]:+.2f}" if code in big else code
            ax.text(
                x,
                y,
                text,
                ha="center",
                va="center",
                fontsize=6,
                color="#000000",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
            )
        ax.set_xlabel("longitude (°E)")
        ax.set_ylabel("latitude (°N)")
        fig.colorbar(image, ax=ax, shrink=0.8, label=label)
        fig.suptitle(title)
    n = names or {}
    style.caption(
        fig,
        f"{label}: {n.get(policy, policy)} minus {n.get(baseline, baseline)} in {month}, over "
        "all runs. Every modelled state carries its code; the five largest changes carry "
        "their value. Grey: land outside the model.",
    )
    return fig
