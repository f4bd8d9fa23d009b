"""Step 6 of Mødet: the read-back (what we agreed), the citizen's answer, and the close."""

from __future__ import annotations

import streamlit as st

from models.goals import score_at
from models.meeting_mode import (
    close_meeting,
    close_problems,
    next_meeting_start,
    record_citizen_response,
    unfinished_agreements,
)
from ui.feedback import flash
from ui.i18n import t
from ui.meeting_common import Panel, attempt
from ui.safe import escape_markdown, show_text
from ui.widgets import deadline, form, moment

RESPONSES = ("agree", "disagree")


def _save_response(panel: Panel) -> None:
    result, ok = attempt(
        panel,
        record_citizen_response,
        meeting_id=panel.meeting.id,
        seen_version=st.session_state.get("meet_response_seen", panel.meeting.version),
        agrees=st.session_state.get("meet_response") == "agree",
        disagreement=st.session_state.get("meet_disagreement"),
    )
    if ok:
        st.session_state["meet_response_seen"] = result.version


def _close(panel: Panel) -> None:
    closed, ok = attempt(panel, close_meeting, meeting_id=panel.meeting.id)
    if ok:
        flash("meet.closed", number=closed.plan_version_number, when=moment(closed.next_starts_at))
        for key in [k for k in st.session_state if str(k).startswith("meet_") and k != "meet_form_token"]:
            del st.session_state[key]


def _read_back(panel: Panel) -> None:
    plan, meeting = panel.plan, panel.meeting
    with st.container(key="meet-readback"):
        st.markdown(f"**{t('plan.what_matters')}**")
        for goal in plan.active_goals:
            now_score = score_at(goal, meeting.id)
            show_text(goal.own_words, key=f"own-words-readback-{goal.id}")
            if now_score is not None:
                st.caption(t("goal.score_now", score=now_score.score))
        st.markdown(f"**{t('meet.readback.agreements')}**")
        for action in [a for a in plan.actions if a.is_open]:
            who = action.owner_name or t("plan.no_owner")
            due = deadline(action.due_on)
            show_text(f"• {action.text}\n   {t('meet.owner_due', owner=who, due=due)}")
        if meeting.decisions:
            st.markdown(f"**{t('plan.decisions')}**")
            for decision in meeting.decisions:
                show_text(f"• {decision.text}")
        st.markdown(f"**{t('plan.next_meeting')}**")
        later = [
            m.starts_at
            for m in plan.meetings
            if m.status in ("draft", "planned") and m.starts_at > meeting.starts_at
        ]
        upcoming = (
            later[0] if later else next_meeting_start(meeting.starts_at, plan.citizen.meetings_per_year)
        )
        st.markdown(escape_markdown(moment(upcoming)))


def render_close(panel: Panel) -> None:
    plan, meeting = panel.plan, panel.meeting
    st.subheader(t("meet.readback.title"), anchor=False)
    read_col, answer_col = st.columns([3, 2], gap="large")
    with read_col:
        _read_back(panel)
    unfinished = unfinished_agreements(plan, meeting.id)
    with answer_col:
        if unfinished:
            st.warning(t("meet.readback.unfinished", count=len(unfinished)), icon="✋")
        st.session_state.setdefault("meet_response_seen", meeting.version)
        current = (
            None if meeting.citizen_agrees is None else ("agree" if meeting.citizen_agrees else "disagree")
        )
        with form("meet_response_form", border=True):
            st.radio(
                t("meet.readback.question", name=escape_markdown(plan.citizen.name)),
                RESPONSES,
                index=None if current is None else RESPONSES.index(current),
                format_func=lambda r: t(f"meet.readback.{r}"),
                key="meet_response",
                horizontal=True,
            )
            st.text_area(
                t("meet.readback.disagreement"),
                value=meeting.citizen_disagreement or "",
                key="meet_disagreement",
                help=t("meet.readback.disagreement_help"),
            )
            st.form_submit_button(t("meet.readback.save"), on_click=_save_response, args=(panel,))
        if meeting.citizen_agrees is not None:
            st.caption(t("meet.readback.agreed") if meeting.citizen_agrees else t("meet.readback.disagreed"))
        problems = close_problems(plan, meeting)
        for problem in problems:
            st.caption(t(problem, count=len(unfinished)))
        st.button(
            t("meet.close"),
            type="primary",
            key="meet_close",
            on_click=_close,
            args=(panel,),
            disabled=bool(problems),
            icon="🔒",
        )
