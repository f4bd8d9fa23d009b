"""A newcomer's first minutes in real Chromium: create the first administrator, load the demo,
pick Ditte, and read her goals in her own words."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "korrekt-hest-batteri"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


def test_first_admin_loads_the_demo_and_reads_dittes_goals(
    app_page: Page, wait_for_app, choose_option
) -> None:
    page = app_page
    expect(page.get_by_role("heading", name="Velkommen til Samplan")).to_be_visible()
    page.get_by_label("Fulde navn").fill("Anne Admin")
    page.get_by_label("Brugernavn").fill("anne")
    page.get_by_label("Adgangskode (mindst 10 tegn)").fill(PASSWORD)
    page.get_by_label("Gentag adgangskoden").fill(PASSWORD)
    page.get_by_role("button", name="Opret administrator").click()

    expect(page.get_by_text("Administratoren er oprettet, og du er logget ind.")).to_be_visible()
    wait_for_app(page)
    page.get_by_role("button", name="Indlæs demodata").click()
    wait_for_app(page)  # loading the demo is the longest script run; this waits for its end
    expect(page.get_by_text("Demodata er indlæst.")).to_be_visible()

    choose_option(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox"), "Ditte Mikkelsen")
    wait_for_app(page)
    page.get_by_role("link", name="Planen").click()
    expect(page.get_by_role("heading", name="Planen")).to_be_visible()
    for words in (
        "Jeg vil være en god mor for min datter og kunne klare mig selv.",
        "Jeg vil have styr på min angst, så jeg kan tage bussen alene.",
        "Jeg vil gerne i praktik i en børnehave til foråret.",
    ):
        expect(page.get_by_text(words, exact=True)).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "plan-ditte.png"), full_page=True)
