"""The meeting on the shared screen: open, attendance, agenda time, speaking time, status round,
decisions and unmet needs, the citizen's load, the read-back and the close.

Rules live here, not in the page: who may own an agreement, when a meeting may close, what a
closed meeting leaves behind (an immutable plan version and the next meeting as a draft).
Live controls (who has the word, the next agenda item, attendance) lock the meeting row and do
not bump its version: one click must never be refused because someone else clicked. Text the
citizen says (a disagreement) and the status changes use the version the user saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models.access import Actor, authorize
from models.actions import SavedAction, move_due_date, set_action_status, update_agreement
from models.cadence import suggest_next_meeting_date
from models.db import save_versioned
from models.errors import NotFound, UserError
from models.formatting import local
from models.i18n import translate
from models.idempotency import remember, replayed
from models.meeting_timeline import STEP_KINDS as STEP_KINDS
from models.meeting_timeline import STEP_TITLE_KEYS, missing_steps
from models.meeting_timeline import MeetingPosition as MeetingPosition
from models.meeting_timeline import meeting_position as meeting_position
from models.meetings import default_agenda
from models.plans import (
    ActionView,
    AgendaItemView,
    JointPlan,
    UnmetNeedView,
    load_joint_plan,
    plan_to_json,
)
from models.tables import (
    ATTENDANCE,
    COPENHAGEN,
    ActionEvent,
    AgendaItem,
    Citizen,
    Decision,
    Meeting,
    MeetingParticipant,
    Person,
    PlanVersion,
    UnmetNeed,
    today,
    utcnow,
)
from models.text import clean_optional, clean_text

OPENABLE = ("draft", "planned")
REVIEW_OUTCOMES = ("done", "running", "changed", "dropped")

# The citizen's load. Furesø's lesson is "the three things that matter most now", so a citizen
# carrying more than three agreements at once gets a gentle warning; and dealing with five or
# more different people in four weeks is what the articles describe as the fragmented help
# this way of working is meant to replace.
LOAD_WINDOW_DAYS = 28
LOAD_WARN_AGREEMENTS = 4  # warn from this many open agreements owned by the citizen
LOAD_WARN_PEOPLE = 5  # warn from this many different people in the next four weeks



# --- Read model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    person_id: int
    name: str
    kind: str  # "professional" | "private"
    role: str | None  # title or relation
    department: str | None
    attendance: str | None  # None: not on the invitation list
    written_status: str | None


@dataclass(frozen=True)
class DecisionView:
    id: int
    text: str


@dataclass(frozen=True)
class LiveMeeting:
    id: int
    citizen_id: int
    status: str
    starts_at: datetime
    minutes: int
    place: str | None
    video_link: str | None
    opened_at: datetime | None
    closed_at: datetime | None
    citizen_present: bool | None
    current_agenda_position: int | None
    speaker_person_id: int | None
    speaker_is_citizen: bool
    speaker_since: datetime | None
    citizen_speaking_seconds: int
    total_speaking_seconds: int
    citizen_agrees: bool | None
    citizen_disagreement: str | None
    version: int
    agenda: tuple[AgendaItemView, ...]
    decisions: tuple[DecisionView, ...]
    unmet_needs: tuple[UnmetNeedView, ...]
    reviewed_action_ids: frozenset[int]

    @property
    def is_running(self) -> bool:
        return self.status == "in_progress"


@dataclass(frozen=True)
class MeetingScreen:
    """Everything the meeting page shows: the joint plan, the meeting and who is in the room."""

    plan: JointPlan
    meeting: LiveMeeting | None
    attendees: tuple[Attendee, ...]

    @property
    def present(self) -> tuple[Attendee, ...]:
        return tuple(a for a in self.attendees if a.attendance == "present")

    @property
    def apologies(self) -> tuple[Attendee, ...]:
        return tuple(a for a in self.attendees if a.attendance == "apologies")


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _pick_meeting(plan: JointPlan, meeting_id: int | None) -> int | None:
    if meeting_id is not None:
        return meeting_id if any(m.id == meeting_id for m in plan.meetings) else None
    running = [m for m in plan.meetings if m.status == "in_progress"]
    if running:
        return running[0].id
    coming = plan.next_meeting
    return coming.id if coming else None


def load_meeting_screen(
    *, session: Session, actor: Actor | None, citizen_id: int, meeting_id: int | None = None
) -> MeetingScreen:
    """The running meeting (else the next one, else `meeting_id`) with the citizen's plan.

    Authorised and audited once (as "meeting.read") by load_joint_plan; a fixed number of
    queries whatever the size of the plan.
    """
    plan = load_joint_plan(session=session, actor=actor, citizen_id=citizen_id, purpose="meeting.read")
    chosen = _pick_meeting(plan, meeting_id)
    if meeting_id is not None and chosen is None:
        raise NotFound("meeting")
    view = next((m for m in plan.meetings if m.id == chosen), None)
    if view is None:
        return MeetingScreen(plan=plan, meeting=None, attendees=())
    # The meeting row and its decisions in one statement (a meeting without decisions: one row).
    rows = session.execute(
        select(Meeting, Decision)
        .outerjoin(Decision, Decision.meeting_id == Meeting.id)  # type: ignore[arg-type]
        .where(Meeting.id == view.id)
        .order_by(Decision.position, Decision.id)
    ).all()
    assert rows
    row = rows[0][0]
    decisions = tuple(
        DecisionView(d.id, d.text)  # type: ignore[arg-type]
        for _, d in rows
        if d is not None
    )
    reviewed = frozenset(
        session.execute(
            select(ActionEvent.action_id).where(
                ActionEvent.meeting_id == view.id, ActionEvent.kind.in_(("status", "due_moved", "edited"))  # type: ignore[attr-defined]
            )
        ).scalars()
    )
    meeting = LiveMeeting(
        id=view.id,
        citizen_id=citizen_id,
        status=row.status,
        starts_at=_aware(row.starts_at),  # type: ignore[arg-type]
        minutes=row.minutes,
        place=row.place,
        video_link=row.video_link,
        opened_at=_aware(row.opened_at),
        closed_at=_aware(row.closed_at),
        citizen_present=row.citizen_present,
        current_agenda_position=row.current_agenda_position,
        speaker_person_id=row.speaker_person_id,
        speaker_is_citizen=row.speaker_is_citizen,
        speaker_since=_aware(row.speaker_since),
        citizen_speaking_seconds=row.citizen_speaking_seconds,
        total_speaking_seconds=row.total_speaking_seconds,
        citizen_agrees=row.citizen_agrees,
        citizen_disagreement=row.citizen_disagreement,
        version=row.version,
        agenda=view.agenda,
        decisions=decisions,
        unmet_needs=view.unmet_needs,
        reviewed_action_ids=reviewed,
    )
    invited = {p.person_id: p for p in view.participants}
    attendees = []
    for person in plan.people:
        participant = invited.get(person.id)
        if not person.is_active and participant is None:
            continue
        attendees.append(
            Attendee(
                person_id=person.id,
                name=person.name,
                kind=person.kind,
                role=person.title or person.relation,
                department=person.department,
                attendance=participant.attendance if participant else None,
                written_status=participant.written_status if participant else None,
            )
        )
    # The invited first (in invitation order), then the rest of the network.
    order = {pid: n for n, pid in enumerate(invited)}
    attendees.sort(key=lambda a: (a.person_id not in order, order.get(a.person_id, 0), a.name))
    return MeetingScreen(plan=plan, meeting=meeting, attendees=tuple(attendees))


# --- Writes: helpers ----------------------------------------------------------------------


@dataclass(frozen=True)
class SavedMeeting:
    id: int
    version: int


def _meeting_for_write(
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


def _agenda_rows(session: Session, meeting_id: int) -> list[AgendaItem]:
    return list(
        session.execute(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)  # type: ignore[arg-type]
        ).scalars()
    )


def _check_person(session: Session, *, citizen_id: int, person_id: int) -> Person:
    person = session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or person.citizen_id != citizen_id:
        raise UserError("agreement.owner_not_in_network")
    return person


# --- Open and attendance ------------------------------------------------------------------


def open_meeting(
    *, session: Session, actor: Actor | None, meeting_id: int, seen_version: int, now: datetime | None = None
) -> SavedMeeting:
    """Draft or confirmed -> in progress. Starts the clock and the first agenda item; a meeting
    without an agenda gets the good meeting's routine as its agenda."""
    meeting = _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.open",
                                 running=False)  # fmt: skip
    if meeting.status not in OPENABLE:
        raise UserError("meet.error.not_openable")
    now = now or utcnow()
    items = _agenda_rows(session, meeting_id)
    if not items:
        # The same routine the preparation page offers (models/meetings.py), summing to the length.
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
        status="in_progress", opened_at=now, current_agenda_position=first.position,
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
    meeting = _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.attendance",
                                 running=False)  # fmt: skip
    if meeting.status in ("held", "cancelled"):
        raise UserError("meet.error.closed")
    _check_person(session, citizen_id=meeting.citizen_id, person_id=person_id)
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
    meeting = _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.attendance",
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


