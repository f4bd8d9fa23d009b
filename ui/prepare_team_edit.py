"""Step 3 of Forberedelse, continued: editing and removing someone on the team or in the network."""

from __future__ import annotations

import streamlit as st

from models import people
from models.db import session_scope
from models.plans import person_version_in_plan
from models.tables import today
from ui.i18n import t
from ui.prepare_shared import Prep, chosen_department, department_picker, seen, write
from ui.widgets import choose, form


def _edit(prep: Prep, pid: int) -> None:
    person = prep.plan.person(pid)
    if person is None:
        return
    with session_scope() as session:
        version = person_version_in_plan(session=session, actor=prep.actor, plan=prep.plan, person_id=pid)
    v = seen(f"person-{pid}", version)
    pro = person.kind == "professional"
    with form(key=f"person-{pid}-{v}"):
        e_name = st.text_input(t("before.person_name"), value=person.name, key=f"pe-name-{pid}-{v}")
        e_picked, e_typed = department_picker(
            key=f"pe-dep-{pid}-{v}", current=person.department, disabled=not pro
        )
        e_title = st.text_input(
            t("before.title"), value=person.title or "", key=f"pe-title-{pid}-{v}", disabled=not pro
        )
        e_rel = st.text_input(
            t("before.relation"), value=person.relation or "", key=f"pe-rel-{pid}-{v}", disabled=pro
        )
        e_email = st.text_input(t("before.email"), value=person.email or "", key=f"pe-email-{pid}-{v}")
        e_phone = st.text_input(
            t("before.phone"), value=person.phone or "", key=f"pe-phone-{pid}-{v}",
            placeholder=t("phone.placeholder"), help=t("phone.help"),
        )  # fmt: skip
        e_coord = st.checkbox(
            t("before.is_coordinator"),
            value=person.is_coordinator,
            key=f"pe-coord-{pid}-{v}",
            disabled=not pro,
        )
        e_deputy = st.checkbox(
            t("before.is_deputy"), value=person.is_deputy, key=f"pe-deputy-{pid}-{v}", disabled=not pro
        )
        if st.form_submit_button(t("before.save")):
            write(
                lambda s: people.update_person(
                    session=s,
                    actor=prep.actor,
                    person_id=pid,
                    seen_version=v,
                    name=e_name,
                    department=chosen_department(e_picked, e_typed),
                    title=e_title,
                    relation=e_rel,
                    email=e_email,
                    phone=e_phone,
                    is_coordinator=e_coord,
                    is_deputy=e_deputy,
                ),
                "before.person_saved",
                forget=(f"seen-person-{pid}",),
            )


def _remove(prep: Prep) -> None:
    with st.expander(t("before.remove_person")), form(key=f"remove-{prep.cid}"):
        r_pid = st.selectbox(
            t("before.choose_person"),
            options=[p.id for p in prep.active],
            format_func=prep.labelled,
            key=f"remove-choice-{prep.cid}", placeholder=choose(),
        )
        r_on = st.date_input(
            t("before.remove_on"), value=today(), format="DD.MM.YYYY", key=f"remove-on-{prep.cid}"
        )
        if st.form_submit_button(t("before.remove")):
            write(
                lambda s: people.remove_person(session=s, actor=prep.actor, person_id=r_pid, on=r_on),
                "before.person_removed",
                name=prep.names.get(r_pid, ""),
            )


def show(prep: Prep) -> None:
    if not prep.active:
        return
    st.subheader(t("before.edit_person"), anchor=False)
    pid = st.selectbox(
        t("before.choose_person"),
        options=[p.id for p in prep.active],
        format_func=prep.labelled,
        key=f"edit-choice-{prep.cid}", placeholder=choose(),
    )
    if pid is not None:
        _edit(prep, pid)
    _remove(prep)
