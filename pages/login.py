"""Log in with a local account. The same message for every failure (no name probing).

models.users.authenticate opens its own short transactions (the password check runs outside
any of them) and counts attempts per typed name in the database; this page adds the browser
session's own limit, by handing it the session's list of attempt times.
"""

import streamlit as st

from models.users import authenticate
from ui.context import EXPIRED_KEY, log_in
from ui.feedback import attempt
from ui.i18n import t
from ui.sidebar import language_choice
from ui.widgets import form

ATTEMPTS_KEY = "_login_attempts"  # this browser session's attempt times (no names, no passwords)
ALREADY_SET_UP_KEY = "_already_set_up"  # set by pages/first_run.py when another browser won

language_choice()
st.title(t("login.title"))
st.caption(t("login.intro"))
if st.session_state.pop(EXPIRED_KEY, False):
    st.info(t("login.expired"))
if st.session_state.pop(ALREADY_SET_UP_KEY, False):
    st.info(t("error.already_set_up"))

with form("login", enter_to_submit=True):
    username = st.text_input(t("login.username"), key="login_username", autocomplete="username")
    password = st.text_input(
        t("login.password"), type="password", key="login_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(t("login.submit"), type="primary")


def _authenticate():
    attempts = st.session_state.setdefault(ATTEMPTS_KEY, [])
    return authenticate(username=username, password=password, session_attempts=attempts)


if submitted:
    actor = attempt(_authenticate)
    if actor is not None:
        log_in(actor)
        st.rerun()

st.page_link("pages/accessibility.py", label=t("a11y.link"), icon="♿")
