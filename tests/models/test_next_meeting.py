"""One wording for the next meeting (issue 25): a draft is a suggestion, a confirmed one a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from models.next_meeting import next_meeting_words
from models.tables import today


@dataclass(frozen=True)
class M:
    starts_at: datetime
    status: str


THIS_YEAR = today().year


@pytest.mark.parametrize(
    ("meeting", "lang", "text", "suggestion"),
    [
        # A draft (the one a closed meeting suggests): the day only, and that it is not agreed.
        (M(datetime(THIS_YEAR, 4, 9, 8, tzinfo=UTC), "draft"), "da",
         "Forslag: næste møde omkring 9. april — ikke aftalt endnu", True),
        # Another year: the year is said, so "9. april" cannot be read as this April.
        (M(datetime(2031, 4, 9, 8, tzinfo=UTC), "draft"), "da",
         "Forslag: næste møde omkring 9. april 2031 — ikke aftalt endnu", True),
        (M(datetime(2031, 4, 9, 8, tzinfo=UTC), "draft"), "en",
         "Suggestion: next meeting around 9 April 2031 — not agreed yet", True),
        # Confirmed, or running: a fixed date and time (Copenhagen time).
        (M(datetime(2031, 4, 9, 8, tzinfo=UTC), "planned"), "da", "9. april 2031 kl. 10.00", False),
        (M(datetime(2031, 4, 9, 8, tzinfo=UTC), "in_progress"), "da", "9. april 2031 kl. 10.00", False),
    ],
)
def test_next_meeting_words(meeting, lang, text, suggestion):
    words = next_meeting_words(meeting, lang)
    assert (words.text, words.is_suggestion) == (text, suggestion)


def test_no_meeting_has_no_words():
    assert next_meeting_words(None) is None
