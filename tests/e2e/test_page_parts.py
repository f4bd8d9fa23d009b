"""Parts of pages that rerun alone (ui/fragments.py) in real Chromium: Opfølgning's own list, Mine
borgere's search and list, Mødet's goals step.

A click on a row or a save reruns only that part, not app.py, so the part checks the login
itself. Walked from the outside: the login ended in the database (another tab logged out, an
administrator ended it), the user's rights changed, the database failing in the part's run, and
the audit rows of what the part's own rerun showed.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, text
from sqlmodel import select, update

from models.access import Actor
from models.citizens import CITIZENS_PER_PAGE
from models.db import session_scope
from models.i18n import translate
from models.meeting_live import next_agenda_item
from models.tables import AuditEvent, GoalScore, LoginSession, Meeting, UserAccount
from tests.e2e.conftest import go_to_step, log_in, run_sequence
from tests.factories import make_citizen, make_membership

ROWS = ".st-key-fu-rows-overdue"


@pytest.fixture
def demo_password(e2e_database_url: str, demo_copy) -> str:
    result = demo_copy(e2e_database_url)
    assert result.password
    return result.password


def _my_list(page: Page, url: str, password: str, wait_for_app) -> None:
    log_in(page, url, "rasmus", password)  # Opfølgning is the start page
    expect(page.locator(ROWS).get_by_role("button").first).to_be_visible()
    wait_for_app(page)


def _audit_rows(url: str, action: str) -> int:
    with session_scope(url=url) as s:
        query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        return s.execute(query).scalar_one()


def test_a_click_in_the_part_after_the_login_ended_shows_the_login_page(
    demo_password, app_server, page: Page, wait_for_app
) -> None:
    _my_list(page, app_server.url, demo_password, wait_for_app)
    with session_scope(write=True, url=app_server.database_url) as s:
        rasmus = s.execute(select(UserAccount.id).where(UserAccount.username == "rasmus")).scalar_one()
        s.execute(update(LoginSession).where(LoginSession.user_id == rasmus).values(ended_at=func.now()))
    page.locator(ROWS).get_by_role("button").first.click()
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    wait_for_app(page)
    expect(page.locator(ROWS)).to_have_count(0)  # nothing of the list is left on the page
    expect(page.locator('[class*="st-key-fu_save_"]')).to_have_count(0)
    expect(page.get_by_test_id("stSidebar").get_by_role("link", name="Opfølgning")).to_have_count(0)


def test_a_click_in_the_part_after_the_rights_changed_redraws_the_whole_page(
    demo_password, app_server, page: Page, wait_for_app
) -> None:
    _my_list(page, app_server.url, demo_password, wait_for_app)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name="Overblik")).to_have_count(0)
    with session_scope(write=True, url=app_server.database_url) as s:
        s.execute(update(UserAccount).where(UserAccount.username == "rasmus").values(is_leader=True))
    page.locator(ROWS).get_by_role("button").first.click()
    # The part's own rerun saw another actor and ran the app instead: the menu is the new one.
    expect(sidebar.get_by_role("link", name="Overblik")).to_be_visible()
    expect(page.locator('[class*="st-key-fu_save_"]')).to_have_count(1)  # and the click still opened the card
    wait_for_app(page)


def test_the_part_s_own_rerun_is_audited_and_saves_with_its_confirmation(
    demo_password, app_server, page: Page, wait_for_app
) -> None:
    _my_list(page, app_server.url, demo_password, wait_for_app)
    before = _audit_rows(app_server.database_url, "follow_up.read_mine")
    page.locator(ROWS).get_by_role("button").first.click()
    save = page.locator('[class*="st-key-fu_save_"]').get_by_role("button")
    expect(save).to_be_visible()
    wait_for_app(page)
    after_row = _audit_rows(app_server.database_url, "follow_up.read_mine")
    assert after_row > before  # every citizen the list showed again, one row each
    save.click()  # "Markér som i gang" is chosen when the card opens
    expect(page.get_by_text(translate("followup.saved_in_progress", "da"))).to_be_visible()
    expect(page.locator('[class*="st-key-fu_save_"]')).to_have_count(0)  # the card closed after the save
    assert _audit_rows(app_server.database_url, "follow_up.read_mine") > after_row


def test_a_failure_in_the_part_s_own_rerun_is_a_danish_sentence_in_the_part(
    demo_password, app_server, page: Page, wait_for_app
) -> None:
    _my_list(page, app_server.url, demo_password, wait_for_app)
    with session_scope(write=True, url=app_server.database_url) as s:
        s.execute(text("ALTER TABLE action RENAME TO action_moved"))  # the list's query cannot run
    page.locator(ROWS).get_by_role("button").first.click()
    alert = page.get_by_test_id("stAlertContentError")
    expect(alert).to_contain_text(translate("error.unexpected", "da"))
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Ask Google")).to_have_count(0)
    title = page.get_by_role("heading", name=translate("followup.title", "da"))
    expect(title).to_be_visible()  # the rest of the page stays


def test_a_search_in_mine_borgere_and_a_citizen_chosen_from_its_list(
    demo_password, app_server, page: Page, wait_for_app
) -> None:
    """The search reruns the list alone; choosing a row runs the whole app, so the sidebar's
    picker shows that citizen at once."""
    with session_scope(write=True, url=app_server.database_url) as s:
        rasmus = s.execute(select(UserAccount).where(UserAccount.username == "rasmus")).scalar_one()
        for n in range(CITIZENS_PER_PAGE):
            make_membership(s, citizen=make_citizen(s, name=f"Borger {n:02d} Hansen"), user=rasmus)
        make_membership(s, citizen=make_citizen(s, name="Ørjan Ørsted"), user=rasmus)
    log_in(page, app_server.url, "rasmus", demo_password)
    page.get_by_role("link", name="Mine borgere").click()
    search = page.locator(".st-key-home_search input")
    expect(search).to_be_visible()
    wait_for_app(page)
    search.fill("ørjan")
    search.press("Enter")
    rows = page.locator(".st-key-home-citizens tbody tr")
    expect(rows).to_have_count(1)  # Ørjan only
    wait_for_app(page)
    name = rows.get_by_role("button", name="Ørjan Ørsted")
    expect(name).to_have_attribute("aria-pressed", "false")
    name.click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_test_id("stSelectbox").locator("input")).to_have_value("Ørjan Ørsted")
    expect(name).to_have_attribute("aria-pressed", "true")  # and the table marks the chosen citizen
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)


# --- Mødet: the goals step reruns alone ---------------------------------------------------------


def _meeting_at_goals(page: Page, app_server, wait_for_app, choose_option) -> dict:
    from tests.e2e.test_meeting import log_in as log_in_to_the_meeting
    from tests.e2e.test_meeting import seed

    ids = seed(app_server.database_url, running=True)
    page.set_viewport_size({"width": 1600, "height": 1000})
    log_in_to_the_meeting(page, app_server.url, "rasmus", wait_for_app, choose_option)
    go_to_step(page, "3 Mål")
    expect(page.locator(f".st-key-meet_score_{ids['goal_id']}")).to_be_visible()
    wait_for_app(page)
    return ids


def _score(page: Page, goal_id: int, score: str) -> int:
    """Click a score; returns the run tracker's place before it, for wait_for_app(requested_after=):
    the radio's request can leave the page a moment after the click (see wait_for_app)."""
    before = run_sequence(page)
    page.locator(f".st-key-meet_score_{goal_id}").locator("label").filter(has_text=score).first.click()
    return before