def _seconds(later: datetime, earlier: datetime | None) -> int:
    if earlier is None:
        return 0
    return max(0, int((_aware(later) - _aware(earlier)).total_seconds()))  # type: ignore[operator]


def agenda_progress(meeting: LiveMeeting, *, now: datetime | None = None) -> AgendaProgress:
    """Where the meeting is: the current item, its time box and elapsed time, and the total."""
    now = now or utcnow()
    current = next((i for i in meeting.agenda if i.position == meeting.current_agenda_position), None)
    end = meeting.closed_at or now
    return AgendaProgress(
        current=current,
        elapsed_seconds=_seconds(now, current.started_at) if current else 0,
        time_box_seconds=(current.minutes * 60) if current else 0,
        meeting_elapsed_seconds=_seconds(end, meeting.opened_at),
        meeting_planned_seconds=meeting.minutes * 60,
        done_count=sum(1 for i in meeting.agenda if i.ended_at is not None),
        item_count=len(meeting.agenda),
    )


def _move_to(session: Session, meeting_id: int, target: int | None, now: datetime) -> int | None:
    """End the current item and start the agenda item at index `target` (None: all done)."""
    items = _agenda_rows(session, meeting_id)
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
    """"Næste punkt": the item after the current one; returns the new position (None: all done)."""
    meeting = _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.agenda")
    items = _agenda_rows(session, meeting_id)
    index = next((n for n, i in enumerate(items) if i.position == meeting.current_agenda_position), None)
    if index is None:  # all done already: stays done
        return None
    return _move_to(session, meeting_id, index + 1, now or utcnow())


