"""Administration's single sign-on bindings in real Chromium (issue 22): the administrator sees a
bound account, axe-core finds nothing serious or critical in the section, and "Fjern bindingen"
removes it with the confirmation where the administrator is."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from models.db import session_scope
from models.demo import DEMO_ADMIN
from models.tables import SsoIdentity, UserAccount, utcnow
from tests.e2e.accessibility import findings
from tests.e2e.conftest import log_in


@pytest.fixture
def demo_with_binding(e2e_database_url: str, demo_copy) -> str:
    result = demo_copy(e2e_database_url)
    with session_scope(write=True, url=e2e_database_url) as s:
        rasmus = s.exec(select(UserAccount).where(UserAccount.username == "rasmus")).one()
        s.add(SsoIdentity(user_id=rasmus.id, issuer="https://login.kommune.example/realms/ansatte",
                          subject="sub-rasmus", last_login_at=utcnow()))  # fmt: skip
    return result.password


def test_an_administrator_removes_a_binding_axe_clean(demo_with_binding, app_server, page: Page, wait_for_app,
                                                      choose_option) -> None:  # fmt: skip
    page.set_viewport_size({"width": 1400, "height": 1000})
    log_in(page, app_server.url, DEMO_ADMIN, demo_with_binding)
    page.get_by_role("link", name="Administration").click()
    section = page.get_by_role("heading", name="Kommunens login (enkeltlogon)")
    expect(section).to_be_visible()
    wait_for_app(page)
    section.scroll_into_view_if_needed()
    assert [(f["rule"], f["count"]) for f in findings(page)] == []
    choose_option(page.locator(".st-key-sso_unbind_choice"), "login.kommune.example", exact=False)
    wait_for_app(page)
    page.locator(".st-key-sso_unbind").get_by_role("button").click()
    expect(page.get_by_text("Bindingen er fjernet", exact=False)).to_be_visible()
    with session_scope(url=app_server.database_url) as s:
        assert s.exec(select(SsoIdentity)).all() == []
