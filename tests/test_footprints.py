"""The mechanisms' footprints, checked by behaviour.

Every mechanism declares what it touches: PARAMS (registry entries), LEVERS (scalar
policy levers), READS and WRITES (State fields). Here every mechanism runs, initialise
hook and monthly `apply`, under a tracer over the baseline, the historical replay (both
coup variants) and a forcing scenario whose dated events fire every kind of path (a
coup, a regime change, a base opening, an expulsion, summits with guests, DCB packages,
ruptures, arrivals and withdrawals, a policy change). The tracer records every
attribute read of the State, the levers and the parameters, and compares every State
field's value before and after each call, so writes through an alias (``t = s.trust;
t += ...``) count. A mechanism fails when it touches something it does not declare, or
declares something no path of these runs touches.

Two fields are infrastructure, not footprint: ``codes`` (actor names, for messages) and
``events`` (the log, written through ``State.log``).
"""

from __future__ import annotations

import copy
import dataclasses
from collections import defaultdict

import numpy as np
import pytest

from sim import Scenario
from sim.mechanisms import INIT_ORDER, MECHANISMS
from sim.model import SouthernFlankModel
from sim.params import LEVERS, PARAMETERS
from sim.state import State, build_state
from sim.validation.replay import endogenous_variant

from .conftest import SCENARIOS

FIELDS = State.fields()
INFRASTRUCTURE = {"codes", "events"}
BY_NAME = {m.NAME: m for m in MECHANISMS}


@dataclasses.dataclass
class Trace:
    reads: set = dataclasses.field(default_factory=set)
    writes: set = dataclasses.field(default_factory=set)
    params: set = dataclasses.field(default_factory=set)
    levers: set = dataclasses.field(default_factory=set)
    private_keys: set = dataclasses.field(default_factory=set)


class _Proxy:
    """Records attribute reads (and, for the state, assignments) of the wrapped object."""

    def __init__(self, target, trace: Trace, kind: str):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_trace", trace)
        object.__setattr__(self, "_kind", kind)

    def __getattr__(self, name):
        target, trace, kind = self._target, self._trace, self._kind
        value = getattr(target, name)
        if kind == "params":
            trace.params.add(name)
        elif kind == "levers":
            trace.levers.add(name)
        elif name == "levers":  # the levers are declared by LEVERS, not READS
            return _Proxy(value, trace, "levers")
        elif name in FIELDS and name not in INFRASTRUCTURE:
            trace.reads.add(name)
            if name == "private":
                return _PrivateProxy(value, trace)
        return value

    def __setattr__(self, name, value):
        if self._kind == "params":
            raise AttributeError(f"a mechanism assigned the parameter {name}")
        if self._kind == "state" and name in FIELDS:
            self._trace.writes.add(name)
        if self._kind == "levers":
            self._trace.levers.add(name)
        setattr(self._target, name, value)


class _PrivateProxy(dict):
    """The sub-state mapping: records which mechanisms' sub-states are touched."""

    def __init__(self, target: dict, trace: Trace):
        super().__init__()
        self._target, self._trace = target, trace

    def __getitem__(self, key):
        self._trace.private_keys.add(key)
        return self._target[key]

    def __setitem__(self, key, value):
        self._trace.private_keys.add(key)
        self._target[key] = value


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape:
            return False
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.array_equal(a, b))
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        if type(a) is not type(b):
            return False
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _snapshot(s: State) -> dict:
    return {name: copy.deepcopy(getattr(s, name)) for name in FIELDS if name != "events"}


def _traced(call, s: State, p, trace: Trace, *rest) -> None:
    before = _snapshot(s)
    call(_Proxy(s, trace, "state"), _Proxy(p, trace, "params"), *rest)
    for name, old in before.items():
        if not _same(old, getattr(s, name)):
            trace.writes.add(name)


