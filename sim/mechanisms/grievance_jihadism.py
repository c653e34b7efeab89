"""Grievance and jihadism: unaccountable, externally controlled, weak states breed
grievance; jihadist groups grow where grievance is high and capacity low, and spill
across borders.

Source (Atlantic Council, July 2025): "authoritarian, unaccountable, and externally
controlled regimes fuel grievances, which are in turn often exploited by jihadist
groups."

Equations, per state i and month (jihadist activity J is a field over states, not
mobile agents: groups are many, fluid and poorly counted, and the calibration data
are country-year fatality series):
    target_i  = grievance_authoritarian * authoritarian(regime_i)
                + grievance_external * russian presence_i
                + grievance_fragility * (1 - capacity_i) + grievance_violence * J_i
    G_i      += grievance_rate * (min(target_i, 1) - G_i)
    pressure  = max(G_i * (1 - capacity_i) - jihad_pressure_threshold, 0)
                / (1 - jihad_pressure_threshold)
    cover_i   = capacity_i * (1 - coup_cover_loss * coup memory_i)
                + western_cover * western presence_i + russian_cover * rpres_i
    net_i     = jihad_growth * pressure * (1 - J_i) - jihad_suppression * cover_i
    J_i      += (net_i + drift_i) * J_i + jihad_seed * pressure
                + jihad_spill * (1 - capacity_i) * foothold_i
                  * sum_k A_ik J_k max(J_k - J_i, 0)              (A: row-normalised neighbours)
    foothold_i = min(J_i / jihad_spill_foothold, 1)   (1 where jihad_spill_foothold = 0)
    drift_i   = -jihad_anchor * net_i at the start of the run (set once, by this module's initialise hook)
                + jihad_momentum * ln(J_i / Jprior_i) / 12
                (Jprior_i: the observed activity of the year before the start, roster column
                 jihadist_deaths_<year>; the term is 0 where the roster has none; off by
                 default, docs/calibration.md, fourth round)
    stability_i = capacity_i * (1 - stability_jihad_weight * J_i)
                  * (1 - stability_conflict_weight * conflict_i)
                  * (1 - stability_coup_weight * coup memory_i)

Activity starts from the observed violence of the start year (roster, Global Terrorism
Index deaths; this module's initialise hook). The drift anchors each state's growth to that
observation: with jihad_anchor = 1 a state whose drivers do not change keeps its
observed level (its groups, terrain and networks, which the model does not represent,
are taken as they were), and only changes in grievance, capacity and foreign forces
move it; with 0, structural pressure alone decides where activity goes. Groups spread
across borders into weak states (spill scaled by the receiving state's fragility), not
into capable ones, and mostly from where they are strong (the gap is weighted by the
source's own activity: JNIM pushed into coastal West Africa once it held much of
Burkina Faso), and only where they already operate (the foothold): Guinea, Senegal
and Mauritania recorded almost no jihadist deaths in 2019-2024 (GTI) while Mali's
violence rose next door, so spill needs groups on the receiving side to grow from.
Right after a coup the army turns to regime security (the source: the
juntas put "regime security first"), so part of the state's capacity stops covering
the country and returns as the coup memory fades.

Departures: Russian forces get no counter-terrorism weight by default (russian_cover
= 0), following calibration fact SF-05; the registry lets a user test the opposite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

from ..calendar import year_of
from ..roster import REGIMES, load_roster

NAME = "grievance_jihadism"
PARAMS = (
    "grievance_rate",
    "grievance_authoritarian",
    "grievance_external",
    "grievance_fragility",
    "grievance_violence",
    "jihad_growth",
    "jihad_seed",
    "jihad_suppression",
    "western_cover",
    "russian_cover",
    "jihad_pressure_threshold",
    "jihad_spill",
    "jihad_anchor",
    "coup_cover_loss",
    "jihad_momentum",
    "jihad_spill_foothold",
    "stability_jihad_weight",
    "stability_conflict_weight",
    "stability_coup_weight",
    "jihad_deaths_full",
    "jihad_init_scale",
    "authoritarian_democracy",
    "authoritarian_hybrid",
    "authoritarian_monarchy",
    "authoritarian_autocracy",
    "authoritarian_military",
)
LEVERS = ()
READS = (
    "start",
    "regime",
    "rpres",
    "wpres",
    "capacity",
    "conflict",
    "coup_memory",
    "adjacency",
    "region_member",
    "jihad_observed",
    "jihad_prior",
    "grievance",
    "jihad",
)
WRITES = ("grievance", "jihad", "jihad_prior", "stability", "private")


@dataclass(slots=True)
class Private:
    """Grievance's regime table and the drift that holds the start at rest."""

    authoritarian: np.ndarray  # per regime (REGIMES order): authoritarian_<regime>
    drift: np.ndarray  # drift_i, per actor (initial_drift)


