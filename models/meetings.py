"""Before the meeting: scheduling, the agenda, the citizen's preparation and the invitation.

Rules (tested in tests/models/test_meetings.py):
- a meeting starts as a draft; `confirm_meeting` makes it "planned". Nothing is sent by Samplan:
  the invitation files (.ics and the letter) are only produced for a confirmed meeting;
- the citizen decides who is invited: participants are people from the citizen's own team and
  network; the meeting leader and the note taker must be among them. The same person as leader
  and note taker is allowed but warned about;
- default length 60 minutes; the default agenda of the good meeting is scaled so its time boxes
  add up to the meeting's length. An agenda longer than the meeting is allowed and flagged;
- a participant who already has another Samplan meeting at an overlapping time is warned about
  (the same person is recognised by user account, e-mail address or person row), without
  saying whose meeting the other one is;
- the citizen's preparation is saved verbatim, with optimistic concurrency;
- every read and write goes through models.access.authorize, every text through models/text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session, col

from models.access import Actor, authorize, require_staff
from models.cadence import suggest_next_meeting_date
from models.consent import uncovered_people
from models.errors import NotFound, StaleVersion, UserError
from models.i18n import translate
from models.plans import JointPlan, MeetingView, PersonView, PreparationView, load_joint_plan
from models.tables import (
    COPENHAGEN,
    AgendaItem,
    Meeting,
    MeetingParticipant,
    Person,
    Preparation,
    today,
    utcnow,
)
from models.text import SHORT_MAX, TEXT_MAX, clean_optional, clean_text, parse_date

DEFAULT_MINUTES = 60
MIN_MINUTES = 5
MAX_MINUTES = 480
COMING_STATUSES = ("draft", "planned", "in_progress")
EDITABLE_STATUSES = ("draft", "planned")
CONFIRMED_STATUSES = ("planned", "in_progress")
MAX_AGENDA_ITEMS = 20
MAX_MATTERS_MOST = 3

# The good meeting (Høje Taastrup's routine, Sorø's one hour): minutes for a 60-minute meeting.
# One item per step of Mødet, in the steps' order (models/meeting_timeline.py: the agenda is
# the meeting's one timeline).
AGENDA_TEMPLATE: tuple[tuple[str, int], ...] = (
    ("before.agenda.welcome", 5),
    ("before.agenda.status", 10),
    ("before.agenda.own_words", 15),
    ("before.agenda.agreements", 15),
    ("meet_panel.agenda_decisions", 10),
    ("before.agenda.next", 5),
)

CHECKLIST_ROLES = ("leader", "note_taker", "coordinator", "citizen")
CHECKLIST_PHASES = ("before", "during", "after")


@dataclass(frozen=True)
class AgendaLine:
    title: str
    minutes: int


@dataclass(frozen=True)
class MeetingSaved:
    id: int
    citizen_id: int
    version: int
    status: str


@dataclass(frozen=True)
class Clash:
    """A participant's other Samplan meeting that overlaps this one (whose meeting is not said)."""

    person_id: int
    person_name: str
    other_starts_at: datetime
    other_minutes: int


# --- Pure rules ------------------------------------------------------------------------------


def default_agenda(minutes: int = DEFAULT_MINUTES, *, lang: str = "da") -> tuple[AgendaLine, ...]:
    """The good meeting's agenda with time boxes that add up to exactly `minutes`.

    A meeting too short for one minute per item gets the one item that matters most."""
    if minutes < len(AGENDA_TEMPLATE):
        return (AgendaLine(translate("before.agenda.own_words", lang), max(1, minutes)),)
    base = sum(weight for _, weight in AGENDA_TEMPLATE)
    boxes = [max(1, round(weight * minutes / base)) for _, weight in AGENDA_TEMPLATE]
    # Rounding may leave a few minutes over or missing: the largest boxes absorb them.
    order = sorted(range(len(boxes)), key=lambda n: -boxes[n])
    step = 0
    while sum(boxes) != minutes:
        n = order[step % len(order)]
        if sum(boxes) < minutes:
            boxes[n] += 1
        elif boxes[n] > 1:
            boxes[n] -= 1
        step += 1
    return tuple(
        AgendaLine(translate(key, lang), box)
        for (key, _), box in zip(AGENDA_TEMPLATE, boxes, strict=True)
    )


def agenda_total(items: Sequence[AgendaLine] | Sequence[object]) -> int:
    return sum(int(getattr(item, "minutes", 0)) for item in items)


def agenda_overrun(items: Sequence[object], meeting_minutes: int) -> int:
    """Minutes the agenda runs past the meeting's end (0 when it fits)."""
    return max(0, agenda_total(items) - meeting_minutes)


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


def split_matters_most(text: str | None) -> list[str]:
    """The up to three things that matter most, stored one per line."""
    return [line for line in (text or "").split("\n") if line.strip()]


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


