"""The results explorer page: a batch folder as fan charts and side-by-side maps.

The folder list is the batch folders under ``results/`` (or ``--results DIR`` of
`southflank viz`); any other batch folder can be typed in. Numbers come from
sim.analysis (through sim/viz/resultsdata.py), pictures from sim/viz/results_plots.py.
"""

from __future__ import annotations

from pathlib import Path

import solara

from .. import library
from ..analysis.effects import horizon_date
from ..analysis.summaries import quantile_bands, resolve_date
from ..outcomes import MODEL_METRICS
from ..state import NON_ACTORS
from .results_plots import country_maps, fan_chart
from .resultsdata import (
    MAP_QUANTITIES,
    list_batches,
    load_batch,
    map_values,
    results_root,
)

DEFAULT_METRIC = "russia_influence_share"
DEFAULT_MAP_YEAR = 2030  # the year the source analysis looks to (P(aligned) in 2030-06)
_MAP_LOOK = {
    "russia": ("Reds", 0.0, 1.0),
    "west": ("Blues", 0.0, 1.0),
    "stability": ("RdYlGn", 0.0, 1.0),
}


@solara.component
def BatchSummary(batch):
    runs = batch.runs
    m = batch.monthly
    dates = sorted(m["date"].unique()) if len(m) else []
    scen = sorted(m["scenario"].unique()) if len(m) else []
    ok = int((runs["status"] == "ok").sum()) if "status" in runs.columns else len(runs)
    span = f"{dates[0]} to {dates[-1]}" if dates else "no months"
    solara.Text(
        f"{len(scen)} scenario(s), {ok} of {len(runs)} runs finished, {span}",
        classes=["sf-batch-summary"],
    )


def default_fans(names: list[str]) -> list[str]:
    """The fans shown first: the current course and one other scenario (more fans on
    one axes hide each other; add them, or one panel each, in the page)."""
    first = library.DEFAULT if library.DEFAULT in names else names[0]
    return [first, *[n for n in names if n != first][:1]]


@solara.component
def FanPanel(batch):
    metrics = [m.name for m in MODEL_METRICS if m.name in batch.monthly.columns]
    metric = solara.use_reactive(DEFAULT_METRIC if DEFAULT_METRIC in metrics else metrics[0])
    names = sorted(batch.monthly["scenario"].unique())
    chosen = solara.use_reactive(default_fans(names))
    panels = solara.use_reactive(False)
    with solara.Row(gap="12px"):
        solara.Select("Metric", values=metrics, value=metric)
        solara.SelectMultiple("Scenarios", all_values=names, values=chosen, classes=["sf-fans"])
        solara.Checkbox(label="one panel per scenario", value=panels)
    png = solara.use_memo(
        lambda: fan_chart(
            quantile_bands(batch.monthly, metric.value, list(chosen.value) or None),
            metric.value,
            list(chosen.value),
            panels=panels.value,
        ),
        [id(batch), metric.value, tuple(chosen.value), panels.value],
    )
    solara.Image(png, width="100%", classes=["sf-fan"])


@solara.component
def MapsPanel(batch):
    names = sorted(batch.countries["scenario"].unique())
    dates = sorted(batch.countries["date"].unique())
    # the years whose June (or last month before it) the batch holds
    years = [y for y in sorted({int(d[:4]) for d in dates}) if horizon_date(dates, y)]
    # the current course on the left when the batch has it: the usual comparison
    first = library.DEFAULT if library.DEFAULT in names else names[0]
    others = [n for n in names if n != first] or [first]
    left = solara.use_reactive(first)
    right = solara.use_reactive(others[0])
    year = solara.use_reactive(DEFAULT_MAP_YEAR if DEFAULT_MAP_YEAR in years else years[-1])
    quantity = solara.use_reactive(next(iter(MAP_QUANTITIES)))
    with solara.Row():
        solara.Select("Left", values=names, value=left)
        solara.Select("Right", values=names, value=right)
        solara.Select("Year", values=years, value=year)
        solara.Select("Shown", values=list(MAP_QUANTITIES), value=quantity)

    def draw():
        date = resolve_date(dates, year.value)
        vals = map_values(batch, date, quantity.value)
        per = []
        for name in (left.value, right.value):
            v = vals[vals["scenario"] == name]
            per.append(
                {c: x for c, x in zip(v["iso3"], v["value"], strict=True) if c not in NON_ACTORS}
            )
        cmap, lo, hi = _MAP_LOOK[MAP_QUANTITIES[quantity.value][0]]
        return country_maps(
            per, [f"{left.value}, {date}", f"{right.value}, {date}"], quantity.value, cmap, lo, hi
        )

    png = solara.use_memo(draw, [id(batch), left.value, right.value, year.value, quantity.value])
    solara.Image(png, width="100%", classes=["sf-maps"])
    solara.Text(MAP_QUANTITIES[quantity.value][1], style={"color": "#666", "font-size": "12px"})


@solara.component
def ResultsPage():
    """Pick a batch folder and compare its scenarios."""
    root = results_root()
    folders = [p.name for p in list_batches(root)]
    picked = solara.use_reactive(folders[0] if folders else "")
    typed = solara.use_reactive("")
    path = typed.value or (str(root / picked.value) if picked.value else "")

    def open_batch():
        if not path:
            return None, None
        try:
            return load_batch(path), None
        except Exception as exc:  # a folder that is not a batch: say why, keep the page
            return None, f"{path}: {exc}"

    batch, error = solara.use_memo(open_batch, [path])
    solara.Title("Southern Flank: results")
    with solara.Column(style={"max-width": "1100px"}):
        solara.Markdown("## Results explorer")
        if folders:
            solara.Select(f"Batch folder in {root}", values=folders, value=picked)
        else:
            solara.Info(
                f"No batch folders under {Path(root).resolve()} yet: run "
                "`southflank batch` (or `make demo`), or type a folder below."
            )
        solara.InputText("Or a batch folder path", value=typed, continuous_update=False)
        if error:
            solara.Error(error)
        if batch is None:
            return
        if len(batch.monthly) == 0:
            solara.Warning("This batch has no finished runs yet.")
            return
        BatchSummary(batch)
        solara.Markdown("### Over time: median, 50% and 90% of runs")
        FanPanel(batch)
        solara.Markdown("### Side by side")
        MapsPanel(batch)
