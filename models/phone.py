"""Danish phone numbers: one rule for what may be saved, one way to show them.

A number is 8 digits, optionally after +45 (or 0045), with spaces anywhere: "12345678",
"12 34 56 78", "+45 12 34 56 78". It is saved in one shape, "12 34 56 78" or "+45 12 34 56 78",
so a number looks the same on the screen, in the Word plan and in the letter. Anything else is
refused with a Danish sentence that says what to write, before anything is saved.
"""

from __future__ import annotations

import re

from models.errors import UserError
from models.text import clean_text

PHONE_MAX = 40
NO_BREAK_SPACE = "\u00a0"
_DANISH = re.compile(r"(?:(\+45|0045))?([0-9]{8})")  # ASCII digits: str.isdigit takes "٤٥"


def clean_phone(value: object) -> str | None:
    """The number in its saved shape, None when left empty; UserError when it is not Danish."""
    text = clean_text(value, field="telefon", max_length=PHONE_MAX, single_line=True)
    if not text:
        return None
    match = _DANISH.fullmatch(re.sub(r"\s+", "", text))
    if match is None:
        raise UserError("before.error.bad_phone", value=text)
    prefix, digits = match.groups()
    grouped = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return f"+45 {grouped}" if prefix else grouped


def phone_for_reading(phone: str | None) -> str | None:
    """A saved number as people read it: the saved shape, kept on one line (no-break spaces).

    Numbers saved before the Danish rule are shown as they were typed.
    """
    if not phone:
        return None
    try:
        shown = clean_phone(phone) or phone
    except UserError:
        shown = phone.strip()
    return shown.replace(" ", NO_BREAK_SPACE)
