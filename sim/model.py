"""The Southern Flank model: NATO, its southern partners, Russia and the Sahel juntas,
month by month, on a grid of the wider Mediterranean and the Sahel.

`SouthernFlankModel.step()` only orchestrates: it applies the mechanisms of
sim/mechanisms in their documented order (sim.mechanisms.ORDER), each with its own
random stream spawned from the run's seed, then records the month's metrics.
"""

from __future__ import annotations

from functools import cache, cached_property

import mesa
import numpy as np

from . import params as _params
from .agents import Alliance, Russia, RussianBase, StateActor
from .geography import load_region
from .mechanisms import MECHANISMS, initialise
from .outcomes import Recorder
from .roster import load_roster, load_table
from .scenario import Scenario
from .state import build_state, stream

LAYERS = (
    "nato_influence",
    "russia_influence",
    "alignment",
    "stability",
    "jihadist",
    "naval_presence",
)
_LAYER_FIELD = {
    "nato_influence": "nato_inf",
    "russia_influence": "russia_inf",
    "alignment": "alignment",
    "stability": "stability",
    "jihadist": "jihad",
}


@cache
def _cell_index(codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(W, H) actor index of every land cell (-1 elsewhere) and zone index of sea cells."""
    from .scenario import SEA_ZONES

    region = load_region()
    lookup = {c: i for i, c in enumerate(codes)}
    actor = np.vectorize(lambda c: lookup.get(c, -1), otypes=[int])(region.labels)
    zone = np.vectorize(lambda z: SEA_ZONES.index(z) if z in SEA_ZONES else -1, otypes=[int])(
        region.sea_zone
    )
    return actor, zone


class SouthernFlankModel(mesa.Model):
    """One run of a scenario.

    Args:
        scenario: a validated `Scenario` (default: the embedded baseline).
        seed: the run's seed; defaults to the scenario's. All randomness flows from it.
    """

    def __init__(self, scenario: Scenario | None = None, seed: int | None = None):
        if scenario is None:
            from .library import default_scenario

            scenario = default_scenario()
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        # `self.scenario` is Mesa's own experimental Scenario; ours is `spec`.
        self.spec = scenario
        self.seed = seed
        self.roster = load_roster()
        self.p = _params.resolve(scenario.parameters)
        self.state = build_state(scenario)
        initialise(self.state, self.p)
        self.streams = {m.NAME: stream(seed, m.NAME) for m in MECHANISMS}
        self.actors = {c: StateActor(self, i) for i, c in enumerate(self.state.codes)}
        self.alliance = Alliance(self)
        self.russia = Russia(self)
        bases = load_table("bases.csv").set_index("site")
        self.base_agents = [
            RussianBase(self, b, (bases.loc[b.site, "lon"], bases.loc[b.site, "lat"]))
            for b in self.state.bases
        ]
        self.recorder = Recorder(self.state, scenario.months, self.p)
        self.running = True

    # -- Mesa ------------------------------------------------------------------------
    def step(self) -> None:
        """One month: every mechanism in order, then the month's record."""
        s = self.state
        if s.month >= self.spec.end:
            self.running = False
            return
        for mechanism in MECHANISMS:
            mechanism.apply(s, self.p, self.streams[mechanism.NAME])
        self.recorder.record(s)
        s.month += 1
        self.running = s.month < self.spec.end

    @property
    def events(self) -> list[dict]:
        """The run's event log so far (dicts with date, kind, iso3, mechanism, cause)."""
        return self.state.events

    @property
    def datacollector(self) -> Recorder:
        """Mesa's chart components read `model.datacollector`; the recorder answers them."""
        return self.recorder

    # -- inspection --------------------------------------------------------------------
    @property
    def date(self) -> str:
        """The month the next step will simulate (YYYY-MM)."""
        return self.state.date

    def actor(self, code: str) -> StateActor:
        return self.actors[code]

    def layer(self, name: str) -> np.ndarray:
        """A (W, H) field on the grid (Mesa's [x, y] indexing): land cells carry their
        state's value, sea cells the naval presence, other cells NaN."""
        actor, zone = _cell_index(self.state.codes)
        if name == "naval_presence":
            s = self.state
            both = s.nato_naval + s.russia_naval
            return np.where(zone >= 0, both[np.maximum(zone, 0)], np.nan)
        if name not in _LAYER_FIELD:
            raise ValueError(f"unknown layer {name!r}; allowed: {', '.join(LAYERS)}")
        values = getattr(self.state, _LAYER_FIELD[name])
        return np.where(actor >= 0, values[np.maximum(actor, 0)], np.nan)

    @cached_property
    def grid(self):
        """A Mesa `OrthogonalMooreGrid` over the region with the fields as property
        layers, built on first use (the visualization); batch runs never pay for it."""
        from mesa.discrete_space import OrthogonalMooreGrid, PropertyLayer

        region = load_region()
        grid = OrthogonalMooreGrid((region.width, region.height), torus=False, random=self.random)
        for name in LAYERS:
            layer = PropertyLayer(name, (region.width, region.height), np.nan, float)
            grid.add_property_layer(layer)
        self.refresh_layers(grid)
        return grid

    def refresh_layers(self, grid=None) -> None:
        """Copy the current fields into the grid's property layers."""
        grid = grid or self.grid
        for name in LAYERS:
            getattr(grid, name).data[:] = self.layer(name)
