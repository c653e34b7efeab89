"""The policy half of the model against observables nothing was fitted to.

Use label ``validation_policy`` (docs/history/data_split.md): never fitted, never a start
value. Two tests, each beside a persistence forecaster (the start values carried
forward): only skill over it counts.

- **Partner alignment** (`vote_table`): the MD, ICI and AES states' votes on the UNGA
  ES-11 Ukraine resolutions (ES-11/1 and ES-11/4, 2022; ES-11/6, 2023;
  sim/data/evidence/unga_votes.csv). A "yes" sided with Ukraine and the West; an
  abstention, absence or "no" did not. The model's probability of a yes is the share of
  replicates in which the state is not in Russia's camp at the vote's month (camps as
  the analysis reads them, sim.analysis.plausibility.camp): 141 states voted yes,
  hedging states among them, and the abstainers were those close to Moscow. Its trust
  in NATO at that month is scored for ranking (AUC). Persistence: the same reading of
  the 2019-01 start (camp and trust), and the state's vote on 68/262 (2014) carried
  forward.
- **Basing by site** (`basing_table`): which Libyan, Sudanese and Syrian sites hosted
  Russian forces by 2020 and by 2025 (sim/data/evidence/russian_basing.csv; "contested",
  "reported" and unretrieved cells are not scored) against the share of replicates in
  which the site is open at the end of that year. Persistence: the site's status at
  the start (2019-01).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..roster import load_roster, load_table
from ..scenario import Scenario
from .facts import RunView
from .scores import auc, score_binary

VOTES = "evidence/unga_votes.csv"
BASING = "evidence/russian_basing.csv"
ES11 = ("ES-11/1", "ES-11/4", "ES-11/6")
BASING_YEARS = (2020, 2025)
_SEAT = {"LBY": "XLW"}  # Libya's UN seat is held by the Tripoli government


def _camp(alignment: np.ndarray) -> np.ndarray:
    from ..analysis.plausibility import camp

    return np.asarray(camp(pd.Series(alignment)), dtype=int)


def vote_states() -> list[str]:
    """The MD, ICI and AES states (roster groups)."""
    g = load_roster().groups()
    return [*g["MD"], *g["ICI"], *g["AES"]]


def vote_table(views: Sequence[RunView]) -> pd.DataFrame:
    """One row per state and ES-11 resolution: the observed vote, the model's probability
    of a yes and mean trust at the vote's month, and the persistence forecasters."""
    votes = load_table(VOTES)
    start_262 = votes[votes.resolution == "68/262"].set_index("iso3").vote
    votes = votes[votes.resolution.isin(ES11) & votes.iso3.isin(vote_states())]
    v0 = views[0]
    rows = []
    for r in votes.itertuples():
        code = _SEAT.get(r.iso3, r.iso3)
        i = v0.col(code)
        month = r.date[:7]
        not_russian = [(_camp(v.alignment[v.row(month)])[i] >= 0) for v in views]
        trust = [v.trust[v.row(month), i] for v in views]
        rows.append(
            {
                "iso3": r.iso3,
                "resolution": r.resolution,
                "date": month,
                "vote": r.vote,
                "observed": int(r.vote == "yes"),
                "model": float(np.mean(not_russian)),
                "model_trust": float(np.mean(trust)),
                "persistence_start": float(_camp(v0.alignment[0])[i] >= 0),
                "persistence_start_trust": float(v0.trust[0, i]),
                "persistence_68_262": float(start_262.get(r.iso3) == "yes"),
            }
        )
    return pd.DataFrame(rows)


def vote_scores(table: pd.DataFrame, **kw) -> pd.DataFrame:
    """Brier and AUC of the yes votes: the model's camp beside the start's camp and the
    68/262 vote carried forward; and the AUC of trust beside the start's trust."""
    forecasts = {
        "model (not in Russia's camp)": table.model,
        "persistence: start camp (2019-01)": table.persistence_start,
        "persistence: 68/262 vote (2014)": table.persistence_68_262,
    }
    out = score_binary(table.observed, forecasts, **kw)
    ranking = pd.DataFrame(
        {
            "forecaster": ["model trust at the vote", "persistence: start trust (2019-01)"],
            "auc": [
                auc(table.model_trust, table.observed),
                auc(table.persistence_start_trust, table.observed),
            ],
        }
    )
    return pd.concat([out, ranking], ignore_index=True)


def start_status(scenario: Scenario) -> dict[str, str]:
    """Each site's status at the scenario's start (the model's initial state)."""
    from ..model import SouthernFlankModel

    return {b.site: b.status for b in SouthernFlankModel(scenario, seed=0).state.bases}


def _open_by(view: RunView, site: str, year: int, status: str, scheduled: list) -> bool:
    """Whether a site is open at the end of `year` in one run: its start status, then
    in date order the scheduled changes (talks, closures) and the openings the model
    logged (`base_opened`)."""
    end = f"{year}-12"
    changes = [(d, st) for d, st in scheduled if d <= end]
    e = view.events
    if not e.empty and "site" in e:
        opened = e[(e.kind == "base_opened") & (e.site == site) & (e.date <= end)]
        changes += [(d, "open") for d in opened.date]
    for _, st in sorted(changes, key=lambda c: c[0]):
        status = st
    return status == "open"


def basing_table(views: Sequence[RunView], scenario: Scenario) -> pd.DataFrame:
    """One row per site and year with a clear observation (yes / no): the model's share
    of runs with the site open at the year's end and persistence (open at the start)."""
    from ..calendar import format_month

    status0 = start_status(scenario)
    scheduled: dict[str, list] = {}
    for ev in scenario.events:
        if ev.kind == "basing_agreement":
            scheduled.setdefault(ev.site, []).append((format_month(ev.date), ev.status))
    obs = load_table(BASING)
    rows = []
    for r in obs.itertuples():
        if r.site not in status0:
            continue  # a site the model does not carry (sim/data/bases.csv)
        for year in BASING_YEARS:
            seen = getattr(r, f"hosted_russian_forces_{year}")
            if seen not in ("yes", "no"):
                continue
            sched = scheduled.get(r.site, [])
            is_open = [_open_by(v, r.site, year, status0[r.site], sched) for v in views]
            rows.append(
                {
                    "site": r.site,
                    "host": r.host,
                    "year": year,
                    "observed": int(seen == "yes"),
                    "model": float(np.mean(is_open)),
                    "persistence": float(status0[r.site] == "open"),
                }
            )
    return pd.DataFrame(rows)


def basing_scores(table: pd.DataFrame, **kw) -> pd.DataFrame:
    forecasts = {"model": table.model, "persistence: start status (2019-01)": table.persistence}
    return score_binary(table.observed, forecasts, **kw)
