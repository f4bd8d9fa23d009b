"""End-to-end fixtures: a real `streamlit run server.py` (app.py with its routes) and Debian's
chromium through Playwright.

Every test gets its own server on a free port with its own empty SQLite database (migrated to
head before the server starts, so a test may seed data first through models/). Starting a
server costs a couple of seconds; the terminal summary reports the measured times.

    def test_something(page, app_server, wait_for_app):
        page.goto(app_server.url)
        wait_for_app(page)

Waiting (the machine may be a busy 2-core CI runner, so nothing here trusts a short clock):
- expect() the element a step should show; every expect() and every Playwright action waits up
  to UI_TIMEOUT_MS (set once below), so a slow machine waits longer and a real failure still fails.
- then wait_for_app(page): it follows Streamlit's own protocol. Each browser context gets a small
  script (RUN_TRACKER) that sees the rerun requests the page sends and the "script finished"
  messages it receives over the websocket; wait_for_app returns once every request has been
  taken by a run (a fragment's request by a run of that fragment, see RUN_TRACKER), a run has
  finished after that, and the app shows itself idle and connected. So it also holds right
  after a click, before the rerun has even started. Never sleep.
- Contexts for a second browser come from the `new_context` fixture (it adds the tracker).
- Pick in a selectbox or multiselect with choose_option(box, "text") (see open_list for why).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import statistics
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg, ForwardMsgMetadata

from models import db, migrate
from models.demo import DemoResult, load_demo
from models.tables import today

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("SAMPLAN_CHROMIUM", "/usr/bin/chromium"))

# Bounds, not expectations: a step normally takes well under a second even on a loaded machine.
UI_TIMEOUT_MS = 30_000  # every expect(), click, fill and page.goto
SCRIPT_RUN_TIMEOUT_MS = 120_000  # one script run, e.g. loading the demo data on a loaded machine
OPTION_CLICK_MS = 5_000  # one try at an option in an open list (see choose_option)
SERVER_START_TIMEOUT = 120.0  # seconds until /_stcore/health says ok (2-4 s when the machine is idle)
SERVER_STOP_TIMEOUT = 10.0
HEALTH_POLL_SECONDS = 0.1  # spent waiting on the server process itself, so an early exit shows at once

APP_IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
)
START_TIME_PROPERTY = "streamlit_start_seconds"
SERVER_LOG = pytest.StashKey[Path]()

expect.set_options(timeout=UI_TIMEOUT_MS)

# Streamlit's websocket carries one protobuf message per frame: BackMsg up, ForwardMsg down.
# The field numbers come from the installed Streamlit, so an upgrade cannot silently break this.
_RERUN_FIELD = BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].number
_RERUN_FRAGMENT_FIELD = ClientState.DESCRIPTOR.fields_by_name["fragment_id"].number
_METADATA_FIELD = ForwardMsg.DESCRIPTOR.fields_by_name["metadata"].number
_RUN_FIELD = ForwardMsgMetadata.DESCRIPTOR.fields_by_name["run"].number
_RUN_FRAGMENTS_FIELD = ForwardMsgMetadata.DESCRIPTOR.fields_by_name["run"].message_type.fields_by_name[
    "fragment_ids"
].number
_NEW_SESSION_FIELD = ForwardMsg.DESCRIPTOR.fields_by_name["new_session"].number
_FINISHED_FIELD = ForwardMsg.DESCRIPTOR.fields_by_name["script_finished"].number
_FINISHED_EARLY = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")

# Which request a run serves. A click in a fragment (a part of a page, ui/fragments.py; Mødet's
# clock) asks for that fragment only, and Streamlit does not stop a run in progress for it: the
# request waits until the run in progress (the clock's own 30-second run, or a full run) has
# finished, and only then runs (measured on the wire: the other run's "finished" arrives after the
# click's request, and the click's own run after that). So "a run finished after the last request"
# is not enough. Every message of a run names the fragments it runs (metadata.run.fragment_ids,
# none for a full run); a request counts as taken when a run starts ("new_session") that is a full
# run or runs its fragment, and the wait is over once every request is taken and a run finished
# after the last one was.
RUN_TRACKER = string.Template("""
(() => {
  // Sequence numbers order requests, the runs that take them, and finished runs; the times
  // (performance.now()) are for the benchmark (bench/browser.py): the first press or typing since
  // it reset inputAt, the last rerun request, the first message back, the last "finished" and
  // the render after it. `waiting` holds the fragment id ("" for the whole app) of each request
  // no started run has taken yet.
  const runs = { sequence: 0, lastRequest: 0, lastTaken: 0, lastFinish: 0, waiting: [], requests: 0,
                 finishes: 0, closed: 0, inputAt: 0, requestAt: 0, firstReplyAt: 0, finishedAt: 0,
                 renderedAt: 0 };
  Object.defineProperty(window, "__samplanRuns", { value: runs });
  for (const type of ["pointerdown", "keydown", "input"]) {
    window.addEventListener(type, () => { if (!runs.inputAt) runs.inputAt = performance.now(); }, true);
  }
  const bytesOf = (data) => data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : null;
  // A protobuf message's fields with this number: a varint's value, a length-delimited field's
  // bytes (a message or a string).
  const fields = (bytes, wanted) => {
    const found = [];
    if (bytes === null || bytes === undefined) return found;
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1, byte;
      do { byte = bytes[i++]; value += (byte & 0x7f) * scale; scale *= 128; }
      while (byte & 0x80 && i < bytes.length);
      return value;
    };
    while (i < bytes.length) {
      const tag = varint(), number = Math.floor(tag / 8), wire = tag % 8;
      let value;
      if (wire === 0) value = varint();
      else if (wire === 2) { const length = varint(); value = bytes.subarray(i, i + length); i += length; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return found;
      if (number === wanted) found.push(value);
    }
    return found;
  };
  const text = new TextDecoder();
  const runFragments = (bytes) => {
    const run = fields(fields(bytes, $metadata)[0], $run)[0];
    return fields(run, $run_fragments).map((id) => text.decode(id));
  };
  // Streamlit handles a message after this listener, and React renders the result in a task it
  // posts then. Two posted-message hops from here land after that render (posted messages run
  // in order), so a finished run counts only once its elements are on the page.
  const afterTheRender = (done) => {
    const channel = new MessageChannel();
    let hops = 0;
    channel.port1.onmessage = () => {
      if (++hops < 2) channel.port2.postMessage(0);
      else { channel.port1.close(); done(); }
    };
    channel.port2.postMessage(0);
  };
  const Native = window.WebSocket;
  class Tracked extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes("/_stcore/stream")) return;
      this.addEventListener("close", () => { runs.closed += 1; });
      this.addEventListener("message", (event) => {
        const now = performance.now();
        if (runs.requestAt > runs.firstReplyAt) runs.firstReplyAt = now;
        const bytes = bytesOf(event.data);
        if (fields(bytes, $new_session).length) {
          // A full run takes every request; a fragment's run the requests for its fragments.
          const ran = runFragments(bytes);
          const left = ran.length ? runs.waiting.filter((id) => id === "" || !ran.includes(id)) : [];
          if (left.length < runs.waiting.length) runs.lastTaken = ++runs.sequence;
          runs.waiting = left;
        }
        const status = fields(bytes, $finished)[0];
        // A run stopped early for a rerun is not the end: the rerun that follows is.
        if (status !== undefined && status !== $early) {
          const sequence = ++runs.sequence;  // ordered against requests as received
          runs.finishedAt = now;
          afterTheRender(() => {
            runs.finishes += 1;
            runs.lastFinish = Math.max(runs.lastFinish, sequence);
            runs.renderedAt = performance.now();
          });
        }
      });
    }
    send(data) {
      const ours = String(this.url).includes("/_stcore/stream");
      const request = ours ? fields(bytesOf(data), $rerun)[0] : undefined;
      if (request !== undefined) {
        const fragment = fields(request, $rerun_fragment)[0];
        runs.waiting.push(fragment === undefined ? "" : text.decode(fragment));
        runs.requests += 1;
        runs.requestAt = performance.now();
        runs.lastRequest = ++runs.sequence;
      }
      return super.send(data);
    }
  }
  window.WebSocket = Tracked;
})();
""").substitute(
    finished=_FINISHED_FIELD,
    early=_FINISHED_EARLY,
    rerun=_RERUN_FIELD,
    rerun_fragment=_RERUN_FRAGMENT_FIELD,
    metadata=_METADATA_FIELD,
    run=_RUN_FIELD,
    run_fragments=_RUN_FRAGMENTS_FIELD,
    new_session=_NEW_SESSION_FIELD,
)

# The server's messages reach the page one by one, `window.__samplanSlowGap` ms apart (0: as they
# come; a test may change it while the page is open): what a busy server or a slow network does to
# a rerun, whose elements the page draws as they arrive. Each message is held back from the page's
# own listeners and given to them again later; the run tracker, added after this, wraps it and so
# sees each message when the page does.
SLOW_DELIVERY = string.Template("""
(() => {
  window.__samplanSlowGap = $gap;
  const Native = window.WebSocket;
  const ours = new WeakSet();
  class Slow extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes("/_stcore/stream")) return;
      let next = 0;
      this.addEventListener("message", (event) => {
        if (ours.has(event)) return;
        const gap = window.__samplanSlowGap;
        if (!gap && next <= performance.now()) return;
        event.stopImmediatePropagation();
        const again = new MessageEvent("message", { data: event.data, origin: event.origin });
        ours.add(again);
        next = Math.max(performance.now(), next) + gap;
        setTimeout(() => this.dispatchEvent(again), next - performance.now());
      });
    }
  }
  window.WebSocket = Slow;
})();
""")

SCRIPT_DONE = """
([idle, since]) => {
  const runs = window.__samplanRuns;
  if (runs === undefined) throw new Error("no run tracker: open pages through the new_context fixture");
  return runs.lastRequest > since && runs.waiting.length === 0 && runs.lastFinish > runs.lastTaken
    && document.querySelector(idle) !== null;
}
"""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed e2e test shows the end of its server's log (the traceback of an app error is there)."""
    report = yield
    log = item.stash.get(SERVER_LOG, None)
    if report.when == "call" and report.failed and log is not None and log.exists():
        report.sections.append(("streamlit log (last 60 lines)", _log_tail(log, 60)))
    return report


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


