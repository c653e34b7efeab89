"""The live page: controls in the sidebar; the map, the charts and the event feed.

Each browser tab holds one `Session` (sim/viz/session.py). Two counters drive what is
redrawn: ``frame_tick`` when the model moved (map and charts, ~0.2 s), ``ui_tick``
when only a control changed (cheap). Drawing is in mapview.py and charts.py; this
module only wires widgets to the session.
"""

from __future__ import annotations

import html

import solara

from ..calendar import format_month
from ..model import LAYERS
from ..params import REGISTRY
from ..roster import GUEST_GROUPS, OTHER_GUESTS, load_roster
from ..scenario import ScenarioError
from .play import current_kernel, play_loop
from .portrayal import LAYER_TITLES
from .session import (
    EVENTS_HIDDEN_BY_DEFAULT,
    FRAMEWORK_GROUPS,
    KEY_PARAMETERS,
    Session,
    apply_levers,
    dcb_candidates,
    initial_scenario,
    initial_settings,
    lever_sliders,
    naval_slider,
    new_session,
    next_summit_index,
    parameter_slider,
    scenario_choices,
)

NO_DCB = "none"
ALL_ACTORS = "every actor"
# The hover layer lies exactly over the picture: no widget margins, no line gap under
# the image (the browser test measures both boxes).
MAP_CSS = """
.sf-map-wrap, .sf-map-wrap * { margin: 0 !important; }
.sf-map-wrap .sf-map { display: block; }
.sf-map-wrap .sf-hover-layer { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
"""
_GROUP_NAMES = {"MD": "Mediterranean Dialogue", "ICI": "Istanbul Cooperation Initiative"}


def _names() -> dict[str, str]:
    return load_roster().table["name"].to_dict()


@solara.component
def EventFeed(events: list[dict]):
    """Events of the run, newest first, with their causes."""
    names = _names()
    rows = []
    for e in events:
        who = names.get(e.get("iso3", ""), e.get("iso3", "")) or "—"
        rows.append(
            "<tr>"
            f"<td class='sf-ev-date'>{html.escape(str(e.get('date', '')))}</td>"
            f"<td>{html.escape(str(who))}</td>"
            f"<td class='sf-ev-kind'><b>{html.escape(str(e.get('kind', '')).replace('_', ' '))}</b></td>"
            f"<td>{html.escape(str(e.get('cause', '')))}"
            f" <span style='color:#888'>({html.escape(str(e.get('mechanism', '')))})</span></td>"
            "</tr>"
        )
    body = "".join(rows) or "<tr><td colspan=4>No events of these kinds yet.</td></tr>"
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            "<table class='sf-events' style='font-size:12px;border-collapse:collapse;width:100%'>"
            "<thead><tr style='text-align:left'><th>month</th><th>where</th><th>what</th>"
            f"<th>why</th></tr></thead><tbody>{body}</tbody></table>"
        ),
    )


@solara.component
def EventPanel(session: Session, version):
    """The event feed with its filters: kinds of event (naval incidents left out until
    chosen) and one actor."""
    logged = session.event_kinds()
    hidden = solara.use_reactive(list(EVENTS_HIDDEN_BY_DEFAULT))
    actor = solara.use_reactive(ALL_ACTORS)
    kinds = [k for k in logged if k not in hidden.value]
    names = _names()
    actors = [ALL_ACTORS] + [f"{c} {names[c]}" for c in sorted(names)]

    def set_kinds(chosen):
        hidden.set(
            [k for k in logged if k not in chosen] + [k for k in hidden.value if k not in logged]
        )

    with solara.Row(gap="12px", classes=["sf-event-filters"]):
        solara.SelectMultiple(
            "Kinds of event shown", values=kinds, all_values=logged, on_value=set_kinds,
            dense=True, classes=["sf-ev-kinds"],
        )  # fmt: skip
        solara.Select("About", values=actors, value=actor, classes=["sf-ev-actor"])
    code = None if actor.value == ALL_ACTORS else actor.value.split(" ")[0]
    shown = [k for k in logged if k not in hidden.value]
    EventFeed(session.events(kinds=shown, actor=code))