def _meeting(session: Session, meeting_id: object) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None:
        raise NotFound("meeting")
    return meeting


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


def _editable(session: Session, *, actor: Actor | None, meeting_id: object, action: str) -> Meeting:
    meeting = _meeting(session, meeting_id)
    authorize(
        session,
        actor=actor,
        citizen_id=meeting.citizen_id,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
    )
    if meeting.status not in EDITABLE_STATUSES:
        raise UserError("before.error.meeting_not_editable")
    return meeting


def _bump(session: Session, meeting: Meeting, seen_version: int, **values: object) -> int:
    from models.db import save_versioned

    version = save_versioned(session, Meeting, row_id=meeting.id, seen_version=seen_version, **values)
    session.expire(meeting)
    return version


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
    meeting = _editable(session, actor=actor, meeting_id=meeting_id, action="meeting.write")
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
    version = _bump(
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
    meeting = _editable(session, actor=actor, meeting_id=meeting_id, action="meeting.confirm")
    if meeting.status != "draft":
        raise UserError("before.error.already_confirmed")
    if meeting.starts_at <= utcnow():
        raise UserError("before.error.in_past")
    if meeting.leader_person_id is None or meeting.note_taker_person_id is None:
        raise UserError("before.error.leader_required")
    citizen_id = meeting.citizen_id
    version = _bump(session, meeting, seen_version, status="planned")
    return MeetingSaved(meeting_id, citizen_id, version, "planned")


def save_written_status(
    *, session: Session, actor: Actor | None, meeting_id: int, person_id: int, text: object
) -> None:
    """A professional who cannot come sends a short written status, read out in the status
    round. An empty text takes the apology back."""
    meeting = _editable(session, actor=actor, meeting_id=meeting_id, action="meeting.written_status")
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
    meeting = _meeting(session, meeting_id)
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


# --- The agenda -------------------------------------------------------------------------------


def save_agenda(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    seen_version: int,
    items: Sequence[tuple[object, object]],
) -> MeetingSaved:
    """Replace the agenda (title, minutes) in order. Empty rows are skipped; longer than the
    meeting is saved and flagged, not refused (the team may choose to run over)."""
    meeting = _editable(session, actor=actor, meeting_id=meeting_id, action="agenda.write")
    lines: list[AgendaLine] = []
    for title, minutes in items:
        text = clean_text(title, field="punkt", max_length=SHORT_MAX, single_line=True)
        if not text and (minutes in (None, "", 0)):
            continue
        if not text:
            raise UserError("before.error.agenda_title_required")
        try:
            box = int(minutes)  # type: ignore[call-overload]
        except (TypeError, ValueError) as exc:
            raise UserError("before.error.agenda_minutes", title=text) from exc
        if isinstance(minutes, bool) or not 1 <= box <= MAX_MINUTES:
            raise UserError("before.error.agenda_minutes", title=text)
        lines.append(AgendaLine(text, box))
    if not lines:
        raise UserError("before.error.agenda_empty")
    if len(lines) > MAX_AGENDA_ITEMS:
        raise UserError("before.error.agenda_too_long_list", max=MAX_AGENDA_ITEMS)
    citizen_id, status = meeting.citizen_id, meeting.status
    version = _bump(session, meeting, seen_version)
    session.execute(delete(AgendaItem).where(col(AgendaItem.meeting_id) == meeting_id))
    session.add_all(
        AgendaItem(meeting_id=meeting_id, position=n, title=line.title, minutes=line.minutes)
        for n, line in enumerate(lines)
    )
    session.flush()
    return MeetingSaved(meeting_id, citizen_id, version, status)


# --- The citizen's preparation -------------------------------------------------------------------

PREPARATION_FIELDS = ("matters_most", "dream", "going_well", "questions", "not_to_raise", "when_hard")


def save_preparation(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    seen_version: int | None,
    matters_most: Sequence[object] = (),
    dream: object = None,
    going_well: object = None,
    questions: object = None,
    not_to_raise: object = None,
    when_hard: object = None,
) -> int:
    """Save what the citizen prepared, verbatim. `seen_version` None means "there was none when
    I opened it"; if someone saved in the meantime, StaleVersion (the page keeps the text).
    Returns the new version."""
    meeting = _editable(session, actor=actor, meeting_id=meeting_id, action="preparation.write")
    things = [
        clean_text(value, field="det vigtigste", max_length=1000, single_line=True) for value in matters_most
    ]
    things = [thing for thing in things if thing]
    if len(things) > MAX_MATTERS_MOST:
        raise UserError("before.error.too_many_things", max=MAX_MATTERS_MOST)
    values = {
        "matters_most": "\n".join(things) or None,
        "dream": clean_optional(dream, field="drøm eller håb", max_length=TEXT_MAX),
        "going_well": clean_optional(going_well, field="det går godt med", max_length=TEXT_MAX),
        "questions": clean_optional(questions, field="spørgsmål", max_length=TEXT_MAX),
        "not_to_raise": clean_optional(not_to_raise, field="ikke tale om foran alle", max_length=TEXT_MAX),
        "when_hard": clean_optional(when_hard, field="når det er svært", max_length=TEXT_MAX),
    }
    existing = session.execute(
        select(Preparation).where(Preparation.meeting_id == meeting.id)
    ).scalar_one_or_none()
    if existing is None:
        if seen_version is not None:
            raise StaleVersion()
        row = Preparation(meeting_id=meeting.id, **values)  # type: ignore[arg-type]
        session.add(row)
        session.flush()
        return row.version
    if seen_version is None:
        raise StaleVersion()
    from models.db import save_versioned

    version = save_versioned(session, Preparation, row_id=existing.id, seen_version=seen_version, **values)
    session.expire(existing)
    return version


# --- The invitation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitedPerson:
    id: int
    name: str
    kind: str
    title: str | None
    relation: str | None
    department: str | None
    email: str | None
    phone: str | None
    is_leader: bool = False
    is_note_taker: bool = False
    is_coordinator: bool = False


@dataclass(frozen=True)
class Invitation:
    """Everything an invitation may carry. `invited` holds only the people who may receive the
    citizen's information; professionals no valid consent covers are in `left_out`."""

    meeting_id: int
    meeting_version: int
    citizen_name: str
    citizen_email: str | None
    starts_at: datetime
    minutes: int
    place: str | None
    video_link: str | None
    invited: tuple[InvitedPerson, ...]
    left_out: tuple[InvitedPerson, ...]
    agenda: tuple[AgendaLine, ...]
    preparation: PreparationView | None
    contact: InvitedPerson | None = None
    organizer: InvitedPerson | None = None
    written_statuses: tuple[tuple[str, str], ...] = field(default=())

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)


