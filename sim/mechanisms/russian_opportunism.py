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
              * (1 + [russia_courting] russia_courting_response * courted_i)
    courted_i = min(1, invited recently_i + DCB intensity_i + md_revival * MD_i
                    + ici_revival * ICI_i)                 (NATO's courting of i)
    alloc_i = B * score_i^concentration / sum_j score_j^concentration
              + [africa_corps] africa_corps_funding * [i's deployment is state-run]
    reach_i = 1 + [libya_base_reach] libya_base_reach * [Russian naval base open in Libya]
              for the Sahel states (1 elsewhere)
    ties_i  += [russia_influence_ops] ties_gain * reach_i * alloc_i * (1 - ties_i)
               + [presence_ties] presence_ties_pull * rpres_i * (1 - ties_i)
    ties_i  -= ties_decay * (ties_i - initial ties_i)  where Russia spends nothing
    trust_i -= [russia_influence_ops] info_ops_trust_loss * alloc_i * trust_i
Africa Corps: a force_restructuring event (sim.mechanisms.events) marks a host's
deployment as run by the Ministry of Defence; it then draws a floor of funding from the
defence budget, whatever the influence budget's allocation ("a significant
institutional deepening of direct Kremlin control").
"Black Wagners": a partner in crisis (ties >= deploy_min_ties, max(conflict, jihadist
activity) >= black_wagner_crisis) gets a surge of black_wagner_surge presence from a
pool of black_wagner_capacity shared by all hosts; the surge leaves when the crisis
ends and returns to the pool.
Security deployment (Africa Corps), for a military regime with ties >= deploy_min_ties,
in power for at least deploy_min_tenure months, and no deployment yet: arrives with
probability deploy_hazard * hostility_i * ties_i; presence becomes deploy_level.
The tenure condition is the observed order: a junta first settles its hold on power and
breaks with its Western partners, then invites Russia (Mali's second junta after 7
months, Burkina Faso's second after 16, Niger's after 9; Burkina Faso's first junta,
8 months in power, never did; SF-01, SF-05).
Basing, for each site under negotiation: agreed with probability
[basing_deals] basing_hazard * ties_host * (1 - NATO influence_host) * deterrence_z, where
deterrence_z = (1 + d) / (1 + d * NATO naval presence_z), d = [naval_deterrence] naval_deterrence
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
    "russia_courting_response",
    "libya_base_reach",
    "black_wagner_capacity",
    "black_wagner_surge",
    "black_wagner_crisis",
    "africa_corps_funding",
    "russia_influence_ops_switch",
    "presence_ties_switch",
    "russia_courting_switch",
    "basing_deals_switch",
    "naval_deterrence_switch",
    "libya_base_reach_switch",
    "black_wagners_switch",
    "africa_corps_switch",
)
LEVERS = ("russia_budget", "md_revival", "ici_revival")
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
    "invited_recent",
    "dcb_intensity",
    "md",
    "ici",
    "subregion",
    "conflict",
    "jihad",
    "state_run",
)
WRITES = (
    "ties",
    "trust",
    "rpres",
    "bases",
    "russia_alloc",
    "strategic_value",
    "private",
    "surge",
)
LIBYA = ("XLE", "XLW")


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
        * courting(s, p)
        * s.region_member
    )
    w = np.maximum(score, 0.0) ** p.concentration
    total = w.sum()
    return budget * w / total if total > 0 else np.zeros_like(w)


def courting(s: State, p: Params) -> np.ndarray:
    """Russia's answer to NATO's courting: a factor on each state's allocation score,
    bounded by the registry range of russia_courting_response (x0.5 to x2)."""
    pol = s.levers
    courted = s.invited_recent + s.dcb_intensity + pol.md_revival * s.md + pol.ici_revival * s.ici
    return 1.0 + p.russia_courting_switch * p.russia_courting_response * np.minimum(courted, 1.0)


def state_run_funding(s: State, p: Params) -> np.ndarray:
    """Defence-budget funding of the deployments under the Ministry of Defence."""
    return p.africa_corps_switch * p.africa_corps_funding * (s.state_run & (s.rpres > 0))


def libyan_naval_base(s: State) -> bool:
    """Does Russia hold an open naval base in Libya (Derna, or another Libyan site)?"""
    return any(
        b.status == "open" and b.kind == "naval" and s.codes[b.host] in LIBYA for b in s.bases
    )


def sahel_reach(s: State, p: Params) -> np.ndarray:
    """How far a budget unit goes: more in the Sahel while Russia holds a Libyan naval base."""
    boost = p.libya_base_reach_switch * p.libya_base_reach * libyan_naval_base(s)
    return 1.0 + boost * (s.subregion == "Sahel")


def black_wagners(s: State, p: Params) -> None:
    """Surge recruited mercenaries into partners in crisis; withdraw them when it ends."""
    crisis = (
        s.region_member
        & (s.ties >= p.deploy_min_ties)
        & (np.maximum(s.conflict, s.jihad) >= p.black_wagner_crisis)
        & s.deploy_allowed
    )
    for i in np.flatnonzero(~crisis & (s.surge > 0)):
        s.rpres[i] = max(s.rpres[i] - s.surge[i], 0.0)
        s.surge[i] = 0.0
        s.log(
            "force_withdrawal", s.codes[i], NAME, "crisis over: surge forces leave", side="russian"
        )
    pool = p.black_wagners_switch * p.black_wagner_capacity - s.surge.sum()
    for i in np.flatnonzero(crisis & (s.surge == 0)):
        add = min(p.black_wagner_surge, pool, 1.0 - s.rpres[i])
        if add <= 0:
            continue
        s.rpres[i] += add
        s.surge[i] = add
        pool -= add
        s.log(
            "force_arrival",
            s.codes[i],
            NAME,
            f"'Black Wagner' surge into a partner in crisis (conflict {s.conflict[i]:.2f}, "
            f"jihadist activity {s.jihad[i]:.2f})",
            side="russian",
            level=add,
        )


def deal_probability(s: State, p: Params, b) -> float:
    """This month's chance that talks at base site `b` end in a deal: the host's ties,
    NATO's influence there, and allied ships in the base's sea zone (deterrence)."""
    d = p.naval_deterrence_switch * p.naval_deterrence
    deterrence = (1.0 + d) / (1.0 + d * s.nato_naval[s.zones.index(b.zone)])
    hazard = p.basing_deals_switch * p.basing_hazard * deterrence
    return float(hazard * s.ties[b.host] * (1.0 - s.nato_inf[b.host]))


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    u_deploy = rng.random(s.n)
    u_base = rng.random(len(s.bases))
    alloc = allocation(s, p) + state_run_funding(s, p)
    s.russia_alloc = alloc
    ops = p.russia_influence_ops_switch
    pull = p.presence_ties_switch * p.presence_ties_pull * s.rpres
    s.ties += (ops * p.ties_gain * sahel_reach(s, p) * alloc + pull) * (1.0 - s.ties)
    floor = s.private[NAME].ties_floor
    s.ties -= p.ties_decay * np.maximum(s.ties - floor, 0.0) * (alloc == 0)
    np.clip(s.ties, 0.0, 1.0, out=s.ties)
    s.trust -= ops * p.info_ops_trust_loss * alloc * s.trust
    black_wagners(s, p)
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
        if u < deal_probability(s, p, b):
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
