"""The plan in real Chromium: download the Word file and read it back; open the citizen's own
link in a fresh browser with no login and see that plan, and nothing else."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import docx
from playwright.sync_api import Page, expect
from sqlmodel import select

from models.db import session_scope
from models.tables import CitizenLink, utcnow
from tests.factories import (
    PASSWORD,
    make_action,
    make_citizen,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_score,
    make_user,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
GOALS = (
    "Jeg vil have styr på min angst, så jeg kan tage bussen alene.",
    "Jeg vil gerne i praktik i en børnehave til foråret 🌱",
)


def seed(database_url: str) -> None:
    with session_scope(write=True, url=database_url) as s:
        user = make_user(s, username="rasmus", full_name="Rasmus Holm")
        ditte = make_citizen(s, name="Ditte Mikkelsen")
        other = make_citizen(s, name="Anna Anden")
        rasmus = make_person(s, citizen=ditte, name="Rasmus Holm", department="Jobcenter",
                             title="koordinerende sagsbehandler", user=user, phone="12 34 56 78")  # fmt: skip
        ditte.contact_person_id = rasmus.id
        s.add(ditte)
        make_membership(s, citizen=ditte, user=user, person=rasmus)
        make_membership(s, citizen=other, user=user)
        make_consent(s, citizen=ditte)
        meetings = [
            make_meeting(s, citizen=ditte, status="held", participants=(rasmus,),
                         starts_at=utcnow() - timedelta(days=days))  # fmt: skip
            for days in (240, 120, 10)
        ]
        make_meeting(s, citizen=ditte, status="planned", starts_at=datetime(2027, 2, 10, 9, 0, tzinfo=UTC),
                     preparation={"when_hard": "Jeg ringer til min mor."})  # fmt: skip
        for words, scores in zip(GOALS, ((2, 4, 5), (3, 3, 6)), strict=True):
            goal = make_goal(s, citizen=ditte, own_words=words)
            for meeting, score in zip(meetings, scores, strict=True):
                make_score(s, goal=goal, meeting=meeting, score=score)
        make_action(s, citizen=ditte, goal=goal, owner_is_citizen=True,
                    text="Ringe til børnehaven Solsikken.")  # fmt: skip
        make_action(s, citizen=ditte, goal=goal, owner=rasmus, trial=True,
                    text="Prøve en mentor i fire uger.")  # fmt: skip
        make_goal(s, citizen=other, own_words="Annas eget mål, som Ditte aldrig må se.")


def log_in_and_open_the_plan(page: Page, wait_for_app, choose_option) -> None:
    page.get_by_label("Brugernavn").fill("rasmus")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    wait_for_app(page)
    choose_option(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first, "Ditte Mikkelsen")
    wait_for_app(page)
    page.get_by_role("link", name="Planen").click()
    expect(page.get_by_role("heading", name="Planen", exact=True)).to_be_visible()
    expect(page.get_by_text(GOALS[0], exact=True)).to_be_visible()
    wait_for_app(page)


def test_the_word_file_downloads_and_the_citizen_link_opens_without_login(
    app_server, page: Page, new_context, wait_for_app, choose_option, tmp_path: Path
) -> None:
    seed(app_server.database_url)
    page.goto(app_server.url)
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()
    wait_for_app(page)
    log_in_and_open_the_plan(page, wait_for_app, choose_option)

    # The citizen's version as Word, through a real browser download.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Hent borgerens udgave (Word)").click()
    download = download_info.value
    assert download.suggested_filename == "plan-ditte-mikkelsen-min-plan.docx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    document = docx.Document(io.BytesIO(target.read_bytes()))
    assert document.core_properties.title == "Min plan – Ditte Mikkelsen"
    paragraphs = [p.text for p in document.paragraphs]
    for words in GOALS:
        assert words in paragraphs
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Dig selv" in cells and "Prøvehandling: Prøve en mentor i fire uger." in cells

    # A personal link for two weeks, shown once.
    page.get_by_role("radio", name="14 dage").check()
    wait_for_app(page)
    page.get_by_role("button", name="Lav et nyt link").click()
    expect(page.get_by_text("Linket er lavet.", exact=False)).to_be_visible()
    wait_for_app(page)
    with session_scope(url=app_server.database_url) as s:
        [made] = s.exec(select(CitizenLink)).all()
        assert made.expires_at - made.created_at == timedelta(days=14)
    expect(page.get_by_role("button", name="Luk alle links og lav et nyt")).to_be_visible()
    url = page.get_by_test_id("stCode").inner_text().strip()
    assert url.startswith(app_server.url) and "?link=" in url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 2400})
    wait_for_app(page)
    page.screenshot(path=str(SCREENSHOTS / "plan-page.png"))

    # A fresh browser context: no cookies, no login, nothing shared with the staff user's tab.
    citizen = new_context(viewport={"width": 1280, "height": 900})
    try:
        home = citizen.new_page()
        home.goto(url)
        expect(home.get_by_role("heading", name="Hej Ditte")).to_be_visible()  # her own page (issue 20)
        expect(home.get_by_text(GOALS[1], exact=True)).to_be_visible()
        wait_for_app(home)
        expect(home.get_by_text("Annas eget mål", exact=False)).to_have_count(0)
        expect(home.get_by_test_id("stSidebar")).to_have_count(0)
        expect(home.get_by_label("Adgangskode")).to_have_count(0)
        expect(home.get_by_test_id("stException")).to_have_count(0)
        home.set_viewport_size({"width": 1280, "height": 2600})  # Streamlit scrolls inside its own box
        wait_for_app(home)
        home.screenshot(path=str(SCREENSHOTS / "my-plan-link.png"))

        # A wrong token: one neutral sentence, nothing of the plan.
        home.goto(url[:-3] + "xyz")
        expect(home.get_by_text("Linket virker ikke", exact=False)).to_be_visible()
        wait_for_app(home)
        expect(home.get_by_text(GOALS[1], exact=True)).to_have_count(0)
    finally:
        citizen.close()


def test_min_plan_shows_the_progress_chart_as_a_picture_with_its_words(
    app_server, page: Page, wait_for_app, choose_option
) -> None:
    """The chart is drawn on the server (ui/chart_image.py): the browser gets a picture that loads
    under the page's content security policy, with a text alternative, and the same numbers in words."""
    seed(app_server.database_url)
    page.goto(app_server.url)
    log_in_and_open_the_plan(page, wait_for_app, choose_option)
    page.get_by_role("link", name="Min plan").click()
    expect(page.get_by_role("heading", name="Min plan", exact=True)).to_be_visible()
    wait_for_app(page)
    chart = page.get_by_role("img", name=re.compile(r"^Graf: dine mål på skalaen 0-10"))
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG loaded and drew
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600  # as wide as its column, not a thumbnail
    expect(page.get_by_text(re.compile(r"^Mål 1: 2 den .*, 4 den .*, 5 den "))).to_be_visible()
