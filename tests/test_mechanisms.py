"""Each mechanism moves the model the way its docstring says, against a counterfactual
with the same seed.

Two kinds of test: short runs of two scenarios that differ in one lever (paired by
seed, so they face the same shocks), and hand-built states where one input of one
mechanism is perturbed and that mechanism is applied once. The names say what a user
relies on; each assertion can fail if the mechanism's direction is broken.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from sim import Scenario, SouthernFlankModel, simulate
from sim.mechanisms import (
    MECHANISMS,
    capacity_building,
    cohesion,
    coups,
    grievance_jihadism,
    influence,
    leverage,
    russian_opportunism,
)

from .conftest import shortened, variant

MD = ("DZA", "EGY", "ISR", "JOR", "MRT", "MAR", "TUN")


# -- helpers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def short(baseline) -> Scenario:
    """The baseline cut to 36 months."""
    return shortened(baseline, 36)


def with_events(base: Scenario, *events: dict, **changes) -> Scenario:
    """`base` with extra dated events (and other top-level changes)."""
    return variant(base, events=[*base.model_dump()["events"], *events], **changes)


def with_dcb(base: Scenario, *packages: dict, **policy) -> Scenario:
    """`base` with extra DCB packages (and other policy changes)."""
    dcb = [*base.model_dump()["policy"]["dcb"], *packages]
    return variant(base, policy={"dcb": dcb, **policy})


def country(res, iso3: str, metric: str, date: str | None = None):
    """One country's metric: a value at `date`, or the monthly series."""
    c = res.countries[res.countries.iso3 == iso3].set_index("date")[metric]
    return c if date is None else float(c.loc[date])


def started(scenario: Scenario, months: int = 0, seed: int = 1) -> SouthernFlankModel:
    """A model run for `months` steps: the hand-built tests perturb its state."""
    model = SouthernFlankModel(scenario, seed=seed)
    for _ in range(months):
        model.step()
    return model


class RateRecorder:
    """Stands in for the naval stream: records the Poisson rate the mechanism asks for
    (the expected incidents per zone), then draws as the real stream would."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.rates: list[np.ndarray] = []

    def poisson(self, lam):
        self.rates.append(np.array(lam, dtype=float))
        return self.rng.poisson(lam)

    def __getattr__(self, name):
        return getattr(self.rng, name)


def expected_incidents(scenario: Scenario, seed: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """(months, zones) expected NATO-Russia incidents per month: the rate, not a count."""
    model = SouthernFlankModel(scenario, seed=seed)
    rec = RateRecorder(model.streams["naval"])
    model.streams["naval"] = rec
    for _ in range(scenario.months):
        model.step()
    return np.array(rec.rates), model.state.zones


class DrawRecorder:
    """Stands in for a mechanism's stream and records every uniform it hands out."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.draws: list[np.ndarray] = []

    def random(self, *args, **kwargs):
        out = self.rng.random(*args, **kwargs)
        self.draws.append(np.array(out, copy=True))
        return out

    def __getattr__(self, name):
        return getattr(self.rng, name)


# -- 1. political dialogue ---------------------------------------------------------------


def test_inviting_the_mediterranean_dialogue_raises_their_trust(short):
    summits = short.model_dump()["policy"]["summits"]
    invited = copy.deepcopy(summits)
    invited[0]["invite"] = [*invited[0]["invite"], "MD"]  # the 2026-07 summit
    a = simulate(short, seed=2)
    b = simulate(variant(short, policy={"summits": invited}), seed=2)
    for iso3 in MD:
        before = country(b, iso3, "trust", "2026-06") - country(a, iso3, "trust", "2026-06")
        assert before == pytest.approx(0.0, abs=1e-12), iso3  # nothing changes before the summit
        for date in ("2026-07", "2027-06"):
            assert country(b, iso3, "trust", date) > country(a, iso3, "trust", date) + 0.02, (
                iso3,
                date,
            )


