"""Borgerens data: the access log for the coordinator, the copy, and erasure by an administrator."""

from sqlmodel import select

from models.db import session_scope
from models.tables import Citizen
from tests.pages.conftest import ROOT

PAGE = "pages/citizen_data.py"


def test_the_coordinator_sees_who_has_looked_at_the_citizens_data(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.exception
    assert at.title[0].value == "Borgerens data"
    log = at.dataframe[0].value
    assert "rights.read" in set(log["Hvad"]) and "Rasmus Holm" in set(log["Hvem"])
    assert at.get("download_button")  # the citizen's copy is offered


def test_someone_off_the_team_sees_nothing(open_page, ditte):
    at = open_page(user=ditte.outsider)
    at.session_state["citizen_id"] = ditte.citizen.id
    at.switch_page(str(ROOT / PAGE)).run()
    assert "Du har ikke adgang til denne borger" in at.error[0].value
    assert not at.dataframe


def test_erasure_needs_the_exact_name_and_says_so_in_danish(open_page, ditte):
    at = open_page(PAGE, user=ditte.admin, citizen_id=ditte.citizen.id)
    at.text_input(key="erase_name").input("Ditte")
    at.button[0].click().run()
    assert "Skriv borgerens navn nøjagtigt" in at.error[0].value
    at.text_input(key="erase_name").input("Ditte Mikkelsen")
    at.button[0].click().run()
    assert not at.exception
    with session_scope() as s:
        assert s.execute(select(Citizen)).scalars().all() == []
