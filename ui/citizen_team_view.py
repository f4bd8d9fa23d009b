"""What the team sees of the citizen's own input through the link (issue 20).

Small pieces the staff pages call with one line each: Forberedelse (who wrote the preparation,
the citizen's own version, their agenda proposals to accept, move or decline), Planen and
Opfølgning (the citizen's yes/no, what they ticked off, their messages with a "Læst" button).
Everything the citizen typed is shown as text only (ui.safe.show_text).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from models import citizen_team
from models.access import Actor
from models.citizen_team import CitizenVoice
from models.db import session_scope
from models.plans import JointPlan
from ui.feedback import attempt, flash
from ui.i18n import t
from ui.safe import escape_markdown, show_text
from ui.text_block import Line, show_lines
from ui.widgets import form, moment

VOICE_KEY = "citizen-voice"  # the citizen's answers' block (tests and the style sheet find it)


def preparation_author(actor: Actor, plan: JointPlan, meeting_id: int) -> None:
    """Above the preparation form: the citizen wrote it (when), and their own version if the team
    changed it afterwards; the citizen's wish of who to invite."""
    with session_scope() as session:
        who = citizen_team.preparation_authorship(
            session=session, actor=actor, plan=plan, meeting_id=meeting_id
        )
        wish = citizen_team.who_to_invite(session=session, meeting_id=meeting_id, citizen_id=plan.citizen.id)
    if who.citizen_wrote_at is not None:
        with st.container(key="prep-by-citizen"):
            st.info(t("citizen_team.prep_by_citizen", when=moment(who.citizen_wrote_at)), icon="✍️")
            if who.citizen_version is not None:
                if who.changed_by:
                    st.write(
                        t(
                            "citizen_team.prep_changed",
                            name=escape_markdown(who.changed_by),
                            when=moment(who.changed_at),
                        )
                    )
                else:
                    st.write(t("citizen_team.prep_changed_someone"))
                with st.expander(t("citizen_team.citizen_version"), expanded=True):
                    labels = {
                        "matters_most": "preparation.matters_most",
                        "going_well": "preparation.going_well",
                        "questions": "preparation.questions",
                        "not_to_raise": "preparation.not_to_raise",
                        "who_to_invite": "citizen_team.who_to_invite",
                    }
                    for name, value in who.citizen_version.items():
                        if value:
                            st.markdown(f"**{t(labels[name])}**")
                            show_text(value)
    if wish:
        st.markdown(f"**{t('citizen_team.who_to_invite')}**")
        show_text(wish, key="prep-who-to-invite")


def agenda_proposals(actor: Actor, plan: JointPlan, meeting_id: int, *, editable: bool) -> None:
    """The citizen's proposals still waiting, each with accept / move / decline and a reason."""
    with session_scope() as session:
        waiting = citizen_team.proposals_to_decide(
            session=session, actor=actor, plan=plan, meeting_id=meeting_id
        )
    if not waiting:
        return
    st.subheader(t("citizen_team.proposals_title"), anchor=False)
    choices = {
        "accepted": t("citizen_team.accept"),
        "moved": t("citizen_team.move"),
        "declined": t("citizen_team.decline"),
    }
    for proposal in waiting:
        with st.container(border=True, key=f"proposal-{proposal.id}"):
            if proposal.status == "moved":
                st.caption(t("citizen_team.proposal_from_before"))
            show_text(proposal.text)
            with form(key=f"proposal-form-{proposal.id}"):
                decision = st.radio(
                    t("citizen_team.proposal_choice"),
                    list(choices),
                    format_func=choices.get,
                    horizontal=True,
                    key=f"proposal-choice-{proposal.id}",
                )
                reason = st.text_input(
                    t("citizen_team.reason"), max_chars=300, key=f"proposal-reason-{proposal.id}"
                )
                if st.form_submit_button(t("citizen_team.decide"), disabled=not editable):

                    def decide(pid: int = proposal.id, choice: str = decision, why: str = reason) -> bool:
                        with session_scope(write=True) as session:
                            citizen_team.decide_proposal(
                                session=session,
                                actor=actor,
                                proposal_id=pid,
                                meeting_id=meeting_id,
                                decision=choice,
                                reason=why,
                            )
                        return True

                    if attempt(decide):
                        st.session_state.pop(f"seen-agenda-{meeting_id}", None)  # the agenda grew
                        flash("citizen_team.decided")
                        st.rerun()


