"""Scheduling a meeting: when and where, who is invited, its confirmation, written statuses
and double bookings.

Rules (tested in tests/models/test_meetings.py):
- a meeting starts as a draft; `confirm_meeting` makes it "planned". Nothing is sent by Samplan:
  the invitation files (.ics and the letter) are only produced for a confirmed meeting
  (models/invitation.py);
- the citizen decides who is invited: participants are people from the citizen's own team and
  network; the meeting leader and the note taker must be among them. The same person as leader
  and note taker is allowed but warned about;
- default length 60 minutes (models/meeting_edit.py); a new meeting gets the good meeting's
  agenda fitted to its length (models/agenda.py);
- a participant who already has another Samplan meeting at an overlapping time is warned about
  (the same person is recognised by user account, e-mail address or person row), without
  saying whose meeting the other one is;
- every read and write goes through models.access.authorize, every text through models/text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session, col

from models.access import Actor, authorize, require_staff
from models.agenda import default_agenda
from models.cadence import suggest_next_meeting_date
from models.errors import NotFound, UserError
from models.meeting_edit import (
    DEFAULT_MINUTES,
    MAX_MINUTES,
    MIN_MINUTES,
    MeetingSaved,
    bump_meeting,
    editable_meeting,
    find_meeting,
)
from models.plans import JointPlan, PersonView
from models.tables import (
    COPENHAGEN,
    AgendaItem,
    Meeting,
    MeetingParticipant,
    Person,
    today,
    utcnow,
)
from models.text import SHORT_MAX, clean_optional, parse_date

COMING_STATUSES = ("draft", "planned", "in_progress")
CONFIRMED_STATUSES = ("planned", "in_progress")

CHECKLIST_ROLES = ("leader", "note_taker", "coordinator", "citizen")
CHECKLIST_PHASES = ("before", "during", "after")


@dataclass(frozen=True)
class Clash:
    """A participant's other Samplan meeting that overlaps this one (whose meeting is not said)."""

    person_id: int
    person_name: str
    other_starts_at: datetime
    other_minutes: int


# --- Pure rules ------------------------------------------------------------------------------


def checklist_key(role: str, phase: str) -> str:
    """The catalogue key of one role's checklist for one phase (lines separated by newlines)."""
    return f"before.checklist.{role}_{phase}"


def same_leader_and_note_taker(leader_id: int | None, note_taker_id: int | None) -> bool:
    return leader_id is not None and leader_id == note_taker_id


def suggest_meeting_day(*, last_held: date | None, meetings_per_year: int, on: date) -> date:
    """The cadence's next date after the last held meeting; never in the past, never a weekend.

    Without a held meeting (a new citizen) the first meeting is suggested two weeks ahead.
    """
    if last_held is None:
        day = on + timedelta(days=14)
    else:
        day = suggest_next_meeting_date(last_meeting=last_held, meetings_per_year=meetings_per_year)
        if day <= on:
            day = on + timedelta(days=7)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def suggested_day_for(plan: JointPlan, *, on: date | None = None) -> date:
    held = plan.last_held_meeting
    return suggest_meeting_day(
        last_held=held.starts_at.astimezone(COPENHAGEN).date() if held else None,
        meetings_per_year=plan.citizen.meetings_per_year,
        on=on or today(),
    )


def local_start(day: object, clock: object) -> datetime:
    """A Copenhagen date and clock time as an aware UTC moment (daylight saving included)."""
    when = parse_date(day, field="dato")
    if when is None:
        raise UserError("error.required", field="dato")
    if isinstance(clock, str):
        try:
            clock = time.fromisoformat(clock.strip())
        except ValueError as exc:
            raise UserError("before.error.bad_time", value=clock[:20]) from exc
    if not isinstance(clock, time):
        raise UserError("error.required", field="klokkeslæt")
    return datetime.combine(when, clock.replace(second=0, microsecond=0), tzinfo=COPENHAGEN).astimezone(UTC)


# --- Scheduling --------------------------------------------------------------------------------


def _clean_minutes(value: object) -> int:
    try:
        minutes = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise UserError("before.error.bad_minutes", min=MIN_MINUTES, max=MAX_MINUTES) from exc
    if isinstance(value, bool) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise UserError("before.error.bad_minutes", min=MIN_MINUTES, max=MAX_MINUTES)
    return minutes


