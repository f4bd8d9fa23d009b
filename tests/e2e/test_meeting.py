"""A whole network meeting on the leader's control panel in real Chromium, two devices editing one
goal, add forms that save once and clear, and the early-start question.

The data is seeded through models/ into the server's own database (a demo-like Ditte); the
result is checked through models/ as well: the stored plan version is what the room agreed.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect
from sqlmodel import select

from models.access import Actor
from models.db import session_scope
from models.formatting import local
from models.meeting_mode import open_meeting
from models.tables import Action, Citizen, Goal, Meeting, PlanVersion, today, utcnow
from tests.e2e.conftest import go_to_step
from tests.factories import (
    PASSWORD,
    make_action,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_score,
    make_user,
)

OUT = Path(__file__).resolve().parents[2] / "out"
WORDS = "At komme ud af huset hver dag – og at I taler til mig, ikke om mig."
NEW_GOAL = "Jeg vil bage rugbrød med min søster på Ærø 🍞"
# Where the meeting shows what it agreed and decided: the same words may still be in a form's text
# area (its text counts as text too), so look for them in the list, not anywhere on the page.
AGREEMENTS = '[class*="st-key-meet-agreement-text-"]'
DECISIONS = '[class*="st-key-meet-decision-"]'
SCREENS = OUT / "screens" / "panel"


def seed(url: str, *, running: bool = False, days_ahead: int = 0) -> dict:
    from tests.factories import make_citizen

    with session_scope(write=True, url=url) as s:
        rasmus_user = make_user(s, username="rasmus", full_name="Rasmus Holm")
        mette_user = make_user(s, username="mette", full_name="Mette Skov")
        ditte = make_citizen(s, name="Ditte Mikkelsen")
        rasmus = make_person(s, citizen=ditte, name="Rasmus Holm", department="Jobcenter",
                             title="koordinerende sagsbehandler", user=rasmus_user, is_coordinator=True,
                             phone="12345678")  # fmt: skip
        mette = make_person(s, citizen=ditte, name="Mette Skov", department="Jobcenter",
                            title="jobkonsulent", user=mette_user)  # fmt: skip
        lone = make_person(s, citizen=ditte, name="Lone Mikkelsen", kind="private", relation="mor")
        pia = make_person(s, citizen=ditte, name="Pia Bech", department="Sundhed",
                          title="psykiatrisk sygeplejerske")  # fmt: skip
        ditte.contact_person_id = rasmus.id
        s.add(ditte)
        make_membership(s, citizen=ditte, user=rasmus_user, person=rasmus)
        make_membership(s, citizen=ditte, user=mette_user, person=mette)
        make_consent(s, citizen=ditte)
        held = make_meeting(s, citizen=ditte, status="held", starts_at=utcnow() - timedelta(days=120),
                            participants=(rasmus, lone, pia))  # fmt: skip
        goal = make_goal(s, citizen=ditte, own_words="Jeg vil gerne i praktik i en børnehave til foråret.")
        make_goal(s, citizen=ditte, own_words="Jeg vil have styr på min angst, så jeg kan tage bussen alene.",
                  area="health")  # fmt: skip
        make_score(s, goal=goal, meeting=held, score=4)
        earlier = make_action(s, citizen=ditte, goal=goal, owner_is_citizen=True, agreed_at=held,
                              text="Ringe til børnehaven Solsikken.")  # fmt: skip
        meeting = make_meeting(
            s, citizen=ditte, status="in_progress" if running else "planned",
            starts_at=(utcnow() + timedelta(days=days_ahead)).replace(microsecond=0),
            participants=(rasmus, mette, lone, pia), leader=rasmus,
            preparation={"matters_most": WORDS, "dream": "Et arbejde med børn og en lejlighed med altan 🌻"},
        )  # fmt: skip
        if running:
            s.flush()
            meeting.status = "planned"
            open_meeting(session=s, actor=Actor.from_user(rasmus_user), meeting_id=meeting.id, seen_version=1)
        return {"citizen_id": ditte.id, "goal_id": goal.id, "earlier_id": earlier.id,
                "meeting_id": meeting.id, "rasmus_id": rasmus.id, "lone_id": lone.id}  # fmt: skip


def log_in(page: Page, base_url: str, username: str, wait_for_app, choose_option) -> None:
    page.goto(base_url)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")).to_be_visible()
    wait_for_app(page)
    choose_option(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox"), "Ditte Mikkelsen")
    wait_for_app(page)
    page.get_by_role("link", name="Mødet").click()
    expect(page.get_by_role("heading", name="Ditte Mikkelsen")).to_be_visible()
    wait_for_app(page)


def step(page: Page, name: str, wait_for_app) -> None:
    go_to_step(page, name)


def pick_date(page: Page, scope, day) -> None:
    """Streamlit's date field commits a date picked in its calendar (typed digits need a blur)."""
    scope.get_by_test_id("stDateInputCalendarButton").click()
    calendar = page.get_by_role("dialog")
    label = f"{day:%A}, {day:%B} {day.day}, {day.year}"
    if calendar.get_by_role("button", name=label, exact=True).count() == 0:
        calendar.get_by_role("button", name="Next month").click()
    calendar.get_by_role("button", name=label, exact=True).click()
    expect(calendar).to_be_hidden()


