"""The invitation to a confirmed meeting: who is invited, who is left out for want of consent,
the agenda, the citizen's preparation and the written statuses, in one plain value.

Its own module because the invitation is where the citizen's information leaves Samplan: the
calendar file (exports/calendar.py), the letter (exports/invitation.py, models/invitation_letters.py)
and the reminders (models/reminders_calendar.py) all build it here, so the consent gate is in one
place.

Rules (tested in tests/models/test_meetings.py and tests/security/test_consent_gate.py):
- only a confirmed meeting has an invitation: a draft is never sent;
- a professional no valid sharing consent covers, today or on the meeting day, is left out;
- the export is authorised and audited through models.plans.load_joint_plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from models.access import Actor
from models.agenda import AgendaLine
from models.consent import uncovered_people
from models.errors import NotFound, UserError
from models.meetings import CONFIRMED_STATUSES
from models.plans import JointPlan, MeetingView, PersonView, PreparationView, load_joint_plan
from models.tables import COPENHAGEN, today


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
