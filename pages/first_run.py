"""First run on an empty database: create the first administrator, then log in.

When another browser created the administrator first (models.users.create_first_admin is
atomic), this one is sent to the login screen with "already set up".
"""

import streamlit as st

from models.db import session_scope
from models.errors import UserError
from models.users import create_first_admin
from ui.context import log_in
from ui.feedback import attempt, flash
from ui.i18n import t
from ui.widgets import form

ALREADY_SET_UP_KEY = "_already_set_up"

st.title(t("first_run.title"))
st.write(t("first_run.intro"))

with form("first_admin"):
    full_name = st.text_input(t("first_run.full_name"), key="first_full_name")
    username = st.text_input(t("first_run.username"), key="first_username", autocomplete="username")
    email = st.text_input(t("first_run.email"), key="first_email")
    password = st.text_input(t("first_run.password"), type="password", key="first_password")
    repeat = st.text_input(t("first_run.repeat"), type="password", key="first_repeat")
    submitted = st.form_submit_button(t("first_run.submit"), type="primary")


def _create():
    try:
        with session_scope(write=True) as session:
            return create_first_admin(
                session=session, username=username, full_name=full_name, email=email or None,
                password=password, repeat=repeat,
            )
    except UserError as error:
        if error.key != "error.already_set_up":
            raise
        # Someone else set Samplan up meanwhile: app.py now shows the login page, which says so
        # (pages/login.py reads this key once).
        st.session_state[ALREADY_SET_UP_KEY] = True
        return None


if submitted:
    actor = attempt(_create)
    if actor is not None:
        log_in(actor)
        flash("first_run.done")
        st.rerun()
    elif st.session_state.get(ALREADY_SET_UP_KEY):
        st.rerun()

st.page_link("pages/accessibility.py", label=t("a11y.link"), icon="♿")
