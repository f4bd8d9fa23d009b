from datetime import date, timedelta

import pytest

from models.consent import ConsentStatus, consent_status

TODAY = date(2026, 11, 22)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("given_on", "expires_on", "withdrawn_on", "expected"),
    [
        (TODAY, None, None, ConsentStatus.VALID),  # given today holds today
        (TODAY - 100 * DAY, TODAY + DAY, None, ConsentStatus.VALID),  # expires tomorrow
        (TODAY - 100 * DAY, TODAY, None, ConsentStatus.EXPIRED),  # the expiry day itself
        (TODAY - 100 * DAY, TODAY - DAY, None, ConsentStatus.EXPIRED),
        (TODAY - 100 * DAY, None, TODAY - DAY, ConsentStatus.WITHDRAWN),  # withdrawn yesterday
        (TODAY - 100 * DAY, None, TODAY, ConsentStatus.WITHDRAWN),  # withdrawn today counts
        (TODAY - 100 * DAY, None, TODAY + DAY, ConsentStatus.VALID),  # withdrawal not yet in force
        (TODAY + DAY, None, None, ConsentStatus.NOT_GIVEN),  # future start
        (TODAY - 100 * DAY, TODAY - DAY, TODAY - 2 * DAY, ConsentStatus.WITHDRAWN),  # withdrawal wins
        (TODAY, TODAY + DAY, None, ConsentStatus.VALID),  # given today, expires tomorrow: holds today
        (TODAY - DAY, TODAY + 30 * DAY, TODAY - DAY, ConsentStatus.WITHDRAWN),  # withdrawn the day given
        (TODAY + DAY, TODAY + 30 * DAY, None, ConsentStatus.NOT_GIVEN),  # future start with an expiry
        (TODAY + DAY, None, TODAY, ConsentStatus.WITHDRAWN),  # withdrawn before it started
    ],
)
def test_consent_status_on_a_day(given_on, expires_on, withdrawn_on, expected):
    assert (
        consent_status(given_on=given_on, expires_on=expires_on, withdrawn_on=withdrawn_on, on=TODAY)
        == expected
    )
