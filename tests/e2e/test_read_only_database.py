"""A read-only database in a real browser (issue 15, point 11): logging in must write (the attempt
is counted and audited), so it cannot; the person reads a Danish sentence, never Streamlit's
English error box with its "Ask Google" buttons.

The server opens its database through SQLite's own read-only mode (`?mode=ro&uri=true`): a real
read-only database, as root too (where chmod would stop nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models import db, migrate
from models.db import session_scope
from models.i18n import translate
from tests.factories import PASSWORD, make_user

CANNOT_SAVE = translate("database_trouble.unavailable", "da")


@pytest.fixture
def e2e_database_url(tmp_path: Path) -> Iterator[str]:
    """Overrides conftest's: the same fresh database with one account, handed to the server read-only."""
    url = f"sqlite:///{tmp_path}/e2e.db"
    migrate.upgrade_database(url)
    with session_scope(write=True, url=url) as s:
        make_user(s, username="rasmus", full_name="Rasmus Holm")
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()
    yield f"sqlite:///file:{tmp_path}/e2e.db?mode=ro&uri=true"


def test_logging_in_on_a_read_only_database_says_so_in_danish(app_page: Page, wait_for_app) -> None:
    expect(app_page.get_by_label("Brugernavn")).to_be_visible()
    app_page.get_by_label("Brugernavn").fill("rasmus")
    app_page.get_by_label("Adgangskode").fill(PASSWORD)
    app_page.get_by_role("button", name="Log ind").click()
    wait_for_app(app_page)
    expect(app_page.get_by_text(CANNOT_SAVE)).to_be_visible()
    expect(app_page.get_by_test_id("stException")).to_have_count(0)
    expect(app_page.get_by_text("Ask Google")).to_have_count(0)
    expect(app_page.get_by_label("Brugernavn")).to_have_value("rasmus")  # the page still works
