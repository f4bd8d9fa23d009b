"""Single sign-on in real Chromium (issue 22): server.py against a real OpenID Connect provider
the test starts (tests/oidc_provider.py, uvicorn in a thread of this process).

One journey, one server: the login page offers "Log ind med Testkommune" beside the password
form (axe: nothing serious); a person the provider knows but Samplan does not is refused with a
Danish sentence; a forged ID token (wrong nonce) and an expired one are refused; Rasmus logs in
through the provider (bound by his e-mail), lands on his start page with the HttpOnly login
cookie and nothing in the address; "Log ud" ends his Samplan login and the provider's session
(end_session with his ID token as the hint), and the browser is back on Samplan's login page.
The token checks one by one (expired, signature, issuer, audience, nonce) are
tests/models/test_oidc.py's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models.db import session_scope
from models.login_cookie import COOKIE_NAME
from models.tables import AuditEvent, LoginSession
from tests.e2e.accessibility import findings
from tests.e2e.conftest import ROOT, AppServer, free_port, running_server
from tests.factories import make_user
from tests.oidc_provider import OidcProvider, Person

SCREENS = ROOT / "out" / "screens" / "sso"
RASMUS = Person("sub-rasmus", "rasmus", "rasmus.holm@kommune.example", name="Rasmus Holm")
STRANGER = Person("sub-fremmed", "fremmed", "frede@kommune.example", name="Frede Fremmed")


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    with OidcProvider(people=[RASMUS, STRANGER]) as running:
        yield running


@pytest.fixture
def sso_server(tmp_path: Path, e2e_database_url: str, provider: OidcProvider) -> Iterator[AppServer]:
    """`streamlit run server.py` with single sign-on beside local accounts, at the provider."""
    port = free_port()
    sso = provider.environment(f"http://127.0.0.1:{port}/_samplan/sso/callback")
    with running_server(e2e_database_url, tmp_path / "streamlit.log", port=port, extra_env=sso) as server:
        yield server


def at_the_login_page(page: Page, wait_for_app) -> None:
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()
    wait_for_app(page)


def through_the_provider(page: Page, wait_for_app, username: str) -> None:
    """Press "Log ind med Testkommune" and log in at the provider as `username`."""
    page.get_by_role("link", name="Log ind med Testkommune").click()
    expect(page.get_by_role("heading", name="Testkommune login")).to_be_visible()
    page.get_by_label("Brugernavn hos udbyderen").fill(username)
    page.get_by_role("button", name="Fortsæt").click()


def test_staff_log_in_and_out_through_the_municipality_and_strangers_and_forgeries_stay_out(
    sso_server, provider, page: Page, new_context, wait_for_app
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    with session_scope(write=True, url=sso_server.database_url) as s:
        rasmus_id = make_user(s, username="rasmus", full_name="Rasmus Holm", email=RASMUS.email).id

    page.goto(sso_server.url)
    at_the_login_page(page, wait_for_app)
    expect(page.get_by_role("link", name="Log ind med Testkommune")).to_be_visible()
    expect(page.get_by_role("textbox", name="Brugernavn", exact=True)).to_be_visible()  # local stay on
    assert findings(page) == []
    page.screenshot(path=str(SCREENS / "login.png"), full_page=True)

    # Someone the provider knows, Samplan does not: refused, in Danish, and nobody is logged in.
    through_the_provider(page, wait_for_app, "fremmed")
    expect(page.get_by_text("Kommunens login kender dig, men du har ingen bruger i Samplan")).to_be_visible()
    at_the_login_page(page, wait_for_app)
    assert "sso=" not in page.url and "code=" not in page.url
    page.screenshot(path=str(SCREENS / "refused.png"), full_page=True)

    # A forged ID token (made for another login attempt) and an expired one, each in a fresh
    # browser: refused as well, though Rasmus has an account.
    for forge in ("nonce", "expired"):
        provider.forge = forge
        forged = new_context().new_page()
        forged.goto(sso_server.url)
        at_the_login_page(forged, wait_for_app)
        through_the_provider(forged, wait_for_app, "rasmus")
        expect(forged.get_by_text("Log ind med kommunens login lykkedes ikke")).to_be_visible()
        expect(forged.get_by_test_id("stSidebar")).to_have_count(0)

    # Rasmus, in his own browser: in, on his start page, with the HttpOnly cookie only.
    browser = new_context().new_page()
    browser.goto(sso_server.url)
    at_the_login_page(browser, wait_for_app)
    through_the_provider(browser, wait_for_app, "rasmus")
    expect(browser.get_by_role("heading", name="Opfølgning")).to_be_visible()
    wait_for_app(browser)
    expect(browser.get_by_test_id("stSidebar").get_by_text("Rasmus Holm")).to_be_visible()
    assert browser.url == sso_server.url  # no code, state or token in the address
    cookie = next(c for c in browser.context.cookies() if c["name"] == COOKIE_NAME)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    browser.screenshot(path=str(SCREENS / "logged-in.png"), full_page=True)

    # Log ud: Samplan's login ends, then the provider's (with his ID token as the hint).
    with browser.expect_request(f"{provider.issuer}/logout?**"):
        browser.get_by_test_id("stSidebar").get_by_role("button", name="Log ud").click()
    at_the_login_page(browser, wait_for_app)
    assert [(entry["subject"], entry["post_logout_redirect_uri"]) for entry in provider.logouts] == [
        ("sub-rasmus", sso_server.url)
    ]
    # The provider's session is over too: the next "Log ind med" asks who you are again.
    browser.get_by_role("link", name="Log ind med Testkommune").click()
    expect(browser.get_by_role("heading", name="Testkommune login")).to_be_visible()

    with session_scope(url=sso_server.database_url) as s:
        logins = s.execute(select(LoginSession).where(LoginSession.user_id == rasmus_id)).scalars().all()
        audit = s.execute(select(AuditEvent.action, AuditEvent.outcome, AuditEvent.user_id)
                          .where(AuditEvent.action.in_(["login.sso", "logout"]))
                          .order_by(AuditEvent.id)).all()  # fmt: skip
    assert len(logins) == 1 and logins[0].ended_at is not None
    assert [tuple(row) for row in audit] == [
        ("login.sso", "denied", None),  # the stranger
        ("login.sso", "failed", None),  # the forged token
        ("login.sso", "failed", None),  # the expired one
        ("login.sso", "ok", rasmus_id),
        ("logout", "ok", rasmus_id),
    ]
