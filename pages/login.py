"""Log in with a local account. The same message for every failure (no name probing)."""

import streamlit as st

from models.db import session_scope
from models.users import authenticate
from ui.context import EXPIRED_KEY, log_in
from ui.feedback import attempt
from ui.i18n import t

st.title(t("login.title"))
st.caption(t("login.intro"))
if st.session_state.pop(EXPIRED_KEY, False):
    st.info(t("login.expired"))

with st.form("login"):
    username = st.text_input(t("login.username"), key="login_username", autocomplete="username")
    password = st.text_input(
        t("login.password"), type="password", key="login_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(t("login.submit"), type="primary")


def _authenticate():
    with session_scope(write=True) as session:
        return authenticate(session=session, username=username, password=password)


if submitted:
    actor = attempt(_authenticate)
    if actor is not None:
        log_in(actor)
        st.rerun()
