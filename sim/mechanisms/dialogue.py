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
    [trust_decay]    trust_i -= trust_decay * (trust_i - anchor_i) * (1 - contact_i)

The invitation's political cost is its own term, so a scenario's effect and its cost
can be measured apart (`southflank explain`); the caution term is the reason the
source gives for not inviting (partners' ties to Russia): a partner tied to Moscow
takes less of what NATO offers. A DCB package is contact in proportion to its
intensity (a 1%-intensity package holds 1% of the decay back).

At the start (initialise), trust is its structural anchor, from sourced observables:
    anchor_i = trust_init_base + trust_init_partner_bonus * [MD or ICI]_i
               + trust_init_mnna_bonus * [US major non-NATO ally]_i
               + trust_init_arms * (share of arms imports from NATO states)_i * weight_i
               + trust_init_vote * [voted for UNGA 68/262]_i
               - trust_init_military_penalty * [military regime]_i
               - trust_init_ended_basing * [ended Western basing before the start]_i
                                                                        (clipped to [0, 1])
    weight_i = min(arms volume_i / arms_evidence_volume, 1): a few deals are weak evidence

Trust relaxes toward the anchor from above and below: engagement's gains and Russian
information operations' losses fade at the same rate, so the start is at rest.

Departures: a summit's effect is one step, not a lasting programme; lasting contact
comes from the frameworks and DCB. Guests outside the region (EU, Ukraine, AP4) are
recorded but change no state.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    "invite_friction_cost",
    "invite_ties_caution",
    "invite_trust_switch",
    "invite_cost_switch",
    "ties_caution_switch",
    "framework_trust_switch",
    "trust_decay_switch",
    "dcb_contact_switch",
    "trust_init_base",
    "trust_init_partner_bonus",
    "trust_init_mnna_bonus",
    "trust_init_arms",
    "trust_init_vote",
    "trust_init_military_penalty",
    "trust_init_ended_basing",
    "arms_evidence_volume",
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
    "arms_nato",
    "arms_volume",
    "vote_262",
    "ended_basing",
    "regime",
    "military",
    "ties",
)
WRITES = ("trust", "invited_recent", "private")


@dataclass(slots=True)
class Private:
    """Each state's structural trust: where trust rests without engagement."""

    anchor: np.ndarray


def evidence_weight(s: State, p: Params) -> np.ndarray:
    """How far an arms-import share counts: its volume over arms_evidence_volume, at most 1."""
    return np.minimum(s.arms_volume / p.arms_evidence_volume, 1.0)


def initialise(s: State, p: Params) -> None:
    """Trust in NATO at the start, from sourced observables (the anchor above): the
    partnership frameworks, US major non-NATO ally status, arms imports from NATO states,
    the 68/262 vote and military rule. Allies trust the Alliance fully."""
    trust = (
        p.trust_init_base
        + p.trust_init_partner_bonus * (s.md | s.ici)
        + p.trust_init_mnna_bonus * s.mnna
        + p.trust_init_arms * s.arms_nato * evidence_weight(s, p)
        + p.trust_init_vote * np.maximum(s.vote_262, 0.0)
        - p.trust_init_military_penalty * (s.regime == s.military)
        - p.trust_init_ended_basing * s.ended_basing
    )
    s.trust = np.where(s.nato, 1.0, np.clip(trust, 0.0, 1.0))
    s.private[NAME] = Private(anchor=s.trust.copy())


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
    anchor = s.private[NAME].anchor
    trust -= decay * (trust - anchor) * (1.0 - contact) * member
    np.clip(trust, 0.0, 1.0, out=trust)
