"""Coups and realignment: insecurity raises coup risk; a junta hostile to the West can
expel Western partners, turn to Russia, and join a bloc of like-minded juntas.

Source (Atlantic Council, July 2025): the regimes of Mali, Burkina Faso and Niger
"have progressively dismantled existing security partnerships with France, the
European Union, and the United States, which has allowed Russia to consolidate its
security ties with these junta-led regimes".

Equations, per state i and month:
    logit h_i = coup_logit_base + coup_insecurity * J_i
                + coup_insecurity_rise * max(J_i - Jref_i, 0)
                + coup_fragility * (1 - capacity_i)
                + coup_trap * memory_i + coup_contagion * mean_k(neighbour k) memory_k
                + regime term (military, monarchy, democracy)
                - coup_no_record * [no coup attempt in 2009-2018]_i
                - coup_capacity_shield * max(capacity_i - 1/2, 0)
                - coup_foreign_guard * russian presence_i
    Jref_i += (J_i - Jref_i) / coup_rise_months   (Jref starts at the observed activity
              of the year before the start where the roster has it, else at J)
    coup if u_i < [coup_hazard] h_i (endogenous coups on); memory decays as exp(-1/coup_memory_months)
Governments change by coup or, where neither the military nor a monarch rules, with
probability government_change_rate / 12 per month (elections and transitions; dated
ones are scenario events). A new government's hostility to the West:
    hostility_i = clip(mean + hostility_spread * (2u - 1) + hostility_grievance * (G_i - 1/2)
                       + hostility_contagion * open_bloc_i, 0, 1)
    mean = hostility_mean for a junta, hostility_civil_mean for a civilian government;
    open_bloc_i = sum over neighbours k in the juntas' bloc of (1 - friction_ik)
    and a junta's ties to Russia rise by coup_ties_gain * hostility_i.
Hostility changes only with a government (or a dated event): the bloc's pull acts on a
new government, along relations a rupture has not closed.
Expulsion: within expel_window_months of a political change (a coup, a new government,
a rupture with the West; logged), a government with hostility >= expel_min_hostility
orders Western forces out with probability [expulsion] expel_hazard * hostility_i per month; they
leave at 1 / withdrawal_months presence units per month. Within the same window, where
the new government's hostility is below expel_min_hostility / 2, Western forces that
had left return (to their start level) with probability western_return_hazard per month.
Bloc ([bloc]): once bloc_min_members hostile juntas of one sub-region form a group of neighbours
(connected through shared borders), that group founds a bloc (ties +bloc_ties_gain);
later hostile juntas of that sub-region next to a member join.

The rise of insecurity (J above its smoothed past, Jref) is what the juntas invoked: the
Sahel's coups came as violence surged, "justified by insecurity" (ACSS on Mali 2020),
while states with high but steady violence (Syria, Iraq, Yemen) had none; a level term
alone cannot tell the two apart. Foreign security forces that guard a regime make it
harder to topple (the source: the juntas' "reliance on Russia-backed militias for
survival"; CAR's and Syria's regimes too): no junta in Mali, Burkina Faso or Niger
fell after Russian forces arrived. Western forces get no such term: coups took place
in Mali, Burkina Faso and Niger with French forces in the country.

Departures: a coup needs no trigger event; coups are not possible in NATO states.
States with no coup attempt in 2009-2018 (Powell & Thyne) have lower coup odds
(coup_no_record): the record, not the current crisis, separates coup-prone states.
The swap of partners is two separate processes (Western exit here, Russian arrival in
sim.mechanisms.russian_opportunism), as calibration facts SF-01 and SF-02 require.
Hostility spreads from the bloc, not from any hostile junta, and through new
governments: the exit spread to Chad and Senegal (2024-11) after elections that followed
the bloc's formation (2023-09; SF-02), while
governments next to a lone junta hostile since before 2019 (Haftar's east Libya: Egypt,
the Tripoli government) kept their Western partners. A bloc's founders must be
neighbours, as the Liptako-Gourma states were (SF-10); juntas far apart do not found
one (docs/calibration.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

from ..roster import REGIMES

NAME = "coups"
PARAMS = (
    "coup_logit_base",
    "coup_insecurity",
    "coup_fragility",
    "coup_trap",
    "coup_contagion",
    "coup_memory_months",
    "coup_military_regime",
    "coup_monarchy",
    "coup_democracy",
    "coup_capacity_shield",
    "coup_insecurity_rise",
    "coup_rise_months",
    "coup_foreign_guard",
    "coup_ties_gain",
    "hostility_mean",
    "hostility_spread",
    "hostility_grievance",
    "expel_hazard",
    "expel_min_hostility",
    "withdrawal_months",
    "hostility_contagion",
    "bloc_min_members",
    "bloc_ties_gain",
    "coup_no_record",
    "government_change_rate",
    "hostility_civil_mean",
    "expel_window_months",
    "western_return_hazard",
    "coup_hazard_switch",
    "expulsion_switch",
    "bloc_switch",
)
LEVERS = ()
READS = (
    "month",
    "jihad",
    "jihad_prior",
    "rpres",
    "capacity",
    "coup_memory",
    "regime",
    "military",
    "grievance",
    "stability",
    "adjacency",
    "neighbours",
    "subregion",
    "region_member",
    "wpres_target",
    "wpres",
    "hostility",
    "ties",
    "bloc",
    "endogenous_coups",
    "stochastic",
    "coup_record",
    "friction",
    "monarchy",
    "political_change",
    "political_cause",
    "coups_this_month",
)
WRITES = (
    "regime",
    "junta_since",
    "coup_memory",
    "hostility",
    "ties",
    "wpres_target",
    "wpres",
    "bloc",
    "coups_this_month",
    "coup_risk",
    "political_change",
    "political_cause",
    "private",
)


@dataclass(slots=True)
class Private:
    """The coup hazard's constants and its one memory."""

    decay: float  # monthly decay of coup memory
    regime_term: np.ndarray  # logit term per regime (REGIMES order)
    rise_rate: float  # 1 / coup_rise_months
    # insecurity's smoothed past: None until the first month, which starts it from the
    # observed violence of the year before the start (s.jihad_prior) where the roster
    # has it, else from that month's activity
    jihad_ref: np.ndarray | None = None
    wpres_start: np.ndarray | None = None  # Western presence at the start, to return to


