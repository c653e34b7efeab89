"""Every channel of the model: its switch removes its term, and its sign is as built.

A channel is one named term of a mechanism multiplied by a registry switch (kind
``switch``). For each, a state is set up where the channel has something to act on,
the mechanism is applied once with the switch on and once off, and the same with the
channel's trigger absent: switched off, the trigger makes no difference; switched on,
it moves the state in the direction the mechanism's docstring states. The signs are
those of the model as built, not facts about the world.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim import SouthernFlankModel, simulate
from sim.mechanisms import (
    capacity_building,
    cohesion,
    dialogue,
    events,
    naval,
    russian_opportunism,
)
from sim.params import LEVERS, SWITCHES, Levers, resolve
from sim.state import Base, State

from .conftest import variant


def _off(name: str, **more) -> object:
    return resolve({name: 0.0, **more})


def _on(**more) -> object:
    return resolve(more)


def _partners(n: int = 3) -> State:
    """n partners of the region (MD members) and no allies: the dialogue's world."""
    codes = tuple(f"P{k}" for k in range(n))
    s = State.blank(codes, months=2)
    s.region_member[:] = True
    s.md[:] = True
    s.trust[:] = 0.4
    s.levers = Levers(**{name: 0.0 for name in LEVERS})
    # structural trust below the current 0.4: without contact, trust decays toward it
    s.private["dialogue"] = dialogue.Private(anchor=np.full(n, 0.15))
    return s


def _dialogue(s: State, p, summit: tuple | None = None) -> np.ndarray:
    s = copy.deepcopy(s)
    if summit is not None:
        s.summits = {s.month: summit}
    dialogue.apply(s, p, np.random.default_rng(0))
    return s.trust


def test_every_switch_is_a_channel_of_a_mechanism_that_reads_it():
    from sim.mechanisms import MECHANISMS
    from sim.params import PARAMETERS

    by_name = {m.NAME: m for m in MECHANISMS}
    assert len(SWITCHES) >= 20
    for name in SWITCHES:
        entry = PARAMETERS[name]
        assert name in by_name[entry.mechanism].PARAMS, name
        assert (entry.default, entry.low, entry.high, entry.uncertain) == (1.0, 0.0, 1.0, False)


# -- dialogue -----------------------------------------------------------------------------


def test_invitations_raise_trust_only_with_their_channel_on():
    s = _partners()
    invited = np.array([True, False, False])
    for over, sign in (({}, 1), ({"invite_trust_switch": 0.0}, 0)):
        p = resolve({"trust_decay_switch": 0.0, **over})
        gain = _dialogue(s, p, (None, invited)) - _dialogue(s, p)
        assert np.sign(round(float(gain[0]), 12)) == sign
        assert gain[1] == gain[2] == 0.0


def test_inviting_rivals_together_costs_trust_in_proportion_to_their_friction():
    s = _partners()
    s.friction[0, 1] = s.friction[1, 0] = 0.75  # e.g. Algeria and Morocco
    both = np.array([True, True, False])
    iso = {"invite_trust_switch": 0.0, "trust_decay_switch": 0.0}
    on = _dialogue(s, resolve(iso), (None, both)) - _dialogue(s, resolve(iso))
    off = _dialogue(s, resolve({**iso, "invite_cost_switch": 0.0}), (None, both)) - _dialogue(
        s, resolve(iso)
    )
    assert on[0] < 0 and on[1] < 0 and on[2] == 0.0
    assert np.all(off == 0.0)
    # with the host: a partner at odds with the host pays too
    s.friction[2, :] = 0.0
    host = 2
    s.friction[host, 0] = s.friction[0, host] = 0.5
    alone = np.array([True, False, False])
    cost = _dialogue(s, resolve(iso), (host, alone)) - _dialogue(s, resolve(iso))
    assert cost[0] < 0
    p = resolve(iso)
    assert cost[0] == pytest.approx(-p.invite_friction_cost * 0.5 * 0.4)


def test_ties_to_russia_shrink_what_a_partner_takes_from_an_invitation():
    s = _partners(2)
    s.ties[:] = [0.9, 0.0]
    invited = np.array([True, True])
    iso = {"trust_decay_switch": 0.0, "invite_cost_switch": 0.0}
    on = _dialogue(s, resolve(iso), (None, invited)) - _dialogue(s, resolve(iso))
    off_p = resolve({**iso, "ties_caution_switch": 0.0})
    off = _dialogue(s, off_p, (None, invited)) - _dialogue(s, off_p)
    assert 0 < on[0] < on[1]
    assert off[0] == pytest.approx(off[1])


