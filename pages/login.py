"""Log in with a local account, or with the municipality's single sign-on (ui/sso.py, issue 22):
the configuration says which are on (models/oidc_config.py; local accounts only by default).
The same message for every failure of a password login (no name probing).

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
from ui.sso import end_provider_session, login_link, methods, show_outcome
from ui.widgets import form

ATTEMPTS_KEY = "_login_attempts"  # this browser session's attempt times (no names, no passwords)
ALREADY_SET_UP_KEY = "_already_set_up"  # set by pages/first_run.py when another browser won

language_choice()
st.title(t("login.title"))
st.caption(t("login.intro"))
login_methods = methods()
end_provider_session(login_methods)  # after "Log ud" of a single sign-on login, once
show_outcome()
if st.session_state.pop(EXPIRED_KEY, False):
    st.info(t("login.expired"))
if st.session_state.pop(ALREADY_SET_UP_KEY, False):
    st.info(t("error.already_set_up"))
if login_methods.sso is not None:
    login_link(login_methods.sso.display_name, login_methods.sso.login_url)

submitted = False
if login_methods.local:
    if login_methods.sso is not None:
        st.subheader(t("sso.local_heading"))
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
