"""`samplan remind` against a real SMTP server (aiosmtpd): who gets which mail, once, in which
language, with nothing personal in it; failures lose nothing; a killed run loses nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from models.db import session_scope
from models.mail_send import Mailer
from models.reminders import run_reminders
from models.reminders_ledger import claim
from models.tables import AuditEvent, MailLog, MailSettings, ReminderNotice
from tests.remind_fixtures import (
    CITIZEN_NAME,
    GOAL_TEXT,
    LATE_TEXT,
    OLD_TEXT,
    SOON_TEXT,
    build_world,
    choose,
    point_at,
    text_of,
)
from tests.smtp_server import silent_server, smtp_server


@pytest.fixture
def world(db_url):
    with smtp_server() as (server, port):
        yield build_world(port, server)


PRIVATE = (CITIZEN_NAME, "Ditte", "Mikkelsen", SOON_TEXT, LATE_TEXT, OLD_TEXT, GOAL_TEXT)


def notices(status: str | None = None) -> list[ReminderNotice]:
    with session_scope() as s:
        query = select(ReminderNotice).where(ReminderNotice.kind != "marker")
        if status:
            query = query.where(ReminderNotice.status == status)
        return list(s.execute(query).scalars())


def send_log() -> list[tuple[str, str, str | None]]:
    with session_scope() as s:
        return [
            (r.kind, r.outcome, r.error) for r in s.execute(select(MailLog).order_by(MailLog.id)).scalars()
        ]


def test_the_owner_gets_one_mail_with_due_soon_and_overdue_once(world):
    summary = run_reminders(now=world.at(6))  # before 07:00: no escalation yet
    assert (summary.recorded, summary.sent, summary.failed) == (2, 1, 0)  # 2 notices, 1 mail
    [mail] = world.server.to("mette@kommune.example")
    assert mail["Subject"] == "Samplan: 2 aftaler kræver din opmærksomhed"
    assert mail.get_body(("plain",)) is not None and mail.get_body(("html",)) is not None
    body = text_of(mail)
    assert "1 aftale er overskredet:" in body and "1 aftale skal snart være gjort:" in body
    assert "D.M. – frist" in body and "https://samplan.kommune.example" in body
    assert not [word for word in PRIVATE if word in body]
    assert run_reminders(now=world.at(6, days=0) + timedelta(minutes=5)).sent == 0  # the next cron run
    assert len(world.server.messages) == 1
    with session_scope() as s:
        audited = s.execute(select(AuditEvent.action, AuditEvent.citizen_id, AuditEvent.user_id)
                            .where(AuditEvent.action.like("remind.%"))).all()  # fmt: skip
    assert audited == [("remind.owner", world.citizen_id, None)]


def test_english_for_a_user_who_chose_english(world):
    choose(world.owner_id, language="en")
    run_reminders(now=world.at(6))
    [mail] = world.server.to("mette@kommune.example")
    assert mail["Subject"] == "Samplan: 2 agreements need your attention"
    assert '<html lang="en">' in text_of(mail) and "1 agreement is overdue:" in text_of(mail)


@pytest.mark.parametrize(
    ("mode", "hour", "expected"),
    [
        ("none", 9, []),  # nothing, ever
        ("digest", 6, []),  # the chosen moment (Monday 07:00 by default, or today here) not reached
        ("digest", 9, ["Samplan: dine aftaler i ugen til og med"]),
    ],
)
def test_the_weekly_digest_or_nothing(world, mode, hour, expected):
    choose(world.owner_id, mode=mode, digest_weekday=world.day.weekday(), digest_hour=7, escalation=False)
    choose(world.coordinator_id, escalation=False)
    run_reminders(now=world.at(hour))
    run_reminders(now=world.at(hour) + timedelta(minutes=5))
    subjects = [m["Subject"] for m in world.server.to("mette@kommune.example")]
    assert [s[: len(e)] for s, e in zip(subjects, expected, strict=False)] == expected
    assert len(subjects) == len(expected)
    if expected:
        body = text_of(world.server.messages[0])
        assert "1 aftale er overskredet:" in body
        # The week runs to Sunday: the agreement due in two days is this week's from Monday to
        # Friday, next week's on a Saturday or a Sunday (the test failed on those days).
        soon_this_week = world.day + timedelta(days=2) <= world.day + timedelta(days=6 - world.day.weekday())
        assert ("1 aftale skal være gjort i denne uge:" in body) == soon_this_week
        assert not [word for word in PRIVATE if word in body]


def test_the_coordinator_gets_one_escalation_a_day(world):
    run_reminders(now=world.at(8))
    run_reminders(now=world.at(11))
    [mail] = world.server.to("rasmus@kommune.example")
    body = text_of(mail)
    # Overdue 10 days (>= 7) is escalated, overdue 1 day is not; the consent runs out in 20 days.
    assert "D.M.: 1 aftale overskredet" in body and "samtykket udløber" in body
    assert not [word for word in PRIVATE if word in body]
    run_reminders(now=world.at(8, days=1))
    assert len(world.server.to("rasmus@kommune.example")) == 2


def test_the_administrators_escalation_days_count(world):
    point_at(world.port, escalation_days=14)
    run_reminders(now=world.at(8))
    [mail] = world.server.to("rasmus@kommune.example")
    assert "overskredet" not in mail.get_body(("plain",)).get_content().split("borger:")[1]


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("refused", "refused"),  # nothing listens on the port
        ("timeout", "timeout"),  # a server that never answers
        ("451 4.3.0 try again later", "4xx 451"),  # a temporary refusal
        ("550 5.7.1 refused", "5xx 550"),  # a permanent refusal of this mail
    ],
)
def test_a_failing_server_loses_no_notice(world, how, reason):
    if how == "timeout":
        with silent_server() as silent:
            point_at(silent)
            summary = run_reminders(now=world.at(6), mailer=lambda s: Mailer(s, timeout=0.5))
    else:
        if how == "refused":
            with silent_server() as closed:  # a port that was free a moment ago and is closed now
                pass
            point_at(closed)
        else:
            world.server.reply = how
        summary = run_reminders(now=world.at(6))
    assert summary.sent == 0 and summary.failed == 1 and reason in summary.reasons[0]
    assert [(n.status, n.last_error[: len(reason)]) for n in notices()] == [("pending", reason)] * 2
    assert send_log() == [("owner", "failed", send_log()[0][2])] and reason in send_log()[0][2]
    assert world.server.messages == []
    # The server is back: the next run sends it, once.
    world.server.reply = None
    point_at(world.port)
    assert run_reminders(now=world.at(6) + timedelta(minutes=5)).sent == 1
    assert run_reminders(now=world.at(6) + timedelta(minutes=10)).sent == 0
    assert len(world.server.to("mette@kommune.example")) == 1
    assert [n.status for n in notices()] == ["sent", "sent"]


def test_a_run_killed_after_claiming_loses_nothing(world):
    now = world.at(6)
    with pytest.raises(KeyboardInterrupt):  # dies at the first send, the rows claimed
        run_reminders(now=now, mailer=lambda s: _Killed(s))
    assert [n.status for n in notices()] == ["pending", "pending"] and world.server.messages == []
    assert run_reminders(now=now + timedelta(minutes=2)).sent == 0  # the lease still holds
    assert run_reminders(now=now + timedelta(minutes=11)).sent == 1  # the lease ran out
    assert len(world.server.messages) == 1


class _Killed(Mailer):
    def send(self, message):  # noqa: ANN001, ANN201
        raise KeyboardInterrupt  # as a SIGTERM would stop the run between claim and send


def test_a_claim_is_taken_once(world):
    with pytest.raises(KeyboardInterrupt):  # recorded, then stopped before any claim
        run_reminders(now=world.at(6), mailer=lambda s: _Never(s))
    with session_scope(write=True) as s:
        first = claim(s, recipients=[f"user:{world.owner_id}"], now=world.at(6))
    with session_scope(write=True) as s:
        second = claim(s, recipients=[f"user:{world.owner_id}"], now=world.at(6))
    assert len(first) == 2 and second == []


class _Never(Mailer):
    def __enter__(self):  # noqa: ANN204
        raise KeyboardInterrupt


def test_nothing_happens_until_an_administrator_sets_the_server_up(world):
    with session_scope(write=True) as s:
        s.delete(s.get(MailSettings, 1))
    assert run_reminders(now=world.at(9)).not_configured
    assert notices() == [] and world.server.messages == []


def test_a_done_agreement_is_not_reminded_of(world):
    with session_scope(write=True) as s:
        from models.tables import Action

        s.execute(update(Action).where(Action.id == world.late_id).values(status="done"))
    run_reminders(now=world.at(6))
    [mail] = world.server.to("mette@kommune.example")
    assert mail["Subject"] == "Samplan: 1 aftale kræver din opmærksomhed"


def test_the_command_line(world, capsys):
    import cli

    with session_scope(write=True) as s:
        s.delete(s.get(MailSettings, 1))
    assert cli.main(["remind"]) == 0
    assert "ingen SMTP-server" in capsys.readouterr().err
    point_at(world.port)
    world.server.reply = "451 4.3.0 try again later"
    assert cli.main(["remind"]) == 1  # a mail failed: retried at the next run, said on stderr
    assert "4xx 451" in capsys.readouterr().err
    world.server.reply = None
    assert cli.main(["remind"]) == 0
    assert "sendt" in capsys.readouterr().out
    assert cli.main(["remind"]) == 0
    assert capsys.readouterr() == ("", "")  # quiet when nothing was due: cron mails nobody


def test_a_notice_recorded_before_the_owner_chose_nothing_is_not_sent(world):
    with pytest.raises(KeyboardInterrupt):  # recorded, then stopped before sending
        run_reminders(now=world.at(6), mailer=lambda s: _Never(s))
    choose(world.owner_id, mode="none")
    summary = run_reminders(now=world.at(6) + timedelta(minutes=5))
    assert (summary.sent, summary.obsolete) == (0, 2) and world.server.messages == []
