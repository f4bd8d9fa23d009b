"""Calendar updates (issue 21): a confirmed meeting moved or cancelled reaches the calendars of
those the invitation went to — same UID, higher SEQUENCE, METHOD REQUEST or CANCEL — behind the
same consent gate as the invitation, with no name, place or agenda in the mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import update

from exports.calendar import build_meeting_ics
from models.db import session_scope
from models.invitation import build_invitation
from models.plans import _load
from models.reminders import run_reminders
from models.tables import Citizen, Meeting
from tests.remind_fixtures import CITIZEN_NAME, build_world, choose, text_of
from tests.smtp_server import smtp_server

INVITED = ["ditte@example.dk", "lone@example.dk", "mette@kommune.example", "rasmus@kommune.example"]


@pytest.fixture
def world(db_url):
    with smtp_server() as (server, port):
        built = build_world(port, server)
        for user_id in (built.owner_id, built.coordinator_id):  # only the calendar mails here
            choose(user_id, mode="none", escalation=False)
        yield built


def first_invitation(world) -> Calendar:  # noqa: ANN001
    with session_scope() as s:
        plan = _load(s, s.get(Citizen, world.citizen_id))
        return Calendar.from_ical(build_meeting_ics(build_invitation(plan, world.meeting_id)))


def calendar_of(message) -> Calendar:  # noqa: ANN001
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return Calendar.from_ical(part.get_content())


def change_meeting(world, **values) -> None:  # noqa: ANN001, ANN003
    with session_scope(write=True) as s:
        s.execute(
            update(Meeting)
            .where(Meeting.id == world.meeting_id)
            .values(version=Meeting.version + 1, **values)
        )


def test_a_moved_then_cancelled_meeting_updates_the_invited_calendars(world):
    invitation = first_invitation(world).walk("VEVENT")[0]
    now = world.at(9)
    assert run_reminders(now=now).sent == 0  # the first run notes the confirmed meeting, sends nothing
    new_start = invitation.decoded("dtstart") + timedelta(days=1, hours=2)
    change_meeting(world, starts_at=new_start)
    assert run_reminders(now=now + timedelta(minutes=5)).sent == 4
    moved = sorted(world.server.messages, key=lambda m: m["To"])
    # Karin (Psykiatrien) is on the meeting but no consent covers her department: no mail.
    assert [m["To"] for m in moved] == INVITED
    for message in moved:
        calendar = calendar_of(message)
        event = calendar.walk("VEVENT")[0]
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == str(invitation["UID"])
        assert int(event["SEQUENCE"]) > int(invitation["SEQUENCE"])
        assert event.decoded("dtstart") == new_start
        assert str(event["ATTENDEE"]) == f"mailto:{message['To']}"  # one attendee: the recipient
        assert str(event["SUMMARY"]) == "Netværksmøde (D.M.)"
        body = text_of(message)
        assert CITIZEN_NAME not in body and "Mikkelsen" not in body and "Rådhuset" not in body
        assert "flyttet" in message["Subject"]
    sequence = int(calendar_of(moved[0]).walk("VEVENT")[0]["SEQUENCE"])
    assert run_reminders(now=now + timedelta(minutes=10)).sent == 0  # told once

    change_meeting(world, status="cancelled")
    assert run_reminders(now=now + timedelta(minutes=15)).sent == 4
    cancelled = sorted(world.server.messages[4:], key=lambda m: m["To"])
    assert [m["To"] for m in cancelled] == INVITED
    for message in cancelled:
        calendar = calendar_of(message)
        event = calendar.walk("VEVENT")[0]
        assert (str(calendar["METHOD"]), str(event["STATUS"])) == ("CANCEL", "CANCELLED")
        assert str(event["UID"]) == str(invitation["UID"]) and int(event["SEQUENCE"]) > sequence
        assert "aflyst" in message["Subject"]
    assert run_reminders(now=now + timedelta(minutes=20)).sent == 0


def test_a_draft_or_unchanged_meeting_sends_nothing(world):
    run_reminders(now=world.at(9))
    change_meeting(world, place="Jobcentret")  # a new place only: the time in calendars still holds
    assert run_reminders(now=world.at(9) + timedelta(minutes=5)).sent == 0
    assert world.server.messages == []
