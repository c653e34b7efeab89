"""Calibration against the historical replay: a staged rejection search on the
calibration window only.

The data split (docs/history/data_split.md, sim.validation.split) lets the calibration
read outcomes of 2019-01..2022-12 only: each candidate is scored by the mean share of
replicates in which the stage's in-sample parts hold (`Stage.targets`, the parts
labelled ``calibration``), ties broken by the distance of the in-sample measured
values from the observed ones where a fact defines one (SF-03: the 2021 and 2022
ratios to 2020; SF-09: the coups of 2020-08..2022-12 and in MD states 2019-2022). No
part or count of 2023 or later is read; `Stage.targets` refuses one. Each stage varies
a handful of registry parameters over their declared ranges (a Latin hypercube of
candidates), run as one batch through the batch machinery (sim.batch.run_batch, the
candidates as design points, common replicate seeds). The
candidates with the best scores are accepted (rejection ABC with a tolerance set by an
acceptance quantile, Beaumont et al. 2002); the best few accepted candidates are
rescored on fresh seeds, and the winner is fixed before the next stage only if it makes
the stage's facts hold more often than the current values on those same seeds (else
the current values stay). Stages go in causal order: violence
(SF-03), then the swap of partners that violence and coups set off (SF-01, SF-02,
SF-05, SF-10, keeping SF-03), then the coup hazard of the endogenous-coups variant
(SF-09). The accepted candidates' ranges are reported too: a wide range means the
facts do not pin that parameter down.

Reproducible: the same seed, sample size and replicates give the same candidates, the
same scores and the same winners, on any number of workers. Interruptible: every
scored candidate is appended to ``candidates.jsonl`` in the output folder, and a rerun
with the same settings and folder skips what is already scored.

Result: ``calibration.json`` (settings, per stage the accepted ranges and the winner,
and the final scorecard). `write_registry` writes the accepted ranges and the winners
back into sim/data/parameters.toml (low, high, default, and a ``source`` saying so), so
the deep-uncertainty designs sample what the replay's calibration window did not
reject.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import qmc

from .. import params as _params
from ..io import check_out_folder, write_json_atomic
from ..provenance import environment, now
from ..scenario import Scenario
from . import split
from .facts import FACTS, score

DEFAULT_SEED = 20190101
DEFAULT_SAMPLES = 160
DEFAULT_REPLICATES = 12
SETTINGS = "calibration_settings.json"  # written first: a folder holding it is a calibration
ACCEPT_QUANTILE = 0.1  # the best 10% of candidates are accepted
REFINE = 6  # accepted candidates rescored on fresh seeds
REFINE_FACTOR = 2  # ... with this many times the replicates
RESULT = "calibration.json"
# the monthly metrics the facts read (sim.validation.facts.RunView)
METRICS = ["jihadist_deaths_sahel", "nato_attention"]


@dataclass(frozen=True)
class Stage:
    """One block of the search: parameters varied, facts scored, replay variant."""

    name: str
    parameters: tuple[str, ...]
    facts: tuple[str, ...]
    variant: str  # "scheduled" or "endogenous" (sim.validation.replay.replay_scenarios)

    @property
    def targets(self) -> dict[str, list[str]]:
        """The in-sample parts of the stage's facts, the only ones it may fit; a target
        outside the calibration window is refused (sim.validation.split)."""
        parts = {f: p for f, p in split.in_sample_parts(self.facts).items() if p}
        split.check_calibration_parts(parts)
        return parts


STAGES: tuple[Stage, ...] = (
    Stage(
        "violence",
        (
            "jihad_growth",
            "jihad_suppression",
            "western_cover",
            "jihad_spill",
            "grievance_rate",
            "jihad_pressure_threshold",
            "jihad_anchor",
            "grievance_external",
            "grievance_authoritarian",
            "grievance_violence",
            "coup_cover_loss",
        ),
        ("SF-03",),
        "scheduled",
    ),
    Stage(
        "realignment",
        (
            "hostility_mean",
            "hostility_spread",
            "hostility_grievance",
            "hostility_contagion",
            "expel_hazard",
            "expel_min_hostility",
            "withdrawal_months",
            "deploy_hazard",
            "deploy_min_ties",
            "deploy_min_tenure",
            "coup_ties_gain",
        ),
        ("SF-01", "SF-02", "SF-05", "SF-10", "SF-03"),
        "scheduled",
    ),
    Stage(
        "coups",
        (
            "coup_logit_base",
            "coup_insecurity",
            "coup_fragility",
            "coup_trap",
            "coup_contagion",
            "coup_memory_months",
            "coup_military_regime",
            "coup_capacity_shield",
            "coup_insecurity_rise",
            "coup_rise_months",
            "coup_foreign_guard",
        ),
        ("SF-09",),
        "endogenous",
    ),
)


# The stages `calibrate` runs by default. Since jihadist activity starts from the observed
# deaths of 2019 (roster, Global Terrorism Index) and each state's growth is anchored on
# them (jihad_anchor), the violence stage no longer buys SF-03 with a region-wide
# saturation, and it runs first (docs/calibration.md).
DEFAULT_STAGES = ("violence", "realignment", "coups")


def on_grid(name: str, value: float) -> float:
    """A candidate value snapped to the registry's slider grid (range / 100), so that a
    calibrated default shows as itself in the visualization and carries no spurious
    precision."""
    reg = _params.REGISTRY[name]
    if reg.integer:
        return float(round(value))
    step = (reg.high - reg.low) / 100.0
    return float(round(reg.low + round((value - reg.low) / step) * step, 10))


def stage_names() -> list[str]:
    return [s.name for s in STAGES]


def batch_seed(seed: int, stream: int) -> int:
    """The batch seed of one scoring round; `stream` separates search, refinement and
    check (each round's replicate seeds are common to all its candidates)."""
    return int(np.random.SeedSequence(seed, spawn_key=(stream,)).generate_state(1)[0])


def candidates(stage: Stage, n: int, seed: int, base: dict[str, float]) -> list[dict]:
    """Candidate 0 is the current values; then a Latin hypercube over the ranges."""
    k = STAGES.index(stage)
    sampler = qmc.LatinHypercube(d=len(stage.parameters), rng=np.random.default_rng([seed, k]))
    unit = sampler.random(n)
    lows = np.array([_params.REGISTRY[p].low for p in stage.parameters])
    highs = np.array([_params.REGISTRY[p].high for p in stage.parameters])
    values = qmc.scale(unit, lows, highs)
    out = [{p: float(base[p]) for p in stage.parameters}]
    for row in values:
        cand = {}
        for name, v in zip(stage.parameters, row, strict=True):
            cand[name] = on_grid(name, v)
        out.append(cand)
    return out


def score_point(views: list, targets: dict[str, list[str]]) -> dict:
    """One candidate's replicates: the share holding of each in-sample part and the
    mean in-sample distance of each fact that defines one."""
    parts: dict[str, float] = {}
    distance: dict[str, float] = {}
    facts = list(targets)
    for view in views:
        view.require_twin = False  # SF-05's causal part is out of sample: not a target
        for fid, res in score(view, facts).items():
            for part in targets[fid]:
                key = f"{fid}: {part}"
                parts[key] = parts.get(key, 0.0) + res.checks.get(part, False) / len(views)
            if FACTS[fid].distance is not None:
                distance[fid] = distance.get(fid, 0.0) + FACTS[fid].distance(res.measured) / len(
                    views
                )
    return {"n": len(views), "parts": parts, "distance": distance}


def objective(row: dict) -> tuple[float, float]:
    """Mean share of the in-sample parts holding; ties broken by the mean in-sample
    distance from the observed values (facts that define one, sim.validation.facts.Fact)."""
    parts = np.mean(list(row["parts"].values())) if row["parts"] else 0.0
    dist = np.mean(list(row.get("distance", {}).values()) or [0.0])
    return float(parts), -float(dist)


def score_candidates(
    scenario: Scenario,
    points: list[dict],
    targets: dict[str, list[str]],
    *,
    replicates: int,
    seed: int,
    out: Path,
    executor: str,
    workers: int | None,
    progress: bool,
) -> list[dict]:
    """Run every candidate (a design point) x replicates as one batch through the batch
    machinery (resumable: the same folder continues) and score each point."""
    from ..batch import load, run_batch
    from ..batch.design import Design
    from .replay import run_views

    summary = run_batch(
        [scenario],
        design=Design(points=points),
        replicates=replicates,
        seed=seed,
        out=out,
        executor=executor,
        workers=workers,
        progress=progress,
        label="calibration",
        columns=METRICS,
    )
    batch = load(summary.path)
    rows = []
    for k in range(len(points)):
        ids = list(batch.runs[batch.runs.point == k].run_id)
        flt = [("run_id", "in", ids)]
        tables = [batch.read(t, filters=flt) for t in ("monthly", "countries", "events")]
        views = list(run_views(*tables, scenario).values())
        rows.append(score_point(views, targets))
    return rows


def run_stage(
    stage: Stage,
    scenario: Scenario,
    base: dict[str, float],
    *,
    samples: int,
    replicates: int,
    seed: int,
    out: Path,
    executor: str,
    workers: int | None,
    progress: bool,
) -> dict:
    """One stage: search, accept, refine; returns the stage record (winner included)."""
    targets = stage.targets
    cands = candidates(stage, samples, seed, base)
    fixed = {k: v for k, v in base.items() if k not in stage.parameters}
    kw = dict(executor=executor, workers=workers, progress=progress)

    def points(chosen: list[int]) -> list[dict]:
        return [{**fixed, **cands[i]} for i in chosen]

    k = STAGES.index(stage)
    scored = score_candidates(
        scenario,
        points(list(range(len(cands)))),
        targets,
        replicates=replicates,
        seed=batch_seed(seed, 10 * k + 1),
        out=out / f"{stage.name}-search",
        **kw,
    )
    order = sorted(range(len(cands)), key=lambda i: objective(scored[i]), reverse=True)
    n_accept = max(REFINE, int(np.ceil(ACCEPT_QUANTILE * len(cands))))
    accepted = order[:n_accept]
    refine = list(dict.fromkeys([0, *accepted[:REFINE]]))  # the current values compete too
    rscored = dict(
        zip(
            refine,
            score_candidates(
                scenario,
                points(refine),
                targets,
                replicates=REFINE_FACTOR * replicates,
                seed=batch_seed(seed, 10 * k + 2),
                out=out / f"{stage.name}-refine",
                **kw,
            ),
            strict=True,
        )
    )
    best = max(refine, key=lambda i: objective(rscored[i]))
    if objective(rscored[best])[0] <= objective(rscored[0])[0]:
        # a winner must make the stage's in-sample parts hold more often than the
        # current values; where none does, the current values stay (docs/calibration.md)
        best = 0
    acc = pd.DataFrame([cands[i] for i in accepted])
    return {
        "stage": stage.name,
        "facts": list(stage.facts),
        "targets": targets,
        "variant": stage.variant,
        "parameters": list(stage.parameters),
        "ranges": {
            p: [_params.REGISTRY[p].low, _params.REGISTRY[p].high] for p in stage.parameters
        },
        "samples": samples,
        "replicates": replicates,
        "tolerance": objective(scored[accepted[-1]])[0],
        "accepted": len(accepted),
        "accepted_ranges": {
            p: {k: float(getattr(acc[p], k)()) for k in ("min", "median", "max")}
            for p in stage.parameters
        },
        "before": {"values": cands[0], "score": rscored[0]},
        "winner": {"values": cands[best], "score": rscored[best]},
        "improved": best != 0,
    }


def calibrate(
    *,
    samples: int = DEFAULT_SAMPLES,
    replicates: int = DEFAULT_REPLICATES,
    seed: int = DEFAULT_SEED,
    out: str | Path = "results/calibration",
    workers: int | None = None,
    executor: str = "processes",
    stages: Sequence[str] | None = None,
    check_replicates: int = 40,
    progress: bool | None = None,
    scenario: str | None = None,
) -> dict:
    """Run the staged search on the calibration window and a final check of every fact
    (in and out of sample, both variants); write calibration.json.

    Args:
        samples: candidates per stage (plus the current values).
        replicates: replay replicates per candidate in the search (refinement uses
            REFINE_FACTOR times as many, on other seeds).
        seed: the search seed (candidates and replicate seeds derive from it).
        out: output folder; an earlier run with the same settings is resumed (each
            stage's batches live in it).
        workers, executor: as for batches (sim.batch.executors).
        stages: stage names to run, in the order of STAGES (default DEFAULT_STAGES).
        check_replicates: replicates of the final check (fresh seeds).
        progress: progress bars (default: when stderr is a terminal).
        scenario: the replay scenario (default the shipped one).
    """
    from .replay import replay_scenarios, run_replay

    progress = sys.stderr.isatty() if progress is None else progress
    wanted = DEFAULT_STAGES if stages is None else stages
    chosen = [s for s in STAGES if s.name in wanted]
    variants = replay_scenarios(scenario)
    out = Path(out)
    check_out_folder(out, SETTINGS, "calibration")
    out.mkdir(parents=True, exist_ok=True)
    settings = {
        "samples": samples,
        "replicates": replicates,
        "seed": seed,
        "stages": [s.name for s in chosen],
        "scenario_hash": variants["scheduled"].content_hash(),
        "window": list(split.CALIBRATION_WINDOW),
    }
    write_json_atomic(out / SETTINGS, settings)  # marks the folder as a calibration's
    base = {**_params.defaults(), **variants["scheduled"].parameters}
    t0 = time.perf_counter()
    records = []
    for stage in chosen:
        rec = run_stage(
            stage,
            variants[stage.variant],
            base,
            samples=samples,
            replicates=replicates,
            seed=seed,
            out=out,
            executor=executor,
            workers=workers,
            progress=progress,
        )
        records.append(rec)
        base.update(rec["winner"]["values"])
    calibrated = {p: base[p] for s in chosen for p in s.parameters}
    check = run_replay(
        check_replicates,
        seed=batch_seed(seed, 3),
        out=str(out / "check"),
        workers=workers,
        executor=executor,
        progress=progress,
        scenario=scenario,
        parameters=calibrated,
        switch_test=False,
    )
    final = {
        v: {
            "holds": {r.fact: r.holds_pct / 100.0 for r in card[card.part == ""].itertuples()},
            "parts": {
                f"{r.fact}: {r.part}": r.holds_pct / 100.0
                for r in card[card.part != ""].itertuples()
            },
        }
        for v, card in check.cards.items()
    }
    result = {
        "kind": "southflank-calibration",
        "finished": now(),
        "seconds": round(time.perf_counter() - t0, 1),
        "settings": settings,
        "check_replicates": check_replicates,
        "stages": records,
        "calibrated": calibrated,
        "changed": {
            p: {"old": _params.REGISTRY[p].default, "new": v}
            for p, v in calibrated.items()
            if v != _params.REGISTRY[p].default
        },
        "final": final,
        **environment(),
    }
    write_json_atomic(out / RESULT, result)
    return result


# ------------------------------------------------------------ back into the registry
def _fmt(x: float) -> str:
    return repr(float(f"{x:.6g}"))


def registry_ranges(result: dict, keep: dict[str, float] | None = None) -> dict[str, dict]:
    """Per calibrated parameter: the new low, high and default (the accepted range,
    widened to hold the winner, or the default in `keep` where given) and the
    provenance text for its ``source``."""
    out = {}
    seed = result["settings"]["seed"]
    for st in result["stages"]:
        for p in st["parameters"]:
            reg = _params.REGISTRY[p]
            if reg.kind not in ("coefficient", "initial"):
                continue
            acc = st["accepted_ranges"][p]
            default = float(keep[p] if keep else st["winner"]["values"][p])
            low, high = min(acc["min"], default), max(acc["max"], default)
            if reg.integer:
                low, high = float(np.floor(low)), float(np.ceil(high))
            what = (
                f"{split.RANGE_PROVENANCE} (default kept from earlier rounds)"
                if keep
                else split.WINDOW_PROVENANCE
            )
            how = (
                f"{what}: stage {st['stage']}, accepted range of "
                f"{st['accepted']} of {st['samples'] + 1} candidates x {st['replicates']} "
                f"replicates (southflank calibrate --seed {seed}), registry range before "
                f"{_fmt(reg.low)}-{_fmt(reg.high)}, default before {_fmt(reg.default)} "
                "(docs/calibration.md)"
            )
            out[p] = {"low": low, "high": high, "default": default, "source": how}
    return out


def write_registry(
    result: dict, path: str | Path | None = None, keep_defaults: bool = False
) -> list[str]:
    """Write the accepted ranges and the winners into the registry file (low, high,
    default; the source gains the provenance), so deep-uncertainty draws sample what
    the calibration window did not reject. With `keep_defaults` only the ranges are
    written (widened to hold the current default) and the defaults stay. Returns the
    names changed."""
    from importlib import resources

    path = Path(path) if path else Path(str(resources.files("sim") / "data" / "parameters.toml"))
    import tomllib

    text = path.read_text(encoding="utf-8")
    current = {e["name"]: float(e["default"]) for e in tomllib.loads(text)["parameter"]}
    changed = []
    for name, new in registry_ranges(result, current if keep_defaults else None).items():
        block = re.search(
            rf'(\[\[parameter\]\]\nname = "{re.escape(name)}"\n.*?)(?=\n\[\[parameter\]\]|\Z)',
            text,
            flags=re.S,
        )
        if block is None:
            raise KeyError(f"{path}: no entry {name!r}")
        entry = block.group(1)
        updated = entry
        integer = _params.REGISTRY[name].integer
        for key in ("default", "low", "high"):
            value = str(int(new[key])) if integer else _fmt(new[key])
            updated = re.sub(rf"(?m)^{key} = .*$", f"{key} = {value}", updated)
        old_source = tomllib.loads(entry)["parameter"][0]["source"]
        kept = re.split(
            f"; (?:{re.escape(split.WINDOW_PROVENANCE)}|{re.escape(split.RANGE_PROVENANCE)})",
            old_source,
        )[0]
        updated = re.sub(
            r"(?m)^source = .*$",
            lambda _m, s=f"{kept}; {new['source']}": (
                "source = " + json.dumps(s, ensure_ascii=False)
            ),
            updated,
        )
        text = text.replace(entry, updated)
        changed.append(name)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return changed