def initialise(s: State, p: Params) -> None:
    """A junta that rules at the start without Western forces and with Russian ones is
    hostile to the West (hostility_mean + hostility_spread, at most 1); the hazard's
    constants."""
    hostile = (s.regime == s.military) & (s.wpres == 0) & (s.rpres > 0)
    s.hostility = np.where(hostile, min(p.hostility_mean + p.hostility_spread, 1.0), 0.0)
    terms = {
        "democracy": p.coup_democracy,
        "monarchy": p.coup_monarchy,
        "military": p.coup_military_regime,
    }
    s.private[NAME] = Private(
        decay=float(np.exp(-1.0 / p.coup_memory_months)),
        regime_term=np.array([terms.get(r, 0.0) for r in REGIMES]),
        rise_rate=1.0 / p.coup_rise_months,
        wpres_start=s.wpres.copy(),
    )


def insecurity_rise(s: State) -> np.ndarray:
    """How far jihadist activity stands above its smoothed past (0 where it fell)."""
    own: Private = s.private[NAME]
    ref = s.jihad if own.jihad_ref is None else own.jihad_ref
    return np.maximum(s.jihad - ref, 0.0)


def hazard(s: State, p: Params) -> np.ndarray:
    """Monthly probability of a successful coup in each state."""
    logit = (
        p.coup_logit_base
        + p.coup_insecurity * s.jihad
        + p.coup_insecurity_rise * insecurity_rise(s)
        + p.coup_fragility * (1.0 - s.capacity)
        + p.coup_trap * s.coup_memory
        + p.coup_contagion * (s.adjacency @ s.coup_memory)
        + s.private[NAME].regime_term[s.regime]
        - p.coup_no_record * (s.coup_record == 0)
        - p.coup_capacity_shield * np.maximum(s.capacity - 0.5, 0.0)
        - p.coup_foreign_guard * s.rpres
    )
    return p.coup_hazard_switch * s.region_member / (1.0 + np.exp(-logit))


