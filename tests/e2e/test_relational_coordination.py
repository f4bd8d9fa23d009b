"""Relational coordination in real Chromium on the demo (issue 24): Rasmus answers a round on
his phone (390 x 844) in a few taps, axe-core finds nothing serious or critical in the survey,
and Mette, the demo's leader, reads the demo's before/after on Overblik, axe-clean too, gets
the CSV with the same "< 5" as the screen, and opens the form that starts a round (axe-clean)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from models.access import Actor
from models.db import session_scope
from models.relational_coordination import DIMENSIONS
from models.relational_coordination_rounds import open_round
from models.tables import Department, RcAnswer, RcRespondent, UserAccount, today
from tests.e2e.accessibility import findings
from tests.e2e.conftest import log_in

SCREENS = Path(__file__).resolve().parents[2] / "out" / "screens" / "rc"


@pytest.fixture
def demo_round(e2e_database_url: str, demo_copy) -> str:
    """The demo, and a round Mette opened today for Jobcenter, Sundhed and Socialafdelingen."""
    result = demo_copy(e2e_database_url)
    assert result.password
    with session_scope(write=True, url=e2e_database_url) as s:
        mette = s.exec(select(UserAccount).where(UserAccount.username == "mette")).one()
        wanted = ("Jobcenter", "Sundhed", "Socialafdelingen")
        ids = [d.id for d in s.exec(select(Department)).all() if d.name in wanted]
        open_round(session=s, actor=Actor.from_user(mette), name="Pulsmåling december", starts_on=today(),
                   ends_on=today() + timedelta(days=13), department_ids=ids)  # fmt: skip
    return result.password


def _blocking(page: Page) -> list:
    return [(f["rule"], f["count"], f["where"][:1]) for f in findings(page)]


def test_a_phone_answer_and_the_leaders_figures(demo_round, app_server, new_context, wait_for_app,
                                                choose_option) -> None:  # fmt: skip
    SCREENS.mkdir(parents=True, exist_ok=True)
    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    log_in(phone, app_server.url, "rasmus", demo_round)
    survey = phone.locator("[class*='st-key-rc-survey-']")
    expect(survey.get_by_text("Kort spørgeskema: samarbejdet mellem afdelingerne")).to_be_visible()
    survey.get_by_text("Svar på spørgeskemaet").click()
    wait_for_app(phone)
    choose_option(survey.get_by_test_id("stMultiSelect"), "Sundhed", exact=True)
    wait_for_app(phone)
    phone.keyboard.press("Escape")
    questions = survey.get_by_test_id("stRadio")
    expect(questions).to_have_count(len(DIMENSIONS))
    for n in range(len(DIMENSIONS)):
        choice = "Ved ikke" if n == 2 else "4 Meget"
        questions.nth(n).get_by_text(choice, exact=True).click()
    phone.screenshot(path=str(SCREENS / "survey-phone.png"))
    assert _blocking(phone) == []
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the survey is {width} px wide on a 390 px phone"
    survey.get_by_role("button", name="Send mine svar").click()
    expect(phone.get_by_text("Tak for dine svar. De er gemt uden dit navn.")).to_be_visible()
    wait_for_app(phone)
    with session_scope(url=app_server.database_url) as s:
        rasmus = s.exec(select(UserAccount).where(UserAccount.username == "rasmus")).one()
        assert s.exec(select(RcRespondent).where(RcRespondent.user_id == rasmus.id)).one()
        mine = s.exec(
            select(RcAnswer).where(
                RcAnswer.frequent == 4, RcAnswer.accurate.is_(None), RcAnswer.mutual_respect == 4
            )
        ).all()
    assert len(mine) >= 1

    desk = new_context(viewport={"width": 1440, "height": 1000}).new_page()
    log_in(desk, app_server.url, "mette", demo_round)
    desk.get_by_test_id("stSidebarNav").get_by_role("link", name="Overblik", exact=True).click()
    section = desk.get_by_role("heading", name="Samarbejde mellem afdelinger (relationel koordinering)")
    expect(section).to_be_visible()
    wait_for_app(desk)
    section.scroll_into_view_if_needed()
    expect(desk.get_by_text("ikke en rangering af personer", exact=False)).to_be_visible()
    expect(desk.get_by_test_id("stMetric").filter(has_text="Samlet indeks")).to_be_visible()
    desk.get_by_text("Afdeling om afdeling", exact=True).scroll_into_view_if_needed()
    desk.screenshot(path=str(SCREENS / "overview-results.png"))
    assert _blocking(desk) == []
    with desk.expect_download() as download:
        desk.get_by_role("button", name="Hent samarbejdstallene som CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("Tal;Afdeling, der svarede;Om afdeling;Mål;Værdi")
    assert ";< 5" in text  # the demo's one small cell is hidden in the file as on the screen

    desk.get_by_test_id("stExpander").locator("summary").filter(has_text="Start en ny runde").click()
    expect(desk.get_by_label("Rundens navn")).to_be_visible()
    wait_for_app(desk)
    assert _blocking(desk) == []  # the form that starts a round