def test_a_host_in_friction_with_a_partner_gets_less_from_inviting_it(short):
    """Egypt-Türkiye friction (0.25 since 2023) costs Egypt trust at a Turkish summit:
    the invitation's political cost, invite_friction_cost * friction * trust."""
    summits = short.model_dump()["policy"]["summits"]
    runs = {}
    for host in ("TUR", "ITA"):
        s = copy.deepcopy(summits)
        s[0].update(host=host, invite=["MD"])
        runs[host] = simulate(variant(short, policy={"summits": s}), seed=2)
    egy = {h: country(r, "EGY", "trust", "2026-07") for h, r in runs.items()}
    dza = {h: country(r, "DZA", "trust", "2026-07") for h, r in runs.items()}
    assert egy["TUR"] < egy["ITA"] - 0.002
    # Algeria has no friction with either host: only Russia's reaction to Egypt's trust
    # (same month) reaches it, and that is small
    assert abs(dza["TUR"] - dza["ITA"]) < 0.01 * (egy["ITA"] - egy["TUR"])


def test_trust_rests_at_its_anchor_and_rises_with_a_revived_framework(short):
    """Without contact, and with Russia's effort at the level that sustains the start,
    Algeria's trust stays at its evidence-based anchor (the start is at rest); a revived
    MD raises it every month; after a rise, trust relaxes back toward the anchor, never
    below it; with Russia's information operations cut, trust rises above it."""
    quiet = variant(short, stochastic=False)
    alone = simulate(quiet, seed=1)
    revived = simulate(variant(quiet, policy={"md_revival": 0.5}), seed=1)
    trust = country(alone, "DZA", "trust").to_numpy()  # Algeria: no DCB, never invited
    np.testing.assert_allclose(trust, trust[0], atol=5e-4)  # reallocation only
    kept = country(revived, "DZA", "trust").to_numpy()
    assert (np.diff(kept) > 0).all() and kept[-1] > trust[-1] + 0.1
    stop = {"date": "2026-07", "md_revival": 0.0}
    fade = simulate(variant(quiet, policy={"md_revival": 0.5, "changes": [stop]}), seed=1)
    after = country(fade, "DZA", "trust").to_numpy()[13:]
    assert (np.diff(after) < 0).all() and after[-1] > trust[0]
    cut = simulate(variant(quiet, russia={"budget": 0.0}), seed=1)
    assert country(cut, "DZA", "trust").to_numpy()[-1] > trust[0] + 0.001


# -- 2. capacity building ----------------------------------------------------------------

DZA_DCB = {"partner": "DZA", "start": "2025-07", "months": 60, "intensity": 1.0, "lead": "ITA"}


@pytest.fixture(scope="module")
def dcb_runs(baseline):
    """Five years with and without a DCB package for Algeria (Italian or French lead)."""
    base = shortened(baseline, 60)
    return {
        "none": simulate(base, seed=4),
        "ITA": simulate(with_dcb(base, DZA_DCB), seed=4),
        "FRA": simulate(with_dcb(base, {**DZA_DCB, "lead": "FRA"}), seed=4),
    }


def test_dcb_for_algeria_raises_its_capacity_and_nato_influence(dcb_runs):
    a, b = dcb_runs["none"], dcb_runs["ITA"]
    assert (
        country(b, "DZA", "capacity", "2030-06") > country(a, "DZA", "capacity", "2030-06") + 0.01
    )
    assert (
        country(b, "DZA", "nato_influence", "2030-06")
        > country(a, "DZA", "nato_influence", "2030-06") + 0.05
    )
    # with a lag: the first month's capacity gain is a small fraction of the fifth year's
    gain = (country(b, "DZA", "capacity") - country(a, "DZA", "capacity")).to_numpy()
    assert 0 <= gain[0] < gain[-1] / 20