def install_junta(s: State, p: Params, i: int, u: float, cause: str) -> None:
    """A military government takes over state i and sets its stance toward the West."""
    s.regime[i] = s.military
    s.coup_memory[i] = 1.0
    s.junta_since[i] = s.month
    s.hostility[i] = new_stance(s, p, i, u, p.hostility_mean)
    s.ties[i] = min(1.0, s.ties[i] + p.coup_ties_gain * s.hostility[i])
    s.coups_this_month += 1
    mark_change(s, i, "coup")
    s.log(
        "coup",
        s.codes[i],
        NAME,
        f"{cause}; new junta's hostility to the West {s.hostility[i]:.2f}",
        jihadist=float(s.jihad[i]),
        stability=float(s.stability[i]),
    )


def hostile_juntas(s: State, p: Params) -> np.ndarray:
    return np.flatnonzero(
        s.region_member & (s.regime == s.military) & (s.hostility >= p.expel_min_hostility)
    )


def neighbour_groups(s: State, members: np.ndarray, subregion: str) -> list[list[int]]:
    """The members of one sub-region split into groups connected by shared borders."""
    left = [int(i) for i in members if s.subregion[i] == subregion]
    groups = []
    while left:
        group = [left.pop(0)]
        frontier = list(group)
        while frontier:
            k = frontier.pop()
            linked = [j for j in left if s.neighbours[k, j] > 0]
            for j in linked:
                left.remove(j)
            group += linked
            frontier += linked
        groups.append(sorted(group))
    return groups


def open_bloc(s: State) -> np.ndarray:
    """Each state's neighbours in the juntas' bloc, each weighted by how open relations
    with it are (1 - friction): a rupture with the bloc blocks its pull (Algeria 2025)."""
    return (s.neighbours * s.bloc[None, :] * (1.0 - s.friction)).sum(axis=1)


def new_stance(s: State, p: Params, i: int, u: float, mean: float) -> float:
    """A new government's hostility to the West: its kind's mean, a draw, its people's
    grievance and the pull of the juntas' bloc along open relations."""
    h = mean + p.hostility_spread * (2.0 * u - 1.0)
    h += p.hostility_grievance * (s.grievance[i] - 0.5)
    h += p.hostility_contagion * open_bloc(s)[i]
    return min(max(h, 0.0), 1.0)


def mark_change(s: State, i: int, cause: str) -> None:
    """Record a political change that can end (or reopen) foreign basing: a coup, a new
    government, a rupture with the West."""
    s.political_change[i] = s.month
    s.political_cause[i] = f"{cause} ({s.date})"


def _coups(s: State, p: Params, u_coup: np.ndarray, u_hostility: np.ndarray) -> None:
    # the month's coup risk, recorded whether or not coups are endogenous
    h = s.coup_risk = hazard(s, p)
    if not (s.endogenous_coups and s.stochastic):
        return
    for i in np.flatnonzero(u_coup < h):
        cause = (
            f"coup risk {h[i]:.1%}/month from jihadist activity {s.jihad[i]:.2f} "
            f"(rise {insecurity_rise(s)[i]:+.2f}), "
            f"state capacity {s.capacity[i]:.2f}, recent coups nearby "
            f"{(s.adjacency[i] @ s.coup_memory):.2f}"
        )
        install_junta(s, p, i, u_hostility[i], cause)


def _government_changes(s: State, p: Params, u_change: np.ndarray, u_stance: np.ndarray) -> None:
    """Elections and transitions that bring a new civilian government (a hazard per
    year for states where one is possible: not juntas, not monarchies)."""
    if not s.stochastic:
        return
    open_to = s.region_member & (s.regime != s.military) & (s.regime != s.monarchy)
    for i in np.flatnonzero(open_to & (u_change < p.government_change_rate / 12.0)):
        install_government(s, p, i, u_stance[i], "new government (election or transition)")


def install_government(s: State, p: Params, i: int, u: float, cause: str) -> None:
    """A new civilian government takes office and sets its stance toward the West."""
    s.hostility[i] = new_stance(s, p, i, u, p.hostility_civil_mean)
    mark_change(s, i, "change of government")
    s.log(
        "government_change",
        s.codes[i],
        NAME,
        f"{cause}; its hostility to the West {s.hostility[i]:.2f}",
    )


