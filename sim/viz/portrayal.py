"""How each field layer and each kind of agent looks on the map.

The names of the layers are the model's (`sim.model.LAYERS`); this module only adds
presentation: a title, a colour map and its range (the metric's own range from
`sim.outcomes` where one exists), and the marker of each agent kind for the legend.
Colours follow one convention throughout: blue is the Alliance, red is Russia.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import LAYERS
from ..outcomes import COUNTRY_METRICS


@dataclass(frozen=True)
class LayerStyle:
    """How one field layer is coloured."""

    name: str
    title: str
    cmap: str
    vmin: float
    vmax: float
    unit: str


_COUNTRY = {m.name: m for m in COUNTRY_METRICS}
# layer name -> (title, colour map); ranges and units come from sim.outcomes.
_LOOK = {
    "nato_influence": ("NATO influence", "Blues"),
    "russia_influence": ("Russian influence", "Reds"),
    "alignment": ("Alignment (NATO +, Russia −)", "RdBu"),
    "stability": ("Stability", "RdYlGn"),
    "jihadist": ("Jihadist activity", "YlOrBr"),
    "naval_presence": ("Naval presence, NATO + Russia", "PuBu"),
}
# Naval presence has no country metric: a zone's NATO level is at most the scenario's
# cap (sim.scenario.Policy.naval_presence) and Russia's is of the same order; the top of
# the colour scale is where the sum saturates visually.
NAVAL_SCALE_MAX = 3.0


def layer_style(name: str) -> LayerStyle:
    """The style of a model layer; ValueError naming the layers for an unknown one."""
    if name not in LAYERS:
        raise ValueError(f"unknown layer {name!r}; allowed: {', '.join(LAYERS)}")
    title, cmap = _LOOK[name]
    metric = _COUNTRY.get(name)
    if metric is not None:
        return LayerStyle(name, title, cmap, metric.low, metric.high, metric.unit)
    return LayerStyle(name, title, cmap, 0.0, NAVAL_SCALE_MAX, "presence level")


LAYER_TITLES = {name: _LOOK[name][0] for name in LAYERS}


@dataclass(frozen=True)
class MarkerStyle:
    """A kind of agent as drawn on the map and in the legend."""

    label: str
    marker: str
    colour: str
    edge: str = "black"


MARKERS = {
    "capital": MarkerStyle("Capital (fill: alignment)", "o", "#ffffff"),
    "deployment": MarkerStyle("Russian forces (size: presence)", "*", "#c0392b"),
    "base_open": MarkerStyle("Russian base, open", "^", "#8e1b10"),
    "base_talks": MarkerStyle("Russian base, in talks", "^", "none", "#8e1b10"),
    "nato_naval": MarkerStyle("Allied navies (size: presence)", "D", "#1f4e9c"),
    "russia_naval": MarkerStyle("Russian navy (size: presence)", "D", "#c0392b"),
    "jihadist": MarkerStyle("Jihadist groups (size: activity)", "X", "#6e4b1f"),
    "dcb": MarkerStyle("DCB package under way", "s", "none", "#1f4e9c"),
}
# Size of a marker per unit of the quantity it shows (points^2), and the smallest drawn.
MARKER_AREA = {
    "deployment": 260.0,
    "naval": 160.0,
    "jihadist": 220.0,
    "capital": 34.0,
    "dcb": 110.0,
}
JIHADIST_SHOWN_ABOVE = 0.05
