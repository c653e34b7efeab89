"""Exogenous events: dated shocks from the scenario file, applied at the start of a month.

The historical replay feeds in only shocks (coups, wars, withdrawals, summits, deals,
ruptures); what follows from them is for the other mechanisms to produce. A coup
fed in here still draws its junta's hostility to the West the way an endogenous
coup does (sim.mechanisms.coups.install_junta), so a scheduled coup does not decide
whether the junta turns to Russia.

Equations (per event, on the named country c):
    coup:                regime_c = military; coup memory_c = 1; hostility_c drawn
    regime_change:       regime_c = given regime (default hybrid); ties_c *= 1 - level
    war_onset/ceasefire: conflict_c = level (default 1 / 0.3 residual)
    force_withdrawal:    Western: target presence = level (default 0), left at the
                         withdrawal pace; Russian: presence = level (default 0)
    force_arrival:       Western: target presence = level; Russian: presence = level
                         (default: the registry's deployment level)
    force_restructuring: the host's Russian deployment becomes state-run (the Wagner ->
                         Africa Corps switch): presence unchanged, funded from the
                         defence budget from then on (sim.mechanisms.russian_opportunism)
    migration_deal:      migration deal_c = level (default 1)
    diplomatic_rupture / normalisation: friction(c, other) = level (default 0.8 / 0.2)
    basing_agreement:    status of the named base site; an opening raises the host's
                         Russian presence to at least deploy_level
    bloc_formation:      c (or every hostile junta) joins the junta bloc
    policy change (scenario policy.changes): the named standing levers (Hub mandate,
                         special representative, MD/ICI revival, naval presence) take
                         their new values from that month on

Departures: the default levels are modelling choices stated above; a scenario sets
``level`` to override them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..params import section_levers
from ..scenario import PolicyChange
from . import coups

if TYPE_CHECKING:
    from ..params import Params
    from ..scenario import Event
    from ..state import State

NAME = "events"
PARAMS = (
    "deploy_level",
    "hostility_mean",
    "hostility_spread",
    "hostility_grievance",
    "hostility_civil_mean",
    "hostility_contagion",
    "coup_ties_gain",
    "expel_min_hostility",
)
LEVERS = ("hub_mandate", "special_representative", "md_revival", "ici_revival")
READS = (
    "month",
    "nato",
    "neighbours",
    "scheduled",
    "zones",
    "military",
    "region_member",
    "grievance",
    "hostility",
    "jihad",
    "stability",
    "coups_this_month",
    "coup_memory",
    "regime",
    "ties",
    "rpres",
    "wpres_target",
    "friction",
    "bases",
    "bloc",
    "nato_naval",
    "conflict",
    "migration_deal",
)
WRITES = (
    "levers",
    "political_change",
    "political_cause",
    "junta_since",
    "coups_this_month",
    "nato_naval",
    "regime",
    "coup_memory",
    "hostility",
    "conflict",
    "wpres_target",
    "rpres",
    "migration_deal",
    "friction",
    "bases",
    "bloc",
    "ties",
    "state_run",
)
DEFAULT_LEVEL = {
    "war_onset": 1.0,
    "ceasefire": 0.3,
    "force_withdrawal": 0.0,
    "force_arrival": 0.5,
    "migration_deal": 1.0,
    "diplomatic_rupture": 0.8,
    "normalisation": 0.2,
    "regime_change": 0.0,
}


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    s.coups_this_month = 0  # the first mechanism of the month opens its count
    u = rng.random(8)  # fixed consumption keeps the stream aligned across scenarios
    for ev in s.scheduled.get(s.month, ()):
        if isinstance(ev, PolicyChange):
            _change_policy(s, ev)
        else:
            _handle(s, p, ev, u)


def _change_policy(s: State, change: PolicyChange) -> None:
    """A dated change of the standing levers (scenario `policy.changes`)."""
    done = []
    for lever in section_levers("policy"):
        value = getattr(change, lever.field)
        if value is not None:
            setattr(s.levers, lever.name, value)
            done.append(f"{lever.field} = {value:g}")
    if change.naval_presence is not None:
        for zone, level in change.naval_presence.items():
            s.nato_naval[s.zones.index(zone)] = level
            done.append(f"naval presence in {zone} = {level:g}")
    why = f"scheduled policy change{': ' + change.note if change.note else ''}"
    s.log("policy_change", None, NAME, f"{why} ({'; '.join(done)})")


def _regime_change(s: State, p: Params, ev: Event, i: int, level: float) -> None:
    from ..state import regime_index

    s.regime[i] = regime_index(ev.regime or "hybrid")
    s.ties[i] *= 1.0 - level
    s.coup_memory[i] = max(s.coup_memory[i], 0.5)


def _conflict(s: State, p: Params, ev: Event, i: int, level: float) -> None:
    s.conflict[i] = level


def _forces(s: State, p: Params, ev: Event, i: int, level: float) -> None:
    if ev.side == "western":
        s.wpres_target[i] = level
    else:
        default_arrival = ev.kind == "force_arrival" and ev.level is None
        s.rpres[i] = p.deploy_level if default_arrival else level


def _migration_deal(s: State, p: Params, ev: Event, i: int, level: float) -> None:
    s.migration_deal[i] = level


def _relations(s: State, p: Params, ev: Event, i: int, level: float) -> None:
    j = s.index(ev.other)
    s.friction[i, j] = s.friction[j, i] = level
    if ev.kind == "diplomatic_rupture" and s.nato[j] and not s.nato[i]:
        # the rupture is itself the hostile act: the government's hostility is at least
        # its level, and the change opens the window for ending Western basing
        s.hostility[i] = max(s.hostility[i], level)
        coups.mark_change(s, i, f"rupture with {ev.other}")


def _government(s: State, p: Params, ev: Event, i: int, level: float) -> None:
    """A dated change of government with its stance given (`level`: its hostility to the
    West); without a level the stance is drawn (sim.mechanisms.coups.install_government)."""
    s.hostility[i] = level
    coups.mark_change(s, i, "change of government")


def _basing(s: State, p: Params, ev: Event, i: int | None, level: float) -> None:
    for b in s.bases:
        if b.site == ev.site:
            b.status = ev.status
            b.since = s.month
            if ev.status == "open":  # as an agreed deal does (russian_opportunism)
                s.rpres[b.host] = max(s.rpres[b.host], p.deploy_level)


def _bloc(s: State, p: Params, ev: Event, i: int | None, level: float) -> None:
    members = [i] if i is not None else list(coups.hostile_juntas(s, p))
    for m in members:
        s.bloc[m] = True


def _restructure(s: State, p: Params, ev: Event, i: int | None, level: float) -> None:
    """Wagner -> Africa Corps: the host's deployment is run by the Ministry of Defence."""
    s.state_run[i] = True


