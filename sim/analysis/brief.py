"""What the policy brief of a batch says: its statement, tables, findings, figures and
limits, computed from a loaded batch (written out by sim.analysis.report).

The brief is what a busy reader sees, so it leads with what was compared and the
headline effects with their intervals, shows a few key figures, and is plain about
what the model leaves out and that it is an exploratory model, not a forecast. It is
built only from the batch's tables and manifest with the analysis library's functions,
so every number in it can be reproduced in a notebook.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

from .. import __version__
from ..batch.compare import TOO_FEW
from ..errors import ArgumentError
from ..library import DEFAULT
from ..params import suggest
from . import plots, style
from .effects import HEADLINE, HORIZONS, horizon_date, paired_effects
from .load import scenarios_in
from .summaries import resolve_date, russia_aligned_threshold

STATEMENT = (
    "Exploratory model, not a forecast. The numbers below show what follows from the "
    "model's stated assumptions under each policy, and how much they vary between runs; "
    "they are not predictions of what will happen."
)

LIMITS = (
    "Intervals show the spread over random draws with the parameters fixed at their "
    "registry values; they do not include uncertainty about those parameters or about "
    "the model's structure (sensitivity analysis addresses the first, not the second).",
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
    "Migration is a pressure index along fixed routes, not a count of people; the EU's "
    "own migration policy is outside the model unless a scenario adds it.",
    "Space is a one-degree grid and the unit is the state (Libya as two sides); "
    "sub-national conflict, cities and terrain are not represented.",
    "Shocks not written into a scenario (wars between states, pandemics, climate "
    "extremes, a collapse of a large state) do not happen.",
    "Policy levers act through stylised channels (trust, state capacity, attention); how "
    "well a programme is run, and what it costs in detail, are not modelled.",
)

MAP_HORIZON = 2030
FOREST_METRICS = (
    "russia_influence_share",
    "russia_aligned_states",
    "stability_mean",
    "migration_italy",
    "material_supply_risk",
    "cohesion",
)
"""The effects drawn in the brief's forest plot (the table lists every headline metric;
NATO's share mirrors Russia's and is left out of the figure)."""


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
class Brief:
    """Everything the brief says, before it is written as HTML or Markdown."""

    title: str
    baseline: str
    scenarios: pd.DataFrame
    effects: pd.DataFrame | None
    findings: list[str]
    items: list[Item]
    provenance: dict[str, str]


def choose_baseline(names: Sequence[str], baseline: str | None) -> str:
    """The baseline to compare against: the one asked for (checked, with a
    did-you-mean), else the shipped baseline if present, else the first scenario."""
    if baseline is not None:
        if baseline not in names:
            raise ArgumentError(
                "baseline",
                f"{baseline!r} is not a scenario of this batch"
                f"{suggest(baseline, list(names))}; scenarios: {', '.join(names)}",
            )
        return baseline
    return DEFAULT if DEFAULT in names else names[0]


def _num(x: float, sign: bool = False) -> str:
    """Three significant digits, without exponents for large numbers."""
    if pd.isna(x):
        return "–"
    if x == 0:
        return "0"
    plus = "+" if sign else ""
    if abs(x) >= 1000:
        return f"{x:{plus},.0f}"
    return f"{x:{plus}.3g}" if abs(x) >= 1e-3 else f"{x:{plus}.2e}"


def _fmt(x: float) -> str:
    return _num(x, sign=True)


def _scenario_table(batch, names: list[str]) -> pd.DataFrame:
    described = {}
    for entry in batch.manifest.get("scenarios", []) or []:
        if isinstance(entry, dict):
            content = entry.get("content") or {}
            described[entry.get("name")] = " ".join(str(content.get("description", "")).split())
    runs = batch.runs
    rows = []
    for name in names:
        r = runs[runs["scenario"] == name]
        ok = int((r["status"] == "ok").sum()) if "status" in r else len(r)
        rows.append(
            {
                "scenario": name,
                "description": described.get(name, ""),
                "runs": ok,
                "failed": int((r["status"] == "failed").sum()) if "status" in r else 0,
            }
        )
    return pd.DataFrame(rows)


def _findings(effects: pd.DataFrame, horizon: int | str) -> list[str]:
    """Plain sentences for the clear effects (interval excluding 0) at ``horizon``."""
    out = []
    last = effects[effects["horizon"] == horizon]
    clear = last[last["verdict"].isin(("higher", "lower"))]
    for scenario, rows in clear.groupby("scenario", sort=False):
        parts = [
            f"{r.metric} {r.verdict} by {abs(r.difference):.3g} [{r.ci_low:.3g}, {r.ci_high:.3g}]"
            for r in rows.itertuples()
        ]
        out.append(f"{scenario} ({rows['date'].iloc[0]}): " + "; ".join(parts) + ".")
    few = sorted(set(last.loc[last["verdict"] == TOO_FEW, "scenario"]))
    if few:
        out.append(f"{style.scenario_list(few)}: too few replicates to tell.")
    unclear = sorted(set(last["scenario"]) - set(clear["scenario"]) - set(few))
    if unclear:
        out.append(
            f"No headline metric of {style.scenario_list(unclear)} differs from the baseline "
            f"in {horizon} by more than the runs can tell."
        )
    return out


def _map_scenarios(effects: pd.DataFrame | None, baseline: str, names: list[str]) -> list[str]:
    """The baseline and the scenarios with the fewest and most Russia-aligned states."""
    others = [n for n in names if n != baseline]
    if effects is None or effects.empty or not others:
        return [baseline, *others[:2]]
    e = effects[effects["metric"] == "russia_aligned_states"]
    if e.empty:
        return [baseline, *others[:2]]
    e = e[e["date"] == e["date"].max()]
    ranked = list(e.sort_values("difference")["scenario"])
    picks = [ranked[0]] + ([ranked[-1]] if len(ranked) > 1 and ranked[-1] != ranked[0] else [])
    return [baseline, *picks]


def build(
    batch,
    baseline: str | None = None,
    horizons: Sequence[int | str] = HORIZONS,
    metrics: Sequence[str] = HEADLINE,
) -> Brief:
    """Compute the brief's tables and figures from a loaded batch (`sim.batch.load`)."""
    monthly = batch.monthly
    if monthly.empty:
        raise ValueError("the batch has no finished runs; nothing to report")
    names = scenarios_in(monthly)
    base = choose_baseline(names, baseline)
    names = [base, *[n for n in names if n != base]]
    dates = sorted(monthly["date"].unique())
    horizons = [h for h in horizons if horizon_date(dates, h) is not None] or [dates[-1]]
    metrics = [m for m in metrics if m in monthly.columns]
    effects = None
    findings: list[str] = []
    items: list[Item] = []
    if len(names) > 1:
        effects = paired_effects(monthly, base, horizons, metrics)
        findings = _findings(effects, horizons[-1])
        items.append(
            Item(
                "effects",
                "Headline effects against the baseline",
                plots.forest_plot(
                    effects,
                    metrics=[m for m in FOREST_METRICS if m in metrics] or metrics,
                    baseline=base,
                ),
            )
        )
    panels = len(names) > 3
    for metric in ("russia_influence_share", "russia_aligned_states"):
        if metric in monthly.columns:
            items.append(
                Item(
                    f"fan_{metric}",
                    f"{metric.replace('_', ' ').capitalize()} over time",
                    plots.fan_chart(monthly, metric, names, panels=panels),
                )
            )
    countries = batch.countries
    if not countries.empty:
        when = MAP_HORIZON if horizon_date(countries["date"].unique(), MAP_HORIZON) else None
        thr = russia_aligned_threshold()
        items.append(
            Item(
                "map_russia_aligned",
                "Where states end up aligned with Russia",
                plots.region_map(
                    countries,
                    "alignment",
                    when,
                    _map_scenarios(effects, base, names),
                    title=f"P(Russia-aligned: alignment < -{thr:g} unless a run sets its "
                    f"own threshold), {resolve_date(countries['date'], when)}",
                    aligned="russia",
                    runs=batch.runs,
                    manifest=batch.manifest,
                ),
            )
        )
    events = batch.events
    items.append(
        Item(
            "derna",
            "How soon a Russian naval base at Derna opens",
            plots.survival_plot(
                monthly,
                events,
                "base_opened",
                names,
                what="a Russian naval base at Derna opens",
                site="derna",
            ),
        )
    )
    base_runs = events[events["scenario"] == base]
    if not base_runs.empty:
        items.append(
            Item(
                "timeline",
                "One run of the baseline, event by event",
                plots.timeline_plot(events, base_runs["run_id"].iloc[0]),
            )
        )
    for item in items:
        item.render()
    m = batch.manifest
    prov = {
        "batch": str(m.get("batch_id", getattr(batch, "path", ""))),
        "runs": str(len(batch.runs)),
        "replicates per scenario": str(m.get("replicates", "")),
        "batch seed": str(m.get("batch_seed", "")),
        "months": f"{monthly['date'].min()} to {monthly['date'].max()}",
        "model version": str(m.get("package_version", __version__)),
        "git commit": str(m.get("git_commit", "")),
        "finished": str(m.get("finished", "")),
        "report by": f"southflank {__version__}",
    }
    return Brief(
        title="Southern Flank: policy comparison",
        baseline=base,
        scenarios=_scenario_table(batch, names),
        effects=effects,
        findings=findings,
        items=items,
        provenance={k: v for k, v in prov.items() if v},
    )


def _cell(d: float, lo: float, hi: float, verdict: str) -> str:
    if verdict == TOO_FEW:
        return "too few replicates"
    text = f"{_fmt(d)} [{_fmt(lo)}, {_fmt(hi)}]"
    return text if verdict in ("higher", "lower") else text + " ~0"


def effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    """Effects as text 'difference [low, high]' (with '~0' where the interval contains
    0), one row per scenario and metric, one column per horizon month."""
    e = effects.assign(
        text=[
            _cell(d, lo, hi, v)
            for d, lo, hi, v in zip(
                effects["difference"],
                effects["ci_low"],
                effects["ci_high"],
                effects["verdict"],
                strict=True,
            )
        ]
    )
    table = e.pivot_table(
        index=["scenario", "metric"], columns="date", values="text", aggfunc="first", sort=False
    )
    table.columns = [str(c) for c in table.columns]
    return table.reset_index()
