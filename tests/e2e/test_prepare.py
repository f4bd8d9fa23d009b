"""Steps 1-7 of Forberedelse in real Chromium from an empty database, forward only (issue 25): a
caseworker creates the citizen and is on the team as coordinator at once, records consent by
picking departments from the municipality's list, builds the team and network and chooses the
contact person there, plans and confirms the meeting, sees the agenda, writes the citizen's
preparation with her, and downloads both invitations. A screenshot of every step goes to
out/screens/prep/ (git ignores out/). A second test: a letter downloaded before the preparation
was written is flagged as out of date, and a fresh download clears the flag."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import icalendar
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from models import departments
from models.access import Actor
from models.db import session_scope
from models.tables import InvitationLetter, UserAccount
from models.users import create_user

PASSWORD = "korrekt-hest-batteri"
OUT = Path(__file__).resolve().parents[2] / "out"
SCREENS = OUT / "screens" / "prep"
PREPARED = "Jeg vil kunne tage bussen alene og hente min datter 🚌"


def form(page: Page, text: str) -> Locator:
    """The visible st.form that holds `text` (a label or a button only that form has)."""
    return page.get_by_test_id("stForm").filter(has_text=text).filter(visible=True).first


def tab(page: Page, name: str, shows: str, wait_for_app) -> None:
    """Open a step (a pill in the row of steps, ui/choice_group.py). Only the open step is built,
    so the click reruns the page: wait until the step shows `shows` (text only that step has),
    then until the run is over."""
    steps = page.locator(".st-key-prepare-steps")
    steps.locator("label").filter(has_text=name).click()
    expect(steps.get_by_role("radio", name=name, exact=True)).to_be_checked()
    expect(page.get_by_text(shows).filter(visible=True).first).to_be_visible()
    wait_for_app(page)


def submit(page: Page, where: Locator, label: str, expected: str, wait_for_app) -> None:
    where.get_by_role("button", name=label).click()
    expect(page.get_by_text(expected).filter(visible=True).first).to_be_visible()
    wait_for_app(page)


def shoot(page: Page, name: str, at: Locator | None = None) -> None:
    """A screenshot of what the user sees, scrolled to `at` first when given."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    if at is not None:
        at.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True, animations="disabled")


def municipality(database_url: str) -> None:
    """An administrator's department list, and Rasmus (Jobcenter) with an account."""
    with session_scope(write=True, url=database_url) as s:
        admin = create_user(session=s, username="anne", full_name="Anne Admin", email="anne@kommune.dk",
                            role="admin", password=PASSWORD)  # fmt: skip
        boss = Actor(user_id=admin.id, username="anne", full_name="Anne Admin", role="admin")
        for name in ("Jobcenter", "Psykiatrien", "Familieafdelingen"):
            departments.add_department(session=s, actor=boss, name=name)
        rasmus = create_user(session=s, username="rasmus", full_name="Rasmus Holm",
                             email="rasmus@kommune.dk", role="staff", password=PASSWORD)  # fmt: skip
        s.get_one(UserAccount, rasmus.id).department_id = departments.match(s, "Jobcenter").id


def log_in(page: Page, app_server, wait_for_app) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(app_server.url)
    page.get_by_label("Brugernavn").fill("rasmus")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("link", name="Forberedelse")).to_be_visible()
    wait_for_app(page)
    page.get_by_role("link", name="Forberedelse").click()


def create_citizen(page: Page, wait_for_app) -> None:
    create = form(page, "Opret borger")
    expect(create).to_be_visible()
    create.get_by_label("Borgerens navn").fill("Ditte Mikkelsen")
    create.get_by_label("E-mail (valgfri)").fill("ditte@example.dk")
    create.get_by_text("Ja", exact=True).click()  # "Er du koordinerende sagsbehandler?"
    shoot(page, "0-new-citizen", create.get_by_role("button", name="Opret borger"))
    submit(page, create, "Opret borger", "Borgeren Ditte Mikkelsen er oprettet", wait_for_app)


