"""How the citizen reaches their contact person, in one sentence — the same in Min plan, the
Word plan and the invitation letter.

The sentence says "ring" only when there is a number to ring, and then it gives the number;
without one it says how else to reach the person (their e-mail, or to ask at the next meeting).
"""

from __future__ import annotations

from typing import Literal, Protocol

from models.i18n import DEFAULT_LANGUAGE, translate
from models.phone import phone_for_reading

Occasion = Literal["when_hard", "questions"]


class Reachable(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def email(self) -> str | None: ...


def how_to_reach(contact: Reachable | None, lang: str = DEFAULT_LANGUAGE, *, occasion: Occasion) -> str:
    """"Ring til Rasmus Holm på 12 34 56 78, …", or the e-mail, or where to ask, or that no
    contact person has been chosen yet (`occasion` picks the sentence's purpose)."""
    if contact is None:
        return translate(f"reach.{occasion}.none", lang)
    phone = phone_for_reading(contact.phone)
    if phone:
        return translate(f"reach.{occasion}.phone", lang, name=contact.name, phone=phone)
    if contact.email:
        return translate(f"reach.{occasion}.email", lang, name=contact.name, email=contact.email)
    return translate(f"reach.{occasion}.neither", lang, name=contact.name)
