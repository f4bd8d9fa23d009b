"""End-to-end fixtures: a real `streamlit run app.py` and Debian's chromium through Playwright.

Every test gets its own server on a free port with its own empty SQLite database (migrated to
head before the server starts, so a test may seed data first through models/). Starting a
server costs a couple of seconds; the terminal summary reports the measured times.

    def test_something(page, app_server, wait_for_app):
        page.goto(app_server.url)
        wait_for_app(page)

Waiting: expect() the element you need first (it retries), then wait_for_app(page) for the
rerun to finish. Never sleep.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from models import db, migrate

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("SAMPLAN_CHROMIUM", "/usr/bin/chromium"))
SERVER_START_TIMEOUT = 60.0  # seconds; a cold start on a busy 2-core machine takes ~2-4 s
POLL_INTERVAL = 0.05
APP_IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
)
START_TIME_PROPERTY = "streamlit_start_seconds"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"{CHROMIUM} not found. Install Debian's chromium (apt-get install -y chromium) "
            "or set SAMPLAN_CHROMIUM to a chromium binary; `playwright install` does not work here."
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": browser_type_launch_args.get("headless", True),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@dataclass(frozen=True)
class AppServer:
    url: str  # base URL, e.g. http://127.0.0.1:41234/
    database_url: str  # the server's own SQLite file: seed or check data through models/
    start_seconds: float

    def __str__(self) -> str:
        return self.url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def start_streamlit(port: int, database_url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "SAMPLAN_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def e2e_database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file at the newest schema, for one test's server."""
    url = f"sqlite:///{tmp_path}/e2e.db"
    migrate.upgrade_database(url)
    yield url
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@pytest.fixture
def app_server(
    e2e_database_url: str, tmp_path: Path, record_property: Callable[[str, object], None]
) -> Iterator[AppServer]:
    """`streamlit run app.py` on a free port with this test's own database; stopped afterwards."""
    log = tmp_path / "streamlit.log"
    port = free_port()
    started = time.monotonic()
    process = start_streamlit(port, e2e_database_url, log)
    try:
        deadline = started + SERVER_START_TIMEOUT
        while not _healthy(port):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{_log_tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {SERVER_START_TIMEOUT:.0f} s:\n{_log_tail(log)}")
            time.sleep(POLL_INTERVAL)  # poll interval only; the wait is for /_stcore/health
        start_seconds = time.monotonic() - started
        record_property(START_TIME_PROPERTY, round(start_seconds, 3))
        yield AppServer(f"http://127.0.0.1:{port}/", e2e_database_url, start_seconds)
    finally:
        stop(process)


def wait_for_app(page: Page, timeout: float = 20_000) -> None:
    """Wait until Streamlit has finished running the script and is connected.

    Call it after expect()-ing the element a step should show: right after a click the state
    may still read notRunning before the rerun has started.
    """
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=timeout)


@pytest.fixture(name="wait_for_app")
def wait_for_app_fixture() -> Callable[..., None]:
    return wait_for_app


@pytest.fixture
def app_page(page: Page, app_server: AppServer) -> Page:
    """The app's start page, opened and idle."""
    page.goto(app_server.url)
    expect(page.get_by_test_id("stApp")).to_be_attached(timeout=20_000)
    wait_for_app(page)
    return page


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    times = [
        float(value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name == START_TIME_PROPERTY
    ]
    if times:
        terminalreporter.write_line(
            f"e2e: {len(times)} streamlit server(s) started; start time median "
            f"{statistics.median(times):.2f} s, max {max(times):.2f} s"
        )
