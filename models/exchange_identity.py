"""Recognising a citizen imported before, so importing a file twice makes no duplicates.

What samplan/1 carries about who a citizen is: a `ref` ("c1"), the name and the birth date. The
ref is no identity: it is unique only inside one file, and Samplan's own export numbers the
citizens of each file from c1 (`export --citizen 7` and `export --all` give the same citizen
different refs). There is no CPR number and no source system in the contract (and the schema
allows no extra fields). So the identity is the pair the contract does carry, the name and the
birth date: a SHA-256 of the name (Unicode NFKC, any case, runs of white space as one space) and
the birth date, stored at import in citizen.exchange_identity. A hash, not the words, so the
column is a fixed-length key; erasing the citizen erases it with the row.

The identity is the file's, taken when the citizen came in: a later change of the name in the
app does not stop the same file being recognised, and a copy imported on purpose (--as-new)
gets none, so the first import stays the one that is recognised. Without a birth date the name
alone is the identity; a re-import is refused by default and the list shows who matched, so a
person decides (--update or --as-new) rather than the program guessing.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.errors import UserError
from models.exchange_read import CitizenIn
from models.formatting import format_day
from models.i18n import DEFAULT_LANGUAGE, translate
from models.tables import Citizen

ON_EXISTING = ("refuse", "update", "new")  # the default, `--update`, `--as-new`
_SPACES = re.compile(r"\s+")
_BATCH = 500  # identities per query (well under SQLite's parameter limit)


def citizen_identity(name: str, birth_date: date | None) -> str:
    """The exchange identity of a citizen as a file names them (64 hex characters)."""
    words = _SPACES.sub(" ", unicodedata.normalize("NFKC", name)).strip().casefold()
    born = birth_date.isoformat() if birth_date else ""
    return hashlib.sha256(f"samplan/1\n{words}\n{born}".encode()).hexdigest()


@dataclass(frozen=True)
class KnownCitizen:
    """A citizen in the file who is already in the database."""

    position: int  # index in the file's citizens
    name: str  # as the file writes it
    birth_date: date | None
    existing_ids: tuple[int, ...]  # usually one; more only if one file held the same person twice


class AlreadyImported(UserError):
    """The file holds citizens imported before and the caller chose neither update nor copies.

    Nothing was saved. `known` lists them; `message()` is the command line's wording, pages
    build their own from `known` (they offer the choice as buttons, not as flags)."""

    def __init__(self, known: Sequence[KnownCitizen]) -> None:
        super().__init__("exchange_identity.refused", count=len(known))
        self.known = list(known)

    def message(self, lang: str = DEFAULT_LANGUAGE, *, quote: Callable[[str], str] | None = None) -> str:
        shown = quote or (lambda text: text)
        lines = [translate("exchange_identity.refused", lang, count=len(self.known))]
        lines += [f"  - {shown(describe(known, lang))}" for known in self.known]
        lines.append(translate("exchange_identity.options", lang))
        return "\n".join(lines)


def describe(known: KnownCitizen, lang: str = DEFAULT_LANGUAGE) -> str:
    """"Ditte Mikkelsen (født 14.03.2001) er borger 1" — one line of the refusal."""
    ids = ", ".join(str(i) for i in known.existing_ids)
    if known.birth_date is None:
        return translate("exchange_identity.known_no_date", lang, name=known.name, ids=ids)
    born = format_day(known.birth_date, lang, style="short")
    return translate("exchange_identity.known", lang, name=known.name, born=born, ids=ids)


def known_for_import(
    session: Session, citizens: Iterable[CitizenIn], *, on_existing: str, lang: str = DEFAULT_LANGUAGE
) -> dict[int, KnownCitizen]:
    """The file's citizens already here, by their position in the file, for an import that chose
    `on_existing`: "refuse" raises AlreadyImported if there are any; "update" refuses a citizen
    found more than once (which one would it update?); "copy" takes them as they are."""
    known = {k.position: k for k in find_known(session, citizens)}
    if known and on_existing == "refuse":
        raise AlreadyImported(list(known.values()))
    if on_existing == "update":
        twice = [k for k in known.values() if len(k.existing_ids) > 1]
        if twice:
            raise UserError("exchange_identity.ambiguous", lines="; ".join(describe(k, lang) for k in twice))
    return known


def find_known(session: Session, citizens: Iterable[CitizenIn]) -> list[KnownCitizen]:
    """The file's citizens already in the database, in file order (one indexed query)."""
    identities = [citizen_identity(c.name, c.birth_date) for c in citizens]
    if not identities:
        return []
    found: dict[str, list[int]] = defaultdict(list)
    wanted = sorted(set(identities))
    for start in range(0, len(wanted), _BATCH):
        rows = session.execute(
            select(col(Citizen.exchange_identity), col(Citizen.id))
            .where(col(Citizen.exchange_identity).in_(wanted[start : start + _BATCH]))
            .order_by(col(Citizen.id))
        )
        for identity, citizen_id in rows:
            found[identity].append(citizen_id)
    return [
        KnownCitizen(position=n, name=c.name, birth_date=c.birth_date, existing_ids=tuple(found[key]))
        for n, (c, key) in enumerate(zip(citizens, identities, strict=True))
        if key in found
    ]
