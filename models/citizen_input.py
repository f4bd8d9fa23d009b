"""What the citizen writes through their own link (issue 20): written as the citizen.

Every function here starts with `_as_citizen`, the one door for the link's writes: the link is
checked again in this transaction (a link revoked a second ago writes nothing), the write is
counted against the link's hourly limit (models/citizen_quota.py), and models.access authorises
and audits it as "borger via link <id>" (the audit row's link_id). Texts go through
models/text.py with the same limits as the staff forms. Nothing here overwrites what the team
wrote: the goal's words stay, a correction is a row of its own; the preparation is saved through
the same function the meeting leader uses, and the citizen's own version is kept beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlmodel import Session

from models import meeting_edit, preparation
from models.access import Actor, authorize
from models.citizen_links import link_actor
from models.citizen_quota import take_write
from models.db import save_versioned
from models.errors import NotFound, UserError
from models.tables import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionEvent,
    AgendaProposal,
    Citizen,
    CitizenMessage,
    CitizenPlanAnswer,
    CitizenPreparation,
    Goal,
    Meeting,
    PlanVersion,
    Preparation,
    today,
    utcnow,
)
from models.text import SHORT_MAX, clean_optional, clean_text

MESSAGE_MAX = 500
ANSWER_MAX = 1000
WHO_TO_INVITE_MAX = 1000


def _as_citizen(session: Session, link_id: object) -> Actor:
    """The link's actor, checked now, with one write counted; a closed link writes nothing."""
    actor = link_actor(session=session, link_id=link_id)
    if actor is None or actor.link_id is None:
        raise UserError("citizen_link.closed")
    take_write(session, link_id=actor.link_id)
    return actor


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _citizen_id(actor: Actor) -> int:
    assert actor.link_citizen_id is not None
    return actor.link_citizen_id


def next_editable_meeting(session: Session, citizen_id: int) -> Meeting | None:
    """The meeting the citizen prepares for and proposes items to: the first coming one that the
    team can still change (a draft or a confirmed meeting)."""
    return session.execute(
        select(Meeting)
        .where(Meeting.citizen_id == citizen_id, Meeting.status.in_(meeting_edit.EDITABLE_STATUSES))  # type: ignore[arg-type,attr-defined]
        .order_by(Meeting.starts_at, Meeting.id)  # type: ignore[arg-type]
        .limit(1)
    ).scalar_one_or_none()


def save_own_preparation(
    *,
    session: Session,
    link_id: int,
    meeting_id: int,
    seen_version: int | None,
    matters_most: Sequence[object] = (),
    going_well: object = None,
    questions: object = None,
    not_to_raise: object = None,
    who_to_invite: object = None,
) -> int:
    """The citizen's preparation for the meeting, saved into the one Preparation the team and
    the room screen read, and kept as the citizen's own version. The leader's other answers
    (dream, when it is hard) stay as they are. Returns the preparation's new version."""
    actor = _as_citizen(session, link_id)
    wish = clean_optional(who_to_invite, field="hvem skal med", max_length=WHO_TO_INVITE_MAX)
    current = session.execute(
        select(Preparation).where(Preparation.meeting_id == meeting_id)  # type: ignore[arg-type]
    ).scalar_one_or_none()
    version = preparation.save_preparation(
        session=session, actor=actor, meeting_id=meeting_id, seen_version=seen_version,
        matters_most=matters_most, going_well=going_well, questions=questions,
        not_to_raise=not_to_raise,
        dream=current.dream if current else None, when_hard=current.when_hard if current else None,
    )  # fmt: skip
    saved = session.execute(
        select(Preparation).where(Preparation.meeting_id == meeting_id)  # type: ignore[arg-type]
    ).scalar_one()
    session.refresh(saved)
    session.execute(
        update(Preparation).where(Preparation.id == saved.id).values(who_to_invite=wish)  # type: ignore[arg-type]
    )
    session.add(
        CitizenPreparation(
            meeting_id=meeting_id, citizen_id=_citizen_id(actor), link_id=link_id,
            preparation_version=version, matters_most=saved.matters_most, dream=saved.dream,
            going_well=saved.going_well, questions=saved.questions, not_to_raise=saved.not_to_raise,
            when_hard=saved.when_hard, who_to_invite=wish,
        )
    )  # fmt: skip
    session.flush()
    return version


