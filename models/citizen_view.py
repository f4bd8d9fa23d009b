"""What the citizen's own page shows (issue 20): read through the link, for that citizen only.

Built from the joint plan (loaded, authorised and audited as the link's actor), then cut down to
what a citizen's page may hold: the citizen's goals in their own words, agreements with the
owner's first name and role, the next meeting, their preparation, their proposals and answers,
their messages. Never a professional note, an unmet need, the access log, another person's
preparation, or a surname: a relative holding the phone learns no more than the citizen's plan.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.citizen_input import next_editable_meeting
from models.citizen_links import link_actor
from models.plans import JointPlan, MeetingView, PersonView, load_joint_plan
from models.preparation import split_matters_most
from models.readability import latest_when_hard
from models.tables import (
    AgendaProposal,
    CitizenMessage,
    CitizenPlanAnswer,
    CitizenPreparation,
    Preparation,
    today,
)

DONE_SHOWN_DAYS = 60  # others' finished agreements stay in view this long ("Rasmus har gjort det")


def first_name(name: str | None) -> str:
    return (name or "").split(" ")[0].strip()


def role_of(person: PersonView | None) -> str:
    """A team member's role in plain words: title, relation or department (never a surname)."""
    if person is None:
        return ""
    return person.title or person.relation or person.department or ""


@dataclass(frozen=True)
class TeamMember:
    first_name: str
    role: str


@dataclass(frozen=True)
class GoalLine:
    id: int
    number: int
    own_words: str
    scores: tuple[tuple[datetime, int], ...]  # (meeting start, score), oldest first


@dataclass(frozen=True)
class AgreementLine:
    id: int
    text: str
    due_on: date | None
    status: str  # open | in_progress | done
    version: int
    mine: bool
    owner: TeamMember | None  # None for the citizen's own, or nobody yet


@dataclass(frozen=True)
class OwnPreparation:
    meeting_id: int
    version: int | None  # None: nothing saved yet
    matters_most: tuple[str, ...]
    going_well: str
    questions: str
    not_to_raise: str
    who_to_invite: str
    written_by_me_at: datetime | None  # the citizen's last save through the link


@dataclass(frozen=True)
class ProposalLine:
    text: str
    status: str  # proposed | accepted | moved | declined
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class Answer:
    agrees: bool
    words: str | None
    answered_at: datetime


@dataclass(frozen=True)
class SentMessage:
    text: str
    sent_at: datetime
    read: bool


@dataclass(frozen=True)
class CitizenPage:
    link_id: int
    first_name: str
    goals: tuple[GoalLine, ...]
    agreements: tuple[AgreementLine, ...]
    when_hard: str | None
    contact: TeamMember | None
    contact_phone: str | None
    contact_email: str | None
    next_meeting: MeetingView | None  # time and place only (no notes, needs or preparation)
    preparation: OwnPreparation | None  # None: no meeting to prepare for yet
    proposals: tuple[ProposalLine, ...]
    goal_answers: dict[int, Answer]
    plan_answer: Answer | None
    messages: tuple[SentMessage, ...]


def load_citizen_page(*, session: Session, link_id: object) -> CitizenPage | None:
    """Everything the citizen's page shows, or None when the link is revoked or expired."""
    actor = link_actor(session=session, link_id=link_id)
    if actor is None or actor.link_citizen_id is None or actor.link_id is None:
        return None
    citizen_id = actor.link_citizen_id
    plan = load_joint_plan(session=session, actor=actor, citizen_id=citizen_id, purpose="view.plan_by_link")
    contact = plan.contact_person
    coming = plan.next_meeting
    return CitizenPage(
        link_id=actor.link_id,
        first_name=first_name(plan.citizen.name),
        goals=tuple(
            GoalLine(goal.id, n, goal.own_words, tuple((s.meeting_starts_at, s.score) for s in goal.scores))
            for n, goal in enumerate(plan.active_goals, start=1)
        ),
        agreements=_agreements(plan),
        when_hard=latest_when_hard(plan),
        contact=TeamMember(first_name(contact.name), role_of(contact)) if contact else None,
        contact_phone=contact.phone if contact else None,
        contact_email=contact.email if contact else None,
        next_meeting=replace(
            coming, participants=(), agenda=(), preparation=None, decisions=(), unmet_needs=()
        )
        if coming
        else None,  # fmt: skip
        preparation=_preparation(session, citizen_id),
        proposals=_proposals(session, citizen_id),
        goal_answers=_answers(session, citizen_id),
        plan_answer=_answers(session, citizen_id, whole_plan=True).get(0),
        messages=_messages(session, citizen_id),
    )


