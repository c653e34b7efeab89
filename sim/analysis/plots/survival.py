"""Time-to-event curves: how soon something happens (e.g. a Russian naval base at Derna
opens), as the Kaplan-Meier share of runs in which it has not happened yet.

Runs in which it never happens before the end are censored, not dropped: dropping them
would make the event look sooner and surer than the runs say.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from .. import style
from ..load import scenarios_in
from ..summaries import kaplan_meier, time_to_event


def survival_plot(
    monthly: pd.DataFrame,
    events: pd.DataFrame,
    kind: str,
    scenarios: Sequence[str] | None = None,
    title: str | None = None,
    what: str | None = None,
    size: tuple[float, float] = (7.0, 3.8),
    scheduled: dict[str, str] | None = None,
    **match,
) -> Figure:
    """Kaplan-Meier curves of the months until the first event of ``kind``.

    Args:
        monthly: the batch's monthly table (gives every run, its start and its end).
        events: the batch's event table.
        kind: event kind, e.g. ``"base_opened"``.
        scenarios: which scenarios (default: all, in batch order).
        title: figure title.
        what: words for the event in labels (default: kind and match values).
        size: figure size in inches.
        scheduled: scenario -> the month its scenario file makes the event happen
            (`sim.analysis.summaries.time_to_event`), counted like a model event.
        **match: event detail columns that must equal these values, e.g. ``site="derna"``.
    """
    chosen = scenarios_in(monthly, scenarios)
    tte = time_to_event(monthly[monthly["scenario"].isin(chosen)], events, kind, scheduled, **match)
    km = kaplan_meier(tte)
    what = what or " ".join([kind.replace("_", " "), *map(str, match.values())])
    looks = style.looks(chosen)
    fig, ax = style.new_figure(size=size)
    start = monthly["date"].min()
    with style.styled():
        for name in chosen:
            k = km[km["scenario"] == name]
            t = tte[tte["scenario"] == name]
            lk = looks[name]
            ax.step(
                k["months"],
                k["survival"],
                where="post",
                color=lk.colour,
                linestyle=lk.linestyle,
                linewidth=1.5,
                label=f"{name} ({int(t['observed'].sum())} of {len(t)} runs)",
            )
            ax.fill_between(
                k["months"],
                k["low"],
                k["high"],
                step="post",
                facecolor=lk.colour,
                alpha=0.1,
                hatch=lk.hatch,
                edgecolor=lk.colour,
                linewidth=0,
            )
            cens = k[k["censored"] > 0]
            ax.plot(
                cens["months"],
                cens["survival"],
                linestyle="none",
                marker=lk.marker,
                markersize=5,
                markerfacecolor="white",
                color=lk.colour,
            )
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel(f"months since the start ({start})")
        ax.set_ylabel("share of runs where it has not happened")
        ax.set_title(title or f"Time until {what}")
        ax.legend(loc="best")
    style.caption(
        fig,
        f"Kaplan-Meier estimate of the share of runs in which {what} has not happened yet, "
        f"from {start} to {monthly['date'].max()}, for {style.scenario_list(chosen)}; band: "
        "95% Greenwood interval; open markers: runs that ended without it (censored).",
    )
    return fig
