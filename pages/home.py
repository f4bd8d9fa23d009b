"""Mine borgere: the user's citizens at a glance, a page at a time with a search by name, and (for
an administrator on an empty database) the demo."""

import pyarrow as pa
import streamlit as st

from models.citizens import CITIZENS_PER_PAGE, citizens_page
from models.db import session_scope
from ui.context import CITIZEN_KEY, current_actor, visible_citizens
from ui.demo_offer import offer_demo
from ui.feedback import show_flash
from ui.fragments import page_part
from ui.i18n import t
from ui.safe import escape_markdown
from ui.widgets import moment, rows_shown, show_more_button

actor = current_actor()
st.title(t("home.title"))
show_flash()
st.write(escape_markdown(t("home.welcome", name=actor.full_name)))

SHOWN_KEY = "home_shown"
ROW_PX = 35  # st.dataframe's row (and header) height


@page_part
def citizens_list() -> None:
    """The search and the list: a part that reruns alone for a search or "Vis flere" (issue 16;
    ui/fragments.py), so it reads the list itself. Choosing a citizen runs the whole app: the
    sidebar shows the choice."""
    query = st.session_state.get("home_search", "").strip()
    with session_scope() as session:
        page = citizens_page(session=session, actor=actor, query=query, names=visible_citizens(actor),
                             shown=rows_shown(SHOWN_KEY, CITIZENS_PER_PAGE))  # fmt: skip

    if page.total > CITIZENS_PER_PAGE:  # a search earns its place once not every citizen fits on a page
        st.text_input(t("home.search"), key="home_search", placeholder=t("home.search_hint"))
    if not page.total:
        st.info(t("home.no_citizens"))
    elif not page.matching:
        st.info(t("home.none_found"))
    else:
        summaries = page.summaries
        if len(summaries) < page.matching:
            st.caption(t("home.showing", shown=len(summaries), count=page.matching))
        # An Arrow table, as Streamlit sends it: a pandas frame in between cost more than the rows.
        frame = pa.table(
            {
                t("home.col_name"): [s.name for s in summaries],
                t("home.col_next_meeting"): [moment(s.next_meeting_at) for s in summaries],
                t("home.col_open"): pa.array([s.open_actions for s in summaries], pa.int64()),
                t("home.col_overdue"): pa.array([s.overdue_actions for s in summaries], pa.int64()),
            }
        )
        ids = [s.id for s in summaries]
        table_key = f"home_citizens_{hash(tuple(ids))}"  # another list (a search, more rows): no row chosen

        def _pick() -> None:
            # A callback runs before the sidebar's picker is drawn, so it may set the choice.
            rows = st.session_state[table_key].selection.rows
            if rows:
                st.session_state[CITIZEN_KEY] = ids[rows[0]]
                st.rerun()  # the whole app, not only this part: the sidebar's picker shows the choice

        st.caption(t("home.pick_hint"))
        height = ROW_PX * (len(summaries) + 1) + 3  # every shown row, no scrolling inside the table
        st.dataframe(frame, hide_index=True, on_select=_pick, selection_mode="single-row", key=table_key,
                     height=height)  # fmt: skip
        if page.matching > len(summaries):
            hidden = page.matching - len(summaries)
            show_more_button(t("home.show_more", count=min(CITIZENS_PER_PAGE, hidden), hidden=hidden),
                             key="home_more", shown_key=SHOWN_KEY, page_size=CITIZENS_PER_PAGE)  # fmt: skip


offer_demo(actor)
citizens_list()
