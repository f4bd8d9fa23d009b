"""Steps 1-7 of Forberedelse in real Chromium from an empty database: a caseworker creates the
citizen, records consent, builds the team and network, plans and confirms the meeting, sees the
agenda, writes the citizen's preparation with her, and downloads both invitations."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import icalendar
from playwright.sync_api import Locator, Page, expect

from models.db import session_scope
from models.users import create_user

PASSWORD = "korrekt-hest-batteri"
OUT = Path(__file__).resolve().parents[2] / "out"
PREPARED = "Jeg vil kunne tage bussen alene og hente min datter 🚌"


def form(page: Page, text: str) -> Locator:
    """The visible st.form that holds `text` (a label or a button only that form has)."""
    return page.get_by_test_id("stForm").filter(has_text=text).filter(visible=True).first


def tab(page: Page, name: str, shows: str, wait_for_app) -> None:
    """Open a step. Only the open step is built, so the click reruns the page: wait until the step
    shows `shows` (text only that step has), then until the run is over."""
    # react-aria may briefly keep a hidden copy of the tab bar: click the visible tab.
    step = page.get_by_role("tab", name=name).filter(visible=True).first
    step.click()
    expect(step).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text(shows).filter(visible=True).first).to_be_visible()
    wait_for_app(page)


def submit(page: Page, where: Locator, label: str, expected: str, wait_for_app) -> None:
    where.get_by_role("button", name=label).click()
    expect(page.get_by_text(expected).filter(visible=True).first).to_be_visible()
    wait_for_app(page)


def test_before_the_meeting_steps_1_to_7(
    page: Page, app_server, wait_for_app, choose_option, tmp_path
) -> None:
    with session_scope(write=True, url=app_server.database_url) as s:
        create_user(
            session=s,
            username="rasmus",
            full_name="Rasmus Holm",
            email="rasmus@kommune.dk",
            role="staff",
            password=PASSWORD,
        )
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_server.url)
    page.get_by_label("Brugernavn").fill("rasmus")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("link", name="Forberedelse")).to_be_visible()
    wait_for_app(page)
    page.get_by_role("link", name="Forberedelse").click()

    # 1. The citizen
    create = form(page, "Opret borger")
    expect(create).to_be_visible()
    create.get_by_label("Borgerens navn").fill("Ditte Mikkelsen")
    create.get_by_label("E-mail (valgfri)").fill("ditte@example.dk")
    submit(page, create, "Opret borger", "Borgeren Ditte Mikkelsen er oprettet", wait_for_app)

    # 3. Team and network (before consent, so the flags have someone to flag)
    tab(page, "3 · Team og netværk", "Tilføj en fagperson", wait_for_app)
    for name, department, email in (
        ("Rasmus Holm", "Jobcenter", "rasmus@kommune.dk"),
        ("Sara Berg", "Psykiatrien", "sara@region.dk"),
    ):
        pro = form(page, "Afdeling eller ekstern part")
        pro.get_by_label("Navn").fill(name)
        pro.get_by_label("Afdeling eller ekstern part").fill(department)
        pro.get_by_label("E-mail (valgfri)").fill(email)
        if name == "Rasmus Holm":
            pro.get_by_text("Koordinerende sagsbehandler").click()
        submit(page, pro, "Tilføj", f"{name} er tilføjet.", wait_for_app)
    private = form(page, "Relation (fx mor")
    private.get_by_label("Navn").fill("Lone Mikkelsen")
    private.get_by_label("Relation (fx mor, ven, bisidder)").fill("mor")
    private.get_by_label("E-mail (valgfri)").fill("lone@example.dk")
    submit(page, private, "Tilføj", "Lone Mikkelsen er tilføjet.", wait_for_app)

    # 2. Consent: a joint plan, and sharing with the Jobcenter only
    tab(page, "2 · Samtykke", "Alle samtykker (historikken", wait_for_app)
    consent = form(page, "Parter (afdelinger")
    consent.get_by_text("Samtykke til fælles plan").click()
    consent.get_by_text("Skriftligt").click()
    submit(page, consent, "Registrér et samtykke", "Samtykket er registreret.", wait_for_app)
    tab(page, "2 · Samtykke", "Alle samtykker (historikken", wait_for_app)
    consent = form(page, "Parter (afdelinger")
    consent.get_by_role("textbox", name="Parter (afdelinger eller eksterne – én pr. linje)").fill("Jobcenter")
    consent.get_by_label("Hvad må deles (med almindelige ord)").fill("Det, der har betydning for planen.")
    consent.get_by_text("Mundtligt").click()
    submit(page, consent, "Registrér et samtykke", "Samtykket er registreret.", wait_for_app)
    tab(page, "2 · Samtykke", "Alle samtykker (historikken", wait_for_app)
    expect(page.get_by_text("Der er gyldigt samtykke til den fælles plan.")).to_be_visible()

    # 1. The contact person
    tab(page, "1 · Borger", "Én indgang: borgerens kontaktperson", wait_for_app)
    contact = form(page, "Kontaktperson")
    choose_option(contact.get_by_test_id("stSelectbox"), "Lone Mikkelsen, mor")
    submit(page, contact, "Gem", "Kontaktpersonen er gemt.", wait_for_app)

    # 4. The meeting: a draft first, then confirmed
    tab(page, "4 · Mødet", "Hvem inviteres", wait_for_app)
    meeting = form(page, "Hvem inviteres")
    meeting.get_by_label("Sted").fill("Rådhuset, mødelokale 2")
    people = meeting.get_by_test_id("stMultiSelect")
    for option in ("Rasmus Holm, Jobcenter", "Sara Berg, Psykiatrien", "Lone Mikkelsen, mor"):
        choose_option(people, option)
    page.keyboard.press("Escape")
    for chosen in ("Rasmus Holm, Jobcenter", "Lone Mikkelsen, mor"):
        expect(people.get_by_text(chosen, exact=False).first).to_be_visible()
    boxes = meeting.get_by_test_id("stSelectbox")
    choose_option(boxes.nth(0), "Rasmus Holm, Jobcenter")
    choose_option(boxes.nth(1), "Rasmus Holm, Jobcenter")
    submit(page, meeting, "Gem som udkast", "Mødet er gemt som udkast.", wait_for_app)
    tab(page, "4 · Mødet", "Hvem inviteres", wait_for_app)
    expect(
        page.get_by_text("Samme person er både mødeleder og referent").filter(visible=True).first
    ).to_be_visible()
    expect(page.get_by_text("Sara Berg: ingen gyldigt samtykke").filter(visible=True).first).to_be_visible()
    tab(page, "7 · Invitationer", "Mødet er stadig et udkast", wait_for_app)
    expect(page.get_by_role("button", name="Hent kalenderfil (.ics)")).to_have_count(0)
    tab(page, "4 · Mødet", "Hvem inviteres", wait_for_app)
    page.get_by_role("button", name="Bekræft mødet").click()
    expect(page.get_by_text("Mødet er bekræftet.").filter(visible=True).first).to_be_visible()
    wait_for_app(page)

    # 5. The agenda adds up to the meeting's length; the roles have their checklists
    tab(page, "5 · Dagsorden og roller", "Hvem gør hvad – før, under", wait_for_app)
    expect(page.get_by_text("I alt 60 af 60 minutter.")).to_be_visible()
    expect(page.get_by_text("Giv borgeren ordet først – og flere gange.")).to_be_visible()

    # 6. The citizen's own words
    tab(page, "6 · Borgerens forberedelse", "Teksten gemmes ordret", wait_for_app)
    prep = form(page, "Min drøm eller mit håb")
    prep.get_by_label("Det vigtigste for mig lige nu (1 af 3)").fill("At komme ud af huset hver dag")
    prep.get_by_label("Min drøm eller mit håb").fill(PREPARED)
    prep.get_by_role("textbox", name="Det vil jeg ikke tale om, mens alle hører på").fill("Min far")
    submit(page, prep, "Gem borgerens forberedelse", "Borgerens forberedelse er gemt ordret.", wait_for_app)

    # 7. Invitations: Sara is left out and the user is told why; both files download
    tab(page, "7 · Invitationer", "Udeladt på grund af manglende samtykke: Sara Berg", wait_for_app)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / "prepare-invitations.png"), full_page=True, animations="disabled")

    with page.expect_download() as ics_download:
        page.get_by_role("button", name="Hent kalenderfil (.ics)").click()
    ics_path = tmp_path / "meeting.ics"
    ics_download.value.save_as(ics_path)
    calendar = icalendar.Calendar.from_ical(ics_path.read_bytes())
    (event,) = calendar.walk("VEVENT")
    attendees = sorted(str(a) for a in event.get("attendee"))
    assert attendees == ["mailto:ditte@example.dk", "mailto:lone@example.dk", "mailto:rasmus@kommune.dk"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert str(event.decoded("dtstart").tzinfo) in ("Europe/Copenhagen", "CET", "CEST")
    assert PREPARED not in ics_path.read_text(encoding="utf-8")

    with page.expect_download() as letter_download:
        page.get_by_role("button", name="Hent brev til borgeren (Word)").click()
    letter_path = OUT / "letter.docx"
    letter_download.value.save_as(letter_path)
    letter = docx.Document(io.BytesIO(letter_path.read_bytes()))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert PREPARED in text and "At komme ud af huset hver dag" in text
    assert "Min far" not in text
    assert "Vi mangler dit samtykke til at dele oplysninger med: Sara Berg (Psykiatrien)." in text

    tab(page, "3 · Team og netværk", "Tilføj en fagperson", wait_for_app)
    page.screenshot(path=str(OUT / "prepare-team.png"), full_page=True, animations="disabled")