def test_before_the_meeting_steps_1_to_7_forward_only(
    page: Page, app_server, wait_for_app, choose_option, tmp_path
) -> None:
    municipality(app_server.database_url)
    log_in(page, app_server, wait_for_app)

    # 1. The citizen: created with the creator as coordinator; the contact person comes in step 3.
    create_citizen(page, wait_for_app)
    expect(page.get_by_text("Borgeren har ikke valgt en kontaktperson endnu.")).to_be_visible()
    expect(page.get_by_role("button", name="Vælg kontaktperson under 3 · Team og netværk")).to_be_visible()
    shoot(page, "1-citizen", page.get_by_role("button", name="Vælg kontaktperson under 3 · Team og netværk"))
    # The details are read first (no phone yet); the form unfolds, saves, and the details follow.
    facts = page.locator(".sp-key-citizen-facts")
    expect(facts.get_by_text("Ikke oplyst")).to_have_count(2)  # no date of birth, no phone
    page.get_by_test_id("stExpander").locator("summary").filter(has_text="Ret borgerens oplysninger").click()
    edit = form(page, "Telefon (valgfri)")
    expect(edit).to_be_visible()
    wait_for_app(page)
    edit.get_by_label("Telefon (valgfri)").fill("12 34 56 78")
    submit(page, edit, "Gem", "Gemt.", wait_for_app)
    expect(facts.get_by_text("12 34 56 78")).to_be_visible()
    expect(facts.get_by_text("Ikke oplyst")).to_have_count(1)

    # 2. Consent, opened with the keyboard: the steps are radio buttons, the arrow keys choose, and
    # the focus stays on the step chosen. Then a joint plan, and sharing with the Jobcenter.
    steps = page.locator(".st-key-prepare-steps")
    steps.get_by_role("radio", name="1 · Borger", exact=True).focus()
    page.keyboard.press("ArrowRight")
    expect(steps.get_by_role("radio", name="2 · Samtykke", exact=True)).to_be_checked()
    expect(page.get_by_text("Alle samtykker (historikken").first).to_be_visible()
    wait_for_app(page)
    expect(steps.get_by_role("radio", name="2 · Samtykke", exact=True)).to_be_focused()
    expect(page.get_by_text("Der er ikke gyldigt samtykke til den fælles plan").first).to_be_visible()
    consent = form(page, "Afdelinger, der må tale sammen")
    consent.get_by_text("Samtykke til fælles plan").click()
    consent.get_by_text("Skriftligt").click()
    submit(page, consent, "Registrér et samtykke", "Samtykket er registreret.", wait_for_app)
    consent = form(page, "Afdelinger, der må tale sammen")
    choose_option(consent.get_by_test_id("stMultiSelect"), "Jobcenter", exact=True)
    page.keyboard.press("Escape")
    consent.get_by_label("Hvad må deles (med almindelige ord)").fill("Det, der har betydning for planen.")
    consent.get_by_text("Mundtligt").click()
    submit(page, consent, "Registrér et samtykke", "Samtykket er registreret.", wait_for_app)
    expect(page.get_by_text("Der er gyldigt samtykke til den fælles plan.")).to_be_visible()
    shoot(page, "2-consent")

    # 3. Team and network: Rasmus is on it already (covered: the consent names his department)
    tab(page, "3 · Team og netværk", "Tilføj en fagperson", wait_for_app)
    expect(page.locator(".sp-key-prep-team table")).to_contain_text("Rasmus")
    pro = form(page, "Brugerkonto i Samplan")
    pro.get_by_label("Navn").fill("Sara Berg")
    choose_option(pro.get_by_test_id("stSelectbox").first, "Psykiatrien", exact=True)
    pro.get_by_label("E-mail (valgfri)").fill("sara@region.dk")
    submit(page, pro, "Tilføj", "Sara Berg er tilføjet.", wait_for_app)
    private = form(page, "Relation (fx mor")
    private.get_by_label("Navn").fill("Lone Mikkelsen")
    private.get_by_label("Relation (fx mor, ven, bisidder)").fill("mor")
    private.get_by_label("E-mail (valgfri)").fill("lone@example.dk")
    submit(page, private, "Tilføj", "Lone Mikkelsen er tilføjet.", wait_for_app)
    contact = form(page, "Gem kontaktperson")
    choose_option(contact.get_by_test_id("stSelectbox"), "Lone Mikkelsen, mor")
    submit(page, contact, "Gem kontaktperson", "Kontaktpersonen er gemt.", wait_for_app)
    expect(page.get_by_text("Sara Berg: ingen gyldigt samtykke").filter(visible=True).first).to_be_visible()
    shoot(page, "3-team-contact")
    team = page.locator(".sp-key-prep-team table")
    expect(team.get_by_role("row")).to_have_count(4)  # the headings, Rasmus, Sara and Lone
    expect(team).to_contain_text("Lone Mikkelsen")
    shoot(page, "3-team", team)

    # 4. The meeting: a draft first (said to be a suggestion), then confirmed
    tab(page, "4 · Mødet", "Hvem inviteres", wait_for_app)
    meeting = form(page, "Hvem inviteres")
    meeting.get_by_label("Sted").fill("Rådhuset, mødelokale 2")
    people = meeting.get_by_test_id("stMultiSelect")
    for option in ("Rasmus Holm, Jobcenter", "Sara Berg, Psykiatrien", "Lone Mikkelsen, mor"):
        choose_option(people, option)
    page.keyboard.press("Escape")
    boxes = meeting.get_by_test_id("stSelectbox")
    choose_option(boxes.nth(0), "Rasmus Holm, Jobcenter")
    choose_option(boxes.nth(1), "Lone Mikkelsen, mor")
    submit(page, meeting, "Gem som udkast", "Mødet er gemt som udkast.", wait_for_app)
    expect(page.get_by_text("ikke aftalt endnu").filter(visible=True).first).to_be_visible()
    shoot(page, "4-meeting-draft")
    page.get_by_role("button", name="Bekræft mødet").click()
    expect(page.get_by_text("Mødet er bekræftet.").filter(visible=True).first).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_text("ikke aftalt endnu")).to_have_count(0)
    shoot(page, "4-meeting-confirmed")

    # 5. The agenda adds up to the meeting's length; the roles have their checklists
    tab(page, "5 · Dagsorden og roller", "Hvem gør hvad – før, under", wait_for_app)
    expect(page.get_by_text("I alt 60 af 60 minutter.")).to_be_visible()
    shoot(page, "5-agenda")

    # 6. The citizen's own words
    tab(page, "6 · Borgerens forberedelse", "Teksten gemmes ordret", wait_for_app)
    prep = form(page, "Min drøm eller mit håb")
    prep.get_by_label("Det vigtigste for mig lige nu (1 af 3)").fill("At komme ud af huset hver dag")
    prep.get_by_label("Min drøm eller mit håb").fill(PREPARED)
    prep.get_by_role("textbox", name="Det vil jeg ikke tale om, mens alle hører på").fill("Min far")
    submit(page, prep, "Gem borgerens forberedelse", "Borgerens forberedelse er gemt ordret.", wait_for_app)
    shoot(page, "6-preparation")

    # 7. Invitations: Sara is left out and the user is told why; both files download
    tab(page, "7 · Invitationer", "Udeladt på grund af manglende samtykke: Sara Berg", wait_for_app)
    expect(page.get_by_test_id("stException")).to_have_count(0)

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
    letter_path = tmp_path / "letter.docx"
    letter_download.value.save_as(letter_path)
    wait_for_app(page)
    letter = docx.Document(io.BytesIO(letter_path.read_bytes()))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert PREPARED in text and "At komme ud af huset hver dag" in text
    assert "Min far" not in text
    assert "Vi mangler dit samtykke til at dele oplysninger med: Sara Berg (Psykiatrien)." in text
    shoot(page, "7-invitations")