def test_a_frictional_ally_leading_the_engagement_lowers_its_effect(dcb_runs):
    """France-Algeria friction (0.75 since 2024-07): a French-led package delivers less."""
    none = dcb_runs["none"]
    for metric in ("capacity", "trust", "nato_influence"):
        gain = {
            lead: country(dcb_runs[lead], "DZA", metric, "2030-06")
            - country(none, "DZA", metric, "2030-06")
            for lead in ("ITA", "FRA")
        }
        assert 0 < gain["FRA"] < 0.8 * gain["ITA"], metric


def test_the_hub_and_the_representative_make_dcb_deliver_more(baseline):
    base = shortened(baseline, 48)
    sidelined = simulate(base, seed=1)
    empowered = simulate(
        variant(base, policy={"hub_mandate": 1.0, "special_representative": 1.0}), seed=1
    )
    for iso3 in ("JOR", "TUN", "MRT"):  # the baseline's packages
        gain = country(empowered, iso3, "capacity", "2029-06") - country(
            sidelined, iso3, "capacity", "2029-06"
        )
        assert gain > 0.005, iso3
    # without a package the Hub builds no capacity
    gain = country(empowered, "DZA", "capacity", "2029-06") - country(
        sidelined, "DZA", "capacity", "2029-06"
    )
    assert gain == pytest.approx(0.0, abs=1e-12)
    m = started(base)
    lo = capacity_building.effectiveness(m.state, m.p, np.zeros(m.state.n))
    assert lo.min() > 0


# -- 3. Russian opportunism --------------------------------------------------------------


def test_russia_spends_more_where_states_are_fragile(baseline):
    m = started(baseline, 6)
    s, p = m.state, m.p
    i = s.index("DZA")
    before = russian_opportunism.allocation(s, p)
    s.capacity[i] -= 0.2
    after = russian_opportunism.allocation(s, p)
    assert after[i] > before[i] * 1.2
    assert after.sum() == pytest.approx(before.sum())  # a fixed budget: others get less
    others = np.arange(s.n) != i
    assert (after[others] <= before[others] + 1e-15).all()


def test_russia_spends_less_where_nato_is_present_and_nothing_on_allies(baseline):
    m = started(baseline, 6)
    s, p = m.state, m.p
    i = s.index("TCD")
    before = russian_opportunism.allocation(s, p)
    s.wpres[i] = 1.0
    after = russian_opportunism.allocation(s, p)
    assert after[i] < before[i] / 2
    assert (after[~s.region_member] == 0).all()


def test_a_bigger_russian_budget_buys_more_ties(short):
    a = simulate(short, seed=3)
    b = simulate(variant(short, russia={"budget": 2.0}), seed=3)
    ties = lambda r: r.countries[r.countries.date == "2028-06"].set_index("iso3").russia_ties  # noqa: E731
    assert (ties(b) >= ties(a) - 1e-12).all() and (ties(b) - ties(a)).max() > 0.02


# -- 4. grievance and jihadism -----------------------------------------------------------


@pytest.fixture
def sahel_state(baseline):
    """The baseline's state after a year, and its parameters."""
    m = started(baseline, 12)
    return m.state, m.p


def _apply_gj(s, p):
    s = copy.deepcopy(s)
    grievance_jihadism.apply(s, p, None)
    return s


def test_external_control_raises_grievance(sahel_state):
    s, p = sahel_state
    i = s.index("TCD")
    assert s.rpres[i] == 0
    occupied = copy.deepcopy(s)
    occupied.rpres[i] = 0.75
    assert _apply_gj(occupied, p).grievance[i] > _apply_gj(s, p).grievance[i] + 0.005


def test_jihadist_activity_rises_with_grievance(sahel_state):
    s, p = sahel_state
    i = s.index("TCD")
    calm, angry = copy.deepcopy(s), copy.deepcopy(s)
    calm.grievance[i], angry.grievance[i] = 0.2, 0.95
    assert _apply_gj(angry, p).jihad[i] > _apply_gj(calm, p).jihad[i] + 0.005


