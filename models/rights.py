"""The citizen's rights: a copy of everything about them, and who has looked at their data.

The copy is the exchange document (samplan/1), the joint plan (for the Word file) and the
access log. The access log is shown to the citizen's coordinator (and deputy) and to
administrators: they are the ones who answer the citizen's questions about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from models.access import Actor, authorize, pending_audits, refuse, write_audit
from models.exchange import export_citizen
from models.plans import JointPlan, _load
from models.tables import AuditEvent, Citizen, Person, UserAccount


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    user_name: str | None  # None: the command line or an anonymous attempt
    action: str
    outcome: str


@dataclass(frozen=True)
class CitizenCopy:
    document: dict[str, Any]  # samplan/1 with this one citizen
    plan: JointPlan
    access_log: tuple[AccessEntry, ...]


def may_read_access_log(session: Session, *, actor: Actor, citizen_id: int) -> bool:
    """Administrators, and the citizen's coordinator or deputy (an active professional)."""
    mine = session.execute(
        select(Person).where(Person.citizen_id == citizen_id, Person.user_id == actor.user_id)
    ).scalars()
    return coordinates(actor, list(mine))


def coordinates(actor: Actor | None, people: Iterable[Any]) -> bool:
    """The one rule: administrators, and the citizen's active coordinator or deputy among `people`
    (Person rows or the plan's PersonViews)."""
    if actor is None or actor.role == "citizen_link":
        return False
    if actor.is_admin:
        return True
    return actor.user_id is not None and any(
        p.user_id == actor.user_id and p.removed_on is None and (p.is_coordinator or p.is_deputy)
        for p in people
    )


def _entries(session: Session, citizen_id: int, *, actor: Actor) -> tuple[AccessEntry, ...]:
    rows = session.execute(
        select(AuditEvent.at, UserAccount.full_name, AuditEvent.action, AuditEvent.outcome)
        .outerjoin(UserAccount, col(UserAccount.id) == AuditEvent.user_id)
        .where(AuditEvent.citizen_id == citizen_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).all()
    # This very reading (and whatever else the session did) is written when the session commits
    # (models.access.write_audit), so it is not in the table yet: shown first, as it will be.
    unsaved = [row for row in pending_audits(session) if row["citizen_id"] == citizen_id]
    names: dict[int | None, str | None] = {actor.user_id: actor.full_name}
    others = {row["user_id"] for row in unsaved} - {actor.user_id, None}
    if others:
        found = select(col(UserAccount.id), col(UserAccount.full_name)).where(col(UserAccount.id).in_(others))
        names.update(session.execute(found).tuples().all())
    newest = [AccessEntry(row["at"], names.get(row["user_id"]), row["action"], row["outcome"])
              for row in reversed(unsaved)]  # fmt: skip
    return tuple(newest) + tuple(AccessEntry(at, name, action, outcome) for at, name, action, outcome in rows)


def access_log(*, session: Session, actor: Actor, citizen_id: int) -> tuple[AccessEntry, ...]:
    """Who looked at or changed the citizen's data, newest first (reading it is audited too)."""
    if not may_read_access_log(session, actor=actor, citizen_id=citizen_id):
        refuse(session, actor=actor, citizen_id=citizen_id, action="audit.read")
    authorize(session, actor=actor, citizen_id=citizen_id, action="audit.read")
    return _entries(session, citizen_id, actor=actor)


def access_log_for_plan(*, session: Session, actor: Actor, plan: JointPlan) -> tuple[AccessEntry, ...]:
    """The access log for a page that has just loaded (authorised and audited) the citizen's plan.

    Who may read it is decided from the plan's people (the same rule as may_read_access_log), and
    reading the log is audited as "audit.read" as always; the team check is not repeated.
    """
    citizen_id = plan.citizen.id
    if not coordinates(actor, plan.people):
        refuse(session, actor=actor, citizen_id=citizen_id, action="audit.read")
    write_audit(session, actor=actor, action="audit.read", citizen_id=citizen_id)
    return _entries(session, citizen_id, actor=actor)


def citizen_copy(*, session: Session, actor: Actor, citizen_id: int) -> CitizenCopy:
    """Everything about one citizen and nothing about anyone else (the right of access)."""
    if not may_read_access_log(session, actor=actor, citizen_id=citizen_id):
        refuse(session, actor=actor, citizen_id=citizen_id, action="citizen.export_copy")
    document = export_citizen(session=session, actor=actor, citizen_id=citizen_id)
    citizen = session.get(Citizen, citizen_id)
    assert citizen is not None  # export_citizen authorised it
    log = _entries(session, citizen_id, actor=actor)
    return CitizenCopy(document=document, plan=_load(session, citizen), access_log=log)
