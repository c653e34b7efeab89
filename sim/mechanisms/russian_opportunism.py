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
              * (1 + [russia_courting] russia_courting_response * courted_i)
    courted_i = min(1, invited recently_i + DCB intensity_i + md_revival * MD_i
                    + ici_revival * ICI_i)                 (NATO's courting of i)
    alloc_i = B * score_i^concentration / sum_j score_j^concentration
              + [africa_corps] africa_corps_funding * [i's deployment is state-run]
    reach_i = 1 + [libya_base_reach] libya_base_reach * [Russian naval base open in Libya]
              for the Sahel states (1 elsewhere)
    ties_i  += ([russia_influence_ops] ties_gain * reach_i * (alloc_i - alloc0_i)
                + [presence_ties] presence_ties_pull * (rpres_i - rpres0_i)) * (1 - ties_i)
    ties_i  -= ties_decay * (ties_i - anchor_i)
    trust_i -= [russia_influence_ops] info_ops_trust_loss * (alloc_i - alloc0_i) * trust_i
At the start (initialise), ties are their structural anchor, from sourced observables:
    anchor_i = ties_base + ties_init_arms * (share of arms imports from Russia)_i * weight_i
               + ties_init_vote * [voted against UNGA 68/262]_i
               + ties_from_presence * Russian presence_i             (clipped to [0, 1])
Africa Corps: a force_restructuring event (sim.mechanisms.events) marks a host's
deployment as run by the Ministry of Defence; it then draws a floor of funding from the
defence budget, whatever the influence budget's allocation ("a significant
institutional deepening of direct Kremlin control").
"Black Wagners": a partner in a new crisis (ties >= deploy_min_ties, max(conflict,
jihadist activity) >= black_wagner_crisis, not so in the first month) gets a surge of black_wagner_surge presence from a
pool of black_wagner_capacity shared by all hosts; the surge leaves when the crisis
ends and returns to the pool.
Security deployment (Africa Corps), for a military regime with ties >= deploy_min_ties,
in power for at least deploy_min_tenure months, and no deployment yet: arrives with
probability [deployment] deploy_hazard * hostility_i * ties_i; presence becomes deploy_level.
The tenure condition is the observed order: a junta first settles its hold on power and
breaks with its Western partners, then invites Russia (Mali's second junta after 7
months, Burkina Faso's second after 16, Niger's after 9; Burkina Faso's first junta,
8 months in power, never did; SF-01, SF-05).
Basing, for each site under negotiation: agreed with probability
[basing_deals] basing_hazard * ties_host * (1 - NATO influence_host) * deterrence_z, where
deterrence_z = (1 + d) / (1 + d * NATO naval presence_z), d = [naval_deterrence] naval_deterrence
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
    "deployment_switch",
    "russian_withdrawal_switch",
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
    ties_anchor: np.ndarray  # per actor: the structural (initial) ties
    alloc0: np.ndarray | None = None  # the start's allocation (set after the ties)
    rpres0: np.ndarray | None = None  # the start's Russian presence
    # states already in crisis in the first month: a standing crisis is the start's
    # state, not a new one a surge answers (set on the first month)
    crisis0: np.ndarray | None = None


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
    s.private[NAME].alloc0 = allocation(s, p, scale=LEVER_REFERENCE) + state_run_funding(s, p)


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
    """Surge recruited mercenaries into partners in a new crisis (one that began after
    the start); withdraw them when it ends."""
    own: Private = s.private[NAME]
    acute = np.maximum(s.conflict, s.jihad) >= p.black_wagner_crisis
    if own.crisis0 is None:
        own.crisis0 = acute.copy()
    crisis = (
        s.region_member & (s.ties >= p.deploy_min_ties) & acute & ~own.crisis0 & s.deploy_allowed
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


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    u_deploy = rng.random(s.n)
    u_base = rng.random(len(s.bases))
    u_leave = rng.random(s.n)
    own: Private = s.private[NAME]
    alloc = allocation(s, p) + state_run_funding(s, p)
    s.russia_alloc = alloc
    more = alloc - own.alloc0
    ops = p.russia_influence_ops_switch
    pull = p.presence_ties_switch * p.presence_ties_pull * (s.rpres - own.rpres0)
    s.ties += (ops * p.ties_gain * sahel_reach(s, p) * more + pull) * (1.0 - s.ties)
    s.ties -= p.ties_decay * (s.ties - own.ties_anchor)
    np.clip(s.ties, 0.0, 1.0, out=s.ties)
    s.trust -= ops * p.info_ops_trust_loss * more * s.trust
    np.clip(s.trust, 0.0, 1.0, out=s.trust)
    if s.stochastic:  # a surge is a deployment: none in a run kept at rest
        black_wagners(s, p)
    _deployments(s, p, alloc, u_deploy)
    _withdrawals(s, p, u_leave)
    _basing(s, p, u_base)
