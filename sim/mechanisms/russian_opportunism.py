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
              * (1 + strategic_value_weight * strategic_value_i) * (1 + ties_i) * (1 - ties_i)
    alloc_i = B * score_i^concentration / sum_j score_j^concentration
    ties_i  += (ties_gain * (alloc_i - alloc0_i) + presence_ties_pull * (rpres_i - rpres0_i))
               * (1 - ties_i)
    ties_i  -= ties_decay * (ties_i - anchor_i)
    trust_i -= info_ops_trust_loss * (alloc_i - alloc0_i) * trust_i
At the start (initialise), ties are their structural anchor, from sourced observables:
    anchor_i = ties_base + ties_init_arms * (share of arms imports from Russia)_i * weight_i
               + ties_init_vote * [voted against UNGA 68/262]_i
               + ties_from_presence * Russian presence_i             (clipped to [0, 1])
Security deployment (Africa Corps), for a military regime with ties >= deploy_min_ties,
in power for at least deploy_min_tenure months, and no deployment yet: arrives with
probability [deployment] deploy_hazard * hostility_i * ties_i; presence becomes deploy_level.
The tenure condition is the observed order: a junta first settles its hold on power and
breaks with its Western partners, then invites Russia (Mali's second junta after 7
months, Burkina Faso's second after 16, Niger's after 9; Burkina Faso's first junta,
8 months in power, never did; SF-01, SF-05).
Basing, for each site under negotiation: agreed with probability
basing_hazard * ties_host * (1 - NATO influence_host) * deterrence_z, where
deterrence_z = (1 + naval_deterrence) / (1 + naval_deterrence * NATO naval presence_z)
in the base's sea zone (1 at today's presence, lower with more ships); an open naval base adds to
Russian naval presence (sim.mechanisms.naval).

alloc0 and rpres0 are the allocation and presence at the start: the observed ties and
trust (the anchors) are what Russia's spending and forces of the start year sustain, so
the start is at rest, and ties and trust move with changes in Russia's effort (a budget
cut lowers them, a new deployment raises them) and relax toward the anchors. The
(1 - ties_i) factor in the score spends nothing more where ties are already complete.

Withdrawal: within expel_window_months of a political change, where the new government's
ties fall below deploy_min_ties, Russian forces leave with probability
[russian_withdrawal] russia_withdrawal_hazard per month (the loss of a patron: Syria after Assad).

Departures: influence operations, arms and basing share one budget; the source gives
no split. No Sahel host asked Russia to leave 2019-2025 (SF-05); the withdrawal rule
needs a change of government.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..calendar import year_of
from ..params import LEVERS as _LEVERS
from ..roster import REGIMES
from .dialogue import evidence_weight

LEVER_REFERENCE = _LEVERS["russia_budget"].default  # the budget that sustains the start

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
    "ties_init_arms",
    "ties_init_vote",
    "strategic_route_weight",
    "strategic_material_weight",
    "strategic_base_weight",
    "openness_military",
    "openness_autocracy",
    "openness_hybrid",
    "openness_monarchy",
    "openness_democracy",
    "expel_window_months",
    "russia_withdrawal_hazard",
    "syria_russian_presence_2025",
    "arms_evidence_volume",
    "deployment_switch",
    "russian_withdrawal_switch",
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
    "arms_russia",
    "arms_volume",
    "vote_262",
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
    "stochastic",
    "political_change",
    "political_cause",
    "start",
)
WRITES = ("ties", "trust", "rpres", "bases", "russia_alloc", "strategic_value", "private")


@dataclass(slots=True)
class Private:
    """Russia's regime table and the ties it starts from (ties decay toward them)."""

    openness: np.ndarray  # per regime (REGIMES order): openness_<regime>
    ties_anchor: np.ndarray  # per actor: the structural (initial) ties
    alloc0: np.ndarray | None = None  # the start's allocation (set after the ties)
    rpres0: np.ndarray | None = None  # the start's Russian presence


