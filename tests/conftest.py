"""Shared fixtures: a fresh, real database for every test.

SQLite (default): a temporary file per test. PostgreSQL (CI's second run): set
SAMPLAN_TEST_POSTGRES_URL to a server's admin URL; each xdist worker gets a database of its
own and every test starts from empty tables. No mocks of the database anywhere.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from models import db
from models.i18n import catalogue

POSTGRES_ADMIN_URL = os.environ.get("SAMPLAN_TEST_POSTGRES_URL", "").strip()


def _create_at_head(url: str) -> None:
    """create_all (fast) plus the alembic_version row, so the app sees a current schema;
    tests/test_migrations.py proves the migrated schema equals the models."""
    from models.migrate import head_revisions

    engine = db.get_engine(url)
    db.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(text("DELETE FROM alembic_version"))
        for head in head_revisions():
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})


def _worker_name() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def _postgres_worker_url() -> Iterator[str | None]:
    if not POSTGRES_ADMIN_URL:
        yield None
        return
    from sqlalchemy import create_engine

    admin_url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg")
    name = f"samplan_test_{_worker_name()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    _create_at_head(url)
    yield url
    db.dispose_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db_url(
    tmp_path: os.PathLike, monkeypatch: pytest.MonkeyPatch, _postgres_worker_url: str | None
) -> Iterator[str]:
    """The URL of an empty, fully created database; also set as SAMPLAN_DATABASE_URL."""
    if _postgres_worker_url:
        url = _postgres_worker_url
        engine = db.get_engine(url)
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        url = f"sqlite:///{tmp_path}/samplan-test.db"
        _create_at_head(url)
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", url)
    yield url
    if not _postgres_worker_url:
        engine = db._engines.pop(url, None)
        if engine is not None:
            engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Engine:
    return db.get_engine(db_url)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A plain session for arranging and checking data; domain calls open their own."""
    with Session(engine, expire_on_commit=False) as s:
        yield s


# The longest tests that use no browser (seconds alone on a quiet machine, Dec 2026). pytest-xdist
# hands tests out in collection order, where these came last (top-level files, reliability/): a
# worker still running one of them at the end left the other idle for up to ~25 s. Run first,
# they overlap with the other worker's tests instead. (The benchmark harness's tests may run in
# any order beside the browser tests: bench.browser.run_to_end and the meter's `not_ours`.)
SLOW_FIRST = (
    "tests/reliability/test_concurrent_saves.py::test_sixteen_threads_lose_no_update_and_hit_no_lock",  # 27
    "tests/test_cli.py::test_init_user_import_export_backup_journey",  # 26
    "tests/test_readme_commands.py::test_the_readme_samplan_block_runs_top_to_bottom",  # 20
    "tests/reliability/test_conflicting_edits.py::test_a_thousand_conflicting_saves_are_all_refused",  # 15
)


@pytest.hookimpl(trylast=True)  # after pytest has grouped the tests by their session fixtures
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slow tests of SLOW_FIRST first (keeping every other test's order); on PostgreSQL, only
    the tests that can reach the server (below)."""
    first = [item for item in items if item.nodeid.startswith(SLOW_FIRST)]
    if first:
        items[:] = first + [item for item in items if item not in first]
    _keep_tests_that_reach_postgres(config, items)


def _keep_tests_that_reach_postgres(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL run runs the tests that can reach its server, not the whole suite again.

    Why: the second run (make test-postgres) exists to run every test that touches the database on
    PostgreSQL. A test reaches the server only through the `_postgres_worker_url` fixture (db_url,
    engine, session and every fixture built on them) or by reading the server's admin URL itself
    (the migration, backup, concurrency and README-command tests); the others (pure rules,
    documents from given data, the architecture and locale scans, the CLI on its own SQLite files)
    would run exactly as in the SQLite run (about 800 of 1,930 tests in Dec 2026: minutes of CI).
    """
    if not POSTGRES_ADMIN_URL:
        return
    reads_the_url: dict[Path, bool] = {}
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        path = Path(str(item.path))
        if path not in reads_the_url:
            source = path.read_text(encoding="utf-8")
            reads_the_url[path] = "POSTGRES_ADMIN_URL" in source or "SAMPLAN_TEST_POSTGRES_URL" in source
        uses_the_server = "_postgres_worker_url" in getattr(item, "fixturenames", ())
        (kept if uses_the_server or reads_the_url[path] else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True)
def _fresh_catalogue() -> Iterator[None]:
    yield
    catalogue.cache_clear()
