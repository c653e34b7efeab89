"""Russian opportunism: a limited budget spent where states are fragile, regimes are
open to it and NATO is absent; security deployments where juntas invite them; basing
deals where a host is tied to Moscow.

Source (Atlantic Council, July 2025): "Moscow is exploiting the fragility of several
states in this area"; the juntas' dismantling of Western partnerships "has allowed
Russia to consolidate its security ties"; "Russia has pivoted toward Libya ...
deepening its ties with the Haftar family" with air bases and "ongoing negotiations
for a new naval base in the port city of Derna".

Equations: the decision rule, per month (budget B = budget_units * scenario budget scale):
    score_i = (1 - capacity_i)^fragility_exponent * openness(regime_i)
              * (1 - nato_absence_weight * max(western presence_i, trust_i))
              * (1 + strategic_value_weight * strategic_value_i) * (1 + ties_i)
    alloc_i = B * score_i^concentration / sum_j score_j^concentration
    ties_i  += ties_gain * alloc_i * (1 - ties_i) + presence_ties_pull * rpres_i * (1 - ties_i)
    ties_i  -= ties_decay * (ties_i - initial ties_i)  where Russia spends nothing
    trust_i -= info_ops_trust_loss * alloc_i * trust_i
Security deployment (Africa Corps), for a military regime with ties >= deploy_min_ties,
in power for at least deploy_min_tenure months, and no deployment yet: arrives with
probability deploy_hazard * hostility_i * ties_i; presence becomes deploy_level.
The tenure condition is the observed order: a junta first settles its hold on power and
breaks with its Western partners, then invites Russia (Mali's second junta after 7
months, Burkina Faso's second after 16, Niger's after 9; Burkina Faso's first junta,
8 months in power, never did; SF-01, SF-05).
Basing, for each site under negotiation: agreed with probability
basing_hazard * ties_host * (1 - NATO influence_host) * deterrence_z, where
deterrence_z = (1 + naval_deterrence) / (1 + naval_deterrence * NATO naval presence_z)
in the base's sea zone (1 at today's presence, lower with more ships); an open naval base adds to
Russian naval presence (sim.mechanisms.naval).

Departures: influence operations, arms and basing share one budget; the source gives
no split. No host expels Russia (none did 2019-2025; calibration fact SF-05).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..roster import REGIMES

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

NAME = "russian_opportunism"
PARAMS = (
    "budget_units",
    "fragility_exponent",
    "nato_absence_weight",
    "strategic_value_weight",
    "concentration",
    "ties_gain",
    "info_ops_trust_loss",
    "deploy_hazard",
    "deploy_min_ties",
    "deploy_min_tenure",
    "deploy_level",
    "basing_hazard",
    "presence_ties_pull",
    "ties_decay",
    "naval_deterrence",
    "ties_base",
    "ties_from_presence",
    "ties_arms_client_bonus",
    "strategic_route_weight",
    "strategic_material_weight",
    "strategic_base_weight",
    "openness_military",
    "openness_autocracy",
    "openness_hybrid",
    "openness_monarchy",
    "openness_democracy",
)
LEVERS = ("russia_budget",)
READS = (
    "month",
    "deploy_allowed",
    "security_deployments",
    "capacity",
    "regime",
    "military",
    "region_member",
    "route_share",
    "material_weight",
    "base_host",
    "nato",
    "close_to_russia",
    "wpres",
    "trust",
    "ties",
    "rpres",
    "hostility",
    "junta_since",
    "nato_inf",
    "bases",
    "zones",
    "nato_naval",
)
WRITES = ("ties", "trust", "rpres", "bases", "russia_alloc", "strategic_value", "private")


@dataclass(slots=True)
class Private:
    """Russia's regime table and the ties it starts from (ties decay toward them)."""

    openness: np.ndarray  # per regime (REGIMES order): openness_<regime>
    ties_floor: np.ndarray  # per actor: the initial ties


