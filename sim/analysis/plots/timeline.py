"""The event log of one run on a time line: one row per country (or per kind, for
events with no country such as summits and naval incidents), one marker shape per kind
of event, realignments split by the camp a state moved to.

This is the "what happened, in what order" view that makes a single run explainable;
the causes themselves are in the events table (``cause``) and in notebook 03.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from .. import style
from ..load import require
from ..summaries import realignments

DEFAULT_EXCLUDE = ("naval_incident",)
"""Naval incidents are frequent and have no country: counted in the caption instead."""


def _labelled(events: pd.DataFrame) -> pd.DataFrame:
    ev = events.copy()
    ev["label"] = ev["kind"].astype(str).str.replace("_", " ")
    re_ = ev["kind"] == "realignment"
    if re_.any():
        camps = realignments(ev)["camp_to"].fillna("?").to_numpy()
        ev.loc[re_, "label"] = ["realignment to " + c for c in camps]
    iso = ev["iso3"].fillna("").astype(str)
    ev["row"] = iso.where(iso != "", "(" + ev["kind"].astype(str).str.replace("_", " ") + ")")
    return ev


def timeline_plot(
    events: pd.DataFrame,
    run_id: str | None = None,
    exclude: Sequence[str] = DEFAULT_EXCLUDE,
    countries: Sequence[str] | None = None,
    title: str | None = None,
    width: float = 7.5,
) -> Figure:
    """Events of one run against time.

    Args:
        events: the batch's event table (or one run's events with a run_id column).
        run_id: which run (default: the first run in the table).
        exclude: event kinds left out (default: naval incidents, counted in the caption).
        countries: only these iso3 rows (default: every row with an event).
        title: figure title.
        width: figure width in inches (the height follows the number of rows).
    """
    require(events, ("run_id", "date", "kind", "iso3", "cause"), "events")
    if run_id is None:
        if events.empty:
            raise ValueError("events: the table is empty; there is no run to show")
        run_id = events["run_id"].iloc[0]
    run = events[events["run_id"] == run_id]
    if run.empty:
        raise ValueError(f"run_id {run_id!r} has no events in the table")
    scenario = str(run["scenario"].iloc[0]) if "scenario" in run else ""
    seed = f", seed {run['seed'].iloc[0]}" if "seed" in run else ""
    skipped = run[run["kind"].isin(exclude)]
    ev = _labelled(run[~run["kind"].isin(exclude)])
    if countries is not None:
        ev = ev[ev["iso3"].isin(list(countries))]
    ev = ev.assign(x=pd.to_datetime(ev["date"], format="%Y-%m"))
    rows = list(ev.sort_values("x").drop_duplicates("row")["row"])[::-1]
    ypos = {r: i for i, r in enumerate(rows)}
    labels = list(dict.fromkeys(sorted(ev["label"])))
    looks = style.looks(labels)
    fig, ax = style.new_figure(size=(width, 1.4 + 0.22 * max(len(rows), 3)))
    with style.styled():
        for i, lab in enumerate(labels):
            e = ev[ev["label"] == lab]
            lk = looks[lab]
            # small vertical offsets keep two kinds in one month apart
            off = (i % 3 - 1) * 0.18
            ax.plot(
                e["x"],
                e["row"].map(ypos) + off,
                linestyle="none",
                marker=lk.marker,
                color=lk.colour,
                markersize=5.5,
                markerfacecolor=lk.colour if i % 2 == 0 else "white",
                label=lab,
            )
        ax.set_yticks(range(len(rows)), rows)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel("month")
        style.year_axis(ax, (ev["x"].max() - ev["x"].min()).days / 365 if len(ev) else None)
        ax.set_title(title or f"Event log of run {run_id} ({scenario}{seed})")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7)
    first, last = run["date"].min(), run["date"].max()
    dropped = ", ".join(
        f"{n} {k.replace('_', ' ')}(s)" for k, n in skipped["kind"].value_counts().items()
    )
    style.caption(
        fig,
        f"Events of run {run_id} of {scenario}{seed}, {first} to {last}; one row per country "
        f"(rows in brackets: events without a country)."
        + (f" Not shown: {dropped}." if dropped else ""),
    )
    return fig
