"""Summaries of a batch's tidy frames that the plots and the report draw: quantile bands
over replicates, probabilities across replicates, times to an event with censoring, and
the realignments of the event log with their drivers.

Every function takes frames in the batch schema (see `sim.batch.load`) and returns a
tidy frame, so a notebook can look at the numbers behind any figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..batch.compare import horizon_date
from ..calendar import parse_month
from ..params import REGISTRY
from .load import require, scenarios_in

BANDS = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles of a fan chart: the median, the 50% band and the 90% band."""


def resolve_date(dates: Sequence[str] | pd.Series, when: str | int | None) -> str:
    """The 'YYYY-MM' month of the data that ``when`` means.

    ``None`` is the last month; a year (``2030`` or ``"2030"``) is read as
    ``southflank compare`` reads a horizon (`sim.batch.compare.horizon_date`: June of
    that year, or the last month when the runs end before it), so a map "in 2030" and an
    effect "in 2030" are the same month; a 'YYYY-MM' month must be present. ValueError
    names the range otherwise.
    """
    have = sorted(set(map(str, dates)))
    if not have:
        raise ValueError("no dates in the data")
    if when is None:
        return have[-1]
    text = str(when).strip()
    if re.fullmatch(r"\d{4}", text):
        month = horizon_date(have, int(text))
        if month is not None:
            return month
    elif text in have:
        return text
    raise ValueError(
        f"date {text!r} is not in the data; use YYYY or YYYY-MM between {have[0]} and {have[-1]}"
    )


def quantile_bands(
    monthly: pd.DataFrame,
    metric: str,
    scenarios: Sequence[str] | None = None,
    quantiles: Sequence[float] = BANDS,
) -> pd.DataFrame:
    """Per scenario and month, quantiles of ``metric`` over runs (replicates, points).

    Returns columns scenario, date, n_runs and one column per quantile named
    ``q05``, ``q25``, ``q50``, ... (percent, two digits).
    """
    require(monthly, ("scenario", "date", "run_id", metric), "monthly")
    chosen = scenarios_in(monthly, scenarios)
    df = monthly[monthly["scenario"].isin(chosen)]
    grouped = df.groupby(["scenario", "date"], sort=False)[metric]
    q = grouped.quantile(list(quantiles)).unstack()
    q.columns = [f"q{round(100 * c):02d}" for c in q.columns]
    q["n_runs"] = grouped.size()
    q = q.reset_index()
    order = {s: i for i, s in enumerate(chosen)}
    return q.sort_values(
        ["scenario", "date"], key=lambda c: c.map(order) if c.name == "scenario" else c
    ).reset_index(drop=True)


def russia_aligned_threshold() -> float:
    """Alignment below minus this is 'Russia-aligned' (registry: aligned_threshold)."""
    return float(REGISTRY["aligned_threshold"].default)


def country_values(
    countries: pd.DataFrame,
    metric: str,
    date: str | int | None = None,
    scenarios: Sequence[str] | None = None,
    below: float | None = None,
    above: float | None = None,
    stat: str = "median",
) -> pd.DataFrame:
    """Per scenario and country at one month: a statistic of ``metric`` over runs, or the
    probability that it is below / above a threshold.

    With ``below`` or ``above`` the value is the share of runs meeting the condition
    (e.g. P(alignment < -0.2) = P(Russia-aligned)); otherwise ``stat`` ('median' or
    'mean') of the metric. Returns columns scenario, iso3, value, n_runs, and the
    resolved ``date``.
    """
    require(countries, ("scenario", "date", "run_id", "iso3", metric), "countries")
    if stat not in ("median", "mean"):
        raise ValueError(f"stat={stat!r}; allowed: median, mean")
    chosen = scenarios_in(countries, scenarios)
    month = resolve_date(countries["date"], date)
    df = countries[(countries["date"] == month) & countries["scenario"].isin(chosen)]
    x = df[metric].astype(float)
    if below is not None and above is not None:
        value = (x < below) & (x > above)
    elif below is not None:
        value = x < below
    elif above is not None:
        value = x > above
    else:
        value = x
    g = value.astype(float).groupby([df["scenario"], df["iso3"]], sort=False)
    out = (g.agg(stat if below is None and above is None else "mean")).rename("value").to_frame()
    out["n_runs"] = g.size()
    out = out.reset_index()
    out["date"] = month
    return out


