"""Charts of the headline metrics over time, with the current month marked.

One figure of small panels, built once per run; a frame moves the lines' data and the
current-month marker and redraws only those over the kept axes (sim/viz/blit.py). The
x axis spans the whole run from the first frame, so the picture does not jump as months
are added; panels without a fixed range grow their y axis in steps (`headroom`), which
is the only time the axes are drawn again. Metric names come from
`sim.outcomes` (checked by tests), so a renamed metric fails loudly here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..calendar import parse_month
from ..outcomes import MODEL_METRICS
from ..roster import SUBREGIONS
from .blit import BlitFigure

_METRIC = {m.name: m for m in MODEL_METRICS}
_SUB_COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a")


@dataclass(frozen=True)
class Series:
    metric: str
    label: str
    colour: str
    width: float = 1.2
    style: str = "-"
    scale: float = 1.0


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple[Series, ...]
    fixed_range: bool = True  # use the metrics' declared range instead of autoscaling


def _by_subregion(prefix: str, region_metric: str) -> tuple[Series, ...]:
    subs = tuple(
        Series(f"{prefix}_{s.lower()}", s, c) for s, c in zip(SUBREGIONS, _SUB_COLOURS, strict=True)
    )
    return (Series(region_metric, "region", "black", 2.0), *subs)


PANELS: tuple[Panel, ...] = (
    Panel(
        "Russian influence share", _by_subregion("russia_influence_share", "russia_influence_share")
    ),
    Panel("Stability", _by_subregion("stability", "stability_mean")),
    Panel(
        "Aligned states",
        (
            Series("nato_aligned_states", "with NATO", "#1f4e9c"),
            Series("russia_aligned_states", "with Russia", "#c0392b"),
        ),
        fixed_range=False,
    ),
    Panel(
        "Naval incidents per month",
        (Series("naval_incidents", "incidents", "#444444"),),
        fixed_range=False,
    ),
    Panel(
        "Irregular arrivals (thousand persons per month)",
        (
            Series("migration_italy", "Italy", "#1b9e77", scale=1e-3),
            Series("migration_spain", "Spain", "#d95f02", scale=1e-3),
            Series("migration_greece", "Greece", "#7570b3", scale=1e-3),
        ),
        fixed_range=False,
    ),
    Panel(
        "Cohesion of the southern allies",
        (
            Series("cohesion", "satisfaction", "#1f4e9c", 2.0),
            Series("southern_threat", "threat from the south", "#c0392b", 1.2, "--"),
        ),
    ),
)


def _referenced(panel: Panel) -> tuple[Series, ...]:
    """The series of a panel that get a reference line: its headline (the thick line)
    where it has one, else all of them."""
    thick = tuple(s for s in panel.series if s.width >= 2.0)
    return thick or panel.series


def headroom(top: float) -> float:
    """A y-axis top above `top` on a 1-2-5 ladder (so the axis is redrawn rarely)."""
    if not np.isfinite(top) or top <= 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(top))
    for m in (1.0, 2.0, 5.0, 10.0):
        if top * 1.05 <= m * scale:
            return m * scale
    return 10.0 * scale


def month_axis(dates) -> np.ndarray:
    """YYYY-MM strings -> fractional years (2025-07 -> 2025.5), for a numeric x axis."""
    months = np.array([parse_month(d) for d in dates], dtype=float)
    return months / 12.0


class ChartRenderer:
    """The metric panels of one run.

    Args:
        start, end: the run's first month and the month after its last ('YYYY-MM').
    """

    def __init__(
        self, start: str, end: str, width: float = 10.0, height: float = 4.6, dpi: int = 90
    ):
        self.dpi = dpi
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        self.blit = BlitFigure(self.fig)
        axes = self.fig.subplots(2, 3, sharex=True)
        self.fig.subplots_adjust(
            left=0.05, right=0.99, top=0.93, bottom=0.08, hspace=0.32, wspace=0.22
        )
        x0, x1 = month_axis([start, end])
        self.lines: list[tuple] = []
        self.reference_lines: list[tuple] = []
        self.reference_label: str | None = None
        self._reference: pd.DataFrame | None = None
        self.markers = []
        self.axes = list(axes.ravel())
        for ax, panel in zip(self.axes, PANELS, strict=True):
            ax.set_title(panel.title, fontsize=8.5, loc="left")
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.25, linewidth=0.5)
            ax.set_xlim(x0, x1)
            for s in panel.series:
                if s.metric not in _METRIC:
                    raise KeyError(f"chart metric {s.metric!r} is not in sim.outcomes")
                (line,) = ax.plot(
                    [], [], color=s.colour, linewidth=s.width, linestyle=s.style, label=s.label
                )
                self.lines.append((line, s))
            if panel.fixed_range:
                lo = min(_METRIC[s.metric].low * s.scale for s in panel.series)
                hi = max(_METRIC[s.metric].high * s.scale for s in panel.series)
                ax.set_ylim(lo, hi)
            else:
                ax.set_ylim(0.0, 1.0)
            legend = ax.legend(
                fontsize=6,
                loc="upper left",
                framealpha=0.7,
                edgecolor="none",
                ncol=2 if len(panel.series) > 3 else 1,
                handlelength=1.2,
            )
            legend.set_zorder(5)
            # the reference run (static: redrawn only when the reference changes)
            for s in _referenced(panel):
                (ref,) = ax.plot([], [], color=s.colour, linewidth=0.9, linestyle=(0, (4, 2)))
                ref.set_alpha(0.7)
                self.reference_lines.append((ref, s))
            marker = ax.axvline(x0, color="#555555", linewidth=0.8, linestyle=":")
            self.markers.append(marker)
            self.blit.animate(marker, legend)
        self.blit.animate(*(line for line, _ in self.lines))
        self.panels = PANELS
        self.reference_note = self.fig.text(
            0.99, 0.985, "", ha="right", va="top", fontsize=7, color="#444444"
        )

    def set_reference(self, monthly: pd.DataFrame | None, label: str | None) -> None:
        """Show another run as dashed lines (the headline series of each panel) for
        comparison, or none; redraws the static part only when it changes."""
        if monthly is self._reference and label == self.reference_label:
            return
        self._reference, self.reference_label = monthly, label
        x = month_axis(monthly["date"]) if monthly is not None else []
        for line, s in self.reference_lines:
            y = monthly[s.metric].to_numpy() * s.scale if monthly is not None else []
            line.set_data(x, y)
        self.reference_note.set_text(
            f"dashed: {label}, same seed" if monthly is not None and label else ""
        )
        self.blit.invalidate()

    def update(self, monthly: pd.DataFrame) -> None:
        """Show the months recorded so far (a frame with a ``date`` column and metrics)."""
        if len(monthly) == 0:
            for line, _ in self.lines:
                line.set_data([], [])
            return
        x = month_axis(monthly["date"])
        for line, s in self.lines:
            line.set_data(x, monthly[s.metric].to_numpy() * s.scale)
        for marker in self.markers:
            marker.set_xdata([x[-1], x[-1]])
        for ax, panel in zip(self.axes, self.panels, strict=True):
            if not panel.fixed_range:
                shown = [monthly[s.metric].to_numpy() * s.scale for s in panel.series]
                if self._reference is not None:
                    shown += [
                        self._reference[s.metric].to_numpy() * s.scale for s in _referenced(panel)
                    ]
                values = np.concatenate(shown)
                top = headroom(float(np.nanmax(values)) if values.size else 0.0)
                if ax.get_ylim() != (0.0, top):
                    ax.set_ylim(0.0, top)
                    self.blit.invalidate()

    def png(self) -> bytes:
        return self.blit.png()

    def render(self, monthly: pd.DataFrame) -> bytes:
        self.update(monthly)
        return self.png()