def citizen_voice(voice: CitizenVoice) -> None:
    """The citizen's yes/no per goal and to the plan, and the agreements they ticked off: one
    element (ui/text_block.py), as Planen's goals are, not a dozen st.write and st.text elements
    drawn on every visit (issue 16: fewer elements; no change in the click was measurable). The
    citizen's words are shown verbatim, never as Markdown."""
    show_lines(citizen_voice_lines(voice), key=VOICE_KEY)


def citizen_voice_lines(voice: CitizenVoice) -> list[Line]:
    """citizen_voice's lines, for a page that draws them with other text (ui/text_block.TextRun)."""
    lines: list[Line] = [("subheading", t("citizen_team.voice_title"))]
    if not (voice.goal_answers or voice.plan_answer or voice.ticked_off):
        lines.append(("caption", t("citizen_team.voice_none")))
    for answer in sorted(voice.goal_answers.values(), key=lambda a: a.goal_number or 0):
        key = "citizen_team.goal_yes" if answer.agrees else "citizen_team.goal_no"
        lines.append(("text", t(key, number=answer.goal_number, when=moment(answer.answered_at))))
        if answer.words:
            lines += [("label", t("citizen_team.correction")), ("text", answer.words)]
    if voice.plan_answer is not None:
        answer = voice.plan_answer
        key = "citizen_team.plan_yes" if answer.agrees else "citizen_team.plan_no"
        lines.append(("text", t(key, when=moment(answer.answered_at))))
        if answer.words:
            lines += [("label", t("citizen_team.plan_reason")), ("text", answer.words)]
    if voice.ticked_off:
        lines.append(("label", t("citizen_team.ticked_title")))
        for item in voice.ticked_off:
            lines += [("text", t("citizen_team.ticked_when", when=moment(item.at))), ("text", item.text)]
    return lines


def messages(actor: Actor, lines: tuple[citizen_team.MessageLine, ...], *, key: str) -> None:
    """Messages from citizens, unread first, each with a "Læst" button."""
    if not lines:
        return
    st.subheader(t("citizen_team.messages_title"), anchor=False)
    for line in lines:
        with st.container(border=True, key=f"{key}-{line.id}"):
            st.write(
                t(
                    "citizen_team.message_from",
                    name=escape_markdown(line.citizen_name),
                    when=moment(line.sent_at),
                )
            )
            show_text(line.text)
            if line.read_at is not None:
                st.caption(t("citizen_team.message_read_at", when=moment(line.read_at)))
            elif st.button(t("citizen_team.read_button"), key=f"{key}-read-{line.id}"):

                def mark(mid: int = line.id) -> bool:
                    with session_scope(write=True) as session:
                        citizen_team.mark_message_read(session=session, actor=actor, message_id=mid)
                    return True

                if attempt(mark):
                    flash("citizen_team.marked_read")
                    st.rerun()


def my_messages(actor: Actor) -> None:
    """On the contact person's own start page (Opfølgning, "Mine opgaver")."""
    with session_scope() as session:
        lines = citizen_team.messages_for_me(session=session, actor=actor)
    messages(actor, lines, key="my-msg")


def voice_for_citizen(actor: Actor, citizen_id: int, citizen_name: str) -> None:
    """Opfølgning's view of one citizen (already authorised by the view): answers, ticks, messages."""
    with session_scope() as session:
        voice = citizen_team.citizen_voice_after_view(session=session, actor=actor, citizen_id=citizen_id)
    citizen_voice(voice)
    messages(actor, tuple(replace(m, citizen_name=citizen_name) for m in voice.messages), key="citizen-msg")
