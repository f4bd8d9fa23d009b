"""The hostile texts typed into real forms (AppTest): no exception element ever, a Danish message
where the input is refused, and what the user typed still in the field afterwards.

Lone surrogates are left out here: a browser cannot send them (Streamlit's messages are UTF-8
protobuf), so they can only arrive through the importer and the domain functions, where
tests/reliability/test_bad_input.py sends them.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import Citizen, Preparation
from tests.factories import make_user
from tests.reliability.hostile import TEXTS, ids

TYPEABLE = tuple(case for case in TEXTS if case.kind != "surrogate")
DANISH = ("Feltet", "tegn", "ikke", "skal", "gyldig")


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _outcome(at) -> str:
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    if errors:
        assert all(any(word in message for word in DANISH) for message in errors), errors
        return "refused"
    return "saved"


@pytest.mark.parametrize("case", TYPEABLE, ids=ids(TYPEABLE))
def test_a_new_citizens_name(open_page, db_url, case):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
    at = open_page("pages/prepare.py", user=user)
    at.text_input(key="nc-name-0").input(case.value)
    at.radio(key="nc-coordinator-0").set_value("no")  # the form asks (issue 25)
    _button(at, "Opret borger").click().run()
    if _outcome(at) == "refused":
        assert at.text_input(key="nc-name-0").value == case.value  # nothing typed is lost
        with session_scope() as s:
            assert s.execute(select(Citizen)).scalars().all() == []  # nothing half-saved
    else:
        with session_scope() as s:
            name = s.execute(select(Citizen.name)).scalar_one()
        assert "\x00" not in name and "\x1b" not in name and "\n" not in name


@pytest.mark.parametrize("case", TYPEABLE, ids=ids(TYPEABLE))
def test_the_citizens_preparation(open_page, ditte, case):
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    at.session_state["prepare-step"] = "6 · Borgerens forberedelse"  # only the open step is built
    at.run()
    field = next(a for a in at.text_area if a.key.startswith("prep-dream-"))
    field.input(case.value)
    _button(at, "Gem borgerens forberedelse").click().run()
    if _outcome(at) == "refused":
        field = next(a for a in at.text_area if a.key.startswith("prep-dream-"))
        assert field.value == case.value
    else:
        with session_scope() as s:
            dreams = s.execute(select(Preparation.dream)).scalars().all()
        assert all("\x00" not in (d or "") for d in dreams)  # a lone NUL is dropped: empty
