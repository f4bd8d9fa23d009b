"""The relational coordination survey's reminders (issue 24 through issue 21's `samplan remind`),
against a real SMTP server: only who was asked and has not answered, once, a last call near
the end, nothing after the round, nothing for who chose no mails; no answer is ever read."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlmodel import select

from models.db import session_scope
from models.reminders import run_reminders
from models.tables import COPENHAGEN, UserAccount, today
from tests.models.relational_coordination_fixtures import answer, make_round, make_town
from tests.remind_fixtures import choose, point_at, text_of
from tests.smtp_server import smtp_server


@pytest.fixture
def town(db_url):
    """Three departments of six staff (and a leader in Jobcenter), each with an address."""
    town = make_town()
    with session_scope(write=True) as s:
        for user in [*(u for staff in town.staff.values() for u in staff), town.leader]:
            s.get(UserAccount, user.id).email = f"{user.username}@kommune.example"
    with smtp_server() as (server, port):
        point_at(port)
        town.server = server  # type: ignore[attr-defined]
        yield town


def at_nine(days: int = 0) -> datetime:
    return datetime.combine(today() + timedelta(days=days), time(9), tzinfo=COPENHAGEN)


def addresses(server) -> list[str]:
    return sorted(m["To"] for m in server.messages)


def test_who_was_asked_and_has_not_answered_gets_one_mail(town):
    round_id = make_round(town, name="Før-måling", departments=("Jobcenter", "Sundhed"))
    answered = town.staff["Jobcenter"][0]
    answer(answered, round_id, {town.departments["Sundhed"]: 4})

    summary = run_reminders(now=at_nine())

    asked = [*town.staff["Jobcenter"], town.leader, *town.staff["Sundhed"]]
    expected = sorted(f"{u.username}@kommune.example" for u in asked if u.id != answered.id)
    assert addresses(town.server) == expected and summary.sent == len(expected) == 12
    mail = town.server.to(expected[0])[0]
    assert mail["Subject"] == "Samplan: kort måling af samarbejdet – Før-måling"
    body = text_of(mail)
    assert "under Opfølgning" in body and "Svarene er anonyme" in body
    assert run_reminders(now=at_nine() + timedelta(minutes=5)).sent == 0  # the next cron run: nothing new


def test_a_last_call_near_the_end_only_to_who_still_has_not_answered(town):
    round_id = make_round(town, name="Efter", starts_on=today() - timedelta(days=11), days=14,
                          departments=("Jobcenter", "Sundhed"))  # fmt: skip
    late, keen = town.staff["Sundhed"][0], town.staff["Sundhed"][1]
    choose(late.id, language="en")
    answer(keen, round_id, {town.departments["Jobcenter"]: 3})

    run_reminders(now=at_nine())

    [mail] = town.server.to(f"{late.username}@kommune.example")
    assert mail["Subject"] == "Samplan: the last days to answer – Efter"  # first seen this late: one mail
    assert not town.server.to(f"{keen.username}@kommune.example")


def test_nothing_for_a_round_that_is_over_or_for_who_chose_no_mails(town):
    make_round(town, name="Sidste år", starts_on=today() - timedelta(days=30), days=14)
    open_id = make_round(town, name="Nu", departments=("Socialafdelingen", "Sundhed"))
    quiet = town.staff["Sundhed"][2]
    choose(quiet.id, mode="none")

    run_reminders(now=at_nine())

    got = addresses(town.server)
    assert f"{quiet.username}@kommune.example" not in got
    assert not [a for a in got if a.startswith("job")]  # Jobcenter is only in the round that is over
    assert len(got) == 11 and {m["Subject"] for m in town.server.messages} == {
        "Samplan: kort måling af samarbejdet – Nu"
    }
    assert open_id


def test_answering_after_the_notice_was_recorded_stops_its_mail(town):
    """A notice is in the ledger (an earlier run recorded it, its mail not sent yet), then its
    person answers: the next run does not send it."""
    from models.reminders_ledger import record
    from models.reminders_survey import survey_notices
    from models.tables import ReminderNotice, utcnow

    round_id = make_round(town, name="Før", departments=("Jobcenter", "Sundhed"))
    with session_scope(write=True) as s:
        specs = survey_notices(s, on=today())
        assert {spec.kind for spec in specs} == {"survey"} and len(specs) == 13
        record(s, specs, now=utcnow())
    who = town.staff["Jobcenter"][3]
    answer(who, round_id, {town.departments["Sundhed"]: 5})

    summary = run_reminders(now=at_nine())

    assert not town.server.to(f"{who.username}@kommune.example") and summary.sent == 12
    with session_scope() as s:
        key = f"survey:{round_id}:{who.id}"
        notice = s.exec(select(ReminderNotice).where(ReminderNotice.key == key)).one()
    assert notice.status != "pending"  # settled, not retried