def propose_agenda_item(*, session: Session, link_id: int, text: object) -> int:
    """An item the citizen wants on the next meeting's agenda (or the one after, if none is
    planned yet). The meeting leader accepts, moves or declines it (models/citizen_team.py)."""
    actor = _as_citizen(session, link_id)
    citizen_id = _citizen_id(actor)
    words = clean_text(text, field="punkt", max_length=SHORT_MAX, required=True, single_line=True)
    meeting = next_editable_meeting(session, citizen_id)
    authorize(session, actor=actor, citizen_id=citizen_id, action="agenda.propose", entity="agenda_proposal")
    proposal = AgendaProposal(
        citizen_id=citizen_id, meeting_id=meeting.id if meeting else None, link_id=link_id, text=words
    )
    session.add(proposal)
    session.flush()
    assert proposal.id is not None
    return proposal.id


def answer_goal(*, session: Session, link_id: int, goal_id: int, agrees: bool, words: object = None) -> int:
    """'Det er mit mål' (agrees) or 'Det er ikke sådan, jeg vil sige det' with the citizen's own
    correction. The goal's words are never changed here: the leader takes it to the meeting."""
    actor = _as_citizen(session, link_id)
    citizen_id = _citizen_id(actor)
    goal = session.get(Goal, goal_id) if _is_id(goal_id) else None
    if goal is None or goal.citizen_id != citizen_id or goal.status != "active":
        raise NotFound("goal")
    return _answer(session, actor, goal_id=goal_id, agrees=agrees, words=words, field="din rettelse")


def answer_plan(*, session: Session, link_id: int, agrees: bool, words: object = None) -> int:
    """'Jeg er enig' or 'Jeg er ikke enig' to the whole plan, with the citizen's reason."""
    actor = _as_citizen(session, link_id)
    return _answer(session, actor, goal_id=None, agrees=agrees, words=words, field="din grund")


def _answer(session: Session, actor: Actor, *, goal_id: int | None, agrees: object, words: object,
            field: str) -> int:  # fmt: skip
    if not isinstance(agrees, bool):
        raise UserError("citizen_link.choose_answer")
    citizen_id = _citizen_id(actor)
    text = clean_optional(words, field=field, max_length=ANSWER_MAX)
    authorize(session, actor=actor, citizen_id=citizen_id, action="plan.answer",
              entity="goal" if goal_id is not None else "plan", entity_id=goal_id)  # fmt: skip
    number = session.execute(
        select(func.max(PlanVersion.number)).where(PlanVersion.citizen_id == citizen_id)  # type: ignore[arg-type]
    ).scalar()
    answer = CitizenPlanAnswer(citizen_id=citizen_id, goal_id=goal_id, link_id=actor.link_id, agrees=agrees,
                               words=text, plan_version_number=number)  # fmt: skip
    session.add(answer)
    session.flush()
    assert answer.id is not None
    return answer.id


def tick_off(*, session: Session, link_id: int, action_id: int, seen_version: int) -> int:
    """'Det har jeg gjort': the citizen marks one of their own open agreements done. Another
    owner's agreement, or one already finished, is refused. Returns the agreement's version."""
    actor = _as_citizen(session, link_id)
    citizen_id = _citizen_id(actor)
    action = session.get(Action, action_id) if _is_id(action_id) else None
    if action is None or action.citizen_id != citizen_id:
        raise NotFound("action")
    authorize(session, actor=actor, citizen_id=citizen_id, action="action.tick_off", entity="action",
              entity_id=action_id)  # fmt: skip
    if not action.owner_is_citizen:
        raise UserError("citizen_link.not_your_agreement")
    if action.status not in OPEN_ACTION_STATUSES:
        raise UserError("citizen_link.already_done")
    old_status = action.status
    version = save_versioned(session, Action, row_id=action_id, seen_version=seen_version,
                             status="done", done_on=today(), updated_at=utcnow())  # fmt: skip
    session.add(ActionEvent(action_id=action_id, at=utcnow(), by_user_id=None, by_link_id=link_id,
                            kind="status", from_value=old_status, to_value="done"))  # fmt: skip
    session.flush()
    return version


def send_message(*, session: Session, link_id: int, text: object) -> int:
    """One short message to the citizen's contact person (at most MESSAGE_MAX characters)."""
    actor = _as_citizen(session, link_id)
    citizen_id = _citizen_id(actor)
    words = clean_text(text, field="besked", max_length=MESSAGE_MAX, required=True)
    authorize(session, actor=actor, citizen_id=citizen_id, action="message.send", entity="citizen_message")
    citizen = session.get(Citizen, citizen_id)
    message = CitizenMessage(citizen_id=citizen_id, link_id=link_id, text=words,
                             to_person_id=citizen.contact_person_id if citizen else None)  # fmt: skip
    session.add(message)
    session.flush()
    assert message.id is not None
    return message.id