def test_a_whole_meeting_for_ditte_ends_in_a_stored_plan_version(
    page: Page, app_server, wait_for_app, choose_option
) -> None:
    ids = seed(app_server.database_url)
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, app_server.url, "rasmus", wait_for_app, choose_option)
    expect(
        page.get_by_text("At komme ud af huset hver dag – og at I taler til mig, ikke om mig.")
    ).to_be_visible()

    page.get_by_role("button", name="Start mødet").click()
    expect(page.get_by_text("Velkomst og formål med mødet")).to_be_visible()
    wait_for_app(page)
    page.locator(f".st-key-meet-attendee-{ids['rasmus_id']}").get_by_text("Til stede").click()
    wait_for_app(page)
    page.locator(f".st-key-meet-attendee-{ids['lone_id']}").get_by_text("Til stede").click()
    expect(page.locator(".st-key-meet-controls").get_by_role("button", name="Lone Mikkelsen")).to_be_visible()
    wait_for_app(page)
    page.locator(".st-key-meet-controls").get_by_role("button", name="Ditte Mikkelsen").click()
    expect(page.get_by_text("Ordet har: Ditte Mikkelsen")).to_be_visible()
    wait_for_app(page)
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / "meeting-1920x1080.png"))
    page.set_viewport_size({"width": 1280, "height": 720})
    page.screenshot(path=str(OUT / "meeting-1280x720.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})

    # Status round: the citizen's earlier agreement is done.
    step(page, "2 Status på aftaler", wait_for_app)
    review = page.locator(f".st-key-meet-review-{ids['earlier_id']}")
    review.get_by_text("Udført", exact=True).click()
    review.get_by_role("textbox", name="Kort bemærkning").fill("Hun har ringet, og de vil gerne se hende.")
    review.get_by_role("button", name="Registrér").click()
    expect(page.get_by_text("Afsluttet på dette møde:")).to_be_visible()
    wait_for_app(page)

    # A new goal in her own words, with æøå and an emoji.
    step(page, "3 Mål", wait_for_app)
    adder = page.get_by_test_id("stExpander").filter(has_text="Nyt mål")  # folded: she has goals
    adder.get_by_text("Nyt mål", exact=True).click()
    wait_for_app(page)
    form = adder.get_by_test_id("stForm")
    words = form.get_by_role("textbox", name="Målet med borgerens egne ord")
    words.fill(NEW_GOAL)
    expect(words).to_have_value(NEW_GOAL)
    form.get_by_role("button", name="Tilføj mål").click()
    # Among the goals, not only in the form's text area (its text counts as text too).
    goals = page.locator('[class*="st-key-meet-goal-words-"]')
    expect(goals.get_by_text(NEW_GOAL, exact=True)).to_be_visible()
    wait_for_app(page)
    page.screenshot(path=str(OUT / "meeting-goals-1920x1080.png"))

    # Two agreements, each with an owner picked live and a date.
    step(page, "4 Nye aftaler", wait_for_app)
    for text, owner in (("Ditte ringer til Solsikken og aftaler en besøgsdag.", "Ditte Mikkelsen selv"),
                        ("Lone kører Ditte til det første besøg.", "Lone Mikkelsen, mor")):  # fmt: skip
        wait_for_app(page)
        form = page.get_by_test_id("stForm").filter(has_text="Ny aftale")
        form.get_by_role("textbox", name="Aftalen").fill(text)
        expect(page.get_by_role("dialog")).to_have_count(0)  # no calendar left open from before
        choose_option(form.get_by_test_id("stSelectbox").first, owner, exact=True)
        pick_date(page, form, today() + timedelta(days=14))
        form.get_by_role("button", name="Tilføj aftale").click()
        expect(page.locator(AGREEMENTS).get_by_text(text, exact=True)).to_be_visible()
        wait_for_app(page)

    # A decision.
    step(page, "5 Beslutninger", wait_for_app)
    page.get_by_role("textbox", name="Ny beslutning").fill("Ditte får en mentor fra januar.")
    page.get_by_role("button", name="Tilføj beslutning").click()
    expect(page.locator(DECISIONS).get_by_text("Ditte får en mentor fra januar.", exact=True)).to_be_visible()
    wait_for_app(page)

    # Read-back, the citizen agrees, close.
    step(page, "6 Afslutning", wait_for_app)
    expect(page.get_by_text("Det har vi aftalt")).to_be_visible()
    page.screenshot(path=str(OUT / "meeting-readback-1920x1080.png"), full_page=True)
    page.get_by_text("Ja, jeg er enig").click()
    page.get_by_role("button", name="Gem svaret").click()
    expect(page.get_by_text("Borgeren er enig i planen.")).to_be_visible()
    wait_for_app(page)
    page.get_by_role("button", name="Afslut mødet og gem planen").click()
    expect(page.get_by_text("Planversion 1 er gemt")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)

    with session_scope(url=app_server.database_url) as s:
        version = s.exec(select(PlanVersion)).one()
        meeting = s.get(Meeting, ids["meeting_id"])
        earlier = s.get(Action, ids["earlier_id"])
        drafts = s.exec(select(Meeting).where(Meeting.status == "draft")).all()
        new_goal = s.exec(select(Goal).where(Goal.own_words == NEW_GOAL)).one()
    snapshot = json.loads(version.snapshot_json)
    assert (version.number, version.meeting_id, meeting.status) == (1, ids["meeting_id"], "held")
    assert NEW_GOAL in [g["own_words"] for g in snapshot["goals"]]
    agreed = {a["text"]: a for a in snapshot["actions"] if a["agreed_at_meeting_id"] == ids["meeting_id"]}
    assert agreed["Ditte ringer til Solsikken og aftaler en besøgsdag."]["owner_is_citizen"] is True
    assert agreed["Lone kører Ditte til det første besøg."]["owner_person_id"] == ids["lone_id"]
    assert all(a["due_on"] == (today() + timedelta(days=14)).isoformat() for a in agreed.values())
    held = next(m for m in snapshot["meetings"] if m["id"] == ids["meeting_id"])
    assert held["decisions"] == ["Ditte får en mentor fra januar."]
    assert held["citizen_agrees"] is True
    assert earlier.status == "done"
    assert new_goal.status == "active"
    assert len(drafts) == 1 and drafts[0].starts_at > meeting.starts_at
    assert meeting.total_speaking_seconds >= meeting.citizen_speaking_seconds


@pytest.fixture
def two_devices(new_context):
    """Two browsers side by side (new_context closes them after the test)."""
    return [new_context(viewport={"width": 1600, "height": 1000}).new_page() for _ in range(2)]


def test_the_second_save_of_the_same_goal_is_refused_and_keeps_the_text(
    two_devices, app_server, wait_for_app, choose_option
):
    ids = seed(app_server.database_url, running=True)
    first, second = two_devices
    for page, user in ((first, "rasmus"), (second, "mette")):
        log_in(page, app_server.url, user, wait_for_app, choose_option)
        step(page, "3 Mål", wait_for_app)
        goal_box = page.locator(f".st-key-meet-goal-{ids['goal_id']}")
        goal_box.get_by_text("Ret målet").click()
        expect(goal_box.get_by_role("textbox", name="Målet med borgerens egne ord")).to_be_visible()

    def edit(page: Page, words: str):
        field = page.locator(f".st-key-meet-goal-{ids['goal_id']}").get_by_role(
            "textbox", name="Målet med borgerens egne ord"
        )
        field.fill(words)
        field.press("Tab")  # Streamlit saves a text area when it loses focus
        return field

    edit(first, "Jeg vil i praktik i en vuggestue i Århus.")
    expect(first.get_by_text("Jeg vil i praktik i en vuggestue i Århus.", exact=True).first).to_be_visible()
    wait_for_app(first)

    field = edit(second, "Jeg vil i praktik i en børnehave – helst Solsikken 🌻")
    expect(second.get_by_text("En anden har gemt en ændring her").first).to_be_visible()
    wait_for_app(second)
    expect(field).to_have_value("Jeg vil i praktik i en børnehave – helst Solsikken 🌻")
    with session_scope(url=app_server.database_url) as s:
        assert s.get(Goal, ids["goal_id"]).own_words == "Jeg vil i praktik i en vuggestue i Århus."


def test_a_double_click_on_tilfoej_aftale_saves_one_agreement_and_empties_the_box(
    page: Page, app_server, wait_for_app, choose_option
) -> None:
    ids = seed(app_server.database_url, running=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, app_server.url, "rasmus", wait_for_app, choose_option)
    step(page, "4 Nye aftaler", wait_for_app)
    text = "Ditte ringer til Solsikken og aftaler en besøgsdag."
    form = page.get_by_test_id("stForm").filter(has_text="Ny aftale")
    form.get_by_role("textbox", name="Aftalen").fill(text)
    form.get_by_role("button", name="Tilføj aftale").dblclick()
    expect(page.locator(AGREEMENTS).get_by_text(text, exact=True)).to_be_visible()
    wait_for_app(page)
    box = page.get_by_test_id("stForm").filter(has_text="Ny aftale").get_by_role("textbox", name="Aftalen")
    expect(box).to_have_value("")
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)  # the second click is quiet
    with session_scope(url=app_server.database_url) as s:
        made = s.exec(select(Action).where(Action.agreed_at_meeting_id == ids["meeting_id"])).all()
    assert [a.text for a in made] == [text]


def test_starting_a_meeting_planned_for_next_week_asks_first(
    page: Page, app_server, wait_for_app, choose_option
) -> None:
    ids = seed(app_server.database_url, days_ahead=7)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, app_server.url, "rasmus", wait_for_app, choose_option)
    with session_scope(url=app_server.database_url) as s:
        planned = s.get(Meeting, ids["meeting_id"]).starts_at
    page.get_by_role("button", name="Start mødet").click()
    day = format_date(local(planned).date(), "d. MMMM", locale="da_DK")
    expect(page.get_by_text(f"Mødet er planlagt til {day}. Start det nu?")).to_be_visible()
    wait_for_app(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "0-start-early-question.png"))
    with session_scope(url=app_server.database_url) as s:
        assert s.get(Meeting, ids["meeting_id"]).status == "planned"  # nothing started yet
    page.get_by_role("button", name="Ja, start mødet nu").click()
    expect(page.locator(".st-key-meet-steps")).to_be_visible()  # the agenda line of a running meeting
    wait_for_app(page)
    with session_scope(url=app_server.database_url) as s:
        meeting = s.get(Meeting, ids["meeting_id"])
    assert meeting.status == "in_progress" and local(meeting.starts_at).date() == today()


