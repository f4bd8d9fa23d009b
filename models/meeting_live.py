"""Mødet while it runs: open (asking first when it is early), attendance, the agenda's one
timeline, and who has the word.

Live controls (who has the word, the next agenda item, attendance) lock the meeting row and do
not bump its version: one click must never be refused because someone else clicked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models.access import Actor, authorize
from models.agenda import default_agenda
from models.db import save_versioned
from models.errors import NotFound, UserError
from models.formatting import format_day, local
from models.i18n import translate
from models.meeting_read import LiveMeeting, seconds_between
from models.meeting_timeline import STEP_TITLE_KEYS, missing_steps
from models.plans import (
    AgendaItemView,
)
from models.tables import (
    ATTENDANCE,
    AgendaItem,
    Meeting,
    MeetingParticipant,
    Person,
    utcnow,
)
from models.text import clean_optional

OPENABLE = ("draft", "planned")


# --- Writes: helpers ----------------------------------------------------------------------


@dataclass(frozen=True)
class SavedMeeting:
    id: int
    version: int


def meeting_for_write(
    session: Session, *, actor: Actor | None, meeting_id: int, what: str, running: bool = True
) -> Meeting:
    """The meeting row, locked for this transaction, after the authorisation check."""
    meeting = (
        session.execute(
            select(Meeting).where(Meeting.id == meeting_id).with_for_update()
        ).scalar_one_or_none()
        if isinstance(meeting_id, int)
        else None
    )
    if meeting is None:
        raise NotFound("meeting")
    authorize(session, actor=actor, citizen_id=meeting.citizen_id, action=what, entity="meeting",
              entity_id=meeting_id)  # fmt: skip
    if running and meeting.status != "in_progress":
        raise UserError("meet.error.not_running")
    return meeting


def agenda_rows(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)  # type: ignore[arg-type]
        ).scalars()
    )


def check_person(session: Session, *, citizen_id: int, person_id: int) -> Person:
    person = session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or person.citizen_id != citizen_id:
        raise UserError("agreement.owner_not_in_network")
    return person


# --- Open and attendance ------------------------------------------------------------------


def planned_day(starts_at: datetime) -> date:
    """The day the meeting is planned for, on Copenhagen's calendar."""
    return local(starts_at).date()


def opens_early(starts_at: datetime, *, now: datetime | None = None) -> bool:
    """Opening now would be before the planned day: the page asks first (issue 17, point 7)."""
    return local(now or utcnow()).date() < planned_day(starts_at)


def open_meeting(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    seen_version: int,
    now: datetime | None = None,
    start_early: bool = False,
) -> SavedMeeting:
    """Draft or confirmed -> in progress. Starts the clock and the first agenda item; a meeting
    without an agenda gets the good meeting's routine as its agenda.

    Before the planned day it opens only with `start_early` (the leader answered the question).
    Opened on another day than planned, the meeting's start becomes the moment it opened: the
    plan, the Word plan and the cadence then carry the day it was actually held."""
    meeting = meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.open",
                                 running=False)  # fmt: skip
    if meeting.status not in OPENABLE:
        raise UserError("meet.error.not_openable")
    now = now or utcnow()
    held_on: dict[str, datetime] = {}
    if local(now).date() != planned_day(meeting.starts_at):
        if opens_early(meeting.starts_at, now=now) and not start_early:
            raise UserError("meetpanel.early_error", day=format_day(planned_day(meeting.starts_at)))
        held_on["starts_at"] = now.replace(microsecond=0)
    items = agenda_rows(session, meeting_id)
    if not items:
        # The same routine the preparation page offers (models/agenda.py), summing to the length.
        for n, line in enumerate(default_agenda(meeting.minutes)):
            item = AgendaItem(meeting_id=meeting_id, position=n, title=line.title, minutes=line.minutes)
            session.add(item)
            items.append(item)
        session.flush()
    # Every step must be reachable on the one timeline: an agenda saved without, say, a
    # decisions item gets one (no time box) where it belongs.
    for at, kind in missing_steps([i.title for i in items]):
        item = AgendaItem(meeting_id=meeting_id, title=translate(STEP_TITLE_KEYS[kind]), minutes=0)
        session.add(item)
        items.insert(at, item)
    for n, item in enumerate(items):
        item.position = n
        session.add(item)
    session.flush()
    first = items[0]
    first.started_at, first.ended_at = now, None
    session.add(first)
    version = save_versioned(
        session, Meeting, row_id=meeting_id, seen_version=seen_version,
        status="in_progress", opened_at=now, current_agenda_position=first.position, **held_on,
    )  # fmt: skip
    session.expire(meeting)
    return SavedMeeting(id=meeting_id, version=version)