def test_western_cover_holds_jihadist_activity_down(sahel_state):
    s, p = sahel_state
    i = s.index("TCD")
    bare, covered = copy.deepcopy(s), copy.deepcopy(s)
    bare.wpres[i], covered.wpres[i] = 0.0, 1.0
    assert _apply_gj(covered, p).jihad[i] < _apply_gj(bare, p).jihad[i] - 0.005


def test_jihadist_violence_spills_into_neighbouring_states(sahel_state):
    s, p = sahel_state
    src, dst = s.index("NER"), s.index("TCD")
    assert s.neighbours[dst, src] == 1
    burning = copy.deepcopy(s)
    burning.jihad[src] = 1.0
    assert _apply_gj(burning, p).jihad[dst] > _apply_gj(s, p).jihad[dst] + 0.001
    far = s.index("MAR")  # not a neighbour of Niger
    assert _apply_gj(burning, p).jihad[far] == pytest.approx(_apply_gj(s, p).jihad[far])


def test_spill_needs_a_foothold_in_the_receiving_state(sahel_state):
    """Groups spread where they already operate: Guinea (no jihadist deaths in the GTI)
    gets nothing from a burning Mali, unless the foothold condition is switched off; a
    state with some activity of its own gets spill either way."""
    s, p = sahel_state
    src, dst = s.index("MLI"), s.index("GIN")
    assert s.neighbours[dst, src] == 1 and p.jihad_spill_foothold > 0
    burning = copy.deepcopy(s)
    burning.jihad[src] = 1.0
    burning.jihad[dst] = 0.0
    calm = copy.deepcopy(burning)
    calm.jihad[src] = s.jihad[src]
    assert _apply_gj(burning, p).jihad[dst] == pytest.approx(_apply_gj(calm, p).jihad[dst])
    anywhere = dataclasses.replace(p, jihad_spill_foothold=0.0)
    assert _apply_gj(burning, anywhere).jihad[dst] > _apply_gj(calm, anywhere).jihad[dst] + 0.001
    rooted = copy.deepcopy(burning)
    rooted.jihad[dst] = p.jihad_spill_foothold
    rooted_calm = copy.deepcopy(calm)
    rooted_calm.jihad[dst] = p.jihad_spill_foothold
    assert _apply_gj(rooted, p).jihad[dst] > _apply_gj(rooted_calm, p).jihad[dst] + 0.001


# -- 5. coups and realignment ------------------------------------------------------------


def test_coup_risk_rises_with_insecurity(sahel_state):
    s, p = sahel_state
    i = s.index("TCD")
    before = coups.hazard(s, p)[i]
    s2 = copy.deepcopy(s)
    s2.jihad[i] = min(1.0, s.jihad[i] + 0.3)
    s2.capacity[i] = s.capacity[i] * 0.5
    assert coups.hazard(s2, p)[i] > before * 1.5


# the ends of the registry's ranges (accepted on the replay's calibration window)
HOSTILE = {"hostility_mean": 0.894, "hostility_spread": 0.03}
FRIENDLY = {
    "hostility_mean": 0.432,
    "hostility_spread": 0.03,
    "hostility_grievance": 0.128,
    "expel_min_hostility": 0.79,
}


def _coup_in_jordan(baseline, parameters: dict) -> Scenario:
    base = shortened(baseline, 60)
    return with_events(
        base,
        {"date": "2025-09", "kind": "coup", "country": "JOR"},
        endogenous_coups=False,
        parameters=parameters,
    )


def test_a_scheduled_coup_makes_a_junta(baseline):
    res = simulate(_coup_in_jordan(baseline, HOSTILE), seed=1)
    c = res.countries[res.countries.iso3 == "JOR"].set_index("date").regime
    assert c.loc["2025-08"] == "monarchy" and c.loc["2025-09"] == "military"
    ev = res.events
    coup = ev[(ev.kind == "coup") & (ev.iso3 == "JOR")]
    assert len(coup) == 1 and "scheduled event" in coup.cause.item()


