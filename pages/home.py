"""Start: the user's citizens at a glance, and (for an administrator on an empty database) the demo."""

import pandas as pd
import streamlit as st

from models.citizens import citizen_summaries
from models.db import session_scope
from models.demo import load_demo
from ui.context import CITIZEN_KEY, current_actor
from ui.feedback import attempt, show_flash
from ui.i18n import t
from ui.safe import escape_markdown
from ui.widgets import moment

actor = current_actor()
st.title(t("home.title"))
show_flash()
st.write(escape_markdown(t("home.welcome", name=actor.full_name)))

with session_scope() as session:
    summaries = citizen_summaries(session=session, actor=actor)

if not summaries:
    st.info(t("home.no_citizens"))
    if actor.is_admin:
        st.subheader(t("demo.title"), anchor=False)
        st.write(t("demo.intro"))
        if st.button(t("demo.load"), type="primary", key="load_demo"):
            result = attempt(load_demo)
            if result is not None:
                st.session_state["_demo_result"] = (result.usernames, result.password)
                st.rerun()
else:
    frame = pd.DataFrame(
        {
            t("home.col_name"): [s.name for s in summaries],
            t("home.col_next_meeting"): [moment(s.next_meeting_at) for s in summaries],
            t("home.col_open"): [s.open_actions for s in summaries],
            t("home.col_overdue"): [s.overdue_actions for s in summaries],
        }
    )
    ids = [s.id for s in summaries]

    def _pick() -> None:
        # A callback runs before the sidebar's picker is drawn, so it may set the choice.
        rows = st.session_state["home_citizens"].selection.rows
        if rows:
            st.session_state[CITIZEN_KEY] = ids[rows[0]]

    st.caption(t("home.pick_hint"))
    st.dataframe(frame, hide_index=True, on_select=_pick, selection_mode="single-row", key="home_citizens")

demo = st.session_state.get("_demo_result")
if demo:
    usernames, password = demo
    st.success(t("demo.loaded", users=", ".join(usernames)))
    if password:
        st.code(password, language=None)
        st.caption(t("demo.password_once"))
