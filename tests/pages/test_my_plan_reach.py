"""Min plan says "ring" only with the number to ring (issue 18, point 3)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import Person
from tests.pages.conftest import shown_texts

PAGE = "pages/my_plan.py"


def _reach_text(at) -> str:
    (block,) = [text for text in shown_texts(at) if "kontaktperson" in text and "Du " in text]
    return block.replace("\u00a0", " ")


def _set_contact(**values) -> None:
    with session_scope(write=True) as s:
        rasmus = s.exec(select(Person).where(Person.name == "Rasmus Holm")).one()
        for field, value in values.items():
            setattr(rasmus, field, value)
        s.add(rasmus)


@pytest.mark.parametrize(
    ("phone", "email", "expected"),
    [
        ("12345678", None, "Du kan altid ringe til din kontaktperson, Rasmus Holm, på 12 34 56 78."),
        (None, "rasmus@kommune.example",
         "Du kan altid skrive til din kontaktperson, Rasmus Holm, på rasmus@kommune.example."),
        (None, None, "Du kan altid kontakte din kontaktperson, Rasmus Holm. "
                     "Spørg ved næste møde, hvordan du bedst får fat i Rasmus Holm."),
    ],
)  # fmt: skip
def test_the_contact_sentence_has_the_number_or_does_not_say_ring(open_page, ditte, phone, email, expected):
    _set_contact(phone=phone, email=email)
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.exception
    shown = _reach_text(at)
    assert expected in shown
    if phone is None:
        assert "ring" not in shown.lower()
    else:  # and the contact block shows the number the same way
        blocks = [text.replace("\u00a0", " ") for text in shown_texts(at)]
        assert any("12 34 56 78" in b and "Rasmus Holm," in b for b in blocks)
