"""Fan chart: how a model metric evolves over the months, across replicates.

A single run of a stochastic model is an anecdote; the fan shows the median (line),
the middle half of the runs (dark band) and nine runs in ten (light, hatched band),
per scenario.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from ...outcomes import MODEL_METRICS
from .. import style
from ..summaries import quantile_bands

_METRICS = {m.name: m for m in MODEL_METRICS}


def metric_label(metric: str) -> str:
    """'russia influence share (share)': the metric's name in words and its unit."""
    m = _METRICS.get(metric)
    words = metric.replace("_", " ")
    return f"{words} ({m.unit})" if m else words


def _draw(ax, b: pd.DataFrame, lk: style.Look, label: str) -> None:
    x = pd.to_datetime(b["date"], format="%Y-%m")
    ax.fill_between(
        x,
        b["q05"],
        b["q95"],
        facecolor=lk.colour,
        alpha=0.12,
        hatch=lk.hatch,
        edgecolor=lk.colour,
        linewidth=0,
    )
    ax.fill_between(x, b["q25"], b["q75"], color=lk.colour, alpha=0.25, linewidth=0)
    ax.plot(
        x,
        b["q50"],
        color=lk.colour,
        linestyle=lk.linestyle,
        marker=lk.marker,
        markevery=max(len(b) // 8, 1),
        markersize=4,
        linewidth=1.4,
        label=label,
    )


def fan_chart(
    monthly: pd.DataFrame,
    metric: str,
    scenarios: Sequence[str] | None = None,
    panels: bool = False,
    ncols: int | None = None,
    title: str | None = None,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Median, 50% and 90% bands of ``metric`` per month for each scenario.

    Args:
        monthly: the batch's monthly table (run_id, scenario, date, metrics...).
        metric: a column of it, e.g. ``"russia_influence_share"``.
        scenarios: which scenarios, in drawing order (default: all, in batch order; the
            first is the reference).
        panels: one panel per scenario (shared axes, the first scenario's median drawn
            thin in each for reference) instead of all fans on one axis; overlapping
            fans become unreadable beyond three or four scenarios.
        ncols: panels per row when ``panels`` (default 2, or 3 beyond four scenarios).
        title: figure title (default: the metric's description).
        size: figure size in inches (default: from the number of panels).
    """
    bands = quantile_bands(monthly, metric, scenarios)
    names = list(dict.fromkeys(bands["scenario"]))
    looks = style.looks(names)
    n_of = {n: int(bands.loc[bands["scenario"] == n, "n_runs"].min()) for n in names}
    if panels:
        ncols = max(1, min(ncols or (2 if len(names) <= 4 else 3), len(names)))
        nrows = -(-len(names) // ncols)
        fig, axes = style.new_figure(
            nrows,
            ncols,
            size=size or (3.6 * ncols + 0.6, 2.3 * nrows + 0.9),
            squeeze=False,
            sharex=True,
            sharey=True,
        )
        flat = list(axes.flat)
    else:
        fig, ax = style.new_figure(size=size or (7.0, 3.8))
        flat = [ax] * len(names)
    ref = bands[bands["scenario"] == names[0]]
    with style.styled():
        for k, name in enumerate(names):
            ax = flat[k]
            b = bands[bands["scenario"] == name]
            if panels and k > 0:
                ax.plot(
                    pd.to_datetime(ref["date"], format="%Y-%m"),
                    ref["q50"],
                    color="#777777",
                    linewidth=0.9,
                    linestyle="-",
                    label=f"{names[0]} median",
                )
            _draw(ax, b, looks[name], f"{name} (n={n_of[name]})")
            if panels:
                ax.set_title(f"{name} (n={n_of[name]})", fontsize=8.5)
        for ax in flat[len(names) :]:
            ax.set_visible(False)
        label = metric_label(metric)
        if panels:
            for row in axes:
                row[0].set_ylabel(label, fontsize=8)
            if len(names) > 1:
                flat[1].legend(loc="best", fontsize=7)
        else:
            flat[0].set_ylabel(label)
            flat[0].legend(loc="best")
        span = (
            pd.to_datetime(bands["date"].max()) - pd.to_datetime(bands["date"].min())
        ).days / 365
        for ax in set(flat):
            style.year_axis(ax, span)
        fig.suptitle(title or metric.replace("_", " ").capitalize())
    first, last = bands["date"].min(), bands["date"].max()
    ref_note = f"; thin grey line: median of {names[0]}" if panels and len(names) > 1 else ""
    style.caption(
        fig,
        f"{label}, {first} to {last}: median over runs (line), 50% band (dark) and 90% band "
        f"(light, hatched) for {style.scenario_list(names)}; n = runs per scenario{ref_note}.",
    )
    return fig