@solara.component
def PolicyPanel(session: Session, version):
    """What the running scenario does: its summits with their guest lists and its DCB
    packages, with where each stands this month."""
    solara.HTML(tag="div", unsafe_innerHTML=policy_html(session), classes=["sf-policy"])


def policy_html(session: Session) -> str:
    """The summits and DCB packages of the running scenario as two small tables."""
    names = _names()
    sc, month = session.spec, session.model.state.month
    groups = {**load_roster().groups(), **GUEST_GROUPS}

    def who(code: str) -> str:
        if code in groups:
            return f"{code} ({len(groups[code])} states)"
        return names.get(code) or OTHER_GUESTS.get(code, code)

    rows = []
    for s in sorted(sc.policy.summits, key=lambda s: s.date):
        when = "held" if s.date < month else ("this month" if s.date == month else "to come")
        guests = ", ".join(who(c) for c in s.invite) or "no partner"
        host = f" in {names.get(s.host, s.host)}" if s.host else ""
        rows.append(
            f"<tr><td>{format_month(s.date)}{html.escape(host)}</td><td>{html.escape(guests)}</td>"
            f"<td>{when}</td></tr>"
        )
    summits = "".join(rows) or "<tr><td colspan=3>no summit</td></tr>"
    rows = []
    state = session.model.state
    for d in sorted(sc.policy.dcb, key=lambda d: (d.start, d.partner)):
        end = d.start + d.months
        if month < d.start:
            status = "to come"
        elif month >= end:
            status = "ended"
        elif state.dcb_intensity[state.index(d.partner)] > 0:
            status = "under way"
        else:
            status = "suspended"
        lead = f", led by {names.get(d.lead, d.lead)}" if d.lead else ""
        rows.append(
            f"<tr><td>{html.escape(names.get(d.partner, d.partner))}</td>"
            f"<td>{format_month(d.start)} to {format_month(end - 1)}</td>"
            f"<td>{d.intensity:g}{html.escape(lead)}</td><td>{status}</td></tr>"
        )
    dcb = "".join(rows) or "<tr><td colspan=4>no package</td></tr>"
    style = "font-size:12px;border-collapse:collapse;width:100%;margin-bottom:6px"
    return (
        f"<table class='sf-summits' style='{style}'><thead><tr style='text-align:left'>"
        "<th>summit</th><th>partners invited</th><th></th></tr></thead>"
        f"<tbody>{summits}</tbody></table>"
        f"<table class='sf-dcb' style='{style}'><thead><tr style='text-align:left'>"
        "<th>DCB partner</th><th>months</th><th>intensity</th><th></th></tr></thead>"
        f"<tbody>{dcb}</tbody></table>"
    )


@solara.component
def LabeledSlider(spec, value: float, on_value):
    """A slider with its label and value on a line above it (sidebar labels are long)."""
    with solara.Column(gap="0px", style={"margin-bottom": "4px"}):
        solara.Text(f"{spec.label}: {value:g}", style={"font-size": "13px"})
        solara.SliderFloat(
            "",
            value=value,
            min=spec.low,
            max=spec.high,
            step=spec.step,
            on_value=on_value,
            thumb_label=False,
        )
        if spec.help:
            solara.Text(spec.help, style={"font-size": "11px", "color": "#777"})


@solara.component
def RunButtons(session: Session, playing: solara.Reactive[bool], on_step, on_reset):
    running = session.running
    with solara.Row(gap="6px"):
        solara.Button(
            "Step",
            on_click=on_step,
            color="primary",
            disabled=playing.value or not running,
            classes=["sf-step"],
        )
        solara.Button(
            "Pause" if playing.value else "Play",
            on_click=lambda: playing.set(not playing.value),
            color="primary",
            disabled=not running and not playing.value,
            classes=["sf-play"],
        )
        solara.Button("Reset", on_click=on_reset, color="warning", classes=["sf-reset"])


