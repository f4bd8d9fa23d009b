"""Mødet: the leader's control panel for the meeting, on the leader's laptop.

Professional-only content is allowed here (goal notes, what the citizen does not want raised,
unmet needs): the room sees the room screen (pages/room.py), never this page. Thin: reads the
meeting through models.meeting_mode, draws the clock strip and the one timeline's current step
(one ui/meeting_<step>.py module per step), and each widget saves from its own callback.
"""

import streamlit as st

from models.db import session_scope
from models.errors import UserError
from models.meeting_mode import MeetingScreen, load_meeting_screen
from models.meeting_timeline import still_at_step
from ui.context import current_actor, require_citizen
from ui.feedback import show_user_error
from ui.fragments import in_own_rerun, page_part
from ui.i18n import t
from ui.meeting_agreements import render_agreements
from ui.meeting_attendance import render_attendance, render_open
from ui.meeting_clock import render_clock
from ui.meeting_close import render_close
from ui.meeting_common import Panel, panel_style, show_messages, staff_only
from ui.meeting_decisions import render_decisions
from ui.meeting_goals import render_goals
from ui.meeting_status import render_status
from ui.room_controls import render_room_controls
from ui.safe import show_text
from ui.text_block import Line, show_lines
from ui.widgets import moment, person_line

STEPS = {
    "attendance": render_attendance,
    "status": render_status,
    "goals": render_goals,
    "agreements": render_agreements,
    "decisions": render_decisions,
    "close": render_close,
}

# Steps whose clicks change nothing drawn outside them: each reruns alone (ui/fragments.py; issue
# 16: a score reran the whole meeting, its head, clock, speakers and side panel).
PART_STEPS = frozenset({"goals"})

actor = current_actor()
citizen_id = require_citizen()


def load_screen() -> MeetingScreen:
    """The meeting as this actor may see it (authorised and audited in models/), or the Danish
    reason and an end to the run."""
    try:
        with session_scope() as session:
            return load_meeting_screen(session=session, actor=actor, citizen_id=citizen_id)
    except UserError as error:
        show_user_error(error)
        st.stop()


@page_part
def step_part(step: str, drawn: Panel) -> None:
    """A step of PART_STEPS. On its own rerun it reads the meeting again (the page's reading is
    the full run's) and shows its own messages; when the meeting has moved on meanwhile (another
    step, ended, another device), the whole page runs instead."""
    panel = drawn
    if in_own_rerun():
        panel = Panel(actor=actor, screen=load_screen())
        if not still_at_step(panel.screen.meeting, step):
            st.rerun(scope="app")
    show_messages(key="meet-step-messages")  # on every run: the step's elements keep their places
    STEPS[step](panel)


screen = load_screen()

plan, meeting = screen.plan, screen.meeting

panel_style()
# The citizen's name and the meeting, beside the room screen's controls: one row (a horizontal
# container is one block for the browser, two columns were five; issue 16).
head = st.container(horizontal=True, vertical_alignment="bottom", gap="large", wrap=False)
with head:
    contact = plan.contact_person
    who = None
    if contact is not None:
        who = " · ".join(x for x in (person_line(contact), contact.phone, contact.email) if x)
    when = None
    if meeting is not None:
        when = t("meet.when", when=moment(meeting.starts_at), minutes=meeting.minutes)
        when += f" · {meeting.place}" if meeting.place else ""
    # One element for the name and its two lines (ui/text_block.py: each element costs the browser).
    show_lines([("heading", plan.citizen.name), ("caption", who and t("meetpanel2.contact", who=who)),
                ("caption", when)], key="meet-head")  # fmt: skip
if meeting is None:
    st.info(t("meeting.none"))
    st.stop()
if meeting.is_running:
    with head:
        render_room_controls(actor, meeting.id, screen.open_room_links)

panel = Panel(actor=actor, screen=screen)
show_messages()
step = render_clock(panel) if meeting.is_running else "attendance"
if not meeting.is_running:
    render_open(panel)

step_col, side_col = st.columns([5, 2], gap="large")
with side_col, st.container(key="meet-side"):
    # The citizen's own words stay in sight whatever the step: one element (ui/text_block.py).
    prep = next((m.preparation for m in plan.meetings if m.id == meeting.id), None)
    own: list[Line] = []
    for field in ("matters_most", "dream", "questions"):
        words = getattr(prep, field) if prep is not None else None
        if words:
            own += [("caption", t(f"preparation.{field}")), ("words", words)]
    if step not in ("goals", "close") and plan.active_goals:
        own += [("caption", t("plan.what_matters")), *(("words", g.own_words) for g in plan.active_goals)]
    if own:
        show_lines(own, key="meet-own-words")
    if prep is not None and prep.not_to_raise:
        with st.container(key="meet-staff-not-to-raise"):
            staff_only(t("preparation.not_to_raise"))
            show_text(prep.not_to_raise)
with step_col:
    if step in PART_STEPS:
        step_part(step, panel)
    else:
        STEPS[step](panel)
