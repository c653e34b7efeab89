"""The model's mechanisms, one module each, applied every month in a fixed order.

Every module exposes the same small interface, as SALib's samplers do, so the model,
the documentation and the tests can treat them alike:

- ``NAME``: its name (also the name of its random stream);
- ``PARAMS``: the registry parameters it reads; ``LEVERS``: the scalar policy levers
  (registry kind ``lever``) it reads; ``READS`` and ``WRITES``: the State fields it reads
  and changes. Tests run every mechanism under a tracer and fail when a mechanism
  touches what it does not declare or declares what it never touches;
- ``apply(state, params, rng)``: advance the state by one month;
- optionally ``initialise(state, params)``: the initial values it owns (and its own
  typed sub-state, ``state.private[NAME]``), called once per run in ``INIT_ORDER``.

The order is the causal order of a month: exogenous shocks first, then the
Alliance's engagement, Russia's response, the domestic consequences (grievance,
jihadism, coups), and last what Europe feels (influence, leverage, the sea, cohesion).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..params import Params
    from ..state import State

ORDER: tuple[str, ...] = (
    "events",
    "dialogue",
    "capacity_building",
    "russian_opportunism",
    "grievance_jihadism",
    "coups",
    "influence",
    "leverage",
    "naval",
    "cohesion",
)

MECHANISMS: tuple[ModuleType, ...] = tuple(
    importlib.import_module(f"{__name__}.{name}") for name in ORDER
)

INIT_ORDER: tuple[str, ...] = (
    "capacity_building",
    "dialogue",
    "russian_opportunism",
    "coups",
    "grievance_jihadism",
    "influence",
    "leverage",
    "cohesion",
)
"""The order of the initialise hooks: capacity (from the Fragile States Index) first,
then trust and ties, the regimes' stance, the violence and grievance that follow from
capacity, then influence and what depends on it (migration pressure, cohesion)."""

_BY_NAME = {m.NAME: m for m in MECHANISMS}


def initialise(state: State, params: Params) -> None:  # type: ignore[valid-type]
    """Every mechanism's initial values, in INIT_ORDER: the one initialisation path."""
    for name in INIT_ORDER:
        _BY_NAME[name].initialise(state, params)
