"""Paired comparisons of scenarios against a baseline, with confidence intervals.

In a batch, replicate i of every scenario and design point runs with the same seed
(common random numbers), so the fair comparison is paired: for each (point,
replicate) take the scenario's value minus the baseline's, then a Student t interval
over those differences. Pairing removes the noise the two runs share, so intervals are
much narrower than a comparison of two independent samples.

A horizon is a month: a bare year Y means June of Y (the end of a model year,
`sim.calendar.horizon_month`), 'YYYY-MM' that month; it is read at the last month
present when the run ends before it, and left out when it is before the run starts.

Verdicts: ``too few replicates to tell`` when fewer than MIN_PAIRS pairs exist (an
interval from two points says little), ``no clear difference`` when the interval
contains 0, otherwise ``higher`` or ``lower`` than the baseline.

These are plain functions on the ``monthly`` frame of `sim.batch.load`, so the
analysis library and notebooks use the same statistics as `southflank compare`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..calendar import HORIZON_MONTH, horizon_month, parse_month
from ..errors import ArgumentError
from ..outcomes import (
    CAMPS,
    COUNTRY_METRICS,
    HEADLINE,
    MEASURES,
    MODEL_METRICS,
    Measure,
    country_measure,
    window_words,
)
from ..params import suggest

DEFAULT_HORIZONS = (2027, 2030, 2035)
# re-exported: the horizon's one meaning lives in sim.calendar
__all__ = ["HORIZON_MONTH", "horizon_date", "paired_effects", "paired_interval"]
CONFIDENCE = 0.95
MIN_PAIRS = 3
TOO_FEW = "too few replicates to tell"
NO_CLEAR = "no clear difference"
NEGLIGIBLE = "negligible"
PAIR_KEYS = ("point", "replicate", "seed")
COLUMNS = (
    "scenario",
    "metric",
    "horizon",
    "date",
    "statistic",
    "n",
    "baseline_mean",
    "scenario_mean",
    "difference",
    "ci_low",
    "ci_high",
    "verdict",
    "negligible_below",
    "draws",
    "draw_median",
    "draw_p05",
    "draw_p95",
    "within_halfwidth",
)
"""Columns of `paired_effects`: the pooled paired difference with its interval and
verdict; the minimum meaningful change it was judged against; and, over the design's
points (the draws of an uncertain batch), the median and 5-95% range of the points'
mean effects and the median half-width of the replicate interval within a point."""


def _roster() -> dict[str, str]:
    from ..roster import load_roster

    t = load_roster().table
    return {str(code): str(t.at[code, "name"]) for code in t.index}


def country_metric(name: str) -> tuple[str, str] | None:
    """("DZA", "alignment") for "DZA.alignment" (None for a model metric); a state's
    name stands for its code ("Algeria.alignment"). ArgumentError (``metrics``) for an
    unknown state or country metric."""
    if "." not in name:
        return None
    who, _, what = name.partition(".")
    roster = _roster()
    by_name = {v.lower(): k for k, v in roster.items()}
    iso3 = who.upper() if who.upper() in roster else by_name.get(who.lower())
    if iso3 is None:
        raise ArgumentError(
            "metrics",
            f"{name!r}: unknown state {who!r}{suggest(who.upper(), roster)}; "
            "use an ISO3 code or a name of the roster (`southflank parameters` lists "
            "metrics; sim/data/actors.csv the states)",
        )
    allowed = [m.name for m in COUNTRY_METRICS] + ["camp", *CAMPS]
    if what not in allowed:
        raise ArgumentError(
            "metrics",
            f"{name!r}: unknown country metric {what!r}{suggest(what, allowed)}; "
            f"allowed: {', '.join(allowed)}",
        )
    return iso3, what


def check_metrics(metrics: Iterable[str] | None) -> list[str]:
    """The metric names to compare (sim.outcomes.HEADLINE by default); ArgumentError
    (``metrics``) naming the allowed names for an unknown one.

    Country metrics are "ISO3.metric" (``DZA.alignment``); ``ISO3.camp`` expands to the
    state's three camp probabilities (``ISO3.p_west``, ``ISO3.p_hedging``,
    ``ISO3.p_russia``). Names are returned in their canonical form (ISO3 codes)."""
    if metrics is None:
        return list(HEADLINE)
    known = [m.name for m in MODEL_METRICS]
    out = []
    for m in metrics:
        spec = country_metric(m)
        if spec is not None:
            iso3, what = spec
            out += [f"{iso3}.{c}" for c in CAMPS] if what == "camp" else [f"{iso3}.{what}"]
            continue
        if m not in known:
            raise ArgumentError(
                "metrics",
                f"unknown metric {m!r}{suggest(m, known)}; allowed: {', '.join(known)} "
                "or a country metric ISO3.metric (e.g. DZA.alignment, MRT.camp)",
            )
        out.append(m)
    return list(dict.fromkeys(out))


def measure_of(metric: str) -> Measure:
    """How a metric is judged (sim.outcomes.MEASURES; country metrics by
    `sim.outcomes.country_measure`; other model metrics read as levels, lower better,
    with no minimum meaningful change)."""
    if metric in MEASURES:
        return MEASURES[metric]
    spec = country_metric(metric)
    if spec is not None:
        return country_measure(spec[0], spec[1], _roster().get(spec[0]))
    unit = {m.name: m.unit for m in MODEL_METRICS}.get(metric, "")
    label = {m.name: m.description for m in MODEL_METRICS}.get(metric, metric)
    flow = unit.endswith("per month")
    return Measure(
        label,
        unit.removesuffix(" per month") if flow else unit,
        -1,
        "not declared: lower is taken as better",
        12 if flow else None,
        "a flow is summed over a year" if flow else "a level",
        0.0,
        "not declared",
        math.nan,
        "not declared",
        headline=False,
    )


def check_window(window: int | str | None) -> int | str | None:
    """None (each metric's declared statistic), a number of months >= 1 or "cum";
    ArgumentError (``window``) otherwise."""
    if window is None or window == "cum":
        return window
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ArgumentError(
            "window", f"give a number of months (1 or more) or 'cum', got {window!r}"
        )
    return window


def effective_window(metric: str, window: int | str | None) -> int | str | None:
    """The window a metric is read over: levels are always read at the horizon (None);
    counts and flows over `window`, or their declared window when it is None."""
    m = measure_of(metric)
    if m.window is None:
        return None
    return m.window if window is None else window


def window_dates(dates: Iterable[str], date: str, window: int | str | None) -> list[str]:
    """The months of `dates` a statistic reads at `date`: the month itself for a level,
    the `window` months up to it, or every month up to it ("cum")."""
    if window is None:
        return [date]
    end = parse_month(date)
    start = -math.inf if window == "cum" else end - int(window) + 1
    return sorted(d for d in set(dates) if start <= parse_month(d) <= end)


def statistic_rows(
    df: pd.DataFrame,
    date: str,
    metrics: Sequence[str],
    window: int | str | None = None,
    keys: Sequence[str] = PAIR_KEYS,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Per run (`keys`), each metric's statistic at `date`: its level, or its sum over
    the window (`effective_window`). Returns the frame and, per metric, the number of
    months read (1 for a level)."""
    keys = list(keys)
    groups: dict[object, list[str]] = {}
    for m in metrics:
        groups.setdefault(effective_window(m, window), []).append(m)
    out = None
    months: dict[str, int] = {}
    for w, names in groups.items():
        chosen = window_dates(df["date"].unique(), date, w)
        part = df.loc[df["date"].isin(chosen), keys + names]
        if w is not None:
            part = part.groupby(keys, as_index=False, sort=False)[names].sum()
        months.update({m: len(chosen) for m in names})
        out = part if out is None else out.merge(part, on=keys)
    if out is None:
        out = df.loc[df["date"] == date, keys]
    return out, months


def with_country_metrics(
    monthly: pd.DataFrame,
    countries: pd.DataFrame,
    metrics: Sequence[str],
    runs: pd.DataFrame | None = None,
    manifest: dict | None = None,
) -> pd.DataFrame:
    """`monthly` with a column per country metric of `metrics` ("DZA.alignment",
    "MRT.p_russia"), read from the batch's ``countries`` table. A camp indicator is 1
    in a run where the state is in that camp by the run's own alignment threshold
    (`sim.analysis.summaries.run_thresholds`)."""
    specs = [(m, country_metric(m)) for m in metrics]
    specs = [(m, s) for m, s in specs if s is not None]
    if not specs:
        return monthly
    from ..analysis.summaries import run_thresholds

    keys = ["run_id", "date"]
    wanted = sorted({iso for _, (iso, _) in specs})
    c = countries[countries["iso3"].isin(wanted)]
    thresholds = run_thresholds(runs, manifest)
    default = float((manifest or {}).get("parameter_defaults", {}).get("aligned_threshold", 0.2))
    cols = {}
    for name, (iso3, what) in specs:
        rows = c[c["iso3"] == iso3]
        if what in CAMPS:
            t = rows["run_id"].map(thresholds).astype(float).fillna(default)
            a = rows["alignment"].astype(float)
            camp = (a > t).astype(int) - (a < -t).astype(int)
            value = (camp == CAMPS[what][1]).astype(float)
        else:
            value = rows[what].astype(float)
        cols[name] = pd.Series(value.to_numpy(), index=pd.MultiIndex.from_frame(rows[keys]))
    wide = pd.DataFrame(cols).reset_index()
    return monthly.merge(wide, on=keys, how="left")


def horizon_date(dates: Iterable[str], when: int | str) -> str | None:
    """The month that stands for a horizon (a year or 'YYYY-MM', `horizon_month`)
    among the dates present: itself, or the last month when the runs end before it."""
    dates = sorted(set(dates))
    if not dates:
        return None
    target = horizon_month(when)
    if target in dates:
        return target
    if dates[-1] < target:
        return dates[-1]
    return None


def paired_interval(diff: np.ndarray, confidence: float = CONFIDENCE):
    """Mean of paired differences and its Student t confidence interval: the project's
    one estimator of a difference under common random numbers.

    `diff` holds the differences along its last axis: a 1-D array gives three floats
    (mean, low, high); an array of several rows (e.g. design points x replicates) gives
    three arrays, one value per row. With fewer than two pairs the bounds are NaN.
    """
    diff = np.asarray(diff, dtype=float)
    n = diff.shape[-1]
    mean = np.full(diff.shape[:-1], math.nan) if n == 0 else diff.mean(axis=-1)
    if n < 2:
        low = high = np.full(np.shape(mean), math.nan)
    else:
        from scipy import stats  # imported here: a batch's head process never needs it

        se = diff.std(axis=-1, ddof=1) / math.sqrt(n)
        half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * se
        low, high = mean - half, mean + half
    if diff.ndim == 1:
        return float(mean), float(low), float(high)
    return mean, low, high


def verdict(n: int, low: float, high: float, mean: float = math.nan, small: float = 0.0) -> str:
    """The word for a paired difference: too few pairs to tell; negligible (smaller
    than the metric's minimum meaningful change `small`, whatever its interval); no
    clear difference (the interval contains 0); higher or lower."""
    if n < MIN_PAIRS or math.isnan(low):
        return TOO_FEW
    if small > 0 and abs(mean) < small:
        return NEGLIGIBLE
    if low <= 0.0 <= high:
        return NO_CLEAR
    return "higher" if low > 0 else "lower"


def negligible_below(metric: str, months: int) -> float:
    """The minimum meaningful change of a metric's statistic read over `months` months
    (declared per 12 months for sums, sim.outcomes.Measure)."""
    m = measure_of(metric)
    if m.window is None or months <= 1:
        return float(m.negligible)
    return float(m.negligible) * months / 12


def draw_summary(diff: np.ndarray, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Over the points (draws) of a (points, replicates) array of paired differences:
    the number of draws, the median and 5th and 95th percentiles of the draws' mean
    effects, and the median half-width of the replicate interval within a draw."""
    d = np.asarray(diff, dtype=float)
    if d.size == 0:
        return dict.fromkeys(
            ("draws", "draw_median", "draw_p05", "draw_p95", "within_halfwidth"), math.nan
        )
    mean, low, high = paired_interval(d, confidence)
    mean = np.atleast_1d(mean)
    half = np.atleast_1d((np.asarray(high) - np.asarray(low)) / 2)
    return {
        "draws": len(mean),
        "draw_median": float(np.median(mean)),
        "draw_p05": float(np.percentile(mean, 5)),
        "draw_p95": float(np.percentile(mean, 95)),
        "within_halfwidth": float(np.median(half)) if np.isfinite(half).any() else math.nan,
    }


def point_matrix(pairs: pd.DataFrame, column: str) -> np.ndarray:
    """A (points, replicates) array of one column of paired rows; points with missing
    replicates are dropped (a design point must have every replicate to be compared)."""
    if pairs.empty:
        return np.empty((0, 0))
    ordered = pairs.sort_values(["point", "replicate"], kind="stable")
    counts = ordered["point"].value_counts()
    n_reps = ordered["replicate"].nunique()
    if (counts == n_reps).all() and not ordered.duplicated(["point", "replicate"]).any():
        return ordered[column].to_numpy(dtype=float).reshape(len(counts), n_reps)
    table = pairs.pivot_table(index="point", columns="replicate", values=column, aggfunc="first")
    return table.dropna().to_numpy(dtype=float)


def paired_effects(
    monthly_df: pd.DataFrame,
    baseline: str,
    horizons: Sequence[int | str] = DEFAULT_HORIZONS,
    metrics: Sequence[str] | None = None,
    *,
    by_point: bool = False,
    confidence: float = CONFIDENCE,
    window: int | str | None = None,
) -> pd.DataFrame:
    """Each scenario's paired difference from the baseline per metric and horizon.

    Args:
        monthly_df: the ``monthly`` table of a batch (columns scenario, point,
            replicate, seed, date and the metrics; country metrics as added by
            `with_country_metrics`).
        baseline: the baseline scenario's name.
        horizons: years (read at June) or 'YYYY-MM' months (or the last month present).
        metrics: metric names (default: sim.outcomes.HEADLINE).
        by_point: one row per design point instead of pooling over the design.
        confidence: the interval's coverage (default 0.95).
        window: counts and flows are summed over this many months up to the horizon,
            or over every month from the start ("cum"); None: each metric's declared
            statistic (sim.outcomes.MEASURES). Levels are always read at the horizon.

    Returns:
        One row per scenario, metric and horizon (and point) with columns COLUMNS
        (plus ``point`` when `by_point`): n pairs, the two means, the mean difference,
        its interval, a verdict (``negligible`` below the metric's minimum meaningful
        change), and the spread of the effect across design points (draws).
    """
    metrics = check_metrics(metrics)
    window = check_window(window)
    present = set(monthly_df.scenario.unique()) if len(monthly_df) else set()
    if baseline not in present:
        raise ArgumentError(
            "baseline",
            f"{baseline!r} is not a scenario of the batch{suggest(baseline, present)}; "
            f"scenarios: {', '.join(sorted(present)) or 'none'}",
        )
    missing = [m for m in metrics if m not in monthly_df.columns]
    if missing:
        raise ArgumentError(
            "metrics",
            f"{', '.join(missing)} not in the table (country metrics need the countries table)",
        )
    base = monthly_df[monthly_df.scenario == baseline]
    base_rows: dict[tuple, tuple] = {}  # the baseline's statistics, once per set of months
    rows = []
    for name in [s for s in pd.unique(monthly_df.scenario) if s != baseline]:
        other = monthly_df[monthly_df.scenario == name]
        common = set(base.date) & set(other.date)
        key_common = tuple(sorted(common))
        for year in horizons:
            date = horizon_date(common, year)
            if date is None:
                continue
            if (key_common, date) not in base_rows:
                base_rows[key_common, date] = statistic_rows(
                    base[base.date.isin(common)], date, metrics, window
                )
            b, months = base_rows[key_common, date]
            o, _ = statistic_rows(other[other.date.isin(common)], date, metrics, window)
            pairs = o.merge(b, on=list(PAIR_KEYS), suffixes=("", "__base"))
            groups = pairs.groupby("point") if by_point else [(None, pairs)]
            for point, g in groups:
                for m in metrics:
                    rows.append(
                        _effect_row(g, m, name, year, date, months[m], window, confidence)
                        | ({"point": point} if by_point else {})
                    )
    cols = list(COLUMNS) + (["point"] if by_point else [])
    return pd.DataFrame(rows, columns=cols)


def _effect_row(g, m, name, year, date, months, window, confidence) -> dict:
    diff = (g[m] - g[f"{m}__base"]).to_numpy(dtype=float)
    mean, low, high = paired_interval(diff, confidence)
    small = negligible_below(m, months)
    g = g.assign(__d=diff)
    return {
        "scenario": name,
        "metric": m,
        "horizon": year,
        "date": date,
        "statistic": window_words(effective_window(m, window)),
        "n": len(diff),
        "baseline_mean": float(g[f"{m}__base"].mean()) if len(g) else math.nan,
        "scenario_mean": float(g[m].mean()) if len(g) else math.nan,
        "difference": mean,
        "ci_low": low,
        "ci_high": high,
        "verdict": verdict(len(diff), low, high, mean, small),
        "negligible_below": small,
        **draw_summary(point_matrix(g, "__d"), confidence),
    }


def _fmt(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if x != 0 and abs(x) < 1e-4:
        return f"{x:.6f}".rstrip("0")
    return f"{x:,.4g}" if abs(x) < 1e15 else f"{x:,.0f}"


def table_lines(effects: pd.DataFrame) -> list[list[str]]:
    """Rows of text cells for printing: header first."""
    draws = "draws" in effects.columns and bool((effects["draws"].fillna(1) > 1).any())
    head = ["scenario", "metric", "horizon", "statistic", "n", "baseline", "difference"]
    head += ["95% CI", "verdict"]
    if draws:
        head += ["draws", "median", "5-95% across draws", "replicate half-width"]
    out = [head]
    for r in effects.itertuples(index=False):
        row = [
            r.scenario,
            r.metric,
            r.date if str(r.horizon) in (r.date, r.date[:4]) else f"{r.horizon} ({r.date})",
            getattr(r, "statistic", "level at the horizon"),
            str(r.n),
            _fmt(r.baseline_mean),
            _fmt(r.difference),
            f"[{_fmt(r.ci_low)}, {_fmt(r.ci_high)}]",
            r.verdict,
        ]
        if draws:
            row += [
                str(int(r.draws)),
                _fmt(r.draw_median),
                f"[{_fmt(r.draw_p05)}, {_fmt(r.draw_p95)}]",
                _fmt(r.within_halfwidth),
            ]
        out.append(row)
    return out


def to_text(effects: pd.DataFrame) -> str:
    """A plain, aligned text table."""
    lines = table_lines(effects)
    widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in lines
    )


def to_markdown(effects: pd.DataFrame, title: str = "") -> str:
    """A Markdown table (compare.md)."""
    lines = table_lines(effects)
    md = [f"# {title}", ""] if title else []
    md.append("| " + " | ".join(lines[0]) + " |")
    md.append("|" + "---|" * len(lines[0]))
    md += ["| " + " | ".join(row) + " |" for row in lines[1:]]
    return "\n".join(md) + "\n"


def save(effects: pd.DataFrame, out: Path, title: str = "") -> list[Path]:
    """Write compare.csv and compare.md into a folder, each atomically."""
    from .storage import _tmp

    paths = []
    for name, text in (
        ("compare.csv", effects.to_csv(index=False)),
        ("compare.md", to_markdown(effects, title)),
    ):
        path = Path(out) / name
        tmp = _tmp(path)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        paths.append(path)
    return paths
