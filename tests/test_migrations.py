"""The Alembic migrations build exactly the schema the models describe.

Runs on a temporary SQLite file and, when SAMPLAN_TEST_POSTGRES_URL is set, on a scratch
PostgreSQL database. When a test here fails after you changed models/tables.py, add a
migration: `make migration m="what changed"`, review the file, run the tests again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables)
from models import db, migrate

POSTGRES_ADMIN_URL = os.environ.get("SAMPLAN_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_ADMIN_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with nothing in it — not even alembic_version."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/migrations.db"
        yield url
        engine = db._engines.pop(url, None)
        if engine is not None:
            engine.dispose()
        return
    admin_url = make_url(migrate.normalise_url(POSTGRES_ADMIN_URL))
    name = f"samplan_migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    yield url
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def differences(url: str) -> list:
    with db.get_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def table_names(url: str) -> set[str]:
    with db.get_engine(url).connect() as connection:
        return set(inspect(connection).get_table_names())


def test_there_is_exactly_one_head() -> None:
    # Two engineers adding a migration on the same parent makes two heads; `alembic merge
    # heads` (or re-pointing one down_revision) fixes it before anything is released.
    assert len(migrate.head_revisions()) == 1, migrate.head_revisions()


def test_upgrade_from_empty_builds_the_models_schema(empty_url: str) -> None:
    migrate.upgrade_database(empty_url)

    assert migrate.current_revisions(empty_url) == migrate.head_revisions()
    assert table_names(empty_url) == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert differences(empty_url) == []


def test_the_citizen_contact_person_foreign_key_exists(empty_url: str) -> None:
    # It is added after both tables exist (a cycle); forgetting it would go unnoticed in use.
    migrate.upgrade_database(empty_url)
    with db.get_engine(empty_url).connect() as connection:
        keys = inspect(connection).get_foreign_keys("citizen")
    assert [(k["constrained_columns"], k["referred_table"], k["referred_columns"]) for k in keys] == [
        (["contact_person_id"], "person", ["id"])
    ]


def test_the_comparison_notices_a_schema_that_differs(empty_url: str) -> None:
    # Guards the check above against passing vacuously (e.g. an empty target metadata).
    migrate.upgrade_database(empty_url)
    with db.get_engine(empty_url).begin() as connection:
        connection.execute(text("DROP INDEX ix_audit_event_at"))
    assert [diff[0] for diff in differences(empty_url)] == ["add_index"]


def test_downgrade_to_base_then_upgrade_again(empty_url: str) -> None:
    migrate.upgrade_database(empty_url)
    migrate.downgrade_database(empty_url, "base")
    assert migrate.current_revision(empty_url) is None
    assert table_names(empty_url) <= {"alembic_version"}

    migrate.upgrade_database(empty_url)
    assert differences(empty_url) == []


def test_every_revision_goes_up_down_and_up_again(empty_url: str) -> None:
    """The 'stairway': each migration's downgrade undoes exactly its upgrade."""
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revisions = list(reversed(list(script.walk_revisions("base", "heads"))))
    config = migrate.alembic_config(empty_url)
    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, revision.down_revision or "base")
        command.upgrade(config, revision.revision)
        assert migrate.current_revision(empty_url) == revision.revision
    assert differences(empty_url) == []


def test_upgrade_on_a_current_database_does_not_run_alembic(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app calls upgrade_database on every start; at head it must only read alembic_version.
    migrate.upgrade_database(empty_url)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("alembic upgrade ran on a database already at head")

    monkeypatch.setattr(command, "upgrade", refuse)
    migrate.upgrade_database(empty_url)


def test_upgrade_keeps_existing_rows(empty_url: str) -> None:
    migrate.upgrade_database(empty_url)
    with db.get_engine(empty_url).begin() as connection:
        connection.execute(text("INSERT INTO department (name, is_outside_body) VALUES ('Jobcenter', false)"))
    migrate.upgrade_database(empty_url)
    with db.get_engine(empty_url).connect() as connection:
        assert connection.execute(text("SELECT name FROM department")).scalars().all() == ["Jobcenter"]


def test_default_url_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/from-env.db"
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", url)
    try:
        migrate.upgrade_database()
        assert migrate.current_revisions(url) == migrate.head_revisions()
    finally:
        engine = db._engines.pop(url, None)
        if engine is not None:
            engine.dispose()


def test_the_alembic_command_line_works_from_another_directory(tmp_path: Path) -> None:
    root = Path(migrate.ALEMBIC_INI).parent
    url = f"sqlite:///{tmp_path}/cli.db"
    env = {k: v for k, v in os.environ.items() if k != "SAMPLAN_DATABASE_URL"}
    alembic = [sys.executable, "-m", "alembic", "-c", str(root / "alembic.ini"), "-x", f"url={url}"]

    subprocess.run([*alembic, "upgrade", "head"], cwd=tmp_path, env=env, check=True, capture_output=True)
    shown = subprocess.run(
        [*alembic, "current"], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
    )
    assert shown.stdout.split() == [migrate.head_revisions()[0], "(head)"]


def test_a_database_made_without_migrations_is_refused_with_advice(empty_url: str) -> None:
    # create_all (the unit-test fixture) leaves no alembic_version; upgrading would crash midway.
    db.create_all(db.get_engine(empty_url))
    with pytest.raises(RuntimeError, match="stamp head"):
        migrate.upgrade_database(empty_url)


def test_sqlite_connections_enforce_foreign_keys_again_after_migrating(tmp_path: Path) -> None:
    # Batch migrations switch foreign keys off on their connection, which then returns to the
    # app's pool: it must come back with them on.
    url = f"sqlite:///{tmp_path}/pragma.db"
    try:
        migrate.upgrade_database(url)
        engine = db.get_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert engine.pool.checkedin() == 1  # the very connection the migration used
    finally:
        engine = db._engines.pop(url, None)
        if engine is not None:
            engine.dispose()