def test_a_hostile_junta_eventually_expels_western_forces(baseline):
    no_coup = shortened(baseline, 60)
    for seed in (1, 2, 3):
        hostile = simulate(_coup_in_jordan(baseline, HOSTILE), seed=seed)
        calm = simulate(variant(no_coup, endogenous_coups=False, parameters=HOSTILE), seed=seed)
        assert country(hostile, "JOR", "western_presence", "2030-06") == 0.0, seed
        assert country(calm, "JOR", "western_presence", "2030-06") == pytest.approx(0.75)
        ev = hostile.events
        assert ((ev.kind == "expulsion") & (ev.iso3 == "JOR")).any(), seed


def test_a_junta_friendly_to_the_west_keeps_its_western_partners(baseline):
    res = simulate(_coup_in_jordan(baseline, FRIENDLY), seed=1)
    assert country(res, "JOR", "western_presence", "2030-06") == pytest.approx(0.75)
    assert not ((res.events.kind == "expulsion") & (res.events.iso3 == "JOR")).any()


def test_a_hostile_junta_turns_to_russian_forces(baseline):
    """Chad's junta invites Russian forces in some runs; without the coup, never."""
    base = shortened(baseline, 60)
    coup = {"date": "2025-09", "kind": "coup", "country": "TCD"}
    with_coup = with_events(base, coup, endogenous_coups=False, parameters=HOSTILE)
    without = variant(base, endogenous_coups=False, parameters=HOSTILE)
    arrived = [
        country(simulate(with_coup, seed=s), "TCD", "russian_presence").max() for s in (1, 2, 3, 4)
    ]
    none = [country(simulate(without, seed=s), "TCD", "russian_presence").max() for s in (1, 2)]
    assert max(arrived) > 0 and max(none) == 0
    # a state closed to Russian forces (russia.denied) gets none, whatever its junta wants
    data = with_coup.model_dump()
    data["russia"]["denied"] = ["TCD"]
    closed = Scenario.from_dict(data)
    assert all(
        country(simulate(closed, seed=s), "TCD", "russian_presence").max() == 0
        for s in (1, 2, 3, 4)
    )


# -- 6. influence and realignment --------------------------------------------------------


def test_a_state_that_crosses_camps_is_logged_with_the_driver(baseline):
    m = started(baseline, 1)
    s, p = m.state, m.p
    i = s.index("MAR")
    assert s.camp[i] != -1
    s.ties[i] = 1.0
    s.rpres[i] = 0.75
    n = len(s.events)
    influence.apply(s, p, None)
    assert s.camp[i] == -1 and s.alignment[i] < -p.aligned_threshold
    entry = s.events[n:]
    assert any(e["kind"] == "realignment" and e["iso3"] == "MAR" for e in entry)
    assert "ties to Russia" in next(e["cause"] for e in entry if e["iso3"] == "MAR")


# -- 7. leverage over Europe --------------------------------------------------------------


def _migration_to(s, dest: str) -> float:
    return float(sum(m for m, d in zip(s.migration, s.route_dest, strict=True) if d == dest))


def test_russia_aligned_transit_states_raise_migration_pressure(baseline):
    m = started(baseline, 1)
    s, p = m.state, m.p
    neutral = copy.deepcopy(s)
    aligned = copy.deepcopy(s)
    i = s.index("TUN")  # the first transit state of the central Mediterranean route
    aligned.ties[i], aligned.rpres[i] = 1.0, 0.75
    for st in (neutral, aligned):
        influence.update(st, p)
        leverage.apply(st, p, None)
    assert aligned.alignment[i] < 0
    assert _migration_to(aligned, "ITA") > _migration_to(neutral, "ITA") * 1.1
    assert _migration_to(aligned, "GRC") == pytest.approx(_migration_to(neutral, "GRC"))


