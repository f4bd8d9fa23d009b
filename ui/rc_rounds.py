"""Leaders open, follow and close relational coordination rounds on Overblik (issue 24).

The form takes a name, a period and the departments (the administrators' list); the list of
rounds shows each one's status and how many have answered (never who, never what). Rules and
refusals are in models.relational_coordination_rounds.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from models.access import Actor
from models.db import session_scope
from models.departments import list_departments
from models.relational_coordination_rounds import (
    RoundView,
    close_round,
    list_rounds,
    open_round,
    respondent_counts,
)
from models.tables import today
from ui.feedback import attempt, flash, show_flash
from ui.i18n import t
from ui.safe import escape_markdown
from ui.widgets import choose_many, day, form, unfolded

PLACE = "rc-rounds"


def status(view: RoundView) -> str:
    on = today()
    if view.has_ended(on):
        return t("rc.lead.status_ended")
    return t("rc.lead.status_open") if view.is_open(on) else t("rc.lead.status_upcoming")


def rounds_panel(actor: Actor) -> list[RoundView]:
    """The form to start a round and the list of rounds; returns the rounds (newest first)."""
    show_flash(at=PLACE)
    with session_scope() as session:
        rounds = list_rounds(session=session, actor=actor)
        answered = respondent_counts(session=session, round_ids=[r.id for r in rounds])
    if (box := unfolded(t("rc.lead.open_title"), key="rc_open_unfold")) is not None:
        with session_scope() as session:  # the department list is read only when the form is open
            departments = list_departments(session=session)
        with box:
            _open_form(actor, {d.id: d.name for d in departments})
    st.markdown(f"#### {t('rc.lead.rounds_title')}")
    if not rounds:
        st.info(t("rc.lead.no_rounds"))
        return rounds
    st.dataframe(
        pd.DataFrame(
            {
                t("rc.col.round"): [r.name for r in rounds],
                t("rc.col.period"): [f"{day(r.starts_on)} – {day(r.ends_on)}" for r in rounds],
                t("rc.col.status"): [status(r) for r in rounds],
                t("rc.col.answered"): [answered[r.id] for r in rounds],
            }
        ),
        hide_index=True,
        key="rc_rounds_table",
    )
    for view in rounds:
        if view.is_open(today()) and st.button(
            t("rc.lead.close_button", name=escape_markdown(view.name)), key=f"rc_close_{view.id}"
        ):

            def _close(round_id: int = view.id) -> RoundView:
                with session_scope(write=True) as session:
                    return close_round(session=session, actor=actor, round_id=round_id)

            closed = attempt(_close)
            if closed is not None:
                flash("rc.lead.closed", at=PLACE, name=closed.name)  # flash escapes it
                st.rerun()
    return rounds


def _open_form(actor: Actor, departments: dict[int, str]) -> None:
    start = today()
    with form("rc-open-form"):
        name = st.text_input(
            t("rc.lead.name"), key="rc_new_name", placeholder=t("rc.lead.name_placeholder"), max_chars=200
        )
        period = st.date_input(
            t("rc.lead.period"),
            value=(start, start + timedelta(days=13)),
            min_value=start,
            format="DD.MM.YYYY",
            key="rc_new_period",
        )
        chosen = st.multiselect(
            t("rc.lead.departments"),
            options=list(departments),
            format_func=departments.get,
            key="rc_new_departments",
            placeholder=choose_many(),
        )
        sent = st.form_submit_button(t("rc.lead.open_button"), type="primary")
    if not sent:
        return
    starts_on, ends_on = (
        (tuple(period) + (None, None))[:2] if isinstance(period, tuple | list) else (None, None)
    )

    def _open() -> RoundView:
        with session_scope(write=True) as session:
            return open_round(
                session=session,
                actor=actor,
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                department_ids=list(chosen),
            )

    opened = attempt(_open)
    if opened is not None:
        flash("rc.lead.opened", at=PLACE, name=opened.name)
        st.rerun()
