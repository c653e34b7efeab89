"""Influence and alignment: where each state stands between NATO and Russia, and a
log entry, with its drivers, whenever a state crosses into another camp.

This is the model's read-out rather than a mechanism of the source: it turns trust,
ties and military presence into influence, so that the levers' effects can be
compared in one currency, and it explains realignments ("why did Niger flip?").

Equations, per state i:
    NATO influence_i   = clip(nato_trust_weight * trust_i + nato_presence_weight * wpres_i, 0, 1)
    Russian influence_i = clip(russia_ties_weight * ties_i + russia_presence_weight * rpres_i, 0, 1)
    alignment_i        = NATO influence_i - Russian influence_i          (in [-1, 1])
    camp_i = West if alignment_i > aligned_threshold, Russia if < -aligned_threshold, else hedging
On a change of camp the log names the largest of the four contributions' changes since
the state's last change of camp.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

NAME = "influence"
PARAMS = (
    "nato_trust_weight",
    "nato_presence_weight",
    "russia_ties_weight",
    "russia_presence_weight",
    "aligned_threshold",
)
LEVERS = ()
READS = ("trust", "wpres", "ties", "rpres", "region_member", "camp")
WRITES = ("nato_inf", "russia_inf", "alignment", "camp", "private")


@dataclass(slots=True)
class Private:
    """Each state's alignment parts when it last changed camp (or at the start): the
    realignment log names the part that moved most since."""

    anchor: np.ndarray  # (4, n), in the order of _DRIVERS


def initialise(s: State, p: Params) -> None:
    """Influence, alignment and camps where the initial trust, ties and presence put them."""
    s.camp = update(s, p)
    s.private[NAME] = Private(anchor=contributions(s, p))


CAMPS = {1: "West-aligned", 0: "hedging", -1: "Russia-aligned"}
_DRIVERS = (
    "trust in NATO",
    "Western military presence",
    "ties to Russia",
    "Russian military presence",
)


def russia_share(s: State, weights: np.ndarray) -> np.ndarray:
    """Russia's share of NATO plus Russian influence, weighted (one row of weights per
    group of states; 0 where a group has no influence at all). One definition for the
    allies' threat perception (cohesion) and the recorded influence shares."""
    num = weights @ s.russia_inf
    den = weights @ (s.nato_inf + s.russia_inf)
    return np.divide(num, den, out=np.zeros_like(num, dtype=float), where=den > 0)


def contributions(s: State, p: Params) -> np.ndarray:
    """(4, n): the signed parts of alignment, in the order of _DRIVERS."""
    return np.stack(
        [
            p.nato_trust_weight * s.trust,
            p.nato_presence_weight * s.wpres,
            -p.russia_ties_weight * s.ties,
            -p.russia_presence_weight * s.rpres,
        ]
    )


def update(s: State, p: Params) -> np.ndarray:
    """Recompute influence and alignment; returns the camp of each state."""
    s.nato_inf = np.clip(p.nato_trust_weight * s.trust + p.nato_presence_weight * s.wpres, 0, 1)
    s.russia_inf = np.clip(p.russia_ties_weight * s.ties + p.russia_presence_weight * s.rpres, 0, 1)
    s.alignment = s.nato_inf - s.russia_inf
    return np.where(
        s.alignment > p.aligned_threshold, 1, np.where(s.alignment < -p.aligned_threshold, -1, 0)
    )


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    camp = update(s, p)
    changed = np.flatnonzero((camp != s.camp) & s.region_member)
    if len(changed):
        parts = contributions(s, p)
        own: Private = s.private[NAME]
        delta = parts - own.anchor
        for i in changed:
            k = int(np.argmax(np.abs(delta[:, i])))
            s.log(
                "realignment",
                s.codes[i],
                NAME,
                f"{CAMPS[int(s.camp[i])]} -> {CAMPS[int(camp[i])]}: largest change since the last "
                f"shift was {_DRIVERS[k]} ({delta[k, i]:+.2f} on alignment)",
                alignment=float(s.alignment[i]),
                camp_from=CAMPS[int(s.camp[i])],
                camp_to=CAMPS[int(camp[i])],
                driver=_DRIVERS[k],
                driver_change=float(delta[k, i]),
            )
            own.anchor[:, i] = parts[:, i]
    s.camp = camp