def set_attendance(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    person_id: int,
    attendance: str,
    written_status: str | None = None,
) -> None:
    """Present, apologies (with their written status for the status round) or absent."""
    if attendance not in ATTENDANCE:
        raise UserError("meet.error.bad_attendance")
    meeting = meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.attendance",
                                 running=False)  # fmt: skip
    if meeting.status in ("held", "cancelled"):
        raise UserError("meet.error.closed")
    check_person(session, citizen_id=meeting.citizen_id, person_id=person_id)
    status_text = clean_optional(written_status, field="written_status")
    row = session.execute(
        select(MeetingParticipant).where(
            MeetingParticipant.meeting_id == meeting_id, MeetingParticipant.person_id == person_id
        )
    ).scalar_one_or_none()
    if row is None:
        last = session.execute(
            select(func.max(MeetingParticipant.position)).where(MeetingParticipant.meeting_id == meeting_id)
        ).scalar()
        row = MeetingParticipant(meeting_id=meeting_id, person_id=person_id, position=(last or 0) + 1)
    row.attendance = attendance
    # A written status is what someone who could not come sent; keep it unless replaced.
    if status_text is not None or attendance == "apologies":
        row.written_status = status_text if status_text is not None else row.written_status
    session.add(row)


def set_citizen_present(*, session: Session, actor: Actor | None, meeting_id: int, present: bool) -> None:
    meeting = meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.attendance",
                                 running=False)  # fmt: skip
    if meeting.status in ("held", "cancelled"):
        raise UserError("meet.error.closed")
    meeting.citizen_present = bool(present)
    session.add(meeting)


# --- Agenda and time ----------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaProgress:
    current: AgendaItemView | None
    elapsed_seconds: int  # on the current item
    time_box_seconds: int
    meeting_elapsed_seconds: int
    meeting_planned_seconds: int
    done_count: int
    item_count: int

    @property
    def over_time(self) -> bool:
        # An item without a time box (a step added when the meeting opened) is never over time.
        return self.current is not None and 0 < self.time_box_seconds < self.elapsed_seconds

    @property
    def meeting_over_time(self) -> bool:
        return self.meeting_elapsed_seconds > self.meeting_planned_seconds


def agenda_progress(meeting: LiveMeeting, *, now: datetime | None = None) -> AgendaProgress:
    """Where the meeting is: the current item, its time box and elapsed time, and the total."""
    now = now or utcnow()
    current = next((i for i in meeting.agenda if i.position == meeting.current_agenda_position), None)
    end = meeting.closed_at or now
    return AgendaProgress(
        current=current,
        elapsed_seconds=seconds_between(now, current.started_at) if current else 0,
        time_box_seconds=(current.minutes * 60) if current else 0,
        meeting_elapsed_seconds=seconds_between(end, meeting.opened_at),
        meeting_planned_seconds=meeting.minutes * 60,
        done_count=sum(1 for i in meeting.agenda if i.ended_at is not None),
        item_count=len(meeting.agenda),
    )


def _move_to(session: Session, meeting_id: int, target: int | None, now: datetime) -> int | None:
    """End the current item and start the agenda item at index `target` (None: all done)."""
    items = agenda_rows(session, meeting_id)
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    for item in items:
        if item.started_at is not None and item.ended_at is None:
            item.ended_at = now
            session.add(item)
    position = None
    if target is not None and 0 <= target < len(items):
        chosen = items[target]
        chosen.started_at, chosen.ended_at = now, None  # a step visited again starts its time box again
        session.add(chosen)
        position = chosen.position
    meeting.current_agenda_position = position
    session.add(meeting)
    return position


