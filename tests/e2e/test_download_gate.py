"""Downloads and logout in real Chromium, as a tab that stayed open would meet them.

- The database backup is a file built at the click (a deferred download): with the login live
  it downloads and is audited; after an administrator deactivated the account, the same button
  in the same open tab yields no file and the refusal is audited.
- "Log ud" leaves nothing of the user in the tab: the next person to log in at the same browser
  starts without the previous user's citizen, and the address no longer names it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, UserAccount
from tests.factories import PASSWORD, make_citizen, make_membership, make_user


def seed(database_url: str) -> int:
    with session_scope(write=True, url=database_url) as s:
        make_user(s, username="anne", full_name="Anne Admin", role="admin")
        rasmus = make_user(s, username="rasmus", full_name="Rasmus Holm")
        ditte = make_citizen(s, name="Ditte Mikkelsen")
        make_membership(s, citizen=ditte, user=rasmus)
        return ditte.id


def log_in(page: Page, username: str, wait_for_app) -> None:
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("stSidebar")).to_be_visible()
    wait_for_app(page)


def download_audits(database_url: str) -> list[tuple[str, str]]:
    with session_scope(url=database_url) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action == "download.backup")).all()
        return [(row.action, row.outcome) for row in rows]


def test_the_backup_downloads_for_a_live_login_and_not_after_the_account_was_closed(
    app_server, page: Page, wait_for_app, tmp_path: Path
) -> None:
    seed(app_server.database_url)
    page.goto(app_server.url)
    wait_for_app(page)
    log_in(page, "anne", wait_for_app)
    page.get_by_role("link", name="Administration").click()
    button = page.get_by_role("button", name="Hent en backup af databasen")
    expect(button).to_be_enabled()
    wait_for_app(page)

    with page.expect_download() as first:
        button.click()
    saved = tmp_path / "backup.db"
    first.value.save_as(saved)
    with sqlite3.connect(saved) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT count(*) FROM citizen").fetchone() == (1,)
    assert download_audits(app_server.database_url) == [("download.backup", "ok")]

    # Another administrator closes the account while this tab stays open on the page.
    with session_scope(write=True, url=app_server.database_url) as s:
        anne = s.exec(select(UserAccount).where(UserAccount.username == "anne")).one()
        anne.is_active = False
        s.add(anne)

    downloads: list[object] = []
    page.on("download", lambda download: downloads.append(download))
    button.click()
    # Streamlit shows its own note under the button when the file could not be made.
    expect(page.get_by_test_id("stDownloadButtonError")).to_be_visible()
    assert download_audits(app_server.database_url) == [
        ("download.backup", "ok"), ("download.backup", "denied"),
    ]  # fmt: skip
    assert downloads == []
    # The next click anywhere reruns the page: the tab shows the login page.
    page.get_by_role("link", name="Opfølgning").click()
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()


def test_log_out_forgets_the_chosen_citizen_for_the_next_person(
    app_server, page: Page, wait_for_app, choose_option
) -> None:
    ditte_id = seed(app_server.database_url)
    page.goto(app_server.url)
    wait_for_app(page)
    log_in(page, "rasmus", wait_for_app)
    choose_option(page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first, "Ditte Mikkelsen")
    expect(page).to_have_url(f"{app_server.url}?citizen={ditte_id}")
    wait_for_app(page)
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Borger")
    expect(picker).to_have_value("Ditte Mikkelsen")

    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    wait_for_app(page)
    assert "citizen=" not in page.url

    # Anne, an administrator, may open Ditte, but she did not choose her.
    log_in(page, "anne", wait_for_app)
    expect(picker).to_have_value("")
    expect(picker).to_have_attribute("placeholder", "Vælg en borger")
    assert "citizen=" not in page.url
