"""The demo offer an administrator sees while there are no citizens yet (first-run journey)."""

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
