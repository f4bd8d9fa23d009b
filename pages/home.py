"""Mine borgere: the user's citizens at a glance, a page at a time with a search by name, and (for
an administrator on an empty database) the demo."""

import streamlit as st

from models.citizens import CITIZENS_PER_PAGE, citizens_page
from models.db import session_scope
from ui.context import CITIZEN_KEY, current_actor, selected_citizen_id, visible_citizens
from ui.demo_offer import offer_demo
from ui.feedback import show_flash
from ui.fragments import page_part
from ui.i18n import t
from ui.row_list import row_list
from ui.safe import escape_markdown
from ui.widgets import moment, rows_shown, show_more_button

actor = current_actor()
st.title(t("home.title"))
show_flash()
st.write(escape_markdown(t("home.welcome", name=actor.full_name)))

SHOWN_KEY = "home_shown"


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
        columns = [t("home.col_name"), t("home.col_next_meeting"), t("home.col_open"), t("home.col_overdue")]
        rows = [(s.id, [s.name, moment(s.next_meeting_at), str(s.open_actions), str(s.overdue_actions)])
                for s in summaries]  # fmt: skip

        def _pick(citizen_id: int) -> None:
            # A callback runs before the sidebar's picker is drawn, so it may set the choice; the
            # whole app runs, not only this part, so the sidebar shows it.
            st.session_state[CITIZEN_KEY] = citizen_id
            st.rerun()

        st.caption(t("home.pick_hint"))
        # A table whose names are buttons (ui/row_list.py): one element, read as a table.
        row_list(rows, chosen=selected_citizen_id(), key="home-citizens", label=t("home.list_label"),
                 columns=columns, on_choose=_pick)  # fmt: skip
        if page.matching > len(summaries):
            hidden = page.matching - len(summaries)
            show_more_button(t("home.show_more", count=min(CITIZENS_PER_PAGE, hidden), hidden=hidden),
                             key="home_more", shown_key=SHOWN_KEY, page_size=CITIZENS_PER_PAGE)  # fmt: skip


offer_demo(actor)
citizens_list()
