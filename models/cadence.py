"""How often a citizen's team meets: three meetings a year unless the team agrees otherwise."""

from __future__ import annotations

from datetime import date, timedelta

DEFAULT_MEETINGS_PER_YEAR = 3


def meeting_interval(meetings_per_year: int = DEFAULT_MEETINGS_PER_YEAR) -> timedelta:
    """365 days shared evenly: three a year is every 121 days (about four months)."""
    per_year = max(1, min(int(meetings_per_year), 52))
    return timedelta(days=365 // per_year)


def suggest_next_meeting_date(
    *, last_meeting: date, meetings_per_year: int = DEFAULT_MEETINGS_PER_YEAR
) -> date:
    """The date the cadence points to, moved off a weekend to the following Monday."""
    suggestion = last_meeting + meeting_interval(meetings_per_year)
    while suggestion.weekday() >= 5:
        suggestion += timedelta(days=1)
    return suggestion