def _forcing() -> Scenario:
    """The baseline plus dated events and policies that fire every path once."""
    base = Scenario.load(SCENARIOS / "hague_2025_baseline.yaml").model_dump(mode="json")
    base["events"] = [
        *base["events"],
        {"date": "2025-09", "kind": "coup", "country": "TCD"},
        {"date": "2025-09", "kind": "coup", "country": "SEN"},
        {"date": "2025-10", "kind": "regime_change", "country": "SYR", "regime": "hybrid"},
        {"date": "2025-10", "kind": "war_onset", "country": "SDN"},
        {"date": "2026-01", "kind": "ceasefire", "country": "SDN"},
        {"date": "2025-11", "kind": "force_arrival", "country": "GIN", "side": "russian"},
        {"date": "2025-11", "kind": "force_withdrawal", "country": "JOR", "side": "western"},
        {"date": "2025-12", "kind": "migration_deal", "country": "TUN"},
        {"date": "2025-12", "kind": "diplomatic_rupture", "country": "DZA", "other": "MLI"},
        {"date": "2026-02", "kind": "basing_agreement", "site": "port_sudan", "status": "open"},
        {"date": "2026-03", "kind": "bloc_formation"},
        {"date": "2026-02", "kind": "government_change", "country": "SYR"},
        {"date": "2026-02", "kind": "government_change", "country": "TUN", "level": 0.6},
    ]
    base["policy"]["summits"] = [
        *base["policy"]["summits"],
        {"date": "2026-10", "host": "TUR", "invite": ["MD", "ICI"]},  # one summit a month
    ]
    base["policy"]["changes"] = [
        {
            "date": "2026-01",
            "hub_mandate": 1.0,
            "md_revival": 0.5,
            "ici_revival": 0.5,
            "naval_presence": {"Central Med": 1.5},
        }
    ]
    base["russia"]["denied"] = ["CAF"]
    return Scenario.from_dict(base)


def _run(scenario: Scenario, seed: int, traces: dict[str, Trace]) -> None:
    """One traced run: initialise hooks in INIT_ORDER, then every month in ORDER."""
    fresh = SouthernFlankModel(scenario, seed=seed)  # for its parameters and streams
    s = build_state(scenario)  # the inputs; the hooks fill the rest under the tracer
    for name in INIT_ORDER:
        _traced(BY_NAME[name].initialise, s, fresh.p, traces[name])
    streams = fresh.streams
    while s.month < scenario.end:
        for m in MECHANISMS:
            _traced(m.apply, s, fresh.p, traces[m.NAME], streams[m.NAME])
        s.month += 1


@pytest.fixture(scope="module")
def traces() -> dict[str, Trace]:
    replay = Scenario.load(SCENARIOS / "historical_2019_replay.yaml")
    out: dict[str, Trace] = defaultdict(Trace)
    forcing = _forcing()
    for scenario, seeds in (
        (Scenario.load(SCENARIOS / "hague_2025_baseline.yaml"), (1,)),
        (replay, (1,)),
        (endogenous_variant(replay), (1, 2)),
        (forcing, (1, 2, 3)),
    ):
        for seed in seeds:
            _run(scenario, seed, out)
    return dict(out)


def _declared(m) -> tuple[set, set]:
    return set(m.READS), set(m.WRITES)


@pytest.mark.slow
@pytest.mark.parametrize("name", [m.NAME for m in MECHANISMS])
def test_a_mechanism_touches_exactly_what_it_declares(traces, name):
    m = BY_NAME[name]
    t = traces[name]
    reads, writes = _declared(m)
    assert not (t.writes - writes), f"{name} writes undeclared {sorted(t.writes - writes)}"
    assert not (writes - t.writes), (
        f"{name} declares writes never made: {sorted(writes - t.writes)}"
    )
    # a field read only to update it in place is covered by WRITES; any other read by READS
    read_only = t.reads - t.writes
    assert not (read_only - reads), f"{name} reads undeclared {sorted(read_only - reads)}"
    assert not (reads - t.reads), f"{name} declares reads never made: {sorted(reads - t.reads)}"
    params = set(m.PARAMS)
    assert not (t.params - params), (
        f"{name} reads undeclared parameters {sorted(t.params - params)}"
    )
    assert not (params - t.params), f"{name} declares unread parameters {sorted(params - t.params)}"
    levers = set(m.LEVERS)
    assert not (t.levers - levers), f"{name} reads undeclared levers {sorted(t.levers - levers)}"
    assert not (levers - t.levers), f"{name} declares unused levers {sorted(levers - t.levers)}"
    assert t.private_keys <= {name}, f"{name} touched other sub-states {sorted(t.private_keys)}"


