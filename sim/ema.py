"""Southern Flank as an EMA Workbench model: its designs and PRIM scenario discovery
on this model, with nothing declared twice.

Everything the workbench needs comes from the places the model already declares it:

- uncertainties: the parameter registry (sim.params), a `RealParameter` (or an
  `IntegerParameter` for whole-number entries) over each entry's plausible range;
- levers: the scenario schema's Alliance levers (sim.scenario.Policy): the Hub's
  mandate, the special representative's leverage, the revival of the Mediterranean
  Dialogue and of the ICI, each a `RealParameter` over its schema range, and
  ``invite_partners``, a `BooleanParameter` that puts the MD and ICI partners on the
  guest list of every summit of the scenario;
- outcomes: the model-level metrics (sim.outcomes.MODEL_METRICS), a `ScalarOutcome` of
  each metric in the scenario's last month, and optionally a `TimeSeriesOutcome` of
  the headline ones (sim.outcomes.HEADLINE).

The model function only adapts keyword arguments to a `Scenario` (parameter overrides
with `Scenario.with_parameters`, levers with `Scenario.from_dict`) and calls
`sim.simulate`, the single entry point every other path uses; so the same arguments
and seed give the numbers `southflank run` gives.

Example::

    from ema_workbench import SequentialEvaluator, perform_experiments
    from sim.ema import build_model
    model = build_model("hague_2025_baseline", uncertainties=["budget_units", "ties_gain"])
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

Replicates: `build_model(..., replications=R)` returns a `ReplicatorModel` whose
replications carry the seeds of sim.batch.design.replicate_seeds (common random
numbers, as in the batch runner); outcomes then have one value per replication.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import library
from . import params as _params
from .outcomes import HEADLINE, MODEL_METRICS
from .run import simulate
from .scenario import Scenario

# the scalar levers, from the registry (kind = "lever"): name -> (scenario section, field)
LEVERS: dict[str, tuple[str, str]] = {p.name: (p.section, p.field) for p in _params.LEVERS.values()}
INVITE = "invite_partners"  # the Boolean lever: MD and ICI partners at every summit
INVITE_GROUPS = ("MD", "ICI")
TIMESERIES = tuple(HEADLINE)  # the metrics whose monthly series are optional outcomes
SEED = "seed"


class SouthernFlankFunction:
    """The model function EMA calls: keyword arguments in, named outcomes out.

    A class rather than a closure so that EMA's multiprocessing evaluator can pickle it.

    Args:
        scenario: the scenario the arguments modify.
        timeseries: also return the monthly series of the TIMESERIES metrics.
    """

    def __init__(self, scenario: Scenario, timeseries: bool = False):
        self.base = scenario.model_dump()
        self.path = scenario.source_path or "<ema scenario>"
        self.timeseries = timeseries

    def scenario(self, **kwargs) -> Scenario:
        """The validated scenario for one experiment's arguments."""
        data = {
            **self.base,
            "policy": dict(self.base["policy"]),
            "russia": dict(self.base["russia"]),
        }
        overrides = dict(data.get("parameters") or {})
        for name, value in kwargs.items():
            if name in LEVERS:
                section, field = LEVERS[name]
                data[section][field] = float(value)
            elif name == INVITE:
                if value:
                    data["policy"]["summits"] = [
                        {**s, "invite": list(dict.fromkeys([*s["invite"], *INVITE_GROUPS]))}
                        for s in data["policy"]["summits"]
                    ]
            elif name in _params.PARAMETERS:
                overrides[name] = float(value)
            elif name != SEED:
                known = [*LEVERS, INVITE, SEED, *_params.PARAMETERS]
                raise KeyError(f"unknown model argument {name!r}{_params.suggest(name, known)}")
        data["parameters"] = overrides
        return Scenario.from_dict(data, path=self.path)

    def __call__(self, **kwargs) -> dict:
        seed = kwargs.get(SEED)
        result = simulate(self.scenario(**kwargs), seed=None if seed is None else int(seed))
        last = result.monthly.iloc[-1]
        out = {m.name: float(last[m.name]) for m in MODEL_METRICS}
        if self.timeseries:
            for name in TIMESERIES:
                out[f"{name}_series"] = result.monthly[name].to_numpy()
        return out


def uncertainty_parameters(names: Iterable[str] | None = None) -> list:
    """EMA parameters over the registry's ranges (the uncertain entries by default)."""
    from ema_workbench import IntegerParameter, RealParameter

    chosen = list(names) if names is not None else list(_params.uncertain())
    out = []
    for name in chosen:
        if name not in _params.PARAMETERS:
            hint = _params.suggest(name, _params.PARAMETERS)
            raise KeyError(f"unknown parameter {name!r}{hint}")
        p = _params.PARAMETERS[name]
        if p.integer:
            out.append(IntegerParameter(name, int(p.low), int(p.high)))
        else:
            out.append(RealParameter(name, p.low, p.high))
    return out


def lever_parameters(invite: bool = True) -> list:
    """EMA parameters over the registry's scalar levers (and the invitation switch)."""
    from ema_workbench import BooleanParameter, RealParameter

    out = [RealParameter(p.name, p.low, p.high) for p in _params.LEVERS.values()]
    if invite:
        out.append(BooleanParameter(INVITE))
    return out


def outcome_definitions(timeseries: bool = False) -> list:
    """EMA outcomes: every model metric in the last month (and headline series)."""
    from ema_workbench import ScalarOutcome, TimeSeriesOutcome

    out = [ScalarOutcome(m.name) for m in MODEL_METRICS]
    if timeseries:
        out += [TimeSeriesOutcome(f"{name}_series") for name in TIMESERIES]
    return out


def build_model(
    scenario: str | Scenario = library.DEFAULT,
    *,
    uncertainties: Sequence[str] | None = None,
    invite_lever: bool = True,
    timeseries: bool = False,
    replications: int | None = None,
    seed: int | None = None,
):
    """The scenario as an EMA Workbench model.

    Args:
        scenario: a shipped scenario name, a YAML path or a `Scenario`.
        uncertainties: registry parameters to expose (default: all of them).
        invite_lever: expose the ``invite_partners`` Boolean lever.
        timeseries: add TimeSeriesOutcome's of the headline metrics.
        replications: None for a plain `Model` (one run per experiment with the
            scenario's seed, or a ``seed`` constant); R for a `ReplicatorModel` with
            the batch runner's R replicate seeds.
        seed: the batch seed the replicate seeds derive from (default: the batch's).
    """
    from ema_workbench import Model, ReplicatorModel

    sc = scenario if isinstance(scenario, Scenario) else library.load(scenario)
    function = SouthernFlankFunction(sc, timeseries=timeseries)
    name = "".join(c for c in sc.name if c.isalnum())  # EMA wants an identifier-like name
    if replications is None:
        model = Model(name, function=function)
    else:
        from .batch.design import DEFAULT_BATCH_SEED, replicate_seeds

        model = ReplicatorModel(name, function=function)
        seeds = replicate_seeds(DEFAULT_BATCH_SEED if seed is None else seed, replications)
        model.replications = [{SEED: s} for s in seeds]
    model.uncertainties = uncertainty_parameters(uncertainties)
    model.levers = lever_parameters(invite_lever)
    model.outcomes = outcome_definitions(timeseries)
    return model
