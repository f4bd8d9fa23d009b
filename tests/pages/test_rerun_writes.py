"""What a rerun writes (issue 16, target 3): a rerun that only reads opens at most one short write
transaction — its audit rows and nothing else inside it — and a rerun that shows no citizen data
opens none. Counted on whole runs (app.py, the login lookup, the sidebar and the page), on the
database the test runs on (SQLite's BEGIN IMMEDIATE or a first write; PostgreSQL's first write).

Before: every rerun touched the login session in a BEGIN IMMEDIATE transaction, a plan view
wrote its audit row first and read the plan's ~10 queries inside the write lock, Opfølgning and
Overblik read inside BEGIN IMMEDIATE, and Borgerens data wrote three times per rerun.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
from streamlit.testing.v1 import AppTest

from models.db import get_engine, session_scope
from models.tables import AuditEvent
from tests.pages.conftest import APP, ROOT, TIMEOUT, login_token
from tests.write_transactions import WriteLog, count_write_transactions

AUDIT_INSERT = "INSERT INTO audit_event "


@pytest.fixture(autouse=True)
def _every_run_runs_app_py(monkeypatch):
    """Run app.py on every run, as `streamlit run` does. AppTest (streamlit 1.67) forgets after
    each run that st.navigation switched the old pages/ folder mode off, and then runs a page
    script alone (tests/pages/conftest.py); the server keeps the switch for the process."""
    import streamlit.runtime.scriptrunner.script_runner as runner

    monkeypatch.setattr(runner, "PagesManager", SimpleNamespace(uses_pages_directory=False))


def _open(page: str, *, token: str | None, citizen_id: int | None, tab: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if token is not None:
        at.session_state["login_token"] = token
    if citizen_id is not None:
        at.session_state["citizen_id"] = citizen_id
    if tab is not None:
        at.session_state["fu_tab"] = tab
    at.run()
    if page != "pages/follow_up.py":  # the first page after logging in
        at.switch_page(str(ROOT / page)).run()
    assert not at.exception, at.exception
    return at


def _rerun(at: AppTest, db_url: str) -> WriteLog:
    with count_write_transactions(get_engine(db_url)) as log:
        at.run()
    assert not at.exception, at.exception
    return log


READING_RERUNS = [
    # (user, page, Opfølgning's tab): every page a user reaches in the sidebar, with a citizen chosen
    ("staff_user", "pages/follow_up.py", None),  # the user's own agreements (rows of many citizens)
    ("staff_user", "pages/follow_up.py", "Koordinators overblik"),  # one citizen's plan
    ("staff_user", "pages/home.py", None),
    ("staff_user", "pages/prepare.py", None),
    ("staff_user", "pages/meeting.py", None),
    ("staff_user", "pages/plan.py", None),
    ("staff_user", "pages/my_plan.py", None),
    ("staff_user", "pages/citizen_data.py", None),  # the plan and its access log: two audit rows
    ("outsider", "pages/plan.py", None),  # not on the team: the refusal is audited, once
    ("outsider", "pages/citizen_data.py", None),
    ("admin", "pages/citizen_data.py", None),
    ("admin", "pages/overview.py", None),
    ("admin", "pages/admin.py", None),  # the chosen citizen's team history
]


@pytest.mark.parametrize(("who", "page", "tab"), READING_RERUNS)
def test_a_reading_rerun_writes_once_and_only_its_audit_rows(open_page, ditte, db_url, who, page, tab):
    at = _open(page, token=login_token(getattr(ditte, who)), citizen_id=ditte.citizen.id, tab=tab)
    for _ in range(2):  # a rerun (a click that changes nothing) and another
        log = _rerun(at, db_url)
        assert len(log) <= 1, log.describe()
        for transaction in log.transactions:
            # Short: the audit rows' INSERT, no read inside the write lock and no other table.
            statements = transaction.statements
            assert statements and all(s.startswith(AUDIT_INSERT) for s in statements), log.describe()


NOTHING_ABOUT_A_CITIZEN = [
    # (user, page): runs that show no citizen's data write nothing at all (the login is < 1 min old)
    (None, "pages/login.py"),  # logged out
    ("staff_user", "pages/plan.py"),  # no citizen chosen: "choose a citizen"
    ("staff_user", "pages/prepare.py"),
    ("staff_user", "pages/meeting.py"),
    ("staff_user", "pages/my_plan.py"),
    ("staff_user", "pages/citizen_data.py"),
    ("admin", "pages/follow_up.py"),  # owns no agreement
    ("admin", "pages/admin.py"),  # accounts only
]


@pytest.mark.parametrize(("who", "page"), NOTHING_ABOUT_A_CITIZEN)
def test_a_rerun_that_shows_no_citizen_writes_nothing(open_page, ditte, db_url, who, page):
    token = login_token(getattr(ditte, who)) if who else None
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if token:
        at.session_state["login_token"] = token
    at.run()
    if page not in ("pages/login.py", "pages/follow_up.py"):
        at.switch_page(str(ROOT / page)).run()
    for _ in range(2):
        log = _rerun(at, db_url)
        assert len(log) == 0, log.describe()


def _committed_audit_rows(citizen_id: int) -> int:
    with session_scope() as session:  # another connection: it sees committed rows only
        return session.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.citizen_id == citizen_id)
        ).scalar_one()


@pytest.mark.parametrize("page", ["pages/prepare.py", "pages/meeting.py", "pages/plan.py",
                                  "pages/citizen_data.py"])
def test_the_audit_row_is_committed_before_the_citizen_reaches_the_browser(open_page, ditte, db_url,
                                                                          monkeypatch, page):
    """A crash must not lose the audit row of a read that was shown: the row is committed before
    the first message carrying the citizen's data (the contact person's phone number in the page
    header) is handed to Streamlit for the browser."""
    at = _open(page, token=login_token(ditte.staff_user), citizen_id=ditte.citizen.id)
    before = _committed_audit_rows(ditte.citizen.id)
    seen_when_shown: list[int] = []
    enqueue = ScriptRunContext.enqueue

    def watching(self, msg):  # noqa: ANN001, ANN202
        if not seen_when_shown and "12345678" in str(msg):
            seen_when_shown.append(_committed_audit_rows(ditte.citizen.id))
        return enqueue(self, msg)

    monkeypatch.setattr(ScriptRunContext, "enqueue", watching)
    at.run()
    assert not at.exception
    assert seen_when_shown and seen_when_shown[0] > before
