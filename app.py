"""Samplan: page config, database start-up, the login gate and the navigation."""

import logging

import streamlit as st

from models.db import session_scope
from models.migrate import upgrade_database
from models.overview import may_see_overview
from models.settings import database_url
from models.users import has_users
from ui.context import resolve_actor
from ui.feedback import failures_shown
from ui.gc_policy import after_script_run
from ui.i18n import t
from ui.page_language import set_page_language
from ui.sidebar import render_sidebar
from ui.theme import apply_theme

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

st.set_page_config(page_title="Samplan", page_icon="🤝", layout="wide")


@st.cache_resource(show_spinner=False)
def _database_ready(url: str) -> bool:
    """Migrate once per process and database (the engine holds no citizen data)."""
    upgrade_database(url)
    return True


_database_ready(database_url())
apply_theme()

actor = resolve_actor()
# The accessibility statement (issue 18): reachable from every page, logged in or not.
statement = st.Page(
    "pages/accessibility.py", title=t("a11y.nav_title"), icon="♿", url_path="tilgaengelighed"
)
if "room" in st.query_params:
    # The room screen (issue 17): no login, no sidebar; the page checks the room link or code.
    navigation = st.navigation(
        [st.Page("pages/room.py", title=t("room.nav_title"), icon="🖥️")], position="hidden"
    )
elif actor is None and st.query_params.get("link"):
    # The citizen's own link (issue 20): their own page, no sidebar; the page exchanges the token
    # for this tab's session and checks the link on every run (ui/citizen_session.py).
    navigation = st.navigation(
        [st.Page("pages/citizen_link.py", title=t("citizen_link.nav_title"), icon="📄"), statement],
        position="hidden",
    )
elif actor is None:
    with session_scope() as session:
        first_run = not has_users(session=session)
    if first_run:
        navigation = st.navigation(
            [st.Page("pages/first_run.py", title=t("nav.first_run"), icon="🌱"), statement], position="hidden"
        )
    else:
        navigation = st.navigation(
            [st.Page("pages/login.py", title=t("nav.login"), icon="🔑"), statement], position="hidden"
        )
else:
    render_sidebar(actor)
    work = [
        # A team member opens their follow-ups first (overdue agreements at the top).
        st.Page("pages/follow_up.py", title=t("nav.follow_up"), icon="✅", default=True),
        st.Page("pages/home.py", title=t("nav.home"), icon="🏠"),
        st.Page("pages/prepare.py", title=t("nav.prepare"), icon="📝"),
        st.Page("pages/meeting.py", title=t("nav.meeting"), icon="🤝"),
        st.Page("pages/plan.py", title=t("nav.plan"), icon="📄"),
        st.Page("pages/my_plan.py", title=t("planview.nav_title"), icon="🪟"),
        st.Page("pages/citizen_data.py", title=t("nav.citizen_data"), icon="🔒"),
    ]
    if may_see_overview(actor):
        # Overblik is for leaders and administrators (models.overview decides; the page checks too).
        work.insert(-1, st.Page("pages/overview.py", title=t("nav.overview"), icon="📊"))
    if actor.is_admin:
        work.append(st.Page("pages/admin.py", title=t("nav.admin"), icon="⚙️"))
    work.append(st.Page("pages/my_settings.py", title=t("remind.settings.nav_title"), icon="🔔"))
    work.append(statement)
    # One flat list: Streamlit's menu with section headers puts a <div> inside its <ul>, which
    # screen readers and axe-core reject (issue 18: 7-9 serious findings on every page).
    navigation = st.navigation(work)

try:
    # What a page did not catch: a Danish sentence, not Streamlit's English error box.
    with failures_shown():
        navigation.run()
finally:
    # <html lang> and Streamlit's own words in the user's language, on every page (the room
    # screen's language is set by its page, which has run by now).
    set_page_language()
    # Freezes the long-lived heap after a run that imported modules (runner.postScriptGC is off:
    # ui/gc_policy.py says why).
    after_script_run()
