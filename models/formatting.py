"""Dates and times as people in Denmark read them (Babel), in Europe/Copenhagen time.

Used by the pages and the documents alike, so a date reads the same on screen and on paper.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import format_time as _format_time

from models.tables import COPENHAGEN

# Parsed once: Babel parses a locale given as text again on every call (a third of the time a
# page with a few hundred dates spent formatting them).
_LOCALES = {"da": Locale.parse("da_DK"), "en": Locale.parse("en_GB")}


def _locale(lang: str) -> Locale:
    return _LOCALES.get(lang, _LOCALES["da"])


def local(moment: datetime) -> datetime:
    """An aware moment in Copenhagen time (naive values are taken as UTC, as stored)."""
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(COPENHAGEN)


def format_day(value: date | None, lang: str = "da", *, style: str = "long") -> str:
    """'22. november 2026' (long) or '22.11.2026' (short); '' for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return _day(value, lang, style)


@lru_cache(maxsize=4096)
def _day(value: date, lang: str, style: str) -> str:
    """A few dozen distinct days fill a page of hundreds of dates: each is formatted once."""
    if style == "short":
        return _format_date(value, "dd.MM.yyyy", locale=_locale(lang))
    return _format_date(value, "long", locale=_locale(lang))


def format_moment(value: datetime | None, lang: str = "da") -> str:
    """'22. november 2026 kl. 10.00' in Copenhagen time."""
    if value is None:
        return ""
    moment = local(value)
    if lang == "da":
        return f"{format_day(moment.date(), lang)} kl. {moment:%H.%M}"
    return _format_datetime(moment, "d MMMM yyyy, HH:mm", locale=_locale(lang))


def format_clock(value: datetime | None, lang: str = "da") -> str:
    """'10.00' (da) or '10:00' (en) in Copenhagen time."""
    if value is None:
        return ""
    pattern = "HH.mm" if lang == "da" else "HH:mm"
    return _format_time(local(value), pattern, locale=_locale(lang))


def format_weekday(value: date, lang: str = "da") -> str:
    return _format_date(value, "EEEE", locale=_locale(lang))