@solara.component
def LeverControls(session: Session, on_change):
    """Policy levers from the scenario schema: sliders, summit invitations, one DCB package."""
    levers = session.levers

    def set_slider(spec):
        def set_value(v):
            v = spec.snap(v)
            if v != levers.sliders[spec.key]:
                levers.sliders[spec.key] = v
                on_change()

        return set_value

    for spec in lever_sliders():
        value = levers.sliders[spec.key]
        LabeledSlider(spec, value, set_slider(spec))
    i = next_summit_index(session.base)
    when = session.base.policy.summits[i].date if i is not None else None
    for group in FRAMEWORK_GROUPS:

        def toggle(v, group=group):
            levers.invite[group] = bool(v)
            on_change()

        label = f"Invite the {_GROUP_NAMES.get(group, group)} to the next summit"
        if when is not None:
            label += f" ({format_month(when)})"
        solara.Checkbox(
            label=label, value=levers.invite[group], on_value=toggle, disabled=i is None
        )
    names = _names()
    choices = [NO_DCB] + [f"{c} {names.get(c, c)}" for c in dcb_candidates()]
    current = next((c for c in choices if c.split(" ")[0] == levers.dcb_partner), NO_DCB)

    def set_dcb(v):
        levers.dcb_partner = None if v in (None, NO_DCB) else v.split(" ")[0]
        on_change()

    solara.Select("Add a DCB package for", values=choices, value=current, on_value=set_dcb)


@solara.component
def NavalControls(session: Session, on_change):
    for zone, level in session.levers.naval.items():
        spec = naval_slider(zone)

        def set_level(v, spec=spec):
            v = spec.snap(v)
            if v != session.levers.naval[spec.key]:
                session.levers.naval[spec.key] = v
                on_change()

        LabeledSlider(spec, level, set_level)


@solara.component
def ParameterControls(session: Session, on_change):
    """Sliders for key registry parameters (range and unit from the registry)."""
    shown, set_shown = solara.use_state(list(KEY_PARAMETERS))
    scenario_values = session.base.parameters

    for name in shown:
        spec = parameter_slider(name)
        value = session.parameters.get(name, scenario_values.get(name, REGISTRY[name].default))

        def set_value(v, spec=spec, value=value):
            v = spec.snap(v)
            if v != value:
                session.parameters[spec.key] = v
                on_change()

        LabeledSlider(spec, value, set_value)
    others = [n for n in REGISTRY if n not in shown]

    def add(name):
        if name:
            set_shown([*shown, name])

    solara.Select("Add a parameter", values=others, value=None, on_value=add)


@solara.component
def Controls(session: Session, playing, on_frame, on_ui, version: tuple[int, int]):  # noqa: C901 - a Solara component: its hooks must run in one body, in a fixed order
    """The sidebar. Levers, parameters and the seed apply on Reset.

    `version` changes whenever the run or a control changes: the session is mutated in
    place, so without it Solara would see equal arguments and skip the redraw."""
    error = solara.use_reactive(None)

    def guarded(action):
        def run(*args):
            try:
                action(*args)
                error.set(None)
            except (ScenarioError, ValueError) as exc:
                error.set(str(exc))

        return run

    # a new frame re-renders the whole page (controls included): one update per click
    def do_reset():
        playing.set(False)
        session.reset()
        on_frame()

    def do_step():
        session.step()
        on_frame()

    def choose(name):
        playing.set(False)
        session.choose_scenario(name)
        on_frame()

    def set_seed(v):
        if v is None or int(v) < 0:
            raise ValueError(f"seed must be a whole number >= 0, got {v}")
        session.seed = int(v)
        on_ui()

    solara.Select(
        "Scenario",
        values=scenario_choices(session.scenario),
        value=session.scenario,
        on_value=guarded(choose),
    )
    solara.InputInt("Seed", value=int(session.seed), on_value=guarded(set_seed))
    RunButtons(session, playing, guarded(do_step), guarded(do_reset))
    try:
        pending = (
            apply_levers(session.base, session.levers, session.parameters).content_hash()
            != session.spec.content_hash()
            or session.seed != session.model.seed
        )
    except ScenarioError as exc:
        pending = True
        error.set(str(exc))
    if pending:
        solara.Info("Changed levers, parameters or seed apply when you press Reset.", dense=True)
    if error.value:
        solara.Error(error.value)

    def set_layer(title):
        for name in LAYERS:
            if LAYER_TITLES[name] == title:
                session.set_layer(name)
        on_frame()

    solara.Select(
        "Map layer",
        values=[LAYER_TITLES[n] for n in LAYERS],
        value=LAYER_TITLES[session.layer],
        on_value=set_layer,
    )
    SaveScenario(session, version)
    with solara.Details("Policy levers", expand=True):
        LeverControls(session, on_ui)
    with solara.Details("Naval presence by sea zone"):
        NavalControls(session, on_ui)
    with solara.Details("Parameters (registry ranges)"):
        ParameterControls(session, on_ui)


