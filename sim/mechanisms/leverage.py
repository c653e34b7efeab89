"""Leverage over Europe: Russia-aligned transit states can open the migration valve;
Russia-aligned producers raise the supply risk of critical raw materials.

Source (Atlantic Council, July 2025): these governments' "reliance on Russia-backed
militias for survival leaves them vulnerable to becoming instruments of leverage
against NATO members—whether through the manipulation of migration flows toward
Europe or by tightening control over critical raw material supply chains."

Equations, per month. Departures push on route r (sim/data/migration_routes.csv):
    push_t  = (1 + migration_instability * (1 - stability_t))
              * (1 + migration_leverage * max(-alignment_t, 0))
              * (1 - migration_deal_effect * deal_t)               for each transit state t
    M_r     = sum_t share_rt * push_t * (1 + migration_origin * mean J(central Sahel))
    arrivals_r = base arrivals_r * M_r / M_r(start)                (persons per month)
    departures_t = the part of the routes' arrivals leaving from transit state t
Supply risk of critical raw materials (sim/data/resources.csv):
    risk = sum_i w_i * min(material_alignment_weight * max(-alignment_i, 0)
                           + material_instability_weight * (1 - stability_i), 1)
    with w_i the producer's share of EU supply lines (the `share_of_eu_*` rows of
    resources.csv, normalised to sum to 1; rows in other units are context only).

Departures: the route base is the last observed year of the roster data (2019 for a
replay, 2024 otherwise); the index says how today's conditions move it, not a forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

NAME = "leverage"
PARAMS = (
    "migration_instability",
    "migration_origin",
    "migration_leverage",
    "migration_deal_effect",
    "material_alignment_weight",
    "material_instability_weight",
)
LEVERS = ()
READS = (
    "stability",
    "alignment",
    "migration_deal",
    "jihad",
    "central_sahel",
    "route_share",
    "route_base",
    "material_weight",
)
WRITES = ("migration", "departures", "material_risk", "private")


@dataclass(slots=True)
class Private:
    """Each route's departure pressure at the start: flows are the base year's arrivals
    scaled by pressure relative to it."""

    push0: np.ndarray


def initialise(s: State, p: Params) -> None:
    """The start's route pressure (1 where a route has none)."""
    push0 = route_push(s, p)
    s.private[NAME] = Private(push0=np.where(push0 > 0, push0, 1.0))


def transit_push(s: State, p: Params) -> np.ndarray:
    """(routes, states): each transit state's part of each route's departure pressure."""
    push = (
        (1.0 + p.migration_instability * (1.0 - s.stability))
        * (1.0 + p.migration_leverage * np.maximum(-s.alignment, 0.0))
        * (1.0 - p.migration_deal_effect * s.migration_deal)
    )
    origin = 1.0 + p.migration_origin * s.jihad[s.central_sahel].mean()
    return s.route_share * push * origin


def route_push(s: State, p: Params) -> np.ndarray:
    """Unnormalised departure pressure of each route."""
    return transit_push(s, p).sum(axis=1)


def apply(s: State, p: Params, rng: np.random.Generator) -> None:
    own: Private = s.private[NAME]
    flows = transit_push(s, p) * (s.route_base / own.push0)[:, None]
    s.migration = flows.sum(axis=1)
    s.departures = flows.sum(axis=0)
    s.material_risk = float(
        s.material_weight
        @ np.minimum(
            p.material_alignment_weight * np.maximum(-s.alignment, 0.0)
            + p.material_instability_weight * (1.0 - s.stability),
            1.0,
        )
    )
