"""The relational coordination survey on Opfølgning (issue 24): for each open round the user is
asked in, the seven questions about each other department they work with.

Under three minutes: one multiselect (which departments), then one form with seven one-click
questions per department (5 points and "Ved ikke"); nothing is saved until "Send", and a
question left unanswered says so without losing the others. The answers go through
models.relational_coordination_answers (anonymous, once per user and round).
"""

from __future__ import annotations

import time

import streamlit as st

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.relational_coordination import DIMENSIONS, SCALE, load_wording
from models.relational_coordination_answers import submit_answers
from models.relational_coordination_rounds import MyRound, my_open_rounds
from ui.feedback import attempt, flash, show_flash, show_user_error
from ui.i18n import lang, t
from ui.safe import escape_markdown, show_text
from ui.widgets import choose_many, day, form, unfolded

DONT_KNOW = "dont_know"
PLACE = "rc-survey"
QUIET_KEY = "rc_quiet_until"
QUIET_SECONDS = 600


def answer_key(round_id: int, department_id: int, dimension: str) -> str:
    return f"rc_{round_id}_{department_id}_{dimension}"


def surveys(actor: Actor) -> None:
    """Every open round this user is asked in and has not answered yet.

    Opfølgning is the start page and reruns on every click: when there is nothing to ask, the
    tab does not ask the database again for QUIET_SECONDS (a round opened meanwhile shows at the
    next login or after that). The tab keeps only the user's id and a time."""
    quiet = st.session_state.get(QUIET_KEY)
    if not (quiet and quiet[0] == actor.user_id and quiet[1] > time.monotonic()):
        with session_scope() as session:
            waiting = [m for m in my_open_rounds(session=session, actor=actor) if not m.answered]
        if not waiting:
            st.session_state[QUIET_KEY] = (actor.user_id, time.monotonic() + QUIET_SECONDS)
    else:
        waiting = []
    show_flash(at=PLACE)  # the thanks after a sent survey
    for item in waiting:
        with st.container(key=f"rc-survey-{item.round.id}"):
            _survey(actor, item)


def _survey(actor: Actor, item: MyRound) -> None:
    view = item.round
    st.subheader(t("rc.survey.title"), anchor=False)
    st.write(t("rc.survey.intro", name=escape_markdown(view.name), date=day(view.ends_on)))
    box = unfolded(t("rc.survey.open"), key=f"rc_unfold_{view.id}")
    if box is None:
        return
    with box:
        st.write(t("rc.survey.anonymous"))
        names = dict(item.others)
        chosen = st.multiselect(
            t("rc.survey.which"),
            options=list(names),
            format_func=names.get,
            key=f"rc_with_{view.id}",
            placeholder=choose_many(),
            help=t("rc.survey.which_help"),
        )
        if not chosen:
            st.info(t("rc.survey.choose_first"))
            return
        wording = load_wording(lang())
        options = [*SCALE, DONT_KNOW]
        labels = {**dict(zip(SCALE, wording.scale, strict=True)), DONT_KNOW: wording.dont_know}
        with form(f"rc-form-{view.id}", border=False):  # the expander frames it (room on a phone)
            for department_id in chosen:
                st.markdown(f"#### {t('rc.survey.about', department=escape_markdown(names[department_id]))}")
                for dimension in DIMENSIONS:
                    st.radio(
                        escape_markdown(wording.question(dimension, names[department_id])),
                        options,
                        format_func=labels.get,
                        index=None,
                        horizontal=True,
                        key=answer_key(view.id, department_id, dimension),
                    )
            sent = st.form_submit_button(t("rc.survey.submit"), type="primary")
        if wording.attribution:
            show_text(t("rc.survey.attribution", text=wording.attribution))
        if sent:
            _send(actor, view.id, chosen)


def _send(actor: Actor, round_id: int, chosen: list[int]) -> None:
    answers = {}
    for department_id in chosen:
        values = {d: st.session_state.get(answer_key(round_id, department_id, d)) for d in DIMENSIONS}
        if any(v is None for v in values.values()):
            show_user_error(UserError("rc.error.unanswered"))
            return
        answers[department_id] = {d: None if v == DONT_KNOW else v for d, v in values.items()}

    def _save() -> int:
        with session_scope(write=True) as session:
            return submit_answers(session=session, actor=actor, round_id=round_id, answers=answers)

    if attempt(_save) is not None:
        flash("rc.survey.thanks", at=PLACE)
        st.rerun()
