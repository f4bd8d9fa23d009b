"""The room-safe projection of one running meeting: what the room screen may show (issue 17).

Built by construction: every statement here selects named, room-safe columns only — the
citizen's first name, the preparation's "matters most" and "dream", active goals in the
citizen's words with their scores, agreements (text, owner's name, date), decisions, the agenda,
the clock and the speaking totals. Nothing here reads a professional note, what the citizen does
not want raised, unmet needs, private notes, anyone's contact details, the logged-in user, or
anything of another citizen (every statement is bound to the link's meeting or its citizen).

The screen polls `room_marker` (one statement: the link's validity and a fingerprint of what the
room sees) and calls `load_room_view` only when the marker changed. Each load is audited as
"room.view" (entity room_link + id, the screen's actor "room link <id>"): one audit row per
change shown, none for a poll that found nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlmodel import Session

from models.access import write_audit
from models.meeting_mode import LiveMeeting, MeetingPosition, agenda_progress, meeting_position, speaking_time
from models.plans import AgendaItemView
from models.room_links import room_actor
from models.tables import (
    OPEN_ACTION_STATUSES,
    Action,
    AgendaItem,
    Citizen,
    Decision,
    Goal,
    GoalScore,
    Meeting,
    Person,
    Preparation,
    RoomLink,
    utcnow,
)


@dataclass(frozen=True)
class RoomGoal:
    number: int
    words: str  # the citizen's own words, verbatim
    score: int | None  # the latest score (this meeting's if given)
    scored_now: bool  # scored at this meeting


@dataclass(frozen=True)
class RoomAgreement:
    id: int
    text: str
    who: str | None  # the owner's name (the citizen's first name when the citizen owns it)
    by_citizen: bool
    due_on: date | None
    trial: bool
    new: bool  # made at this meeting (else an earlier one still open: the status round)
    changed_at: datetime


@dataclass(frozen=True)
class RoomClock:
    """What the clock and the speaking share are computed from at each render (they move on
    without any save)."""

    opened_at: datetime | None
    minutes: int
    someone_speaking: bool
    speaker_is_citizen: bool
    speaker_since: datetime | None
    citizen_seconds: int
    total_seconds: int

    def _live(self) -> LiveMeeting:
        # models.meeting_mode's own functions compute the clock and the share (one truth); they
        # take a LiveMeeting, built here from the room-safe fields only.
        return LiveMeeting(
            id=0, citizen_id=0, status="in_progress", starts_at=self.opened_at or utcnow(),
            minutes=self.minutes, place=None, video_link=None, opened_at=self.opened_at, closed_at=None,
            citizen_present=None, current_agenda_position=None,
            speaker_person_id=-1 if self.someone_speaking and not self.speaker_is_citizen else None,
            speaker_is_citizen=self.speaker_is_citizen, speaker_since=self.speaker_since,
            citizen_speaking_seconds=self.citizen_seconds, total_speaking_seconds=self.total_seconds,
            citizen_agrees=None, citizen_disagreement=None, version=0, agenda=(), decisions=(),
            unmet_needs=(), reviewed_action_ids=frozenset(),
        )  # fmt: skip

    def elapsed_minutes(self, now: datetime | None = None) -> int:
        return agenda_progress(self._live(), now=now).meeting_elapsed_seconds // 60

    def citizen_percent(self, now: datetime | None = None) -> int | None:
        share = speaking_time(self._live(), now=now).citizen_share
        return None if share is None else round(share * 100)


@dataclass(frozen=True)
class RoomView:
    meeting_id: int
    first_name: str
    matters_most: str | None
    dream: str | None
    goals: tuple[RoomGoal, ...]
    agreements: tuple[RoomAgreement, ...]
    decisions: tuple[str, ...]
    position: MeetingPosition
    clock: RoomClock

    @property
    def step(self) -> str:
        return self.position.step

    @property
    def earlier_agreements(self) -> tuple[RoomAgreement, ...]:
        return tuple(a for a in self.agreements if not a.new)

    @property
    def new_agreements(self) -> tuple[RoomAgreement, ...]:
        return tuple(a for a in self.agreements if a.new)


@cache
def _marker_statement() -> Any:
    """Built once, run with the link's id as a parameter: building this statement cost twenty
    times more than running it (measured: ~2 ms against ~0.1 ms on SQLite)."""
    m = Meeting
    goals = select(func.count(Goal.id), func.sum(Goal.version), func.max(Goal.id)).where(  # type: ignore[arg-type]
        Goal.citizen_id == m.citizen_id  # type: ignore[arg-type]
    )
    actions = select(func.count(Action.id), func.sum(Action.version), func.max(Action.updated_at)).where(  # type: ignore[arg-type]
        Action.citizen_id == m.citizen_id  # type: ignore[arg-type]
    )
    scores = select(
        func.count(GoalScore.id), func.sum(GoalScore.score), func.max(GoalScore.recorded_at)  # type: ignore[arg-type]
    ).where(GoalScore.meeting_id == m.id)  # type: ignore[arg-type]
    decisions = select(func.count(Decision.id), func.max(Decision.id)).where(Decision.meeting_id == m.id)  # type: ignore[arg-type]
    prep = select(Preparation.version).where(Preparation.meeting_id == m.id)  # type: ignore[call-overload]

    def each(statement: Any) -> list[Any]:
        # One scalar subquery per aggregate: the statement stays one round trip to the database.
        return [
            statement.with_only_columns(column).correlate(m).scalar_subquery()
            for column in statement.selected_columns
        ]

    return (
        select(  # type: ignore[call-overload]
            m.id, m.version, m.current_agenda_position, m.speaker_is_citizen, m.speaker_person_id,
            m.speaker_since, m.total_speaking_seconds,
            *each(goals), *each(actions), *each(scores), *each(decisions),
            prep.correlate(m).scalar_subquery(),
        )  # fmt: skip
        .join(RoomLink, RoomLink.meeting_id == m.id)  # type: ignore[arg-type]
        .where(
            RoomLink.id == bindparam("link_id"),
            RoomLink.ended_at.is_(None),  # type: ignore[union-attr]
            m.status == "in_progress",
        )
    )


def room_marker(*, session: Session, link_id: int) -> tuple[Any, ...] | None:
    """A fingerprint of everything the room sees, or None when the link no longer may show it
    (ended by the leader, or the meeting is no longer in progress). One indexed statement; no
    audit row (it reads no citizen data: counts, versions and times only)."""
    # Core on the session's connection: the ORM layer around it cost more than the statement.
    row = session.connection().execute(_marker_statement(), {"link_id": link_id}).first()
    return None if row is None else tuple(row)


def load_room_view(*, session: Session, link_id: int) -> RoomView | None:
    """The room-safe view of the link's meeting, audited; None when the link may no longer show it."""
    head = session.execute(
        select(  # type: ignore[call-overload,misc]
            Meeting.id, Meeting.citizen_id, Meeting.status, Meeting.minutes, Meeting.opened_at,
            Meeting.current_agenda_position, Meeting.speaker_person_id, Meeting.speaker_is_citizen,
            Meeting.speaker_since, Meeting.citizen_speaking_seconds, Meeting.total_speaking_seconds,
            Citizen.name,
        )  # fmt: skip
        .join(RoomLink, RoomLink.meeting_id == Meeting.id)  # type: ignore[arg-type]
        .join(Citizen, Citizen.id == Meeting.citizen_id)  # type: ignore[arg-type]
        .where(RoomLink.id == link_id, RoomLink.ended_at.is_(None), Meeting.status == "in_progress")  # type: ignore[union-attr]
    ).first()
    if head is None:
        return None
    meeting_id, citizen_id = head.id, head.citizen_id
    first_name = (head.name or "").split()[0] if (head.name or "").split() else ""
    write_audit(session, actor=room_actor(link_id), action="room.view", citizen_id=citizen_id,
                entity="room_link", entity_id=link_id)  # fmt: skip

    prep = session.execute(
        select(Preparation.matters_most, Preparation.dream).where(Preparation.meeting_id == meeting_id)  # type: ignore[call-overload]
    ).first()
    agenda = tuple(
        AgendaItemView(row.id, row.position, row.title, row.minutes, row.started_at, row.ended_at)
        for row in session.execute(
            select(AgendaItem.id, AgendaItem.position, AgendaItem.title, AgendaItem.minutes,  # type: ignore[call-overload]
                   AgendaItem.started_at, AgendaItem.ended_at)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)  # type: ignore[arg-type]
        )
    )  # fmt: skip
    clock = RoomClock(
        opened_at=head.opened_at, minutes=head.minutes,
        someone_speaking=bool(head.speaker_is_citizen or head.speaker_person_id),
        speaker_is_citizen=bool(head.speaker_is_citizen), speaker_since=head.speaker_since,
        citizen_seconds=head.citizen_speaking_seconds, total_seconds=head.total_speaking_seconds,
    )  # fmt: skip
    # meeting_position reads the agenda and the current item only.
    position_input = replace(clock._live(), agenda=agenda,
                             current_agenda_position=head.current_agenda_position)  # fmt: skip
    return RoomView(
        meeting_id=meeting_id,
        first_name=first_name,
        matters_most=prep.matters_most if prep else None,
        dream=prep.dream if prep else None,
        goals=_goals(session, citizen_id, meeting_id),
        agreements=_agreements(session, citizen_id, meeting_id, first_name),
        decisions=tuple(
            session.execute(
                select(Decision.text)  # type: ignore[call-overload]
                .where(Decision.meeting_id == meeting_id)
                .order_by(Decision.position, Decision.id)  # type: ignore[arg-type]
            ).scalars()
        ),
        position=meeting_position(position_input),
        clock=clock,
    )


