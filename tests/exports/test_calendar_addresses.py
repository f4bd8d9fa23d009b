"""The .ics export never writes an address that is not exactly one plain address, even one
already stored before the import and the forms checked them (defence in depth)."""

from __future__ import annotations

import icalendar
import pytest

from exports.calendar import build_meeting_ics
from tests.exports.test_calendar import invitation, person

# Each would make a calendar program invite someone else or read a property that is not there.
HOSTILE = [
    "a@x.example,mailto:evil@evil.example",  # a second attendee after a comma
    "a@x.example,evil.example",  # a comma without a second @
    "a@x.example;mailto:evil@evil.example",  # a semicolon
    "a@x.example\nATTENDEE:mailto:evil@evil.example",  # a line break: a new property
    "a@x.example\r\nATTENDEE:mailto:evil@evil.example",
    "mailto:evil@evil.example",  # a scheme inside the address: mailto:mailto:...
    "a@x.example?cc=evil%40evil.example",  # mailto header fields: a hidden copy
    "a@x.example:evil",  # a colon
    "Eva <evil@evil.example>",  # a display name around another address
    '"evil"@evil.example',  # quoting
]


def attendees(data: bytes) -> list[str]:
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    found = event.get("attendee") or []
    return [str(a) for a in (found if isinstance(found, list) else [found])]


@pytest.mark.parametrize("bad", HOSTILE)
@pytest.mark.parametrize("who", ["citizen", "person", "organizer"])
def test_a_stored_address_that_is_not_one_plain_address_is_left_out(bad, who):
    if who == "citizen":
        meeting = invitation(citizen_email=bad)
        kept = ["mailto:rasmus@kommune.dk", "mailto:lone@example.dk"]
    elif who == "person":
        meeting = invitation(invited=(
            person(1, "Rasmus Holm", "rasmus@kommune.dk", is_leader=True, is_coordinator=True),
            person(2, "Lone Mikkelsen", bad, kind="private", relation="mor", department=None),
        ))
        kept = ["mailto:ditte@example.dk", "mailto:rasmus@kommune.dk"]
    else:
        rasmus = person(1, "Rasmus Holm", bad, is_leader=True, is_coordinator=True)
        meeting = invitation(invited=(rasmus,), organizer=rasmus)
        kept = ["mailto:ditte@example.dk"]
    data = build_meeting_ics(meeting)
    assert attendees(data) == kept
    assert b"evil" not in data
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert (event.get("organizer") is None) == (who == "organizer")
    unfolded = data.replace(b"\r\n ", b"")
    assert unfolded.count(b"ATTENDEE") == len(kept)  # no smuggled property line either


def test_plain_addresses_of_every_kind_stay():
    meeting = invitation(citizen_email="søren.æblø@kommune.dk", invited=(
        person(1, "Rasmus Holm", "o'brien+samplan@kommune.dk", is_leader=True),
        person(2, "Dunya", "دنيا@example.dk", kind="private", relation="ven", department=None),
    ), organizer=None)
    assert attendees(build_meeting_ics(meeting)) == [
        "mailto:søren.æblø@kommune.dk", "mailto:o'brien+samplan@kommune.dk", "mailto:دنيا@example.dk"
    ]