def _agreements(plan: JointPlan) -> tuple[AgreementLine, ...]:
    since = today() - timedelta(days=DONE_SHOWN_DAYS)
    lines = []
    for action in plan.actions:
        if action.status == "cancelled" or (action.status == "done" and (action.done_on or since) < since):
            continue
        owner = plan.person(action.owner_person_id)
        lines.append(AgreementLine(
            id=action.id, text=action.text, due_on=action.due_on, status=action.status,
            version=action.version, mine=action.owner_is_citizen,
            owner=TeamMember(first_name(owner.name), role_of(owner)) if owner else None,
        ))  # fmt: skip
    return tuple(lines)


def _preparation(session: Session, citizen_id: int) -> OwnPreparation | None:
    meeting = next_editable_meeting(session, citizen_id)
    if meeting is None or meeting.id is None:
        return None
    prep = session.execute(
        select(Preparation).where(Preparation.meeting_id == meeting.id)  # type: ignore[arg-type]
    ).scalar_one_or_none()
    mine = session.execute(
        select(CitizenPreparation.written_at)
        .where(CitizenPreparation.meeting_id == meeting.id)  # type: ignore[arg-type]
        .order_by(CitizenPreparation.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar()
    return OwnPreparation(
        meeting_id=meeting.id,
        version=prep.version if prep else None,
        matters_most=tuple(split_matters_most(prep.matters_most if prep else None)),
        going_well=(prep.going_well or "") if prep else "",
        questions=(prep.questions or "") if prep else "",
        not_to_raise=(prep.not_to_raise or "") if prep else "",
        who_to_invite=(prep.who_to_invite or "") if prep else "",
        written_by_me_at=mine,
    )


def _proposals(session: Session, citizen_id: int) -> tuple[ProposalLine, ...]:
    rows = session.execute(
        select(AgendaProposal)
        .where(AgendaProposal.citizen_id == citizen_id)  # type: ignore[arg-type]
        .order_by(AgendaProposal.created_at.desc(), AgendaProposal.id.desc())  # type: ignore[attr-defined,union-attr]
        .limit(20)
    ).scalars()
    return tuple(ProposalLine(p.text, p.status, p.reason, p.created_at) for p in rows)


def _answers(session: Session, citizen_id: int, *, whole_plan: bool = False) -> dict[int, Answer]:
    """The newest answer per goal (key: goal id), or to the whole plan (key 0)."""
    goal_column = CitizenPlanAnswer.goal_id
    rows = session.execute(
        select(CitizenPlanAnswer)
        .where(
            CitizenPlanAnswer.citizen_id == citizen_id,  # type: ignore[arg-type]
            goal_column.is_(None) if whole_plan else goal_column.is_not(None),  # type: ignore[union-attr]
        )
        .order_by(CitizenPlanAnswer.id)  # type: ignore[arg-type]
    ).scalars()
    return {(row.goal_id or 0): Answer(row.agrees, row.words, row.answered_at) for row in rows}


def _messages(session: Session, citizen_id: int) -> tuple[SentMessage, ...]:
    rows = session.execute(
        select(CitizenMessage)
        .where(CitizenMessage.citizen_id == citizen_id)  # type: ignore[arg-type]
        .order_by(CitizenMessage.id.desc())  # type: ignore[arg-type]
        .limit(5)
    ).scalars()
    return tuple(SentMessage(m.text, m.sent_at, m.read_at is not None) for m in rows)
