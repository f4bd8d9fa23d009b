"""The one database session helper.

SQLite: WAL, foreign keys, a 5 s busy timeout, and write transactions opened with
BEGIN IMMEDIATE — pysqlite's deferred transactions lost most concurrent read-modify-write
updates in a measurement here. PostgreSQL: the same code through psycopg 3.

"database is locked" never reaches a person (issue 15, point 4); three places see to it:
- BEGIN IMMEDIATE is retried a bounded number of times with random jitter. It runs before the
  caller's body, so retrying it repeats nothing. On a loaded machine a waiter could lose the
  lock to others for longer than busy_timeout (5 of 8 runs of 800 saves saw the error).
- A read session (write=False) that ends up writing (an audit row of a read, a refusal, a
  touched timestamp) cannot upgrade its read snapshot once another connection has committed:
  SQLite fails at once and busy_timeout is not even consulted. So at its first INSERT/UPDATE/
  DELETE such a session leaves its (read-only) snapshot and takes the write lock with BEGIN
  IMMEDIATE and the same retries (`_upgrade_to_write`). Reads before that point and after it
  may see two snapshots a few milliseconds apart: those sessions only read for display and
  write append-only rows, and a read-modify-write belongs in a write=True session anyway.
- Whatever still fails as busy, full or read-only leaves session_scope as a UserError with a
  Danish sentence ("nothing is saved"); the cause (error class and database, never the
  statement or its parameters) goes to the log for the administrator.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, create_engine

from models import settings
from models.access import pop_pending_denials
from models.errors import DatabaseBusy, DatabaseUnavailable, StaleVersion, UserError

logger = logging.getLogger("samplan.db")
_engines: dict[str, Engine] = {}
_lock = threading.Lock()
_IMMEDIATE = "samplan_begin_immediate"
_WRITE_LOCKED = "samplan_write_locked"  # in Connection.info: this transaction holds the write lock
_GATE_HELD = "samplan_gate_held"  # in Connection.info: this transaction holds the process's gate

# Each BEGIN IMMEDIATE already waits up to busy_timeout (5 s); a fresh attempt restarts SQLite's
# busy handler at its shortest sleeps, which a starved waiter needs. Worst case ~4 x 5 s, then a
# Danish "busy, nothing saved, try again".
BUSY_TIMEOUT_MS = 5000
BUSY_ATTEMPTS = 4
BUSY_JITTER_S = (0.005, 0.25)
SQLITE_POOL_SIZE, SQLITE_POOL_OVERFLOW = 20, 180  # connections kept, and opened beyond them at peaks
GATE_TIMEOUT_S = 30.0  # waiting in line behind this process's other writers
_sleep: Callable[[float], None] = time.sleep  # tests replace it to act between two attempts

_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# SQLite result codes (sqlite3 exceptions carry sqlite_errorname) and PostgreSQL SQLSTATEs.
_SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")
_SQLITE_UNAVAILABLE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_PERM")
# serialization failure, deadlock, lock not available, too many connections
_PG_BUSY = ("40001", "40P01", "55P03", "53300")
# read-only transaction (a standby), insufficient resources (disk full, out of memory)
_PG_UNAVAILABLE = ("25006", "53")


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros: erased text must not linger in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    gate = _WriterGate()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_IMMEDIATE):
            _take_write_lock(
                connection, gate, engine=engine, begin=lambda: connection.exec_driver_sql("BEGIN IMMEDIATE")
            )
        else:
            connection.info[_WRITE_LOCKED] = False
            connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(
        connection: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if connection.info.get(_WRITE_LOCKED) or not statement.lstrip()[:7].upper().startswith(_WRITE_VERBS):
            return
        if connection.in_nested_transaction():
            return  # ending the snapshot would end the savepoint too; let SQLite decide
        # A read transaction that is about to write: leave its snapshot (it wrote nothing, since
        # every write passes here first) and take the write lock in its place. SQLAlchemy's
        # transaction goes on; its COMMIT or ROLLBACK ends the write transaction.
        raw = connection.connection.dbapi_connection
        if raw.in_transaction:
            raw.execute("COMMIT")
        _take_write_lock(connection, gate, engine=engine, begin=lambda: raw.execute("BEGIN IMMEDIATE"))

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        connection.info[_WRITE_LOCKED] = False
        if connection.info.pop(_GATE_HELD, False):
            gate.leave()

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # A connection that goes back to the pool never keeps the gate (safety net).
        if record is not None and record.info.pop(_GATE_HELD, False):
            gate.leave()


class _WriterGate:
    """The process's writers to one SQLite database wait here in line, one at a time.

    SQLite's own busy handler polls with sleeps of up to 100 ms, and the lock goes to whoever
    polls at the right moment: on a loaded machine one writer lost it for more than 5 s while
    others wrote. A blocked lock acquire wakes as soon as the lock is free. The gate is per
    process (Streamlit's sessions are threads of one process); other processes (the CLI, a
    backup) still meet SQLite's lock, busy_timeout and the retries. A thread that already holds
    the gate (a write session opened inside another) does not wait for itself.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def enter(self) -> bool:
        """Wait for the gate; False when this thread already holds it (nothing to release)."""
        if self._owner == threading.get_ident():
            return False
        if not self._lock.acquire(timeout=GATE_TIMEOUT_S):
            logger.error("database busy: waited %.0f s behind this process's other writers", GATE_TIMEOUT_S)
            raise DatabaseBusy()
        self._owner = threading.get_ident()
        return True

    def leave(self) -> None:
        self._owner = None
        self._lock.release()