def test_declarations_name_real_fields_parameters_and_levers():
    for m in MECHANISMS:
        assert set(m.READS) | set(m.WRITES) <= set(FIELDS), m.NAME
        assert set(m.PARAMS) <= set(PARAMETERS), m.NAME
        assert set(m.LEVERS) <= set(LEVERS), m.NAME
        assert len(set(m.PARAMS)) == len(m.PARAMS), m.NAME


def test_every_registry_entry_is_read_by_some_mechanism_or_the_recorder():
    read = {n for m in MECHANISMS for n in (*m.PARAMS, *m.LEVERS)}
    recorder_only = {"jihad_deaths_full"}  # also scales the recorded deaths metric
    analysis_only = {"aligned_threshold"}  # also the analysis' camp threshold
    unread = set(PARAMETERS) | set(LEVERS)
    unread -= read | recorder_only | analysis_only
    assert not unread, f"registry entries no mechanism declares: {sorted(unread)}"


def test_state_is_closed():
    """An undeclared attribute is an error: slots, no instance dictionary."""
    s = State.blank(("AAA", "BBB"))
    with pytest.raises(AttributeError):
        s.not_declared = 1  # type: ignore[attr-defined]
    for name, (kind, shape) in State.fields().items():
        assert kind in ("static", "derived", "dynamic", "output", "private"), name
        assert shape, name


def test_no_mechanism_guesses_at_state_attributes():
    import inspect

    for m in MECHANISMS:
        src = inspect.getsource(m)
        assert "getattr(s," not in src and "hasattr(s," not in src, m.NAME


def test_a_mechanism_runs_alone_on_a_hand_built_state():
    """Three actors, hand-set: a revived Mediterranean Dialogue raises its member's trust
    and leaves the non-member's to relax toward its structural anchor."""
    from sim.mechanisms import dialogue
    from sim.params import Levers, resolve

    s = State.blank(("AAA", "BBB", "NAT"), months=2)
    s.region_member[:] = [True, True, False]
    s.md[:] = [True, False, False]
    s.nato[2] = True
    s.trust[:] = [0.4, 0.4, 1.0]
    s.friction = np.zeros((3, 3))
    s.levers = Levers(**{name: 0.0 for name in LEVERS})
    s.levers.md_revival = 1.0
    p = resolve()
    s.private["dialogue"] = dialogue.Private(anchor=np.array([0.4, 0.3, 1.0]))
    dialogue.apply(s, p, np.random.default_rng(0))
    assert s.trust[0] > 0.4 > s.trust[1] > 0.3  # toward its structural anchor
    assert s.trust[2] == 1.0  # allies are not partners: untouched


def test_the_recorder_reads_the_state_and_never_writes_it(baseline):
    model = SouthernFlankModel(baseline, seed=1)
    for mechanism in MECHANISMS:
        mechanism.apply(model.state, model.p, model.streams[mechanism.NAME])
    before = _snapshot(model.state)
    model.recorder.record(model.state)
    after = _snapshot(model.state)
    assert all(_same(before[k], after[k]) for k in before)


def test_country_metrics_carry_their_reporters(baseline):
    from sim.outcomes import COUNTRY_METRICS

    model = SouthernFlankModel(baseline, seed=1)
    model.step()
    rec = model.recorder.arrays()
    for j, metric in enumerate(COUNTRY_METRICS):
        assert metric.reporter is not None, metric.name
        np.testing.assert_array_equal(rec.country[0, j], metric.reporter(model.state))
