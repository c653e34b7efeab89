"""Southern Flank: an agent-based simulation of NATO's southern neighbourhood.

The stable Python API::

    from sim import Scenario, simulate
    scenario = Scenario.load("scenarios/hague_2025_baseline.yaml")
    result = simulate(scenario, seed=1)
    result.monthly, result.countries, result.events
"""

from importlib.metadata import PackageNotFoundError, version

from .library import default_scenario
from .model import SouthernFlankModel
from .params import REGISTRY
from .run import Result, simulate
from .scenario import Scenario, ScenarioError

try:
    __version__ = version("southflank")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "REGISTRY",
    "Result",
    "Scenario",
    "ScenarioError",
    "SouthernFlankModel",
    "default_scenario",
    "simulate",
    "__version__",
]
