"""Which citizens a transaction changed, as far as Overblik's figures go: written down in the
same transaction, in the overview_change table (models/overview_kept.py reads it).

Registered on every SQLAlchemy Session when models.tables is imported (its last line), so every
process that writes (the app, the CLI, an import) writes these rows too. See overview_kept's
docstring for the rules; in short:
- after_flush: the citizens of the rows a flush wrote (action_event and goal_score through their
  agreement and goal); do_orm_execute: those an INSERT/UPDATE/DELETE statement reaches (a
  SELECT with its WHERE clause, before it runs). What cannot be told is "everything".
- before_commit: one seq per transaction, max + 1 under the table's lock, so seqs become
  visible in order, without gaps.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, SessionTransaction
from sqlalchemy.orm import Session as OrmSession

from models.tables import Action, Goal, OverviewChange

MAX_CITIZENS_NOTED = 500  # more in one transaction (an import): count everything again
KEEP_TRANSACTIONS = 5_000  # log rows kept; a process further behind counts everything again
PRUNE_EVERY = 500

_COUNTED_TABLES = frozenset(
    {"action", "action_event", "citizen", "consent", "department", "goal", "goal_score", "meeting", "person",
     "unmet_need"}
)  # fmt: skip
_NOTED = "samplan_overview_noted"  # Session.info: set of citizen ids, or _EVERYTHING
_EVERYTHING = "everything"
_LOG = OverviewChange.__table__  # type: ignore[attr-defined]


def _note(session: OrmSession, citizens: Iterable[Any] | None) -> None:
    """Note `citizens` (None: everything) as changed in this session's transaction."""
    noted = session.info.get(_NOTED)
    if noted == _EVERYTHING:
        return
    if citizens is None:
        session.info[_NOTED] = _EVERYTHING
        return
    noted = session.info.setdefault(_NOTED, set())
    noted.update(int(c) for c in citizens if c is not None)
    if len(noted) > MAX_CITIZENS_NOTED:
        session.info[_NOTED] = _EVERYTHING


def note_everything_changed(session: OrmSession) -> None:
    """For a write the listeners below cannot see: count everything again after its commit."""
    _note(session, None)


def _citizens_through(session: OrmSession, table: str, ids: set[int]) -> list[int]:
    """The citizens of action_event rows' agreements or goal_score rows' goals."""
    if not ids:
        return []
    parent = Action if table == "action_event" else Goal
    return list(session.connection().execute(
        select(parent.citizen_id).where(parent.id.in_(sorted(ids))).distinct()  # type: ignore[attr-defined]
    ).scalars())  # fmt: skip


@event.listens_for(OrmSession, "after_flush")
def _note_flushed(session: OrmSession, _context: Any) -> None:
    through: dict[str, set[int]] = {"action_event": set(), "goal_score": set()}
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table not in _COUNTED_TABLES:
            continue
        if table == "department":
            _note(session, None)
        elif table == "citizen":
            _note(session, [obj.id])
        elif table in through:
            key = "action_id" if table == "action_event" else "goal_id"
            history = inspect(obj).attrs[key].history
            through[table].update(v for v in (getattr(obj, key), *history.deleted) if v is not None)
        else:  # the row carries its citizen; a row moved to another citizen changes both
            history = inspect(obj).attrs["citizen_id"].history
            _note(session, [obj.citizen_id, *history.deleted])
    for table, ids in through.items():
        _note(session, _citizens_through(session, table, ids))


@event.listens_for(OrmSession, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name not in _COUNTED_TABLES or state.session.info.get(_NOTED) == _EVERYTHING:
        return
    if name == "department":
        _note(state.session, None)
    elif state.is_insert:
        _note(state.session, _inserted_citizens(state, name))
    else:
        _note(state.session, _reached_citizens(state, table, name))


def _inserted_citizens(state: ORMExecuteState, name: str) -> list[Any] | None:
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    key = {"citizen": "id", "action_event": "action_id", "goal_score": "goal_id"}.get(name, "citizen_id")
    if not rows or any(key not in row for row in rows) or name == "citizen":
        return None  # values inside the statement, or new citizens' ids not known yet
    values = {row[key] for row in rows}
    if name in ("action_event", "goal_score"):
        return _citizens_through(state.session, name, values)
    return list(values)


def _reached_citizens(state: ORMExecuteState, table: Any, name: str) -> list[Any] | None:
    """The citizens of the rows an UPDATE or DELETE reaches, read before it runs."""
    statement = state.statement
    where = getattr(statement, "whereclause", None)
    params = state.parameters
    if where is None or isinstance(params, list):
        return None  # every row, or one statement for many parameter sets
    if state.is_update:
        changed = {getattr(c, "key", str(c)) for c in (statement._values or {})}  # type: ignore[union-attr]
        if changed & {"id", "citizen_id", "action_id", "goal_id"}:
            return None  # a row moved to another citizen
    if name == "citizen":
        reach = select(table.c.id).where(where)
    elif name in ("action_event", "goal_score"):
        parent = Action if name == "action_event" else Goal
        key = table.c.action_id if name == "action_event" else table.c.goal_id
        reach = select(parent.citizen_id).select_from(table.join(parent, key == parent.id)).where(where)
    else:
        reach = select(table.c.citizen_id).where(where)
    return list(state.session.connection().execute(reach.distinct(), params or {}).scalars())


@event.listens_for(OrmSession, "before_commit")
def _write_noted(session: OrmSession) -> None:
    """The notes become overview_change rows in the committing transaction itself."""
    if session.in_nested_transaction():
        return
    session.flush()  # the commit's own flush comes after this hook: note its rows now
    noted = session.info.pop(_NOTED, None)
    if not noted:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # seqs in commit order (module docstring)
        connection.execute(text("LOCK TABLE overview_change IN EXCLUSIVE MODE"))
    seq = int(connection.execute(select(func.coalesce(func.max(_LOG.c.seq), 0))).scalar_one()) + 1
    tag = secrets.randbits(62)
    citizens = [None] if noted == _EVERYTHING else sorted(noted)
    connection.execute(insert(_LOG), [{"seq": seq, "tag": tag, "citizen_id": c} for c in citizens])
    if seq % PRUNE_EVERY == 0:
        connection.execute(delete(_LOG).where(_LOG.c.seq <= seq - KEEP_TRANSACTIONS))


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_noted(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (written above) or rolled back: nothing changed
        session.info.pop(_NOTED, None)