def go_to_agenda_item(
    *, session: Session, actor: Actor | None, meeting_id: int, index: int, now: datetime | None = None
) -> int | None:
    """The panel's step picker: move the one position to the agenda item at 0-based `index`."""
    _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.agenda")
    items = _agenda_rows(session, meeting_id)
    if not isinstance(index, int) or not 0 <= index < len(items):
        raise UserError("meet_panel.error.no_such_item")
    return _move_to(session, meeting_id, index, now or utcnow())


# --- Speaking time ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakingTime:
    citizen_seconds: int
    total_seconds: int

    @property
    def citizen_share(self) -> float | None:
        """The citizen's share of the speaking time so far (0.0-1.0); None before anyone spoke."""
        return self.citizen_seconds / self.total_seconds if self.total_seconds else None


def speaking_time(meeting: LiveMeeting, *, now: datetime | None = None) -> SpeakingTime:
    """The stored totals plus the turn that is running now."""
    running = 0
    if meeting.speaker_since is not None and (meeting.speaker_is_citizen or meeting.speaker_person_id):
        running = _seconds(meeting.closed_at or now or utcnow(), meeting.speaker_since)
    citizen = meeting.citizen_speaking_seconds + (running if meeting.speaker_is_citizen else 0)
    return SpeakingTime(citizen_seconds=citizen, total_seconds=meeting.total_speaking_seconds + running)