def _take_write_lock(
    connection: Any, gate: _WriterGate, *, engine: Engine, begin: Callable[[], object]
) -> None:
    """Through the gate, then BEGIN IMMEDIATE (retried while busy); the gate is held until the
    transaction ends (commit/rollback events), or released here if the lock is not taken."""
    held = gate.enter()
    try:
        _retry_busy(begin, engine=engine)
    except BaseException:
        if held:
            gate.leave()
        raise
    connection.info[_WRITE_LOCKED] = True
    if held:
        connection.info[_GATE_HELD] = True


def _is_busy_error(error: BaseException) -> bool:
    orig = getattr(error, "orig", error)
    name = getattr(orig, "sqlite_errorname", None)
    if name is not None:
        return str(name).startswith(_SQLITE_BUSY)
    return "database is locked" in str(orig) or "database table is locked" in str(orig)


def _retry_busy(begin: Callable[[], object], *, engine: Engine) -> None:
    """Run `begin` (a BEGIN IMMEDIATE); retry it with jitter while SQLite says busy/locked.

    Only the lock acquisition is retried, never a caller's statements: nothing has happened yet.
    """
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            begin()
            return
        except Exception as error:
            if not _is_busy_error(error):
                raise
            if attempt == BUSY_ATTEMPTS:
                _log_cause(error, engine=engine, what="still busy after retries")
                raise DatabaseBusy() from error
            _sleep(random.uniform(*BUSY_JITTER_S))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = make_url(url).database
        # A "file:...?mode=ro&uri=true" URL names an existing file (e.g. a read-only copy).
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # Every script run of every browser session is a thread that may hold a connection while
        # it waits in the writer gate; SQLAlchemy's default pool (5 + 10 overflow, 30 s timeout)
        # ran dry under 24 threads on a loaded machine ("QueuePool limit ... reached"). A SQLite
        # connection is a file handle, so allow many: the gate, not the pool, orders the writers.
        in_memory = not database or database == ":memory:" or "mode=memory" in url
        pool = {} if in_memory else {"pool_size": SQLITE_POOL_SIZE, "max_overflow": SQLITE_POOL_OVERFLOW}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5}, **pool)
        _prepare_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """One engine per database URL for the process (the engine holds no citizen data)."""
    url = url or settings.database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            _engines[url] = engine
        return engine


def url_of(session: Session) -> str:
    """The URL `session`'s engine was made for: to open a second session on the same database."""
    engine = session.get_bind()
    with _lock:
        for url, known in _engines.items():
            if known is engine:
                return url
    return engine.url.render_as_string(hide_password=False)


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def database_error_as_user_error(error: BaseException, *, engine: Engine | None = None) -> UserError | None:
    """The Danish error for a database that is busy, full or read-only; None for anything else.

    Logs the cause for the administrator: the driver's error class and code and the database,
    never the message of the statement (its parameters may be what someone typed about a citizen).
    """
    if isinstance(error, UserError):
        return error
    if not isinstance(error, DBAPIError):
        return None
    orig = error.orig
    sqlite_name = str(getattr(orig, "sqlite_errorname", "") or "")
    sqlstate = str(getattr(orig, "sqlstate", "") or getattr(orig, "pgcode", "") or "")
    if (
        sqlite_name.startswith(_SQLITE_BUSY)
        or sqlstate in _PG_BUSY
        or (not sqlite_name and not sqlstate and _is_busy_error(error))
    ):
        _log_cause(error, engine=engine, what="busy")
        return DatabaseBusy()
    if sqlite_name.startswith(_SQLITE_UNAVAILABLE) or sqlstate.startswith(_PG_UNAVAILABLE):
        _log_cause(error, engine=engine, what="cannot write")
        return DatabaseUnavailable()
    return None


