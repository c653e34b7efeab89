"""Summaries of a batch's tidy frames that the plots and the report draw: quantile bands
over replicates, probabilities across replicates, times to an event with censoring, and
the realignments of the event log with their drivers.

Every function takes frames in the batch schema (see `sim.batch.load`) and returns a
tidy frame, so a notebook can look at the numbers behind any figure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..batch.compare import horizon_date
from ..calendar import horizon_month, parse_month
from ..params import REGISTRY
from .load import require, scenarios_in

BANDS = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Quantiles of a fan chart: the median, the 50% band and the 90% band."""


def resolve_date(dates: Sequence[str] | pd.Series, when: str | int | None) -> str:
    """The 'YYYY-MM' month of the data that ``when`` means.

    ``None`` is the last month; a year (``2030`` or ``"2030"``) is read as every
    horizon is (`sim.calendar.horizon_month`: June of that year, the end of a model
    year; the last month when the runs end before it), so a map "in 2030", an effect
    "in 2030" and the results explorer's 2030 are the same month; a 'YYYY-MM' month
    must be present. ValueError names the range otherwise.
    """
    have = sorted(set(map(str, dates)))
    if not have:
        raise ValueError("no dates in the data")
    if when is None:
        return have[-1]
    text = str(when).strip()
    if re.fullmatch(r"\d{4}", text):
        month = horizon_date(have, horizon_month(text))
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
    """The default threshold: alignment below minus this is 'Russia-aligned' (registry:
    aligned_threshold). A run that overrides it uses its own (`run_thresholds`)."""
    return float(REGISTRY["aligned_threshold"].default)


def run_thresholds(runs: pd.DataFrame | None, manifest: dict | None = None) -> pd.Series:
    """run_id -> the aligned_threshold each run used: the one alignment threshold of
    every map and probability. A run's own override (its ``params_json``, e.g. a design
    point varying it), else the batch's default (the manifest's parameter_defaults),
    else the registry's."""
    default = float(
        ((manifest or {}).get("parameter_defaults") or {}).get(
            "aligned_threshold", russia_aligned_threshold()
        )
    )
    if runs is None or "run_id" not in runs.columns:
        return pd.Series(dtype=float, name="threshold")
    blobs = runs["params_json"] if "params_json" in runs.columns else [None] * len(runs)
    values = [
        float(json.loads(b).get("aligned_threshold", default))
        if isinstance(b, str) and b
        else default
        for b in blobs
    ]
    return pd.Series(values, index=runs["run_id"].to_numpy(), name="threshold")


ALIGNED = ("russia", "west")


def _condition(
    df: pd.DataFrame,
    metric: str,
    below: float | None,
    above: float | None,
    aligned: str | None,
    thresholds: pd.Series | None,
) -> pd.Series | None:
    """Per row, whether the condition of a probability holds (None: no condition)."""
    x = df[metric].astype(float)
    if aligned is not None:
        default = russia_aligned_threshold()
        t = df["run_id"].map(thresholds if thresholds is not None else {}).astype(float)
        t = t.fillna(default)
        return x < -t if aligned == "russia" else x > t
    if below is not None and above is not None:
        return (x < below) & (x > above)
    if below is not None:
        return x < below
    if above is not None:
        return x > above
    return None


def country_values(
    countries: pd.DataFrame,
    metric: str,
    date: str | int | None = None,
    scenarios: Sequence[str] | None = None,
    below: float | None = None,
    above: float | None = None,
    stat: str = "median",
    aligned: str | None = None,
    runs: pd.DataFrame | None = None,
    manifest: dict | None = None,
) -> pd.DataFrame:
    """Per scenario and country at one month: a statistic of ``metric`` over runs, or the
    probability that it is below / above a threshold, or that a state is aligned.

    With ``below`` or ``above`` the value is the share of runs meeting the condition;
    with ``aligned`` ('russia' or 'west', on ``metric="alignment"``) the share of runs in
    which the state is in that camp by each run's own threshold (`run_thresholds` of
    ``runs`` and ``manifest``; the default threshold without them); otherwise ``stat``
    ('median' or 'mean') of the metric. Returns columns scenario, iso3, value, n_runs,
    and the resolved ``date``.
    """
    require(countries, ("scenario", "date", "run_id", "iso3", metric), "countries")
    if stat not in ("median", "mean"):
        raise ValueError(f"stat={stat!r}; allowed: median, mean")
    if aligned is not None and aligned not in ALIGNED:
        raise ValueError(f"aligned={aligned!r}; allowed: {', '.join(ALIGNED)}")
    chosen = scenarios_in(countries, scenarios)
    month = resolve_date(countries["date"], date)
    df = countries[(countries["date"] == month) & countries["scenario"].isin(chosen)]
    thresholds = run_thresholds(runs, manifest) if aligned is not None else None
    hit = _condition(df, metric, below, above, aligned, thresholds)
    value = df[metric].astype(float) if hit is None else hit.astype(float)
    g = value.groupby([df["scenario"], df["iso3"]], sort=False)
    out = g.agg(stat if hit is None else "mean").rename("value").to_frame()
    out["n_runs"] = g.size()
    out = out.reset_index()
    out["date"] = month
    return out


def time_to_event(
    monthly: pd.DataFrame,
    events: pd.DataFrame,
    kind: str,
    scheduled: Mapping[str, str] | None = None,
    **match,
) -> pd.DataFrame:
    """Months from each run's start until the first event of ``kind`` (with detail
    columns equal to ``match``, e.g. ``site='derna'``), censored where it never happens.

    ``scheduled`` maps a scenario to the month ('YYYY-MM') at which its scenario file
    makes the same thing happen (e.g. a ``basing_agreement`` opening Derna): every run
    of that scenario counts it then, if the model has not done it earlier. The event
    log records the scheduled event under its own kind, so without this a forced
    opening would be missed.

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
    for name, month in (scheduled or {}).items():
        ids = runs.index[(runs["scenario"] == name) & (runs["start"] <= month)]
        forced = pd.Series(month, index=ids)
        first = pd.concat([first, forced]).groupby(level=0).min()
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
