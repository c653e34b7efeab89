"""Alliance cohesion: southern allies weigh the threat from the south against the
Alliance's attention to it; their satisfaction is a result, not an input.

Source (Atlantic Council, July 2025): Italy's defence minister said NATO "as it is, no
longer has a reason to exist"; Spain's prime minister called the 5% benchmark
"unreasonable"; inviting partners would demonstrate "that the Alliance's commitment to a
'360 degree vision of security' is not merely rhetorical" and reassure "southern
European members that their concerns are being heard and addressed."

The cohesion metric is the southern allies' mean satisfaction; the off-grid allies
(United States, United Kingdom, Germany, Netherlands, the rest of the Alliance) follow
the same equations, with no coasts on the grid.

Equations, per month (a [name] is the channel's registry switch, 1 = on):
    signal E    = weighted mean (attention_*_weight, normalised) of five parts in [0, 1]:
                  share of MD/ICI partners invited to a
                  summit recently (memory engagement_memory_months), DCB packages
                  active / engagement_dcb_saturation (capped at 1), Hub mandate,
                  special representative's leverage, mean of MD and ICI revival
    observed_a  = [partner_alignment] observed_alignment_weight
                      * (MD/ICI partners' mean alignment - its value at the start)
                  + [naval_reassurance] naval_reassurance
                      * sum_z coast share_az * allied naval presence_z
    threat_a    = weighted mean (threat_*_weight, normalised) of three parts in [0, 1]
                  for every ally a (southern and off-grid):
                  [threat_influence] Russian share of influence in the region;
                  [threat_migration] migration toward a (Italy, Spain, Greece; the mean
                  of the three for the others) / (migration_threat_scale * start level),
                  capped at 1; [threat_sea] incidents in the sea zones on a's coasts
                  (12-month average, capped at 1; 0 off the grid)
                  + [base_threat] base_threat * (Russian bases open in zones on a's
                    coasts - at the start)
                  + [missile_threat] missile_threat * [Russian naval base open in Libya]
                    (southern allies)                             (clipped to [0, 1])
    sat_a      += satisfaction_rate * (clip(satisfaction_base + [signal] attention_weight * E
                                           + observed_a - threat_weight * threat_a, 0, 1)
                                      - sat_a)
    milex_a    += (spending_target_pct - milex_a) / months to spending_target_year
                  * (1 + spending_threat_weight * threat_a)       (while below target)

Cohesion is an outcome of what the allies observe (partners' alignment, allied ships,
migration, incidents, Russian bases and influence) plus one direct channel, `signal`:
the reassurance the source claims engagement gives in itself ("demonstrating to
southern European member states that the Alliance's commitment ... is not merely
rhetorical"). With the signal switched off, a policy moves cohesion only through what
it changes in the south.

Departures: the equal default weights of the signal's and the threat's parts are a
transparent default, not an estimate; the registry lets a user change them (the Hub and
the special representative are two of the five parts of the signal, so with the signal
on an empowered Hub moves cohesion more than any other single lever at equal weights).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

from .influence import russia_share
from .russian_opportunism import libyan_naval_base

NAME = "cohesion"
PARAMS = (
    "satisfaction_rate",
    "satisfaction_base",
    "attention_weight",
    "threat_weight",
    "spending_target_pct",
    "spending_target_year",
    "spending_threat_weight",
    "engagement_dcb_saturation",
    "migration_threat_scale",
    "engagement_memory_months",
    "attention_summit_weight",
    "attention_dcb_weight",
    "attention_hub_weight",
    "attention_sr_weight",
    "attention_framework_weight",
    "threat_influence_weight",
    "threat_migration_weight",
    "threat_sea_weight",
    "observed_alignment_weight",
    "naval_reassurance",
    "base_threat",
    "missile_threat",
    "signal_switch",
    "partner_alignment_switch",
    "naval_reassurance_switch",
    "threat_influence_switch",
    "threat_migration_switch",
    "threat_sea_switch",
    "base_threat_switch",
    "missile_threat_switch",
)
LEVERS = ("hub_mandate", "special_representative", "md_revival", "ici_revival")
READS = (
    "month",
    "kind",
    "md",
    "ici",
    "coastal",
    "zones",
    "route_dest",
    "route_base",
    "invited_recent",
    "dcb_intensity",
    "russia_inf",
    "nato_inf",
    "population",
    "region_member",
    "migration",
    "incidents",
    "threat",
    "satisfaction",
    "milex",
    "nato",
    "alignment",
    "nato_naval",
    "bases",
)
WRITES = ("engagement", "threat", "satisfaction", "milex", "invited_recent", "private")

DESTINATIONS = ("ITA", "ESP", "GRC")
ALLIES = ("ally_south", "ally_offgrid")


@dataclass(slots=True)
class Private:
    """Cohesion's constants for a run and its one memory (incidents, 12-month mean)."""

    invite_memory: float  # monthly decay of a summit invitation's salience
    allies: np.ndarray  # indices of the allies (southern and off-grid)
    route_to: np.ndarray  # (destinations, routes): routes ending in Italy, Spain, Greece
    ally_feel: np.ndarray  # (allies, destinations): whose arrivals each ally feels
    ally_coast: np.ndarray  # (allies, zones): each ally's share of coast per sea zone
    attention_weights: np.ndarray  # normalised attention_*_weight
    threat_weights: np.ndarray  # normalised threat_*_weight
    incident_memory: np.ndarray  # per zone
    ally_coast01: np.ndarray  # (allies, zones): 1 where the ally has a coast on the zone
    south: np.ndarray  # per ally: a southern ally (on the grid)
    partners: np.ndarray  # MD and ICI members
    alignment0: float  # the partners' mean alignment at the start
    bases0: np.ndarray  # open Russian bases per zone at the start


