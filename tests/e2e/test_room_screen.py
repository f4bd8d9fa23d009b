"""The room screen in real Chromium, next to the leader's logged-in browser (issue 17).

Two browser contexts: the leader logged in through the form, and the room screen opened through
the room link (no login). Changes are saved through models/ in this process into the server's
own database, as the leader's panel saves them; the room screen must show each room-visible one
within 2 s, never any professional-only text, never scroll at 1280×720 or 1920×1080, pass axe
with no serious or critical finding, and stop at the close.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from models.access import Actor
from models.actions import create_agreement
from models.db import session_scope
from models.goals import add_goal, score_goal
from models.meeting_mode import (
    add_decision,
    add_unmet_need,
    close_meeting,
    give_word,
    go_to_agenda_item,
    open_meeting,
    record_citizen_response,
)
from models.tables import Meeting, UserAccount, today
from tests.factories import (
    PASSWORD,
    make_action,
    make_citizen,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)

SCREENS = Path(__file__).resolve().parents[2] / "out" / "screens" / "room"
SIZES = ((1280, 720), (1920, 1080))
LIVE_MS = 2000  # the room sees a save by anyone within 2 s
SECRETS = (
    "HEMMELIG-FAGLIG-NOTE",  # a goal's professional note
    "IKKE-TALE-OM-BROR",  # what the citizen asked not to raise
    "ULØST-BEHOV-BOLIG",  # an unmet need
    "12345678",  # a professional's phone number
    "rasmus@kommune.dk",  # ... and e-mail
    "Anden Borger",  # another citizen
)


def seed(url: str) -> dict:
    with session_scope(write=True, url=url) as s:
        user = make_user(s, username="rasmus", full_name="Rasmus Holm")
        ditte = make_citizen(s, name="Ditte Mikkelsen", phone="87654321")
        other = make_citizen(s, name="Anden Borger")
        rasmus = make_person(s, citizen=ditte, name="Rasmus Holm", department="Jobcenter", user=user,
                             is_coordinator=True, phone="12345678", email="rasmus@kommune.dk")  # fmt: skip
        lone = make_person(s, citizen=ditte, name="Lone Mikkelsen", kind="private", relation="søster")
        make_membership(s, citizen=ditte, user=user, person=rasmus)
        make_membership(s, citizen=other, user=user)
        make_consent(s, citizen=ditte)
        make_goal(s, citizen=other, own_words="Anden Borger vil flytte.")
        held = make_meeting(s, citizen=ditte, status="held", starts_at=today_utc(-90), participants=(rasmus,))
        make_action(s, citizen=ditte, owner_is_citizen=True, agreed_at=held,
                    text="Ringe til børnehaven Solsikken.")  # fmt: skip
        meeting = make_meeting(
            s, citizen=ditte, status="planned", starts_at=today_utc(0), participants=(rasmus, lone),
            leader=rasmus,
            preparation={"matters_most": "At I taler til mig, ikke om mig.", "dream": "Et arbejde med børn.",
                         "not_to_raise": "IKKE-TALE-OM-BROR"},
        )  # fmt: skip
        ids = {"user_id": user.id, "citizen_id": ditte.id, "meeting_id": meeting.id, "rasmus_id": rasmus.id,
               "lone_id": lone.id, "version": meeting.version}  # fmt: skip
    actor = leader(url, ids["user_id"])
    with session_scope(write=True, url=url) as s:
        open_meeting(session=s, actor=actor, meeting_id=ids["meeting_id"], seen_version=ids["version"])
    return ids


def today_utc(days: int):
    from models.tables import utcnow

    return (utcnow() + timedelta(days=days)).replace(microsecond=0)


def leader(url: str, user_id: int) -> Actor:
    with session_scope(url=url) as s:
        user = s.get(UserAccount, user_id)
        assert user is not None
        return Actor.from_user(user)


def save(url: str, fn, **kwargs):
    with session_scope(write=True, url=url) as s:
        return fn(session=s, **kwargs)


def check_room(room: Page, name: str, *, axe: bool = False) -> None:
    """At both sizes: no professional-only text in the DOM, no scrolling, a screenshot."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        room.set_viewport_size({"width": width, "height": height})
        expect(room.locator("main.room")).to_be_visible()
        text = room.evaluate("document.documentElement.innerHTML")
        assert [s for s in SECRETS if s in text] == []
        fits = room.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
        assert fits, (name, width, height, room.evaluate("document.documentElement.scrollHeight"))
        room.screenshot(path=str(SCREENS / f"{name}-{width}x{height}.png"))
    if axe:
        results = Axe().run(room)
        violations = results.response["violations"]
        serious = [v["id"] for v in violations if v.get("impact") in ("serious", "critical")]
        assert serious == []
        assert room.evaluate("document.documentElement.lang") == "da"