def test_a_revived_framework_raises_trust_only_with_its_channel_on():
    s = _partners(1)
    revived = copy.deepcopy(s)
    revived.levers.md_revival = 0.5
    for over, sign in (({}, 1), ({"framework_trust_switch": 0.0}, 0)):
        p = resolve({"trust_decay_switch": 0.0, **over})
        gain = _dialogue(revived, p) - _dialogue(s, p)
        assert np.sign(round(float(gain[0]), 12)) == sign


def test_trust_decays_without_contact_only_with_the_decay_channel_on():
    s = _partners(1)
    assert _dialogue(s, _on())[0] < 0.4
    assert _dialogue(s, _off("trust_decay_switch"))[0] == 0.4


def test_dcb_holds_trust_against_decay_in_proportion_to_its_intensity():
    s = _partners(1)
    p = resolve({"invite_trust_switch": 1.0})
    no = _dialogue(s, p)[0]

    def held(intensity: float, params) -> float:
        t = copy.deepcopy(s)
        t.dcb_intensity[:] = intensity
        return _dialogue(t, params)[0] - _dialogue(s, params)[0]

    full, tiny = held(1.0, p), held(0.01, p)
    assert full > 0 and full == pytest.approx(0.4 - no)
    assert 0 < tiny < 0.05 * full
    assert held(1.0, _off("dcb_contact_switch")) == 0.0


# -- capacity building --------------------------------------------------------------------


def _dcb_state(lead_friction: float = 0.0) -> State:
    s = State.blank(("P0",), months=2)
    s.region_member[:] = True
    s.trust[:] = 0.4
    s.capacity[:] = s.capacity_struct[:] = 0.5
    s.dcb_plan = np.ones((2, 1))
    s.dcb_friction = np.full((2, 1), lead_friction)
    s.levers = Levers(**{name: 0.0 for name in LEVERS})
    s.junta_since = np.full(1, -(10**6), dtype=np.int64)
    s.private["capacity_building"] = capacity_building.Private(suspended=np.zeros(1, bool))
    return s


def _cb(s: State, p) -> State:
    s = copy.deepcopy(s)
    capacity_building.apply(s, p, np.random.default_rng(0))
    return s


def test_dcb_raises_capacity_and_trust_only_with_their_channels_on():
    s = _dcb_state()
    on = _cb(s, _on())
    assert on.capacity_struct[0] > 0.5 and on.trust[0] > 0.4
    assert _cb(s, _off("dcb_capacity_switch")).capacity_struct[0] == 0.5
    assert _cb(s, _off("dcb_trust_switch")).trust[0] == 0.4


def test_the_lead_allys_friction_lowers_what_dcb_delivers_only_with_its_channel_on():
    free, rival = _dcb_state(0.0), _dcb_state(0.75)
    assert _cb(rival, _on()).capacity_struct[0] < _cb(free, _on()).capacity_struct[0]
    off = _off("dcb_lead_friction_switch")
    assert _cb(rival, off).capacity_struct[0] == _cb(free, off).capacity_struct[0]


def test_a_one_percent_dcb_package_gives_under_five_percent_of_a_full_one(baseline):
    """Continuity in intensity, through the whole model (capacity, trust, influence)."""
    from .conftest import shortened

    base = shortened(baseline, 36)
    dcb = base.model_dump()["policy"]["dcb"]

    def with_algeria(intensity: float):
        pkg = {"partner": "DZA", "start": "2025-07", "months": 36, "intensity": intensity}
        sc = variant(base, policy={"dcb": [*dcb, pkg]})
        return simulate(sc, seed=1).countries

    def nato_inf(c) -> float:
        return float(c[(c.iso3 == "DZA") & (c.date == "2028-06")].nato_influence.item())

    none = nato_inf(simulate(base, seed=1).countries)
    full = nato_inf(with_algeria(1.0)) - none
    tiny = nato_inf(with_algeria(0.01)) - none
    assert full > 0.02
    assert 0 <= tiny < 0.05 * full


# -- Russia -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def start(baseline) -> SouthernFlankModel:
    """The baseline model at its start (initialised, nothing applied)."""
    return SouthernFlankModel(baseline, seed=1)


def _state(model: SouthernFlankModel) -> State:
    return copy.deepcopy(model.state)


