"""One look for every figure: readable in greyscale, captioned, with the same cycle of
line styles, markers and hatches for the same scenario everywhere.

Reports are printed and photocopied, and about one reader in twelve does not tell red
from green, so a figure may never rely on colour alone: each scenario gets a colour
*and* a line style, a marker and a hatch, taken in the same order in every plot (the
order the scenarios appear in, baseline first). Colormaps are perceptually uniform and
monotonic in lightness (cividis), so a map keeps its meaning in grey.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), ordered
# so that neighbours in the cycle also differ in lightness.
COLOURS = (
    "#000000",
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#999999",
)
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), "-")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
HATCHES = ("", "//", "\\\\", "xx", "..", "oo", "--", "++")
CMAP = "cividis"
SEA = "#eef2f5"
OTHER_LAND = "#d4d4d4"
BORDER = "#404040"

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 130,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
    "image.cmap": CMAP,
}


@dataclass(frozen=True)
class Look:
    """How one series is drawn: colour, line style, marker and hatch."""

    colour: str
    linestyle: object
    marker: str
    hatch: str


def look(i: int) -> Look:
    """The i-th look of the cycle (wraps around after eight)."""
    k = i % len(COLOURS)
    return Look(COLOURS[k], LINESTYLES[k], MARKERS[k], HATCHES[k])


def looks(names: Iterable[str]) -> dict[str, Look]:
    """A look per name, in order: the same scenario order gives the same looks."""
    return {name: look(i) for i, name in enumerate(dict.fromkeys(names))}


@contextmanager
def styled():
    """Apply the house style for the figures made inside the block only."""
    with mpl.rc_context(RC):
        yield


def new_figure(
    nrows: int = 1, ncols: int = 1, size: tuple[float, float] = (7.0, 4.0), **kw
) -> tuple[Figure, object]:
    """A figure in the house style, not registered with pyplot (no memory kept by it)."""
    with styled():
        fig = Figure(figsize=size, layout="constrained")
        axes = fig.subplots(nrows, ncols, **kw)
    return fig, axes


def year_axis(ax, span_years: float | None = None) -> None:
    """Label a date axis by year (every second year past eight years), never crowded."""
    step = 1 if span_years is not None and span_years <= 8 else 2
    ax.xaxis.set_major_locator(mdates.YearLocator(step))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))


def caption(fig: Figure, text: str) -> None:
    """Add the caption under the figure (scenarios, dates, what the bands mean).

    A figure copied out of a report must still say what it shows, so the caption is
    drawn on the figure itself; it is also kept as ``fig.southflank_caption`` so the
    report can repeat it as text (alt text, Markdown).
    """
    width_chars = int(fig.get_figwidth() * 15)
    fig.supxlabel(textwrap.fill(text, width_chars), fontsize=7.5, color="#333333")
    fig.southflank_caption = text


def caption_of(fig: Figure) -> str:
    """The caption set by `caption` ('' if none)."""
    return getattr(fig, "southflank_caption", "")


def scenario_list(names: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def close(fig: Figure) -> None:
    """Release a figure made with plt (Figures from new_figure need nothing)."""
    plt.close(fig)
