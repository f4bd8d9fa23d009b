"""Two app processes starting together on an old database migrate it once (issue 22, point 5).

Two real Python processes (not threads: the lock must span processes) are started on a database
a few migrations behind, wait until both are ready, and then call models.migrate.upgrade_database
at the same moment, as two `samplan@` units starting together do (docs/deploy.md). Exactly one
reports that it migrated; the other waited for it and found the database at head; both exit 0
(without the lock the second one fails on "table already exists" or a duplicate version row).
On SQLite the lock is a flock beside the file; on PostgreSQL (make test-postgres) an advisory lock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models import db, migrate

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ADMIN_URL = os.environ.get("SAMPLAN_TEST_POSTGRES_URL", "").strip()
STEPS_BEHIND = 4  # enough migrations to keep the first process busy while the second arrives
START_TIMEOUT = 120.0

CHILD = """
import json, sys, time
from pathlib import Path
from models import migrate
url, workdir, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
migrate.head_revisions()  # read the scripts before the start, as a process does at import
(workdir / f"ready-{name}").touch()
while not (workdir / "go").exists():
    time.sleep(0.005)
old = not migrate.is_up_to_date(url)
began = time.monotonic()
migrated = migrate.upgrade_database(url)
print(json.dumps({"old_at_start": old, "migrated": migrated, "ended": time.monotonic(), "began": began}))
"""


@pytest.fixture
def old_url(tmp_path: Path) -> Iterator[str]:
    """A database STEPS_BEHIND migrations behind the newest (SQLite, or PostgreSQL in CI's second run)."""
    if POSTGRES_ADMIN_URL:
        admin_url = make_url(POSTGRES_ADMIN_URL).set(drivername="postgresql+psycopg")
        name = f"samplan_migrate_once_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path}/old.db"
    script = ScriptDirectory.from_config(migrate.alembic_config())
    revision = script.get_revision(migrate.head_revisions()[0])
    for _ in range(STEPS_BEHIND):
        revision = script.get_revision(revision.down_revision)
    command.upgrade(migrate.alembic_config(url), revision.revision)
    db.dispose_engines()
    yield url
    db.dispose_engines()
    if POSTGRES_ADMIN_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_two_processes_starting_together_on_an_old_database_migrate_it_once(old_url: str,
                                                                         tmp_path: Path) -> None:
    assert not migrate.is_up_to_date(old_url)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, old_url, str(tmp_path), name], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]  # fmt: skip
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not all((tmp_path / f"ready-{n}").exists() for n in ("a", "b")):
            assert all(c.poll() is None for c in children), [c.communicate() for c in children]
            assert time.monotonic() < deadline, "the processes did not get ready"
            time.sleep(0.01)
        (tmp_path / "go").touch()
        outputs = [c.communicate(timeout=START_TIMEOUT) for c in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert [c.returncode for c in children] == [0, 0], outputs
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert all(r["old_at_start"] for r in results), results  # both really started on the old schema
    assert sorted(r["migrated"] for r in results) == [False, True], results
    winner = next(r for r in results if r["migrated"])
    waiter = next(r for r in results if not r["migrated"])
    assert waiter["ended"] >= winner["ended"] - 0.05, results  # it waited for the migration to end
    assert migrate.is_up_to_date(old_url)