def test_the_room_follows_the_meeting_and_shows_only_what_the_room_may_see(
    app_server, new_context, wait_for_app, choose_option
) -> None:
    url = app_server.database_url
    ids = seed(url)
    actor = leader(url, ids["user_id"])
    mid, cid = ids["meeting_id"], ids["citizen_id"]

    # The leader, logged in through the form on the laptop.
    laptop = new_context(viewport={"width": 1280, "height": 800}).new_page()
    laptop.goto(app_server.url)
    laptop.get_by_label("Brugernavn").fill("rasmus")
    laptop.get_by_label("Adgangskode").fill(PASSWORD)
    laptop.get_by_role("button", name="Log ind").click()
    expect(laptop.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")).to_be_visible()
    wait_for_app(laptop)
    choose_option(laptop.get_by_test_id("stSidebar").get_by_test_id("stSelectbox"), "Ditte Mikkelsen")
    wait_for_app(laptop)
    laptop.get_by_role("link", name="Mødet").click()
    wait_for_app(laptop)
    # Mødet makes the room link and the code as it draws; one click on the link opens the room screen.
    opener = laptop.get_by_role("link", name="Åbn rumskærm")  # one click: the link is there
    expect(opener).to_be_visible()
    wait_for_app(laptop)
    expect(laptop.locator(".room-code")).to_have_text(re.compile(r"^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$"))
    address = urljoin(laptop.url, opener.get_attribute("href"))
    assert "/?room=" in address

    # The room screen, through its link in a browser nobody is logged in on: no login, no sidebar.
    room = new_context(viewport={"width": 1280, "height": 720}).new_page()
    room.goto(address)
    expect(room.get_by_text("At I taler til mig, ikke om mig.")).to_be_visible()
    expect(room.get_by_test_id("stSidebar")).to_have_count(0)
    check_room(room, "1-attendance", axe=True)

    # Professional-only things saved while the room watches: none of it reaches the screen.
    save(url, add_unmet_need, actor=actor, meeting_id=mid, text="ULØST-BEHOV-BOLIG")
    goal = save(url, add_goal, actor=actor, citizen_id=cid, own_words="Jeg vil tage bussen alene.",
                professional_note="HEMMELIG-FAGLIG-NOTE")  # fmt: skip
    save(url, go_to_agenda_item, actor=actor, meeting_id=mid, index=2)  # the goals step
    expect(room.get_by_text("Jeg vil tage bussen alene.")).to_be_visible(timeout=LIVE_MS)
    save(url, score_goal, actor=actor, goal_id=goal.id, meeting_id=mid, score=6)
    expect(room.get_by_text("6 af 10")).to_be_visible(timeout=LIVE_MS)
    check_room(room, "3-goals")

    save(url, go_to_agenda_item, actor=actor, meeting_id=mid, index=1)  # the status round
    expect(room.get_by_text("Ringe til børnehaven Solsikken.")).to_be_visible(timeout=LIVE_MS)
    check_room(room, "2-status")

    save(url, go_to_agenda_item, actor=actor, meeting_id=mid, index=3)  # new agreements
    due = today() + timedelta(days=14)
    for n, (text, owner) in enumerate(
        [("Finde tre praktiksteder i nærheden.", ids["rasmus_id"]),
         ("Tage med til første besøg.", ids["lone_id"]),
         ("Købe et buskort.", None), ("Ringe til lægen om medicinen.", None)]
    ):  # fmt: skip
        save(url, create_agreement, actor=actor, citizen_id=cid, text=text, owner_person_id=owner,
             owner_is_citizen=owner is None, due_on=due + timedelta(days=n), meeting_id=mid)  # fmt: skip
        expect(room.get_by_text(text)).to_be_visible(timeout=LIVE_MS)
    # Four agreements, three a page: the newest one's page is shown; then the pages take turns.
    expect(room.get_by_text("Aftaler 4–4 af 4")).to_be_visible()
    expect(room.get_by_text("Lone Mikkelsen · Senest", exact=False)).to_be_visible()
    check_room(room, "4-agreements")

    save(url, go_to_agenda_item, actor=actor, meeting_id=mid, index=4)  # decisions
    save(url, add_decision, actor=actor, meeting_id=mid, text="Ditte får en mentor i praktikken.")
    expect(room.get_by_text("Ditte får en mentor i praktikken.")).to_be_visible(timeout=LIVE_MS)
    check_room(room, "5-decisions")

    # The citizen has the word: the room sees her share of the speaking time.
    save(url, give_word, actor=actor, meeting_id=mid, to_citizen=True)
    expect(room.get_by_text("Ditte har haft ordet 100 % af tiden")).to_be_visible(timeout=LIVE_MS)
    save(url, go_to_agenda_item, actor=actor, meeting_id=mid, index=5)  # the read-back
    expect(room.get_by_text("Det har vi aftalt")).to_be_visible(timeout=LIVE_MS)
    check_room(room, "6-close", axe=True)

    # The close ends the link: the screen says so and shows nothing else.
    with session_scope(url=url) as s:
        version = s.get(Meeting, mid).version
    save(url, record_citizen_response, actor=actor, meeting_id=mid, seen_version=version, agrees=True)
    save(url, close_meeting, actor=actor, meeting_id=mid)
    expect(room.get_by_text("Rumskærmen er lukket.", exact=False)).to_be_visible(timeout=LIVE_MS)
    expect(room.get_by_text("Det har vi aftalt")).to_have_count(0)
    check_room(room, "7-closed")
    room.goto(address)
    expect(room.get_by_text("Rumskærmen er lukket.", exact=False)).to_be_visible()
    expect(room.get_by_text("Ditte")).to_have_count(0)