def test_a_migration_deal_lowers_pressure_on_its_route(baseline):
    m = started(baseline, 1)
    s, p = m.state, m.p
    dealt = copy.deepcopy(s)
    dealt.migration_deal[s.index("TUN")] = 1.0
    leverage.apply(s, p, None)
    leverage.apply(dealt, p, None)
    assert _migration_to(dealt, "ITA") < _migration_to(s, "ITA") * 0.9


def test_russia_aligned_producers_raise_raw_material_supply_risk(baseline):
    m = started(baseline, 1)
    s, p = m.state, m.p
    producer = copy.deepcopy(s)
    i = s.index("DZA")  # gas for Europe
    assert s.material_weight[i] > 0
    producer.ties[i], producer.rpres[i] = 1.0, 0.75
    for st in (s, producer):
        influence.update(st, p)
        leverage.apply(st, p, None)
    assert producer.material_risk > s.material_risk + 0.01


# -- 8. the sea ---------------------------------------------------------------------------


def test_a_derna_base_raises_russian_naval_presence_and_incident_risk(baseline):
    """Endogenous basing is switched off in both runs, so the only difference is the event."""
    base = variant(shortened(baseline, 24), parameters={"basing_hazard": 0.0})
    derna = with_events(
        base, {"date": "2026-01", "kind": "basing_agreement", "site": "derna", "status": "open"}
    )
    a, b = simulate(base, seed=6).monthly, simulate(derna, seed=6).monthly
    after = a.date >= "2026-01"
    assert (a.russian_bases_naval == 0).all() and (b.russian_bases_naval[after] == 1).all()
    assert (b.russia_naval_central_med[after] > a.russia_naval_central_med[after] + 0.2).all()
    assert (b.russia_naval_central_med[~after] == a.russia_naval_central_med[~after]).all()
    ra, zones = expected_incidents(base, 6)
    rb, _ = expected_incidents(derna, 6)
    z = zones.index("Central Med")
    months = np.flatnonzero(after.to_numpy())
    assert (rb[months, z] > ra[months, z] * 1.5).all()
    other = [k for k in range(len(zones)) if k != z]
    np.testing.assert_allclose(rb[:, other], ra[:, other])


def test_more_allied_ships_more_incident_risk_and_cost(short):
    surge = variant(
        short,
        policy={"naval_presence": {"Central Med": 2.0, "Eastern Med": 1.0, "Western Med": 0.5}},
    )
    ra, zones = expected_incidents(short, 1)
    rb, _ = expected_incidents(surge, 1)
    z = zones.index("Central Med")
    assert (rb[:, z] > ra[:, z]).all()
    a, b = simulate(short, seed=1).monthly, simulate(surge, seed=1).monthly
    assert (b.nato_south_spending > a.nato_south_spending).all()


# -- 9. alliance cohesion -----------------------------------------------------------------


def test_cohesion_rises_with_the_alliances_attention_to_the_south(short):
    attentive = variant(
        short, policy={"hub_mandate": 1.0, "special_representative": 1.0, "md_revival": 0.5}
    )
    a, b = simulate(short, seed=1).monthly, simulate(attentive, seed=1).monthly
    assert (b.nato_attention > a.nato_attention).all()
    assert (b.cohesion.iloc[1:] > a.cohesion.iloc[1:]).all()
    assert b.cohesion.iloc[-1] > a.cohesion.iloc[-1] + 0.05


def test_cohesion_falls_when_the_south_threatens_more(baseline):
    m = started(baseline, 6)
    s, p = m.state, m.p
    pressed = copy.deepcopy(s)
    pressed.migration = s.migration * 3.0
    cohesion.apply(s, p, None)
    cohesion.apply(pressed, p, None)
    italy = s.index("ITA")
    assert pressed.threat[italy] > s.threat[italy]
    assert pressed.satisfaction[italy] < s.satisfaction[italy]


# -- randomness: reproducible, and fair between scenarios ------------------------------------