def test_russian_influence_spending_buys_ties_and_erodes_trust_only_with_its_channel_on(start):
    """Spending above the start's (which sustains the observed ties) buys ties and
    erodes trust where it goes; with the channel off, nothing moves."""
    s = _state(start)
    s.levers.russia_budget = 2.0
    for p, moves in (
        (_on(presence_ties_switch=0.0), True),
        (resolve({"presence_ties_switch": 0.0, "russia_influence_ops_switch": 0.0}), False),
    ):
        t = copy.deepcopy(s)
        russian_opportunism.apply(t, p, np.random.default_rng(0))
        spent = t.russia_alloc > 0
        gained = (t.ties > s.ties)[spent]
        lost = (t.trust < s.trust)[spent & (s.trust > 0)]
        assert gained.any() == moves and lost.any() == moves


def test_russian_presence_pulls_ties_only_with_its_channel_on(start):
    """Presence above the start's pulls ties up; with the channel off, it does not."""
    s = _state(start)
    i = s.index("MLI")
    s.rpres[i] = 1.0  # a reinforcement beyond the start's 0.5
    base = resolve({"russia_influence_ops_switch": 0.0})
    for p, moves in (
        (base, True),
        (resolve({"russia_influence_ops_switch": 0.0, "presence_ties_switch": 0.0}), False),
    ):
        t = copy.deepcopy(s)
        russian_opportunism.apply(t, p, np.random.default_rng(0))
        assert (t.ties[i] > s.ties[i]) == moves


def test_russia_spends_more_on_a_partner_nato_courts_only_with_its_channel_on(start):
    s = _state(start)
    i = s.index("DZA")
    courted = copy.deepcopy(s)
    courted.invited_recent[i] = 1.0
    for p, sign in ((_on(), 1), (_off("russia_courting_switch"), 0)):
        share = [russian_opportunism.allocation(x, p)[i] / p.budget_units for x in (s, courted)]
        assert np.sign(round(share[1] - share[0], 12)) == sign
    # bounded: at most double the score
    p = resolve({"russia_courting_response": 1.0})
    assert russian_opportunism.courting(courted, p)[i] == pytest.approx(2.0)


def _derna(s: State) -> Base:
    return next(b for b in s.bases if b.site == "derna")


def test_basing_deals_need_their_channel_and_allied_ships_deter_them(start):
    s = _state(start)
    b = _derna(s)
    assert russian_opportunism.deal_probability(s, _on(), b) > 0
    assert russian_opportunism.deal_probability(s, _off("basing_deals_switch"), b) == 0.0
    more = copy.deepcopy(s)
    more.nato_naval[s.zones.index(b.zone)] = 2.0
    p = _on()
    assert russian_opportunism.deal_probability(more, p, b) < russian_opportunism.deal_probability(
        s, p, b
    )
    off = _off("naval_deterrence_switch")
    assert russian_opportunism.deal_probability(
        more, off, b
    ) == russian_opportunism.deal_probability(s, off, b)


def test_a_libyan_naval_base_extends_russias_reach_in_the_sahel_only_with_its_channel_on(start):
    s = _state(start)
    sahel = s.subregion == "Sahel"
    assert np.all(russian_opportunism.sahel_reach(s, _on()) == 1.0)  # Derna in talks
    _derna(s).status = "open"
    reach = russian_opportunism.sahel_reach(s, _on())
    assert np.all(reach[sahel] > 1.0) and np.all(reach[~sahel] == 1.0)
    assert np.all(russian_opportunism.sahel_reach(s, _off("libya_base_reach_switch")) == 1.0)


def test_black_wagners_surge_into_a_partner_in_crisis_and_leave_after_it(start):
    """A crisis that begins after the start draws a surge; one standing at the start
    (the first month's state) does not."""
    s = _state(start)
    i = s.index("TCD")
    s.ties[i] = 0.8
    standing = copy.deepcopy(s)
    standing.conflict[i] = 1.0
    russian_opportunism.black_wagners(standing, _on())  # first month: a standing crisis
    assert standing.surge[i] == 0.0
    russian_opportunism.black_wagners(s, _on())  # first month: calm
    s.conflict[i] = 1.0  # then the crisis begins
    before = s.rpres[i]
    on = copy.deepcopy(s)
    russian_opportunism.black_wagners(on, _on())
    assert on.rpres[i] > before and on.surge[i] > 0
    assert on.surge.sum() <= _on().black_wagner_capacity + 1e-12
    on.conflict[i] = 0.0
    on.jihad[i] = 0.0
    russian_opportunism.black_wagners(on, _on())
    assert on.rpres[i] == pytest.approx(before) and on.surge[i] == 0.0
    off = copy.deepcopy(s)
    russian_opportunism.black_wagners(off, _off("black_wagners_switch"))
    assert off.rpres[i] == before


