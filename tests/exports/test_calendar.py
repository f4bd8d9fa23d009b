"""The .ics export: parses with icalendar, Copenhagen time zone, one attendee per e-mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from exports.calendar import build_meeting_ics
from models.agenda import AgendaLine
from models.invitation import Invitation, InvitedPerson
from models.plans import PreparationView


def person(pid, name, email, **extra):
    values = {"kind": "professional", "title": None, "relation": None, "department": "Jobcenter",
              "phone": None, **extra}
    return InvitedPerson(id=pid, name=name, email=email, **values)


def invitation(**overrides):
    values = dict(
        meeting_id=7, meeting_version=3, citizen_name="Ditte Mikkelsen", citizen_email="ditte@example.dk",
        starts_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC), minutes=60, place="Rådhuset, lokale 2",
        video_link=None,
        invited=(person(1, "Rasmus Holm", "rasmus@kommune.dk", is_leader=True, is_coordinator=True),
                 person(2, "Lone Mikkelsen", "lone@example.dk", kind="private", relation="mor",
                        department=None),
                 person(3, "Ib Uden Mail", None)),
        left_out=(person(4, "Sara Berg", "sara@region.dk", department="Psykiatrien"),),
        agenda=(AgendaLine("Velkomst", 5), AgendaLine("Dittes egne ord", 55)),
        preparation=PreparationView("Min datter", "En lejlighed", None, None, "Min far", None, 1),
        organizer=person(1, "Rasmus Holm", "rasmus@kommune.dk", is_coordinator=True),
    )
    values.update(overrides)
    return Invitation(**values)


def parse(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_event_is_in_copenhagen_time_with_a_vtimezone():
    calendar, event = parse(build_meeting_ics(invitation()))
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and str(start.tzinfo) in ("Europe/Copenhagen", "CEST")
    assert start.hour == 10  # 08:00 UTC in July is 10:00 in Copenhagen (summer time)
    assert event.decoded("dtend") - start == timedelta(minutes=60)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert b"DTSTART;TZID=Europe/Copenhagen:20260701T100000" in build_meeting_ics(invitation())
    assert str(event["uid"]) == "samplan-meeting-7@samplan" and event["sequence"] == 3


def test_one_attendee_per_person_with_an_email_and_never_the_uncovered():
    _, event = parse(build_meeting_ics(invitation()))
    attendees = [str(a) for a in event.get("attendee")]
    assert attendees == ["mailto:ditte@example.dk", "mailto:rasmus@kommune.dk", "mailto:lone@example.dk"]
    assert str(event["organizer"]) == "mailto:rasmus@kommune.dk"
    data = build_meeting_ics(invitation())
    assert b"sara@region.dk" not in data and b"Sara Berg" not in data


def test_the_citizens_preparation_is_never_in_the_calendar_file():
    data = build_meeting_ics(invitation()).decode()
    for words in ("Min datter", "En lejlighed", "Min far"):
        assert words not in data
    _, event = parse(data.encode())
    assert "Dittes egne ord (55 min.)" in str(event["description"])
    assert str(event["summary"]) == "Netværksmøde med Ditte Mikkelsen"


@pytest.mark.parametrize(
    ("overrides", "location"),
    [
        ({}, "Rådhuset, lokale 2"),  # a place
        ({"place": None, "video_link": "https://video.kommune.dk/abc"}, "https://video.kommune.dk/abc"),
    ],
)
def test_location_is_the_place_or_the_video_link(overrides, location):
    _, event = parse(build_meeting_ics(invitation(**overrides)))
    assert str(event["location"]) == location


def test_winter_time_and_no_email_at_all():
    data = build_meeting_ics(invitation(starts_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                                        citizen_email=None, invited=(), organizer=None))
    _, event = parse(data)
    assert event.decoded("dtstart").hour == 10
    assert event.get("attendee") is None and event.get("organizer") is None
