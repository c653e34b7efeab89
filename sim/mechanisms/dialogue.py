"""Political dialogue: summit invitations and the MD and ICI frameworks build trust.

Source (Atlantic Council, July 2025): "the members of NATO's Mediterranean
Dialogue ... have rarely been invited to NATO summits"; inviting them would mark "an
important step"; the MD and the ICI "offer valuable, existing tools for trust-building
and joint action". Frictions "between Morocco and Spain, Algeria and France, and Egypt
and Turkey" temper what a host can achieve.

Equations, for each partner i (non-NATO state of the region), per month:
    invited_i   = 1 if a summit this month lists i (or its group), else 0
    frame_i     = min(1, md_revival * MD_i + ici_revival * ICI_i)
    contact_i   = max(frame_i, [DCB active_i])
    trust_i += invite_trust_gain * (1 - friction_penalty * friction(host, i))
               * (1 - trust_i) * invited_i
    trust_i += framework_trust_gain * frame_i * (1 - trust_i)
    trust_i -= trust_decay * (trust_i - trust_floor) * (1 - contact_i)

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
    "friction_penalty",
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
)
WRITES = ("trust", "invited_recent")


def initialise(s: State, p: Params) -> None:
    """Trust in NATO at the start: by partnership framework, US major non-NATO ally
    status and military rule (registry trust_init_*); allies trust the Alliance fully."""
    trust = np.where(s.md | s.ici, p.trust_init_partner, p.trust_init_other)
    trust = trust + np.where(s.mnna, p.trust_init_mnna_bonus, 0.0)
    trust = trust - np.where(s.regime == s.military, p.trust_init_military_penalty, 0.0)
    s.trust = np.where(s.nato, 1.0, np.clip(trust, 0.0, 1.0))


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    pol = s.levers  # the standing levers, after dated changes
    trust = s.trust
    member = s.region_member
    summit = s.summits.get(s.month)
    if summit is not None:
        host, invited = summit
        fr = s.friction[host] if host is not None else 0.0
        gain = p.invite_trust_gain * (1.0 - p.friction_penalty * fr) * (1.0 - trust)
        trust += np.where(invited & member, gain, 0.0)
        s.invited_recent = np.where(invited & member, 1.0, s.invited_recent)
        names = [s.codes[k] for k in np.flatnonzero(invited & member)]
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
    contact = np.maximum(frame, s.dcb_intensity > 0)
    trust += p.framework_trust_gain * frame * (1.0 - trust) * member
    trust -= p.trust_decay * (trust - p.trust_floor) * (1.0 - contact) * member
    np.clip(trust, 0.0, 1.0, out=trust)