def next_agenda_item(
    *, session: Session, actor: Actor | None, meeting_id: int, now: datetime | None = None
) -> int | None:
    """ "Næste punkt": the item after the current one; returns the new position (None: all done)."""
    meeting = meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.agenda")
    items = agenda_rows(session, meeting_id)
    index = next((n for n, i in enumerate(items) if i.position == meeting.current_agenda_position), None)
    if index is None:  # all done already: stays done
        return None
    return _move_to(session, meeting_id, index + 1, now or utcnow())


def go_to_agenda_item(
    *, session: Session, actor: Actor | None, meeting_id: int, index: int, now: datetime | None = None
) -> int | None:
    """The panel's step picker: move the one position to the agenda item at 0-based `index`."""
    meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.agenda")
    items = agenda_rows(session, meeting_id)
    if not isinstance(index, int) or not 0 <= index < len(items):
        raise UserError("meet_panel.error.no_such_item")
    return _move_to(session, meeting_id, index, now or utcnow())


# --- Speaking time ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakingTime:
    citizen_seconds: int
    total_seconds: int
    speaker_is_citizen: bool = False
    speaker_person_id: int | None = None

    @property
    def citizen_share(self) -> float | None:
        """The citizen's share of the speaking time so far (0.0-1.0); None before anyone spoke."""
        return self.citizen_seconds / self.total_seconds if self.total_seconds else None

    @property
    def someone_speaks(self) -> bool:
        return self.speaker_is_citizen or self.speaker_person_id is not None

    @property
    def nobody_yet(self) -> bool:
        """Nobody has had the word and nobody has it now: the one case for "Ingen har fået ordet
        endnu." (someone who got the word this second has had it: "Ordet har: …" instead)."""
        return not self.someone_speaks and self.total_seconds == 0


def speaking_time(meeting: LiveMeeting, *, now: datetime | None = None) -> SpeakingTime:
    """The stored totals plus the turn that is running now, and who has the word."""
    running = 0
    speaks = meeting.speaker_since is not None and (meeting.speaker_is_citizen or meeting.speaker_person_id)
    if speaks:
        running = seconds_between(meeting.closed_at or now or utcnow(), meeting.speaker_since)
    citizen = meeting.citizen_speaking_seconds + (running if meeting.speaker_is_citizen else 0)
    return SpeakingTime(
        citizen_seconds=citizen,
        total_seconds=meeting.total_speaking_seconds + running,
        speaker_is_citizen=bool(speaks and meeting.speaker_is_citizen),
        speaker_person_id=meeting.speaker_person_id if speaks and not meeting.speaker_is_citizen else None,
    )


def stop_the_clock(meeting: Meeting, now: datetime) -> None:
    """Add the running turn to the totals (the citizen's share is stored with the meeting)."""
    if meeting.speaker_since is not None and (meeting.speaker_is_citizen or meeting.speaker_person_id):
        elapsed = seconds_between(now, meeting.speaker_since)
        meeting.total_speaking_seconds += elapsed
        if meeting.speaker_is_citizen:
            meeting.citizen_speaking_seconds += elapsed
    meeting.speaker_person_id, meeting.speaker_is_citizen, meeting.speaker_since = None, False, None


def give_word(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    person_id: int | None = None,
    to_citizen: bool = False,
    now: datetime | None = None,
) -> SpeakingTime:
    """One click: the citizen or one person has the word (neither: a pause). The time since the
    last click is added to the running totals."""
    meeting = meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.speaker")
    if to_citizen and person_id is not None:
        raise UserError("meet.error.one_speaker")
    if person_id is not None:
        check_person(session, citizen_id=meeting.citizen_id, person_id=person_id)
    now = now or utcnow()
    stop_the_clock(meeting, now)
    if to_citizen or person_id is not None:
        meeting.speaker_person_id, meeting.speaker_is_citizen = person_id, to_citizen
        meeting.speaker_since = now
    session.add(meeting)
    return SpeakingTime(meeting.citizen_speaking_seconds, meeting.total_speaking_seconds,
                        meeting.speaker_is_citizen, meeting.speaker_person_id)  # fmt: skip
