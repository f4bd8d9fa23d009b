"""Mødet, the leader's control panel: one import for the page and the tests.

The rules live in one module per job:
- models/meeting_read.py      the read model (the meeting, who is in the room, the citizen's load)
- models/meeting_timeline.py  the one timeline: agenda items are the steps; meeting_position()
- models/meeting_live.py      open (asking first when early), attendance, agenda time, speaking time
- models/meeting_records.py   the status round, decisions and unmet needs
- models/meeting_close.py     the read-back answer and the close
Add forms save once through models/idempotency.py.
"""

from __future__ import annotations

from models.meeting_close import (
    ClosedMeeting,
    close_meeting,
    close_problems,
    next_meeting_start,
    record_citizen_response,
)
from models.meeting_live import (
    OPENABLE,
    AgendaProgress,
    SavedMeeting,
    SpeakingTime,
    agenda_progress,
    give_word,
    go_to_agenda_item,
    next_agenda_item,
    open_meeting,
    opens_early,
    planned_day,
    set_attendance,
    set_citizen_present,
    speaking_time,
)
from models.meeting_read import (
    LOAD_WARN_AGREEMENTS,
    LOAD_WARN_PEOPLE,
    LOAD_WINDOW_DAYS,
    Attendee,
    CitizenLoad,
    DecisionView,
    LiveMeeting,
    MeetingScreen,
    citizen_load,
    earlier_open_agreements,
    load_meeting_screen,
    owner_choices,
    unfinished_agreements,
)
from models.meeting_records import (
    REVIEW_OUTCOMES,
    add_decision,
    add_unmet_need,
    remove_decision,
    review_agreement,
)
from models.meeting_timeline import STEP_KINDS, MeetingPosition, meeting_position

__all__ = [
    "LOAD_WARN_AGREEMENTS", "LOAD_WARN_PEOPLE", "LOAD_WINDOW_DAYS", "OPENABLE", "REVIEW_OUTCOMES",
    "STEP_KINDS", "AgendaProgress", "Attendee", "CitizenLoad", "ClosedMeeting", "DecisionView",
    "LiveMeeting", "MeetingPosition", "MeetingScreen", "SavedMeeting", "SpeakingTime",
    "add_decision", "add_unmet_need", "agenda_progress", "citizen_load", "close_meeting",
    "close_problems", "earlier_open_agreements", "give_word", "go_to_agenda_item",
    "load_meeting_screen", "meeting_position", "next_agenda_item", "next_meeting_start",
    "open_meeting", "opens_early", "planned_day", "owner_choices", "record_citizen_response",
    "remove_decision", "review_agreement", "set_attendance", "set_citizen_present", "speaking_time",
    "unfinished_agreements",
]  # fmt: skip
