from datetime import date

import pytest

from models.cadence import meeting_interval, suggest_next_meeting_date


@pytest.mark.parametrize(
    ("last", "per_year", "expected"),
    [
        (date(2026, 10, 15), 3, date(2027, 2, 15)),  # Thu + 121 days = Mon 15 Feb 2027
        (date(2026, 11, 2), 3, date(2027, 3, 3)),  # Mon + 121 = Wed
        (date(2026, 1, 1), 3, date(2026, 5, 4)),  # + 121 = Sat 2 May -> Mon 4 May
        (date(2026, 1, 1), 12, date(2026, 2, 2)),  # monthly: + 30 = Sat 31 Jan -> Mon 2 Feb
    ],
)
def test_the_next_meeting_follows_the_cadence_on_a_weekday(last, per_year, expected):
    assert suggest_next_meeting_date(last_meeting=last, meetings_per_year=per_year) == expected


def test_a_nonsense_cadence_is_clamped_not_an_error():
    assert meeting_interval(0).days == 365
    assert meeting_interval(1000).days == 7
