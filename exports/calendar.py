"""The meeting as a calendar file (.ics): data in, bytes out.

One VEVENT in Europe/Copenhagen time with its VTIMEZONE, one ATTENDEE per invited person with an
e-mail address (the citizen too). The invitation given here has already left out professionals
no valid consent covers (models.invitation.build_invitation), and the file never carries the
citizen's preparation: a calendar entry is read by many eyes. An address that is not exactly one
plain address (models.text.is_plain_email) is left out, whatever is stored: "a@x.dk,mailto:b@y.dk"
would invite a stranger, so the export does not trust that every stored address was checked.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TypeGuard

from icalendar import Calendar, Event, vCalAddress, vText

from models.formatting import local
from models.i18n import translate
from models.invitation import Invitation
from models.tables import utcnow
from models.text import is_plain_email

logger = logging.getLogger(__name__)

PRODID = "-//Samplan//Samplan netværksmøde//DA"


def _sendable(email: str | None) -> TypeGuard[str]:
    if not email:
        return False
    if not is_plain_email(email):
        logger.warning("calendar: an invited address is not one plain address and was left out")
        return False
    return True


def _address(email: str, name: str, *, role: str = "REQ-PARTICIPANT") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    address.params["ROLE"] = vText(role)
    address.params["PARTSTAT"] = vText("NEEDS-ACTION")
    address.params["RSVP"] = vText("TRUE")
    return address


def _description(invitation: Invitation, lang: str) -> str:
    lines = [translate("before.letter.calendar_description", lang)]
    lines += [
        f"{n}. " + translate("before.letter.agenda_line", lang, title=item.title, minutes=item.minutes)
        for n, item in enumerate(invitation.agenda, start=1)
    ]
    if invitation.video_link:
        lines += ["", translate("before.letter.video", lang, link=invitation.video_link)]
    return "\n".join(lines)


def build_meeting_ics(invitation: Invitation, *, lang: str = "da", stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    # A stable UID and the meeting's version as SEQUENCE: a re-sent file updates the entry.
    event.add("uid", f"samplan-meeting-{invitation.meeting_id}@samplan")
    event.add("sequence", invitation.meeting_version)
    event.add("dtstamp", stamp or utcnow())
    event.add("dtstart", local(invitation.starts_at))
    event.add("dtend", local(invitation.ends_at))
    event.add("summary", translate("before.letter.calendar_summary", lang, name=invitation.citizen_name))
    location = invitation.place or invitation.video_link
    if location:
        event.add("location", location)
    if invitation.video_link:
        event.add("url", invitation.video_link)
    event.add("description", _description(invitation, lang))
    organizer = invitation.organizer
    invited_ids = {p.id for p in invitation.invited}
    if organizer is not None and organizer.id in invited_ids and _sendable(organizer.email):
        event.add("organizer", _address(organizer.email, organizer.name, role="CHAIR"))
    if _sendable(invitation.citizen_email):
        event.add("attendee", _address(invitation.citizen_email, invitation.citizen_name))
    for person in invitation.invited:
        if _sendable(person.email):
            event.add("attendee", _address(person.email, person.name))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
