"""Security headers on every response of the app itself (issue 22, point 4).

The middleware on its own (which headers, replacing the inner app's, HSTS only behind TLS, the
websocket untouched), then the real `streamlit run server.py` read over HTTP: the page, a static
file, Streamlit's health route, the login cookie's route and a 404 all carry them. Through
nginx: tests/e2e/test_scaleout.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.browser import run_to_end
from models.security_headers import HSTS, SecurityHeadersMiddleware, behind_tls, security_headers
from tests.e2e.conftest import ROOT, SERVER_LAUNCHER, free_port, stop, wait_until_healthy

EXPECTED = {
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


def _call(middleware: SecurityHeadersMiddleware, scope_type: str = "http") -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # run_to_end, not asyncio.run: a browser test earlier in this worker leaves its loop running.
    run_to_end(middleware({"type": scope_type}, receive, send))
    return sent


async def _inner(scope: Any, receive: Any, send: Any) -> None:
    """An app that sets its own, weaker X-Frame-Options and a header of its own."""
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"X-Frame-Options", b"SAMEORIGIN"), (b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize(
    ("tls", "hsts"),
    [
        (False, None),  # plain HTTP (make run, a test installation): HSTS would lock browsers out
        (True, HSTS),  # behind TLS: browsers must never come back over plain HTTP
    ],
)
def test_every_http_response_gets_the_headers_replacing_the_apps_own(tls: bool, hsts: str | None) -> None:
    start = _call(SecurityHeadersMiddleware(_inner, tls=tls))[0]
    headers = [(k.decode(), v.decode()) for k, v in start["headers"]]
    names = [k.lower() for k, _ in headers]
    assert len(names) == len(set(names)), headers  # each once: the app's own X-Frame-Options is gone
    found = dict((k.lower(), v) for k, v in headers)
    assert {k: found[k] for k in EXPECTED} == EXPECTED
    assert "frame-ancestors 'none'" in found["content-security-policy"]
    assert found["content-type"] == "text/plain"
    assert found.get("strict-transport-security") == hsts


def test_the_websocket_handshake_is_passed_through_untouched() -> None:
    seen: list[str] = []

    async def websocket_app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])
        await send({"type": "websocket.accept"})

    sent = _call(SecurityHeadersMiddleware(websocket_app, tls=True), "websocket")
    assert sent == [{"type": "websocket.accept"}]
    assert seen == ["websocket"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("", False), ("0", False), ("no", False)],
)
def test_behind_tls_is_said_explicitly(value: str, expected: bool) -> None:
    assert behind_tls({"SAMPLAN_BEHIND_TLS": value}) is expected


def test_the_policy_forbids_framing_plugins_and_foreign_connections() -> None:
    csp = security_headers(tls=False)["content-security-policy"]
    policy = dict(part.split(" ", 1) for part in csp.split("; "))
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe-eval" not in policy["script-src"]


def test_the_shipped_nginx_site_sends_the_same_headers() -> None:
    """deploy/nginx/samplan.conf repeats the app's headers (nginx hides the app's and adds its own,
    so each appears once): the same values, HSTS always (the site is TLS only)."""
    site = (ROOT / "deploy" / "nginx" / "samplan.conf").read_text(encoding="utf-8")
    sent = dict(re.findall(r'^\s*add_header ([A-Za-z-]+) "([^"]*)" always;$', site, flags=re.M))
    assert {k.lower(): v for k, v in sent.items()} == security_headers(tls=True)
    hidden = set(re.findall(r"^\s*proxy_hide_header ([A-Za-z-]+);$", site, flags=re.M))
    assert {h.lower() for h in hidden} == set(security_headers(tls=True))


# --- the real server ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run server.py`, told it is behind TLS (so HSTS is there to be read)."""
    tmp = tmp_path_factory.mktemp("headers")
    port, log = free_port(), tmp / "streamlit.log"
    env = {**os.environ, "SAMPLAN_DATABASE_URL": f"sqlite:///{tmp}/headers.db", "SAMPLAN_BEHIND_TLS": "1",
           "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-c", SERVER_LAUNCHER, str(os.getpid()), "-m", "streamlit", "run", "server.py",
               "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    try:
        wait_until_healthy(process, port, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def _headers(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, b""


def test_the_apps_own_responses_carry_the_headers(server_url: str) -> None:
    status, _, page = _headers(server_url + "/")
    assert status == 200
    script = re.search(rb'src="\./(static/js/[^"]+\.js)"', page)
    assert script, page[:500]
    cases = [
        ("/", "GET", 200),  # the page
        ("/" + script.group(1).decode(), "GET", 200),  # a static file
        ("/_stcore/health", "GET", 200),  # Streamlit's own route
        ("/_samplan/login-cookie", "POST", 403),  # Samplan's route (no code: refused)
        ("/no-such-file.txt", "GET", None),  # whatever Streamlit answers for a stray address
    ]
    for path, method, expected_status in cases:
        status, headers, _ = _headers(server_url + path, method)
        if expected_status is not None:
            assert status == expected_status, path
        assert {k: headers.get(k) for k in EXPECTED} == EXPECTED, path
        assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), path
        assert headers.get("strict-transport-security") == HSTS, path


def test_no_other_page_may_steer_the_app_by_post_message(server_url: str) -> None:
    """Streamlit's browser code opens its host channel (stop or rerun a script, an auth token)
    only for the origins the server names; Samplan names none (.streamlit/config.toml)."""
    status, _, body = _headers(server_url + "/_stcore/host-config")
    assert status == 200
    assert json.loads(body)["allowedOrigins"] == []


def test_several_processes_without_a_cookie_secret_refuse_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "STREAMLIT_SERVER_COOKIE_SECRET"}
    env.update(SAMPLAN_PROCESSES="2", SAMPLAN_DATABASE_URL=f"sqlite:///{tmp_path}/refused.db")
    done = subprocess.run(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(free_port()),
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Samplan will not start: SAMPLAN_PROCESSES=2 but no cookie secret is set" in done.stderr
    assert not Path(f"{tmp_path}/refused.db").exists()  # stopped before anything was opened