def _scores(url: str, meeting_id: int) -> list[int]:
    with session_scope(url=url) as s:
        rows = s.execute(select(GoalScore.score).where(GoalScore.meeting_id == meeting_id)).scalars()
        return list(rows)


def test_a_score_reruns_the_goals_step_alone_and_is_saved_and_shown(
    page: Page, app_server, wait_for_app, choose_option
) -> None:
    ids = _meeting_at_goals(page, app_server, wait_for_app, choose_option)
    clicked = _score(page, ids["goal_id"], "7")
    checked = page.locator(f".st-key-meet_score_{ids['goal_id']}").locator("label:has(input:checked)")
    expect(checked).to_have_text("7")
    wait_for_app(page, requested_after=clicked)
    assert _scores(app_server.database_url, ids["meeting_id"]) == [7]
    clicked = _score(page, ids["goal_id"], "8")  # the step's own reading is fresh: no conflict
    expect(checked).to_have_text("8")
    wait_for_app(page, requested_after=clicked)
    assert _scores(app_server.database_url, ids["meeting_id"]) == [8]
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def _move_on(url: str, meeting_id: int) -> None:
    with session_scope(write=True, url=url) as s:
        rasmus = s.execute(select(UserAccount).where(UserAccount.username == "rasmus")).scalar_one()
        next_agenda_item(session=s, actor=Actor.from_user(rasmus), meeting_id=meeting_id)


