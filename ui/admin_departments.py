"""Administration: the municipality's department list (add, rename, take off the list).

Consents and professionals pick their departments from it (Forberedelse), so they match by
construction. A retired department is no longer offered but stays valid where it is named.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models import departments
from models.access import Actor
from models.db import session_scope
from ui.feedback import attempt, flash
from ui.i18n import t
from ui.widgets import choose, form


def _save(work, done_key: str, **params: object) -> None:  # noqa: ANN001 - a callable of a session
    def action() -> object:
        with session_scope(write=True) as session:
            return work(session)

    if attempt(action) is not None:
        flash(done_key, **params)
        st.rerun()


def department_section(actor: Actor) -> None:
    st.subheader(t("prep25.departments_title"), anchor=False)
    st.caption(t("prep25.departments_help"))
    with session_scope() as session:
        listed = departments.list_departments(session=session, include_retired=True)
    active_word, retired_word = t("prep25.department_active"), t("prep25.department_retired_status")
    if listed:
        st.dataframe(
            pd.DataFrame(
                {
                    t("prep25.col_department"): [d.name for d in listed],
                    t("prep25.col_department_status"): [
                        active_word if d.is_active else retired_word for d in listed
                    ],
                }
            ),
            hide_index=True,
            key="departments-table",
        )
    left, right = st.columns(2)
    with left, form("add_department", clear_on_submit=True):
        name = st.text_input(t("prep25.department_name"), key="dep-new-name")
        if st.form_submit_button(t("prep25.department_add"), type="primary"):
            _save(lambda s: departments.add_department(session=s, actor=actor, name=name),
                  "prep25.department_added", name=name.strip())  # fmt: skip
    active = {d.id: d.name for d in listed if d.is_active}
    if not active:
        return
    with right, form("change_department"):
        chosen = st.selectbox(t("prep25.department_choose_existing"), options=list(active),
                              format_func=active.get, key="dep-choose", placeholder=choose())  # fmt: skip
        new_name = st.text_input(t("prep25.department_new_name"), key="dep-rename")
        rename, retire = st.columns(2)
        if rename.form_submit_button(t("prep25.department_rename")):
            _save(lambda s: departments.rename_department(session=s, actor=actor, department_id=chosen,
                                                          name=new_name),
                  "prep25.department_renamed", name=new_name.strip())  # fmt: skip
        if retire.form_submit_button(t("prep25.department_retire")):
            _save(lambda s: departments.retire_department(session=s, actor=actor, department_id=chosen),
                  "prep25.department_retired")  # fmt: skip
