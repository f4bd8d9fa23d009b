"""Across the whole demo (issue 21): every kind of reminder mail, and not one of them holds a
goal's or an agreement's text or anyone's full name; and the coordinator's escalation says what
the coordinator's own view says (models.follow_up.coordinator_view), citizen by citizen."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from models.access import Actor
from models.db import session_scope
from models.demo import load_demo
from models.follow_up import coordinator_view
from models.reminders import run_reminders
from models.reminders_escalation import escalations
from models.tables import (
    COPENHAGEN,
    Action,
    Citizen,
    Decision,
    Goal,
    Meeting,
    Person,
    ReminderPreference,
    UnmetNeed,
    UserAccount,
    today,
)
from tests.remind_fixtures import point_at, text_of
from tests.smtp_server import smtp_server

DAYS = 7


def _private_words() -> set[str]:
    """Every text from the records a mail must never carry, and every full name."""
    with session_scope() as s:
        words = set(s.execute(select(Goal.own_words)).scalars())
        words |= set(s.execute(select(Action.text)).scalars())
        words |= set(s.execute(select(Decision.text)).scalars())
        words |= set(s.execute(select(UnmetNeed.text)).scalars())
        words |= set(s.execute(select(Citizen.name)).scalars())
        words |= set(s.execute(select(Person.name)).scalars())
        words |= set(s.execute(select(Meeting.place).where(Meeting.place.is_not(None))).scalars())
    return {w.strip() for w in words if w and len(w.strip()) >= 5}


def test_the_demo_data(db_url):
    """One demo load for both checks (loading it costs a few seconds)."""
    load_demo()
    the_escalation_says_what_the_coordinator_view_says()
    no_mail_carries_a_text_or_a_full_name()


def no_mail_carries_a_text_or_a_full_name() -> None:
    day = today()
    with session_scope(write=True) as s:
        users = list(s.execute(select(UserAccount).where(UserAccount.email.is_not(None))).scalars())
        # Every kind of mail: the first two a notice per agreement (one in English), the others a
        # weekly digest that is due now (every other one in English).
        for n, user in enumerate(sorted(users, key=lambda u: u.id)):
            s.add(
                ReminderPreference(
                    user_id=user.id,
                    mode="each" if n < 2 else "digest",
                    digest_weekday=day.weekday(),
                    digest_hour=7,
                    language="en" if n % 2 else "da",
                )
            )
        coming = s.execute(select(Meeting.id).where(Meeting.status == "planned")).scalars().all()
    now = datetime.combine(day, time(9), tzinfo=COPENHAGEN)
    with smtp_server() as (server, port):
        point_at(port)
        run_reminders(now=now)  # owners, digests, escalations; the confirmed meetings noted
        with session_scope(write=True) as s:  # then every confirmed meeting moves, half are cancelled
            for n, meeting in enumerate(s.execute(select(Meeting).where(Meeting.id.in_(coming))).scalars()):
                if n % 2:
                    meeting.status = "cancelled"
                else:
                    meeting.starts_at += timedelta(hours=1)
                meeting.version += 1
        run_reminders(now=now + timedelta(minutes=5))
        messages = list(server.messages)
    kinds = {m["Subject"] for m in messages}
    assert len(messages) >= 10 and coming
    for word in (
        "kræver din opmærksomhed",
        "ugen til og med",
        "kræver opfølgning",
        "flyttet",
        "aflyst",
        "need your attention",
    ):
        assert any(word in subject for subject in kinds), word
    private = _private_words()
    for message in messages:
        body = text_of(message)
        assert not [w for w in private if w in body], message["Subject"]


def the_escalation_says_what_the_coordinator_view_says() -> None:
    on = today()
    with session_scope() as s:
        admin = Actor.from_user(
            s.execute(select(UserAccount).where(UserAccount.role == "admin")).scalars().first()
        )
        found = escalations(s, on=on, overdue_days=DAYS)
        lines = {line.citizen_id: line for per_user in found.values() for line in per_user}
        coordinated = set(
            s.execute(
                select(Person.citizen_id).where(
                    Person.is_coordinator, Person.user_id.is_not(None), Person.removed_on.is_(None)
                )
            ).scalars()
        )
    assert len(lines) >= 5
    for citizen_id in sorted(coordinated):
        with session_scope() as s:
            view = coordinator_view(session=s, actor=admin, citizen_id=citizen_id, on=on)
        overdue = [i for i in view.attention if i.kind == "overdue_action" and i.days >= DAYS]
        consent = next((i.due_on for i in view.attention if i.kind == "consent_expiring"), None)
        meeting = next((i.due_on for i in view.attention if i.kind == "no_meeting"), None)
        line = lines.get(citizen_id)
        expected = (len(overdue), min((i.due_on for i in overdue), default=None), consent, meeting)
        if line is None:
            assert expected == (0, None, None, None), citizen_id
        else:
            assert (line.overdue, line.oldest_due, line.consent_expires, line.meeting_due) == expected, (
                citizen_id
            )
