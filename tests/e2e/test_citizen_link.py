"""The citizen's own link in real Chromium (issue 20), on a phone (390x844) and a desktop: each
citizen action end to end, the team seeing it afterwards, a reload, a link revoked mid-session,
another citizen's link, 'Læs op' in Danish, and axe-core with 0 serious/critical findings on every
state. Phone screenshots go to out/screens/citizen/ (git ignores out/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from models.citizen_links import revoke_citizen_link
from models.db import session_scope
from models.tables import Action, AgendaProposal, CitizenMessage, CitizenPlanAnswer, Preparation
from tests.e2e.accessibility import findings
from tests.factories import PASSWORD
from tests.models.citizen_fixtures import make_voice

SHOTS = Path(__file__).resolve().parents[2] / "out" / "screens" / "citizen"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
# Records what 'Læs op' asks the browser to say (headless Chromium has no voice to hear).
SPEECH_SPY = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang});
}
"""


@pytest.fixture
def voice(e2e_database_url, monkeypatch):
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", e2e_database_url)
    return make_voice()


def state(page: Page, wait_for_app, name: str, *, shot: bool, show: str | None = None) -> None:
    """One state of the citizen's page: idle, no blocking axe finding, and its screenshot (with the
    section `show` scrolled into view: Streamlit scrolls inside its own container)."""
    wait_for_app(page)
    assert findings(page) == [], name
    if shot:
        SHOTS.mkdir(parents=True, exist_ok=True)
        if show is not None:
            section(page, show).scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}.png"))


def section(page: Page, key: str):
    return page.locator(f".st-key-{key}")


def citizen_journey(page: Page, url: str, wait_for_app, *, shot: bool) -> None:
    page.add_init_script(SPEECH_SPY)
    page.goto(url)
    expect(page.get_by_role("heading", name="Hej Ditte")).to_be_visible()
    state(page, wait_for_app, "01-opened", shot=shot)
    assert "link=opened" in page.url and url.split("?link=")[1] not in page.url  # the token is gone

    # Læs op: the section's own words, with a Danish voice.
    section(page, "citizen-agreements").get_by_role("button", name="Læs op").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken and spoken[-1]["lang"] == "da-DK" and "Ringe til tandlægen" in spoken[-1]["text"]

    prep = section(page, "citizen-prep")
    prep.get_by_label("Det vigtigste for mig nu (1)").fill("At få en praktikplads")
    prep.get_by_label("Det vil jeg ikke tale om, når alle hører det").fill("Min gæld")
    prep.get_by_label("Dem vil jeg have med til mødet").fill("Min mor")
    prep.get_by_role("button", name="Gem").click()
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text("Tak. Det er gemt.")).to_be_visible()
    state(page, wait_for_app, "02-prepared", shot=shot, show="citizen-prep")

    agenda = section(page, "citizen-agenda")
    agenda.get_by_label("Nyt punkt").fill("Min bolig")
    agenda.get_by_role("button", name="Send punktet").click()
    expect(section(page, "citizen-agenda").get_by_text("Mødelederen har ikke svaret endnu.")).to_be_visible()
    state(page, wait_for_app, "03-proposed", shot=shot, show="citizen-agenda")

    goals = section(page, "citizen-goals")
    goals.get_by_text("Det er ikke sådan, jeg vil sige det").click()
    goals.get_by_label("Sådan vil jeg sige det").fill("Jeg vil arbejde med dyr.")
    goals.get_by_role("button", name="Gem svar").click()
    expect(section(page, "citizen-goals").get_by_text("Du har svaret: Det er ikke sådan")).to_be_visible()
    plan = section(page, "citizen-plan-answer")
    plan.get_by_text("Jeg er enig", exact=True).click()
    plan.get_by_role("button", name="Gem svar").click()
    expect(section(page, "citizen-plan-answer").get_by_text("Du har svaret: Jeg er enig.")).to_be_visible()
    state(page, wait_for_app, "04-answered", shot=shot, show="citizen-goals")

    section(page, "citizen-agreements").get_by_role("button", name="Det har jeg gjort").click()
    expect(section(page, "citizen-agreements").get_by_text("Det har du gjort.")).to_be_visible()
    expect(section(page, "citizen-agreements").get_by_text("Rasmus er i gang.")).to_be_visible()
    state(page, wait_for_app, "05-ticked", shot=shot, show="citizen-agreements")

    message = section(page, "citizen-message")
    message.get_by_label("Din besked (højst 500 tegn)").fill("Jeg har brug for at tale med dig.")
    message.get_by_role("button", name="Send besked").click()
    expect(section(page, "citizen-message").get_by_text("Den er ikke læst endnu.")).to_be_visible()
    state(page, wait_for_app, "06-message", shot=shot, show="citizen-message")


