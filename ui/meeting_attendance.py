"""Step 1 of Mødet: who is here, and opening the meeting (asking first when it is early)."""

from __future__ import annotations

import functools

import streamlit as st
from babel.dates import format_date

from models.meeting_mode import open_meeting, opens_early, planned_day, set_attendance, set_citizen_present
from models.tables import today
from ui.choice_group import choice_group
from ui.i18n import lang, t
from ui.meeting_common import Panel, attempt
from ui.safe import escape_markdown
from ui.text_block import show_lines

ASK_EARLY = "meet_ask_early"
ATTENDANCE_OPTIONS = ("present", "apologies", "absent", "invited")


def early_day_text(panel: Panel) -> str:
    """ "9. december" (Babel, the user's language); with the year when it is not this year."""
    planned = planned_day(panel.meeting.starts_at)
    same_year = planned.year == today().year
    danish = lang() == "da"
    pattern = ("d. MMMM" if danish else "d MMMM") + ("" if same_year else " y")
    return format_date(planned, pattern, locale="da_DK" if danish else "en_GB")


def _open(panel: Panel, start_early: bool = False) -> None:
    if not start_early and opens_early(panel.meeting.starts_at):
        st.session_state[ASK_EARLY] = panel.meeting.id  # ask first (issue 17, point 7)
        return
    st.session_state.pop(ASK_EARLY, None)
    attempt(
        panel,
        open_meeting,
        meeting_id=panel.meeting.id,
        seen_version=panel.meeting.version,
        start_early=start_early,
    )


def _wait() -> None:
    st.session_state.pop(ASK_EARLY, None)


def render_open(panel: Panel) -> None:
    """Not yet open: the status, the start button, and the early-start question when asked."""
    meeting = panel.meeting
    st.info(t("meet.not_open", status=t(f"meet.status.{meeting.status}")))
    if st.session_state.get(ASK_EARLY) == meeting.id:
        with st.container(border=True, key="meet-ask-early"):
            st.markdown(t("meetpanel.early_question", day=early_day_text(panel)))
            yes, no = st.columns(2)
            yes.button(
                t("meetpanel.early_yes"),
                type="primary",
                key="meet_open_early",
                on_click=_open,
                args=(panel, True),
                icon="▶️",
            )
            no.button(t("meetpanel.early_no"), key="meet_open_wait", on_click=_wait)
        return
    st.button(t("meet.open"), type="primary", key="meet_open", on_click=_open, args=(panel,), icon="▶️")


def _attendance_changed(panel: Panel, person_id: int, value: str) -> None:
    attempt(panel, set_attendance, meeting_id=panel.meeting.id, person_id=person_id, attendance=value)


def _written_status_changed(panel: Panel, person_id: int) -> None:
    attempt(
        panel,
        set_attendance,
        meeting_id=panel.meeting.id,
        person_id=person_id,
        attendance="apologies",
        written_status=st.session_state[f"meet_ws_{person_id}"],
    )


def _citizen_present_changed(panel: Panel) -> None:
    attempt(
        panel,
        set_citizen_present,
        meeting_id=panel.meeting.id,
        present=st.session_state["meet_citizen_present"],
    )


def render_attendance(panel: Panel) -> None:
    st.subheader(t("meet.step.attendance"), anchor=False)
    st.session_state.setdefault("meet_citizen_present", panel.meeting.citizen_present is not False)
    st.toggle(
        t("meet.citizen_present", name=escape_markdown(panel.plan.citizen.name)),
        key="meet_citizen_present",
        on_change=_citizen_present_changed,
        args=(panel,),
    )
    for attendee in panel.screen.attendees:
        with st.container(border=True, key=f"meet-attendee-{attendee.person_id}"):
            name_col, choice_col = st.columns([1, 2], vertical_alignment="center")
            with name_col:  # the name and the line under it as one element (ui/text_block.py)
                role = ", ".join(x for x in (attendee.role, attendee.department) if x)
                show_lines([("text", attendee.name), ("caption", role or t(f"person.kind_{attendee.kind}"))])
            attendance = attendee.attendance or "invited"
            with choice_col:  # one element for the four choices (ui/choice_group.py)
                choice_group(
                    ATTENDANCE_OPTIONS,
                    key=f"meet_att_{attendee.person_id}",
                    label=f"{t('meet.attendance_label')}: {attendee.name}",
                    chosen=attendance,
                    on_choose=functools.partial(_attendance_changed, panel, attendee.person_id),
                    format_func=lambda a: t(f"meet.attendance.{a}"),
                    show_label=False,
                )
            if attendance == "apologies":
                ws_key = f"meet_ws_{attendee.person_id}"
                st.session_state.setdefault(ws_key, attendee.written_status or "")
                st.text_area(
                    t("meet.written_status"),
                    key=ws_key,
                    on_change=_written_status_changed,
                    args=(panel, attendee.person_id),
                    height=80,
                )
