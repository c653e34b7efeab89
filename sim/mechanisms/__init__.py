"""The model's mechanisms, one module each, applied every month in a fixed order.

Every module exposes the same small interface, as SALib's samplers do, so the model,
the documentation and the tests can treat them alike:

- ``NAME``: its name (also the name of its random stream);
- ``PARAMS``: the registry parameters it reads; ``READS`` and ``WRITES``: the state
  variables it reads and changes (checked by the tests);
- ``apply(state, params, rng)``: advance the state by one month;
- optionally ``setup(state, params)``: constants derived once per run.

The order is the causal order of a month: exogenous shocks first, then the
Alliance's engagement, Russia's response, the domestic consequences (grievance,
jihadism, coups), and last what Europe feels (influence, leverage, the sea, cohesion).
"""

from __future__ import annotations

import importlib
from types import ModuleType

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
