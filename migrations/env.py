"""Alembic environment for Samplan.

Where the database comes from, first match wins:
1. a SQLAlchemy Connection in `config.attributes["connection"]` (tests, programmatic use);
2. a URL in `config.attributes["url"]` (models/migrate.py) or `alembic -x url=...`;
3. SAMPLAN_DATABASE_URL / the default SQLite file (models.settings.database_url()).

Connections come from models.db.get_engine(), so the SQLite pragmas and the real BEGIN of
the app apply here too. Because that engine issues a real BEGIN, SQLite runs the whole
upgrade in one transaction, like PostgreSQL: a failed migration leaves nothing half done.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers every table on SQLModel.metadata)
from models import db, settings
from models.migrate import normalise_url

config = context.config

# Configure logging from alembic.ini only for the command line: inside the app (or pytest)
# fileConfig would replace the host's logging setup.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata
log = logging.getLogger("alembic.env")


def _database_url() -> str:
    url = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        url = settings.database_url()
    return normalise_url(url)


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render SQLModel's column types (AutoString, UTCDateTime) as the SQLAlchemy type they store.

    AutoString(200) becomes sa.String(length=200), UTCDateTime() sa.DateTime(timezone=True):
    a revision then means the same schema whatever sqlmodel version reads it later.
    """
    if type_ == "type" and isinstance(obj, TypeDecorator) and type(obj).__module__.startswith("sqlmodel"):
        return f"sa.{obj.impl_instance!r}"
    return False


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        # Our SQLite engine really begins a transaction (see models/db.py), so DDL is
        # transactional there too.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sqlite(connection: Connection) -> None:
    """SQLite batch mode copies tables; foreign keys must be off meanwhile, then checked.

    PRAGMA foreign_keys is ignored inside a transaction, so it goes to the driver connection
    before SQLAlchemy's autobegin (models/db.py leaves the driver in autocommit mode).
    """
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        _configure_and_run(connection)
        if connection.in_transaction():
            connection.commit()
        broken = driver.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"Migration left rows with broken foreign keys: {broken[:10]}")
    finally:
        # The connection goes back to the app's pool: it must enforce foreign keys again.
        if connection.in_transaction():
            connection.rollback()
        driver.execute("PRAGMA foreign_keys=ON")


def run_migrations_online() -> None:
    given: Connection | None = config.attributes.get("connection")
    if given is not None:
        _configure_and_run(given)
        return
    engine = db.get_engine(_database_url())
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_sqlite(connection)
        else:
            _configure_and_run(connection)
            if connection.in_transaction():
                connection.commit()


def run_migrations_offline() -> None:
    """`alembic upgrade head --sql`: print the SQL instead of running it (for a DBA to review)."""
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
