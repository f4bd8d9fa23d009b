"""Min plan (AppTest): logged in for the chosen citizen, and through the citizen's own link."""

from __future__ import annotations

import json

from sqlmodel import select

from models.citizen_links import create_citizen_link, revoke_citizen_link
from models.db import session_scope
from models.tables import AuditEvent, Goal, Meeting, UnmetNeed
from tests.factories import make_actor
from tests.pages.conftest import APP, TIMEOUT

PAGE = "pages/my_plan.py"
GOAL = "Jeg vil gerne i praktik i en børnehave 🌱"


def texts(at) -> list[str]:
    return [element.value for element in at.text]


def open_link(token: str | None):
    """A visitor with no login who opens the app with ?link=TOKEN."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if token is not None:
        at.query_params["link"] = token
    at.run()
    return at


def make_link(ditte) -> tuple[str, int]:
    with session_scope(write=True) as s:
        actor = make_actor(ditte.staff_user)
        created = create_citizen_link(session=s, actor=actor, citizen_id=ditte.citizen.id)
    return created.token, created.id


def add_staff_only_text(ditte) -> None:
    with session_scope(write=True) as s:
        goal = s.exec(select(Goal)).first()
        goal.professional_note = "Kun til teamet."
        held = s.exec(select(Meeting).where(Meeting.status == "held")).one()
        s.add(UnmetNeed(meeting_id=held.id, citizen_id=ditte.citizen.id, text="Et uløst behov."))


def assert_the_plan_is_shown(at) -> None:
    assert not at.exception
    assert at.title[0].value == "Min plan"
    shown = texts(at)
    assert GOAL in shown
    assert "Sådan går det nu: 4 af 10" in shown
    assert "• Ringe til børnehaven Solsikken." in "\n".join(shown)  # what I do
    assert any("Rasmus Holm: Undersøge praktikpladser" in text for text in shown)  # what the others do
    assert any(text.startswith("Rasmus Holm, koordinerende sagsbehandler, Jobcenter") for text in shown)
    # The chart, and the same numbers in words and as a plain table.
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    assert spec["mark"]["type"] == "line" and spec["encoding"]["y"]["scale"]["domain"] == [0, 10]
    assert any(text.startswith("Mål 1: 4 den ") for text in shown)
    assert list(at.dataframe[0].value.columns) == ["Mål", "Møde", "Skalering (0–10)"]
    # The citizen's version: no notes for the team, no unmet needs.
    assert "Kun til teamet." not in "\n".join(shown)
    assert "Et uløst behov." not in "\n".join(shown)


def test_staff_show_min_plan_for_the_chosen_citizen(open_page, ditte):
    add_staff_only_text(ditte)
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert_the_plan_is_shown(at)


def test_the_citizen_opens_their_plan_through_the_link_without_logging_in(ditte):
    add_staff_only_text(ditte)
    token, link_id = make_link(ditte)
    at = open_link(token)
    assert_the_plan_is_shown(at)
    assert not at.sidebar.selectbox  # no citizen picker, no menu: only this plan
    assert "login_token" not in at.session_state
    with session_scope() as s:
        views = s.exec(select(AuditEvent).where(AuditEvent.action == "link.view")).all()
    assert [(v.outcome, v.citizen_id, v.entity_id) for v in views] == [("ok", ditte.citizen.id, link_id)]


def test_a_wrong_or_revoked_link_shows_one_neutral_sentence_and_nothing_else(ditte):
    token, link_id = make_link(ditte)
    with session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=make_actor(ditte.staff_user), citizen_id=ditte.citizen.id,
                            link_id=link_id)  # fmt: skip
    for wrong in (token, "et-gæt", token[:-1]):
        at = open_link(wrong)
        assert not at.exception
        assert [i.value for i in at.info] == [
            "Linket virker ikke. Det kan være udløbet eller tilbagekaldt. "
            "Spørg din kontaktperson om et nyt link."
        ]
        assert not at.title and not at.text and not at.dataframe and not at.text_input
        assert "Ditte" not in str(at)


def test_without_a_link_the_visitor_gets_the_login_page(ditte):
    at = open_link(None)
    assert at.title[0].value == "Log ind i Samplan"
