"""Mødet's end: the citizen's answer to the read-back and the close, which leaves an immutable
plan version and the next meeting as a draft behind. The citizen's answer uses the version the
user saw."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models.access import Actor
from models.cadence import suggest_next_meeting_date
from models.db import save_versioned
from models.errors import UserError
from models.formatting import local
from models.meeting_live import SavedMeeting, meeting_for_write, stop_the_clock
from models.meeting_read import LiveMeeting, aware, load_meeting_screen, unfinished_agreements
from models.plans import (
    JointPlan,
    load_joint_plan,
    plan_to_json,
)
from models.tables import (
    COPENHAGEN,
    AgendaItem,
    Citizen,
    Meeting,
    MeetingParticipant,
    Person,
    PlanVersion,
    utcnow,
)
from models.text import clean_optional

# --- Read-back and close ------------------------------------------------------------------


def record_citizen_response(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    seen_version: int,
    agrees: bool,
    disagreement: str | None = None,
) -> SavedMeeting:
    """Whether the citizen agrees with the plan as read back; a disagreement in their own words."""
    meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.response")
    words = clean_optional(disagreement, field="disagreement")
    if not agrees and words is None:
        raise UserError("meet.error.disagreement_required")
    version = save_versioned(
        session, Meeting, row_id=meeting_id, seen_version=seen_version,
        citizen_agrees=bool(agrees), citizen_disagreement=None if agrees else words,
    )  # fmt: skip
    return SavedMeeting(id=meeting_id, version=version)


@dataclass(frozen=True)
class ClosedMeeting:
    meeting_id: int
    plan_version_id: int
    plan_version_number: int
    next_meeting_id: int
    next_starts_at: datetime
    next_was_created: bool


def next_meeting_start(starts_at: datetime, meetings_per_year: int) -> datetime:
    """The cadence's date at the same time of day (Copenhagen wall clock), as aware UTC."""
    local_start = local(starts_at)
    day = suggest_next_meeting_date(last_meeting=local_start.date(), meetings_per_year=meetings_per_year)
    wall = datetime.combine(day, local_start.time().replace(tzinfo=None), tzinfo=COPENHAGEN)
    return wall.astimezone(UTC)


def _schedule_next(session: Session, meeting: Meeting, citizen: Citizen) -> tuple[Meeting, bool]:
    later = (
        session.execute(
            select(Meeting)
            .where(
                Meeting.citizen_id == meeting.citizen_id,
                Meeting.id != meeting.id,
                Meeting.status.in_(("draft", "planned")),  # type: ignore[attr-defined]
                Meeting.starts_at > meeting.starts_at,
            )
            .order_by(Meeting.starts_at)
        )
        .scalars()
        .first()
    )
    if later is not None:  # already planned: do not make a second one
        return later, False
    following = Meeting(
        citizen_id=meeting.citizen_id,
        starts_at=next_meeting_start(aware(meeting.starts_at), citizen.meetings_per_year),  # type: ignore[arg-type]
        minutes=meeting.minutes,
        place=meeting.place,
        video_link=meeting.video_link,
        status="draft",
        leader_person_id=meeting.leader_person_id,
        note_taker_person_id=meeting.note_taker_person_id,
    )
    session.add(following)
    session.flush()
    invited = session.execute(
        select(MeetingParticipant.person_id)
        .join(Person, Person.id == MeetingParticipant.person_id)  # type: ignore[arg-type]
        .where(MeetingParticipant.meeting_id == meeting.id, Person.removed_on.is_(None))  # type: ignore[union-attr]
        .order_by(MeetingParticipant.position, MeetingParticipant.id)
    ).scalars()
    session.add_all(
        MeetingParticipant(meeting_id=following.id, person_id=pid, position=n)  # type: ignore[arg-type]
        for n, pid in enumerate(invited)
    )
    session.flush()
    return following, True


def close_problems(plan: JointPlan, meeting: LiveMeeting) -> tuple[str, ...]:
    """Catalogue keys of what stops the close (empty: the meeting may close)."""
    problems = []
    if meeting.status != "in_progress":
        problems.append("meet.error.not_running")
    if unfinished_agreements(plan, meeting.id):
        problems.append("meet.error.unfinished")
    if meeting.citizen_present is not False and meeting.citizen_agrees is None:
        problems.append("meet.error.response_needed")
    return tuple(problems)


def close_meeting(
    *, session: Session, actor: Actor | None, meeting_id: int, now: datetime | None = None
) -> ClosedMeeting:
    """Close the meeting in the caller's ONE transaction.

    Refused while an agreement made at this meeting lacks an owner or a date, or while the
    citizen (if present) has not said whether they agree. Otherwise: the speaking clock and the
    agenda stop, the meeting is marked held, the next meeting is scheduled as a draft (same time
    of day, place and participants), and an immutable PlanVersion of the joint plan is stored.
    Open agreements are not touched: they are carried forward to the next status round.
    """
    meeting = meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.close")
    screen = load_meeting_screen(session=session, actor=actor, citizen_id=meeting.citizen_id,
                                 meeting_id=meeting_id)  # fmt: skip
    assert screen.meeting is not None
    problems = close_problems(screen.plan, screen.meeting)
    if problems:
        count = len(unfinished_agreements(screen.plan, meeting_id))
        raise UserError(problems[0], count=count)
    now = now or utcnow()
    stop_the_clock(meeting, now)
    for item in session.execute(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id, AgendaItem.started_at.is_not(None),  # type: ignore[union-attr]
                                 AgendaItem.ended_at.is_(None))  # type: ignore[union-attr]
    ).scalars():  # fmt: skip
        item.ended_at = now
        session.add(item)
    meeting.status, meeting.closed_at, meeting.current_agenda_position = "held", now, None
    meeting.version += 1
    session.add(meeting)
    citizen = session.get(Citizen, meeting.citizen_id)
    assert citizen is not None
    following, created = _schedule_next(session, meeting, citizen)
    session.flush()
    plan = load_joint_plan(
        session=session, actor=actor, citizen_id=meeting.citizen_id, purpose="plan.snapshot"
    )
    number = (
        session.execute(
            select(func.max(PlanVersion.number)).where(PlanVersion.citizen_id == meeting.citizen_id)
        ).scalar()
        or 0
    ) + 1
    version = PlanVersion(
        citizen_id=meeting.citizen_id,
        meeting_id=meeting_id,
        number=number,
        created_at=now,
        created_by_user_id=actor.user_id if actor else None,
        snapshot_json=plan_to_json(plan),
    )
    session.add(version)
    session.flush()
    assert version.id is not None and following.id is not None
    return ClosedMeeting(
        meeting_id=meeting_id,
        plan_version_id=version.id,
        plan_version_number=number,
        next_meeting_id=following.id,
        next_starts_at=aware(following.starts_at),  # type: ignore[arg-type]
        next_was_created=created,
    )
