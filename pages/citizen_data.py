"""Borgerens data: the citizen's rights — who has seen their data, a copy of all of it, erasure."""

import pandas as pd
import streamlit as st

from exports.citizen_copy import build_citizen_copy_zip
from models.db import session_scope
from models.erasure import compact_database, erase_citizen
from models.errors import AccessDenied
from models.plans import load_joint_plan
from models.rights import access_log_for_plan, citizen_copy
from ui.context import CITIZEN_KEY, current_actor, require_citizen
from ui.downloads import download_button
from ui.feedback import attempt, flash, show_flash, show_user_error
from ui.i18n import t
from ui.widgets import citizen_header, form, moment

actor = current_actor()
st.title(t("rights.title"))
show_flash()
chosen = require_citizen()


def _plan_and_log():
    """The plan and its access log in one read session: both audit rows (or the log's refusal)
    go in at its end, in one short write (issue 16)."""
    with session_scope() as session:
        plan = load_joint_plan(session=session, actor=actor, citizen_id=chosen, purpose="rights.read")
        try:
            return plan, access_log_for_plan(session=session, actor=actor, plan=plan), None
        except AccessDenied as refusal:  # not the coordinator: the plan is shown, the log is not
            return plan, None, refusal


loaded = attempt(_plan_and_log)
if loaded is None:
    st.stop()
plan, entries, refused = loaded
citizen_header(plan)
citizen_id = plan.citizen.id

st.subheader(t("rights.log_title"), anchor=False)
st.caption(t("rights.log_intro"))
if refused is not None:
    show_user_error(refused)
if entries is not None:
    st.dataframe(
        pd.DataFrame(
            {
                t("rights.col_when"): [moment(e.at) for e in entries],
                t("rights.col_who"): [e.user_name or t("rights.system") for e in entries],
                t("rights.col_what"): [e.action for e in entries],
                t("rights.col_outcome"): [t(f"rights.outcome_{e.outcome}") for e in entries],
            }
        ),
        hide_index=True,
        height=320,
    )

    st.subheader(t("rights.copy_title"), anchor=False)
    st.caption(t("rights.copy_intro"))

    def _copy(who) -> bytes:  # noqa: ANN001
        with session_scope(write=True) as session:
            return build_citizen_copy_zip(citizen_copy(session=session, actor=who, citizen_id=citizen_id))

    download_button(
        t("rights.copy_download"), kind="citizen_copy", build=_copy, citizen_id=citizen_id,
        file_name=f"samplan-borger-{citizen_id}.zip", mime="application/zip", key="citizen_copy",
    )

if actor.is_admin:
    st.subheader(t("rights.erase_title"), anchor=False)
    st.warning(t("rights.erase_intro"))
    with form("erase"):
        typed = st.text_input(t("rights.erase_confirm"), key="erase_name")
        if st.form_submit_button(t("rights.erase_button")):

            def _erase():
                with session_scope(write=True) as session:
                    erase_citizen(session=session, actor=actor, citizen_id=citizen_id, confirm_name=typed)
                compact_database()
                return True

            if attempt(_erase):
                st.session_state.pop(CITIZEN_KEY, None)
                flash("rights.erased")
                st.rerun()
