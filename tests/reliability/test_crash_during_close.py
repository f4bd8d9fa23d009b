"""Crashes (issue 8, point 3): `kill -9` of a process in the middle of closing a meeting.

Closing a meeting (models.meeting_mode.close_meeting) writes in one transaction: the meeting is
held, the next meeting is made as a draft, and an immutable plan version is stored. A forked
child process closes the meeting on its own copy of a SQLite file; a SQLAlchemy event in the
child tells the parent, through a pipe, when it is about to run statement n of the transaction
(or about to COMMIT, or has returned from it) and then waits; the parent sends SIGKILL at that
moment. 25 kills spread over every statement of the transaction, the COMMIT and after it.
After each kill: `PRAGMA integrity_check` is ok, and the close is all there or not there at all
(the meeting held AND its plan version AND the next draft, or none of them); killed before the
COMMIT it is none, after it all. On SQLite each kill gets a copy of the file; on PostgreSQL a
copy of the database (CREATE DATABASE ... TEMPLATE), and the server's own consistency stands in
for integrity_check (the client dies, the server rolls its transaction back).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from models import db
from models.access import Actor
from models.db import session_scope
from models.meeting_mode import close_meeting
from models.tables import utcnow
from tests.factories import (
    make_action,
    make_citizen,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_score,
    make_user,
)

KILLS = 25
COMMIT, AFTER_COMMIT = -1, -2


@pytest.fixture
def template(db_url, tmp_path):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        leader = make_person(s, citizen=citizen, user=user, department="Jobcenter")
        mother = make_person(s, citizen=citizen, name="Lone", kind="private", relation="mor")
        make_membership(s, citizen=citizen, user=user, person=leader)
        start = utcnow().replace(microsecond=0) - timedelta(minutes=50)
        meeting = make_meeting(s, citizen=citizen, status="in_progress", starts_at=start, leader=leader,
                               participants=(leader, mother), citizen_present=True,
                               decisions=("Ditte får en mentor.",))  # fmt: skip
        meeting.citizen_agrees = True
        goal = make_goal(s, citizen=citizen)
        make_score(s, goal=goal, meeting=meeting, score=6)
        for n in range(3):
            make_action(s, citizen=citizen, goal=goal, owner=leader, agreed_at=meeting, text=f"Aftale {n}")
        ids = (Actor.from_user(user), meeting.id, citizen.id)
    db.dispose_engines()
    if db_url.startswith("sqlite"):
        path = db_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db_url, ids


def _copy(url: str, tmp_path, number: int) -> str:
    """A fresh copy of the template database for one kill."""
    if url.startswith("sqlite"):
        copy = str(tmp_path / f"crash-{number}.db")
        shutil.copy(url.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}"
    parsed = make_url(url)
    name = f"{parsed.database}_crash_{number}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _close_in_child(url: str, actor: Actor, meeting_id: int, kill_at: int, report: int, hold: int) -> None:
    """The child: close the meeting; stop at the chosen moment, tell the parent, wait to be killed."""
    counter = {"n": 0}

    def stop(stage: int) -> None:
        os.write(report, f"{stage}\n".encode())
        os.read(hold, 1)  # blocks: the parent answers with SIGKILL

    engine = db.get_engine(url)

    @event.listens_for(engine, "before_cursor_execute")
    def _statement(*_args: object) -> None:
        counter["n"] += 1
        if counter["n"] == kill_at:
            stop(kill_at)

    @event.listens_for(engine, "commit")
    def _commit(*_args: object) -> None:
        os.write(report, f"statements {counter['n']}\n".encode())
        if kill_at == COMMIT:
            stop(COMMIT)

    with session_scope(write=True, url=url) as session:
        close_meeting(session=session, actor=actor, meeting_id=meeting_id)
    stop(AFTER_COMMIT)  # the commit returned: a page may now say "saved"


def _run_once(url: str, actor: Actor, meeting_id: int, kill_at: int) -> tuple[str, int | None]:
    report_r, report_w = os.pipe()
    hold_r, hold_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover — the child never returns
        try:
            os.close(report_r)
            _close_in_child(url, actor, meeting_id, kill_at, report_w, hold_r)
        finally:
            os._exit(0)
    os.close(report_w)
    lines, statements = [], None
    with os.fdopen(report_r) as reader:
        for line in reader:
            if line.startswith("statements"):
                statements = int(line.split()[1])
                continue
            lines.append(line.strip())
            os.kill(pid, signal.SIGKILL)  # kill -9 at the moment the child reported
            break
    _, status = os.waitpid(pid, 0)
    os.close(hold_r)
    os.close(hold_w)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (kill_at, lines, status)
    return (lines[0] if lines else "none"), statements


def _state(url: str, meeting_id: int, citizen_id: int) -> tuple[str, bool, bool, bool]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        if url.startswith("sqlite"):
            integrity = connection.execute(text("PRAGMA integrity_check")).scalar()
        else:  # the server survived its client's death and answers: its own WAL keeps it whole
            integrity = "ok" if connection.execute(text("SELECT 1")).scalar() == 1 else "broken"
        status = connection.execute(
            text("SELECT status FROM meeting WHERE id = :m"), {"m": meeting_id}
        ).scalar()
        version = connection.execute(
            text("SELECT count(*) FROM plan_version WHERE meeting_id = :m"), {"m": meeting_id}
        ).scalar()
        draft = connection.execute(
            text("SELECT count(*) FROM meeting WHERE citizen_id = :c AND status = 'draft'"), {"c": citizen_id}
        ).scalar()
    engine.dispose()
    return integrity, status == "held", version == 1, draft == 1


def test_kill_9_while_closing_a_meeting_never_leaves_a_half_saved_plan(template, tmp_path):
    path, (actor, meeting_id, citizen_id) = template
    # A dry run (killed after its commit) counts the statements of the close transaction.
    probe = _copy(path, tmp_path, 99)
    _, total = _run_once(probe, actor, meeting_id, AFTER_COMMIT)
    _drop(probe)
    assert total and total > 5
    # 23 moments spread over every statement from the first to the last, then COMMIT and after.
    points = sorted({1 + round(k * (total - 1) / (KILLS - 3)) for k in range(KILLS - 2)})
    points += [COMMIT, AFTER_COMMIT]
    while len(points) < KILLS:  # fewer distinct statements than kills: repeat the middle ones
        points.insert(-2, points[len(points) // 2])
    tally = {"before BEGIN": 0, "mid-transaction": 0, "at COMMIT": 0, "after COMMIT": 0}
    for number, kill_at in enumerate(points):
        copy = _copy(path, tmp_path, number)
        stage, _ = _run_once(copy, actor, meeting_id, kill_at)
        assert stage == str(kill_at)  # the kill landed exactly where it was aimed
        integrity, held, version, draft = _state(copy, meeting_id, citizen_id)
        _drop(copy)
        assert integrity == "ok", (kill_at, integrity)
        assert held == version == draft, f"half-saved close after a kill at {kill_at}"
        if kill_at == AFTER_COMMIT:
            assert held, "the commit returned, so the close must be there"
            tally["after COMMIT"] += 1
        elif kill_at == COMMIT:
            tally["at COMMIT"] += 1  # not yet committed: nothing may be there
            assert not held
        else:
            tally["mid-transaction" if kill_at > 1 else "before BEGIN"] += 1  # statement 1 is the BEGIN
            assert not held
    assert sum(tally.values()) == KILLS
    print(f"kill -9 during close: {KILLS} kills, {total} statements per close, {tally}")
