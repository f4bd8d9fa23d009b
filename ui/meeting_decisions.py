"""Step 5 of Mødet: decisions, and the unmet needs (professional-only: they go to the leaders'
overview and are never shown on the room screen). Both add forms save once."""

from __future__ import annotations

import streamlit as st

from models.meeting_mode import add_decision, add_unmet_need, remove_decision
from ui.i18n import t
from ui.meeting_common import Panel, attempt, form_key, fresh, generation, saved, second_click, staff_only
from ui.safe import show_text
from ui.widgets import form


def _add_decision(panel: Panel, gen: int) -> None:
    text = st.session_state.get(fresh("meet_new_decision", "decision", gen), "")
    if second_click("decision", text):
        return
    _, ok = attempt(
        panel, add_decision, meeting_id=panel.meeting.id, text=text, form_key=form_key(panel, "decision", gen)
    )
    if ok:
        saved("decision", gen, "meet_new_decision")


def _remove_decision(panel: Panel, decision_id: int) -> None:
    attempt(panel, remove_decision, meeting_id=panel.meeting.id, decision_id=decision_id)


def _add_need(panel: Panel, gen: int) -> None:
    text = st.session_state.get(fresh("meet_new_need", "need", gen), "")
    if second_click("need", text):
        return
    _, ok = attempt(
        panel, add_unmet_need, meeting_id=panel.meeting.id, text=text, form_key=form_key(panel, "need", gen)
    )
    if ok:
        saved("need", gen, "meet_new_need")


def render_decisions(panel: Panel) -> None:
    meeting = panel.meeting
    decisions_col, needs_col = st.columns(2, gap="large")
    with decisions_col:
        st.subheader(t("meet.decisions.title"), anchor=False)
        for decision in meeting.decisions:
            text_col, remove_col = st.columns([6, 1], vertical_alignment="center")
            with text_col, st.container(key=f"meet-decision-{decision.id}"):
                show_text(decision.text)
            remove_col.button(
                t("meet.decisions.remove"),
                key=f"meet_rm_decision_{decision.id}",
                on_click=_remove_decision,
                args=(panel, decision.id),
            )
        gen = generation("decision")
        with form("meet_decision_form", border=True):
            st.text_area(t("meet.decisions.new"), key=fresh("meet_new_decision", "decision"), height=68)
            st.form_submit_button(
                t("meet.decisions.add"), on_click=_add_decision, args=(panel, gen), type="primary"
            )
    with needs_col, st.container(key="meet-staff-needs"):
        st.subheader(t("meet.needs.title"), anchor=False)
        staff_only(t("meet.needs.title"))
        st.caption(t("meet.needs.help"))
        for need in meeting.unmet_needs:
            with st.container(key=f"meet-need-{need.id}"):
                show_text(need.text)
        gen = generation("need")
        with form("meet_need_form", border=True):
            st.text_area(t("meet.needs.new"), key=fresh("meet_new_need", "need"), height=68)
            st.form_submit_button(t("meet.needs.add"), on_click=_add_need, args=(panel, gen))
