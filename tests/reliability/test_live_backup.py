"""Backup and restore (issue 8, point 11): `samplan backup` of a live database while writer
threads keep committing, then a restore into a fresh installation.

Four writers each commit numbered rows (departments "w<writer>-<n>", one per transaction) the
whole time. The backup must be one consistent moment: after restoring it into a new file,
PRAGMA integrity_check is ok, every table that nobody wrote to has all its rows, and each
writer's rows are an unbroken prefix 0..k-1 with k between what was committed before the
backup started and what was committed when it ended. SQLite: models.backup end to end;
PostgreSQL: pg_dump through the same function and pg_restore into a fresh database.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from models.backup import backup_database, find_pg_dump, restore_database
from models.db import session_scope
from models.tables import Department
from tests.factories import make_action, make_citizen, make_goal, make_person, make_user

WRITERS = 4
PATTERN = re.compile(r"^w(\d+)-(\d+)$")


def _committed() -> dict[int, int]:
    with session_scope() as s:
        names = s.execute(select(Department.name)).scalars().all()
    counts: dict[int, int] = defaultdict(int)
    for name in names:
        if match := PATTERN.match(name):
            counts[int(match[1])] += 1
    return counts


def _seed() -> None:
    with session_scope(write=True) as s:
        make_user(s, username="rasmus")
        for n in range(5):
            citizen = make_citizen(s, name=f"Borger {n}")
            person = make_person(s, citizen=citizen)
            make_action(s, citizen=citizen, owner=person, goal=make_goal(s, citizen=citizen))


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
                for t in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def _writer_prefixes(url: str) -> dict[int, list[int]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = connection.execute(text("SELECT name FROM department")).scalars().all()
    finally:
        engine.dispose()
    numbers: dict[int, list[int]] = defaultdict(list)
    for name in names:
        if match := PATTERN.match(name):
            numbers[int(match[1])].append(int(match[2]))
    return {writer: sorted(found) for writer, found in numbers.items()}


def _pg_restore(dump: Path, admin_url: str, name: str) -> str:
    program = str(Path(find_pg_dump()).with_name("pg_restore"))
    url = make_url(admin_url).set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    target = url.set(database=name)
    dsn = target.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = {"PGPASSWORD": str(target.password)} if target.password else {}
    subprocess.run([program, "--no-owner", f"--dbname={dsn}", str(dump)], check=True, capture_output=True,
                   env={**os.environ, **env})  # fmt: skip
    return target.render_as_string(hide_password=False)


def test_backup_while_writers_run_restores_a_consistent_moment(db_url, tmp_path):
    _seed()
    # The writers add departments; each commit also notes it for Overblik (overview_change).
    written = ("department", "audit_event", "overview_change")
    untouched = {name: n for name, n in _counts(db_url).items() if name not in written}
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        n = 0
        try:
            while not stop.is_set():
                with session_scope(write=True) as s:
                    s.add(Department(name=f"w{number}-{n}"))
                n += 1
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(WRITERS)]
    for thread in threads:
        thread.start()
    while min(_committed().get(k, 0) for k in range(WRITERS)) < 20:
        pass  # busy-wait on real commits, no sleeps: every writer is well under way
    before = _committed()
    target = backup_database(tmp_path / "backup.samplan", url=db_url)
    after = _committed()
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []

    if db_url.startswith("sqlite"):
        fresh = f"sqlite:///{tmp_path}/fresh/samplan.db"
        restore_database(target, url=fresh)
        engine = create_engine(fresh)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        engine.dispose()
    else:
        if shutil.which("pg_restore") is None and find_pg_dump() is None:
            pytest.fail("pg_dump/pg_restore not found")
        fresh = _pg_restore(target, db_url, "samplan_restored_backup")

    restored = _counts(fresh)
    for name, count in untouched.items():
        assert restored[name] == count, name  # every row of every table nobody wrote to
    prefixes = _writer_prefixes(fresh)
    for k in range(WRITERS):
        found = prefixes.get(k, [])
        assert found == list(range(len(found))), f"writer {k}: a gap, the backup is not one moment"
        assert before[k] <= len(found) <= after[k]
    print(
        f"live backup: {sum(len(p) for p in prefixes.values())} writer rows in the backup "
        f"(between {sum(before.values())} and {sum(after.values())} committed), integrity ok"
    )