def test_a_letter_fetched_before_the_preparation_is_flagged_until_a_fresh_one_is_fetched(
    page: Page, app_server, wait_for_app, choose_option, tmp_path
) -> None:
    municipality(app_server.database_url)
    log_in(page, app_server, wait_for_app)
    create_citizen(page, wait_for_app)
    tab(page, "4 · Mødet", "Hvem inviteres", wait_for_app)
    meeting = form(page, "Hvem inviteres")
    meeting.get_by_label("Sted").fill("Rådhuset")
    choose_option(meeting.get_by_test_id("stMultiSelect"), "Rasmus Holm, Jobcenter")
    page.keyboard.press("Escape")
    boxes = meeting.get_by_test_id("stSelectbox")
    choose_option(boxes.nth(0), "Rasmus Holm, Jobcenter")
    choose_option(boxes.nth(1), "Rasmus Holm, Jobcenter")
    submit(page, meeting, "Gem som udkast", "Mødet er gemt som udkast.", wait_for_app)
    page.get_by_role("button", name="Bekræft mødet").click()
    expect(page.get_by_text("Mødet er bekræftet.").filter(visible=True).first).to_be_visible()
    wait_for_app(page)

    # The letter is fetched before the citizen has written anything.
    tab(page, "7 · Invitationer", "Kalenderinvitationen får", wait_for_app)
    with page.expect_download() as first:
        page.get_by_role("button", name="Hent brev til borgeren (Word)").click()
    first.value.save_as(tmp_path / "first.docx")
    wait_for_app(page)
    with session_scope(url=app_server.database_url) as s:
        assert len(s.execute(select(InvitationLetter)).scalars().all()) == 1  # stored at the click

    # Then the citizen's preparation is written: the letter on the table is out of date.
    tab(page, "6 · Borgerens forberedelse", "Teksten gemmes ordret", wait_for_app)
    prep = form(page, "Min drøm eller mit håb")
    prep.get_by_label("Min drøm eller mit håb").fill(PREPARED)
    submit(page, prep, "Gem borgerens forberedelse", "Borgerens forberedelse er gemt ordret.", wait_for_app)
    tab(page, "7 · Invitationer", "Kalenderinvitationen får", wait_for_app)
    stale = page.get_by_text("er ældre end det, der står nu (forberedelsen er ændret). Hent et nyt.")
    expect(stale).to_be_visible()
    shoot(page, "7-letter-out-of-date")
    with page.expect_download() as second:
        page.get_by_role("button", name="Hent brev til borgeren (Word)").click()
    second.value.save_as(tmp_path / "second.docx")
    assert PREPARED in "\n".join(p.text for p in docx.Document(tmp_path / "second.docx").paragraphs)
    wait_for_app(page)
    tab(page, "6 · Borgerens forberedelse", "Teksten gemmes ordret", wait_for_app)
    tab(page, "7 · Invitationer", "Kalenderinvitationen får", wait_for_app)
    expect(page.get_by_text("svarer til det, der står nu.")).to_be_visible()
    expect(stale).to_have_count(0)
