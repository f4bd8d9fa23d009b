"""Step 1 of Forberedelse: the citizen's record, the next meeting at a glance, and a new citizen.

The contact person is chosen in step 3, where the team is built; here it is shown read-only
with a button to that step, so the user never has to come back to step 1 for it.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from models import people
from models.access import Actor
from models.db import session_scope
from models.departments import department_of_user
from models.next_meeting import next_meeting_words
from models.tables import today
from ui.context import CITIZEN_KEY
from ui.feedback import attempt, flash
from ui.i18n import lang, t
from ui.prepare_shared import Prep, department_names, go_to_step, next_nonce, nonce, seen, write
from ui.text_block import show_lines
from ui.widgets import day, form, person_line, unfolded

YES, NO = "yes", "no"


def new_citizen_form(actor: Actor) -> None:
    """Create a citizen; the creator answers whether they are the coordinating caseworker."""
    n = nonce("citizen")
    with session_scope() as session:
        own_department = department_of_user(session=session, user_id=actor.user_id)
    options = department_names(keep=own_department)
    with form(key=f"new-citizen-{n}"):
        name = st.text_input(t("before.citizen_name"), key=f"nc-name-{n}")
        born = st.date_input(
            t("before.birth_date"),
            value=None,
            min_value=date(1900, 1, 1),
            max_value=today(),
            format="DD.MM.YYYY",
            key=f"nc-born-{n}",
        )
        phone = st.text_input(t("before.phone"), key=f"nc-phone-{n}")
        email = st.text_input(t("before.email"), key=f"nc-email-{n}")
        st.caption(t("before.no_cpr"))
        answer = st.radio(
            t("prep25.are_you_coordinator"),
            options=[YES, NO],
            index=None,
            horizontal=True,
            format_func=lambda a: t(f"prep25.answer_{a}"),
            help=t("prep25.are_you_coordinator_help"),
            key=f"nc-coordinator-{n}",
        )
        department = st.selectbox(
            t("prep25.your_department"),
            options=options,
            index=options.index(own_department) if own_department in options else None,
            placeholder=t("prep25.department_choose"),
            key=f"nc-department-{n}",
        )
        if st.form_submit_button(t("before.create_citizen"), type="primary"):

            def create() -> object:
                with session_scope(write=True) as session:
                    return people.create_citizen(
                        session=session,
                        actor=actor,
                        name=name,
                        birth_date=born,
                        phone=phone,
                        email=email,
                        creator_is_coordinator=None if answer is None else answer == YES,
                        creator_department=department,
                    )

            saved = attempt(create)
            if saved is not None:
                next_nonce("citizen")
                st.session_state[CITIZEN_KEY] = saved.id
                flash("before.citizen_created", name=name.strip())
                st.rerun()


def _edit_form(prep: Prep) -> None:
    cid = prep.cid
    v = seen(f"citizen-{cid}", prep.plan.citizen.version)  # the version the form opened on
    with form(key=f"citizen-{cid}-{v}"):
        c = prep.plan.citizen
        name = st.text_input(t("before.citizen_name"), value=c.name, key=f"c-name-{cid}-{v}")
        born = st.date_input(
            t("before.birth_date"),
            value=c.birth_date,
            min_value=date(1900, 1, 1),
            max_value=today(),
            format="DD.MM.YYYY",
            key=f"c-born-{cid}-{v}",
        )
        phone = st.text_input(t("before.phone"), value=c.phone or "", key=f"c-phone-{cid}-{v}")
        email = st.text_input(t("before.email"), value=c.email or "", key=f"c-email-{cid}-{v}")
        show_lines([("caption", t("before.no_cpr"))])
        if st.form_submit_button(t("before.save")):
            write(
                lambda s: people.update_citizen(
                    session=s,
                    actor=prep.actor,
                    citizen_id=cid,
                    seen_version=v,
                    name=name,
                    birth_date=born,
                    phone=phone,
                    email=email,
                ),
                "before.saved",
                forget=(f"seen-citizen-{cid}",),
            )


def show(prep: Prep) -> None:
    plan, cid = prep.plan, prep.cid
    # Titles and read-only lines are text blocks (ui/text_block.py), not st.subheader and st.text:
    # each of those is drawn through Streamlit's Markdown component on every visit (issue 16).
    c = plan.citizen
    missing = t("before.facts_missing")
    show_lines([("subheading", t("before.edit_citizen")),
                ("label", t("before.facts_name")), ("text", c.name),
                ("label", t("before.facts_born")), ("text", day(c.birth_date) if c.birth_date else missing),
                ("label", t("before.facts_phone")), ("text", c.phone or missing),
                ("label", t("before.facts_email")), ("text", c.email or missing)],
               key="citizen-facts")  # fmt: skip
    # The form is drawn only when unfolded: its five fields were ~40 ms of the browser's drawing on
    # every visit to Forberedelse (issue 16; measured side by side: median 142 -> 100 ms), and
    # most visits read the details rather than change them.
    if (box := unfolded(t("before.edit_open"), key=f"citizen-edit-{cid}")) is not None:
        with box:
            _edit_form(prep)

    contact = plan.contact_person
    show_lines([("subheading", t("before.contact_title")),
                ("text", person_line(contact) if contact is not None else t("prep25.contact_not_chosen"))],
               key="contact-read-only")  # fmt: skip
    st.button(
        t("prep25.contact_go_to_team"), key=f"contact-go-team-{cid}", on_click=go_to_step, args=("team",)
    )

    words = next_meeting_words(prep.meeting, lang())
    when = words.text if words else t("prepare.no_meeting")
    show_lines([("subheading", t("plan.next_meeting")), ("text", when)], key="next-meeting-words")

    # Drawn only when unfolded: folded, its form was a third of this step's fields, drawn on every
    # visit to Forberedelse (issue 16). With no citizen chosen the page shows the form at once.
    if (box := unfolded(t("before.new_citizen"), key="prep_new_citizen_open")) is not None:
        with box:
            new_citizen_form(prep.actor)
