"""The historical replay's scorecard: does the model reproduce 2019-2025?

`sim/scenarios/historical_2019_replay.yaml` starts in 2019-01 and is fed only exogenous
shocks; this module runs it and scores what the mechanisms make of them against the
stylized facts (sim.validation.facts): a fact "holds" for a batch in the share of
replicates where its test passes. `save_report` writes the scorecard and the series
next to the runs, from Python as from ``southflank replay``.

The replay also runs with coups endogenous (`endogenous_variant`): the scheduled coups
are removed and the coup mechanism decides; fact SF-09 is the test of that variant.

Observed versus simulated: central-Sahel jihadist violence (the monthly metric
``jihadist_deaths_sahel``: activity x population x the registry's deaths per million at
activity 1, i.e. deaths per year on the Global Terrorism Index's scale, averaged over
each calendar year) against the ACSS series of fatalities linked to militant Islamist
groups. ACSS counts more deaths than the GTI, so the series is shown with the one scale
that makes the median simulated 2023 equal the observed 2023 (`sahel_series`); SF-03's
test is on ratios, which that scale leaves unchanged. The observed series is a data
file with its sources (sim/data/observed_acss_sahel_fatalities.csv).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import write_json_atomic, write_text_atomic
from ..roster import load_table
from ..scenario import Scenario
from .facts import AES, FACTS, FactResult, RunView, annual_sahel, score

REPLAY = "historical_2019_replay"
ENDOGENOUS_SUFFIX = "_endogenous"

COUNTERFACTUAL_SUFFIX = "_no_russia_sahel"
OBSERVED_FATALITIES = "observed_acss_sahel_fatalities.csv"  # sources: sim/data/observed_sources.md
SCALE_YEAR = 2023
SCORECARD, SERIES, SUMMARY = "replay_scorecard.csv", "replay_series.csv", "replay.json"


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
    """The replay with its scheduled coups removed and the coup mechanism switched on
    (SF-09 asks whether the mechanism, not the schedule, produces the coup wave)."""
    data = scenario.model_dump()
    data["endogenous_coups"] = True
    data["events"] = [e for e in data["events"] if e["kind"] != "coup"]
    what = (
        "The historical replay with coups endogenous: scheduled coups removed, the coup "
        "mechanism decides."
    )
    return _variant(scenario, ENDOGENOUS_SUFFIX, what, data)


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
        for part in results[0].checks:
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
    same scaled to fatalities (one factor for all years and replicates: observed 2023
    over median simulated 2023), the observed ACSS fatalities where known, and both
    series as ratios to 2020.
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
    scale = observed[SCALE_YEAR] / out.activity_median.get(SCALE_YEAR, np.nan)
    out["simulated_fatalities"] = (out.activity_median * scale).round(0)
    out["simulated_p10"] = (out.activity_p10 * scale).round(0)
    out["simulated_p90"] = (out.activity_p90 * scale).round(0)
    out["observed_fatalities"] = observed
    out["simulated_ratio_2020"] = out.activity_median / out.activity_median.get(2020, np.nan)
    out["observed_ratio_2020"] = out.observed_fatalities / observed[2020]
    out.index.name = "year"
    return out.reset_index()


# ------------------------------------------------------------------- running a replay
@dataclass
class ReplayReport:
    """What `run_replay` produced: per variant, the scorecard and the annual series."""

    path: str
    seconds: float
    replicates: int
    cards: dict[str, pd.DataFrame]  # variant ("scheduled", "endogenous") -> scorecard
    scores: dict[str, list[dict[str, FactResult]]]
    annual: dict[str, pd.DataFrame]  # variant -> replicate x year activity
    series: pd.DataFrame  # the scheduled-coups replay against the ACSS series

    def table(self) -> pd.DataFrame:
        """Facts (whole-fact rows) with the share holding in each variant, in %."""
        out = None
        for variant, card in self.cards.items():
            c = card[card.part == ""].set_index("fact")[["title", "holds_pct"]]
            c = c.rename(columns={"holds_pct": variant})
            out = c if out is None else out.join(c[[variant]])
        return out.reset_index()

    def save(self, out: str | Path | None = None) -> list[Path]:
        """Write the scorecard of every variant (replay_scorecard.csv), the series
        against the observed one (replay_series.csv) and a summary (replay.json), each
        atomically, into `out` (default: the replay's batch folder)."""
        folder = Path(self.path if out is None else out)
        folder.mkdir(parents=True, exist_ok=True)
        card = pd.concat([c.assign(variant=v) for v, c in self.cards.items()], ignore_index=True)
        paths = [folder / SCORECARD, folder / SERIES]
        for df, path in zip((card, self.series), paths, strict=True):
            write_text_atomic(path, df.to_csv(index=False))
        summary = {
            "kind": "southflank-replay",
            "replicates": self.replicates,
            "seconds": round(self.seconds, 2),
            "facts": self.table().to_dict(orient="records"),
        }
        write_json_atomic(folder / SUMMARY, summary)
        return [*paths, folder / SUMMARY]


def replay_scenarios(path: str | None = None) -> dict[str, Scenario]:
    """The replay (scheduled coups) and its endogenous-coups variant."""
    from .. import library

    main = library.load(path or REPLAY)
    return {"scheduled": main, "endogenous": endogenous_variant(main)}


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


def score_tables(
    monthly: pd.DataFrame,
    countries: pd.DataFrame,
    events: pd.DataFrame,
    scenario: Scenario,
    twins: dict[str, RunView] | None = None,
) -> tuple[list[dict[str, FactResult]], pd.DataFrame]:
    """Score every run of one scenario in batch tables (with a ``run_id`` column);
    `twins` maps each run_id to its counterfactual twin's view (needed by SF-05)."""
    scores, annual = [], []
    for run_id, view in run_views(monthly, countries, events, scenario).items():
        view.counterfactual = (twins or {}).get(run_id)
        scores.append(score(view))
        a = annual_sahel(view)
        annual.append(pd.DataFrame({"run_id": run_id, "year": a.index, "activity": a.values}))
    return scores, pd.concat(annual, ignore_index=True)


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
) -> ReplayReport:
    """Run the replay and its endogenous-coups variant through the batch machinery
    (resumable: rerun with the same `out` to finish an interrupted replay) and score
    every replicate against the stylized facts."""
    import time

    from ..batch import load, run_batch

    variants = replay_scenarios(scenario)
    twins = {v: counterfactual_variant(sc) for v, sc in variants.items()}
    t0 = time.perf_counter()
    summary = run_batch(
        [*variants.values(), *twins.values()],
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
    cards, scores, annual = {}, {}, {}
    for variant, sc in variants.items():
        twin_views = run_views(*pick(twins[variant]), twins[variant])
        by_seed = {seed_of[r]: v for r, v in twin_views.items()}
        monthly, countries, events = pick(sc)
        paired = {r: by_seed[seed_of[r]] for r in set(monthly.run_id)}
        scores[variant], annual[variant] = score_tables(monthly, countries, events, sc, paired)
        cards[variant] = scorecard(scores[variant])
    return ReplayReport(
        path=str(summary.path),
        seconds=time.perf_counter() - t0,
        replicates=replicates,
        cards=cards,
        scores=scores,
        annual=annual,
        series=sahel_series(annual["scheduled"]),
    )
