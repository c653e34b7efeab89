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

import numpy as np

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
)
READS = (
    "deploy_allowed",
    "capacity",
    "regime",
    "wpres",
    "trust",
    "ties",
    "hostility",
    "junta_since",
    "nato_inf",
    "bases",
    "nato_naval",
)
WRITES = ("ties", "trust", "rpres", "bases", "russia_alloc")


def allocation(s, p) -> np.ndarray:
    """The month's budget per state: the decision rule above."""
    budget = p.budget_units * s.scenario.russia.budget
    score = (
        (1.0 - s.capacity) ** p.fragility_exponent
        * s.openness[s.regime]
        * (1.0 - p.nato_absence_weight * np.maximum(s.wpres, s.trust))
        * (1.0 + p.strategic_value_weight * s.strategic_value)
        * (1.0 + s.ties)
        * s.region_member
    )
    w = np.maximum(score, 0.0) ** p.concentration
    total = w.sum()
    return budget * w / total if total > 0 else np.zeros_like(w)


def apply(s, p, rng) -> None:
    u_deploy = rng.random(s.n)
    u_base = rng.random(len(s.bases))
    alloc = allocation(s, p)
    s.russia_alloc = alloc
    s.ties += (p.ties_gain * alloc + p.presence_ties_pull * s.rpres) * (1.0 - s.ties)
    s.ties -= p.ties_decay * np.maximum(s.ties - s.ties_floor, 0.0) * (alloc == 0)
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