@solara.component
def SaveScenario(session: Session, version):
    """Download the running scenario (levers and parameters applied on Reset) as a
    scenario file that `southflank validate` accepts and `southflank run` runs."""
    name = f"{session.spec.name}_modified" if session.changes() else session.spec.name
    solara.FileDownload(
        lambda: session.scenario_yaml().encode("utf-8"),
        filename=f"{name}.yaml",
        label="Save levers as a scenario file",
        mime_type="application/x-yaml",
    )


@solara.component
def MapImage(session: Session, png: bytes):
    """The map picture with the countries' and sea zones' names on hover."""
    svg = solara.use_memo(lambda: session.map_renderer().hover_svg(), [session.layer])
    solara.Style(MAP_CSS)
    with solara.Div(style={"position": "relative", "width": "100%"}, classes=["sf-map-wrap"]):
        solara.Image(png, width="100%", classes=["sf-map"])
        solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["sf-hover-layer"])


@solara.component
def LivePage():
    """The live model: one run of a scenario, stepped month by month."""
    session = solara.use_memo(lambda: new_session(initial_scenario(), initial_settings()), [])
    kernel = solara.use_memo(current_kernel, [])
    frame_tick = solara.use_reactive(0)
    ui_tick = solara.use_reactive(0)
    playing = solara.use_reactive(False)

    def on_frame():
        frame_tick.set(frame_tick.value + 1)

    def on_ui():
        ui_tick.set(ui_tick.value + 1)

    def play(cancel):
        if not playing.value:
            return
        reason = play_loop(session.step, on_frame, cancel, kernel)
        if reason != "paused":
            playing.set(False)
            on_ui()

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)
    frame = solara.use_memo(session.frame, [frame_tick.value, session.layer, id(session.model)])

    solara.Title("Southern Flank")
    with solara.Sidebar():
        Controls(session, playing, on_frame, on_ui, (frame_tick.value, ui_tick.value))
    spec = session.spec
    with solara.Column(style={"max-width": "1100px"}):
        with solara.Row(style={"align-items": "baseline"}):
            solara.Text(
                frame.date, classes=["sf-date"], style={"font-size": "28px", "font-weight": "600"}
            )
            solara.Text(session.title(), classes=["sf-scenario"], style={"font-weight": "600"})
            solara.Text(
                f"seed {session.model.seed} · month "
                f"{frame.month_index} of {spec.months} · frame {frame.render_ms:.0f} ms",
                style={"color": "#666"},
            )
        changes = session.changes()
        if changes:
            solara.Text(
                "changed from the file: " + "; ".join(d.text() for d in changes),
                classes=["sf-changes"],
                style={"color": "#666", "font-size": "12px"},
            )
        MapImage(session, frame.map_png)
        solara.Image(frame.charts_png, width="100%", classes=["sf-charts"])
        version = (frame_tick.value, ui_tick.value)
        solara.Markdown("#### Summits and DCB packages of this run")
        PolicyPanel(session, version)
        solara.Markdown("#### Events (latest first)")
        EventPanel(session, version)
