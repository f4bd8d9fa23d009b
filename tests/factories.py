"""Plain factory functions for tests: `make_citizen(session, name="Anna")`.

Each takes the session first and everything else by keyword with a sensible default, adds the
row, flushes (so it has an id) and returns it. Nothing is committed: the caller decides, e.g.
`with session_scope(write=True) as s: citizen = make_citizen(s)`, or `session.commit()` with
the plain `session` fixture. Rows are built directly, without the domain rules, so a test can
also arrange states the rules would refuse.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlmodel import Session

from models.access import Actor
from models.tables import (
    Action,
    Citizen,
    Consent,
    ConsentParty,
    Decision,
    Department,
    Goal,
    GoalScore,
    Meeting,
    MeetingParticipant,
    Person,
    Preparation,
    TeamMembership,
    UnmetNeed,
    UserAccount,
    today,
    utcnow,
)

PASSWORD = "korrekt-hest-batteri"  # the password of every make_user account
_numbers = itertools.count(1)


@cache
def _password_hash() -> str:
    # argon2 costs ~0.15 s per hash: hash the shared test password once per process.
    from models.users import hash_password

    return hash_password(PASSWORD)


def _next() -> int:
    return next(_numbers)


def make_department(
    session: Session, *, name: str = "Jobcenter", is_outside_body: bool = False
) -> Department:
    """Get or create by name (names are unique)."""
    existing = session.execute(select(Department).where(Department.name == name)).scalar_one_or_none()
    if existing is not None:
        return existing
    department = Department(name=name, is_outside_body=is_outside_body)
    session.add(department)
    session.flush()
    return department


def make_user(
    session: Session,
    *,
    username: str | None = None,
    full_name: str = "Rasmus Holm",
    email: str | None = None,
    role: str = "staff",
    is_active: bool = True,
    department: Department | None = None,
) -> UserAccount:
    """A user whose password is PASSWORD. No team links are made (see models.team for that)."""
    user = UserAccount(
        username=username or f"user{_next()}",
        full_name=full_name,
        email=email,
        role=role,
        is_active=is_active,
        department_id=department.id if department else None,
        password_hash=_password_hash(),
    )
    session.add(user)
    session.flush()
    return user


def make_actor(user: UserAccount) -> Actor:
    return Actor.from_user(user)


def make_citizen(
    session: Session,
    *,
    name: str = "Ditte Mikkelsen",
    birth_date: date | None = date(2001, 3, 14),
    phone: str | None = None,
    email: str | None = None,
) -> Citizen:
    citizen = Citizen(name=name, birth_date=birth_date, phone=phone, email=email)
    session.add(citizen)
    session.flush()
    return citizen


def make_person(
    session: Session,
    *,
    citizen: Citizen,
    name: str = "Rasmus Holm",
    kind: str = "professional",
    department: Department | str | None = None,
    title: str | None = None,
    relation: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    user: UserAccount | None = None,
    is_coordinator: bool = False,
    removed_on: date | None = None,
) -> Person:
    """A professional by default; pass kind="private", relation="mor" for the private network."""
    if isinstance(department, str):
        department = make_department(session, name=department)
    person = Person(
        citizen_id=citizen.id,  # type: ignore[arg-type]
        name=name,
        kind=kind,
        department_id=department.id if department else None,
        title=title,
        relation=relation,
        email=email,
        phone=phone,
        user_id=user.id if user else None,
        is_coordinator=is_coordinator,
        removed_on=removed_on,
    )
    session.add(person)
    session.flush()
    return person


def make_membership(
    session: Session,
    *,
    citizen: Citizen,
    user: UserAccount,
    person: Person | None = None,
    ended_at: datetime | None = None,
) -> TeamMembership:
    membership = TeamMembership(
        citizen_id=citizen.id,  # type: ignore[arg-type]
        user_id=user.id,  # type: ignore[arg-type]
        person_id=person.id if person else None,
        ended_at=ended_at,
    )
    session.add(membership)
    session.flush()
    return membership


def make_consent(
    session: Session,
    *,
    citizen: Citizen,
    parties: tuple[str, ...] = ("Jobcenter", "Socialafdelingen"),
    kind: str = "sharing",
    scope: str | None = "Oplysninger, som har betydning for den fælles plan.",
    given_on: date | None = None,
    expires_on: date | None = None,
    withdrawn_on: date | None = None,
    form: str | None = "written",
) -> Consent:
    """Given today and valid for a year unless told otherwise."""
    given = given_on or today()
    consent = Consent(
        citizen_id=citizen.id,  # type: ignore[arg-type]
        kind=kind,
        scope=scope,
        given_on=given,
        expires_on=expires_on if expires_on is not None else given + timedelta(days=365),
        withdrawn_on=withdrawn_on,
        form=form,
    )
    session.add(consent)
    session.flush()
    session.add_all(
        ConsentParty(consent_id=consent.id, name=name, position=n)  # type: ignore[arg-type]
        for n, name in enumerate(parties)
    )
    session.flush()
    return consent


def make_meeting(
    session: Session,
    *,
    citizen: Citizen,
    starts_at: datetime | None = None,
    minutes: int = 60,
    place: str | None = "Rådhuset, mødelokale 2",
    status: str = "planned",
    leader: Person | None = None,
    note_taker: Person | None = None,
    participants: tuple[Person, ...] = (),
    citizen_present: bool | None = None,
    decisions: tuple[str, ...] = (),
    unmet_needs: tuple[str, ...] = (),
    preparation: dict[str, str] | None = None,
) -> Meeting:
    """A week from now unless told otherwise; aware datetimes only (stored as UTC)."""
    meeting = Meeting(
        citizen_id=citizen.id,  # type: ignore[arg-type]
        starts_at=starts_at or (utcnow() + timedelta(days=7)).replace(microsecond=0),
        minutes=minutes,
        place=place,
        status=status,
        leader_person_id=leader.id if leader else None,
        note_taker_person_id=note_taker.id if note_taker else None,
        citizen_present=citizen_present,
    )
    session.add(meeting)
    session.flush()
    mid = meeting.id
    session.add_all(
        MeetingParticipant(meeting_id=mid, person_id=p.id, position=n)  # type: ignore[arg-type]
        for n, p in enumerate(participants)
    )
    session.add_all(
        Decision(meeting_id=mid, text=text, position=n)  # type: ignore[arg-type]
        for n, text in enumerate(decisions)
    )
    session.add_all(
        UnmetNeed(meeting_id=mid, citizen_id=citizen.id, text=text, position=n)  # type: ignore[arg-type]
        for n, text in enumerate(unmet_needs)
    )
    if preparation is not None:
        session.add(Preparation(meeting_id=mid, **preparation))  # type: ignore[arg-type]
    session.flush()
    return meeting


def make_goal(
    session: Session,
    *,
    citizen: Citizen,
    own_words: str = "Jeg vil gerne i praktik i en børnehave til foråret.",
    area: str | None = "work_education",
    status: str = "active",
    created_on: date | None = None,
    position: int | None = None,
    professional_note: str | None = None,
) -> Goal:
    goal = Goal(
        citizen_id=citizen.id,  # type: ignore[arg-type]
        own_words=own_words,
        area=area,
        status=status,
        created_on=created_on or today(),
        position=_next() if position is None else position,
        professional_note=professional_note,
    )
    session.add(goal)
    session.flush()
    return goal


def make_score(
    session: Session,
    *,
    goal: Goal,
    meeting: Meeting,
    score: int = 5,
    note: str | None = None,
) -> GoalScore:
    row = GoalScore(goal_id=goal.id, meeting_id=meeting.id, score=score, note=note)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return row


def make_action(
    session: Session,
    *,
    citizen: Citizen,
    text: str = "Undersøge praktikpladser i børnehaver i nærheden.",
    owner: Person | None = None,
    owner_is_citizen: bool = False,
    goal: Goal | None = None,
    due_on: date | None = None,
    status: str = "open",
    trial: bool = False,
    agreed_at: Meeting | None = None,
    done_on: date | None = None,
) -> Action:
    """Due in two weeks unless told otherwise. Give `owner` or `owner_is_citizen=True`
    (neither makes an 'unfinished' agreement, as while a meeting is running)."""
    action = Action(
        citizen_id=citizen.id,  # type: ignore[arg-type]
        goal_id=goal.id if goal else None,
        text=text,
        owner_person_id=owner.id if owner else None,
        owner_is_citizen=owner_is_citizen,
        due_on=due_on if due_on is not None else today() + timedelta(days=14),
        status=status,
        trial=trial,
        agreed_at_meeting_id=agreed_at.id if agreed_at else None,
        done_on=done_on,
    )
    session.add(action)
    session.flush()
    return action
