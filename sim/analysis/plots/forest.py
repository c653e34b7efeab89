"""Forest plot: each policy scenario's paired effect against the baseline, with its
confidence interval, one panel per metric and one marker per horizon.

It draws the table that `sim.batch.compare.paired_effects` returns (the same numbers
``southflank compare`` prints); it computes nothing itself, so a figure and a table
can never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import style
from ..load import require

COLUMNS = ("scenario", "metric", "horizon", "difference", "ci_low", "ci_high")
"""The columns of paired_effects' output that the plot reads."""


def forest_plot(
    effects: pd.DataFrame,
    metrics: Sequence[str] | None = None,
    ncols: int = 3,
    title: str | None = None,
    baseline: str | None = None,
) -> Figure:
    """Paired differences from the baseline with their intervals.

    Args:
        effects: output of `sim.analysis.effects.paired_effects` (columns scenario,
            metric, horizon, difference, ci_low, ci_high).
        metrics: which metrics, one panel each (default: all, in table order).
        ncols: panels per row.
        title: figure title.
        baseline: the baseline's name, for labels.
    """
    require(effects, COLUMNS, "effects")
    if effects.empty:
        raise ValueError("effects: the table is empty (is there a scenario besides the baseline?)")
    metrics = list(metrics or dict.fromkeys(effects["metric"]))
    baseline = baseline or "the baseline"
    df = effects[effects["metric"].isin(metrics)]
    scenarios = list(dict.fromkeys(df["scenario"]))
    horizons = list(dict.fromkeys(df["horizon"].astype(str)))
    hlooks = style.looks(horizons)
    nrows = int(np.ceil(len(metrics) / ncols))
    ncols = min(ncols, len(metrics))
    fig, axes = style.new_figure(
        nrows,
        ncols,
        size=(3.0 * ncols + 1.6, 0.9 + nrows * (0.35 * len(scenarios) + 0.9)),
        squeeze=False,
        sharey=True,
    )
    step = 0.6 / max(len(horizons), 1)
    with style.styled():
        for k, ax in enumerate(axes.flat):
            if k >= len(metrics):
                ax.set_visible(False)
                continue
            metric = metrics[k]
            m = df[df["metric"] == metric]
            for j, h in enumerate(horizons):
                e = m[m["horizon"].astype(str) == h].set_index("scenario").reindex(scenarios)
                y = np.arange(len(scenarios)) + (j - (len(horizons) - 1) / 2) * step
                lk = hlooks[h]
                ax.errorbar(
                    e["difference"],
                    y,
                    xerr=[e["difference"] - e["ci_low"], e["ci_high"] - e["difference"]],
                    fmt=lk.marker,
                    color=lk.colour,
                    markersize=4.5,
                    capsize=2,
                    linewidth=1,
                    markerfacecolor="white" if j % 2 else lk.colour,
                    label=h,
                )
            ax.axvline(0.0, color="#555555", linewidth=0.8, linestyle="--")
            ax.set_title(metric, fontsize=8.5)
            ax.grid(axis="y", visible=False)
        axes[0, 0].set_yticks(range(len(scenarios)), scenarios)
        axes[0, 0].invert_yaxis()
        for ax in axes[-1]:
            ax.set_xlabel(f"difference from {baseline}")
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, title="horizon", loc="outside right upper")
        fig.suptitle(title or f"Policy effects against {baseline}, paired by seed")
    dates = sorted(set(df["date"])) if "date" in df else horizons
    style.caption(
        fig,
        f"Mean paired difference (scenario minus {baseline}, same seeds) with its 95% "
        f"confidence interval, at {style.scenario_list(dates)}, for "
        f"{style.scenario_list(scenarios)}. An interval crossing the dashed line does not "
        "tell the scenario from the baseline.",
    )
    return fig
