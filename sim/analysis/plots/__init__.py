"""Figures of a batch: one module per kind, each function taking tidy frames in the
batch schema and returning a matplotlib Figure in the house style (sim.analysis.style).

    fan_chart(monthly, metric)                  quantile bands over replicates
    region_map(countries, metric, ...)          a country metric, or a probability, on the grid
    forest_plot(effects)                        paired policy effects with intervals
    survival_plot(monthly, events, kind, ...)   time until an event, censoring handled
    timeline_plot(events, run_id)               the event log of one run

Figures are built without pyplot's global state, so making hundreds of them in a
report leaks no memory; in a notebook, a Figure on the last line of a cell displays.
"""

from .fan import fan_chart
from .forest import forest_plot
from .maps import region_map
from .survival import survival_plot
from .timeline import timeline_plot

__all__ = ["fan_chart", "forest_plot", "region_map", "survival_plot", "timeline_plot"]