@pytest.fixture
def new_context(new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    """pytest-playwright's context factory (contexts closed after the test), each context with
    the run tracker wait_for_app reads and the generous action and navigation timeouts."""

    def tracked_context(*, slow_gap_ms: int | None = None, **kwargs: object) -> BrowserContext:
        """`slow_gap_ms`: the pages get the server's messages that far apart (SLOW_DELIVERY, added
        before the tracker, which must wrap it to see messages when the page does)."""
        context = new_context(**kwargs)
        context.set_default_timeout(UI_TIMEOUT_MS)
        context.set_default_navigation_timeout(UI_TIMEOUT_MS)
        # SAMPLAN_E2E_SLOW_GAP=40: every page gets the server's messages 40 ms apart (a run to look
        # for races; the whole suite passed at 40 ms and the Mødet/Opfølgning/Forberedelse journeys
        # at 120 ms, 5 Dec 2026).
        if slow_gap_ms is None and (gap := os.environ.get("SAMPLAN_E2E_SLOW_GAP")):
            slow_gap_ms = int(gap)
        if slow_gap_ms is not None:
            context.add_init_script(script=SLOW_DELIVERY.substitute(gap=int(slow_gap_ms)))
        context.add_init_script(script=RUN_TRACKER)
        return context

    return tracked_context


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
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _log_tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# Started through this launcher, the server gets SIGTERM from Linux if pytest dies without running
# its clean-up (a CI job's timeout sends pytest SIGTERM, which skips `finally`). The parent pid is
# checked after the request, in case pytest died in between. exec keeps the pid and the signal.
SERVER_LAUNCHER = """
import ctypes, os, signal, sys
if sys.platform == "linux":
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != int(sys.argv[1]):
        sys.exit("pytest is gone")
os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
"""


def start_streamlit(port: int, database_url: str, log: Path,
                    extra_env: dict[str, str] | None = None) -> subprocess.Popen:  # fmt: skip
    """`streamlit run server.py` on `port` (`extra_env` on top of this process's environment)."""
    env = {**os.environ, **(extra_env or {}), "SAMPLAN_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable, "-c", SERVER_LAUNCHER, str(os.getpid()),
        "-m", "streamlit", "run", "server.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the server and anything it started
        )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, SIGKILL if it has not gone after a while."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT)
            return
        except subprocess.TimeoutExpired:
            continue
    raise RuntimeError(f"streamlit (pid {process.pid}) survived SIGKILL")


def wait_until_healthy(process: subprocess.Popen, port: int, log: Path) -> None:
    """Poll /_stcore/health until it says ok; fail with the server's log if it exits or takes
    longer than SERVER_START_TIMEOUT."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not _healthy(port):
        try:  # doubles as the poll interval: returns at once if the server has exited
            returncode = process.wait(timeout=HEALTH_POLL_SECONDS)
        except subprocess.TimeoutExpired:
            returncode = None
        if returncode is not None:
            pytest.fail(f"streamlit exited with {returncode} before it was healthy:\n{_log_tail(log)}")
        if time.monotonic() > deadline:
            pytest.fail(f"streamlit not healthy after {SERVER_START_TIMEOUT:.0f} s:\n{_log_tail(log)}")


@pytest.fixture
def e2e_database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file at the newest schema, for one test's server."""
    url = f"sqlite:///{tmp_path}/e2e.db"
    migrate.upgrade_database(url)
    yield url
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@pytest.fixture(scope="session")
def _demo_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[object, tuple[Path, DemoResult]]:
    return {}  # today's date -> a database with the demo loaded, and what load_demo said


@pytest.fixture
def demo_copy(_demo_templates: dict[object, tuple[Path, DemoResult]],
              tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], DemoResult]:  # fmt: skip
    """`demo_copy(database_url)`: the demo data in that (migrated, empty) SQLite database, as
    load_demo(session_url=database_url) leaves it, with the same password.

    load_demo hashes seven passwords and validates a document (1.3-2.6 s); sixteen e2e tests need it.
    So each worker loads it once a day (its dates follow today) into a template and copies that
    with SQLite's backup API, which is safe while the test's server has the database open."""

    def load(database_url: str) -> DemoResult:
        day = today()
        if day not in _demo_templates:
            path = tmp_path_factory.mktemp("demo") / "demo.db"
            template_url = f"sqlite:///{path}"
            migrate.upgrade_database(template_url)
            result = load_demo(session_url=template_url)
            engine = db._engines.pop(template_url, None)
            if engine is not None:
                engine.dispose()
            _demo_templates[day] = (path, result)
        path, result = _demo_templates[day]
        target = database_url.removeprefix("sqlite:///")
        assert target != database_url, f"demo_copy works on SQLite files only: {database_url}"
        source, destination = sqlite3.connect(path), sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
        return result

    return load


