"""Consent ("samtykke"): whether a consent holds on a given day.

Decisions (tested in tests/models/test_consent.py):
- a consent is valid from `given_on` (inclusive); before that it is "not_given";
- `expires_on` is the day it stops holding: on the expiry day itself it is "expired";
- a withdrawal holds from `withdrawn_on` (inclusive) and wins over everything else.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class ConsentStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    NOT_GIVEN = "not_given"


def consent_status(
    *, given_on: date, expires_on: date | None, withdrawn_on: date | None, on: date
) -> ConsentStatus:
    if withdrawn_on is not None and withdrawn_on <= on:
        return ConsentStatus.WITHDRAWN
    if on < given_on:
        return ConsentStatus.NOT_GIVEN
    if expires_on is not None and expires_on <= on:
        return ConsentStatus.EXPIRED
    return ConsentStatus.VALID