def initialise(s: State, p: Params) -> None:
    """Ties to Russia at the start: a base level, more per unit of Russian presence and
    for the states the source names as close to Russia; NATO members have none. And each
    state's strategic value to Russia: migration transit, raw materials, basing."""
    ties = p.ties_base + p.ties_from_presence * s.rpres
    ties = ties + np.where(s.close_to_russia, p.ties_arms_client_bonus, 0.0)
    s.ties = np.where(s.nato, 0.0, np.clip(ties, 0.0, 1.0))
    s.strategic_value = np.clip(
        (s.route_share.sum(axis=0) > 0) * p.strategic_route_weight
        + (s.material_weight > 0) * p.strategic_material_weight
        + s.base_host * p.strategic_base_weight,
        0.0,
        1.0,
    )
    s.private[NAME] = Private(
        openness=np.array([getattr(p, f"openness_{r}") for r in REGIMES]),
        ties_floor=s.ties.copy(),
    )


def allocation(s: State, p: Params) -> np.ndarray:
    """The month's budget per state: the decision rule above."""
    budget = p.budget_units * s.levers.russia_budget
    score = (
        (1.0 - s.capacity) ** p.fragility_exponent
        * s.private[NAME].openness[s.regime]
        * (1.0 - p.nato_absence_weight * np.maximum(s.wpres, s.trust))
        * (1.0 + p.strategic_value_weight * s.strategic_value)
        * (1.0 + s.ties)
        * s.region_member
    )
    w = np.maximum(score, 0.0) ** p.concentration
    total = w.sum()
    return budget * w / total if total > 0 else np.zeros_like(w)


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    u_deploy = rng.random(s.n)
    u_base = rng.random(len(s.bases))
    alloc = allocation(s, p)
    s.russia_alloc = alloc
    s.ties += (p.ties_gain * alloc + p.presence_ties_pull * s.rpres) * (1.0 - s.ties)
    floor = s.private[NAME].ties_floor
    s.ties -= p.ties_decay * np.maximum(s.ties - floor, 0.0) * (alloc == 0)
    np.clip(s.ties, 0.0, 1.0, out=s.ties)
    s.trust -= p.info_ops_trust_loss * alloc * s.trust
    if s.security_deployments:
        candidates = (
            s.region_member
            & (s.regime == s.military)
            & (s.ties >= p.deploy_min_ties)
            & (s.month - s.junta_since >= p.deploy_min_tenure)
            & (s.rpres < p.deploy_level)
            & s.deploy_allowed
        )
        arrive = candidates & (u_deploy < p.deploy_hazard * s.hostility * s.ties)
        for i in np.flatnonzero(arrive):
            s.rpres[i] = p.deploy_level
            s.log(
                "force_arrival",
                s.codes[i],
                NAME,
                f"military government invited Russian forces (hostility to the West "
                f"{s.hostility[i]:.2f}, ties to Russia {s.ties[i]:.2f}, "
                f"{alloc[i] / max(alloc.sum(), 1e-12):.0%} of Russia's monthly budget)",
                side="russian",
                level=p.deploy_level,
            )
    for b, u in zip(s.bases, u_base, strict=True):
        if b.status != "negotiating":
            continue
        h = b.host
        z = s.zones.index(b.zone)
        deterrence = (1.0 + p.naval_deterrence) / (1.0 + p.naval_deterrence * s.nato_naval[z])
        if u < p.basing_hazard * s.ties[h] * (1.0 - s.nato_inf[h]) * deterrence:
            b.status, b.since = "open", s.month
            s.rpres[h] = max(s.rpres[h], p.deploy_level)
            s.log(
                "base_opened",
                s.codes[h],
                NAME,
                f"basing deal agreed at {b.site} ({b.kind}): host ties to Russia "
                f"{s.ties[h]:.2f}, NATO influence {s.nato_inf[h]:.2f}",
                site=b.site,
            )
