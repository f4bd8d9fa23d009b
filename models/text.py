"""The one sanitiser every write path uses (forms, import, CLI).

Why: NUL cannot be stored in PostgreSQL, Word files cannot hold most control characters,
and the same text must compare equal whichever keyboard or OS typed it.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from models.errors import UserError

NAME_MAX = 200
TEXT_MAX = 10_000
SHORT_MAX = 300
EMAIL_MAX = 254

# C0 controls except tab (\x09) and newline (\x0a), DEL and C1 controls, lone surrogates,
# the two non-characters python-docx refuses, and bidi embeddings/overrides/isolates (they
# can make a name display as something else; real right-to-left text does not need them).
_FORBIDDEN = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]"
)


def clean_text(
    value: object,
    *,
    field: str,
    max_length: int = TEXT_MAX,
    required: bool = False,
    single_line: bool = False,
) -> str:
    """Normalise user text and enforce its length; raise UserError with a Danish message."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise UserError("error.text_not_text", field=field)
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _FORBIDDEN.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if single_line:
        # A name with a newline could forge a log line or break a table: one line only.
        text = text.replace("\n", " ").replace("\t", " ").strip()
    elif not text.strip():
        text = ""  # whitespace only counts as empty; other text is kept verbatim
    if required and not text:
        raise UserError("error.required", field=field)
    if len(text) > max_length:
        raise UserError("error.too_long", field=field, max=max_length, length=len(text))
    return text


def clean_name(value: object, *, field: str = "name", required: bool = True) -> str:
    """Names are one line and at most 200 characters."""
    return clean_text(value, field=field, max_length=NAME_MAX, required=required, single_line=True)


def clean_optional(value: object, *, field: str, max_length: int = TEXT_MAX) -> str | None:
    """Like clean_text, but an empty answer is stored as NULL."""
    text = clean_text(value, field=field, max_length=max_length)
    return text or None


# One address and nothing else. An address ends up in a calendar file (ATTENDEE:mailto:...) and
# in mail headers, so it may hold no list separator (, ;), no URI syntax (: ? % #), no quoting
# or comment (" ( ) < > [ ] \) and no space. \w admits æøå and other scripts.
_EMAIL = re.compile(r"[\w.!$&'*+/=^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def is_plain_email(value: object) -> bool:
    """Whether `value` is exactly one address by the rule clean_email enforces (for exports,
    which must not trust what is already stored)."""
    return isinstance(value, str) and len(value) <= EMAIL_MAX and _EMAIL.fullmatch(value) is not None


def clean_email(value: object, *, field: str = "e-mail") -> str | None:
    """The one e-mail rule of every write path (forms, import): one plain address, lower case;
    empty is None."""
    email = clean_text(value, field=field, max_length=EMAIL_MAX, single_line=True).lower()
    if not email:
        return None
    if not is_plain_email(email):
        raise UserError("error.bad_email", value=email[:60])
    return email


def clean_score(value: object, *, field: str = "score") -> int:
    """The citizen's own scaling score, 0-10."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UserError("error.score_range", field=field)
    try:
        score = int(value)
    except ValueError as exc:
        raise UserError("error.score_range", field=field) from exc
    if not 0 <= score <= 10:
        raise UserError("error.score_range", field=field)
    return score


def parse_date(value: object, *, field: str) -> date | None:
    """Accept a date or an ISO string (YYYY-MM-DD); refuse impossible dates in Danish."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise UserError("error.bad_date", field=field, value=value[:40]) from exc
    raise UserError("error.bad_date", field=field, value=str(value)[:40])


def matches_search(query: str, *texts: str | None) -> bool:
    """Whether every word of `query` is somewhere in `texts`, in any case and any order ("ditte
    bolig"); an empty query matches everything. casefold, not lower(): Æ, Ø and Å too."""
    haystack = "\n".join(text or "" for text in texts).casefold()
    return all(word in haystack for word in query.casefold().split())
