"""Rendering (issue 8, point 5): every page in real Chromium with hostile text in every field.

The database is seeded through models/ (the same writes the forms use) with every renderable
hostile text of tests/reliability/hostile.py in every free-text field, the citizen's name
included. Then a staff user logs in through the login page, picks the citizen and opens every
page. On each: 0 `a[href^="javascript:"]`, no element made from user markup (no <img>, <iframe>
or <svg> pointing at the hostile host, no script run: the payloads' window flag stays
undefined), and over the whole visit 0 requests to any host other than the app's own.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import update

from models.db import session_scope
from models.errors import UserError
from models.tables import UserAccount
from tests.factories import PASSWORD
from tests.reliability import hostile
from tests.reliability.writes import TEXT_WRITES, make_world

PAGES = ("Opfølgning", "Mine borgere", "Forberedelse", "Mødet", "Planen", "Min plan", "Overblik",
         "Borgerens data")
PAYLOAD = "\n".join(str(case.value) for case in hostile.RENDERABLE)
ONE_LINE = " ".join(str(case.value) for case in hostile.RENDERABLE if case.kind in ("html", "markdown"))


def seed(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", database_url)
    world = make_world(citizen_name=f"Ditte {ONE_LINE}"[:190])
    for name, write in TEXT_WRITES.items():
        if name.startswith(("users.", "citizen_links.")) or name.endswith((".clock", ".minutes", ".area")):
            continue
        for value in (PAYLOAD, ONE_LINE):
            # refused (too long for a short field, say): the other value gets in
            with contextlib.suppress(UserError):
                write(world, value)
    for case in hostile.RENDERABLE:  # each payload on its own too, where rows accumulate
        for name in (
            "meeting_mode.add_decision.text",
            "actions.create_agreement.text",
            "goals.add_goal.own_words",
        ):
            with contextlib.suppress(UserError):
                TEXT_WRITES[name](world, str(case.value))


def assert_nothing_rendered_from_user_markup(page: Page, where: str) -> None:
    assert page.locator('a[href^="javascript:"]').count() == 0, where
    assert page.locator('a[href^="JAVASCRIPT:" i]').count() == 0, where
    for tag in ("img", "iframe", "svg image", "source", "video", "audio"):
        assert page.locator(f'{tag}[src*="{hostile.EVIL_HOST}"]').count() == 0, (where, tag)
    assert page.locator(f'a[href*="{hostile.EVIL_HOST}"]').count() == 0, where
    assert page.locator("svg[onload]").count() == 0, where
    assert page.evaluate(f"typeof window.{hostile.PWNED_FLAG}") == "undefined", where


def test_every_page_with_hostile_text_runs_no_script_and_calls_no_other_host(
    page: Page, app_server, wait_for_app, open_list, monkeypatch
):
    seed(app_server.database_url, monkeypatch)
    # Rasmus also leads his department, so Overblik (for leaders) shows the hostile texts too.
    with session_scope(write=True, url=app_server.database_url) as s:
        s.execute(update(UserAccount).where(UserAccount.username == "rasmus").values(is_leader=True))
    own_host = urlparse(app_server.url).hostname
    foreign: list[str] = []
    page.on("request", lambda request: foreign.append(request.url)
            if urlparse(request.url).hostname not in (own_host, None, "") else None)  # fmt: skip

    page.goto(app_server.url)
    page.get_by_label("Brugernavn").fill("rasmus")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    wait_for_app(page)
    citizens = open_list(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first)
    citizens.get_by_role("option").first.click()
    wait_for_app(page)
    visited = 0
    for title in PAGES:
        page.get_by_test_id("stSidebar").get_by_role("link", name=title).click()
        expect(page.get_by_test_id("stMain")).to_be_visible()
        wait_for_app(page)
        # the hostile text is really on screen, as text
        if title == "Planen":
            expect(page.get_by_text("javascript:", exact=False).first).to_be_attached()
        assert page.get_by_test_id("stException").count() == 0, title
        assert_nothing_rendered_from_user_markup(page, title)
        page.screenshot(path=f"out/hostile-{visited}.png", full_page=True)
        visited += 1
    assert visited == len(PAGES)
    assert foreign == []