def _goals(session: Session, citizen_id: int, meeting_id: int) -> tuple[RoomGoal, ...]:
    """The focus (active) goals in the citizen's words, each with its latest score."""
    goals = session.execute(
        select(Goal.id, Goal.own_words)  # type: ignore[call-overload]
        .where(Goal.citizen_id == citizen_id, Goal.status == "active")
        .order_by(Goal.position, Goal.id)  # type: ignore[arg-type]
    ).all()
    latest: dict[int, tuple[int, bool]] = {}
    if goals:
        for goal_id, score, scored_meeting in session.execute(
            select(GoalScore.goal_id, GoalScore.score, GoalScore.meeting_id)  # type: ignore[call-overload]
            .join(Meeting, Meeting.id == GoalScore.meeting_id)  # type: ignore[arg-type]
            .where(GoalScore.goal_id.in_([g.id for g in goals]))  # type: ignore[attr-defined]
            .order_by(Meeting.starts_at, GoalScore.id)
        ):
            if latest.get(goal_id, (0, False))[1] and scored_meeting != meeting_id:
                continue  # this meeting's score stays the latest
            latest[goal_id] = (score, scored_meeting == meeting_id)
    return tuple(
        RoomGoal(number=n, words=g.own_words, score=latest.get(g.id, (None, False))[0],
                 scored_now=latest.get(g.id, (None, False))[1])  # fmt: skip
        for n, g in enumerate(goals, start=1)
    )


