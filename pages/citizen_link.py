"""The citizen's own page, opened through their personal link (issue 20): no login, no sidebar.

The citizen prepares the next meeting, proposes agenda items, says yes or no to the plan, ticks
off their own agreements and writes a short message to their contact person; every section can
be read aloud. The token is exchanged for this tab's session on arrival (ui/citizen_session.py);
what the page shows is cut down to the citizen's own plan (models/citizen_view.py).
"""

import streamlit as st

from models.citizen_view import load_citizen_page
from models.db import session_scope
from ui import citizen_sections as sections
from ui.citizen_session import citizen_link_id_or_stop, show_closed
from ui.feedback import show_flash
from ui.i18n import t

link_id = citizen_link_id_or_stop()
with session_scope() as session:
    page = load_citizen_page(session=session, link_id=link_id)
if page is None:
    show_closed()

with st.container(key="big-my-plan"):
    st.title(t("citizen_link.hello", name=page.first_name), anchor=False)
    st.write(t("citizen_link.intro"))
    show_flash()
    sections.contact_and_meeting(page)
    sections.preparation(page)
    sections.agenda(page)
    sections.goals(page)
    sections.whole_plan(page)
    sections.agreements(page)
    sections.message(page)
    with st.container(key="citizen-new-link", border=True):
        st.subheader(t("citizen_link.new_link_title"), anchor=False)
        st.write(t("citizen_link.new_link_how"))

# The accessibility statement, for the citizen too (issue 18).
st.page_link("pages/accessibility.py", label=t("a11y.link"), icon="♿")
