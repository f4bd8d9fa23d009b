"""Mødet's read model: the meeting, who is in the room, and the questions a page asks of them
(the citizen's load, the agreements still open from before, who may own an agreement).
Pure reads: one authorised, audited load (load_meeting_screen), then plain functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.access import Actor
from models.errors import NotFound
from models.plans import (
    ActionView,
    AgendaItemView,
    JointPlan,
    UnmetNeedView,
    load_joint_plan,
)
from models.room_links import open_room_link_ids
from models.tables import (
    ActionEvent,
    Decision,
    Meeting,
    today,
)

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
    open_room_links: frozenset[int] = frozenset()  # the running meeting's room links not ended

    @property
    def present(self) -> tuple[Attendee, ...]:
        return tuple(a for a in self.attendees if a.attendance == "present")

    @property
    def apologies(self) -> tuple[Attendee, ...]:
        return tuple(a for a in self.attendees if a.attendance == "apologies")


def aware(moment: datetime | None) -> datetime | None:
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
                ActionEvent.meeting_id == view.id,
                ActionEvent.kind.in_(("status", "due_moved", "edited")),  # type: ignore[attr-defined]
            )
        ).scalars()
    )
    meeting = LiveMeeting(
        id=view.id,
        citizen_id=citizen_id,
        status=row.status,
        starts_at=aware(row.starts_at),  # type: ignore[arg-type]
        minutes=row.minutes,
        place=row.place,
        video_link=row.video_link,
        opened_at=aware(row.opened_at),
        closed_at=aware(row.closed_at),
        citizen_present=row.citizen_present,
        current_agenda_position=row.current_agenda_position,
        speaker_person_id=row.speaker_person_id,
        speaker_is_citizen=row.speaker_is_citizen,
        speaker_since=aware(row.speaker_since),
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
    running = row.status == "in_progress"
    links = open_room_link_ids(session=session, meeting_id=view.id) if running else frozenset()
    return MeetingScreen(plan=plan, meeting=meeting, attendees=tuple(attendees), open_room_links=links)


def seconds_between(later: datetime, earlier: datetime | None) -> int:
    if earlier is None:
        return 0
    return max(0, int((aware(later) - aware(earlier)).total_seconds()))  # type: ignore[operator]


def earlier_open_agreements(plan: JointPlan, meeting_id: int) -> tuple[ActionView, ...]:
    """Every agreement still open that was not made at this meeting: nothing silently vanishes."""
    return tuple(a for a in plan.actions if a.is_open and a.agreed_at_meeting_id != meeting_id)


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


def unfinished_agreements(plan: JointPlan, meeting_id: int) -> tuple[ActionView, ...]:
    """Agreements from this meeting still lacking an owner or a date: the meeting cannot close."""
    return tuple(
        a for a in plan.actions if a.agreed_at_meeting_id == meeting_id and a.is_open and a.is_unfinished
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
