"""Team membership: which user accounts work on which citizen, and since when.

A membership grants access (models/access.py). Rules:
- only an administrator adds or ends memberships by hand;
- ending sets `ended_at` and a reason; nothing is ever deleted, so the history shows who had
  access when;
- the automatic links (`link_matching_users` after an import, `link_user_to_people` after an
  account is created) join a user account and a professional with the same e-mail address
  (case-insensitive). They never re-open a membership an administrator has ended: they only
  create one for a (citizen, user) pair that has never had one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.access import Actor, authorize, refuse, write_audit
from models.errors import NotFound, UserError
from models.i18n import translate
from models.tables import Citizen, Person, TeamMembership, UserAccount, utcnow
from models.text import SHORT_MAX, clean_text


@dataclass(frozen=True)
class TeamMemberView:
    id: int
    citizen_id: int
    user_id: int
    username: str
    full_name: str
    person_id: int | None
    person_name: str | None
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


def _require_admin(session: Session, *, actor: Actor | None, action: str, citizen_id: int | None) -> None:
    """Changing who has access is an administrator's job; refusals are audited (and survive)."""
    if actor is not None and actor.is_admin and actor.user_id is not None:
        return
    refuse(session, actor=actor, citizen_id=citizen_id, action=action, entity="team_membership",
           error=UserError("error.admin_only"))


def _views(session: Session, memberships: Iterable[TeamMembership]) -> list[TeamMemberView]:
    rows = list(memberships)
    user_ids = {m.user_id for m in rows}
    person_ids = {m.person_id for m in rows if m.person_id is not None}
    users = (
        {
            u.id: u
            for u in session.execute(select(UserAccount).where(col(UserAccount.id).in_(user_ids))).scalars()
        }
        if user_ids
        else {}
    )
    people = (
        {
            pid: name
            for pid, name in session.execute(
                select(Person.id, Person.name).where(col(Person.id).in_(person_ids))
            ).all()
        }
        if person_ids
        else {}
    )
    return [
        TeamMemberView(
            id=m.id,  # type: ignore[arg-type]
            citizen_id=m.citizen_id,
            user_id=m.user_id,
            username=users[m.user_id].username,
            full_name=users[m.user_id].full_name,
            person_id=m.person_id,
            person_name=people.get(m.person_id) if m.person_id is not None else None,
            started_at=m.started_at,
            ended_at=m.ended_at,
            end_reason=m.end_reason,
        )
        for m in rows
    ]


def _active_membership(session: Session, *, citizen_id: int, user_id: int) -> TeamMembership | None:
    return (
        session.execute(
            select(TeamMembership)
            .where(
                TeamMembership.citizen_id == citizen_id,
                TeamMembership.user_id == user_id,
                col(TeamMembership.ended_at).is_(None),
            )
            .order_by(col(TeamMembership.id))
        )
        .scalars()
        .first()
    )


def add_team_member(
    *, session: Session, actor: Actor | None, citizen_id: int, user_id: int, person_id: int | None = None
) -> TeamMemberView:
    """Give a user access to a citizen (administrators only). Idempotent while active.

    With `person_id` the membership says which professional in the citizen's network the user
    is, and that person is linked to the account.
    """
    _require_admin(session, actor=actor, action="team.add", citizen_id=citizen_id)
    if session.get(Citizen, citizen_id) is None:
        raise NotFound("citizen")
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound("user")
    person = None
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.citizen_id != citizen_id:
            raise NotFound("person")
        if person.user_id is not None and person.user_id != user_id:
            raise UserError("exchange.team_person_taken", name=person.name)
    existing = _active_membership(session, citizen_id=citizen_id, user_id=user_id)
    if existing is not None:
        if person is not None and existing.person_id is None:
            existing.person_id = person_id
            person.user_id = user_id
            session.add_all([existing, person])
            session.flush()
        return _views(session, [existing])[0]
    membership = TeamMembership(citizen_id=citizen_id, user_id=user_id, person_id=person_id)
    session.add(membership)
    if person is not None:
        person.user_id = user_id
        session.add(person)
    session.flush()
    write_audit(
        session,
        actor=actor,
        action="team.add",
        citizen_id=citizen_id,
        entity="team_membership",
        entity_id=membership.id,
    )
    return _views(session, [membership])[0]


def end_team_membership(
    *, session: Session, actor: Actor | None, membership_id: int, reason: str
) -> TeamMemberView:
    """End a membership (administrators only): access stops, the row stays as history.

    Ending one that has already ended changes nothing (a double click is not an error).
    """
    membership = session.get(TeamMembership, membership_id)
    _require_admin(
        session,
        actor=actor,
        action="team.end",
        citizen_id=membership.citizen_id if membership else None,
    )
    if membership is None:
        raise NotFound("team_membership")
    why = clean_text(reason, field="begrundelse", max_length=SHORT_MAX, required=True, single_line=True)
    if membership.ended_at is None:
        membership.ended_at = utcnow()
        membership.end_reason = why
        session.add(membership)
        session.flush()
        write_audit(
            session,
            actor=actor,
            action="team.end",
            citizen_id=membership.citizen_id,
            entity="team_membership",
            entity_id=membership.id,
        )
    return _views(session, [membership])[0]