def _check_people(
    session: Session,
    *,
    citizen_id: int,
    participant_ids: Sequence[int],
    leader_id: int | None,
    note_taker_id: int | None,
) -> list[int]:
    chosen = list(dict.fromkeys(participant_ids))
    if not chosen:
        raise UserError("before.error.no_participants")
    rows = (
        session.execute(
            select(Person.id).where(
                col(Person.id).in_(chosen),
                Person.citizen_id == citizen_id,
                col(Person.removed_on).is_(None),
            )
        )
        .scalars()
        .all()
    )
    if len(set(rows)) != len(chosen):
        raise NotFound("person")
    if leader_id is None:
        raise UserError("before.error.leader_required")
    if note_taker_id is None:
        raise UserError("before.error.note_taker_required")
    if leader_id not in chosen or note_taker_id not in chosen:
        raise UserError("before.error.roles_not_invited")
    return chosen


def _meeting_values(
    *, day: object, clock: object, minutes: object, place: object, video_link: object
) -> dict[str, object]:
    starts_at = local_start(day, clock)
    where = clean_optional(place, field="sted", max_length=SHORT_MAX)
    link = clean_optional(video_link, field="videolink", max_length=500)
    if where is not None:
        where = " ".join(where.split())
    if link is not None:
        link = link.strip()
        if not link.startswith(("https://", "http://")) or any(ch.isspace() for ch in link):
            raise UserError("before.error.bad_link")
    if where is None and link is None:
        raise UserError("before.error.place_required")
    return {"starts_at": starts_at, "minutes": _clean_minutes(minutes), "place": where, "video_link": link}


def schedule_meeting(
    *,
    session: Session,
    actor: Actor | None,
    citizen_id: int,
    day: object,
    clock: object,
    minutes: object = DEFAULT_MINUTES,
    place: object = None,
    video_link: object = None,
    participant_ids: Sequence[int] = (),
    leader_id: int | None = None,
    note_taker_id: int | None = None,
    lang: str = "da",
) -> MeetingSaved:
    """A new meeting as a draft, with the default agenda fitted to its length."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="meeting.schedule", entity="meeting")
    values = _meeting_values(day=day, clock=clock, minutes=minutes, place=place, video_link=video_link)
    if values["starts_at"] <= utcnow():  # type: ignore[operator]
        raise UserError("before.error.in_past")
    chosen = _check_people(
        session,
        citizen_id=citizen_id,
        participant_ids=participant_ids,
        leader_id=leader_id,
        note_taker_id=note_taker_id,
    )
    meeting = Meeting(
        citizen_id=citizen_id,
        status="draft",
        leader_person_id=leader_id,
        note_taker_person_id=note_taker_id,
        **values,  # type: ignore[arg-type]
    )
    session.add(meeting)
    session.flush()
    assert meeting.id is not None
    session.add_all(
        MeetingParticipant(meeting_id=meeting.id, person_id=pid, position=n) for n, pid in enumerate(chosen)
    )
    session.add_all(
        AgendaItem(meeting_id=meeting.id, position=n, title=line.title, minutes=line.minutes)
        for n, line in enumerate(default_agenda(meeting.minutes, lang=lang))
    )
    session.flush()
    return MeetingSaved(meeting.id, citizen_id, meeting.version, meeting.status)


def update_meeting(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    seen_version: int,
    day: object,
    clock: object,
    minutes: object,
    place: object = None,
    video_link: object = None,
    participant_ids: Sequence[int] = (),
    leader_id: int | None = None,
    note_taker_id: int | None = None,
) -> MeetingSaved:
    """Change a draft or a confirmed meeting. Participants who stay keep their written status."""
    meeting = editable_meeting(session, actor=actor, meeting_id=meeting_id, action="meeting.write")
    citizen_id, status = meeting.citizen_id, meeting.status
    values = _meeting_values(day=day, clock=clock, minutes=minutes, place=place, video_link=video_link)
    if values["starts_at"] != meeting.starts_at and values["starts_at"] <= utcnow():  # type: ignore[operator]
        raise UserError("before.error.in_past")
    chosen = _check_people(
        session,
        citizen_id=citizen_id,
        participant_ids=participant_ids,
        leader_id=leader_id,
        note_taker_id=note_taker_id,
    )
    version = bump_meeting(
        session,
        meeting,
        seen_version,
        leader_person_id=leader_id,
        note_taker_person_id=note_taker_id,
        **values,
    )
    existing = {
        mp.person_id: mp
        for mp in session.execute(
            select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting_id)
        ).scalars()
    }
    session.execute(
        delete(MeetingParticipant).where(
            col(MeetingParticipant.meeting_id) == meeting_id,
            col(MeetingParticipant.person_id).not_in(chosen),
        )
    )
    for n, pid in enumerate(chosen):
        row = existing.get(pid) or MeetingParticipant(meeting_id=meeting_id, person_id=pid)
        row.position = n
        session.add(row)
    session.flush()
    return MeetingSaved(meeting_id, citizen_id, version, status)


def confirm_meeting(
    *, session: Session, actor: Actor | None, meeting_id: int, seen_version: int
) -> MeetingSaved:
    """Draft -> planned. Only now may the invitations be handed out."""
    meeting = editable_meeting(session, actor=actor, meeting_id=meeting_id, action="meeting.confirm")
    if meeting.status != "draft":
        raise UserError("before.error.already_confirmed")
    if meeting.starts_at <= utcnow():
        raise UserError("before.error.in_past")
    if meeting.leader_person_id is None or meeting.note_taker_person_id is None:
        raise UserError("before.error.leader_required")
    citizen_id = meeting.citizen_id
    version = bump_meeting(session, meeting, seen_version, status="planned")
    return MeetingSaved(meeting_id, citizen_id, version, "planned")


def save_written_status(
    *, session: Session, actor: Actor | None, meeting_id: int, person_id: int, text: object
) -> None:
    """A professional who cannot come sends a short written status, read out in the status
    round. An empty text takes the apology back."""
    meeting = editable_meeting(session, actor=actor, meeting_id=meeting_id, action="meeting.written_status")
    row = session.execute(
        select(MeetingParticipant).where(
            MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.person_id == person_id
        )
    ).scalar_one_or_none()
    person = session.get(Person, person_id)
    if row is None or person is None:
        raise NotFound("person")
    if person.kind != "professional":
        raise UserError("before.error.status_professional_only")
    status = clean_optional(text, field="skriftlig status", max_length=2000)
    row.written_status = status
    row.attendance = "apologies" if status else "invited"
    session.add(row)
    session.flush()


def double_bookings(*, session: Session, actor: Actor | None, meeting_id: int) -> tuple[Clash, ...]:
    """Participants of this meeting who have another coming Samplan meeting at an overlapping time."""
    meeting = find_meeting(session, meeting_id)
    authorize(
        session,
        actor=actor,
        citizen_id=meeting.citizen_id,
        action="meeting.read",
        entity="meeting",
        entity_id=meeting.id,
    )
    mine = (
        session.execute(
            select(Person)
            .join(MeetingParticipant, MeetingParticipant.person_id == Person.id)  # type: ignore[arg-type]
            .where(MeetingParticipant.meeting_id == meeting.id)
        )
        .scalars()
        .all()
    )
    return _clashes(session, meeting.id, meeting.starts_at, meeting.minutes, mine)  # type: ignore[arg-type]


def double_bookings_in_plan(
    *, session: Session, actor: Actor | None, plan: JointPlan, meeting_id: int
) -> tuple[Clash, ...]:
    """double_bookings for a page that has just loaded (authorised and audited) the citizen's plan:
    the meeting and its participants come from the plan, so one statement and no second check.
    A citizen's own link may not read this (as with double_bookings)."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="meeting.read", entity="meeting",
                  entity_id=meeting_id)
    view = next((m for m in plan.meetings if m.id == meeting_id), None)
    if view is None:
        raise NotFound("meeting")
    mine = [p for p in (plan.person(mp.person_id) for mp in view.participants) if p is not None]
    return _clashes(session, view.id, view.starts_at, view.minutes, mine)


