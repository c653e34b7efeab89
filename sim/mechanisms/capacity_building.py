"""Capacity building: DCB packages raise a partner's state capacity with a lag, better
targeted when the NSD-S Hub and the special representative have real weight.

Source (Atlantic Council, July 2025): the DCB programmes "remain underutilized";
"Expanding cooperation with key states such as Algeria and Egypt through these
programs would ... help reinforce NATO's southern flank"; the Hub "remains on the
sidelines, lacking power due to its limited mandate"; the special representative,
"initially intended to preside over a department, remains a marginal player".

Equations, per partner i and month (a [name] is the channel's registry switch):
    eff_i       = dcb_base_effectiveness * (1 + hub_effect * hub_mandate)
                  * (1 + sr_effect * special_representative)
                  * (1 - [dcb_lead_friction] friction_penalty * friction(lead ally, i))
    pipeline_i += (intensity_i - pipeline_i) / dcb_lag_months      (first-order delay)
    struct_i   += [dcb_capacity] dcb_capacity_gain * pipeline_i * eff_i * (1 - struct_i)
    capacity_i += capacity_recovery * (struct_i - capacity_i)
                  - capacity_conflict_erosion * conflict_i * capacity_i
    trust_i    += [dcb_trust] dcb_trust_gain * pipeline_i * eff_i * (1 - trust_i)
Every term is proportional to the package's intensity: a 1%-intensity package
delivers 1% of a full one (and holds back 1% of trust's decay, sim.mechanisms.dialogue).
    spending   += sum(intensity) * dcb_cost_musd_year / 12 + hub_cost_musd_year / 12 * hub
A partner whose government falls to a coup during the run has its packages suspended
(intensity 0 from the coup on; logged): NATO does not train a junta's forces.

Departures: a package's money is expressed as an intensity (1 = one standard
package) rather than dollars, since DCB works through training and institutions
more than through money; its cost is counted separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..calendar import format_month

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

NAME = "capacity_building"
PARAMS = (
    "dcb_lag_months",
    "dcb_capacity_gain",
    "dcb_trust_gain",
    "dcb_cost_musd_year",
    "dcb_base_effectiveness",
    "hub_effect",
    "sr_effect",
    "friction_penalty",
    "capacity_recovery",
    "capacity_conflict_erosion",
    "hub_cost_musd_year",
    "capacity_fsi_best",
    "capacity_fsi_worst",
    "dcb_capacity_switch",
    "dcb_trust_switch",
    "dcb_lead_friction_switch",
)
LEVERS = ("hub_mandate", "special_representative")
READS = (
    "month",
    "start",
    "dcb_plan",
    "dcb_friction",
    "conflict",
    "region_member",
    "fsi",
    "junta_since",
)
WRITES = (
    "dcb_intensity",
    "dcb_pipeline",
    "capacity_struct",
    "capacity",
    "trust",
    "spending_musd",
    "private",
)


def initialise(s: State, p: Params) -> None:
    """State capacity from the Fragile States Index of the start year: 1 at
    capacity_fsi_best or better, 0 at capacity_fsi_worst (no FSI score: 1)."""
    cap = (p.capacity_fsi_worst - s.fsi) / (p.capacity_fsi_worst - p.capacity_fsi_best)
    s.capacity = np.clip(np.nan_to_num(cap, nan=1.0), 0.0, 1.0)
    s.capacity_struct = s.capacity.copy()
    s.private[NAME] = Private(suspended=np.zeros(s.n, dtype=bool))


@dataclass(slots=True)
class Private:
    """Partners whose DCB is suspended (a coup during the run)."""

    suspended: np.ndarray


def effectiveness(s: State, p: Params, lead_friction: np.ndarray) -> np.ndarray:
    """How much of a package's potential is realised: Hub, representative, frictions."""
    pol = s.levers  # the standing levers, after dated changes
    return (
        p.dcb_base_effectiveness
        * (1.0 + p.hub_effect * pol.hub_mandate)
        * (1.0 + p.sr_effect * pol.special_representative)
        * (1.0 - p.dcb_lead_friction_switch * p.friction_penalty * lead_friction)
    )


def _suspended(s: State) -> np.ndarray:
    """Partners whose government fell to a coup during the run: their packages stop
    (logged once per partner), as NATO suspends cooperation with a junta."""
    own: Private = s.private[NAME]
    coup = s.junta_since >= s.start
    for i in np.flatnonzero(coup & ~own.suspended & (s.dcb_plan.sum(axis=0) > 0)):
        s.log(
            "dcb_suspended",
            s.codes[i],
            NAME,
            f"defence capacity building suspended after the coup of "
            f"{format_month(int(s.junta_since[i]))}",
        )
    own.suspended |= coup
    return own.suspended


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    k = s.month - s.start
    s.dcb_intensity = np.where(_suspended(s), 0.0, s.dcb_plan[k])
    eff = effectiveness(s, p, s.dcb_friction[k])
    s.dcb_pipeline += (s.dcb_intensity - s.dcb_pipeline) / p.dcb_lag_months
    delivered = s.dcb_pipeline * eff
    s.capacity_struct += (
        p.dcb_capacity_switch * p.dcb_capacity_gain * delivered * (1.0 - s.capacity_struct)
    )
    s.capacity += p.capacity_recovery * (s.capacity_struct - s.capacity)
    s.capacity -= p.capacity_conflict_erosion * s.conflict * s.capacity
    np.clip(s.capacity, 0.0, 1.0, out=s.capacity)
    s.trust += p.dcb_trust_switch * p.dcb_trust_gain * delivered * (1.0 - s.trust) * s.region_member
    pol = s.levers  # the standing levers, after dated changes
    s.spending_musd = (
        s.dcb_intensity.sum() * p.dcb_cost_musd_year / 12.0
        + p.hub_cost_musd_year / 12.0 * pol.hub_mandate
    )