_HANDLERS = {
    "regime_change": _regime_change,
    "war_onset": _conflict,
    "ceasefire": _conflict,
    "force_withdrawal": _forces,
    "force_arrival": _forces,
    "force_restructuring": _restructure,
    "migration_deal": _migration_deal,
    "diplomatic_rupture": _relations,
    "normalisation": _relations,
    "basing_agreement": _basing,
    "bloc_formation": _bloc,
    "government_change": _government,
}


def _handle(s: State, p: Params, ev: Event, u: np.ndarray) -> None:
    """One scheduled event: its handler changes the state, then the log records it."""
    i = s.index(ev.country) if ev.country else None
    level = ev.level if ev.level is not None else DEFAULT_LEVEL.get(ev.kind)
    why = f"scheduled event{': ' + ev.note if ev.note else ''}"
    if ev.kind == "coup":
        coups.install_junta(s, p, i, u[0], cause=why)  # logs the coup itself
        return
    if ev.kind == "government_change":
        if ev.regime is not None:  # e.g. the end of a military transition
            from ..state import regime_index

            s.regime[i] = regime_index(ev.regime)
        if ev.level is None:
            coups.install_government(s, p, i, u[1], cause=why)  # logs the change itself
            return
    _HANDLERS[ev.kind](s, p, ev, i, level)
    s.log(ev.kind, ev.country, NAME, why, side=ev.side or "", site=ev.site or "", level=level)
