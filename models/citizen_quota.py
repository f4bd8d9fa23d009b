"""How many writes a citizen's link may make: WRITES_PER_HOUR in each hour (issue 20).

Counted in the database, in one UPDATE that both checks and counts, inside the transaction of
the write it allows: on PostgreSQL the row lock makes parallel writers wait and re-check the
count (READ COMMITTED re-evaluates the WHERE on the newest row), on SQLite the write lock
(BEGIN IMMEDIATE) orders them. A write that fails afterwards rolls its count back with it, so
only saved writes count, and the first WRITES_PER_HOUR of a burst are the ones kept.
The hour starts at the first write after the previous hour ended.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, or_, update
from sqlmodel import Session

from models.errors import UserError
from models.tables import CitizenLink, utcnow

WRITES_PER_HOUR = 30
WINDOW = timedelta(hours=1)


def take_write(session: Session, *, link_id: int) -> None:
    """Count one write for the link, or refuse with a Danish sentence when the hour is full."""
    now = utcnow()
    window_over = or_(
        CitizenLink.window_started_at.is_(None),  # type: ignore[union-attr]
        CitizenLink.window_started_at <= now - WINDOW,  # type: ignore[operator]
    )
    result = session.execute(
        update(CitizenLink)
        .where(
            CitizenLink.id == link_id,  # type: ignore[arg-type]
            or_(window_over, CitizenLink.window_writes < WRITES_PER_HOUR),  # type: ignore[arg-type]
        )
        .values(
            window_writes=case((window_over, 1), else_=CitizenLink.window_writes + 1),
            window_started_at=case((window_over, now), else_=CitizenLink.window_started_at),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UserError("citizen_link.too_many_writes", max=WRITES_PER_HOUR)
