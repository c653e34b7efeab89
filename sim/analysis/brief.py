"""What the policy brief of a batch says, computed from a loaded batch (written out by
sim.analysis.report).

The brief answers one question on its first screen: which policy does most for the
headline metric by the last horizon, how sure that is across the assumptions we are
unsure of, and at what cost. It leads with a bottom line generated from the numbers,
a ranked policy table (baseline level, effect, % change, range across draws,
robustness, cost), the channels behind the headline policy's effect and the caveats,
then gives the details: every headline metric, the robustness criteria, which
assumptions drive the effect, the plausibility of the draws, scenario discovery, the
metric declarations with their reasons, figures, limits and provenance.

Under deep uncertainty (a batch with ``--uncertain N``) effects are summarised across
the draws of the uncertain parameters (median and 5-95% range) and within them (the
paired replicate interval); a batch without draws is one draw at the registry's values,
and the brief says so. Every number comes from the analysis library's functions
(sim.batch.compare, sim.analysis.robustness, sim.analysis.uncertainty), so a notebook
reproduces it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import __version__, library
from ..batch.compare import (
    TOO_FEW,
    check_metrics,
    check_window,
    country_metric,
    measure_of,
    negligible_below,
    with_country_metrics,
)
from ..errors import ArgumentError
from ..library import DEFAULT
from ..params import REGISTRY, defaults, suggest
from ..scenario import Scenario
from . import plots, style, uncertainty
from .effects import HEADLINE, HORIZONS, horizon_date, paired_effects
from .load import scenarios_in
from .plots.draws import driver_chart, effects_across_draws, short
from .plots.maps import difference_map
from .robustness import robustness_ranking, scaled_threshold
from .summaries import country_values

STATEMENT = (
    "Exploratory model, not a forecast. The numbers below show what follows from the "
    "model's stated assumptions under each policy, and how much they vary between runs "
    "and across the assumptions sampled; they are not predictions of what will happen."
)

LIMITS = (
    "Ranges across draws cover only the registry's uncertain parameters over their "
    "declared ranges; they do not cover the model's structure (which channels exist), "
    "and a batch without draws holds every parameter at its registry value.",
    "Most coefficients are modelling judgements (marked 'assumption' in the parameter "
    "registry), checked only against a qualitative replay of 2019-2025.",
    "Russia follows one fixed decision rule; it does not learn, bargain or respond "
    "strategically to NATO's policy, and its budget does not vary with the war in "
    "Ukraine unless a scenario says so.",
    "Other outside powers (China, Türkiye and the Gulf monarchies acting on their own "
    "account, the EU as a separate actor) and private military companies beyond Russia's "
    "budget are not modelled as deciding actors.",
    "Domestic politics is reduced to indices: no elections, parliaments, public opinion "
    "or changes of government in allied states; partners' regimes change only by coups "
    "or dated events.",
    "No economy: trade, energy prices, sanctions, debt and aid flows other than NATO's "
    "DCB spending are absent; raw-material supply risk is an index, not a market.",
    "Migration is counted in modelled irregular arrivals per month along fixed routes "
    "(each route's observed arrivals at the start, moved by the pressure behind it); "
    "the EU's own migration policy is outside the model unless a scenario adds it.",
    "Space is a one-degree grid and the unit is the state (Libya as two sides); "
    "sub-national conflict, cities and terrain are not represented.",
    "Shocks not written into a scenario (wars between states, pandemics, climate "
    "extremes, a collapse of a large state) do not happen.",
    "Policy levers act through stylised channels (trust, state capacity, attention); how "
    "well a programme is run, and what it costs in detail, are not modelled.",
)

MAP_HORIZON = 2030
COST = "nato_south_spending"
ACRONYMS = {"md": "MD", "ici": "ICI", "dcb": "DCB", "nato": "NATO", "sr": "SR", "eu": "EU"}
PROPER_WORDS = {
    w.lower(): w
    for w in (
        "Algeria",
        "Egypt",
        "French",
        "Italian",
        "Derna",
        "Sahel",
        "Russia",
        "Ankara",
        "Hague",
        "Libya",
        "Mauritania",
        "Tunisia",
        "Jordan",
        "Morocco",
        "Syria",
    )
}
EXPLAIN = "explain"
# kept for callers of the earlier brief: the metrics of the headline forest figure
FOREST_METRICS = tuple(m for m in HEADLINE if m != COST)


@dataclass
class Item:
    """One figure of the brief."""

    name: str
    title: str
    figure: Figure
    caption: str = ""
    png: bytes = field(default=b"", repr=False)

    def render(self) -> None:
        buf = io.BytesIO()
        with style.styled():
            self.figure.savefig(buf, format="png", dpi=110)
        self.png = buf.getvalue()
        self.caption = self.caption or style.caption_of(self.figure)


@dataclass
class Section:
    """One part of the details: a heading, paragraphs, a table and figures."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    items: list[Item] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Brief:
    """Everything the brief says, before it is written as HTML or Markdown."""

    title: str
    question: str
    baseline: str
    bottom_line: list[str]
    policy_table: pd.DataFrame | None
    channels: list[str]
    channels_table: pd.DataFrame | None
    caveats: list[str]
    sections: list[Section]
    scenarios: pd.DataFrame
    effects: pd.DataFrame | None
    ranking: pd.DataFrame | None
    findings: list[str]
    items: list[Item]
    provenance: dict[str, str]


# --- words and numbers ---------------------------------------------------------------