def _stop_the_clock(meeting: Meeting, now: datetime) -> None:
    """Add the running turn to the totals (the citizen's share is stored with the meeting)."""
    if meeting.speaker_since is not None and (meeting.speaker_is_citizen or meeting.speaker_person_id):
        elapsed = _seconds(now, meeting.speaker_since)
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
    meeting = _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.speaker")
    if to_citizen and person_id is not None:
        raise UserError("meet.error.one_speaker")
    if person_id is not None:
        _check_person(session, citizen_id=meeting.citizen_id, person_id=person_id)
    now = now or utcnow()
    _stop_the_clock(meeting, now)
    if to_citizen or person_id is not None:
        meeting.speaker_person_id, meeting.speaker_is_citizen = person_id, to_citizen
        meeting.speaker_since = now
    session.add(meeting)
    return SpeakingTime(meeting.citizen_speaking_seconds, meeting.total_speaking_seconds)


# --- Status round on earlier agreements ---------------------------------------------------


def earlier_open_agreements(plan: JointPlan, meeting_id: int) -> tuple[ActionView, ...]:
    """Every agreement still open that was not made at this meeting: nothing silently vanishes."""
    return tuple(a for a in plan.actions if a.is_open and a.agreed_at_meeting_id != meeting_id)


def review_agreement(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    action_id: int,
    seen_version: int,
    outcome: str,
    note: str | None = None,
    new_due_on: date | None = None,
    text: str | None = None,
    owner_person_id: int | None = None,
    owner_is_citizen: bool = False,
    goal_id: int | None = None,
    trial: bool = False,
) -> SavedAction:
    """The status round: done, still running (a new date, the note says why), changed (new
    text/owner/date) or dropped (the note is the reason). Goes through models.actions, so it is
    authorised, versioned and kept in the agreement's history with this meeting's id."""
    if outcome not in REVIEW_OUTCOMES:
        raise UserError("agreement.bad_status")
    common = {"session": session, "actor": actor, "action_id": action_id, "seen_version": seen_version,
              "meeting_id": meeting_id}  # fmt: skip
    if outcome == "done":
        return set_action_status(**common, status="done", note=note)
    if outcome == "dropped":
        return set_action_status(**common, status="cancelled", note=note)
    if outcome == "running":
        if new_due_on is None:
            raise UserError("agreement.due_required")
        reason = note if note and note.strip() else translate("meet.review.default_reason")
        return move_due_date(**common, due_on=new_due_on, reason=reason)
    return update_agreement(
        **common, text=text or "", goal_id=goal_id, owner_person_id=owner_person_id,
        owner_is_citizen=owner_is_citizen, due_on=new_due_on, trial=trial,
    )  # fmt: skip


# --- Decisions and unmet needs ------------------------------------------------------------


def add_decision(
    *, session: Session, actor: Actor | None, meeting_id: int, text: str, form_key: str | None = None
) -> int:
    """A decision of this meeting; a second call with the same `form_key` returns the first id."""
    _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.decision")
    earlier = replayed(session, key=form_key, kind="decision")
    if earlier is not None:
        return earlier
    body = clean_text(text, field="decision", required=True)
    last = session.execute(
        select(func.max(Decision.position)).where(Decision.meeting_id == meeting_id)
    ).scalar()
    decision = Decision(meeting_id=meeting_id, text=body, position=(last or 0) + 1)
    session.add(decision)
    session.flush()
    assert decision.id is not None
    remember(session, key=form_key, entity_id=decision.id)
    return decision.id


def remove_decision(*, session: Session, actor: Actor | None, meeting_id: int, decision_id: int) -> None:
    """Only while the meeting runs (a held meeting's decisions are part of its plan version)."""
    _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.decision")
    decision = session.get(Decision, decision_id)
    if decision is None or decision.meeting_id != meeting_id:
        raise NotFound("decision")
    session.delete(decision)


