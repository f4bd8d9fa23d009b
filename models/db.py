"""The one database session helper.

SQLite: WAL, foreign keys, a 5 s busy timeout, and write transactions opened with
BEGIN IMMEDIATE — pysqlite's deferred transactions lost most concurrent read-modify-write
updates in a measurement here. PostgreSQL: the same code through psycopg 3.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text, update
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine

from models import settings
from models.access import pop_pending_denials
from models.errors import StaleVersion

_engines: dict[str, Engine] = {}
_lock = threading.Lock()
_IMMEDIATE = "samplan_begin_immediate"


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros: erased text must not linger in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
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


@contextmanager
def session_scope(*, write: bool = False, url: str | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception.

    `write=True` takes SQLite's write lock at the start (BEGIN IMMEDIATE), so a
    read-modify-write cannot be overtaken by another writer; busy_timeout makes others wait.
    Objects stay readable after commit (expire_on_commit=False) so callers get plain data.
    """
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        if write and is_sqlite(engine):
            session.connection(execution_options={_IMMEDIATE: True})
        try:
            yield session
            session.add_all(pop_pending_denials(session))
            session.commit()
        except BaseException:
            session.rollback()
            denials = pop_pending_denials(session)
            if denials:
                # The work is undone; the record of the refused attempt is not.
                if is_sqlite(engine):
                    session.connection(execution_options={_IMMEDIATE: True})
                session.add_all(denials)
                session.commit()
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