def team_history(*, session: Session, actor: Actor | None, citizen_id: int) -> list[TeamMemberView]:
    """Every membership the citizen has had, oldest first, ended ones included."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="team.read")
    rows = session.execute(
        select(TeamMembership)
        .where(TeamMembership.citizen_id == citizen_id)
        .order_by(col(TeamMembership.started_at), col(TeamMembership.id))
    ).scalars()
    return _views(session, rows)


def _link(session: Session, *, pairs: list[tuple[Person, int]], actor: Actor | None) -> int:
    """Link each (person, user id) pair and make sure the user is on the person's citizen's team.

    Returns how many people were newly linked or got a new membership.
    """
    if not pairs:
        return 0
    citizen_ids = {person.citizen_id for person, _ in pairs}
    user_ids = {user_id for _, user_id in pairs}
    # Any membership, active or ended: an ended one was ended on purpose and stays ended.
    known: set[tuple[int, int]] = set(
        session.execute(
            select(TeamMembership.citizen_id, TeamMembership.user_id).where(
                col(TeamMembership.citizen_id).in_(citizen_ids),
                col(TeamMembership.user_id).in_(user_ids),
            )
        ).all()
    )
    changed = 0
    created: list[TeamMembership] = []
    for person, user_id in pairs:
        touched = False
        if person.user_id is None:
            person.user_id = user_id
            session.add(person)
            touched = True
        if (person.citizen_id, user_id) not in known:
            known.add((person.citizen_id, user_id))
            membership = TeamMembership(citizen_id=person.citizen_id, user_id=user_id, person_id=person.id)
            session.add(membership)
            created.append(membership)
            touched = True
        changed += touched
    session.flush()
    for membership in created:
        write_audit(
            session,
            actor=actor,
            action="team.link",
            citizen_id=membership.citizen_id,
            entity="team_membership",
            entity_id=membership.id,
        )
    return changed


def link_matching_users(*, session: Session, citizen_id: int, actor: Actor | None = None) -> int:
    """Join the citizen's professionals to the active user accounts with the same e-mail.

    Returns how many professionals were newly linked or joined the team.
    """
    return link_matching_users_of(session=session, citizen_ids=[citizen_id], actor=actor)


LINK_BATCH = 500  # citizens per query (well under SQLite's parameter limit)


def link_matching_users_of(
    *, session: Session, citizen_ids: Sequence[int], actor: Actor | None = None
) -> int:
    """link_matching_users for many citizens at once (the import): a query per 500 citizens,
    not per citizen. Same pairs, same memberships, same audit rows, in citizen order."""
    people: list[Person] = []
    for start in range(0, len(citizen_ids), LINK_BATCH):
        people.extend(
            session.execute(
                select(Person)
                .where(
                    col(Person.citizen_id).in_(citizen_ids[start : start + LINK_BATCH]),
                    Person.kind == "professional",
                    col(Person.email).is_not(None),
                    col(Person.removed_on).is_(None),
                )
                .order_by(col(Person.citizen_id), col(Person.id))
            ).scalars()
        )
    emails = sorted({p.email.strip().lower() for p in people if p.email and p.email.strip()})
    users: dict[str, int] = {}
    for start in range(0, len(emails), LINK_BATCH):
        users.update(
            (email, user_id)
            for user_id, email in session.execute(
                select(col(UserAccount.id), func.lower(UserAccount.email)).where(
                    func.lower(UserAccount.email).in_(emails[start : start + LINK_BATCH]),
                    col(UserAccount.is_active).is_(True),
                )
            ).all()
        )
    pairs = []
    for person in people:
        user_id = users.get((person.email or "").strip().lower())
        if user_id is not None and person.user_id in (None, user_id):
            pairs.append((person, user_id))
    return _link(session, pairs=pairs, actor=actor)


def link_user_to_people(*, session: Session, user_id: int, actor: Actor | None = None) -> int:
    """The reverse of link_matching_users, for a newly created account: every professional
    with the account's e-mail is linked and the account joins those citizens' teams."""
    user = session.get(UserAccount, user_id)
    if user is None or not user.email or not user.is_active:
        return 0
    people = (
        session.execute(
            select(Person).where(
                func.lower(func.trim(Person.email)) == user.email.strip().lower(),
                Person.kind == "professional",
                col(Person.removed_on).is_(None),
                col(Person.user_id).is_(None) | (col(Person.user_id) == user_id),
            )
        )
        .scalars()
        .all()
    )
    return _link(session, pairs=[(person, user_id) for person in people], actor=actor)


def end_memberships_through_person(*, session: Session, actor: Actor | None, person_id: int) -> int:
    """A professional taken off the citizen's team loses the access that came with them.

    The counterpart of `_link` (adding a professional with an account gives access): called by
    models.people.remove_person after its own authorisation. Returns how many memberships ended.
    """
    memberships = (
        session.execute(
            select(TeamMembership).where(
                TeamMembership.person_id == person_id, col(TeamMembership.ended_at).is_(None)
            )
        )
        .scalars()
        .all()
    )
    for membership in memberships:
        membership.ended_at = utcnow()
        membership.end_reason = translate("team.removed_from_team")
        session.add(membership)
        write_audit(session, actor=actor, action="team.end", citizen_id=membership.citizen_id,
                    entity="team_membership", entity_id=membership.id)
    return len(memberships)