def _agreements(
    session: Session, citizen_id: int, meeting_id: int, first_name: str
) -> tuple[RoomAgreement, ...]:
    """Agreements made at this meeting (not cancelled) and earlier ones still open, by date."""
    rows = session.execute(
        select(  # type: ignore[call-overload]
            Action.id, Action.text, Action.owner_is_citizen, Action.due_on, Action.trial,
            Action.agreed_at_meeting_id, Action.updated_at, Person.name,
        )  # fmt: skip
        .outerjoin(Person, and_(Person.id == Action.owner_person_id, Person.citizen_id == citizen_id))  # type: ignore[arg-type]
        .where(
            Action.citizen_id == citizen_id,
            or_(
                and_(Action.agreed_at_meeting_id == meeting_id, Action.status != "cancelled"),  # type: ignore[arg-type]
                Action.status.in_(OPEN_ACTION_STATUSES),  # type: ignore[attr-defined]
            ),
        )
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)  # type: ignore[union-attr]
    ).all()
    return tuple(
        RoomAgreement(
            id=row.id, text=row.text, who=first_name if row.owner_is_citizen else row.name,
            by_citizen=bool(row.owner_is_citizen), due_on=row.due_on, trial=bool(row.trial),
            new=row.agreed_at_meeting_id == meeting_id, changed_at=row.updated_at,
        )  # fmt: skip
        for row in rows
    )
