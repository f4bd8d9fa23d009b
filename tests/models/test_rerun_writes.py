"""The read path writes little (issue 16, targets 2 and 3).

- resume_login_session, which every rerun of every tab calls, touches last_seen_at at most once a
  minute and otherwise writes nothing; an ended or timed-out login still ends on its next request.
- An audited read writes its audit rows at the end of its session, in one INSERT, in a write
  transaction with nothing else inside it (the reads ran before, on the read snapshot).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from models.access import Actor, pending_audits, write_audit
from models.db import get_engine, session_scope
from models.plans import load_joint_plan
from models.tables import AuditEvent, LoginSession, utcnow
from models.users import (
    ABSOLUTE_TIMEOUT,
    IDLE_TIMEOUT,
    TOUCH_INTERVAL,
    _token_hash,
    resume_login_session,
    start_login_session,
)
from tests.factories import make_citizen, make_membership, make_user
from tests.write_transactions import count_write_transactions

AUDIT_INSERT = "INSERT INTO audit_event "


@pytest.fixture
def login(db_url: str) -> tuple[str, Actor, datetime]:
    """A token, its actor and the moment the login was last seen (it started then)."""
    with session_scope(write=True) as s:
        actor = Actor.from_user(make_user(s, username="rasmus"))
    with session_scope(write=True) as s:
        token = start_login_session(session=s, actor=actor)
    return token, actor, _row(token).last_seen_at


def _row(token: str) -> LoginSession:
    with session_scope() as s:
        mine = select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        return s.execute(mine).scalar_one()


def _resume(db_url: str, token: str, now: datetime, *, write: bool = True) -> tuple[Actor | None, Any]:
    """resume_login_session in a read session, as ui.context does, with its write transactions."""
    with count_write_transactions(get_engine(db_url)) as log, session_scope() as s:
        actor = resume_login_session(session=s, token=token, now=now, write=write)
    return actor, log


@pytest.mark.parametrize("later", [timedelta(0), timedelta(seconds=1), TOUCH_INTERVAL - timedelta(seconds=1)])
def test_a_rerun_within_the_minute_writes_nothing(db_url, login, later):
    token, actor, start = login
    found, log = _resume(db_url, token, start + later)
    assert found == actor
    assert len(log) == 0, log.describe()
    assert _row(token).last_seen_at == start


def test_after_a_minute_the_login_is_touched_once(db_url, login):
    token, actor, start = login
    now = start + TOUCH_INTERVAL + timedelta(seconds=1)
    found, log = _resume(db_url, token, now)
    assert found == actor
    assert len(log) == 1, log.describe()
    (touch,) = log.transactions[0].statements  # one short UPDATE, nothing else under the lock
    assert touch.startswith("UPDATE login_session SET last_seen_at")
    assert _row(token).last_seen_at == now
    # the next rerun, a few seconds on, counts from the touch: nothing to write
    found, log = _resume(db_url, token, now + timedelta(seconds=5))
    assert found == actor and len(log) == 0


@pytest.mark.parametrize(
    ("idle", "total"),
    [
        (IDLE_TIMEOUT + timedelta(seconds=1), IDLE_TIMEOUT + timedelta(seconds=1)),  # idle for 30 min
        (timedelta(seconds=30), ABSOLUTE_TIMEOUT + timedelta(seconds=1)),  # touched 30 s ago, but 12 h old
    ],
    ids=["idle", "absolute"],
)
def test_a_timed_out_login_ends_on_its_next_request_and_stays_ended(db_url, login, idle, total):
    token, _, start = login
    with session_scope(write=True) as s:
        s.execute(update(LoginSession).values(created_at=start - total, last_seen_at=start - idle))
    # A database that cannot be written decides the same, and writes nothing.
    found, log = _resume(db_url, token, start, write=False)
    assert found is None and len(log) == 0 and _row(token).ended_at is None
    found, log = _resume(db_url, token, start)
    assert found is None
    assert len(log) == 1, log.describe()
    (ending,) = log.transactions[0].statements
    assert ending.startswith("UPDATE login_session SET ended_at")
    assert _row(token).ended_at is not None
    found, log = _resume(db_url, token, start + timedelta(seconds=1))
    assert found is None and len(log) == 0


def test_just_inside_both_limits_the_login_lives(db_url, login):
    token, actor, start = login
    with session_scope(write=True) as s:
        s.execute(update(LoginSession).values(
            created_at=start - ABSOLUTE_TIMEOUT + timedelta(seconds=5),
            last_seen_at=start - IDLE_TIMEOUT + timedelta(seconds=5),
        ))
    found, _ = _resume(db_url, token, start)
    assert found == actor
    assert _row(token).last_seen_at == start  # and the request counts as activity


THREADS = 20


def test_many_tabs_finding_the_touch_due_at_once_write_it_once(db_url, login):
    """20 tabs of one login rerun at the same moment, a minute after the last touch: all are let
    in, and one UPDATE changes the row (the others' WHERE last_seen_at < ... matches nothing)."""
    token, actor, start = login
    now = start + TOUCH_INTERVAL + timedelta(seconds=1)
    engine = get_engine(db_url)
    changed: list[int] = []

    def _after(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().startswith("UPDATE login_session"):
            changed.append(cursor.rowcount)

    barrier = threading.Barrier(THREADS)
    results: list[Actor | None] = []
    errors: list[BaseException] = []

    def tab() -> None:
        try:
            barrier.wait()
            with session_scope() as s:
                results.append(resume_login_session(session=s, token=token, now=now))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    event.listen(engine, "after_cursor_execute", _after)
    try:
        threads = [threading.Thread(target=tab) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        event.remove(engine, "after_cursor_execute", _after)
    assert not errors, errors
    assert results == [actor] * THREADS
    assert sum(changed) == 1, changed
    assert _row(token).last_seen_at == now


# --- audit rows of a read ----------------------------------------------------------------------


@pytest.fixture
def team(db_url: str) -> tuple[Actor, int]:
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s, name="Ditte Mikkelsen")
        make_membership(s, citizen=citizen, user=user)
        return Actor.from_user(user), citizen.id


def _audit_count() -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def test_a_read_writes_its_audit_row_after_reading_in_one_short_write(db_url, team):
    actor, citizen_id = team
    with count_write_transactions(get_engine(db_url)) as log, session_scope() as s:
        plan = load_joint_plan(session=s, actor=actor, citizen_id=citizen_id)
        assert [row["action"] for row in pending_audits(s)] == ["plan.read"]
        assert _audit_count() == 0  # not written yet, and nothing locked while the plan is read
    assert plan.citizen.name == "Ditte Mikkelsen"
    assert len(log) == 1
    assert [s.startswith(AUDIT_INSERT) for s in log.transactions[0].statements] == [True], log.describe()
    with session_scope() as s:
        row = s.execute(select(AuditEvent)).scalar_one()
    assert (row.user_id, row.citizen_id, row.action, row.outcome) == \
        (actor.user_id, citizen_id, "plan.read", "ok")


def test_several_audited_reads_in_one_session_are_one_insert(db_url, team):
    actor, citizen_id = team
    with count_write_transactions(get_engine(db_url)) as log, session_scope() as s:
        load_joint_plan(session=s, actor=actor, citizen_id=citizen_id)
        write_audit(s, actor=actor, action="audit.read", citizen_id=citizen_id)
    assert len(log) == 1 and len(log.transactions[0].statements) == 1, log.describe()
    assert _audit_count() == 2


def test_work_that_is_rolled_back_leaves_no_audit_row_of_it(db_url, team):
    actor, citizen_id = team
    with pytest.raises(RuntimeError), session_scope() as s:
        write_audit(s, actor=actor, action="plan.read", citizen_id=citizen_id)
        raise RuntimeError("the page broke before showing anything")
    assert _audit_count() == 0


def test_the_audit_row_keeps_the_moment_of_the_read(db_url, team):
    actor, citizen_id = team
    with session_scope() as s:
        write_audit(s, actor=actor, action="plan.read", citizen_id=citizen_id)
        read_at = pending_audits(s)[0]["at"]
    assert utcnow() - read_at < timedelta(minutes=1)
    with session_scope() as s:
        assert s.execute(select(AuditEvent.at)).scalar_one() == read_at
