"""Political dialogue: summit invitations and the MD and ICI frameworks build trust.

Source (Atlantic Council, July 2025): "the members of NATO's Mediterranean
Dialogue ... have rarely been invited to NATO summits"; inviting them would mark "an
important step"; the MD and the ICI "offer valuable, existing tools for trust-building
and joint action". Frictions "between Morocco and Spain, Algeria and France, and Egypt
and Turkey" temper what a host can achieve.

Equations, for each partner i (non-NATO state of the region), per month; each named
channel is multiplied by its registry switch (1 = on, 0 = the term is gone):
    invited_i   = 1 if a summit this month lists i (or its group), else 0
    frame_i     = min(1, md_revival * MD_i + ici_revival * ICI_i)
    contact_i   = min(1, frame_i + [dcb_contact] DCB intensity_i)
    caution_i   = 1 - [ties_caution] invite_ties_caution * ties_i
    friction_i  = min(1, friction(host, i) + sum over other invitees j of friction(i, j))
    [invite_trust]   trust_i += invite_trust_gain * caution_i * (1 - trust_i) * invited_i
    [invite_cost]    trust_i -= invite_friction_cost * friction_i * trust_i * invited_i
    [framework_trust] trust_i += framework_trust_gain * caution_i * frame_i * (1 - trust_i)
    [trust_decay]    trust_i -= trust_decay * (trust_i - trust_floor) * (1 - contact_i)

The invitation's political cost is its own term, so a scenario's effect and its cost
can be measured apart (`southflank explain`); the caution term is the reason the
source gives for not inviting (partners' ties to Russia): a partner tied to Moscow
takes less of what NATO offers. A DCB package is contact in proportion to its
intensity (a 1%-intensity package holds 1% of the decay back).

Departures: a summit's effect is one step, not a lasting programme; lasting contact
comes from the frameworks and DCB. Guests outside the region (EU, Ukraine, AP4) are
recorded but change no state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

NAME = "dialogue"
PARAMS = (
    "invite_trust_gain",
    "framework_trust_gain",
    "trust_decay",
    "trust_floor",
    "invite_friction_cost",
    "invite_ties_caution",
    "invite_trust_switch",
    "invite_cost_switch",
    "ties_caution_switch",
    "framework_trust_switch",
    "trust_decay_switch",
    "dcb_contact_switch",
    "trust_init_partner",
    "trust_init_other",
    "trust_init_mnna_bonus",
    "trust_init_military_penalty",
)
LEVERS = ("md_revival", "ici_revival")
READS = (
    "month",
    "summits",
    "region_member",
    "md",
    "ici",
    "dcb_intensity",
    "friction",
    "invited_recent",
    "nato",
    "mnna",
    "regime",
    "military",
    "ties",
)
WRITES = ("trust", "invited_recent")


def initialise(s: State, p: Params) -> None:
    """Trust in NATO at the start: by partnership framework, US major non-NATO ally
    status and military rule (registry trust_init_*); allies trust the Alliance fully."""
    trust = np.where(s.md | s.ici, p.trust_init_partner, p.trust_init_other)
    trust = trust + np.where(s.mnna, p.trust_init_mnna_bonus, 0.0)
    trust = trust - np.where(s.regime == s.military, p.trust_init_military_penalty, 0.0)
    s.trust = np.where(s.nato, 1.0, np.clip(trust, 0.0, 1.0))


def invitation_friction(s: State, host: int | None, invited: np.ndarray) -> np.ndarray:
    """Each invitee's friction with the host and the other invitees (sum, capped at 1)."""
    fr = s.friction @ invited.astype(float) - np.diag(s.friction) * invited
    if host is not None:
        fr = fr + s.friction[host]
    return np.minimum(fr, 1.0)


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    pol = s.levers  # the standing levers, after dated changes
    trust = s.trust
    member = s.region_member
    caution = 1.0 - p.ties_caution_switch * p.invite_ties_caution * s.ties
    summit = s.summits.get(s.month)
    if summit is not None:
        host, invited = summit
        guest = invited & member
        gain = p.invite_trust_switch * p.invite_trust_gain * caution * (1.0 - trust)
        cost = p.invite_cost_switch * p.invite_friction_cost * invitation_friction(s, host, guest)
        trust += np.where(guest, gain - cost * trust, 0.0)
        s.invited_recent = np.where(guest, 1.0, s.invited_recent)
        names = [s.codes[k] for k in np.flatnonzero(guest)]
        s.log(
            "summit",
            s.codes[host] if host is not None else "",
            NAME,
            "NATO summit"
            + (
                f"; partners invited: {', '.join(names)}"
                if names
                else "; no partner of the region invited"
            ),
            invited=len(names),
        )
    frame = np.minimum(1.0, pol.md_revival * s.md + pol.ici_revival * s.ici)
    contact = np.minimum(1.0, frame + p.dcb_contact_switch * s.dcb_intensity)
    gain = p.framework_trust_switch * p.framework_trust_gain * caution * frame
    trust += gain * (1.0 - trust) * member
    decay = p.trust_decay_switch * p.trust_decay
    trust -= decay * (trust - p.trust_floor) * (1.0 - contact) * member
    np.clip(trust, 0.0, 1.0, out=trust)
