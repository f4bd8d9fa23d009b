"""Min plan (AppTest): logged in for the chosen citizen. The citizen's own link: test_citizen_link.py."""

from __future__ import annotations

import base64

from sqlmodel import select

from models.citizen_links import create_citizen_link
from models.db import session_scope
from models.tables import Goal, Meeting, UnmetNeed
from tests.factories import make_actor
from tests.pages.conftest import APP, TIMEOUT, shown_texts, text_tables

PAGE = "pages/my_plan.py"
GOAL = "Jeg vil gerne i praktik i en børnehave 🌱"


def texts(at) -> list[str]:
    return shown_texts(at)


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


def chart_markup(url: str) -> str:
    """The SVG of an image shown as a data URL."""
    prefix = "data:image/svg+xml;base64,"
    assert url.startswith(prefix)
    return base64.b64decode(url[len(prefix):]).decode()


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
    # The chart is a picture drawn on the server (ui/chart_image.py), with its text alternative.
    (chart,) = [image for element in at.get("image") for image in element.proto.imgs]
    assert chart.alt.startswith("Graf: dine mål på skalaen 0-10")
    svg = chart_markup(chart.url)
    assert svg.startswith("<svg") and "Skalering (0–10)" in svg and "Mål 1" in svg
    assert any(text.startswith("Mål 1: 4 den ") for text in shown)
    assert list(text_tables(at)[0].columns) == ["Mål", "Møde", "Skalering (0–10)"]
    # The citizen's version: no notes for the team, no unmet needs.
    assert "Kun til teamet." not in "\n".join(shown)
    assert "Et uløst behov." not in "\n".join(shown)


def test_staff_show_min_plan_for_the_chosen_citizen(open_page, ditte):
    add_staff_only_text(ditte)
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert_the_plan_is_shown(at)


def test_without_a_link_the_visitor_gets_the_login_page(ditte):
    at = open_link(None)
    assert at.title[0].value == "Log ind i Samplan"
