"""Two app processes on one PostgreSQL behind nginx, in Chromium (issue 22, points 3 and 4).

The set-up is what `make scaleout` starts (scripts/with-postgres + scripts/scaleout.py: a
throwaway PostgreSQL, two `streamlit run server.py` with one cookie secret, nginx as this user
running deploy/nginx/samplan.conf over TLS), started once for this file. The journey:

1. The headers through nginx: the page, a static file, the login cookie's route; plain HTTP is
   redirected to https.
2. Log in through the proxy, mark an agreement done on a citizen's follow-up; the login cookie
   arrives (its script ran: the CSP lets Streamlit's inline scripts work).
3. SIGKILL the process that served this browser (its samplan_route cookie names it).
4. Reload: still logged in (the other process checks the cookie with the same secret and finds
   the login in the database), the agreement still done, and the user goes on working there;
   both saves are in the database; the route cookie now names the other process.
5. No Content-Security-Policy violation in the browser's console on any page on the way.
6. nginx's access log holds no query string (a citizen link's token would be there).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from sqlmodel import select

from models.db import dispose_engines, session_scope
from models.login_cookie import COOKIE_NAME
from models.tables import Action, today
from scripts.scaleout import insecure_context
from tests.e2e.conftest import ROOT, SERVER_START_TIMEOUT, _log_tail
from tests.factories import PASSWORD, make_action, make_citizen, make_membership, make_person, make_user

CITIZEN = "Kasper Bøgkær Ølgaard"
HEADERS = {"x-frame-options": "DENY", "referrer-policy": "no-referrer", "x-content-type-options": "nosniff"}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """`bash scripts/with-postgres python -m scripts.scaleout` until its state file says it answers."""
    work = tmp_path_factory.mktemp("scaleout")
    state, log = work / "state.json", work / "scaleout.log"
    ours = ("SAMPLAN_DATABASE_URL", "SAMPLAN_TEST_POSTGRES_URL")  # the script's own PostgreSQL, always
    env = {k: v for k, v in os.environ.items() if k not in ours}
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["bash", "scripts/with-postgres", sys.executable, "-m", "scripts.scaleout", "--port", "0",
             "--state", str(state)],
            cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not state.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"scripts/scaleout did not start (exit {process.poll()}):\n{_log_tail(log)}")
            time.sleep(0.1)
        yield json.loads(state.read_text())
    finally:
        # A script that failed to start has ended with its group: nothing to stop, and the failure
        # above (with its log) is what the test reports, not a ProcessLookupError from here.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the script stops nginx and the apps, then PostgreSQL
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        dispose_engines()


def seed(database_url: str) -> list[int]:
    """Rasmus coordinates Kasper, who has two overdue agreements Rasmus owns."""
    with session_scope(write=True, url=database_url) as s:
        user = make_user(s, username="rasmus", full_name="Rasmus Holm")
        kasper = make_citizen(s, name=CITIZEN)
        person = make_person(s, citizen=kasper, user=user, is_coordinator=True)
        make_membership(s, citizen=kasper, user=user, person=person)
        actions = [make_action(s, citizen=kasper, owner=person, text=f"Aftale {n}",
                               due_on=today() - timedelta(days=n)) for n in (3, 2)]  # fmt: skip
        return [a.id for a in actions]


def read(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=insecure_context()),
                                         NoRedirect())  # fmt: skip
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, b""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def mark_first_overdue_done(page: Page, action_id: int, wait_for_app) -> None:
    row = page.locator(f'[class*="st-key-fu-rows-"] button[data-row="{action_id}"]')
    expect(row).to_be_visible()
    wait_for_app(page)
    row.click()
    card = page.locator(f".st-key-fu-overdue-{action_id}")
    expect(card.get_by_text("Markér som udført")).to_be_visible()
    wait_for_app(page)
    card.get_by_text("Markér som udført").click()
    wait_for_app(page)
    card.locator(f".st-key-fu_text_m{action_id} textarea").fill("Klaret.")
    card.locator(f".st-key-fu_save_m{action_id}").get_by_role("button").click()
    expect(page.get_by_text("Aftalen er markeret som udført.")).to_be_visible()
    wait_for_app(page)


def route_of(page: Page) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "samplan_route"), None)


def test_two_processes_behind_nginx_a_user_goes_on_after_one_dies(setup, new_context, wait_for_app) -> None:
    base = setup["url"]
    # 1. Headers through nginx (the app's own are tested in tests/test_security_headers.py).
    status, _, page_html = read(base)
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', page_html)
    assert status == 200 and script
    for path, method, expected in (("", "GET", 200), (script.group(1).decode(), "GET", 200),
                                   ("_samplan/login-cookie", "POST", 403)):  # fmt: skip
        status, headers, _ = read(base + path, method)
        assert status == expected, path
        assert {k: headers.get(k) for k in HEADERS} == HEADERS, path
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["strict-transport-security"].startswith("max-age="), path
    status, headers, _ = read(setup["http_url"])
    assert status == 301 and headers["location"].startswith("https://")
    status, _, _ = read(base + "?link=e2e-not-a-real-link-token")  # the access log must not keep it
    assert status == 200

    # 2. Log in through the proxy and work on a citizen.
    first, second = seed(setup["database_url"])
    context = new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    page.goto(base)
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_be_visible()
    wait_for_app(page)
    page.get_by_label("Brugernavn").fill("rasmus")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Opfølgning")).to_be_visible()
    wait_for_app(page)
    page.wait_for_function(  # the login cookie's inline script ran and its request was answered
        "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('/_samplan/login-cookie'))"
    )
    assert any(c["name"] == COOKIE_NAME and c["secure"] for c in context.cookies())
    mark_first_overdue_done(page, first, wait_for_app)
    served_by = route_of(page)
    assert served_by in ("1", "2"), context.cookies()

    # 3. The process that served this browser dies.
    process = next(p for p in setup["processes"] if p["route"] == served_by)
    os.killpg(process["pid"], signal.SIGKILL)

    # 4. Reload: the other process, still logged in, nothing lost; work goes on there.
    page.reload()
    expect(page.get_by_role("heading", name="Opfølgning")).to_be_visible()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Log ind i Samplan")).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile(r"Udført eller droppet \(1\)"))).to_be_visible()
    mark_first_overdue_done(page, second, wait_for_app)
    assert route_of(page) not in (None, served_by)
    with session_scope(url=setup["database_url"]) as s:
        statuses = s.execute(select(Action.status).where(Action.id.in_((first, second)))).scalars().all()
    assert statuses == ["done", "done"]
    assert Path(process["log"]).exists()

    # 5. No CSP violation anywhere on the way (the page, the grid, the forms, the reload).
    assert violations == []
    # 6. nginx's access log: both processes answered, and no query string (tokens) in it.
    access = (Path(setup["workdir"]) / "access.log").read_text(encoding="utf-8")
    assert "e2e-not-a-real-link-token" not in access and "?" not in access
    ports = {str(p["port"]) for p in setup["processes"]}
    assert all(f":{port}" in access for port in ports), access[-2000:]