def open_bases(s: State) -> np.ndarray:
    """Open Russian bases (naval and air) per sea zone."""
    out = np.zeros(len(s.zones))
    for b in s.bases:
        if b.status == "open":
            out[s.zones.index(b.zone)] += 1
    return out


def initialise(s: State, p: Params) -> None:
    """The allies' satisfaction at its base level, and cohesion's constants."""
    s.satisfaction = np.where(s.nato & np.isin(s.kind, ALLIES), p.satisfaction_base, np.nan)
    allies = np.flatnonzero(np.isin(s.kind, ALLIES))
    route_to = np.array([[d == dest for d in s.route_dest] for dest in DESTINATIONS], float)
    # an ally feels its own arrivals; the others the mean of the three
    feel = np.full((len(allies), len(DESTINATIONS)), 1.0 / len(DESTINATIONS))
    for k, a in enumerate(allies):
        if s.codes[a] in DESTINATIONS:
            feel[k] = np.array([s.codes[a] == d for d in DESTINATIONS], float)
    coast = s.coastal[allies]
    aw = np.array(
        [
            p.attention_summit_weight,
            p.attention_dcb_weight,
            p.attention_hub_weight,
            p.attention_sr_weight,
            p.attention_framework_weight,
        ]
    )
    tw = np.array([p.threat_influence_weight, p.threat_migration_weight, p.threat_sea_weight])
    s.private[NAME] = Private(
        invite_memory=float(np.exp(-1.0 / p.engagement_memory_months)),
        allies=allies,
        route_to=route_to,
        ally_feel=feel,
        ally_coast=coast / np.maximum(coast.sum(axis=1, keepdims=True), 1.0),
        attention_weights=aw / aw.sum() if aw.sum() > 0 else np.full(aw.size, 1.0 / aw.size),
        threat_weights=tw / tw.sum() if tw.sum() > 0 else np.full(tw.size, 1.0 / tw.size),
        incident_memory=np.zeros(len(s.zones)),
        ally_coast01=(coast > 0).astype(float),
        south=s.kind[allies] == "ally_south",
        partners=s.md | s.ici,
        alignment0=float(s.alignment[s.md | s.ici].mean()),
        bases0=open_bases(s),
    )


def attention(s: State, p: Params) -> float:
    pol = s.levers  # the standing levers, after dated changes
    partners = s.md | s.ici
    parts = np.array(
        (
            s.invited_recent[partners].mean(),
            min(1.0, s.dcb_intensity.sum() / p.engagement_dcb_saturation),
            pol.hub_mandate,
            pol.special_representative,
            0.5 * (pol.md_revival + pol.ici_revival),
        )
    )
    own: Private = s.private[NAME]
    return float(parts @ own.attention_weights)


def observed(s: State, p: Params, own: Private) -> np.ndarray:
    """Per ally: what it sees in the south (the change in partners' alignment since the
    start, allied ships off its coasts), as a shift of its target satisfaction."""
    align = s.alignment[own.partners].mean() - own.alignment0
    naval = own.ally_coast @ s.nato_naval
    return (
        p.partner_alignment_switch * p.observed_alignment_weight * align
        + p.naval_reassurance_switch * p.naval_reassurance * naval
    )


def russian_share(s: State) -> float:
    """Russia's population-weighted influence share over the region's non-NATO states."""
    return float(russia_share(s, s.population * s.region_member))


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    own: Private = s.private[NAME]
    s.engagement = attention(s, p)
    s.invited_recent *= own.invite_memory
    own.incident_memory += (s.incidents - own.incident_memory) / 12.0
    allies = own.allies
    arrivals = own.route_to @ s.migration
    arrivals0 = own.route_to @ s.route_base
    mig = np.minimum(arrivals / (p.migration_threat_scale * arrivals0), 1.0)
    sea = own.ally_coast @ np.minimum(own.incident_memory, 1.0)
    tw = own.threat_weights
    threat = (
        tw[0] * p.threat_influence_switch * russian_share(s)
        + tw[1] * p.threat_migration_switch * (own.ally_feel @ mig)
        + tw[2] * p.threat_sea_switch * sea
        + p.base_threat_switch * p.base_threat * (own.ally_coast01 @ (open_bases(s) - own.bases0))
        + p.missile_threat_switch * p.missile_threat * libyan_naval_base(s) * own.south
    )
    threat = np.clip(threat, 0.0, 1.0)
    s.threat[allies] = threat
    target = np.clip(
        p.satisfaction_base
        + p.signal_switch * p.attention_weight * s.engagement
        + observed(s, p, own)
        - p.threat_weight * threat,
        0,
        1,
    )
    s.satisfaction[allies] += p.satisfaction_rate * (target - s.satisfaction[allies])
    left = max(p.spending_target_year * 12 - s.month, 1)
    m = s.milex[allies]
    step = (p.spending_target_pct - m) / left * (1.0 + p.spending_threat_weight * threat)
    s.milex[allies] = np.where(m < p.spending_target_pct, m + step, m)
