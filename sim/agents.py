"""The actors as Mesa agents: thin, named views onto the run's state arrays.

Behaviour lives in the mechanisms (sim/mechanisms), which act on all states at once;
an agent is how a person inspects one actor (in the visualization, a notebook or a
test): `model.actor("NER").alignment`. Keeping the numbers in arrays is what lets a
ten-year run take milliseconds; keeping the agents is what keeps the model legible.
"""

from __future__ import annotations

from enum import Enum

import mesa

from .calendar import format_month
from .roster import REGIMES


class Camp(Enum):
    WEST = "West-aligned"
    HEDGING = "hedging"
    RUSSIA = "Russia-aligned"


class StateActor(mesa.Agent):
    """A state of the roster: an ally, a partner, a junta, one side of Libya, ..."""

    def __init__(self, model: mesa.Model, index: int):
        super().__init__(model)
        self.index = index
        self.code = model.state.codes[index]
        row = model.roster.attributes[self.code]
        self.name = row["name"]
        self.kind = row["kind"]
        self.subregion = row["subregion"]
        self.capital = (row["capital_lon"], row["capital_lat"])

    def _get(self, field: str) -> float:
        return float(getattr(self.model.state, field)[self.index])

    trust = property(lambda self: self._get("trust"))
    capacity = property(lambda self: self._get("capacity"))
    grievance = property(lambda self: self._get("grievance"))
    jihadist = property(lambda self: self._get("jihad"))
    russia_ties = property(lambda self: self._get("ties"))
    russian_presence = property(lambda self: self._get("rpres"))
    western_presence = property(lambda self: self._get("wpres"))
    nato_influence = property(lambda self: self._get("nato_inf"))
    russia_influence = property(lambda self: self._get("russia_inf"))
    alignment = property(lambda self: self._get("alignment"))
    stability = property(lambda self: self._get("stability"))
    hostility = property(lambda self: self._get("hostility"))

    @property
    def regime(self) -> str:
        return REGIMES[int(self.model.state.regime[self.index])]

    @property
    def camp(self) -> Camp:
        return {1: Camp.WEST, 0: Camp.HEDGING, -1: Camp.RUSSIA}[
            int(self.model.state.camp[self.index])
        ]

    def __repr__(self) -> str:
        return f"<StateActor {self.code} {self.camp.value} alignment={self.alignment:+.2f}>"


class Alliance(mesa.Agent):
    """NATO as a policy actor: it carries out the scenario's policy (sim.scenario.Policy)."""

    @property
    def policy(self):
        return self.model.spec.policy

    @property
    def spending_musd(self) -> float:
        return float(self.model.state.spending_musd)


class Russia(mesa.Agent):
    """The Russian state: its budget goes where its decision rule says
    (sim.mechanisms.russian_opportunism); `allocation` is last month's split."""

    @property
    def allocation(self) -> dict[str, float]:
        s = self.model.state
        return {c: float(a) for c, a in zip(s.codes, s.russia_alloc, strict=True) if a > 0}


class RussianBase(mesa.Agent):
    """A Russian base or basing talk at a named site (Tartus, al-Jufra, Derna, ...)."""

    def __init__(self, model: mesa.Model, base, lonlat: tuple[float, float]):
        super().__init__(model)
        self.base = base
        self.lonlat = lonlat

    site = property(lambda self: self.base.site)
    kind = property(lambda self: self.base.kind)
    status = property(lambda self: self.base.status)

    @property
    def since(self) -> str | None:
        return format_month(self.base.since) if self.base.since is not None else None
