"""The historical replay's scorecard: does the model reproduce 2019-2025?

`sim/scenarios/historical_2019_replay.yaml` starts in 2019-01 and is fed only exogenous
shocks; this module runs it and scores what the mechanisms make of them against the
stylized facts (sim.validation.facts): a fact "holds" for a batch in the share of
replicates where its test passes. `ReplayReport.save` writes the scorecard, the scores
and the series next to the runs, from Python as from ``southflank replay``.

The headline is the model that forecasts (`endogenous_variant`): coups, deployments,
expulsions, base openings, realignments and violence all come from the mechanisms (the
scheduled coups are removed). The replay file with its scheduled coups is a diagnostic
variant. Every scored part carries its data-split label (sim.validation.split); the
parts credited to a channel are rerun with that channel's switch off on the same seeds
(`switched_off`), and the replay's probabilities are scored against naive forecasters
(sim.validation.skill, sim.validation.policy).

Observed versus simulated: central-Sahel jihadist violence (the monthly metric
``jihadist_deaths_sahel``: activity x population x the registry's deaths per million at
activity 1, i.e. deaths per year on the Global Terrorism Index's scale, averaged over
each calendar year) against the ACSS series of fatalities linked to militant Islamist
groups. ACSS counts more deaths than the GTI, so the series is shown with one scale fixed
from the calibration window only (observed 2020-2022 over the median simulated
2020-2022, `sim.validation.skill.violence_scale`); SF-03's ratio parts are unchanged by
it, its 2024 level is scored against the observed one on that scale. The observed series is a data
file with its sources (sim/data/observed_acss_sahel_fatalities.csv).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_json_atomic, write_text_atomic
from ..params import SWITCHES
from ..roster import load_table
from ..scenario import Scenario
from . import policy, skill, split
from .facts import AES, FACTS, FactResult, RunView, annual_sahel, score

REPLAY = "historical_2019_replay"
ENDOGENOUS_SUFFIX = "_endogenous"

COUNTERFACTUAL_SUFFIX = "_no_russia_sahel"
OBSERVED_FATALITIES = "observed_acss_sahel_fatalities.csv"  # sources: sim/data/observed_sources.md
SWITCH_SUFFIX = "_off"
HEADLINE = "endogenous"
SCORECARD, SERIES, SUMMARY = "replay_scorecard.csv", "replay_series.csv", "replay.json"
TABLES = {
    "distributions": "replay_distributions.csv",
    "events": "replay_events.csv",
    "event_scores": "replay_event_scores.csv",
    "coup_auc": "replay_coup_auc.csv",
    "md_coup_brier": "replay_md_coup_brier.csv",
    "votes": "replay_votes.csv",
    "vote_scores": "replay_vote_scores.csv",
    "basing": "replay_basing.csv",
    "basing_scores": "replay_basing_scores.csv",
}


def observed_fatalities() -> pd.Series:
    """ACSS fatalities linked to militant Islamist groups in the Sahel, by year
    (sim/data/observed_acss_sahel_fatalities.csv, each value with its source)."""
    table = load_table(OBSERVED_FATALITIES)
    return table.set_index("year")["fatalities"].astype(float)


def score_result(result, facts: Iterable[str] | None = None) -> dict[str, FactResult]:
    """Score a `sim.Result` (one run of `simulate`); SF-05 runs its counterfactual twin
    (the same scenario and seed with Russian forces denied in the central Sahel)."""
    from ..run import simulate

    view = RunView.from_tables(result.monthly, result.countries, result.events, result.scenario)
    if facts is None or "SF-05" in facts:
        twin = simulate(counterfactual_variant(result.scenario), seed=result.seed)
        view.counterfactual = RunView.from_tables(
            twin.monthly, twin.countries, twin.events, twin.scenario
        )
    return score(view, facts)


# ------------------------------------------------------------------------ the variant
def _variant(scenario: Scenario, suffix: str, what: str, data: dict) -> Scenario:
    """A scenario derived from another: its name with `suffix`, `what` before its
    description, `data` its edited model_dump()."""
    data["name"] = scenario.name + suffix
    data["description"] = what + " " + scenario.description
    return Scenario.from_dict(data, path=scenario.source_path or "<replay>")


def endogenous_variant(scenario: Scenario) -> Scenario:
    """The replay as the model forecasts: its scheduled coups removed and the coup
    mechanism switched on (deployments, expulsions, base openings, the bloc and
    violence are the mechanisms' in both variants)."""
    data = scenario.model_dump()
    data["endogenous_coups"] = True
    data["events"] = [e for e in data["events"] if e["kind"] != "coup"]
    what = (
        "The historical replay with coups endogenous: scheduled coups removed, the coup "
        "mechanism decides."
    )
    return _variant(scenario, ENDOGENOUS_SUFFIX, what, data)


def switched_off(scenario: Scenario, switches: str) -> Scenario:
    """The scenario with the named channel switches (comma-joined registry names) at 0,
    everything else the same: the switch test of sim.validation.split."""
    names = [n.strip() for n in switches.split(",") if n.strip()]
    unknown = [n for n in names if n not in SWITCHES]
    if unknown:
        raise ValueError(f"switches: unknown {unknown}; allowed: {', '.join(SWITCHES)}")
    data = scenario.model_dump()
    data["parameters"] = {**data.get("parameters", {}), **dict.fromkeys(names, 0.0)}
    what = f"Switch test: {', '.join(names)} off."
    return _variant(
        scenario,
        SWITCH_SUFFIX + "_" + "_".join(n.removesuffix("_switch") for n in names),
        what,
        data,
    )


def counterfactual_variant(scenario: Scenario) -> Scenario:
    """The scenario with Russian forces denied in the central Sahel (`russia.denied`),
    everything else the same: SF-05's test that Russian forces do not by themselves lower
    violence compares each run with this twin at the same seed (common random numbers:
    the two runs are identical until the first Russian arrival there)."""
    data = scenario.model_dump()
    data["russia"]["denied"] = sorted(set(data["russia"]["denied"]) | set(AES))
    what = "Counterfactual: no Russian forces in Mali, Burkina Faso and Niger."
    return _variant(scenario, COUNTERFACTUAL_SUFFIX, what, data)


# ---------------------------------------------------------------------- aggregation
def scorecard(scores: Iterable[dict[str, FactResult]]) -> pd.DataFrame:
    """Share of replicates in which each fact (and each part of its test) holds.

    Returns one row per fact and part: ``fact``, ``part`` ("" for the whole fact),
    ``holds_pct`` and ``n`` (replicates scored).
    """
    rows = []
    scores = list(scores)
    for fid, fact in FACTS.items():
        results = [s[fid] for s in scores if fid in s]
        if not results:
            continue
        n = len(results)
        rows.append(
            {
                "fact": fid,
                "part": "",
                "title": fact.title,
                "holds_pct": 100.0 * sum(r.holds for r in results) / n,
                "n": n,
            }
        )
        parts = list(dict.fromkeys(p for r in results for p in r.checks))
        for part in parts:
            ok = sum(r.checks.get(part, False) for r in results)
            rows.append(
                {"fact": fid, "part": part, "title": "", "holds_pct": 100.0 * ok / n, "n": n}
            )
    return pd.DataFrame(rows, columns=["fact", "part", "title", "holds_pct", "n"])


def sahel_series(annual: pd.DataFrame) -> pd.DataFrame:
    """Simulated versus observed central-Sahel violence by year.

    Args:
        annual: one row per replicate and year with columns ``year`` and ``activity``
            (annual mean of ``jihadist_deaths_sahel``, as `annual_sahel` gives).

    Returns one row per year: the median and 10-90% range of simulated activity, the
    same scaled to fatalities (one factor for all years and replicates, fixed from the
    calibration window: observed 2020-2022 over median simulated 2020-2022), the
    observed ACSS fatalities where known, and both series as ratios to 2020.
    """
    g = annual.groupby("year").activity
    out = pd.DataFrame(
        {
            "activity_median": g.median(),
            "activity_p10": g.quantile(0.1),
            "activity_p90": g.quantile(0.9),
        }
    )
    observed = observed_fatalities()
    scale = skill.violence_scale(annual, observed)
    out["simulated_fatalities"] = (out.activity_median * scale).round(0)
    out["simulated_p10"] = (out.activity_p10 * scale).round(0)
    out["simulated_p90"] = (out.activity_p90 * scale).round(0)
    out["observed_fatalities"] = observed
    out["simulated_ratio_2020"] = out.activity_median / out.activity_median.get(2020, np.nan)
    out["observed_ratio_2020"] = out.observed_fatalities / observed[2020]
    out.index.name = "year"
    return out.reset_index()


# ------------------------------------------------------------------- running a replay
def credit_sets() -> list[str]:
    """The distinct sets of switches the headline's endogenous parts credit."""
    labels = [lab for parts in split.LABELS.values() for lab in parts.values()]
    labels += list(split.DISTRIBUTION_LABELS.values())
    return sorted({", ".join(lab.credits) for lab in labels if lab.role == "endogenous"})


@dataclass
class ReplayReport:
    """What `run_replay` produced: per variant the scorecard; for the headline the
    labelled parts with their switch test, the endogenous shares, and the proper scores
    beside the naive forecasters."""

    path: str
    seconds: float
    replicates: int
    cards: dict[str, pd.DataFrame]  # variant ("endogenous", "scheduled") -> scorecard
    scores: dict[str, list[dict[str, FactResult]]]
    annual: dict[str, pd.DataFrame]  # variant -> replicate x year activity
    series: pd.DataFrame  # the headline replay against the ACSS series
    parts: pd.DataFrame = field(default_factory=pd.DataFrame)  # labelled, switch-tested
    shares: dict = field(default_factory=dict)  # sim.validation.split.shares
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # TABLES

    def table(self) -> pd.DataFrame:
        """Facts (whole-fact rows) with the share holding in each variant, in %."""
        out = None
        for variant, card in self.cards.items():
            c = card[card.part == ""].set_index("fact")[["title", "holds_pct"]]
            c = c.rename(columns={"holds_pct": variant})
            out = c if out is None else out.join(c[[variant]])
        return out.reset_index()

    def markdown(self) -> str:
        """The labelled scorecard as Markdown (written as replay_scorecard.md; the
        README's table is this text): the endogenous parts in and out of sample with
        their shares, the parts whose fact set parameters, and the others apart."""
        p = self.parts
        if not len(p):
            return ""
        counted = p.counted if "counted" in p else p.role == "endogenous"

        def table(rows: pd.DataFrame, off: bool = True) -> list[str]:
            head = (
                "| fact | part | holds | channels off |"
                if off
                else "| fact | part | holds | role: why |"
            )
            out = [head, "|---|---|---|---|"]
            for r in rows.itertuples():
                if off:
                    last = f"{r.off_pct:.0f}%"
                elif r.role == "endogenous":
                    last = f"endogenous, but {r.holds_pct:.0f}% with {r.credits} off too"
                else:
                    last = f"{r.role}: {r.why}"
                out.append(f"| {r.fact} | {r.part} | {r.holds_pct:.0f}% | {last} |")
            return out

        sh = self.shares
        lines = []
        for key, sel, what in (
            (
                "in_sample",
                counted & (p.window == "calibration"),
                "Endogenous, in sample (2019-2022: the calibration fits these)",
            ),
            (
                "out_of_sample",
                counted & (p.window == "validation") & (p.set_by == ""),
                "Endogenous, out of sample (2023-2025: validation)",
            ),
            (
                "out_of_sample_set_by_fact",
                counted & (p.window == "validation") & (p.set_by != ""),
                "Out of sample, but earlier rounds set parameters from the fact (not counted)",
            ),
        ):
            s = sh[key]
            lines += [
                "",
                f"**{what}**: {s['parts']} parts, mean share {s['share_pct']:.0f}%, "
                f"{s['parts_holding_80']} holding in >= 80% of replicates.",
                "",
                *table(p[sel]),
            ]
        lines += [
            "",
            "**Not counted** (inputs, structure, and endogenous parts whose share does not move "
            "when their channels are off):",
            "",
            *table(p[~counted], off=False),
        ]
        return "\n".join(lines) + "\n"

    def save(self, out: str | Path | None = None) -> list[Path]:
        """Write the scorecard of every variant (replay_scorecard.csv), the labelled
        parts, the series against the observed one (replay_series.csv), the score
        tables (TABLES) and a summary with the endogenous shares (replay.json), each
        atomically, into `out` (default: the replay's batch folder)."""
        folder = Path(self.path if out is None else out)
        folder.mkdir(parents=True, exist_ok=True)
        card = pd.concat([c.assign(variant=v) for v, c in self.cards.items()], ignore_index=True)
        frames = {SCORECARD: card, SERIES: self.series}
        if len(self.parts):
            frames["replay_parts.csv"] = self.parts
        frames.update({TABLES[k]: df for k, df in self.tables.items()})
        paths = []
        for name, df in frames.items():
            paths.append(write_text_atomic(folder / name, df.to_csv(index=False)))
        summary = {
            "kind": "southflank-replay",
            "replicates": self.replicates,
            "headline": HEADLINE,
            "seconds": round(self.seconds, 2),
            "facts": self.table().to_dict(orient="records"),
            "shares": self.shares,
        }
        write_json_atomic(folder / SUMMARY, summary)
        md = folder / "replay_scorecard.md"
        tmp = md.with_suffix(".md.tmp")
        tmp.write_text(self.markdown(), encoding="utf-8")
        tmp.replace(md)
        return [*paths, folder / SUMMARY, md]


def replay_scenarios(
    path: str | None = None, parameters: dict[str, float] | None = None
) -> dict[str, Scenario]:
    """The headline replay (everything endogenous) and the diagnostic variant with the
    scheduled coups, headline first; `parameters` overrides registry values in both
    (e.g. a calibration's candidate)."""
    from .. import library

    main = library.load(path or REPLAY)
    if parameters:
        main = main.with_parameters(parameters)
    return {HEADLINE: endogenous_variant(main), "scheduled": main}


def run_views(
    monthly: pd.DataFrame, countries: pd.DataFrame, events: pd.DataFrame, scenario: Scenario
) -> dict[str, RunView]:
    """One RunView per run of one scenario in batch tables (with a ``run_id`` column)."""
    ev = dict(tuple(events.groupby("run_id"))) if len(events) else {}
    cs = dict(tuple(countries.groupby("run_id")))
    return {
        run_id: RunView.from_tables(m, cs[run_id], ev.get(run_id, events.iloc[:0]), scenario)
        for run_id, m in monthly.groupby("run_id", sort=False)
    }


def score_views(views: dict[str, RunView]) -> tuple[list[dict[str, FactResult]], pd.DataFrame]:
    """Score every run (views with their twins set) and collect the annual violence."""
    scores, annual = [], []
    for run_id, view in views.items():
        scores.append(score(view))
        a = annual_sahel(view)
        annual.append(pd.DataFrame({"run_id": run_id, "year": a.index, "activity": a.values}))
    return scores, pd.concat(annual, ignore_index=True)


def skill_tables(views: list[RunView], annual: pd.DataFrame, scenario: Scenario) -> dict:
    """The proper scores of one variant's replicates beside the naive forecasters."""
    events = skill.event_table(views)
    dist = skill.distribution_table(views, annual, observed_fatalities())
    votes = policy.vote_table(views)
    basing = policy.basing_table(views, scenario)
    return {
        "distributions": dist,
        "events": events,
        "event_scores": skill.event_scores(events),
        "coup_auc": skill.coup_auc(events),
        "md_coup_brier": skill.md_coup_brier(events),
        "votes": votes,
        "vote_scores": policy.vote_scores(votes),
        "basing": basing,
        "basing_scores": policy.basing_scores(basing),
    }


def run_replay(
    replicates: int = 20,
    *,
    seed: int | None = None,
    out: str | None = None,
    workers: int | None = None,
    executor: str = "processes",
    progress: bool | None = None,
    scenario: str | None = None,
    scheduler=None,
    switch_test: bool = True,
    parameters: dict[str, float] | None = None,
) -> ReplayReport:
    """Run the headline replay, the diagnostic variant with scheduled coups and (with
    `switch_test`) the headline with each credited set of channel switches off, every
    one with its counterfactual twin, through the batch machinery (resumable: rerun
    with the same `out` to finish an interrupted replay); score every replicate, label
    the parts, test them with the switches and score the probabilities."""
    import time

    from ..batch import load, run_batch

    variants = replay_scenarios(scenario, parameters)
    runs = dict(variants)
    if switch_test:
        for credits in credit_sets():
            runs[f"off: {credits}"] = switched_off(variants[HEADLINE], credits)
    twins = {v: counterfactual_variant(sc) for v, sc in runs.items()}
    t0 = time.perf_counter()
    summary = run_batch(
        [*runs.values(), *twins.values()],
        replicates=replicates,
        seed=seed,
        out=out,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        label="replay",
    )
    batch = load(summary.path)
    tables = [batch.read(t) for t in ("monthly", "countries", "events")]

    def pick(sc: Scenario) -> tuple[pd.DataFrame, ...]:
        ids = set(batch.runs[batch.runs.scenario == sc.name].run_id)
        return tuple(df[df.run_id.isin(ids)] for df in tables)

    # each run is paired with its twin by replicate seed (common random numbers)
    seed_of = batch.runs.set_index("run_id").seed
    cards, scores, annual, views = {}, {}, {}, {}
    for variant, sc in runs.items():
        twin_views = run_views(*pick(twins[variant]), twins[variant])
        by_seed = {seed_of[r]: v for r, v in twin_views.items()}
        views[variant] = run_views(*pick(sc), sc)
        for run_id, view in views[variant].items():
            view.counterfactual = by_seed[seed_of[run_id]]
        scores[variant], annual[variant] = score_views(views[variant])
        cards[variant] = scorecard(scores[variant])
    head = list(views[HEADLINE].values())
    tables_out = skill_tables(head, annual[HEADLINE], variants[HEADLINE])
    dist_parts = skill.distribution_parts(tables_out["distributions"])
    parts = split.labelled(pd.concat([cards[HEADLINE], dist_parts], ignore_index=True), HEADLINE)
    off_cards = {}
    for credits in credit_sets() if switch_test else ():
        name = f"off: {credits}"
        off_views = list(views[name].values())
        off_dist = skill.distribution_table(off_views, annual[name], observed_fatalities())
        off_cards[credits] = pd.concat(
            [cards[name], skill.distribution_parts(off_dist)], ignore_index=True
        )
    if switch_test:
        parts = split.confirm(parts, off_cards)
    return ReplayReport(
        path=str(summary.path),
        seconds=time.perf_counter() - t0,
        replicates=replicates,
        cards={v: cards[v] for v in variants},
        scores={v: scores[v] for v in variants},
        annual={v: annual[v] for v in variants},
        series=sahel_series(annual[HEADLINE]),
        parts=parts,
        shares=split.shares(parts),
        tables=tables_out,
    )