def initialise(s: State, p: Params) -> None:
    """Jihadist activity from the observed violence of the start year, grievance at its
    target, the drift that holds the start at rest, and stability.

    Activity starts from the roster's terrorism deaths (jihadist_deaths_2019 / _2024,
    Global Terrorism Index), mapped to the index by jihad_deaths_full; structural pressure
    (grievance x fragility, jihad_init_scale) only stands in for actors without one.
    """
    authoritarian = np.array([getattr(p, f"authoritarian_{r}") for r in REGIMES])
    s.private[NAME] = Private(authoritarian=authoritarian, drift=np.zeros(s.n))
    s.jihad_prior = prior_activity(s, p)
    s.grievance = grievance_target(s, p)
    guess = p.jihad_init_scale * pressure(s, p)
    observed = s.jihad_observed / p.jihad_deaths_full
    s.jihad = np.clip(np.where(np.isnan(observed), guess, observed), 0.0, 1.0)
    s.grievance = grievance_target(s, p)
    s.private[NAME].drift = initial_drift(s, p)
    s.stability = stability(s, p)


def prior_activity(s: State, p: Params) -> np.ndarray:
    """Jihadist activity in the year before the start, NaN where the roster has none.

    Read from the roster column of that year (jihadist_deaths_<year>, Global Terrorism
    Index deaths, mapped as the initial activity: deaths / population /
    jihad_deaths_full); a replay from 2019 thus knows that Burkina Faso's violence rose
    seven-fold from 2018 to 2019 while Mali's rose by a third.
    """
    table = load_roster().table
    column = f"jihadist_deaths_{year_of(s.start) - 1}"
    if column not in table.columns:
        return np.full(s.n, np.nan)
    deaths = table[column].reindex(list(s.codes)).to_numpy(dtype=float)
    pop = table.population_m.reindex(list(s.codes)).to_numpy(dtype=float)
    per_m = np.divide(deaths, pop, out=np.full(s.n, np.nan), where=pop > 0)
    return np.clip(per_m / p.jihad_deaths_full, 0.0, 1.0)


def grievance_target(s: State, p: Params) -> np.ndarray:
    return np.minimum(
        p.grievance_authoritarian * s.private[NAME].authoritarian[s.regime]
        + p.grievance_external * s.rpres
        + p.grievance_fragility * (1.0 - s.capacity)
        + p.grievance_violence * s.jihad,
        1.0,
    )


def pressure(s: State, p: Params) -> np.ndarray:
    raw = s.grievance * (1.0 - s.capacity) - p.jihad_pressure_threshold
    return np.maximum(raw, 0.0) / (1.0 - p.jihad_pressure_threshold) * s.region_member


def stability(s: State, p: Params) -> np.ndarray:
    return np.clip(
        s.capacity
        * (1.0 - p.stability_jihad_weight * s.jihad)
        * (1.0 - p.stability_conflict_weight * s.conflict)
        * (1.0 - p.stability_coup_weight * s.coup_memory),
        0.0,
        1.0,
    )


def net_rate(s: State, p: Params, press: np.ndarray) -> np.ndarray:
    """Per-unit monthly growth of activity from the drivers (net_i above)."""
    cover = (
        s.capacity * (1.0 - p.coup_cover_loss * s.coup_memory)
        + p.western_cover * s.wpres
        + p.russian_cover * s.rpres
    )
    return p.jihad_growth * press * (1.0 - s.jihad) - p.jihad_suppression * cover


def observed_trend(s: State) -> np.ndarray:
    """Monthly log growth of activity over the year before the start (0 where unknown)."""
    prior = s.jihad_prior
    ok = ~np.isnan(prior) & (prior > 0) & (s.jihad > 0)
    ratio = np.divide(s.jihad, prior, out=np.ones(s.n), where=ok)
    return np.where(ok, np.log(ratio) / 12.0, 0.0)


def initial_drift(s: State, p: Params) -> np.ndarray:
    """drift_i: minus jihad_anchor times the start's net rate, plus jihad_momentum times
    the observed trend of the year before (call once, at the start)."""
    anchor = -p.jihad_anchor * net_rate(s, p, pressure(s, p))
    return (anchor + p.jihad_momentum * observed_trend(s)) * s.region_member


def foothold(s: State, p: Params) -> np.ndarray:
    """Share of its neighbours' spill a state receives, min(J_i / jihad_spill_foothold, 1):
    groups spread through networks already present, so a state without jihadist activity
    gets none (docs/calibration.md, sixth round)."""
    if p.jihad_spill_foothold <= 0:
        return np.ones(s.n)
    return np.minimum(s.jihad / p.jihad_spill_foothold, 1.0)


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    s.grievance += p.grievance_rate * (grievance_target(s, p) - s.grievance)
    press = pressure(s, p)
    j = s.jihad
    rate = net_rate(s, p, press) + s.private[NAME].drift
    gap = (s.adjacency * (j * np.maximum(j[None, :] - j[:, None], 0.0))).sum(axis=1)
    spill = p.jihad_spill * (1.0 - s.capacity) * gap * foothold(s, p)
    j += rate * j + p.jihad_seed * press + spill * s.region_member
    np.clip(j, 0.0, 1.0, out=j)
    s.stability = stability(s, p)
