"""Dates and times as people in Denmark read them (Babel), in Europe/Copenhagen time.

Used by the pages and the documents alike, so a date reads the same on screen and on paper.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.dates import format_time as _format_time

from models.tables import COPENHAGEN

_LOCALES = {"da": "da_DK", "en": "en_GB"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, "da_DK")


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
    if style == "short":
        return _format_date(value, "dd.MM.yyyy", locale=_locale(lang))
    return _format_date(value, "long", locale=_locale(lang))


def format_moment(value: datetime | None, lang: str = "da") -> str:
    """'22. november 2026 kl. 10.00' in Copenhagen time."""
    if value is None:
        return ""
    moment = local(value)
    if lang == "da":
        return f"{format_day(moment.date(), lang)} kl. {_format_time(moment, 'HH.mm', locale='da_DK')}"
    return _format_datetime(moment, "d MMMM yyyy, HH:mm", locale=_locale(lang))


def format_clock(value: datetime | None, lang: str = "da") -> str:
    """'10.00' (da) or '10:00' (en) in Copenhagen time."""
    if value is None:
        return ""
    pattern = "HH.mm" if lang == "da" else "HH:mm"
    return _format_time(local(value), pattern, locale=_locale(lang))


def format_weekday(value: date, lang: str = "da") -> str:
    return _format_date(value, "EEEE", locale=_locale(lang))
