"""The sections of the citizen's own page (pages/citizen_link.py), each with 'Læs op'.

Every write goes through models/citizen_input.py (checked, counted, audited as the citizen);
everything people typed is shown as text (ui.safe.show_text), never as Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from models import citizen_input
from models.citizen_view import AgreementLine, CitizenPage, TeamMember
from models.db import session_scope
from models.next_meeting import next_meeting_words
from ui.citizen_read_aloud import read_aloud_button
from ui.feedback import attempt, flash
from ui.i18n import lang, t
from ui.safe import show_text
from ui.widgets import day, form, moment


def _save(work: Callable[..., object], done_key: str, *, forget: tuple[str, ...] = ()) -> None:
    def action() -> object:
        with session_scope(write=True) as session:
            result = work(session)
        return True if result is None else result

    if attempt(action) is not None:
        for key in forget:
            st.session_state.pop(key, None)
        flash(done_key)
        st.rerun()


def _heading(title: str, spoken: list[str], *, key: str) -> None:
    st.subheader(title, anchor=False)
    read_aloud_button("\n".join([title, *[line for line in spoken if line]]), key=key)


def person(member: TeamMember | None) -> str:
    if member is None:
        return ""
    return f"{member.first_name}, {member.role}" if member.role else member.first_name


# --- Before the next meeting --------------------------------------------------------------


def preparation(page: CitizenPage) -> None:
    prep = page.preparation
    with st.container(key="citizen-prep", border=True):
        if prep is None:
            _heading(t("citizen_link.prep_title"), [t("citizen_link.prep_none")], key="prep")
            st.write(t("citizen_link.prep_none"))
            return
        meeting = page.next_meeting
        words = next_meeting_words(meeting, lang()) if meeting else None
        said = [t("citizen_link.prep_intro"), words.text if words else ""]
        if prep.written_by_me_at:
            said.append(t("citizen_link.prep_written", when=moment(prep.written_by_me_at)))
        _heading(t("citizen_link.prep_title"), said, key="prep")
        for line in said[1:]:
            show_text(line)
        st.write(t("citizen_link.prep_intro"))
        seen_key = f"citizen-prep-seen-{prep.meeting_id}"
        seen = st.session_state.setdefault(seen_key, prep.version)
        with form(key=f"citizen-prep-{prep.meeting_id}-{seen}"):
            things = [
                st.text_input(
                    t("citizen_link.matters_most", number=n + 1),
                    value=prep.matters_most[n] if n < len(prep.matters_most) else "",
                    max_chars=1000,
                    key=f"cp-mm{n}-{seen}",
                )
                for n in range(3)
            ]
            going_well = st.text_area(
                t("citizen_link.going_well"), value=prep.going_well, key=f"cp-gw-{seen}"
            )
            questions = st.text_area(t("citizen_link.questions"), value=prep.questions, key=f"cp-q-{seen}")
            not_to_raise = st.text_area(
                t("citizen_link.not_to_raise"),
                value=prep.not_to_raise,
                key=f"cp-nr-{seen}",
            )
            st.caption(t("citizen_link.not_to_raise_help"))
            who = st.text_area(
                t("citizen_link.who_to_invite"), value=prep.who_to_invite, key=f"cp-who-{seen}"
            )
            if st.form_submit_button(t("citizen_link.save_prep"), type="primary"):
                _save(
                    lambda s: citizen_input.save_own_preparation(
                        session=s,
                        link_id=page.link_id,
                        meeting_id=prep.meeting_id,
                        seen_version=seen,
                        matters_most=things,
                        going_well=going_well,
                        questions=questions,
                        not_to_raise=not_to_raise,
                        who_to_invite=who,
                    ),
                    "citizen_link.prep_saved",
                    forget=(seen_key,),
                )


def agenda(page: CitizenPage) -> None:
    with st.container(key="citizen-agenda", border=True):
        fates = [
            f"{p.text}. {t(f'citizen_link.proposal_{p.status}')} {p.reason or ''}".strip()
            for p in page.proposals
        ]
        _heading(t("citizen_link.agenda_title"), [t("citizen_link.agenda_intro"), *fates], key="agenda")
        st.write(t("citizen_link.agenda_intro"))
        with form(key="citizen-agenda-form", clear_on_submit=True):
            text = st.text_input(t("citizen_link.agenda_new"), max_chars=300, key="citizen-agenda-text")
            if st.form_submit_button(t("citizen_link.agenda_send")):
                _save(
                    lambda s: citizen_input.propose_agenda_item(session=s, link_id=page.link_id, text=text),
                    "citizen_link.agenda_sent",
                )
        if not page.proposals:
            st.write(t("citizen_link.agenda_none"))
        for n, proposal in enumerate(page.proposals):
            with st.container(key=f"citizen-proposal-{n}"):
                show_text("• " + proposal.text)
                st.write(t(f"citizen_link.proposal_{proposal.status}"))
                if proposal.reason:
                    st.write(t("citizen_link.proposal_reason"))
                    show_text(proposal.reason)


# --- The plan ------------------------------------------------------------------------------


def goals(page: CitizenPage) -> None:
    with st.container(key="citizen-goals", border=True):
        said = []
        for goal in page.goals:
            said += [t("citizen_link.goal_number", number=goal.number), goal.own_words]
        _heading(t("citizen_link.goals_title"), said or [t("citizen_link.no_goals")], key="goals")
        if not page.goals:
            st.write(t("citizen_link.no_goals"))
        for goal in page.goals:
            st.markdown(f"**{t('citizen_link.goal_number', number=goal.number)}**")
            show_text(goal.own_words, key=f"own-words-{goal.id}")
            if goal.scores:
                steps = ", ".join(t("citizen_link.score_at", score=s, date=day(at)) for at, s in goal.scores)
                show_text(t("citizen_link.scores", scores=steps))
            else:
                st.write(t("citizen_link.no_score"))
            answer = page.goal_answers.get(goal.id)
            if answer is not None:
                st.write(
                    t("citizen_link.answered_goal_yes" if answer.agrees else "citizen_link.answered_goal_no")
                )
                if answer.words:
                    show_text(answer.words)
            _answer_form(page, goal_id=goal.id)


def _answer_form(page: CitizenPage, *, goal_id: int | None) -> None:
    prefix = "goal" if goal_id is not None else "plan"
    yes, no = t(f"citizen_link.{prefix}_yes"), t(f"citizen_link.{prefix}_no")
    with form(key=f"citizen-answer-{goal_id or 'plan'}", clear_on_submit=True):
        question = t("citizen_link.goal_question") if goal_id is not None else t("citizen_link.plan_title")
        choice = st.radio(question, [yes, no], index=None, key=f"citizen-answer-choice-{goal_id or 'plan'}")
        label = t("citizen_link.goal_correction") if goal_id is not None else t("citizen_link.plan_reason")
        words = st.text_area(
            label, max_chars=1000, key=f"citizen-answer-words-{goal_id or 'plan'}", height=80
        )
        if st.form_submit_button(t("citizen_link.save_answer")):
            agrees = None if choice is None else choice == yes
            if goal_id is None:
                work = lambda s: citizen_input.answer_plan(  # noqa: E731
                    session=s, link_id=page.link_id, agrees=agrees, words=words
                )
            else:
                work = lambda s: citizen_input.answer_goal(  # noqa: E731
                    session=s, link_id=page.link_id, goal_id=goal_id, agrees=agrees, words=words
                )
            _save(work, "citizen_link.answer_saved")


def whole_plan(page: CitizenPage) -> None:
    with st.container(key="citizen-plan-answer", border=True):
        answer = page.plan_answer
        said = []
        if answer is not None:
            said.append(
                t("citizen_link.answered_plan_yes" if answer.agrees else "citizen_link.answered_plan_no")
            )
        _heading(t("citizen_link.plan_title"), said, key="plan")
        if answer is not None:
            st.write(said[0])
            if answer.words:
                show_text(answer.words)
        _answer_form(page, goal_id=None)


# --- Agreements ----------------------------------------------------------------------------


def _progress(line: AgreementLine) -> str:
    name = line.owner.first_name if line.owner else ""
    if line.status == "done":
        return t("citizen_link.progress_done", name=name)
    if line.status == "in_progress":
        return t("citizen_link.progress_in_progress", name=name)
    return t("citizen_link.progress_open")


def agreements(page: CitizenPage) -> None:
    mine = [a for a in page.agreements if a.mine]
    theirs = [a for a in page.agreements if not a.mine]
    with st.container(key="citizen-agreements", border=True):
        said = [t("citizen_link.mine_title")]
        said += [a.text for a in mine] or [t("citizen_link.no_mine")]
        said.append(t("citizen_link.others_title"))
        said += [f"{person(a.owner) or t('citizen_link.nobody')}: {a.text}. {_progress(a)}" for a in theirs]
        _heading(t("citizen_link.agreements_title"), said, key="agreements")
        st.markdown(f"**{t('citizen_link.mine_title')}**")
        if not mine:
            st.write(t("citizen_link.no_mine"))
        for line in mine:
            with st.container(key=f"citizen-mine-{line.id}"):
                show_text("• " + line.text)
                if line.due_on:
                    st.write(t("citizen_link.due", date=day(line.due_on)))
                if line.status == "done":
                    st.write("✅ " + t("citizen_link.done_mine"))
                elif st.button(t("citizen_link.tick"), key=f"citizen-tick-{line.id}", type="primary"):
                    _save(
                        lambda s, a=line: citizen_input.tick_off(
                            session=s, link_id=page.link_id, action_id=a.id, seen_version=a.version
                        ),
                        "citizen_link.ticked",
                    )
        st.markdown(f"**{t('citizen_link.others_title')}**")
        if not theirs:
            st.write(t("citizen_link.no_others"))
        for line in theirs:
            with st.container(key=f"citizen-theirs-{line.id}"):
                show_text(f"{person(line.owner) or t('citizen_link.nobody')}: {line.text}")
                st.write(_progress(line))


# --- Contact, message, next meeting --------------------------------------------------------


def message(page: CitizenPage) -> None:
    with st.container(key="citizen-message", border=True):
        to = (
            t("citizen_link.message_to", name=page.contact.first_name)
            if page.contact
            else t("citizen_link.message_no_contact")
        )
        sent = [
            t(
                "citizen_link.message_read" if m.read else "citizen_link.message_unread",
                when=moment(m.sent_at),
            )
            for m in page.messages
        ]
        _heading(t("citizen_link.message_title"), [to, t("citizen_link.message_rules"), *sent], key="message")
        st.write(to)
        st.write(t("citizen_link.message_rules"))
        with form(key="citizen-message-form", clear_on_submit=True):
            text = st.text_area(
                t("citizen_link.message_label"),
                max_chars=citizen_input.MESSAGE_MAX,
                key="citizen-message-text",
                height=100,
            )
            if st.form_submit_button(t("citizen_link.message_send"), type="primary"):
                _save(
                    lambda s: citizen_input.send_message(session=s, link_id=page.link_id, text=text),
                    "citizen_link.message_sent",
                )
        for n, (m, status) in enumerate(zip(page.messages, sent, strict=True)):
            with st.container(key=f"citizen-sent-{n}"):
                show_text(m.text)
                st.caption(status)


def contact_and_meeting(page: CitizenPage) -> None:
    with st.container(key="citizen-contact", border=True):
        meeting = page.next_meeting
        words = next_meeting_words(meeting, lang()) if meeting else None
        when = words.text if words else t("citizen_link.no_next")
        place = meeting.place if meeting and words and not words.is_suggestion and meeting.place else ""
        contact = person(page.contact) or t("citizen_link.no_contact")
        reach = [v for v in (page.contact_phone, page.contact_email) if v]
        said = [
            t("citizen_link.next_title"),
            when,
            place,
            t("citizen_link.contact_title"),
            contact,
            *reach,
            t("citizen_link.when_hard_title"),
            page.when_hard or t("citizen_link.when_hard_none"),
        ]
        _heading(t("citizen_link.next_title"), said[1:], key="contact")
        show_text("\n".join(v for v in (when, place) if v), key="next-meeting-words")
        st.markdown(f"**{t('citizen_link.contact_title')}**")
        show_text("\n".join([contact, *reach]))
        st.markdown(f"**{t('citizen_link.when_hard_title')}**")
        show_text(page.when_hard or t("citizen_link.when_hard_none"))
