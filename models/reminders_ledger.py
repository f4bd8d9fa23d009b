"""The ledger of notices: each notice Samplan owes someone is one row, unique by its key.

Why this makes `samplan remind` safe to run from cron every few minutes:
- A notice is recorded with INSERT ... ON CONFLICT (key) DO NOTHING: however many runs see the
  same agreement become overdue, at the same time or one after another, one row is owed.
- Before sending, a run claims a recipient's pending rows with one conditional UPDATE (pending,
  and no live claim): a lease of LEASE. Two runs at once cannot both win it (SQLite: one writer
  at a time; PostgreSQL: the second UPDATE waits for the first's row locks, then re-checks the
  WHERE on the new rows and finds them claimed).
- After the SMTP server has accepted the mail the rows are marked sent. A failure (refused,
  timeout, 4xx, 5xx) releases them with the reason: pending again, retried at the next run.
- A run killed after claiming leaves the rows pending with a lease that runs out: the next run
  after LEASE sends them. Nothing is lost; the one window for a second copy is a kill between
  the server's "250 OK" and the commit that marks the rows sent (at least once, never zero).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from models.tables import ReminderNotice

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 48  # then the notice is given up ("failed"), still visible in the send log
KEEP_FOR = timedelta(days=120)  # finished rows are pruned after this; no key can come back by then
KNOWN_WINDOW = timedelta(days=60)


@dataclass(frozen=True)
class NoticeSpec:
    key: str
    kind: str
    recipient: str
    entity_id: int | None = None


@dataclass(frozen=True)
class ClaimedNotice:
    id: int
    key: str
    kind: str
    recipient: str
    entity_id: int | None
    attempts: int


def known_keys(session: Session, *, now: datetime) -> set[str]:
    """Keys recorded lately: a run records only what is new (one read instead of an INSERT per
    candidate, which on SQLite would hold the write lock for the whole list)."""
    rows = session.execute(
        select(col(ReminderNotice.key)).where(col(ReminderNotice.created_at) >= now - KNOWN_WINDOW)
    ).scalars()
    return set(rows)


def record(session: Session, specs: Iterable[NoticeSpec], *, now: datetime) -> int:
    """Insert the notices that are not in the ledger yet; returns how many this call added."""
    rows = [
        {
            "key": s.key,
            "kind": s.kind,
            "recipient": s.recipient,
            "entity_id": s.entity_id,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for s in specs
    ]
    if not rows:
        return 0
    table = ReminderNotice.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = 0
    for start in range(0, len(rows), 500):
        # RETURNING counts what went in on both databases (psycopg's rowcount is -1 for a batch).
        statement = builder(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
        added += len(session.execute(statement, rows[start : start + 500]).all())
    return added


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        col(ReminderNotice.status) == "pending",
        or_(col(ReminderNotice.claimed_until).is_(None), col(ReminderNotice.claimed_until) < now),
    )


def waiting_recipients(session: Session, *, now: datetime) -> list[str]:
    """Everyone with a pending notice no live run has claimed."""
    return list(
        session.execute(
            select(col(ReminderNotice.recipient))
            .where(_claimable(now))
            .distinct()
            .order_by(col(ReminderNotice.recipient))  # type: ignore[arg-type]
        ).scalars()
    )


def claim(session: Session, *, recipients: Sequence[str], now: datetime) -> list[ClaimedNotice]:
    """Take these recipients' pending notices for LEASE (one UPDATE ... RETURNING). What another
    run holds or has just sent is not returned."""
    statement = (
        update(ReminderNotice)
        .where(col(ReminderNotice.recipient).in_(recipients), _claimable(now))
        .values(claimed_until=now + LEASE, attempts=col(ReminderNotice.attempts) + 1)
        .returning(
            col(ReminderNotice.id),
            col(ReminderNotice.key),
            col(ReminderNotice.kind),
            col(ReminderNotice.recipient),
            col(ReminderNotice.entity_id),
            col(ReminderNotice.attempts),
        )
    )
    rows = session.execute(statement).all()
    return sorted((ClaimedNotice(*row) for row in rows), key=lambda n: n.id)


def mark_sent(session: Session, ids: Sequence[int], *, now: datetime) -> None:
    if ids:
        session.execute(
            update(ReminderNotice)
            .where(col(ReminderNotice.id).in_(ids))
            .values(status="sent", sent_at=now, claimed_until=None, last_error=None)
        )


def mark_obsolete(session: Session, ids: Sequence[int]) -> None:
    """Nothing to say any more (the agreement is done, the date moved, the digest is empty)."""
    if ids:
        session.execute(
            update(ReminderNotice)
            .where(col(ReminderNotice.id).in_(ids))
            .values(status="obsolete", claimed_until=None)
        )


def release(session: Session, notices: Sequence[ClaimedNotice], *, error: str | None) -> None:
    """Not sent: pending again for the next run (with the reason), or given up after
    MAX_ATTEMPTS. `error` None: this run never tried (it stopped early); the attempt is not counted."""
    if not notices:
        return
    ids = [n.id for n in notices]
    if error is None:
        session.execute(
            update(ReminderNotice)
            .where(col(ReminderNotice.id).in_(ids))
            .values(claimed_until=None, attempts=col(ReminderNotice.attempts) - 1)
        )
        return
    given_up = [n.id for n in notices if n.attempts >= MAX_ATTEMPTS]
    session.execute(
        update(ReminderNotice)
        .where(col(ReminderNotice.id).in_(ids))
        .values(claimed_until=None, last_error=error[:200])
    )
    if given_up:
        session.execute(
            update(ReminderNotice).where(col(ReminderNotice.id).in_(given_up)).values(status="failed")
        )


def prune(session: Session, *, now: datetime) -> None:
    session.execute(
        delete(ReminderNotice).where(
            col(ReminderNotice.status) != "pending", col(ReminderNotice.created_at) < now - KEEP_FOR
        )
    )


def has_key(session: Session, key: str) -> bool:
    return (
        session.execute(select(col(ReminderNotice.id)).where(col(ReminderNotice.key) == key)).first()
        is not None
    )


def mark_done_key(session: Session, key: str, *, now: datetime) -> None:
    """A marker row (e.g. "the escalation scan of 2 Dec is done"), inserted once."""
    record(session, [NoticeSpec(key, "marker", "")], now=now)
    session.execute(
        update(ReminderNotice).where(col(ReminderNotice.key) == key).values(status="sent", sent_at=now)
    )
