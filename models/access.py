"""The one authorisation check, and the audit writer every citizen-scoped call goes through.

Rules:
- an administrator may see and change every citizen (audited like everyone else);
- a staff user may see and change a citizen while they have an active team membership;
- a citizen's personal link may read that one citizen's current plan and make the few writes the
  citizen makes themselves (LINK_WRITES: their preparation, agenda proposals, yes/no to the plan,
  ticking off their own agreements, a message to the contact person), for that citizen only;
  those rows are audited as "borger via link <id>" (link_id), never as a user.
A refusal never says whether the citizen exists, and its audit row survives the rollback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from sqlalchemy import event, exists, insert, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models.errors import AccessDenied, UserError
from models.tables import AuditEvent, Citizen, TeamMembership, UserAccount, utcnow

READ_ONLY_PREFIXES = ("read", "export", "view")
# What the citizen may write through their own link (issue 20); each function that uses one of
# these codes checks the rest (e.g. that the agreement is the citizen's own) before writing.
LINK_WRITES = frozenset(
    {"preparation.write", "agenda.propose", "plan.answer", "action.tick_off", "message.send"}
)


@dataclass(frozen=True)
class Actor:
    """Who is acting. Built from the database on every request, never trusted from the client."""

    user_id: int | None
    username: str
    full_name: str
    role: str  # "admin" | "staff" | "citizen_link"
    link_citizen_id: int | None = None
    is_leader: bool = False  # may see Overblik (granted by an administrator: models.leaders)
    link_id: int | None = None  # the citizen's own link this actor came through (role citizen_link)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @classmethod
    def from_user(cls, user: UserAccount) -> Actor:
        assert user.id is not None
        return cls(user_id=user.id, username=user.username, full_name=user.full_name, role=user.role,
                   is_leader=bool(user.is_leader))  # fmt: skip


def write_audit(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    citizen_id: int | None = None,
    outcome: str = "ok",
    entity: str | None = None,
    entity_id: int | None = None,
) -> None:
    """One audit row in the caller's transaction, written when it commits. Only codes and ids.

    The row waits in the session until its commit (`_write_pending_audits`; issue 16, target 3).
    It used to be INSERTed at the next autoflush, i.e. before the rest of the read: on SQLite that
    took the database's only write lock (models.db upgrades a read session at its first write)
    and held it while the plan's ~10 queries ran, so every other user's save and audit row waited
    for that read. Now the reads run on their read snapshot, and all of the session's audit rows
    go in at its end in one INSERT: a write transaction that holds nothing else.

    Nothing is lost in a crash that a person saw: session_scope commits (rows included) when its
    block ends, and a page shows what it read only after that — the models/ call returns plain
    data out of the `with` block. A commit that fails (busy, full) raises, and the page shows a
    Danish sentence instead of the data. A rollback drops the rows with the work they recorded.
    """
    row = _row(actor, action, utcnow(), citizen_id=citizen_id, outcome=outcome)
    _pend(session, [{**row, "entity": entity, "entity_id": entity_id}])


def write_audits(
    session: Session, *, actor: Actor | None, action: str, citizen_ids: Iterable[int]
) -> None:
    """One audit row per citizen, for a list that shows many citizens at once (as write_audit)."""
    at = utcnow()
    _pend(session, [_row(actor, action, at, citizen_id=citizen_id) for citizen_id in citizen_ids])


def pending_audits(session: Session) -> list[dict[str, Any]]:
    """The audit rows this session will write when it commits (oldest first), e.g. for an access
    log that shows its own reading."""
    return list(session.info.get(PENDING_AUDITS, ()))


def _row(
    actor: Actor | None, action: str, at: datetime, *, citizen_id: int | None, outcome: str = "ok"
) -> dict[str, Any]:
    return {"at": at, "user_id": actor.user_id if actor else None, "action": action[:60],
            "citizen_id": citizen_id, "outcome": outcome, "entity": None, "entity_id": None,
            "link_id": actor.link_id if actor else None}  # fmt: skip


def _pend(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if PENDING_AUDITS not in session.info:
        event.listen(session, "before_commit", _write_pending_audits)
        event.listen(session, "after_rollback", _drop_pending_audits)
        session.info[PENDING_AUDITS] = []
    session.info[PENDING_AUDITS].extend(rows)


def _write_pending_audits(session: Session) -> None:
    rows = session.info.get(PENDING_AUDITS)
    if rows:
        # A Core INSERT on the session's connection: the ORM's bulk path cost ~20 µs a row (a
        # multi-row VALUES was slower still: it is compiled anew for every number of rows).
        session.connection().execute(insert(AuditEvent.__table__), list(rows))  # type: ignore[attr-defined]
        rows.clear()


def _drop_pending_audits(session: Session) -> None:
    session.info.get(PENDING_AUDITS, []).clear()


PENDING_AUDITS = "samplan_pending_audits"
PENDING_DENIALS = "samplan_pending_denials"
AUTHORISED_USER = "samplan_authorised_user_id"


def authorised_user_id(session: Session) -> int | None:
    """The user this transaction was last authorised for (history rows name who changed what)."""
    value = session.info.get(AUTHORISED_USER)
    return value if isinstance(value, int) else None


def _remember_denial(session: Session, event: AuditEvent) -> None:
    """Refusals must survive the rollback that the AccessDenied causes: session_scope writes
    them after rolling back (or with the commit, if the caller handled the refusal)."""
    session.info.setdefault(PENDING_DENIALS, []).append(event)


def pop_pending_denials(session: Session) -> list[AuditEvent]:
    return session.info.pop(PENDING_DENIALS, [])


def _is_on_team(session: Session, *, user_id: int, citizen_id: int) -> bool:
    stmt = select(
        exists().where(
            TeamMembership.citizen_id == citizen_id,  # type: ignore[arg-type]
            TeamMembership.user_id == user_id,  # type: ignore[arg-type]
            TeamMembership.ended_at.is_(None),  # type: ignore[union-attr]
        )
    )
    return bool(session.execute(stmt).scalar())


def may_access(session: Session, *, actor: Actor | None, citizen_id: int, action: str) -> bool:
    if actor is None or not isinstance(citizen_id, int) or isinstance(citizen_id, bool):
        return False
    if actor.role == "citizen_link":
        return actor.link_citizen_id == citizen_id and (
            action.startswith(READ_ONLY_PREFIXES) or action in LINK_WRITES
        )
    if actor.user_id is None:
        return False
    if session.get(Citizen, citizen_id) is None:
        return False
    if actor.is_admin:
        return True
    return _is_on_team(session, user_id=actor.user_id, citizen_id=citizen_id)


def authorize(
    session: Session,
    *,
    actor: Actor | None,
    citizen_id: int,
    action: str,
    entity: str | None = None,
    entity_id: int | None = None,
) -> None:
    """Allow or refuse one citizen-scoped read, write or export, and audit it.

    `action` is a short code such as "plan.read", "goal.write", "plan.export_docx". Allowed:
    the audit row joins the caller's transaction (it commits with the change, or not at all).
    Refused: AccessDenied; session_scope audits the refusal even though the work rolls back.
    """
    if may_access(session, actor=actor, citizen_id=citizen_id, action=action):
        session.info[AUTHORISED_USER] = actor.user_id if actor else None
        write_audit(
            session,
            actor=actor,
            action=action,
            citizen_id=citizen_id,
            entity=entity,
            entity_id=entity_id,
        )
        return
    refuse(session, actor=actor, citizen_id=citizen_id, action=action, entity=entity, entity_id=entity_id)


def refuse(
    session: Session,
    *,
    actor: Actor | None,
    citizen_id: int | None,
    action: str,
    entity: str | None = None,
    entity_id: int | None = None,
    error: UserError | None = None,
) -> NoReturn:
    """Refuse with AccessDenied (or `error`, when the reason may be told); the 'denied' audit row
    survives the rollback that follows."""
    _remember_denial(
        session,
        AuditEvent(
            at=utcnow(),
            user_id=actor.user_id if actor else None,
            action=action[:60],
            citizen_id=citizen_id if isinstance(citizen_id, int) else None,
            outcome="denied",
            entity=entity,
            entity_id=entity_id,
            link_id=actor.link_id if actor else None,
        ),
    )
    raise error if error is not None else AccessDenied()


def require_staff(
    session: Session,
    *,
    actor: Actor | None,
    citizen_id: int,
    action: str,
    entity: str | None = None,
    entity_id: object = None,
) -> None:
    """For reads made from a plan the page has already authorised: staff may, a citizen's own
    link (or nobody) may not — refused and audited like any other refusal."""
    if actor is None or actor.role == "citizen_link":
        refuse(session, actor=actor, citizen_id=citizen_id, action=action, entity=entity,
               entity_id=entity_id if isinstance(entity_id, int) else None)


def visible_citizens_filter(
    actor: Actor, citizen_id: Any = None, *, user_id: Any = None
) -> ColumnElement[bool]:
    """A WHERE clause for lists (pickers, overviews): only citizens the actor may open.

    On Citizen.id, or on another table's citizen id column (`citizen_id`, e.g. Action.citizen_id)
    where a query has no reason to join the citizen. `user_id` stands in for the actor's id in a
    statement built once and run with the id as a parameter (a bindparam)."""
    column = Citizen.id if citizen_id is None else citizen_id
    if actor.role == "citizen_link":
        return column == actor.link_citizen_id  # type: ignore[no-any-return]
    if actor.is_admin:
        return column.is_not(None)  # type: ignore[no-any-return]
    return column.in_(  # type: ignore[no-any-return]
        select(TeamMembership.citizen_id).where(
            TeamMembership.user_id == (actor.user_id if user_id is None else user_id),  # type: ignore[arg-type]
            TeamMembership.ended_at.is_(None),  # type: ignore[union-attr]
        )
    )
