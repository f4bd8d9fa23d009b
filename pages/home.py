"""Start: the user's citizens at a glance, and (for an administrator on an empty database) the demo."""

import pandas as pd
import streamlit as st

from models.citizens import citizen_summaries
from models.db import session_scope
from ui.context import CITIZEN_KEY, current_actor
from ui.demo_offer import offer_demo
from ui.feedback import show_flash
from ui.i18n import t
from ui.safe import escape_markdown
from ui.widgets import moment

actor = current_actor()
st.title(t("home.title"))
show_flash()
st.write(escape_markdown(t("home.welcome", name=actor.full_name)))

with session_scope() as session:
    summaries = citizen_summaries(session=session, actor=actor)

offer_demo(actor)
if not summaries:
    st.info(t("home.no_citizens"))
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
