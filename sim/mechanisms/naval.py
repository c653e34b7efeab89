"""The sea: Russian naval presence, more of it with a base on the coast, shadows allied
ships; where both navies are present, incidents become possible.

Source (Atlantic Council, July 2025): "Russia's expanding naval presence in the
Mediterranean raises concerns about freedom of navigation ... as well as the risk of
direct incidents between NATO and Russia"; "Italian ships operating off the coast of
Libya are almost always followed by a Russian spy ship"; Derna "would provide Moscow
with a much-needed site for essential naval maintenance".

Equations, per sea zone z and month:
    Russian presence_z = russia_naval_base
                         + [base_naval] russia_naval_per_base * (open naval bases in z)
    air cover_z        = 1 + incident_ties_effect * [an open Russian air base borders z]
    incidents_z        ~ Poisson(incident_rate * NATO presence_z * Russian presence_z * air cover_z)
    spending          += naval_cost_musd_year / 12 * sum_z NATO presence_z

Allied presence works in two more places: it slows Russian basing deals in its zone
(sim.mechanisms.russian_opportunism, switch naval_deterrence_switch) and reassures the
southern allies off whose coasts it sails (sim.mechanisms.cohesion, switch
naval_reassurance_switch); here it only meets Russian ships.

Departures: NATO presence per zone is a scenario lever (1 = Operation Sea Guardian's
level in the central and eastern Mediterranean in 2025), not an actor's decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

NAME = "naval"
PARAMS = (
    "russia_naval_base",
    "russia_naval_per_base",
    "incident_rate",
    "incident_ties_effect",
    "naval_cost_musd_year",
    "base_naval_switch",
)
LEVERS = ()
READS = ("bases", "zones", "nato_naval", "spending_musd", "stochastic")
WRITES = ("russia_naval", "incidents", "spending_musd")


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    naval_bases = np.zeros(len(s.zones))
    air_bases = np.zeros(len(s.zones))
    for b in s.bases:
        if b.status == "open":
            z = s.zones.index(b.zone)
            (naval_bases if b.kind == "naval" else air_bases)[z] += 1
    per_base = p.base_naval_switch * p.russia_naval_per_base
    s.russia_naval = p.russia_naval_base + per_base * naval_bases
    cover = 1.0 + p.incident_ties_effect * (air_bases > 0)
    rate = p.incident_rate * s.nato_naval * s.russia_naval * cover * s.stochastic
    s.incidents = rng.poisson(rate).astype(float)
    for z in np.flatnonzero(s.incidents):
        s.log(
            "naval_incident",
            "",
            NAME,
            f"{int(s.incidents[z])} incident(s) in the {s.zones[z]}: NATO presence "
            f"{s.nato_naval[z]:.2f}, Russian presence {s.russia_naval[z]:.2f}",
            zone=s.zones[z],
        )
    s.spending_musd += p.naval_cost_musd_year / 12.0 * s.nato_naval.sum()