@contextlib.contextmanager
def running_server(database_url: str, log: Path, *, port: int | None = None,
                   extra_env: dict[str, str] | None = None) -> Iterator[AppServer]:  # fmt: skip
    """`streamlit run server.py` on `port` (a free one if not given), healthy, stopped afterwards."""
    port = port or free_port()
    started = time.monotonic()
    process = start_streamlit(port, database_url, log, extra_env)
    try:
        wait_until_healthy(process, port, log)
        yield AppServer(f"http://127.0.0.1:{port}/", database_url, time.monotonic() - started)
    finally:
        stop(process)


@pytest.fixture
def app_server(
    e2e_database_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    record_property: Callable[[str, object], None],
) -> Iterator[AppServer]:
    """`streamlit run server.py` (app.py with its routes, as `make run` serves it) on a free port with
    this test's own database; always stopped afterwards."""
    log = tmp_path / "streamlit.log"
    request.node.stash[SERVER_LOG] = log
    with running_server(e2e_database_url, log) as server:
        record_property(START_TIME_PROPERTY, round(server.start_seconds, 3))
        yield server


def run_sequence(page: Page) -> int:
    """Where the page's run tracker is now: pass it to wait_for_app(requested_after=) to wait for
    the request an input is known to send."""
    return page.evaluate("() => window.__samplanRuns.sequence")


