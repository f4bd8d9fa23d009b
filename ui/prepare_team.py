"""Step 3 of Forberedelse: the team and the private network, and the citizen's contact person.

The contact person is chosen here, where the people are added (step 1 only shows it). A
professional's department is picked from the municipality's list (ui.prepare_shared).
"""

from __future__ import annotations

import streamlit as st

from models import people
from models.db import session_scope
from models.plans import PersonView
from ui import prepare_team_edit
from ui.i18n import t
from ui.prepare_shared import Prep, chosen_department, department_picker, nonce, write
from ui.text_table import show_table
from ui.widgets import choose, day, form


def _warnings(prep: Prep) -> None:
    prep.warn_uncovered(prep.uncovered_ids)
    professionals = [p for p in prep.active if p.kind == "professional"]
    if professionals and not any(p.is_coordinator for p in professionals):
        st.warning(t("before.no_coordinator"), icon="⚠️")
    elif professionals and not any(p.is_deputy for p in professionals):
        st.info(t("before.no_deputy"))


def _tables(prep: Prep) -> None:
    plan, active = prep.plan, prep.active

    def marks(p: PersonView) -> str:
        found = [
            t("before.mark_coordinator") if p.is_coordinator else "",
            t("before.mark_deputy") if p.is_deputy else "",
            t("before.mark_contact") if p.id == plan.citizen.contact_person_id else "",
        ]
        return ", ".join(m for m in found if m)

    if active:
        show_table(
            {
                t("prepare.col_name"): [p.name for p in active],
                t("prepare.col_kind"): [t(f"person.kind_{p.kind}") for p in active],
                t("prepare.col_role"): [p.title or p.relation or "" for p in active],
                t("prepare.col_department"): [p.department or "" for p in active],
                t("before.col_consent"): [prep.flag(p) for p in active],
                t("before.col_marks"): [marks(p) for p in active],
                t("before.col_contact"): [" · ".join(x for x in (p.phone, p.email) if x) for p in active],
            },
            key="prep-team",
        )
    else:
        st.info(t("prepare.no_people"))
    if len(active) != len(plan.people):
        with st.expander(t("before.team_history")):
            show_table(
                {
                    t("prepare.col_name"): [p.name for p in plan.people],
                    t("prepare.col_role"): [p.title or p.relation or "" for p in plan.people],
                    t("prepare.col_department"): [p.department or "" for p in plan.people],
                    t("before.col_added"): [day(p.added_on) for p in plan.people],
                    t("before.col_removed"): [day(p.removed_on) for p in plan.people],
                },
                key="prep-team-history",
            )


def _add_professional(prep: Prep) -> None:
    st.subheader(t("before.add_professional"), anchor=False)
    n = nonce("pro")
    with session_scope() as session:
        users = people.linkable_users(session=session, actor=prep.actor)
    user_names = {u.id: f"{u.full_name} ({u.username})" for u in users}
    with form(key=f"pro-{prep.cid}-{n}"):
        p_name = st.text_input(t("before.person_name"), key=f"pro-name-{n}")
        p_picked, p_typed = department_picker(key=f"pro-dep-{n}")
        p_title = st.text_input(t("before.title"), key=f"pro-title-{n}")
        p_email = st.text_input(t("before.email"), key=f"pro-email-{n}")
        p_phone = st.text_input(
            t("before.phone"), key=f"pro-phone-{n}", placeholder=t("phone.placeholder"), help=t("phone.help")
        )
        p_user = st.selectbox(
            t("before.user_account"),
            options=[None, *user_names],
            format_func=lambda u: t("before.no_user") if u is None else user_names[u],
            key=f"pro-user-{n}", placeholder=choose(),
        )
        p_coord = st.checkbox(t("before.is_coordinator"), key=f"pro-coord-{n}")
        p_deputy = st.checkbox(t("before.is_deputy"), key=f"pro-deputy-{n}")
        if st.form_submit_button(t("before.add"), type="primary"):
            write(
                lambda s: people.add_person(
                    session=s,
                    actor=prep.actor,
                    citizen_id=prep.cid,
                    kind="professional",
                    name=p_name,
                    department=chosen_department(p_picked, p_typed),
                    title=p_title,
                    email=p_email,
                    phone=p_phone,
                    user_id=p_user,
                    is_coordinator=p_coord,
                    is_deputy=p_deputy,
                ),
                "before.person_added",
                fresh="pro",
                name=p_name.strip(),
            )


def _add_private(prep: Prep) -> None:
    st.subheader(t("before.add_private"), anchor=False)
    n = nonce("private")
    with form(key=f"private-{prep.cid}-{n}"):
        q_name = st.text_input(t("before.person_name"), key=f"pri-name-{n}")
        q_rel = st.text_input(t("before.relation"), key=f"pri-rel-{n}")
        q_phone = st.text_input(
            t("before.phone"), key=f"pri-phone-{n}", placeholder=t("phone.placeholder"), help=t("phone.help")
        )
        q_email = st.text_input(t("before.email"), key=f"pri-email-{n}")
        if st.form_submit_button(t("before.add"), type="primary"):
            write(
                lambda s: people.add_person(
                    session=s,
                    actor=prep.actor,
                    citizen_id=prep.cid,
                    kind="private",
                    name=q_name,
                    relation=q_rel,
                    email=q_email,
                    phone=q_phone,
                ),
                "before.person_added",
                fresh="private",
                name=q_name.strip(),
            )


def _contact_person(prep: Prep) -> None:
    """The citizen's one contact person ("én indgang"), among the people just added."""
    st.subheader(t("before.contact_title"), anchor=False)
    st.caption(t("before.contact_help"))
    if not prep.active:
        st.info(t("prep25.contact_add_people_first"))
        return
    with form(key=f"contact-{prep.cid}"):
        options = [None, *[p.id for p in prep.active]]
        current = prep.plan.citizen.contact_person_id
        chosen = st.selectbox(
            t("before.contact_choose"),
            options=options,
            index=options.index(current) if current in options else 0,
            format_func=lambda pid: t("before.contact_none") if pid is None else prep.labelled(pid),
            key=f"contact-choice-{prep.cid}", placeholder=choose(),
        )
        if st.form_submit_button(t("prep25.save_contact")):
            write(
                lambda s: people.set_contact_person(
                    session=s, actor=prep.actor, citizen_id=prep.cid, person_id=chosen
                ),
                "before.contact_saved",
            )


def show(prep: Prep) -> None:
    _warnings(prep)
    _tables(prep)
    col_pro, col_private = st.columns(2)
    with col_pro:
        _add_professional(prep)
    with col_private:
        _add_private(prep)
    _contact_person(prep)
    prepare_team_edit.show(prep)