def test_same_seed_same_numbers_different_seed_different_numbers(short):
    a, b, c = (simulate(short, seed=s) for s in (11, 11, 12))
    for name in ("monthly", "countries", "events"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.monthly.equals(c.monthly) or not a.events.equals(c.events)
    assert not a.events.equals(c.events)


def test_a_policy_change_leaves_the_random_draws_unchanged(short):
    """Common random numbers: the uniforms every mechanism draws do not depend on policy."""
    policy = with_dcb(
        short,
        {"partner": "DZA", "start": "2025-07", "months": 36},
        hub_mandate=1.0,
        md_revival=1.0,
    )
    recorded = []
    for sc in (short, policy):
        model = SouthernFlankModel(sc, seed=5)
        recs = {name: DrawRecorder(rng) for name, rng in model.streams.items()}
        model.streams.update(recs)
        for _ in range(sc.months):
            model.step()
        recorded.append(recs)
    for m in MECHANISMS:
        a, b = recorded[0][m.NAME].draws, recorded[1][m.NAME].draws
        assert len(a) == len(b), m.NAME
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y, err_msg=m.NAME)
    # the draws were really used
    assert sum(len(r.draws) for r in recorded[0].values()) >= 3 * short.months


def test_a_lever_that_acts_only_at_sea_leaves_events_on_land_unchanged(baseline):
    """Paired runs face the same shocks: more ships change incidents and nothing ashore."""
    surge = variant(
        baseline,
        policy={"naval_presence": {"Central Med": 2.0, "Eastern Med": 2.0, "Western Med": 1.0}},
    )
    a, b = simulate(baseline, seed=9), simulate(surge, seed=9)
    land = lambda ev: ev[ev.kind != "naval_incident"].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(land(a.events), land(b.events))
    assert len(b.events) != len(a.events)  # ... while the sea does differ
    cols = ["russia_influence_share", "juntas", "jihadist_activity_region", "migration_italy"]
    pd.testing.assert_frame_equal(a.monthly[cols], b.monthly[cols])


def test_a_dated_policy_change_acts_from_its_date_on(baseline):
    """policy.changes: the Hub's mandate raised in 2027-01 helps the existing DCB packages
    only from then on, and the change is logged."""
    from sim import Scenario

    data = baseline.model_dump()
    data["policy"]["changes"] = [{"date": "2027-01", "hub_mandate": 1.0, "note": "Hub empowered"}]
    changed = Scenario.from_dict(data)
    a = simulate(baseline, seed=4)
    b = simulate(changed, seed=4)

    def cap(r, d):
        return r.countries[(r.countries.iso3 == "MRT") & (r.countries.date == d)].capacity.item()

    assert cap(b, "2026-12") == cap(a, "2026-12")
    assert cap(b, "2030-12") > cap(a, "2030-12")
    logged = b.events[b.events.kind == "policy_change"]
    assert list(logged.date) == ["2027-01"] and "hub_mandate = 1" in logged.cause.item()


def test_a_policy_change_must_change_something(baseline):
    from sim import Scenario, ScenarioError

    data = baseline.model_dump()
    data["policy"]["changes"] = [{"date": "2027-01", "note": "nothing"}]
    with pytest.raises(ScenarioError, match="must set at least one of hub_mandate"):
        Scenario.from_dict(data)


def test_attention_weights_decide_what_an_empowered_hub_does_for_cohesion(baseline):
    """The Hub lifts cohesion through its weight in NATO's attention; with the Hub's and
    the representative's weights at 0 that channel is closed."""
    hub = {"hub_mandate": 1.0, "special_representative": 1.0}
    short = shortened(baseline, 36)
    zero = {"attention_hub_weight": 0.0, "attention_sr_weight": 0.0}

    def gain(sc):
        a = simulate(sc, seed=2).monthly.cohesion.iloc[-1]
        b = simulate(variant(sc, policy=hub), seed=2).monthly.cohesion.iloc[-1]
        return b - a

    assert gain(short) > 0.05
    assert abs(gain(short.with_parameters(zero))) < gain(short) / 5