def _expulsions(s: State, p: Params, u_expel: np.ndarray) -> None:
    """A hostile government that came in with a political change orders Western forces
    out; under an unchanged government, they stay."""
    recent = (s.month - s.political_change) <= p.expel_window_months
    hostile = s.region_member & (s.hostility >= p.expel_min_hostility) & recent
    orders = (
        hostile
        & (s.wpres_target > 0)
        & (u_expel < p.expulsion_switch * p.expel_hazard * s.hostility)
    )
    if not s.stochastic:
        orders[:] = False
    for i in np.flatnonzero(orders):
        s.wpres_target[i] = 0.0
        s.log(
            "expulsion",
            s.codes[i],
            NAME,
            f"government hostile to the West ({s.hostility[i]:.2f}) ordered Western forces "
            f"out after the {s.political_cause[i]}",
            side="western",
        )


def _western_presence(s: State, p: Params, u_return: np.ndarray) -> None:
    """Western forces leave at their pace; they may return where a new government is
    open to them again (hostility below half the expulsion threshold)."""
    own: Private = s.private[NAME]
    recent = (s.month - s.political_change) <= p.expel_window_months
    friendly = s.hostility < 0.5 * p.expel_min_hostility
    gone = (s.wpres_target == 0) & (own.wpres_start > 0) & s.region_member
    back = gone & recent & friendly & (u_return < p.western_return_hazard) & s.stochastic
    for i in np.flatnonzero(back):
        s.wpres_target[i] = own.wpres_start[i]
        s.log(
            "force_arrival",
            s.codes[i],
            NAME,
            f"Western forces invited back after the {s.political_cause[i]} (hostility to "
            f"the West {s.hostility[i]:.2f})",
            side="western",
        )
    pace = 1.0 / p.withdrawal_months
    before = s.wpres.copy()
    s.wpres += np.clip(s.wpres_target - s.wpres, -pace, pace)
    for i in np.flatnonzero((before > 0) & (s.wpres <= 0) & s.region_member):
        s.log("force_withdrawal", s.codes[i], NAME, "last Western forces left", side="western")


def _bloc(s: State, p: Params) -> None:
    if p.bloc_switch <= 0:
        return
    juntas = hostile_juntas(s, p)
    if not s.bloc.any() and len(juntas) >= p.bloc_min_members:
        # the founders: the largest group of neighbouring hostile juntas of one sub-region
        groups = [
            g for sub in sorted(set(s.subregion[juntas])) for g in neighbour_groups(s, juntas, sub)
        ]
        largest = max(groups, key=len)
        joiners = largest if len(largest) >= p.bloc_min_members else []
    elif s.bloc.any():
        home = s.subregion[np.flatnonzero(s.bloc)[0]]
        joiners = [
            i
            for i in juntas
            if not s.bloc[i] and s.subregion[i] == home and (s.neighbours[i] @ s.bloc) > 0
        ]
    else:
        joiners = []
    for i in joiners:
        s.bloc[i] = True
        s.ties[i] = min(1.0, s.ties[i] + p.bloc_ties_gain)
        s.log(
            "bloc_formation",
            s.codes[i],
            NAME,
            f"junta hostile to the West ({s.hostility[i]:.2f}) joins the juntas' bloc",
        )


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    u_coup = rng.random(s.n)
    u_hostility = rng.random(s.n)
    u_expel = rng.random(s.n)
    u_change = rng.random(s.n)
    u_stance = rng.random(s.n)
    u_return = rng.random(s.n)
    own: Private = s.private[NAME]
    s.coup_memory *= own.decay
    if own.jihad_ref is None:
        own.jihad_ref = np.where(np.isnan(s.jihad_prior), s.jihad, s.jihad_prior)
    else:
        own.jihad_ref += own.rise_rate * (s.jihad - own.jihad_ref)
    _coups(s, p, u_coup, u_hostility)
    _government_changes(s, p, u_change, u_stance)
    _expulsions(s, p, u_expel)
    _western_presence(s, p, u_return)
    _bloc(s, p)
