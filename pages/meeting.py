"""Mødet: the meeting on the shared screen — the citizen's words first."""

import streamlit as st

from ui.citizen_page import load_plan_or_stop
from ui.context import current_actor
from ui.i18n import t
from ui.safe import show_text
from ui.widgets import citizen_header, goal_words, moment

actor = current_actor()
plan = load_plan_or_stop(actor, purpose="meeting.read")
with st.container(key="big-meeting"):
    citizen_header(plan)
    meeting = plan.next_meeting
    if meeting is None:
        st.info(t("meeting.none"))
    else:
        st.write(t("meeting.when", when=moment(meeting.starts_at)))
        if meeting.preparation is not None and meeting.preparation.matters_most:
            st.caption(t("preparation.matters_most"))
            show_text(meeting.preparation.matters_most)
    st.subheader(t("plan.what_matters"), anchor=False)
    for goal in plan.active_goals:
        goal_words(goal.own_words, key=str(goal.id))
        if goal.latest_score is not None:
            st.caption(t("plan.latest_score", score=goal.latest_score))
    if not plan.active_goals:
        st.info(t("plan.no_goals"))