def wait_for_app(page: Page, timeout: float = SCRIPT_RUN_TIMEOUT_MS, *, requested_after: int = -1) -> None:
    """Wait until the script run the page last asked for has finished and the app is idle.

    "Finished" is Streamlit's own script_finished message, received after the page's last rerun
    request was taken by a run (see RUN_TRACKER), so this holds right after a click too. Still
    expect() the element a step should show first: that is the test's assertion, and some clicks
    rerun nothing. Some inputs send their request a moment after the key or click has been
    handled (seen in CI: a radio's ArrowRight in a part of a page, its request sent after the
    wait had already found the page idle); where an input must rerun, pass
    `requested_after=run_sequence(page)` taken before it, and the wait holds until its request.
    """
    try:
        page.wait_for_function(SCRIPT_DONE, arg=[APP_IDLE, requested_after], timeout=timeout, polling=50)
    except PlaywrightTimeout:
        state = page.evaluate(
            "(idle) => ({runs: window.__samplanRuns, app: document.querySelector('[data-testid=stApp]')"
            "?.getAttribute('data-test-script-state'), idle: document.querySelector(idle) !== null})",
            APP_IDLE,
        )
        raise AssertionError(f"no finished script run within {timeout / 1000:.0f} s: {state}") from None


def log_in(page: Page, url: str, username: str, password: str) -> None:
    """The login form, filled as a user does; returns when the logged-in page's run has finished
    (the sidebar's "Log ud" is on the page: attached, since a phone folds the sidebar away)."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator(".st-key-logout")).to_be_attached()
    wait_for_app(page)


@pytest.fixture(name="wait_for_app")
def wait_for_app_fixture() -> Callable[..., None]:
    return wait_for_app


def open_list(box: Locator) -> Locator:
    """Open the list of a selectbox or multiselect (`box`: its stSelectbox/stMultiSelect element)
    and return the list.

    A box drawn a moment ago may not answer yet: Streamlit's react-aria combobox is wired up in
    effects that run after it is shown (on a loaded machine, seconds after), and a click or key
    before that is lost (seen here: focused, still shut). ArrowDown opens a ready box and does
    nothing else to it (in an open list it only moves the highlight), so press it until the list
    is open, within UI_TIMEOUT_MS. A multiselect keeps its list open after a pick: then it is left open.
    """
    combobox = box.get_by_role("combobox")
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    # Open, and saying which list is its own. The attribute can come a moment after aria-expanded
    # (seen in CI on a loaded machine: the locator became [id="None"]), and a list can shut again
    # before it comes (seen in CI: a late render of the box closed it), so look at both each turn
    # and press again whenever it is shut.
    while True:
        expanded = combobox.get_attribute("aria-expanded") == "true"
        listbox = combobox.get_attribute("aria-controls") if expanded else None
        if listbox:
            break
        if time.monotonic() > deadline:
            state = "opened without saying which it is" if expanded else "did not open"
            raise AssertionError(f"the list of {combobox} {state} within {UI_TIMEOUT_MS / 1000:.0f} s")
        if expanded:
            time.sleep(0.05)
        else:
            combobox.press("ArrowDown")
    return box.page.locator(f'[id="{listbox}"]')


def choose_option(box: Locator, option: str, *, exact: bool = False) -> None:
    """Pick `option` in a selectbox or multiselect (see open_list).

    An open list can still shut before the click lands (seen in CI on a phone beside busy cores:
    the option was covered by the page while the expander above it settled, then the list was
    gone and the click waited 30 s for a detached option). So a click that has not landed within
    OPTION_CLICK_MS opens the list again and clicks again, within UI_TIMEOUT_MS. A click that
    fails this way never reached the option, so trying again cannot pick it twice.
    """
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while True:
        target = open_list(box).get_by_role("option", name=option, exact=exact)
        try:
            target.click(timeout=OPTION_CLICK_MS)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise


CURRENT_STEP = ".st-key-meet-steps label:has(input:checked)"  # Mødet: the agenda item the meeting is at


def go_to_step(page: Page, item: str | re.Pattern[str]) -> None:
    """Mødet: pick an agenda item ("3 Mål", or a pattern) in the agenda's row of steps (a radio
    button each, ui/choice_group.py): the pick moves the meeting there. The current item is
    picked already: nothing to do.

    Returns when the row marks the item. A click on the step that has not moved the meeting
    within OPTION_CLICK_MS is made again (seen once in CI beside busy cores with the earlier
    picker: the click had not landed); a step already chosen cannot be chosen twice.
    """
    marker = page.locator(CURRENT_STEP)
    current = marker.inner_text()
    if (current == item) if isinstance(item, str) else item.search(current):
        return
    steps = page.locator(".st-key-meet-steps label")
    option = steps.filter(has_text=item)
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while True:
        option.first.click()
        wait_for_app(page)
        try:
            expect(marker).to_have_text(item, timeout=OPTION_CLICK_MS)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


@pytest.fixture(name="open_list")
def open_list_fixture() -> Callable[..., Locator]:
    return open_list


@pytest.fixture(name="choose_option")
def choose_option_fixture() -> Callable[..., None]:
    return choose_option


@pytest.fixture
def app_page(page: Page, app_server: AppServer) -> Page:
    """The app's start page, opened and idle."""
    page.goto(app_server.url)
    expect(page.get_by_test_id("stApp")).to_be_attached()
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