def add_unmet_need(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    text: str,
    department_id: int | None = None,
    form_key: str | None = None,
) -> int:
    """A need nobody has the legal basis or budget to meet; it goes to the leaders' overview.
    A second call with the same `form_key` returns the first id."""
    meeting = _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.unmet_need")
    earlier = replayed(session, key=form_key, kind="unmet_need")
    if earlier is not None:
        return earlier
    body = clean_text(text, field="unmet_need", required=True)
    last = session.execute(
        select(func.max(UnmetNeed.position)).where(UnmetNeed.meeting_id == meeting_id)
    ).scalar()
    need = UnmetNeed(meeting_id=meeting_id, citizen_id=meeting.citizen_id, text=body,
                     department_id=department_id, position=(last or 0) + 1)  # fmt: skip
    session.add(need)
    session.flush()
    assert need.id is not None
    remember(session, key=form_key, entity_id=need.id)
    return need.id


# --- The citizen's load -------------------------------------------------------------------


@dataclass(frozen=True)
class CitizenLoad:
    agreements: int  # open agreements the citizen carries
    people: int  # different people the citizen must deal with in the next four weeks

    @property
    def too_many_agreements(self) -> bool:
        return self.agreements >= LOAD_WARN_AGREEMENTS

    @property
    def too_many_people(self) -> bool:
        return self.people >= LOAD_WARN_PEOPLE

    @property
    def warning(self) -> bool:
        return self.too_many_agreements or self.too_many_people


def citizen_load(plan: JointPlan, *, on: date | None = None) -> CitizenLoad:
    """How much the plan puts on the citizen.

    Agreements: every open agreement the citizen owns. People: the different people who own an
    open agreement due within the next four weeks (overdue and undated ones count: they are
    still to be dealt with).
    """
    on = on or today()
    horizon = on + timedelta(days=LOAD_WINDOW_DAYS)
    open_actions = [a for a in plan.actions if a.is_open]
    people = {
        a.owner_person_id
        for a in open_actions
        if a.owner_person_id is not None and (a.due_on is None or a.due_on <= horizon)
    }
    return CitizenLoad(agreements=sum(1 for a in open_actions if a.owner_is_citizen), people=len(people))


# --- Read-back and close ------------------------------------------------------------------


def unfinished_agreements(plan: JointPlan, meeting_id: int) -> tuple[ActionView, ...]:
    """Agreements from this meeting still lacking an owner or a date: the meeting cannot close."""
    return tuple(
        a for a in plan.actions if a.agreed_at_meeting_id == meeting_id and a.is_open and a.is_unfinished
    )


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
    _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.response")
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
    later = session.execute(
        select(Meeting)
        .where(
            Meeting.citizen_id == meeting.citizen_id,
            Meeting.id != meeting.id,
            Meeting.status.in_(("draft", "planned")),  # type: ignore[attr-defined]
            Meeting.starts_at > meeting.starts_at,
        )
        .order_by(Meeting.starts_at)
    ).scalars().first()
    if later is not None:  # already planned: do not make a second one
        return later, False
    following = Meeting(
        citizen_id=meeting.citizen_id,
        starts_at=next_meeting_start(_aware(meeting.starts_at), citizen.meetings_per_year),  # type: ignore[arg-type]
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
    meeting = _meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.close")
    screen = load_meeting_screen(session=session, actor=actor, citizen_id=meeting.citizen_id,
                                 meeting_id=meeting_id)  # fmt: skip
    assert screen.meeting is not None
    problems = close_problems(screen.plan, screen.meeting)
    if problems:
        count = len(unfinished_agreements(screen.plan, meeting_id))
        raise UserError(problems[0], count=count)
    now = now or utcnow()
    _stop_the_clock(meeting, now)
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
        next_starts_at=_aware(following.starts_at),  # type: ignore[arg-type]
        next_was_created=created,
    )


def owner_choices(screen: MeetingScreen, *, keep: Sequence[int | None] = ()) -> tuple[Attendee, ...]:
    """Who may be picked as an owner live: the people present (the citizen is offered by the page
    as well). Before anyone is marked present, everyone invited; `keep` adds current owners."""
    chosen = [a for a in screen.attendees if a.attendance == "present"]
    if not chosen:
        chosen = [a for a in screen.attendees if a.attendance is not None] or list(screen.attendees)
    ids = {a.person_id for a in chosen}
    chosen += [a for a in screen.attendees if a.person_id in keep and a.person_id not in ids]
    return tuple(chosen)

