"""Bring a database to the newest schema with Alembic, from any working directory.

Called on every app start and by `samplan init`, so the common case — already at head — is
answered by one small query against alembic_version, without loading Alembic's environment.

Several app processes may start together on an old database (docs/deploy.md, issue 22): the
upgrade then runs once. The first process takes a lock that spans processes — a PostgreSQL
session advisory lock, or on SQLite an exclusive flock on `<database>.migrate-lock` beside the
file — migrates, and lets go; the others wait for it, look again, find the database at head and
go on (tests/reliability/test_migrate_once.py starts two real processes together).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from models import db, settings
from models.settings import PROJECT_ROOT

ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"

# Two Streamlit sessions starting at once must not both run the same migration.
_upgrade_lock = threading.Lock()
# pg_advisory_lock key for migrating (any fixed 64-bit number, not models.users' first-admin key).
_MIGRATE_LOCK = 7_302_215_522_022_026
logger = logging.getLogger("samplan.migrate")


def normalise_url(url: str) -> str:
    """psycopg 3 is the PostgreSQL driver we ship; accept the common short spellings too."""
    for short in ("postgresql://", "postgres://"):
        if url.startswith(short):
            return "postgresql+psycopg://" + url.removeprefix(short)
    return url


def _resolve(url: str | None) -> str:
    if url is None:
        url = settings.database_url()
    return normalise_url(url)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config with absolute paths; `url` (if given) is passed to migrations/env.py."""
    config = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.exists() else Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["configure_logger"] = False
    if url is not None:
        config.attributes["url"] = normalise_url(url)
    return config


@cache
def head_revisions() -> tuple[str, ...]:
    """The head revision(s) of migrations/versions (read once per process: files do not change)."""
    script = ScriptDirectory.from_config(alembic_config())
    return tuple(sorted(script.get_heads()))


def current_revisions(url: str | None = None) -> tuple[str, ...]:
    """The revision(s) the database is at; empty for a database Alembic has never touched."""
    with db.get_engine(_resolve(url)).connect() as connection:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def current_revision(url: str | None = None) -> str | None:
    """The single revision the database is at, or None for an empty database."""
    heads = current_revisions(url)
    return heads[0] if heads else None


def is_up_to_date(url: str | None = None) -> bool:
    return current_revisions(url) == head_revisions()


def upgrade_database(url: str | None = None) -> bool:
    """`alembic upgrade heads` for `url` (default: SAMPLAN_DATABASE_URL / the SQLite file), once
    across threads and processes; True when this call migrated, False when it was already done.
    "heads", not "head": on a branch where two migrations were written side by side (before they
    are chained; tests/test_migrations.py insists on one head for a release) the app still starts."""
    resolved = _resolve(url)
    if is_up_to_date(resolved):
        return False
    with _upgrade_lock, _across_processes(resolved):
        before = current_revisions(resolved)
        if before == head_revisions():
            logger.info("database already migrated (by another process or thread) while this one waited")
            return False
        _refuse_unversioned_schema(resolved)
        logger.info("migrating database from %s to %s", ",".join(before) or "empty",
                    ",".join(head_revisions()))
        command.upgrade(alembic_config(resolved), "heads")
        return True


@contextlib.contextmanager
def _across_processes(url: str) -> Iterator[None]:
    """Hold the migration lock every Samplan process on this database takes (blocking)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        with db.get_engine(url).connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATE_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATE_LOCK})
        return
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:") or database.startswith("file:"):
        yield  # an in-memory database lives in one process: the thread lock is enough
        return
    lock_path = Path(database).resolve().with_name(Path(database).name + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _refuse_unversioned_schema(url: str) -> None:
    """A database with our tables but no alembic_version was made by create_all (tests, old dev
    copies); migrating it would fail half-way on "table already exists", so say so up front."""
    if current_revisions(url):
        return
    with db.get_engine(url).connect() as connection:
        existing = set(inspect(connection).get_table_names())
    if existing & {"citizen", "user_account", "department"}:
        raise RuntimeError(
            f"{db.get_engine(url).url.render_as_string(hide_password=True)} has Samplan tables but no "
            "Alembic version. If its schema is current, mark it with `alembic -x url=... stamp head`; "
            "a development copy can simply be deleted."
        )


def downgrade_database(url: str | None, revision: str) -> None:
    """`alembic downgrade REVISION` (tests and careful manual repairs only)."""
    command.downgrade(alembic_config(_resolve(url)), revision)
