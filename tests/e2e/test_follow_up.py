"""Follow-up in real Chromium on the demo: a staff user marks an overdue agreement done, sees
it leave the overdue list, and sees the overdue count in the leaders' overview drop by one.
Screenshots of the three views go to out/screenshots/ (git ignores out/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select, update

from models.access import Actor
from models.db import session_scope
from models.follow_up import my_agreements
from models.tables import Action, UserAccount
from tests.e2e.conftest import log_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


@pytest.fixture
def demo_password(e2e_database_url: str, demo_copy) -> str:
    """The demo, loaded into the server's database before the server and the browser start."""
    result = demo_copy(e2e_database_url)
    assert result.password
    # Rasmus also leads his department here, so he sees Overblik (for leaders) change.
    with session_scope(write=True, url=e2e_database_url) as s:
        s.execute(update(UserAccount).where(UserAccount.username == "rasmus").values(is_leader=True))
    return result.password


def first_overdue_of(database_url: str, username: str) -> tuple[int, int, int]:
    """The user's first overdue agreement, and how many are overdue and done."""
    with session_scope(write=True, url=database_url) as s:
        user = s.execute(select(UserAccount).where(UserAccount.username == username)).scalar_one()
        items = my_agreements(session=s, actor=Actor.from_user(user))
    overdue = [i for i in items if i.bucket == "overdue"]
    assert overdue, "the demo gives every staff user overdue agreements"
    return overdue[0].id, len(overdue), len([i for i in items if i.bucket == "done"])


def overdue_metric(page: Page) -> int:
    metric = page.get_by_test_id("stMetric").filter(has_text="Overskredne aftaler")
    expect(metric).to_be_visible()
    return int(metric.get_by_test_id("stMetricValue").inner_text())


def test_marking_an_overdue_agreement_done_updates_my_list_and_the_overview(
    demo_password, app_server, page: Page, wait_for_app, choose_option
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    action_id, overdue_count, done_count = first_overdue_of(app_server.database_url, "rasmus")
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, app_server.url, "rasmus", demo_password)

    page.get_by_role("link", name="Overblik").click()
    expect(page.get_by_role("heading", name="Overblik for ledelsen")).to_be_visible()
    wait_for_app(page)
    before = overdue_metric(page)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)

    page.get_by_role("link", name="Opfølgning").click()
    overdue_heading = page.get_by_role("heading", name=f"Overskredet ({overdue_count})")
    expect(overdue_heading).to_be_visible()
    wait_for_app(page)
    # The oldest overdue agreement is the list's first row, one button: a click on its text (the
    # agreement's words, in the middle of the line) opens its card (issue 25).
    row = page.locator(".st-key-fu-rows-overdue").get_by_role("button").first
    expect(row).to_be_visible()
    with session_scope(url=app_server.database_url) as s:
        text = s.get(Action, action_id).text
    row.get_by_text(text, exact=False).click()
    card = page.locator(f".st-key-fu-overdue-{action_id}")
    expect(card.get_by_text(re.compile(r"Overskredet med \d+ dag"))).to_be_visible()
    chosen = page.locator(f'.st-key-fu-rows-overdue button[data-row="{action_id}"]')
    expect(chosen).to_have_attribute("aria-pressed", "true")  # the row is shown chosen
    expect(card.get_by_text("Markér som udført")).to_be_visible()
    wait_for_app(page)
    card.get_by_text("Markér som udført").click()
    wait_for_app(page)
    card.locator(f".st-key-fu_text_m{action_id} textarea").fill("Klaret, borgeren har fået svar.")
    page.screenshot(path=str(SCREENSHOTS / "mine-opgaver.png"), full_page=True)
    card.locator(f".st-key-fu_save_m{action_id}").get_by_role("button").click()

    expect(page.get_by_text("Aftalen er markeret som udført.")).to_be_visible()
    wait_for_app(page)
    expect(page.locator(f".st-key-fu-overdue-{action_id}")).to_have_count(0)
    expect(page.get_by_role("heading", name=f"Udført eller droppet ({done_count + 1})")).to_be_visible()
    if overdue_count > 1:
        expect(page.get_by_role("heading", name=f"Overskredet ({overdue_count - 1})")).to_be_visible()
    with session_scope(url=app_server.database_url) as s:
        assert s.get(Action, action_id).status == "done"

    page.get_by_role("link", name="Overblik").click()
    expect(page.get_by_role("heading", name="Overblik for ledelsen")).to_be_visible()
    wait_for_app(page)
    expect(
        page.get_by_test_id("stMetric").filter(has_text="Overskredne aftaler").get_by_test_id("stMetricValue")
    ).to_have_text(str(before - 1))

    # The coordinator's view of one of Rasmus's citizens (the demo's Ditte).
    page.get_by_role("link", name="Opfølgning").click()
    wait_for_app(page)
    choose_option(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first, "Ditte Mikkelsen")
    wait_for_app(page)
    page.locator(".st-key-fu-views label").filter(has_text="Koordinators overblik").click()
    expect(page.get_by_role("heading", name="Kræver opmærksomhed nu")).to_be_visible()
    wait_for_app(page)
    page.screenshot(path=str(SCREENSHOTS / "koordinator.png"), full_page=True)


def test_a_row_opens_and_closes_with_the_keyboard(demo_password, app_server, page: Page,
                                                  wait_for_app) -> None:  # fmt: skip
    """A row is a button: Tab reaches it with a visible focus ring, Enter opens its agreement's
    card, Enter again closes it (the page's own list, not a canvas grid a keyboard cannot read)."""
    from tests.e2e.test_keyboard import Keyboard

    action_id, _, _ = first_overdue_of(app_server.database_url, "rasmus")
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, app_server.url, "rasmus", demo_password)
    expect(page.locator(".st-key-fu-rows-overdue").get_by_role("button").first).to_be_visible()
    row = page.locator(f'.st-key-fu-rows-overdue button[data-row="{action_id}"]')
    page.locator(".sp-key-fu-summary").click()  # the focus starts just above the lists
    keys = Keyboard(page, wait_for_app)
    keys.tab_to(row, limit=40)
    keys.press("Enter", reruns=True)
    card = page.locator(f".st-key-fu-overdue-{action_id}")
    expect(card.get_by_text("Markér som udført")).to_be_visible()
    expect(row).to_have_attribute("aria-pressed", "true")  # shown chosen, and said so
    # The focus stayed on the row (now the chosen one): Enter again closes the card.
    assert row.evaluate("(el) => el === document.activeElement")
    keys.press("Enter", reruns=True)
    expect(card).to_have_count(0)
    expect(row).to_have_attribute("aria-pressed", "false")
    assert row.evaluate("(el) => el === document.activeElement")