def team_sees_it(page: Page, app_url: str, voice, wait_for_app) -> None:
    page.goto(f"{app_url}?citizen={voice.citizen_id}")  # the citizen chosen at login (a deep link)
    page.get_by_label("Brugernavn").fill(voice.staff.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    # Opfølgning, the contact person's start page: the message, and "Læst".
    card = page.locator(".st-key-my-msg-1")
    expect(card.get_by_text("Jeg har brug for at tale med dig.")).to_be_visible()
    wait_for_app(page)
    card.get_by_role("button", name="Læst").click()
    expect(page.get_by_test_id("stAlertContentSuccess").get_by_text("Beskeden er markeret")).to_be_visible()
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Planen", exact=True).click()
    expect(page.get_by_text("Mål 1: Det er ikke sådan, jeg vil sige det", exact=False)).to_be_visible()
    expect(page.get_by_text("Jeg vil arbejde med dyr.")).to_be_visible()
    expect(page.get_by_text("Borgeren er enig i planen", exact=False)).to_be_visible()
    wait_for_app(page)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_citizen_acts_through_the_link_and_the_team_sees_it(
    voice, app_server, new_context, wait_for_app, size
):
    viewport = PHONE if size == "phone" else DESKTOP
    citizen = new_context(viewport=viewport).new_page()
    citizen_journey(citizen, f"{app_server.url}?link={voice.token}", wait_for_app, shot=size == "phone")
    with session_scope() as s:
        assert s.exec(select(Preparation.who_to_invite)).all() == ["Min mor"]
        assert s.exec(select(AgendaProposal.text)).all() == ["Min bolig"]
        assert len(s.exec(select(CitizenPlanAnswer)).all()) == 2
        assert s.get(Action, voice.my_action_id).status == "done"
        assert s.exec(select(CitizenMessage.text)).all() == ["Jeg har brug for at tale med dig."]
    # A reload: the token is gone, so the page asks for the link again (and shows nothing else).
    citizen.reload()
    expect(citizen.get_by_role("heading", name="Åbn linket fra din sms eller mail igen.")).to_be_visible()
    state(citizen, wait_for_app, "07-reloaded", shot=size == "phone")
    assert "Ditte" not in citizen.content()

    # The team works at a desk (the menu is folded away on a phone).
    team_sees_it(new_context(viewport=DESKTOP).new_page(), app_server.url, voice, wait_for_app)
    with session_scope() as s:
        assert s.exec(select(CitizenMessage)).one().read_at is not None


def test_a_link_revoked_mid_session_and_another_citizens_link(voice, app_server, new_context, wait_for_app):
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{app_server.url}?link={voice.token}")
    expect(page.get_by_role("heading", name="Hej Ditte")).to_be_visible()
    wait_for_app(page)
    with session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=voice.staff, citizen_id=voice.citizen_id, link_id=voice.link_id)
    section(page, "citizen-message").get_by_label("Din besked (højst 500 tegn)").fill("Er du der?")
    section(page, "citizen-message").get_by_role("button", name="Send besked").click()
    expect(page.get_by_role("heading", name="Linket virker ikke mere", exact=False)).to_be_visible()
    state(page, wait_for_app, "08-revoked", shot=True)
    with session_scope() as s:
        assert s.exec(select(CitizenMessage)).all() == []
    page.reload()  # still nothing of Ditte's
    expect(page.get_by_role("heading", name="Åbn linket fra din sms eller mail igen.")).to_be_visible()

    other = new_context(viewport=PHONE).new_page()
    other.goto(f"{app_server.url}?link={voice.other_token}")
    expect(other.get_by_role("heading", name="Hej Anna")).to_be_visible()
    wait_for_app(other)
    text = other.content()
    assert "Annas aftale" in text and "Ditte" not in text and "tandlægen" not in text
    assert findings(other) == []