def _log_cause(error: BaseException, *, engine: Engine | None, what: str) -> None:
    orig = getattr(error, "orig", error)
    code = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None) or "-"
    where = engine.url.render_as_string(hide_password=True) if engine is not None else "?"
    logger.error(
        "database %s: %s %s (%s) on %s", what, type(orig).__module__, type(orig).__name__, code, where
    )


@contextmanager
def session_scope(*, write: bool = False, url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception.

    `write=True` takes SQLite's write lock at the start (BEGIN IMMEDIATE, retried while busy),
    so a read-modify-write cannot be overtaken by another writer. A read session that writes
    takes the lock at its first write (module docstring). Objects stay readable after commit
    (expire_on_commit=False) so callers get plain data.

    A database that stays busy, is full or is read-only raises a UserError (DatabaseBusy,
    DatabaseUnavailable): the page shows a Danish sentence, and nothing is half-saved because
    the transaction is rolled back first.
    """
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        try:
            if write and is_sqlite(engine):
                session.connection(execution_options={_IMMEDIATE: True})
            yield session
            session.add_all(pop_pending_denials(session))
            session.commit()
        except BaseException as error:
            session.rollback()
            denials = pop_pending_denials(session)
            if denials:
                # The work is undone; the record of the refused attempt is not.
                try:
                    if is_sqlite(engine):
                        session.connection(execution_options={_IMMEDIATE: True})
                    session.add_all(denials)
                    session.commit()
                except Exception as failed:
                    session.rollback()
                    if database_error_as_user_error(failed, engine=engine) is None:
                        raise
                    # The refusal still stands; only its audit row is lost (and logged).
            if isinstance(error, Exception) and not isinstance(error, UserError):
                friendly = database_error_as_user_error(error, engine=engine)
                if friendly is not None:
                    raise friendly from error
            raise


def create_all(engine: Engine | None = None) -> None:
    """Create every table directly (tests); real databases are made by Alembic migrations."""
    import models.tables  # noqa: F401  (registers the tables)

    SQLModel.metadata.create_all(engine or get_engine())


# Bookkeeping columns are not "corrections" of what a person said or decided.
_UNTRACKED_COLUMNS = frozenset({"updated_at", "version", "last_seen_at"})


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def save_versioned(
    session: Session, model: type[SQLModel], *, row_id: int, seen_version: int, **values: Any
) -> int:
    """Update a versioned row only if nobody saved it since the user loaded `seen_version`.

    Returns the new version. Raises StaleVersion (a Danish message; the caller keeps the
    user's text in the form) when the row changed underneath. Every field whose value changes
    leaves a Correction row with the old value, the user the transaction was authorised for
    (models.access.authorize) and the time: corrections keep their history.
    """
    from models.access import authorised_user_id
    from models.tables import Correction

    table = model.__table__  # type: ignore[attr-defined]
    tracked = [name for name in values if name not in _UNTRACKED_COLUMNS]
    citizen_column = table.c.get("citizen_id")
    before = None
    if tracked:
        columns = [table.c[name] for name in tracked]
        if citizen_column is not None:
            columns.append(citizen_column)
        before = session.execute(
            select(*columns).where(table.c.id == row_id, table.c.version == seen_version)
        ).first()
    result = session.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == seen_version)
        .values(**values, version=seen_version + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion()
    if before is not None:
        user_id = authorised_user_id(session)
        citizen_id = before[-1] if citizen_column is not None else None
        for name, old in zip(tracked, before, strict=False):
            if old is not None and _as_text(old) != _as_text(values[name]):
                session.add(
                    Correction(
                        user_id=user_id,
                        citizen_id=citizen_id,
                        table_name=table.name,
                        row_id=row_id,
                        column_name=name,
                        old_value=_as_text(old),
                    )
                )
    return seen_version + 1


def integrity_ok(engine: Engine | None = None) -> bool:
    engine = engine or get_engine()
    if not is_sqlite(engine):
        return True
    with engine.connect() as connection:
        return connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
