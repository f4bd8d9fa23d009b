"""A browser reload keeps the login (issue 19, point 7), in real Chromium against server.py.

server.py is what `make run` serves: app.py plus the login cookie's routes (st.App). The
journey: log in, reload → still logged in, and the cookie is HttpOnly, SameSite=Strict and
nowhere in the address; the Word file keeps its Danish letters (point 8); log out, reload →
the login page; the cookie copied before the logout, put into a fresh browser → the login page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models.db import session_scope
from models.login_cookie import COOKIE_NAME
from tests.e2e.conftest import ROOT, AppServer
from tests.factories import PASSWORD, make_citizen, make_goal, make_membership, make_user

SCREENS = ROOT / "out" / "screens" / "first-hour"
CITIZEN = "Kasper Bøgkær Ølgaard"


@pytest.fixture
def samplan_server(app_server: AppServer) -> AppServer:
    """The shared fixture's server: `streamlit run server.py`, with the login cookie's routes."""
    return app_server


def seed(database_url: str) -> None:
    with session_scope(write=True, url=database_url) as s:
        user = make_user(s, username="rasmus", full_name="Rasmus Holm")
        kasper = make_citizen(s, name=CITIZEN)
        make_membership(s, citizen=kasper, user=user)
        make_goal(s, citizen=kasper, own_words="Jeg vil have mit eget værelse.")


def log_in(page: Page, wait_for_app) -> None:
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()
    wait_for_app(page)
    page.get_by_label("Brugernavn").fill("rasmus")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    wait_for_app(page)


def login_cookie(page: Page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE_NAME), None)


def test_a_reload_keeps_the_login_until_logout_and_a_copied_cookie_gets_nothing_after(
    samplan_server, page: Page, new_context, wait_for_app, choose_option, tmp_path: Path
) -> None:
    seed(samplan_server.database_url)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.goto(samplan_server.url)
    log_in(page, wait_for_app)
    expect(page.get_by_role("heading", name="Opfølgning")).to_be_visible()
    page.wait_for_function(  # the cookie request the login left for the page: wait for its answer
        "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('/_samplan/login-cookie'))"
    )
    cookie = login_cookie(page)
    assert cookie is not None, page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert page.evaluate("document.cookie").find(COOKIE_NAME) == -1  # page scripts cannot read it
    copied = dict(cookie)

    page.reload()
    expect(page.get_by_role("heading", name="Opfølgning")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_have_count(0)
    token = copied["value"].split(".")[0]
    assert "login" not in page.url and "token" not in page.url and token not in page.url
    page.screenshot(path=str(SCREENS / "after-reload.png"), full_page=True)

    # Point 8: the Word file's name keeps æ, ø, å in the browser's download.
    choose_option(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first, CITIZEN)
    wait_for_app(page)
    page.get_by_role("link", name="Planen").click()
    expect(page.get_by_role("heading", name="Planen", exact=True)).to_be_visible()
    wait_for_app(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Hent borgerens udgave (Word)").click()
    assert download_info.value.suggested_filename == "plan-kasper-bøgkær-ølgaard-min-plan.docx"

    page.get_by_test_id("stSidebar").get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()
    wait_for_app(page)
    page.reload()
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()
    wait_for_app(page)

    # The cookie as it was before the logout, in a browser that never logged out: nothing.
    other = new_context()
    other.add_cookies([{k: copied[k] for k in ("name", "value", "domain", "path", "httpOnly", "sameSite")}])
    stranger = other.new_page()
    stranger.goto(samplan_server.url)
    expect(stranger.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()
    wait_for_app(stranger)
    expect(stranger.get_by_test_id("stSidebar")).to_have_count(0)
    stranger.screenshot(path=str(SCREENS / "copied-cookie.png"), full_page=True)
