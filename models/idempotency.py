"""Add forms that save once: a key per form generation, and the row it created.

The page gives every generation of an add form (goal, agreement, decision, unmet need) a random
key; the domain function calls `replayed` before it creates anything and `remember` right after.
A second call with the same key (a double click, a resubmitted form, a rerun) gets the first
call's row id back and creates nothing.

Parallel calls with one key: on SQLite every write transaction holds the database's write lock
from its first statement (BEGIN IMMEDIATE, models/db.py), so the second sees the first's row. On
PostgreSQL the key is the primary key: the second INSERT waits for the first transaction and then
fails on the duplicate; the savepoint undoes only that INSERT and the committed row is read.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.tables import FormSubmission

KINDS = ("goal", "agreement", "decision", "unmet_need")
_KEY = re.compile(r"[A-Za-z0-9_.:-]{8,64}")


def _check(key: str, kind: str) -> None:
    if kind not in KINDS or not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ValueError(f"bad form key or kind: {kind!r}")


def _known(session: Session, key: str, kind: str) -> int | None:
    row = session.get(FormSubmission, key)
    if row is None:
        return None
    if row.kind != kind:
        raise ValueError(f"form key reused for {kind!r} (was {row.kind!r})")
    return row.entity_id


def replayed(session: Session, *, key: str | None, kind: str) -> int | None:
    """The id a call with this key already created, else None after claiming the key for this
    transaction (the caller then creates its row and calls `remember`). No key: always None."""
    if key is None:
        return None
    _check(key, kind)
    known = _known(session, key, kind)
    if known is not None:
        return known
    try:
        with session.begin_nested():
            session.add(FormSubmission(key=key, kind=kind))
            session.flush()
    except IntegrityError:
        # Another transaction with this key committed while we waited for its lock.
        known = _known(session, key, kind)
        if known is None:  # pragma: no cover - the other transaction committed without its row
            raise
        return known
    return None


def remember(session: Session, *, key: str | None, entity_id: int) -> None:
    """Record the row the claimed key created (same transaction as the row)."""
    if key is None:
        return
    row = session.get(FormSubmission, key)
    assert row is not None, "remember() without replayed()"
    row.entity_id = entity_id
    session.add(row)
    session.flush()