def test_the_africa_corps_restructuring_brings_defence_funding_only_with_its_channel_on(start):
    s = _state(start)
    i = s.index("CAF")
    s.state_run[:] = False
    ev = type("Ev", (), {"country": "CAF", "kind": "force_restructuring", "level": None})()
    events._restructure(s, _on(), ev, i, 0.0)
    assert s.state_run[i]
    assert s.rpres[i] > 0
    assert russian_opportunism.state_run_funding(s, _on())[i] > 0
    assert np.all(russian_opportunism.state_run_funding(s, _off("africa_corps_switch")) == 0.0)


# -- the sea and cohesion -----------------------------------------------------------------


def test_an_open_naval_base_adds_russian_ships_only_with_its_channel_on(start):
    s = _state(start)
    _derna(s).status = "open"
    z = s.zones.index("Central Med")
    for p, more in ((_on(), True), (_off("base_naval_switch"), False)):
        t = copy.deepcopy(s)
        naval.apply(t, p, np.random.default_rng(0))
        assert (t.russia_naval[z] > p.russia_naval_base) == more


def _cohesion_target(s: State, p) -> np.ndarray:
    """The allies' satisfaction after one month from equal starting points."""
    t = copy.deepcopy(s)
    t.satisfaction[t.private["cohesion"].allies] = 0.5
    cohesion.apply(t, p, np.random.default_rng(0))
    return t.satisfaction[t.private["cohesion"].allies]


@pytest.mark.parametrize(
    ("switch", "change", "sign"),
    [
        ("signal_switch", "hub", +1),
        ("partner_alignment_switch", "alignment", +1),
        ("naval_reassurance_switch", "ships", +1),
        ("threat_influence_switch", "russian_influence", -1),
        ("threat_migration_switch", "migration", -1),
        ("threat_sea_switch", "incidents", -1),
        ("base_threat_switch", "base", -1),
        ("missile_threat_switch", "base", -1),
    ],
)
def test_each_cohesion_channel_moves_satisfaction_only_when_on(start, switch, change, sign):
    s = _state(start)
    t = copy.deepcopy(s)
    allies = s.private["cohesion"].allies
    if change == "hub":
        t.levers.hub_mandate = 1.0
    elif change == "alignment":
        t.alignment[s.md | s.ici] += 0.3
    elif change == "ships":
        t.nato_naval[s.zones.index("Central Med")] += 0.5
    elif change == "russian_influence":
        t.russia_inf[s.region_member] += 0.2
    elif change == "migration":
        t.migration = s.route_base * 3.0
    elif change == "incidents":
        t.private["cohesion"].incident_memory[s.zones.index("Central Med")] = 1.0
    elif change == "base":
        _derna(t).status = "open"
    if change != "migration":
        s.migration = s.route_base.copy()
        t.migration = s.route_base.copy()
    others = {k: 0.0 for k in SWITCHES if k != switch and k in cohesion.PARAMS}
    p_on, p_off = resolve(others), resolve({**others, switch: 0.0})
    on = _cohesion_target(t, p_on) - _cohesion_target(s, p_on)
    off = _cohesion_target(t, p_off) - _cohesion_target(s, p_off)
    assert np.all(np.abs(off) < 1e-12), switch
    moved = on[np.abs(on) > 1e-12]
    assert moved.size > 0 and np.all(np.sign(moved) == sign), switch
    assert len(allies) == on.size


def test_without_the_signal_an_empowered_hub_with_no_effect_leaves_cohesion_alone(baseline):
    """The Hub's and the representative's levers count for cohesion only through the
    signal channel or what they achieve (DCB effectiveness)."""
    from sim import library

    quiet = {"signal_switch": 0.0, "hub_effect": 0.0, "sr_effect": 0.0}
    diffs = []
    for seed in (1, 2):
        a = simulate(variant(baseline, parameters=quiet), seed=seed).monthly.cohesion
        hub = library.load("hub_empowered")
        b = simulate(variant(hub, parameters=quiet), seed=seed).monthly.cohesion
        diffs.append(float(np.abs(b.to_numpy() - a.to_numpy()).max()))
    assert max(diffs) < 0.01
    # and with the signal on it moves
    on = simulate(library.load("hub_empowered"), seed=1).monthly.cohesion.iloc[-1]
    off = simulate(baseline, seed=1).monthly.cohesion.iloc[-1]
    assert on - off > 0.05