def plain_name(name: str) -> str:
    """A scenario's name for readers: 'md_ici_revival' -> 'MD ICI revival'."""
    words = [
        ACRONYMS.get(w, PROPER_WORDS.get(w, w)) for w in str(name).replace("-", "_").split("_") if w
    ]
    if not words:
        return str(name)
    first = words[0]
    words[0] = first if first.isupper() else first[:1].upper() + first[1:]
    return " ".join(words)


def num(x: float, sign: bool = False) -> str:
    """A number for prose and tables: thousands separated, no exponent, two
    significant digits below 1 (at most six decimals), '–' for a missing value."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    x = float(x)
    plus = "+" if sign and x > 0 else ""
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 100:
        return f"{plus}{x:,.0f}"
    if a >= 1:
        return f"{plus}{x:,.1f}" if a >= 10 else f"{plus}{x:,.2f}"
    decimals = min(6, max(2, 1 - math.floor(math.log10(a))))
    text = f"{plus}{x:.{decimals}f}"
    return text if float(text) != 0 else ("about 0" if not sign else "±0")


def pct(share: float) -> str:
    """A share as a whole percentage ('–' when missing)."""
    return "–" if share is None or math.isnan(share) else f"{round(100 * share)}%"


def metric_label(metric: str) -> str:
    """Plain name and unit of a metric's statistic: 'Russia's influence share (share)'."""
    m = measure_of(metric)
    return f"{m.label} ({m.unit})" if m.unit else m.label


PROPER = ("Russia", "NATO", "Algeria", "Italy", "Southern allies")


def lower_first(text: str) -> str:
    """A label inside a sentence: 'Regional stability' -> 'regional stability', but
    proper nouns stay ("Russia's influence share")."""
    if text.startswith(PROPER):
        return text
    return text[:1].lower() + text[1:]


def unit_words(unit: str) -> str:
    """A unit after a number in prose ('' for shares and indices, which need none)."""
    return "" if unit in ("share", "index 0-1", "index -1..1", "probability") else f" {unit}"


def _verb(direction: int, effect: float) -> str:
    return "raises" if effect > 0 else "lowers"


# --- choosing what is compared --------------------------------------------------------


def choose_baseline(names: Sequence[str], baseline: str | None) -> str:
    """The baseline to compare against: the one asked for (checked, with a
    did-you-mean), else the shipped baseline if present, else the first scenario.
    `southflank compare` and `southflank report` both choose this way."""
    if baseline is not None:
        if baseline not in names:
            raise ArgumentError(
                "baseline",
                f"{baseline!r} is not a scenario of this batch"
                f"{suggest(baseline, list(names))}; scenarios: {', '.join(names)}",
            )
        return baseline
    return DEFAULT if DEFAULT in names else names[0]


def _scenario_objects(manifest: dict) -> dict[str, Scenario]:
    out = {}
    for entry in manifest.get("scenarios", []) or []:
        try:
            out[entry["name"]] = Scenario.from_dict(entry["content"])
        except Exception:  # noqa: BLE001 - an unreadable entry is a scenario, not a policy
            continue
    return out


def split_policies(manifest: dict, baseline: str, names: Sequence[str]) -> tuple[list, list]:
    """(policies, other scenarios): a policy differs from the baseline only in its
    levers (`sim.library.policy_only`); the others change the world (Russia's budget,
    a scheduled base, contagion) and are reported beside, not ranked."""
    objs = _scenario_objects(manifest)
    base = objs.get(baseline)
    policies, others = [], []
    for n in names:
        if n == baseline:
            continue
        if base is None or n not in objs or library.policy_only(base, objs[n]):
            policies.append(n)
        else:
            others.append(n)
    return policies, others


def scheduled_months(manifest: dict, kind: str, **match) -> dict[str, str]:
    """Scenario -> the first month its file schedules an event of `kind` with these
    fields (e.g. a basing_agreement opening Derna: ``site="derna", status="open"``)."""
    out = {}
    for entry in manifest.get("scenarios", []) or []:
        for ev in (entry.get("content") or {}).get("events", []) or []:
            if ev.get("kind") == kind and all(ev.get(k) == v for k, v in match.items()):
                month = str(ev.get("date"))
                name = entry["name"]
                out[name] = min(out.get(name, month), month)
    return out


# --- the first screen -----------------------------------------------------------------


def bottom_line(
    metric: str,
    date: str,
    ranking: pd.DataFrame | None,
    draws: int,
    names: dict[str, str] | None = None,
    *,
    small: float | None = None,
    cost: dict[str, float] | None = None,
    driver: tuple[str, float, bool] | None = None,
    plausible: tuple[int, float, float] | None = None,
) -> list[str]:
    """The brief's bottom line in plain sentences, generated from the numbers.

    Args:
        metric: the headline metric; date: the horizon month read.
        ranking: `sim.analysis.robustness.robustness_ranking` for the policies (with
            ``beats_negligible``, the share of draws beating the baseline by at least
            the minimum meaningful change, when known).
        draws: the number of draws of the uncertain parameters (1: none).
        names: scenario -> plain name.
        small: the minimum meaningful change (default: the metric's declared one).
        cost: policy -> its extra cost over the baseline (USD million).
        driver: (parameter description, Spearman, clear) of the top policy's effect.
        plausible: (draws whose baseline passes, effect p05, effect p95 over them).
    """
    if ranking is None or ranking.empty:
        return ["Only the baseline is in this batch: there is no policy to compare."]
    m = measure_of(metric)
    small = m.negligible if small is None else small
    names = {k: plain_name(k) for k in ranking["policy"]} | (names or {})
    out = _lead(m, date, ranking, draws, names, small)
    top = ranking.iloc[0]
    if cost and not math.isnan(cost.get(top.policy, math.nan)):
        extra = cost[top.policy]
        out.append(
            f"Its extra cost over the baseline is USD {num(extra)} million over the period."
            if extra > 0
            else "It costs no more than the baseline."
        )
    if draws <= 1:
        out.append(
            "These runs hold every uncertain parameter at its registry value; a batch "
            "with --uncertain N shows how far the ranking depends on them."
        )
        return out
    if driver is not None:
        desc, rho, clear = driver
        out.append(
            f"The size of its effect depends most on an assumption: {short(desc, 90)} "
            f"(rank correlation {num(rho, True)} over {draws} draws)."
            if clear
            else f"No single assumption clearly drives the size of its effect over {draws} draws."
        )
    if plausible is not None:
        k, lo, hi = plausible
        if k == 0:
            out.append(
                f"Caution: none of the {draws} draws has a baseline that passes the "
                "plausibility checks."
            )
        elif k < draws:
            out.append(
                f"Only {k} of the {draws} draws have a baseline that passes the "
                f"plausibility checks; over those the effect runs from {num(lo, True)} to "
                f"{num(hi, True)}."
            )
    return out


def _lead(m, date: str, ranking: pd.DataFrame, draws: int, names: dict, small: float) -> list[str]:
    """The first sentences: what the best policy does, and how sure that is."""
    top = ranking.iloc[0]
    name = names[top.policy]
    eff = float(top.effect_median)
    what, year, unit = lower_first(m.label), date[:4], unit_words(m.unit)
    over = (
        f"the median over {draws} draws of the uncertain parameters"
        if draws > 1
        else "with the uncertain parameters at their registry values"
    )
    if abs(eff) < small:
        return [
            f"No policy compared changes {what} by {year} by more than the minimum "
            f"meaningful change ({num(small)}{unit}): the largest median effect is "
            f"{num(eff, True)} ({name})."
        ]
    if eff * m.direction < 0:
        return [
            f"Every policy compared makes {what} worse by {year}; the least harmful, "
            f"{name}, {_verb(m.direction, eff)} it by {num(abs(eff))}{unit} ({over})."
        ]
    rng = (
        f"; 5-95% across draws: {num(top.effect_p05, True)} to {num(top.effect_p95, True)}"
        if draws > 1
        else ""
    )
    out = [
        f"{name} does most for {what}: it {_verb(m.direction, eff)} it by "
        f"{num(abs(eff))}{unit} by {year} ({over}{rng})."
    ]
    if draws <= 1 or len(ranking) < 2:
        return out
    held, runner = float(top.top_held), names[ranking.iloc[1].policy]
    if held >= 0.8:
        out.append(f"It stays the best policy in {pct(held)} of the draws.")
    elif held >= 0.5:
        out.append(
            f"It is the best policy in {pct(held)} of the draws; in most of the others "
            f"{runner} does better."
        )
    else:
        out.append(
            f"But which policy is best depends on the assumptions: {name} is best in only "
            f"{pct(held)} of the draws, and {runner} is a close rival."
        )
    beats = float(top.get("beats_negligible", math.nan))
    if not math.isnan(beats):
        out.append(
            f"It beats the baseline by at least the minimum meaningful change "
            f"({num(small)}{unit}) in {pct(beats)} of the draws."
        )
    return out


def _explain_dir(path: Path | None, policy: str) -> Path | None:
    if path is None:
        return None
    d = Path(path) / EXPLAIN / policy
    return d if d.is_dir() else None


def channels_of(
    batch_path: Path | None, policy: str, baseline: str
) -> tuple[list[str], pd.DataFrame | None]:
    """The channels behind the headline policy's effect, read from the tables that
    ``southflank explain`` writes into DIR/explain/POLICY (the first CSV with a
    channel and a contribution column); otherwise the command that makes them."""
    d = _explain_dir(batch_path, policy)
    if d is not None:
        for f in sorted(d.glob("*.csv")):
            t = pd.read_csv(f)
            cols = {c.lower(): c for c in t.columns}
            ch = next((cols[c] for c in cols if "channel" in c), None)
            val = next(
                (
                    cols[c]
                    for c in cols
                    if "contribution" in c or c in ("value", "effect", "shapley")
                ),
                None,
            )
            if ch is None or val is None:
                continue
            t = t.reindex(t[val].abs().sort_values(ascending=False).index)
            shown = pd.DataFrame(
                {
                    "Channel": t[ch].astype(str).str.replace("_", " "),
                    "Contribution": [num(v, True) for v in t[val]],
                }
            ).head(6)
            return [
                f"Channel contributions to the effect of {plain_name(policy)} (from {f.name}):"
            ], shown
    where = f"{batch_path}/{EXPLAIN}/{policy}" if batch_path else f"DIR/{EXPLAIN}/{policy}"
    return (
        [
            "The channels behind this effect have not been computed for this batch. "
            f"`southflank explain {policy} --baseline {baseline} --out {where}` splits "
            "the effect into channel contributions; the brief shows them when that "
            "folder exists."
        ],
        None,
    )


def _version_caveats(manifest: dict) -> list[str]:
    out = []
    made = manifest.get("package_version")
    if made and made != __version__:
        out.append(
            f"This batch was run by model version {made}; this brief was written by "
            f"{__version__}. Rerun the batch before relying on the comparison."
        )
    recorded = manifest.get("parameter_defaults") or {}
    now = defaults()
    changed = sorted(k for k in set(recorded) | set(now) if recorded.get(k) != now.get(k))
    if recorded and changed:
        out.append(
            f"The parameter registry has changed since this batch ran ({len(changed)} "
            f"parameter(s) differ, e.g. {', '.join(changed[:3])}): its numbers are those "
            "of the registry it recorded."
        )
    return out


# --- building ---------------------------------------------------------------------------


def _scenario_table(batch, names: list[str], policies: list[str]) -> pd.DataFrame:
    described = {}
    for entry in batch.manifest.get("scenarios", []) or []:
        if isinstance(entry, dict):
            content = entry.get("content") or {}
            described[entry.get("name")] = " ".join(str(content.get("description", "")).split())
    runs = batch.runs
    rows = []
    for i, name in enumerate(names):
        r = runs[runs["scenario"] == name]
        role = "baseline" if i == 0 else ("policy" if name in policies else "other assumptions")
        rows.append(
            {
                "Scenario": plain_name(name),
                "File name": name,
                "Role": role,
                "What it assumes": described.get(name, ""),
                "Runs": int((r["status"] == "ok").sum()) if "status" in r else len(r),
                "Failed": int((r["status"] == "failed").sum()) if "status" in r else 0,
            }
        )
    return pd.DataFrame(rows)


def _monthly(batch, names: list[str], metrics: list[str]) -> pd.DataFrame:
    model = [m for m in metrics if country_metric(m) is None]
    cols = ["run_id", "scenario", "point", "replicate", "seed", "date", *dict.fromkeys(model)]
    monthly = batch.read("monthly", columns=cols)
    monthly = monthly[monthly["scenario"].isin(names)]
    country = [m for m in metrics if country_metric(m) is not None]
    if country:
        isos = sorted({country_metric(m)[0] for m in country})
        c = batch.read("countries", filters=[("iso3", "in", isos)])
        monthly = with_country_metrics(monthly, c, country, batch.runs, batch.manifest)
    return monthly


def _rankings(monthly, base, policies, metrics, date, window):
    """Robustness ranking per metric at `date`, the per-draw effects and months read."""
    rankings, per_draw, months_read = {}, {}, {}
    for metric in metrics:
        scores, points, months = uncertainty.outcome_scores(
            monthly, [base, *policies], metric, date, window
        )
        if not points:
            continue
        pol = {k: scores[k] for k in policies}
        r = robustness_ranking(metric, scores[base], pol, scaled_threshold(metric, months))
        small = negligible_below(metric, months)
        sign = measure_of(metric).direction
        eff = {k: v.mean(axis=1) - scores[base].mean(axis=1) for k, v in pol.items()}
        r["beats_negligible"] = [float(np.mean(eff[k] * sign >= small)) for k in r["policy"]]
        r["baseline_level"] = float(np.median(scores[base].mean(axis=1)))
        rankings[metric] = r
        per_draw[metric] = (pd.DataFrame(eff, index=points), scores)
        months_read[metric] = months
    return rankings, per_draw, months_read


def _cost(monthly, base, policies, date) -> tuple[dict[str, float], dict[str, float]]:
    """Per policy: its total spending on the south and its extra over the baseline
    (USD million, cumulated to `date`, median over draws)."""
    if COST not in monthly.columns:
        return {}, {}
    scores, points, _ = uncertainty.outcome_scores(monthly, [base, *policies], COST, date, "cum")
    if not points:
        return {}, {}
    b = scores[base].mean(axis=1)
    total = {k: float(np.median(scores[k].mean(axis=1))) for k in policies}
    extra = {k: float(np.median(scores[k].mean(axis=1) - b)) for k in policies}
    return total, extra


def policy_table(
    ranking: pd.DataFrame, metric: str, total: dict, extra: dict, draws: int, plaus_ranges: dict
) -> pd.DataFrame:
    """The first screen's ranked table: one row per policy."""
    m = measure_of(metric)
    rows = []
    for r in ranking.itertuples():
        base = r.baseline_level
        small = getattr(r, "negligible", m.negligible)
        eff = r.effect_median
        effect = num(eff, True) + (" (negligible)" if abs(eff) < small else "")
        row = {
            "Rank": r.rank,
            "Policy": plain_name(r.policy),
            "Baseline level": num(base),
            "Effect (median)": effect,
            "% change": "–" if not base else f"{100 * eff / abs(base):+.1f}%",
        }
        if draws > 1:
            row["Range across draws (5-95%)"] = (
                f"{num(r.effect_p05, True)} to {num(r.effect_p95, True)}"
            )
            if plaus_ranges:
                lo, hi = plaus_ranges.get(r.policy, (math.nan, math.nan))
                row["Range, plausible draws"] = (
                    "–" if math.isnan(lo) else f"{num(lo, True)} to {num(hi, True)}"
                )
            row["Keeps its rank"] = pct(r.rank_held)
            row["Meets threshold"] = pct(r.satisficing)
            row["Max regret"] = num(r.regret_max)
        else:
            row["Meets threshold"] = "yes" if r.satisficing >= 1 else "no"
        row["Cost, USD million (extra)"] = (
            f"{num(total.get(r.policy, math.nan))} ({num(extra.get(r.policy, math.nan), True)})"
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _effects_section(effects, metrics, date, names) -> Section:
    e = effects[(effects["date"] == date) & effects["metric"].isin(metrics)]
    rows = []
    for r in e.itertuples():
        cell = num(r.difference, True)
        if r.verdict == TOO_FEW:
            cell += " (too few runs)"
        elif r.verdict == "negligible":
            cell += " (negligible)"
        elif r.verdict == "no clear difference":
            cell += " (not clear)"
        rows.append(
            {
                "Metric": metric_label(r.metric),
                "Statistic": r.statistic,
                "Scenario": names.get(r.scenario, plain_name(r.scenario)),
                "Baseline": num(r.baseline_mean),
                "Effect": cell,
                "Replicate interval": f"{num(r.ci_low, True)} to {num(r.ci_high, True)}",
                "Across draws (5-95%)": f"{num(r.draw_p05, True)} to {num(r.draw_p95, True)}"
                if r.draws and r.draws > 1
                else "–",
            }
        )
    return Section(
        f"Every headline metric in {date}",
        [
            "Effect: mean paired difference from the baseline over all runs. Replicate "
            "interval: 95% interval over the paired runs. Across draws: the 5-95% range of "
            "the draws' mean effects. 'Negligible': smaller than the metric's minimum "
            "meaningful change (see the metric declarations), whatever its interval."
        ],
        pd.DataFrame(rows),
    )


def _robustness_section(rankings, names) -> Section:
    rows = []
    for metric, r in rankings.items():
        for x in r.itertuples():
            rows.append(
                {
                    "Metric": measure_of(metric).label,
                    "Policy": names.get(x.policy, plain_name(x.policy)),
                    "Rank": x.rank,
                    "Keeps rank": pct(x.rank_held),
                    "Top stays top": pct(x.top_held),
                    "Max regret": num(x.regret_max),
                    "90th pct regret": num(x.regret_p90),
                    "Max regret vs baseline": num(x.regret_baseline_max),
                    "Meets threshold": pct(x.satisficing),
                    "Mean - 1 sd": num(x.mean_variance),
                }
            )
    return Section(
        "Robustness across the draws",
        [
            "Rank: by median effect. Keeps rank: share of draws in which the policy has "
            "that rank. Regret: in each draw, how far the policy falls short of the best "
            "option in that draw (the baseline counts as an option); maximum (minimax "
            "regret) and 90th percentile over draws, in the metric's unit. Regret vs "
            "baseline: how far it falls short of doing nothing. Meets threshold: share of "
            "draws in which the outcome meets the declared satisficing threshold. Mean - "
            "1 sd: the outcome's mean across draws less one standard deviation, in the "
            "better direction (mean-variance)."
        ],
        pd.DataFrame(rows),
    )


def _declarations_section(metrics) -> Section:
    rows = []
    for metric in metrics:
        m = measure_of(metric)
        rows.append(
            {
                "Metric": m.label,
                "Better": "higher" if m.direction > 0 else "lower",
                "Why": m.direction_why,
                "Statistic": f"{m.statistic}: {m.window_why}",
                "Minimum meaningful change": f"{num(m.negligible)} {m.unit}"
                + (" a year" if m.window is not None else "")
                + f": {m.negligible_why}",
                "Satisficing threshold": (
                    "–"
                    if math.isnan(m.threshold)
                    else f"{num(m.threshold)} {m.unit}"
                    + (" a year" if m.window is not None else "")
                )
                + f": {m.threshold_why}",
                "Validation": m.validation,
            }
        )
    return Section(
        "How each metric is judged",
        ["Declared once in the metric table (sim/outcomes.py), with the reason for each choice."],
        pd.DataFrame(rows),
    )


@dataclass
class _Ctx:
    """What the steps of `build` share."""

    batch: object
    base: str
    names: list[str]
    policies: list[str]
    others: list[str]
    metrics: list[str]
    judged: list[str]
    question: str
    monthly: pd.DataFrame
    dates: list[str]
    horizons: list
    date: str
    window: int | str | None
    n_draws: int
    deep: bool
    draws: pd.DataFrame
    plain: dict[str, str]
    effects: pd.DataFrame | None = None
    rankings: dict = field(default_factory=dict)
    per_draw: dict = field(default_factory=dict)
    months: dict = field(default_factory=dict)
    total: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    top: str | None = None
    plaus: uncertainty.Plausibility | None = None
    plaus_ranges: dict = field(default_factory=dict)
    drivers: pd.DataFrame | None = None

    @property
    def ranking(self) -> pd.DataFrame | None:
        return self.rankings.get(self.question)


def _context(batch, baseline, horizons, metrics, scenarios, window) -> _Ctx:
    metrics = check_metrics(list(metrics) if metrics is not None else None)
    window = check_window(window)
    runs = batch.runs
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    all_names = list(dict.fromkeys(ok["scenario"]))
    if not all_names:
        raise ValueError("the batch has no finished runs; nothing to report")
    base = choose_baseline(all_names, baseline)
    unknown = [s for s in scenarios or [] if s not in all_names]
    if unknown:
        raise ArgumentError(
            "scenarios",
            f"{', '.join(unknown)} not in the batch{suggest(unknown[0], all_names)}; "
            f"scenarios: {', '.join(all_names)}",
        )
    chosen = [n for n in (scenarios or all_names) if n != base]
    names = [base, *chosen]
    monthly = _monthly(batch, names, list(dict.fromkeys([*metrics, COST])))
    dates = sorted(monthly["date"].unique())
    # one horizon per month read (2030 and 2035 are the same month in a short run)
    by_month = {horizon_date(dates, h): h for h in reversed(list(horizons))}
    by_month.pop(None, None)
    horizons = sorted(by_month.values(), key=lambda h: horizon_date(dates, h)) or [dates[-1]]
    policies, others = split_policies(batch.manifest, base, chosen)
    judged = [m for m in metrics if m != COST] or metrics
    return _Ctx(
        batch=batch,
        base=base,
        names=names,
        policies=policies,
        others=others,
        metrics=metrics,
        judged=judged,
        question=judged[0],
        monthly=monthly,
        dates=dates,
        horizons=horizons,
        date=horizon_date(dates, horizons[-1]),
        window=window,
        n_draws=int(monthly["point"].nunique()),
        deep=uncertainty.is_uncertain(batch.manifest),
        draws=uncertainty.draws_table(batch.manifest),
        plain={n: plain_name(n) for n in names},
    )


def _compute(c: _Ctx, headline: str | None) -> None:
    """Effects, rankings, cost, the headline policy, plausibility and drivers."""
    if len(c.names) > 1:
        c.effects = paired_effects(c.monthly, c.base, c.horizons, c.metrics, window=c.window)
    if c.policies:
        c.rankings, c.per_draw, c.months = _rankings(
            c.monthly, c.base, c.policies, c.judged, c.date, c.window
        )
        c.total, c.extra = _cost(c.monthly, c.base, c.policies, c.date)
    if headline is not None and headline not in c.policies:
        raise ArgumentError(
            "headline",
            f"{headline!r} is not a policy of this batch{suggest(headline, c.policies)}; "
            f"policies: {', '.join(c.policies) or 'none'}",
        )
    ranking = c.ranking
    c.top = headline or (ranking.iloc[0].policy if ranking is not None and len(ranking) else None)
    if "countries" in c.batch.tables and "events" in c.batch.tables:
        c.plaus = uncertainty.plausibility_by_draw(c.batch, c.base)
    if c.question not in c.per_draw:
        return
    eff_df = c.per_draw[c.question][0]
    if c.plaus is not None:
        ok = [p for p in c.plaus.draws.index[c.plaus.draws["passes"]] if p in eff_df.index]
        for name in c.policies:
            v = eff_df.loc[ok, name].to_numpy(float)
            c.plaus_ranges[name] = (
                (float(np.percentile(v, 5)), float(np.percentile(v, 95)))
                if len(v)
                else (math.nan, math.nan)
            )
    if c.top is not None and c.n_draws > 1 and c.draws.shape[1]:
        eff = eff_df[c.top]
        c.drivers = uncertainty.drivers(c.draws.loc[eff.index], eff.to_numpy(float))


def _bottom(c: _Ctx) -> list[str]:
    ranking = c.ranking
    driver = None
    if c.drivers is not None and len(c.drivers):
        d0 = c.drivers.iloc[0]
        driver = (str(d0.description), float(d0.spearman), bool(d0.clear))
    plausible = None
    if c.plaus is not None and c.top in c.plaus_ranges:
        plausible = (int(c.plaus.draws["passes"].sum()), *c.plaus_ranges[c.top])
    out = bottom_line(
        c.question,
        c.date,
        ranking,
        c.n_draws,
        c.plain,
        small=negligible_below(c.question, c.months.get(c.question, 1)),
        cost=c.extra,
        driver=driver,
        plausible=plausible,
    )
    if ranking is not None and len(ranking) and c.top != ranking.iloc[0].policy:
        out.append(
            f"The brief explains {plain_name(c.top)}, as asked, though it is not ranked first."
        )
    return out


def _spending_assumption() -> str:
    """The allies' defence spending is scheduled, not an outcome: say so, with the
    registry's target."""
    from ..params import PARAMETERS

    pct = PARAMETERS["spending_target_pct"].default
    year = int(PARAMETERS["spending_target_year"].default)
    return (
        f"Scheduled assumption: every ally's core defence spending moves toward {pct:g}% of "
        f"GDP by {year} (the 2025 Hague pledge), faster when the threat from the south rises; "
        "Spain's stated exemption is not modelled, and spending feeds no other result."
    )


def _caveats(c: _Ctx) -> list[str]:
    out = [f"{measure_of(m).label}: {measure_of(m).validation}." for m in c.judged[:6]]
    if c.plaus is not None:
        out.append(
            f"Plausibility: {int(c.plaus.draws['passes'].sum())} of {len(c.plaus.draws)} "
            "draw(s) have a baseline that meets every plausibility bound (details below)."
        )
    reps = int(c.batch.manifest.get("replicates") or c.monthly["replicate"].nunique())
    if reps < 3:
        out.append(
            f"Only {reps} replicate(s) per draw: the replicate intervals are wide or missing."
        )
    if not c.deep:
        out.append(
            "No draws of the uncertain parameters: the intervals show only random-draw "
            "noise at the registry's values, not uncertainty about the assumptions."
        )
    out.append(_spending_assumption())
    if c.others:
        listed = style.scenario_list([plain_name(o) for o in c.others])
        out.append(
            "Not ranked as policies, because they change the world rather than NATO's "
            f"levers: {listed} (their effects are in the details)."
        )
    return out + _version_caveats(c.batch.manifest)


def _details(c: _Ctx) -> list[Section]:
    sections = []
    if c.effects is not None and len(c.effects):
        sections.append(_effects_section(c.effects, c.metrics, c.date, c.plain))
    if c.rankings:
        sections.append(_robustness_section(c.rankings, c.plain))
    if c.drivers is not None and len(c.drivers):
        sections.append(_drivers_section(c))
    if c.top is not None and c.question in c.per_draw:
        if c.n_draws >= uncertainty.MIN_PRIM_DRAWS:
            sections.append(
                _discovery_section(c.per_draw, c.question, c.top, c.draws, c.months, c.date)
            )
        elif c.deep:
            sections.append(
                Section(
                    "Where the policy fails (scenario discovery)",
                    [
                        "Scenario discovery (PRIM boxes and feature scores) needs at least "
                        f"{uncertainty.MIN_PRIM_DRAWS} draws; this batch has {c.n_draws}. "
                        "notebooks/06_deep_uncertainty.ipynb runs it on any batch."
                    ],
                )
            )
    if c.plaus is not None:
        sections.append(_plausibility_section(c.plaus))
    sections.append(_declarations_section(c.metrics))
    return sections


def _drivers_section(c: _Ctx) -> Section:
    d = c.drivers
    table = pd.DataFrame(
        {
            "Assumption": [short(x, 70) for x in d["description"]],
            "Parameter": d["parameter"],
            "Rank correlation": [num(x, True) for x in d["spearman"]],
            "Clear at this N": ["yes" if x else "no" for x in d["clear"]],
        }
    )
    label = measure_of(c.question).label
    return Section(
        f"Which assumptions drive the effect of {plain_name(c.top)}",
        [
            f"Rank correlation (Spearman) between each uncertain parameter and the effect "
            f"on {lower_first(label)} in {c.date}, over {c.n_draws} draws; with this many "
            f"draws a correlation below {num(2 / math.sqrt(c.n_draws))} is not "
            "distinguishable from none."
        ],
        table,
    )


def _plausibility_section(plaus: uncertainty.Plausibility) -> Section:
    b = plaus.bounds
    table = pd.DataFrame(
        {
            "Bound": b["text"],
            "Share of baseline runs": [pct(x) for x in b["share"]],
            "Required": [pct(x) for x in b["required"]],
            "Runs checked": b["runs"],
        }
    )
    passing = int(plaus.draws["passes"].sum())
    return Section(
        "Plausibility of the draws",
        [
            "A draw passes when its baseline runs meet every bound by its required share: "
            f"{passing} of {len(plaus.draws)} draw(s) do. The bounds say what a regional "
            "analyst would reject (sim/analysis/plausibility.py)."
        ],
        table,
    )


def _figures(c: _Ctx) -> list[Item]:
    items: list[Item] = []
    if c.effects is not None and len(c.effects):
        shown = [m for m in c.judged][:6]
        e = c.effects[(c.effects["date"] == c.date) & c.effects["metric"].isin(shown)]
        small = {m: float(e.loc[e.metric == m, "negligible_below"].max()) for m in shown}
        items.append(
            Item(
                "effects",
                f"Effects in {c.date}, across the draws",
                effects_across_draws(
                    e,
                    {m: metric_label(m) for m in shown},
                    small,
                    c.plain,
                    f"Effect against {plain_name(c.base)}, {c.date}",
                ),
            )
        )
    q = measure_of(c.question)
    if country_metric(c.question) is None:
        second = list(c.ranking.policy[1:2]) if c.ranking is not None else []
        shown = list(dict.fromkeys([c.base, *([c.top] if c.top else []), *second]))
        items.append(
            Item("fan", f"{q.label} over time", plots.fan_chart(c.monthly, c.question, shown))
        )
    if c.top is not None and "countries" in c.batch.tables:
        items += _map_item(c)
    items += _derna_item(c)
    for item in items:
        item.render()
    return items


def _map_item(c: _Ctx) -> list[Item]:
    month = horizon_date(c.dates, MAP_HORIZON) or c.date
    cols = ["run_id", "scenario", "point", "replicate", "seed", "date", "iso3", "alignment"]
    flt = [("date", "==", month), ("scenario", "in", [c.base, c.top])]
    countries = c.batch.read("countries", columns=cols, filters=flt)
    if countries.empty:
        return []
    values = country_values(
        countries,
        "alignment",
        month,
        [c.base, c.top],
        aligned="russia",
        runs=c.batch.runs,
        manifest=c.batch.manifest,
    )
    fig = difference_map(
        values,
        c.base,
        c.top,
        f"Change in the probability of being Russia-aligned, {month}",
        "change in P(Russia-aligned)",
        c.plain,
    )
    return [Item("map_difference", f"Where {plain_name(c.top)} changes Russian alignment", fig)]


def _derna_item(c: _Ctx) -> list[Item]:
    if "events" not in c.batch.tables:
        return []
    derna = scheduled_months(c.batch.manifest, "basing_agreement", site="derna", status="open")
    events = c.batch.read("events", filters=[("kind", "in", ["base_opened"])])
    if events.empty and not derna:
        return []
    shown = list(dict.fromkeys([c.base, *([c.top] if c.top else []), *derna]))
    shown = [n for n in shown if n in c.names]
    fig = plots.survival_plot(
        c.monthly[c.monthly["scenario"].isin(shown)][["run_id", "scenario", "date"]],
        events,
        "base_opened",
        shown,
        what="a Russian naval base at Derna opens (scheduled or by the model)",
        scheduled={k: v for k, v in derna.items() if k in shown},
        site="derna",
    )
    return [Item("derna", "How soon a Russian naval base at Derna opens", fig)]


def _provenance(c: _Ctx) -> dict[str, str]:
    m = c.batch.manifest
    prov = {
        "batch": str(m.get("batch_id", getattr(c.batch, "path", ""))),
        "runs": str(len(c.batch.runs)),
        "draws of the uncertain parameters": str(c.n_draws) if c.deep else "none",
        "uncertain parameters sampled": str(c.draws.shape[1]) if c.deep else "",
        "replicates per draw": str(m.get("replicates", "")),
        "batch seed": str(m.get("batch_seed", "")),
        "months": f"{c.monthly['date'].min()} to {c.monthly['date'].max()}",
        "model version": str(m.get("package_version", __version__)),
        "git commit": str(m.get("git_commit", "")),
        "finished": str(m.get("finished", "")),
        "report by": f"southflank {__version__}",
    }
    return {k: v for k, v in prov.items() if v}


def build(
    batch,
    baseline: str | None = None,
    horizons: Sequence[int | str] = HORIZONS,
    metrics: Sequence[str] | None = None,
    *,
    scenarios: Sequence[str] | None = None,
    headline: str | None = None,
    window: int | str | None = None,
) -> Brief:
    """Compute the brief from a loaded batch (`sim.batch.load`).

    Args:
        baseline: the scenario compared with (`choose_baseline`).
        horizons: the months read (the last one is the brief's horizon).
        metrics: the metrics (default: the headline ones); the first is the question's.
        scenarios: the scenarios shown (default: all); the baseline is always kept.
        headline: the policy whose channels and drivers the brief explains (default:
            the top-ranked policy).
        window: counts and flows over this many months or "cum" (default: declared).
    """
    c = _context(batch, baseline, horizons, metrics, scenarios, window)
    _compute(c, headline)
    q = measure_of(c.question)
    ranking = c.ranking
    table = (
        policy_table(
            ranking, c.question, c.total, c.extra, c.n_draws, c.plaus_ranges if c.deep else {}
        )
        if ranking is not None
        else None
    )
    channels, channels_table = (
        channels_of(getattr(batch, "path", None), c.top, c.base) if c.top else ([], None)
    )
    bottom = _bottom(c)
    items = _figures(c)
    sections = [*_details(c), Section("Figures", items=items)]
    verb = "lower" if q.direction < 0 else "raise"
    return Brief(
        title="Southern Flank: policy brief",
        question=f"Which policy does most to {verb} {lower_first(q.label)} by "
        f"{c.date[:4]}, how sure is that, and at what cost?",
        baseline=c.base,
        bottom_line=bottom,
        policy_table=table,
        channels=channels,
        channels_table=channels_table,
        caveats=_caveats(c),
        sections=sections,
        scenarios=_scenario_table(batch, c.names, c.policies),
        effects=c.effects,
        ranking=ranking,
        findings=bottom,
        items=items,
        provenance=_provenance(c),
    )


def _discovery_section(per_draw, metric, top, draws_df, months_read, date) -> Section:
    eff = per_draw[metric][0][top]
    m = measure_of(metric)
    small = negligible_below(metric, months_read.get(metric, 1))
    failed = (eff.to_numpy(float) * m.direction) < small
    goal = (
        f"{plain_name(top)} fails to {'lower' if m.direction < 0 else 'raise'} "
        f"{m.label[:1].lower() + m.label[1:]} by at least {num(small)} {m.unit} in {date}"
    )
    params = draws_df.loc[eff.index]
    found = uncertainty.discover(params, failed, goal)
    paragraphs = [f"Goal: where does {goal[0].lower() + goal[1:]}? {len(eff)} draws."]
    table = None
    if found is None:
        paragraphs.append(
            "It fails in every draw."
            if failed.all()
            else "It fails in none of the draws: nothing to discover."
        )
    else:
        paragraphs.append(
            f"It fails in {pct(found.failing)} of the draws. PRIM's box holds {pct(found.coverage)} "
            f"of the failing draws (coverage), and {pct(found.density)} of the draws in it fail (density)."
        )
        table = found.restrictions.assign(
            Assumption=[short(x, 60) for x in found.restrictions["description"]],
            **{
                "In the box": [
                    f"{num(a)} to {num(b)}"
                    for a, b in zip(
                        found.restrictions.box_low, found.restrictions.box_high, strict=True
                    )
                ],
                "Registry range": [
                    f"{num(a)} to {num(b)}"
                    for a, b in zip(
                        found.restrictions.range_low, found.restrictions.range_high, strict=True
                    )
                ],
            },
        )[["Assumption", "parameter", "In the box", "Registry range"]].rename(
            columns={"parameter": "Parameter"}
        )
    scores = uncertainty.feature_scores(params, eff.to_numpy(float))
    labels = {k: short(REGISTRY[k].description, 45) for k in scores.index}
    fig = driver_chart(
        scores,
        labels,
        f"What explains the effect of {plain_name(top)}",
        "feature score (extra trees)",
    )
    item = Item("features", "Feature scores", fig)
    item.render()
    return Section("Where the policy fails (scenario discovery)", paragraphs, table, [item])


def effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    """Effects as text 'difference [low, high]' (with '~0' where the interval contains
    0, 'negligible' below the minimum meaningful change), one row per scenario and
    metric, one column per horizon month."""

    def cell(r) -> str:
        if r.verdict == TOO_FEW:
            return "too few replicates"
        text = f"{num(r.difference, True)} [{num(r.ci_low, True)}, {num(r.ci_high, True)}]"
        if r.verdict == "negligible":
            return text + " negligible"
        return text if r.verdict in ("higher", "lower") else text + " ~0"

    e = effects.assign(text=[cell(r) for r in effects.itertuples()])
    table = e.pivot_table(
        index=["scenario", "metric"], columns="date", values="text", aggfunc="first", sort=False
    )
    table.columns = [str(c) for c in table.columns]
    return table.reset_index()


__all__ = [
    "FOREST_METRICS",
    "HEADLINE",
    "HORIZONS",
    "LIMITS",
    "STATEMENT",
    "Brief",
    "Item",
    "Section",
    "bottom_line",
    "build",
    "choose_baseline",
    "effects_table",
    "num",
    "plain_name",
    "scenarios_in",
]
