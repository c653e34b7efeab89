"""Effects across the draws of deep uncertainty: one row per policy, the median effect
as a dot, the 5-95% range across draws as a bar, the replicate interval within a
draw as a tick-ended whisker, the band of negligible effects shaded; and the
drivers of an effect as a bar chart of scores.

An outlier never squashes a panel: each metric has its own panel and scale, and a bar
that reaches far beyond the others is cut at the panel's edge with its value written
there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import style

OUTLIER_FACTOR = 4.0  # a range this many times the next widest is cut at the edge


def _limits(lo: np.ndarray, hi: np.ndarray, small: float) -> tuple[float, float]:
    """Panel limits covering every range unless one extends far beyond the rest."""
    ext = np.sort(np.abs(np.concatenate([lo, hi, [small, -small]])))[::-1]
    reach = ext[0]
    if len(ext) > 2 and ext[1] > 0 and ext[0] > OUTLIER_FACTOR * ext[1]:
        reach = OUTLIER_FACTOR * ext[1]
    reach = reach * 1.15 or 1.0
    return -reach, reach


def effects_across_draws(
    table: pd.DataFrame,
    labels: Mapping[str, str],
    negligible: Mapping[str, float],
    names: Mapping[str, str],
    title: str,
    ncols: int = 2,
) -> Figure:
    """Policy effects per metric across draws.

    Args:
        table: rows with metric, scenario, draw_median, draw_p05, draw_p95,
            within_halfwidth (as `sim.batch.compare.paired_effects` gives them).
        labels: metric -> axis label (plain name and unit).
        negligible: metric -> the minimum meaningful change (shaded band).
        names: scenario -> plain name.
        title: the figure title.
    """
    metrics = list(dict.fromkeys(table["metric"]))
    policies = list(dict.fromkeys(table["scenario"]))
    ncols = max(1, min(ncols, len(metrics)))
    nrows = int(np.ceil(len(metrics) / ncols))
    fig, axes = style.new_figure(
        nrows, ncols, size=(4.2 * ncols, 0.32 * len(policies) * nrows + 1.4 * nrows), squeeze=False
    )
    y = np.arange(len(policies))[::-1]
    with style.styled():
        for k, ax in enumerate(axes.flat):
            if k >= len(metrics):
                ax.set_visible(False)
                continue
            m = metrics[k]
            t = table[table["metric"] == m].set_index("scenario").reindex(policies)
            med, lo, hi = (t[c].to_numpy(float) for c in ("draw_median", "draw_p05", "draw_p95"))
            half = t["within_halfwidth"].to_numpy(float)
            small = float(negligible.get(m, 0.0))
            left, right = _limits(lo, hi, small)
            ax.axvspan(-small, small, color="#e6e6e6", lw=0)
            ax.axvline(0, color="#555555", lw=0.8)
            for yi, a, b, c, h in zip(y, lo, hi, med, half, strict=True):
                if np.isnan(c):
                    continue
                ax.plot([max(a, left), min(b, right)], [yi, yi], color="#0072B2", lw=3, alpha=0.55)
                if np.isfinite(h):
                    ax.errorbar(c, yi, xerr=h, fmt="none", ecolor="#000000", capsize=2.5, lw=0.9)
                ax.plot(np.clip(c, left, right), yi, "o", color="#000000", ms=4)
                for end, edge, ha in ((a, left, "left"), (b, right, "right")):
                    if (end < left and ha == "left") or (end > right and ha == "right"):
                        ax.annotate(f"{end:,.3g} ", (edge, yi), ha=ha, va="bottom", fontsize=6.5)
            ax.set_xlim(left, right)
            ax.set_yticks(y, [names.get(p, p) for p in policies] if k % ncols == 0 else [])
            ax.set_xlabel(labels.get(m, m))
            ax.grid(axis="y", visible=False)
        fig.suptitle(title)
    style.caption(
        fig,
        "Dot: median effect across the draws of the uncertain parameters; bar: 5-95% "
        "range across draws; whisker: median 95% interval over replicates within a "
        "draw; grey band: smaller than the minimum meaningful change. A bar cut at the "
        "panel edge carries its value.",
    )
    return fig


def driver_chart(scores: pd.Series, names: Mapping[str, str], title: str, xlabel: str) -> Figure:
    """Horizontal bars of parameter scores (feature scores or |Spearman|), highest on
    top, labelled with plain descriptions."""
    scores = scores.sort_values()
    fig, ax = style.new_figure(size=(7.0, 0.32 * len(scores) + 1.3))
    with style.styled():
        ax.barh(np.arange(len(scores)), scores.to_numpy(float), color="#0072B2")
        ax.set_yticks(np.arange(len(scores)), [names.get(k, k) for k in scores.index])
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        fig.suptitle(title)
    style.caption(fig, f"{xlabel}; higher: the parameter explains more of the outcome's spread.")
    return fig


def short(text: str, n: int = 48) -> str:
    """A description cut to `n` characters at a word boundary."""
    text = " ".join(str(text).split()).rstrip(".")
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


__all__: Sequence[str] = ("driver_chart", "effects_across_draws", "short")
