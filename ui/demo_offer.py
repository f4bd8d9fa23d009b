"""The demo offer an administrator sees while there are no citizens yet (first-run journey), and
the way to the citizens from a start page with nothing on it (issue 19)."""

from __future__ import annotations

import streamlit as st

from models.access import Actor
from models.demo import load_demo
from ui.context import visible_citizens
from ui.feedback import attempt
from ui.i18n import t

RESULT_KEY = "_demo_result"


def offer_demo(actor: Actor) -> None:
    """Offer the demo on an empty database; after loading, show the demo users' password once."""
    result = st.session_state.get(RESULT_KEY)
    if result:
        usernames, password = result
        st.success(t("demo.loaded", users=", ".join(usernames)))
        if password:
            st.code(password, language=None)
            st.caption(t("demo.password_once"))
        st.write(t("first_hour.more.demo_next"))
        point_to_citizens()
        return
    if not actor.is_admin or visible_citizens(actor):
        return
    st.subheader(t("demo.title"), anchor=False)
    st.write(t("demo.intro"))
    if st.button(t("demo.load"), type="primary", key="load_demo"):
        loaded = attempt(load_demo)
        if loaded is not None:
            st.session_state[RESULT_KEY] = (loaded.usernames, loaded.password)
            st.rerun()


def point_to_citizens() -> None:
    """A link to Mine borgere, where every citizen the user may open is listed."""
    st.page_link("pages/home.py", label=t("first_hour.more.go_citizens"), icon="🏠")


def no_open_agreements() -> None:
    """Opfølgning for someone who owns no open agreement (e.g. an administrator after the demo):
    say so, and where the citizens are instead of an empty page."""
    st.info(t("followup.none_mine") + " " + t("first_hour.more.none_mine_where"))
    if not st.session_state.get(RESULT_KEY):  # the demo's message above has the link already
        point_to_citizens()
