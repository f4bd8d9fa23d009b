"""Two `samplan remind` runs at once send each notice once (issue 21). Runs on SQLite and, with
SAMPLAN_TEST_POSTGRES_URL, on PostgreSQL.

Two real processes of the real command, started together against one database and one real SMTP
server that takes 30 ms per mail, so both are recording and then sending at the same time: each
owner gets exactly one mail, every notice is marked sent once, the send log has one line per
mail. (The ledger's unique key and the claim's conditional UPDATE are what make it so:
models/reminders_ledger.py.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from models.db import session_scope
from models.tables import MailLog, ReminderNotice, ReminderPreference, today
from tests.factories import make_action, make_citizen, make_membership, make_person, make_user
from tests.remind_fixtures import point_at
from tests.smtp_server import smtp_server

OWNERS = 24
ROOT = Path(__file__).resolve().parents[2]


def _arrange() -> None:
    day = today()
    with session_scope(write=True) as s:
        citizen = make_citizen(s)
        for n in range(OWNERS):
            user = make_user(s, username=f"owner{n}", email=f"owner{n}@kommune.example")
            s.add(ReminderPreference(user_id=user.id, escalation=False))
            person = make_person(s, citizen=citizen, name=f"Ejer {n}", user=user)
            make_membership(s, citizen=citizen, user=user, person=person)
            make_action(s, citizen=citizen, owner=person, due_on=day + timedelta(days=1))
            make_action(s, citizen=citizen, owner=person, due_on=day - timedelta(days=2))


def test_two_runs_at_once_send_every_notice_once(db_url):
    _arrange()
    with smtp_server() as (server, port):
        server.delay = 0.03
        point_at(port)
        env = {**os.environ, "SAMPLAN_DATABASE_URL": db_url, "SAMPLAN_LANG": "en"}
        command = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main(['remind']))"]
        runs = [
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        received = Counter(message["To"] for message in server.messages)
    assert received == Counter({f"owner{n}@kommune.example": 1 for n in range(OWNERS)}), outputs
    with session_scope() as s:
        statuses = Counter(
            s.execute(select(ReminderNotice.status).where(ReminderNotice.kind != "marker")).scalars()
        )
        logged = s.execute(select(func.count()).select_from(MailLog)).scalar_one()
    assert statuses == Counter({"sent": 2 * OWNERS}) and logged == OWNERS
    # What the two runs say they sent adds up to one mail per owner.
    sent = [int(out.split(",")[1].split()[0]) if out else 0 for out, _ in outputs]
    assert sum(sent) == OWNERS, outputs


def test_a_run_killed_mid_way_loses_nothing(db_url):
    """kill -9 while mails are going out; when its claims have run out (10 minutes, here moved
    back by hand), the next run sends the rest: every owner has the mail, at most the one in
    flight at the kill twice."""
    import signal
    import time

    from sqlalchemy import update

    from models.reminders import run_reminders
    from models.tables import utcnow

    _arrange()
    with smtp_server() as (server, port):
        server.delay = 0.1
        point_at(port)
        env = {**os.environ, "SAMPLAN_DATABASE_URL": db_url}
        command = [sys.executable, "-c", "import sys, cli; sys.exit(cli.main(['remind']))"]
        run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(server.messages) < 3 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.05)  # the run is sending: wait for a few mails, then kill it mid-way
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        sent_before = len(server.messages)
        assert 3 <= sent_before < OWNERS
        with session_scope(write=True) as s:  # ten minutes later: the killed run's claims ran out
            s.execute(update(ReminderNotice).values(claimed_until=utcnow() - timedelta(minutes=1)))
        run_reminders()
        received = Counter(message["To"] for message in server.messages)
    assert set(received) == {f"owner{n}@kommune.example" for n in range(OWNERS)}
    assert sum(received.values()) - OWNERS <= 1, received
    with session_scope() as s:
        pending = s.execute(
            select(func.count())
            .select_from(ReminderNotice)
            .where(ReminderNotice.status != "sent", ReminderNotice.kind != "marker")
        )
        assert pending.scalar_one() == 0
