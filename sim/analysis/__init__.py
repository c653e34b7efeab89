"""Analysis of batch results: tidy frames in, tables and figures out.

One small library beneath the notebooks, the ``southflank report`` brief and anyone's
own scripts, so that all of them show the same numbers drawn the same way::

    from sim import analysis as sa
    b = sa.load("results/demo")                        # .monthly .countries .events .runs
    sa.fan_chart(b.monthly, "russia_influence_share")  # a matplotlib Figure
    fx = sa.paired_effects(b.monthly, "hague_2025_baseline")
    sa.forest_plot(fx)
    sa.region_map(b.countries, "alignment", 2030, below=-0.2)  # P(Russia-aligned)

Modules: `load` (reading a batch, input checks), `effects` (paired effects, shared with
``southflank compare``), `summaries` (bands, probabilities, time to event,
realignments), `plots` (one module per figure kind), `style` (the one look), `brief`
(what the brief says) and `report` (writing it as HTML and Markdown).
"""

from .effects import HEADLINE, HORIZONS, paired_effects
from .load import load, results_dir
from .plots import fan_chart, forest_plot, region_map, survival_plot, timeline_plot
from .summaries import (
    country_values,
    kaplan_meier,
    quantile_bands,
    realignments,
    resolve_date,
    russia_aligned_threshold,
    time_to_event,
)

__all__ = [
    "results_dir",
    "HEADLINE",
    "HORIZONS",
    "country_values",
    "fan_chart",
    "forest_plot",
    "kaplan_meier",
    "load",
    "paired_effects",
    "quantile_bands",
    "realignments",
    "region_map",
    "resolve_date",
    "russia_aligned_threshold",
    "survival_plot",
    "time_to_event",
    "timeline_plot",
]
