"""An updated or cancelled meeting as a calendar file for one recipient: data in, bytes out.

Same UID as the invitation file (exports/calendar.py), a higher SEQUENCE, METHOD REQUEST or
CANCEL, so the recipient's calendar moves or removes the entry it already has. Unlike the file
handed out in Forberedelse this one travels by e-mail, so it carries what a mail may carry
(issue 21): the time, the citizen's initials and a link; no name, no agenda, no place (a place
can be the citizen's home), and one ATTENDEE (the recipient: the others are not told who else
is in the citizen's network).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress

from models.formatting import local
from models.i18n import translate
from models.reminders_content import MeetingMail
from models.tables import utcnow

PRODID = "-//Samplan//Samplan netværksmøde//DA"


def meeting_uid(meeting_id: int) -> str:
    """The invitation's UID (exports/calendar.py builds the same)."""
    return f"samplan-meeting-{meeting_id}@samplan"


def build_update_ics(
    mail: MeetingMail, *, lang: str = "da", link: str = "", stamp: datetime | None = None
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", mail.method)
    event = Event()
    event.add("uid", meeting_uid(mail.meeting_id))
    event.add("sequence", mail.sequence)
    event.add("dtstamp", stamp or utcnow())
    event.add("dtstart", local(mail.starts_at))
    event.add("dtend", local(mail.starts_at + timedelta(minutes=mail.minutes)))
    event.add("summary", translate("remind.ics.summary", lang, initials=mail.initials))
    event.add("status", "CANCELLED" if mail.method == "CANCEL" else "CONFIRMED")
    event.add("description", translate("remind.ics.description", lang, link=link or "Samplan"))
    if mail.organizer:
        event.add("organizer", vCalAddress(f"mailto:{mail.organizer}"))
    event.add("attendee", vCalAddress(f"mailto:{mail.attendee}"))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