def _end(url: str, meeting_id: int) -> None:
    with session_scope(write=True, url=url) as s:
        s.execute(update(Meeting).where(Meeting.id == meeting_id).values(status="held"))


@pytest.mark.parametrize(
    ("elsewhere", "now_shown"),
    [
        (_move_on, lambda page: expect(page.locator('.st-key-meet-steps label:has(input:checked)'))
         .not_to_have_text("3 Mål")),  # the meeting's next item
        (_end, lambda page: expect(page.locator(".st-key-meet-steps")).to_have_count(0)),  # not running
    ],
    ids=["moved on", "ended"],
)
def test_a_score_after_the_meeting_changed_elsewhere_shows_the_meeting_as_it_is(
    page: Page, app_server, wait_for_app, choose_option, elsewhere, now_shown
) -> None:
    """Another device moved the meeting to its next item, or ended it: the step's own rerun finds
    that and runs the whole page instead, which shows the meeting as it now is."""
    ids = _meeting_at_goals(page, app_server, wait_for_app, choose_option)
    elsewhere(app_server.database_url, ids["meeting_id"])
    _score(page, ids["goal_id"], "6")
    now_shown(page)
    wait_for_app(page)
    expect(page.locator(f".st-key-meet_score_{ids['goal_id']}")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


# --- Quick clicks: one inside a part while a run is in progress, then one outside it -----------


def _texts(row) -> list[str]:  # noqa: ANN001 - bench.protocol.Element
    """The words of a ui/action_row.py row's buttons, in order."""
    return [a["text"] for group in json.loads(row.data)["groups"] for a in group["actions"]]


def test_a_click_in_a_part_waiting_for_a_run_is_not_lost_to_a_click_outside_it(app_server) -> None:
    """On the wire, three requests at once, as quick clicks send them: a full run of Mødet, then
    "Skalér dette mål" in the goals step (a part: its request waits for the run in progress, as
    Streamlit does not stop a run for a part), then "Pause" outside the part (a full run). With
    Streamlit's fast reruns the third stopped the tab's runner and the waiting click was dropped
    with it: the goal's scale never opened (a goal's submit, measured the same way, was never
    saved). With runner.fastReruns off (.streamlit/config.toml) the waiting request is merged
    into the next run, its trigger kept."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from bench.protocol import Client, event_trigger
    from bench.users import StaffUser, log_in_over
    from models.meeting_live import go_to_agenda_item
    from tests.e2e.test_meeting import seed
    from tests.factories import PASSWORD

    ids = seed(app_server.database_url, running=True)
    with session_scope(write=True, url=app_server.database_url) as s:
        rasmus = s.exec(select(UserAccount).where(UserAccount.username == "rasmus")).one()
        go_to_agenda_item(session=s, actor=Actor.from_user(rasmus), meeting_id=ids["meeting_id"], index=2)
        rasmus_id = rasmus.id

    async def clicks() -> tuple[str, list[str]]:
        client = await log_in_over(Client(app_server.url), StaffUser(rasmus_id, "rasmus", ids["citizen_id"]),
                                   PASSWORD)  # fmt: skip
        try:
            meeting = await client.navigate(translate("nav.meeting", "da"))
            # "Skalér dette mål" in a goal's row and "Pause" in the meeting's controls (ui/action_row.py).
            rows = [e for e in meeting.elements if e.kind == "bidi_component" and "-meet-goal-words-" in e.id]
            pick = next(e for e in rows if _texts(e)[0] == "Skalér dette mål")
            pause = meeting.widget("meet-controls", "bidi_component")
            assert pick.fragment, "the goals step is a part with a goal to score"
            assert pause is not None and not pause.fragment
            goal = pick.id.rsplit("-", 1)[-1]
            done = await client.together(
                (None, ""),
                (event_trigger(pick, "clicked", 0), pick.fragment),
                (event_trigger(pause, "clicked", _texts(pause).index("Pause")), ""),
            )
            assert not done.exception
            return goal, [e.id for e in done.elements if e.kind == "bidi_component"]  # ui/choice_group.py
        finally:
            await client.close()

    # Its own thread: a Playwright test before it in this process leaves an event loop running here.
    with ThreadPoolExecutor(1) as thread:
        goal, scales = thread.submit(asyncio.run, clicks()).result()
    assert any(scale.endswith(f"-meet_score_{goal}") for scale in scales), (goal, scales)