def test_screenshots_of_the_control_panel_in_every_step(
    page: Page, app_server, wait_for_app, choose_option
) -> None:
    """Not a check of looks: the pictures are for a person to look at (out/screens/panel/)."""
    ids = seed(app_server.database_url, running=True)
    with session_scope(write=True, url=app_server.database_url) as s:
        meeting = s.get(Meeting, ids["meeting_id"])
        make_action(s, citizen=s.get(Citizen, ids["citizen_id"]), owner_is_citizen=True,
                    agreed_at=meeting, text="Ditte ringer til Solsikken og aftaler en besøgsdag.",
                    due_on=today() + timedelta(days=14))  # fmt: skip
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, app_server.url, "rasmus", wait_for_app, choose_option)
    for n, name in enumerate(("1 Fremmøde", "2 Status på aftaler", "3 Mål", "4 Nye aftaler", "5 Beslutninger",
                              "6 Afslutning"), start=1):  # fmt: skip
        step(page, name, wait_for_app)
        expect(page.locator('.st-key-meet-steps label:has(input:checked)')).to_have_text(name)
        page.screenshot(path=str(SCREENS / f"{n}-{name.split(' ', 1)[1].replace(' ', '-')}.png"))
    expect(page.get_by_test_id("stException")).to_have_count(0)