def _clashes(
    session: Session, meeting_id: int, start: datetime, minutes: int, mine: Sequence[Person | PersonView]
) -> tuple[Clash, ...]:
    if not mine:
        return ()
    end = start + timedelta(minutes=minutes)
    user_ids = {p.user_id for p in mine if p.user_id is not None}
    emails = {p.email.strip().lower() for p in mine if p.email and p.email.strip()}
    same_person = [col(Person.id).in_([p.id for p in mine])]
    if user_ids:
        same_person.append(col(Person.user_id).in_(user_ids))
    if emails:
        same_person.append(func.lower(func.trim(Person.email)).in_(emails))
    rows = session.execute(
        select(Person, Meeting.starts_at, Meeting.minutes)
        .join(MeetingParticipant, MeetingParticipant.person_id == Person.id)  # type: ignore[arg-type]
        .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)  # type: ignore[arg-type]
        .where(
            Meeting.id != meeting_id,
            col(Meeting.status).in_(COMING_STATUSES),
            col(Meeting.starts_at) < end,
            col(Meeting.starts_at) > start - timedelta(minutes=MAX_MINUTES),
            or_(*same_person),
        )
        .order_by(col(Meeting.starts_at))
    ).all()
    clashes: dict[int, Clash] = {}
    for other, other_start, other_minutes in rows:
        if other_start + timedelta(minutes=other_minutes) <= start:
            continue
        for p in mine:
            same = (
                p.id == other.id
                or (p.user_id is not None and p.user_id == other.user_id)
                or (p.email and other.email and p.email.strip().lower() == other.email.strip().lower())
            )
            if same and p.id not in clashes:
                clashes[p.id] = Clash(p.id, p.name, other_start, other_minutes)  # type: ignore[arg-type]
    return tuple(clashes.values())
