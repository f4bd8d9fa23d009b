"""The citizen and the people around them: the citizen record, the team and the private network.

Rules (tested in tests/models/test_people.py):
- any logged-in staff user or administrator may create a citizen; the creator joins the
  citizen's team at once (otherwise nobody but an administrator could open the new record), and
  when they are the coordinating caseworker, also the citizen's people as that professional;
- the citizen chooses ONE contact person ("én indgang"): an active member of the team or network;
- one coordinating caseworker and one deputy at a time, both active professionals and never the
  same person; marking a new one takes the mark from the previous holder;
- removing someone sets `removed_on` and nothing is deleted, so the history shows who was on the
  team when; a person who comes back is a new row. A removed person loses the coordinator,
  deputy and contact-person marks (a removed person cannot be called);
- every change goes through models.access.authorize (audited) and every text through models/text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session, col

from models import departments
from models.access import Actor, authorize, write_audit
from models.errors import NotFound, UserError
from models.phone import clean_phone
from models.tables import (
    PERSON_KINDS,
    Citizen,
    Person,
    TeamMembership,
    UserAccount,
    today,
    utcnow,
)
from models.text import SHORT_MAX, clean_email, clean_name, clean_optional, parse_date


@dataclass(frozen=True)
class CitizenSaved:
    id: int
    version: int


@dataclass(frozen=True)
class PersonSaved:
    id: int
    citizen_id: int
    version: int


def _clean_phone(value: object) -> str | None:
    """Danish numbers only, saved in one shape (models/phone.py)."""
    return clean_phone(value)


def _clean_birth_date(value: object) -> date | None:
    born = parse_date(value, field="fødselsdato")
    if born is not None and (born > today() or born.year < 1900):
        raise UserError("before.error.bad_birth_date")
    return born


def create_citizen(
    *,
    session: Session,
    actor: Actor | None,
    name: object,
    birth_date: object = None,
    phone: object = None,
    email: object = None,
    creator_is_coordinator: bool | None = False,
    creator_department: object = None,
) -> CitizenSaved:
    """Create a citizen; the creator joins the team so they can open the record.

    `creator_is_coordinator` (the form asks "Er du koordinerende sagsbehandler?"): the creator
    also becomes a professional on the citizen's team, linked to their own account, with the
    coordinator mark, in `creator_department` (default: the account's department). Without it
    the creator has access (a team membership) but is not one of the citizen's people: a person
    on the team is invited, named in letters and needs a consent that covers their department,
    which is wrong for e.g. a secretary who only typed the record in. Either way the membership
    is audited as "team.add", in the same transaction as the citizen.
    """
    if actor is None or actor.user_id is None or actor.role not in ("admin", "staff"):
        raise UserError("error.access_denied")
    values = {
        "name": clean_name(name, field="navn"),
        "birth_date": _clean_birth_date(birth_date),
        "phone": _clean_phone(phone),
        "email": clean_email(email),
    }
    if creator_is_coordinator is None:  # the form asks; an unanswered question is not a "no"
        raise UserError("prep25.error.answer_coordinator")
    user = session.get(UserAccount, actor.user_id)
    if user is None or not user.is_active:
        raise UserError("error.access_denied")
    department_id = user.department_id
    if creator_is_coordinator and isinstance(creator_department, str) and creator_department.strip():
        department_id = departments.department_for_person(session, creator_department)
    citizen = Citizen(**values)
    session.add(citizen)
    session.flush()
    assert citizen.id is not None
    person = None
    if creator_is_coordinator:
        person = Person(
            citizen_id=citizen.id,
            kind="professional",
            name=user.full_name,
            department_id=department_id,
            email=user.email,
            user_id=user.id,
            is_coordinator=True,
        )
        session.add(person)
        session.flush()
    membership = TeamMembership(
        citizen_id=citizen.id, user_id=actor.user_id, person_id=person.id if person is not None else None
    )
    session.add(membership)
    session.flush()
    authorize(
        session,
        actor=actor,
        citizen_id=citizen.id,
        action="citizen.create",
        entity="citizen",
        entity_id=citizen.id,
    )
    write_audit(session, actor=actor, action="team.add", citizen_id=citizen.id, entity="team_membership",
                entity_id=membership.id)
    if person is not None:
        write_audit(session, actor=actor, action="person.add", citizen_id=citizen.id, entity="person",
                    entity_id=person.id)
    return CitizenSaved(id=citizen.id, version=citizen.version)


def update_citizen(
    *,
    session: Session,
    actor: Actor | None,
    citizen_id: int,
    seen_version: int,
    name: object,
    birth_date: object = None,
    phone: object = None,
    email: object = None,
) -> CitizenSaved:
    from models.db import save_versioned

    authorize(
        session,
        actor=actor,
        citizen_id=citizen_id,
        action="citizen.write",
        entity="citizen",
        entity_id=citizen_id,
    )
    version = save_versioned(
        session,
        Citizen,
        row_id=citizen_id,
        seen_version=seen_version,
        name=clean_name(name, field="navn"),
        birth_date=_clean_birth_date(birth_date),
        phone=_clean_phone(phone),
        email=clean_email(email),
        updated_at=utcnow(),
    )
    return CitizenSaved(id=citizen_id, version=version)


def _authorised_person(session: Session, *, actor: Actor | None, person_id: object, action: str) -> Person:
    """The person, after the authorisation check on their citizen (audited either way)."""
    person = session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None:
        raise NotFound("person")
    authorize(session, actor=actor, citizen_id=person.citizen_id, action=action, entity="person",
              entity_id=person.id)
    return person


def _active_person(session: Session, *, citizen_id: int, person_id: object) -> Person:
    person = session.get(Person, person_id) if isinstance(person_id, int) else None
    if person is None or person.citizen_id != citizen_id or person.removed_on is not None:
        raise NotFound("person")
    return person


def set_contact_person(
    *, session: Session, actor: Actor | None, citizen_id: int, person_id: int | None
) -> None:
    """The one person the citizen calls. None clears the choice."""
    authorize(
        session,
        actor=actor,
        citizen_id=citizen_id,
        action="citizen.contact_person",
        entity="person",
        entity_id=person_id,
    )
    if person_id is not None:
        _active_person(session, citizen_id=citizen_id, person_id=person_id)
    session.execute(
        update(Citizen)
        .where(col(Citizen.id) == citizen_id)
        .values(contact_person_id=person_id, updated_at=utcnow(), version=Citizen.version + 1)
    )


def _clear_mark(session: Session, *, citizen_id: int, mark: str, keep: int | None) -> None:
    """One coordinator and one deputy at a time: take the mark from anyone else."""
    column = getattr(Person, mark)
    stmt = update(Person).where(col(Person.citizen_id) == citizen_id, column.is_(True))
    if keep is not None:
        stmt = stmt.where(col(Person.id) != keep)
    session.execute(stmt.values({mark: False}))


def _person_values(
    session: Session,
    *,
    kind: object,
    name: object,
    department: object,
    title: object,
    relation: object,
    email: object,
    phone: object,
    is_coordinator: bool,
    is_deputy: bool,
) -> dict[str, object]:
    if kind not in PERSON_KINDS:
        raise UserError("before.error.bad_kind")
    if is_coordinator and is_deputy:
        raise UserError("before.error.coordinator_is_deputy")
    professional = kind == "professional"
    if (is_coordinator or is_deputy) and not professional:
        raise UserError("before.error.coordinator_private")
    return {
        "kind": kind,
        "name": clean_name(name, field="navn"),
        "department_id": departments.department_for_person(session, department) if professional else None,
        "title": clean_optional(title, field="titel", max_length=SHORT_MAX) if professional else None,
        "relation": (
            None if professional else clean_optional(relation, field="relation", max_length=SHORT_MAX)
        ),
        "email": clean_email(email),
        "phone": _clean_phone(phone),
        "is_coordinator": bool(is_coordinator),
        "is_deputy": bool(is_deputy),
    }


def _link_user(session: Session, *, actor: Actor | None, person: Person, user_id: int | None) -> None:
    """A professional with a user account: link it, and (as models.team does for matching
    e-mail addresses) let the account join the team unless a membership was ended before."""
    if user_id is None:
        return
    user = session.get(UserAccount, user_id)
    if user is None or not user.is_active:
        raise NotFound("user")
    from models import team

    team._link(session, pairs=[(person, user_id)], actor=actor)


def add_person(
    *,
    session: Session,
    actor: Actor | None,
    citizen_id: int,
    kind: str,
    name: object,
    department: object = None,
    title: object = None,
    relation: object = None,
    email: object = None,
    phone: object = None,
    user_id: int | None = None,
    is_coordinator: bool = False,
    is_deputy: bool = False,
    added_on: object = None,
) -> PersonSaved:
    """Add a professional (name, department, title, contact) or someone from the private network."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="person.add", entity="person")
    values = _person_values(
        session,
        kind=kind,
        name=name,
        department=department,
        title=title,
        relation=relation,
        email=email,
        phone=phone,
        is_coordinator=is_coordinator,
        is_deputy=is_deputy,
    )
    if user_id is not None and kind != "professional":
        raise UserError("before.error.user_private")
    person = Person(citizen_id=citizen_id, added_on=parse_date(added_on, field="dato") or today(), **values)
    session.add(person)
    session.flush()
    assert person.id is not None
    if person.is_coordinator:
        _clear_mark(session, citizen_id=citizen_id, mark="is_coordinator", keep=person.id)
    if person.is_deputy:
        _clear_mark(session, citizen_id=citizen_id, mark="is_deputy", keep=person.id)
    _link_user(session, actor=actor, person=person, user_id=user_id)
    return PersonSaved(id=person.id, citizen_id=citizen_id, version=person.version)


def update_person(
    *,
    session: Session,
    actor: Actor | None,
    person_id: int,
    seen_version: int,
    name: object,
    department: object = None,
    title: object = None,
    relation: object = None,
    email: object = None,
    phone: object = None,
    is_coordinator: bool = False,
    is_deputy: bool = False,
) -> PersonSaved:
    """Edit someone still on the team or in the network (the kind never changes)."""
    from models.db import save_versioned

    person = _authorised_person(session, actor=actor, person_id=person_id, action="person.write")
    citizen_id = person.citizen_id
    if person.removed_on is not None:
        raise UserError("before.error.person_removed")
    values = _person_values(
        session,
        kind=person.kind,
        name=name,
        department=department,
        title=title,
        relation=relation,
        email=email,
        phone=phone,
        is_coordinator=is_coordinator,
        is_deputy=is_deputy,
    )
    values.pop("kind")
    if is_coordinator:
        _clear_mark(session, citizen_id=citizen_id, mark="is_coordinator", keep=person_id)
    if is_deputy:
        _clear_mark(session, citizen_id=citizen_id, mark="is_deputy", keep=person_id)
    version = save_versioned(session, Person, row_id=person_id, seen_version=seen_version, **values)
    session.expire(person)
    return PersonSaved(id=person_id, citizen_id=citizen_id, version=version)


def remove_person(*, session: Session, actor: Actor | None, person_id: int, on: object = None) -> PersonSaved:
    """Take someone off the team or network from `on` (default today). The row stays as history."""
    person = _authorised_person(session, actor=actor, person_id=person_id, action="person.remove")
    day = parse_date(on, field="dato") or today()
    if day < person.added_on:
        raise UserError("before.error.removed_before_added")
    if person.removed_on is None:
        person.removed_on = day
        person.is_coordinator = False
        person.is_deputy = False
        person.version += 1
        session.add(person)
        session.execute(
            update(Citizen)
            .where(col(Citizen.id) == person.citizen_id, col(Citizen.contact_person_id) == person_id)
            .values(contact_person_id=None, version=Citizen.version + 1, updated_at=utcnow())
        )
        from models import team

        team.end_memberships_through_person(session=session, actor=actor, person_id=person_id)
        session.flush()
    return PersonSaved(id=person_id, citizen_id=person.citizen_id, version=person.version)


@dataclass(frozen=True)
class UserChoice:
    id: int
    full_name: str
    username: str


def linkable_users(*, session: Session, actor: Actor | None) -> list[UserChoice]:
    """Active staff accounts a professional may be linked to (names only, no citizen data)."""
    if actor is None or actor.role not in ("admin", "staff"):
        return []
    rows = session.execute(
        select(UserAccount.id, UserAccount.full_name, UserAccount.username)
        .where(col(UserAccount.is_active).is_(True))
        .order_by(UserAccount.full_name, UserAccount.id)
    ).all()
    return [UserChoice(id=r.id, full_name=r.full_name, username=r.username) for r in rows]


def person_version(*, session: Session, actor: Actor | None, person_id: int) -> int:
    """The version an edit form starts from (optimistic concurrency across reruns)."""
    person = _authorised_person(session, actor=actor, person_id=person_id, action="person.read")
    return person.version
