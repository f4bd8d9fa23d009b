"""How the next meeting is worded, everywhere it is shown (plan, Forberedelse, Min plan, the
citizen's link, the Word plan): one function, so a suggestion never reads as a fixed date.

A draft is a meeting nobody has confirmed yet (the one a closed meeting suggests by the cadence,
or one being planned): it reads "Forslag: næste møde omkring 9. april — ikke aftalt endnu", with
no clock time. Only a confirmed (planned) or running meeting reads as a date and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from babel.dates import format_date

from models.formatting import format_moment, local
from models.i18n import translate
from models.tables import today

FIXED_STATUSES = ("planned", "in_progress")


class MeetingLike(Protocol):
    @property
    def starts_at(self) -> datetime: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class NextMeetingWords:
    text: str
    is_suggestion: bool


def next_meeting_words(meeting: MeetingLike | None, lang: str = "da") -> NextMeetingWords | None:
    """The words for the next meeting, or None when there is none."""
    if meeting is None:
        return None
    if meeting.status in FIXED_STATUSES:
        return NextMeetingWords(text=format_moment(meeting.starts_at, lang), is_suggestion=False)
    start = local(meeting.starts_at).date()
    pattern = ("d. MMMM" if lang == "da" else "d MMMM") + ("" if start.year == today().year else " yyyy")
    around = format_date(start, pattern, locale="da_DK" if lang == "da" else "en_GB")
    return NextMeetingWords(text=translate("prep25.suggested_next", lang, day=around), is_suggestion=True)
