"""First run on an empty database: create the first administrator, then log in."""

import streamlit as st

from models.db import session_scope
from models.users import create_first_admin
from ui.context import log_in
from ui.feedback import attempt, flash
from ui.i18n import t

st.title(t("first_run.title"))
st.write(t("first_run.intro"))

with st.form("first_admin"):
    full_name = st.text_input(t("first_run.full_name"), key="first_full_name")
    username = st.text_input(t("first_run.username"), key="first_username", autocomplete="username")
    email = st.text_input(t("first_run.email"), key="first_email")
    password = st.text_input(t("first_run.password"), type="password", key="first_password")
    repeat = st.text_input(t("first_run.repeat"), type="password", key="first_repeat")
    submitted = st.form_submit_button(t("first_run.submit"), type="primary")


def _create():
    with session_scope(write=True) as session:
        return create_first_admin(
            session=session, username=username, full_name=full_name, email=email or None,
            password=password, repeat=repeat,
        )


if submitted:
    actor = attempt(_create)
    if actor is not None:
        log_in(actor)
        flash("first_run.done")
        st.rerun()
