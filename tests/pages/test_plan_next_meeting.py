"""Issue 25: the plan, Min plan and the citizen's own link say a suggested meeting is a suggestion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import Meeting
from tests.pages.conftest import shown_texts
from tests.pages.test_my_plan import make_link, open_link

SUGGESTION = "Forslag: næste møde omkring 9. april 2031 — ikke aftalt endnu"
FIXED = "9. april 2031 kl. 10.00"


def _next_meeting(status: str) -> None:
    with session_scope(write=True) as s:
        meeting = s.execute(select(Meeting).where(Meeting.status == "planned")).scalar_one()
        meeting.status = status
        meeting.starts_at = datetime(2031, 4, 9, 8, 0, tzinfo=UTC)
        meeting.place = "Rådhuset"
        s.add(meeting)


def _texts(at) -> list[str]:
    assert not at.exception, at.exception
    return shown_texts(at)


@pytest.mark.parametrize(
    ("status", "shown", "not_shown"),
    [
        ("draft", SUGGESTION, FIXED),  # nobody confirmed it: a suggestion, and no place
        ("planned", FIXED, SUGGESTION),  # confirmed: the date and time
    ],
)
@pytest.mark.parametrize("page", ["pages/plan.py", "pages/my_plan.py"])
def test_staff_pages_word_the_next_meeting_by_its_status(open_page, ditte, page, status, shown, not_shown):
    _next_meeting(status)
    texts = _texts(open_page(page, user=ditte.staff_user, citizen_id=ditte.citizen.id))
    assert any(shown in x for x in texts) and not any(not_shown in x for x in texts)
    assert any("Rådhuset" in x for x in texts) is (status == "planned")


def test_the_citizens_own_link_shows_a_suggestion_as_a_suggestion(ditte):
    _next_meeting("draft")
    token, _ = make_link(ditte)
    texts = _texts(open_link(token))
    assert SUGGESTION in texts and not any(FIXED in x for x in texts)
