"""A meeting before it is held, as the preparation page changes it: how long it may last, which
statuses may still change, and the one way to fetch it, check it may be changed and save it under
its version.

Its own module because three modules write through these checks: scheduling (models/meetings.py),
the agenda (models/agenda.py) and the citizen's preparation (models/preparation.py). Scheduling
also fits the default agenda to a new meeting, so it imports models/agenda.py; kept here, below
all three, the shared door is one piece of code and no two modules import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models.access import Actor, authorize
from models.errors import NotFound, UserError
from models.tables import Meeting

DEFAULT_MINUTES = 60
MIN_MINUTES = 5
MAX_MINUTES = 480
EDITABLE_STATUSES = ("draft", "planned")


@dataclass(frozen=True)
class MeetingSaved:
    id: int
    citizen_id: int
    version: int
    status: str


def find_meeting(session: Session, meeting_id: object) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def editable_meeting(session: Session, *, actor: Actor | None, meeting_id: object, action: str) -> Meeting:
    meeting = find_meeting(session, meeting_id)
    authorize(
        session,
        actor=actor,
        citizen_id=meeting.citizen_id,
        action=action,
        entity="meeting",
        entity_id=meeting.id,
    )
    if meeting.status not in EDITABLE_STATUSES:
        raise UserError("before.error.meeting_not_editable")
    return meeting


def bump_meeting(session: Session, meeting: Meeting, seen_version: int, **values: object) -> int:
    from models.db import save_versioned

    version = save_versioned(session, Meeting, row_id=meeting.id, seen_version=seen_version, **values)
    session.expire(meeting)
    return version