def _invited(person: PersonView, meeting: MeetingView) -> InvitedPerson:
    return InvitedPerson(
        id=person.id,
        name=person.name,
        kind=person.kind,
        title=person.title,
        relation=person.relation,
        department=person.department,
        email=person.email,
        phone=person.phone,
        is_leader=person.id == meeting.leader_person_id,
        is_note_taker=person.id == meeting.note_taker_person_id,
        is_coordinator=person.is_coordinator,
    )


def uncovered_participants(plan: JointPlan, meeting: MeetingView, *, on: date | None = None) -> set[int]:
    """Participants no valid sharing consent covers today or on the meeting day (the information
    goes out now and is shared at the meeting: consent must hold on both days)."""
    people = [p for p in (plan.person(mp.person_id) for mp in meeting.participants) if p is not None]
    days = {on or today(), meeting.starts_at.astimezone(COPENHAGEN).date()}
    return {p.id for day in days for p in uncovered_people(people=people, consents=plan.consents, on=day)}


def build_invitation(plan: JointPlan, meeting_id: int, *, on: date | None = None) -> Invitation:
    """The invitation for a confirmed meeting (a draft is never sent)."""
    meeting = next((m for m in plan.meetings if m.id == meeting_id), None)
    if meeting is None:
        raise NotFound("meeting")
    if meeting.status not in CONFIRMED_STATUSES:
        raise UserError("before.error.not_confirmed")
    uncovered = uncovered_participants(plan, meeting, on=on)
    people = [p for p in (plan.person(mp.person_id) for mp in meeting.participants) if p is not None]
    invited = tuple(_invited(p, meeting) for p in people if p.id not in uncovered)
    left_out = tuple(_invited(p, meeting) for p in people if p.id in uncovered)
    contact = plan.contact_person
    coordinator = next((p for p in plan.people if p.is_coordinator and p.is_active), None)
    statuses = tuple(
        (person.name, mp.written_status)
        for mp in meeting.participants
        if mp.written_status
        and (person := plan.person(mp.person_id)) is not None
        and person.id not in uncovered
    )
    return Invitation(
        meeting_id=meeting.id,
        meeting_version=meeting.version,
        citizen_name=plan.citizen.name,
        citizen_email=plan.citizen.email,
        starts_at=meeting.starts_at,
        minutes=meeting.minutes,
        place=meeting.place,
        video_link=meeting.video_link,
        invited=invited,
        left_out=left_out,
        agenda=tuple(AgendaLine(a.title, a.minutes) for a in meeting.agenda),
        preparation=meeting.preparation,
        contact=_invited(contact, meeting) if contact is not None else None,
        organizer=_invited(coordinator, meeting) if coordinator is not None else None,
        written_statuses=statuses,
    )


def load_invitation(
    *, session: Session, actor: Actor | None, citizen_id: int, meeting_id: int, purpose: str
) -> Invitation:
    """Authorise and audit the export (`purpose`, e.g. "invitation.export_ics") and build it."""
    plan = load_joint_plan(session=session, actor=actor, citizen_id=citizen_id, purpose=purpose)
    return build_invitation(plan, meeting_id)