def time_to_event(monthly: pd.DataFrame, events: pd.DataFrame, kind: str, **match) -> pd.DataFrame:
    """Months from each run's start until the first event of ``kind`` (with detail
    columns equal to ``match``, e.g. ``site='derna'``), censored where it never happens.

    Every run of ``monthly`` counts, including runs with no event at all; a run without
    the event is censored at its last recorded month, so runs of different lengths (or
    runs cut short) are handled. An event in the first month is at 0 months.

    Returns one row per run: run_id, scenario, months, observed (bool), date (of the
    event, or '' if censored).
    """
    require(monthly, ("run_id", "scenario", "date"), "monthly")
    # detail columns exist only if some event carried them: a missing one matches nothing
    require(events, ("run_id", "date", "kind"), "events")
    runs = monthly.groupby("run_id", sort=False).agg(
        scenario=("scenario", "first"), start=("date", "min"), end=("date", "max")
    )
    hit = events["kind"] == kind
    for col, want in match.items():
        hit &= events[col].astype(str) == str(want) if col in events else False
    first = events[hit].groupby("run_id")["date"].min()
    first = first[first.index.isin(runs.index)]
    start = runs["start"].map(parse_month)
    end = runs["end"].map(parse_month)
    when = pd.Series(runs.index.map(first), index=runs.index, dtype=object)
    observed = when.notna()
    when = when.where(observed, "")
    months = np.where(
        observed, when.where(observed, runs["start"]).map(parse_month) - start, end - start
    )
    return pd.DataFrame(
        {
            "run_id": runs.index,
            "scenario": runs["scenario"].to_numpy(),
            "months": months.astype(int),
            "observed": observed.to_numpy(),
            "date": when.to_numpy(),
        }
    ).reset_index(drop=True)


def kaplan_meier(tte: pd.DataFrame, z: float = 1.96) -> pd.DataFrame:
    """Kaplan-Meier estimate of the share of runs still without the event, per scenario.

    Kaplan and Meier (1958); the band is Greenwood's variance with a normal interval,
    clipped to [0, 1] (``z`` = 1.96 for 95%). Input: the output of `time_to_event`.
    Returns scenario, months, at_risk, events, censored, survival, low, high; the first
    row of each scenario is month 0 before any event (survival 1).
    """
    require(tte, ("scenario", "months", "observed"), "time-to-event table")
    rows = []
    for scenario in dict.fromkeys(tte["scenario"]):
        d = tte[tte["scenario"] == scenario]
        s, var_sum = 1.0, 0.0
        rows.append((scenario, 0, len(d), 0, 0, 1.0, 1.0, 1.0))
        for t in sorted(d["months"].unique()):
            at_risk = int((d["months"] >= t).sum())
            n_events = int(((d["months"] == t) & d["observed"]).sum())
            n_cens = int(((d["months"] == t) & ~d["observed"]).sum())
            if n_events:
                s *= 1.0 - n_events / at_risk
                if at_risk > n_events:
                    var_sum += n_events / (at_risk * (at_risk - n_events))
            half = z * s * np.sqrt(var_sum)
            rows.append(
                (
                    scenario,
                    int(t),
                    at_risk,
                    n_events,
                    n_cens,
                    s,
                    max(s - half, 0.0),
                    min(s + half, 1.0),
                )
            )
    cols = ["scenario", "months", "at_risk", "events", "censored", "survival", "low", "high"]
    out = pd.DataFrame(rows, columns=cols)
    # month 0 may also carry events: keep the later (post-event) row for it
    return out.drop_duplicates(["scenario", "months"], keep="last").reset_index(drop=True)


_REALIGN = re.compile(
    r"^(?P<camp_from>.+?) -> (?P<camp_to>.+?): largest change since the last shift was "
    r"(?P<driver>.+?) \((?P<driver_change>[+-]?\d+(?:\.\d+)?) on alignment\)"
)


def realignments(events: pd.DataFrame) -> pd.DataFrame:
    """The realignment events (a state changing camp) with their parts spelled out:
    camp_from, camp_to, driver (the largest of the four contributions' changes since
    the state's last change of camp, see sim.mechanisms.influence) and driver_change.

    Uses detail columns of those names where the log has them, else reads them from the
    event's cause text.
    """
    require(events, ("kind", "iso3", "date", "cause"), "events")
    df = events[events["kind"] == "realignment"].copy()
    parsed = df["cause"].astype(str).str.extract(_REALIGN)
    for col in ("camp_from", "camp_to", "driver", "driver_change"):
        if col not in df.columns or df[col].isna().all():
            df[col] = parsed[col]
    df["driver_change"] = pd.to_numeric(df["driver_change"], errors="coerce")
    return df.reset_index(drop=True)