def initialise(s: State, p: Params) -> None:
    """Ties to Russia at the start, from sourced observables (the anchor above): arms
    imports from Russia, the 68/262 vote and Russian forces present; NATO members have
    none. And each
    state's strategic value to Russia: migration transit, raw materials, basing."""
    if year_of(s.start) >= 2022 and "SYR" in s.codes:
        # Russia's Syrian bases are contested after Assad's fall (2024-12): an uncertain
        # initial condition (registry syria_russian_presence_2025)
        s.rpres[s.index("SYR")] = p.syria_russian_presence_2025
    ties = (
        p.ties_base
        + p.ties_init_arms * s.arms_russia * evidence_weight(s, p)
        + p.ties_init_vote * np.maximum(-s.vote_262, 0.0)
        + p.ties_from_presence * s.rpres
    )
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
        ties_anchor=s.ties.copy(),
        rpres0=s.rpres.copy(),
    )
    # at the reference budget (the lever's default, the 2025 level): a scenario's budget
    # above or below it is a change of effort that moves ties from the start
    s.private[NAME].alloc0 = allocation(s, p, scale=LEVER_REFERENCE)


def allocation(s: State, p: Params, scale: float | None = None) -> np.ndarray:
    """The month's budget per state: the decision rule above (`scale`: the budget lever,
    by default the standing one)."""
    budget = p.budget_units * (s.levers.russia_budget if scale is None else scale)
    score = (
        (1.0 - s.capacity) ** p.fragility_exponent
        * s.private[NAME].openness[s.regime]
        * (1.0 - p.nato_absence_weight * np.maximum(s.wpres, s.trust))
        * (1.0 + p.strategic_value_weight * s.strategic_value)
        * (1.0 + s.ties)
        * (1.0 - s.ties)
        * s.region_member
    )
    w = np.maximum(score, 0.0) ** p.concentration
    total = w.sum()
    return budget * w / total if total > 0 else np.zeros_like(w)


def _deployments(s: State, p: Params, alloc: np.ndarray, u_deploy: np.ndarray) -> None:
    """Africa Corps arrives where a settled, hostile junta invites it and no Russian
    force is present yet (where one is, it is already there: no second arrival)."""
    if not (s.security_deployments and s.stochastic):
        return
    candidates = (
        s.region_member
        & (s.regime == s.military)
        & (s.ties >= p.deploy_min_ties)
        & (s.month - s.junta_since >= p.deploy_min_tenure)
        & (s.rpres == 0)
        & s.deploy_allowed
    )
    arrive = candidates & (u_deploy < p.deployment_switch * p.deploy_hazard * s.hostility * s.ties)
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


def _withdrawals(s: State, p: Params, u_leave: np.ndarray) -> None:
    """Russian forces leave where a political change brought a government with ties
    below the level that invites them (the loss of a patron)."""
    if not s.stochastic:
        return
    recent = (s.month - s.political_change) <= p.expel_window_months
    leave = (s.rpres > 0) & recent & (s.ties < p.deploy_min_ties) & s.region_member
    for i in np.flatnonzero(
        leave & (u_leave < p.russian_withdrawal_switch * p.russia_withdrawal_hazard)
    ):
        s.rpres[i] = 0.0
        s.log(
            "force_withdrawal",
            s.codes[i],
            NAME,
            f"Russian forces left after the {s.political_cause[i]} (ties to Russia "
            f"{s.ties[i]:.2f})",
            side="russian",
        )


def _basing(s: State, p: Params, u_base: np.ndarray) -> None:
    for b, u in zip(s.bases, u_base, strict=True):
        if b.status != "negotiating" or not s.stochastic:
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


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    u_deploy = rng.random(s.n)
    u_base = rng.random(len(s.bases))
    u_leave = rng.random(s.n)
    own: Private = s.private[NAME]
    alloc = allocation(s, p)
    s.russia_alloc = alloc
    more = alloc - own.alloc0
    s.ties += (p.ties_gain * more + p.presence_ties_pull * (s.rpres - own.rpres0)) * (1.0 - s.ties)
    s.ties -= p.ties_decay * (s.ties - own.ties_anchor)
    np.clip(s.ties, 0.0, 1.0, out=s.ties)
    s.trust -= p.info_ops_trust_loss * more * s.trust
    np.clip(s.trust, 0.0, 1.0, out=s.trust)
    _deployments(s, p, alloc, u_deploy)
    _withdrawals(s, p, u_leave)
    _basing(s, p, u_base)
