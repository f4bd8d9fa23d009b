"""The citizen's own writes through their link (issue 20): as the citizen, for that citizen only,
audited as "borger via link <id>", through the same text rules as the staff forms."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import citizen_input as ci
from models.citizen_links import revoke_citizen_link
from models.db import session_scope
from models.errors import AccessDenied, NotFound, StaleVersion, UserError
from models.tables import (
    Action,
    ActionEvent,
    AgendaProposal,
    AuditEvent,
    CitizenMessage,
    CitizenPlanAnswer,
    CitizenPreparation,
    Goal,
    Preparation,
)
from tests.models.citizen_fixtures import make_voice, open_link


@pytest.fixture
def voice(db_url):
    return make_voice()


def write(fn, **kwargs):
    with session_scope(write=True) as s:
        return fn(session=s, **kwargs)


def test_the_citizen_prepares_into_the_one_preparation_and_keeps_the_leaders_other_answers(voice):
    link = open_link(voice.token)
    version = write(
        ci.save_own_preparation,
        link_id=link,
        meeting_id=voice.meeting_id,
        seen_version=1,
        matters_most=["At få en praktikplads", "", "Min søn"],
        going_well="Jeg sover bedre.",
        questions="Hvornår starter jeg?",
        not_to_raise="Min gæld.",
        who_to_invite="Min mor",
    )
    with session_scope() as s:
        prep = s.exec(select(Preparation).where(Preparation.meeting_id == voice.meeting_id)).one()
        own = s.exec(select(CitizenPreparation)).one()
    assert (prep.version, version) == (2, 2)
    assert prep.matters_most == "At få en praktikplads\nMin søn"
    assert (prep.going_well, prep.not_to_raise, prep.who_to_invite) == (
        "Jeg sover bedre.",
        "Min gæld.",
        "Min mor",
    )
    assert (prep.dream, prep.when_hard) == ("Et eget køkken.", "Ring til Rasmus.")  # the leader's, untouched
    assert (own.link_id, own.preparation_version, own.who_to_invite) == (link, 2, "Min mor")


def test_every_write_is_audited_as_the_citizen_through_the_link(voice):
    link = open_link(voice.token)
    write(ci.propose_agenda_item, link_id=link, text="Min bolig")
    write(ci.answer_plan, link_id=link, agrees=True)
    write(ci.send_message, link_id=link, text="Jeg har brug for at tale med dig.")
    write(ci.tick_off, link_id=link, action_id=voice.my_action_id, seen_version=1)
    write(
        ci.save_own_preparation,
        link_id=link,
        meeting_id=voice.meeting_id,
        seen_version=1,
        matters_most=["Arbejde"],
    )
    with session_scope() as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.link_id == link)).all()
    writes = {r.action for r in rows} & {
        "agenda.propose",
        "plan.answer",
        "message.send",
        "action.tick_off",
        "preparation.write",
    }
    assert len(writes) == 5
    assert all(r.user_id is None and r.citizen_id == voice.citizen_id and r.outcome == "ok" for r in rows)


def test_the_goals_words_are_never_overwritten_by_an_answer(voice):
    link = open_link(voice.token)
    write(ci.answer_goal, link_id=link, goal_id=voice.goal_id, agrees=False, words="Jeg vil arbejde med dyr.")
    with session_scope() as s:
        goal = s.get(Goal, voice.goal_id)
        answer = s.exec(select(CitizenPlanAnswer)).one()
    assert goal.own_words == "Jeg vil i praktik."
    assert (answer.goal_id, answer.agrees, answer.words) == (voice.goal_id, False, "Jeg vil arbejde med dyr.")


def test_ticking_off_marks_only_the_citizens_own_open_agreement_done(voice):
    link = open_link(voice.token)
    write(ci.tick_off, link_id=link, action_id=voice.my_action_id, seen_version=1)
    with session_scope() as s:
        assert s.get(Action, voice.my_action_id).status == "done"
        event = s.exec(select(ActionEvent).where(ActionEvent.action_id == voice.my_action_id)).one()
    assert (event.to_value, event.by_link_id, event.by_user_id) == ("done", link, None)
    with pytest.raises(UserError, match="allerede gjort"):  # twice: nothing more happens
        write(ci.tick_off, link_id=link, action_id=voice.my_action_id, seen_version=2)
    with pytest.raises(UserError) as refused:  # Rasmus's agreement is his to tick off
        write(ci.tick_off, link_id=link, action_id=voice.rasmus_action_id, seen_version=1)
    assert refused.value.key == "citizen_link.not_your_agreement"
    with session_scope() as s:
        assert s.get(Action, voice.rasmus_action_id).status == "in_progress"


@pytest.mark.parametrize(
    ("call", "why"),
    [
        # Another citizen's agreement, goal and meeting: as if they did not exist.
        (
            lambda v, link: write(ci.tick_off, link_id=link, action_id=v.other_action_id, seen_version=1),
            NotFound,
        ),
        (lambda v, link: write(ci.answer_goal, link_id=link, goal_id=v.other_goal_id, agrees=True), NotFound),
        (
            lambda v, link: write(
                ci.save_own_preparation,
                link_id=link,
                meeting_id=v.other_meeting_id,
                seen_version=None,
                matters_most=["x"],
            ),
            AccessDenied,
        ),
    ],
)
def test_a_link_reaches_no_other_citizen(voice, call, why):
    link = open_link(voice.token)
    with pytest.raises(why):
        call(voice, link)
    with session_scope() as s:
        assert s.get(Action, voice.other_action_id).status == "open"
        assert s.exec(select(CitizenPlanAnswer)).all() == []
        assert s.exec(select(Preparation).where(Preparation.meeting_id == voice.other_meeting_id)).all() == []


def test_a_link_revoked_mid_session_writes_nothing(voice):
    link = open_link(voice.token)
    with session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=voice.staff, citizen_id=voice.citizen_id, link_id=link)
    with pytest.raises(UserError) as refused:
        write(ci.send_message, link_id=link, text="Hej")
    assert refused.value.key == "citizen_link.closed"
    with session_scope() as s:
        assert s.exec(select(CitizenMessage)).all() == []


@pytest.mark.parametrize(
    ("fn", "kwargs", "key"),
    [
        (ci.send_message, {"text": "x" * 501}, "error.too_long"),  # the message's limit
        (ci.send_message, {"text": "   "}, "error.required"),  # nothing to send
        (
            ci.propose_agenda_item,
            {"text": "x" * 301},
            "error.too_long",
        ),  # an agenda item's limit (staff form)
        (ci.answer_plan, {"agrees": "yes"}, "citizen_link.choose_answer"),  # not a yes or a no
        (ci.answer_plan, {"agrees": False, "words": "x" * 1001}, "error.too_long"),
    ],
)
def test_texts_go_through_the_same_rules_as_the_forms(voice, fn, kwargs, key):
    link = open_link(voice.token)
    with pytest.raises(UserError) as refused:
        write(fn, link_id=link, **kwargs)
    assert refused.value.key == key


def test_control_characters_are_removed_and_the_text_is_kept_verbatim(voice):
    link = open_link(voice.token)
    write(ci.send_message, link_id=link, text="<b>Hej</b>\x00 **Rasmus**")
    with session_scope() as s:
        assert s.exec(select(CitizenMessage.text)).one() == "<b>Hej</b> **Rasmus**"


def test_a_staff_save_after_the_citizen_saw_it_is_not_silently_overwritten(voice):
    link = open_link(voice.token)
    write(
        ci.save_own_preparation, link_id=link, meeting_id=voice.meeting_id, seen_version=1, matters_most=["A"]
    )
    with pytest.raises(StaleVersion):  # the citizen's page still showed version 1
        write(
            ci.save_own_preparation,
            link_id=link,
            meeting_id=voice.meeting_id,
            seen_version=1,
            matters_most=["B"],
        )


def test_a_proposal_goes_to_the_next_meeting_the_team_can_still_change(voice):
    link = open_link(voice.token)
    write(ci.propose_agenda_item, link_id=link, text="Min bolig")
    with session_scope() as s:
        proposal = s.exec(select(AgendaProposal)).one()
    assert (proposal.meeting_id, proposal.status, proposal.link_id) == (voice.meeting_id, "proposed", link)
