"""Planen: the joint plan as agreed — goals in the citizen's own words, agreements, decisions."""

import pandas as pd
import streamlit as st

from ui.citizen_page import load_plan_or_stop
from ui.context import current_actor
from ui.i18n import t
from ui.safe import show_text
from ui.widgets import citizen_header, day, goal_words, moment

actor = current_actor()
st.title(t("nav.plan"))
plan = load_plan_or_stop(actor, purpose="plan.read")
citizen_header(plan)
if plan.plan_version_number:
    st.caption(t("plan.version", number=plan.plan_version_number))

st.subheader(t("plan.what_matters"), anchor=False)
if not plan.active_goals:
    st.info(t("plan.no_goals"))
for goal in plan.active_goals:
    goal_words(goal.own_words, key=str(goal.id))
    if goal.latest_score is not None:
        st.caption(t("plan.latest_score", score=goal.latest_score))
    actions = [a for a in plan.actions_for_goal(goal.id) if a.is_open]
    if actions:
        st.dataframe(
            pd.DataFrame(
                {
                    t("plan.col_action"): [a.text for a in actions],
                    t("plan.col_owner"): [a.owner_name or t("plan.no_owner") for a in actions],
                    t("plan.col_due"): [day(a.due_on) for a in actions],
                    t("plan.col_status"): [t(f"action.status_{a.status}") for a in actions],
                }
            ),
            hide_index=True,
        )

held = plan.last_held_meeting
if held is not None and held.decisions:
    st.subheader(t("plan.decisions"), anchor=False)
    for decision in held.decisions:
        show_text(decision)

st.subheader(t("plan.next_meeting"), anchor=False)
coming = plan.next_meeting
st.write(moment(coming.starts_at) if coming else t("prepare.no_meeting"))
