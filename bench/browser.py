"""The benchmark in the browser: what a click costs as a user feels it, and where the time goes.

`measure_browser` runs a real `streamlit run app.py` on the full-scale database and another on
the one-citizen database (bench/serve.py: the server times its own script runs), logs in as the
typical staff user on each in its own context of one Debian chromium (1440×900), and repeats in
turns (full scale, then one citizen): sidebar navigation to each page, choosing a row in
Opfølgning, saving that agreement, a search in Mine borgere and a score in Mødet.

One interaction is timed from the click (the page's own pointerdown/keydown, performance.now())
to the first animation frame in which the script run it asked for has finished, the app shows
itself idle and connected, and the expected element is visible. Beside it, from the same page:
click → rerun request sent, request → Streamlit's "script finished" message received (the
server, the queue and the websocket), that message → rendered; and from the server's own log of
the same runs (bench/serve.py) the script's time and what Streamlit does after it (its garbage
collection). `wall_ms` is the same interaction timed around Playwright in this process.

The pieces here are shared with bench/users.py (many users at once). Nothing is a test: no
figure fails the run; every wait has a bound, and every server and browser stops itself.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from models.i18n import translate
from tests.e2e.conftest import APP_IDLE, RUN_TRACKER, SCRIPT_DONE

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("SAMPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}
STEP_TIMEOUT_MS = 30_000  # one interaction; a bound, not an expectation
LOGIN_TIMEOUT_MS = 120_000  # the first run of a page on a cold server pays imports and caches
SERVER_START_SECONDS = 120.0

# What a user sees when something went wrong (Danish from the catalogue, or Streamlit's own box).
ERROR_PHRASES = ("database is locked", translate("database_trouble.busy", "da")[:16],
                 translate("database_trouble.unavailable", "da")[:24],
                 translate("error.unexpected", "da")[:14], "This app has encountered an error")

# The pages a staff user has in the sidebar (Overblik is for leaders), in the order clicked, each
# with what shows that the page is there: (CSS selector, text it contains or None).
NAVIGATION = (
    ("home", translate("nav.home", "da"), ("h1", translate("home.title", "da"))),
    ("prepare", translate("nav.prepare", "da"), ("h1", translate("nav.prepare", "da"))),
    ("meeting", translate("nav.meeting", "da"), (".sp-key-meet-head h2", None)),
    ("plan", translate("nav.plan", "da"), ("h1", translate("nav.plan", "da"))),
    ("my_plan", translate("planview.nav_title", "da"), ("h1", translate("planview.title", "da"))),
    ("citizen_data", translate("nav.citizen_data", "da"), ("h1", translate("rights.title", "da"))),
    ("follow_up", translate("nav.follow_up", "da"), ("h1", translate("followup.title", "da"))),
)
SAVED_IN_PROGRESS = translate("followup.saved_in_progress", "da")
SEARCHES = ("an", "en")  # two searches in turns: each one changes the list (a rerun)
SCORES = ("4", "6")

# The page's own timeline of each rerun: tests/e2e/conftest.py's RUN_TRACKER (one script for the
# tests and the benchmark) keeps, beside the run sequence, when the user last pressed something,
# when the rerun request left, the first message back, the "script finished" message and the
# render after it, in window.__samplanRuns.
TRACKER = RUN_TRACKER

# Polled every animation frame: done once the run asked for has finished and rendered, the app is
# idle, and one of the expected elements is visible, or an error is on the page. Returns the time.
DONE = """
([idle, expected, phrases, since]) => {
  const b = window.__samplanRuns;
  const visible = ([css, text]) => [...document.querySelectorAll(css)].some(
    (el) => el.getClientRects().length > 0 && (text === null || el.innerText.includes(text)));
  const app = document.querySelector('[data-testid="stApp"]');
  if (app && app.getAttribute("data-test-connection-state") !== "CONNECTED" && b.closed > 0) {
    return { at: performance.now(), ok: false, error: "disconnected" };
  }
  // The run asked for since the action began (a search's Enter may leave a moment after the
  // typing, while the previous run's "finished" still stands), finished, rendered and idle.
  if (!(b.lastRequest > since && b.waiting.length === 0 && b.lastFinish > b.lastTaken
        && document.querySelector(idle) !== null)) {
    return false;
  }
  if (expected.some(visible)) return { at: performance.now(), ok: true, error: null };
  const main = document.querySelector('[data-testid="stMain"]');
  const words = main ? main.innerText : "";
  const error = phrases.find((p) => words.includes(p))
    || (document.querySelector('[data-testid="stException"]') ? "exception box" : null);
  return error ? { at: performance.now(), ok: false, error } : false;
}
"""

ERRORS_SHOWN = """
(phrases) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const words = main ? main.innerText : "";
  const found = phrases.filter((p) => words.includes(p));
  if (document.querySelector('[data-testid="stException"]')) found.push("exception box");
  return found;
}
"""


# --- the server ---------------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path
    timings: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def runs_between(self, started: float, ended: float) -> list[dict[str, Any]]:
        """The server's script runs that started and ended inside [started, ended] (time.time())."""
        runs = []
        for line in self.timings.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError):
                run = json.loads(line)
                if run.get("started") and started - 0.002 <= run["started"] and run["ended"] <= ended + 0.002:
                    runs.append(run)
        return runs


def run_to_end(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, also where this thread's event loop is running: pytest-playwright's sync API
    keeps one running in a test worker once a browser test has run there, and asyncio.run refuses
    it. Then the benchmark's loop runs in a thread of its own (the harness's tests run in any
    order beside the browser tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="bench-loop") as pool:
        return pool.submit(asyncio.run, coroutine).result()


@contextlib.contextmanager
def streamlit_servers(databases: dict[str, str], workdir: Path,
                      scripts: dict[str, str] | None = None) -> Iterator[dict[str, Server]]:  # fmt: skip
    """`streamlit run app.py` (through bench/serve.py) per name -> database URL, each on a free port
    of 127.0.0.1, started together and stopped at the end; `scripts` runs another script for a
    name (the floor, bench/floor_app.py)."""
    from tests.e2e.conftest import SERVER_LAUNCHER, _healthy, free_port, stop

    servers: dict[str, Server] = {}
    try:
        for name, database_url in databases.items():
            log, timings = workdir / f"streamlit-{name}.log", workdir / f"timings-{name}.jsonl"
            timings.write_text("", encoding="utf-8")
            port = free_port()
            env = {**os.environ, "SAMPLAN_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1",
                   "PYTHONPATH": str(ROOT)}
            script = (scripts or {}).get(name, "server.py")
            command = [sys.executable, "-c", SERVER_LAUNCHER, str(os.getpid()), "-m", "bench.serve",
                       str(timings), "run", script, "--server.headless", "true",
                       "--server.address", "127.0.0.1", "--server.port", str(port),
                       "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
            with log.open("wb") as output:
                process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                           stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
            servers[name] = Server(process, port, log, timings)
        deadline = time.monotonic() + SERVER_START_SECONDS
        for server in servers.values():
            while not _healthy(server.port):
                if server.process.poll() is not None or time.monotonic() > deadline:
                    tail = server.log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"streamlit did not start: {tail}")
                time.sleep(0.1)
        yield servers
    finally:
        for server in servers.values():
            stop(server.process)


@contextlib.contextmanager
def streamlit_server(database_url: str, workdir: Path, name: str) -> Iterator[Server]:
    with streamlit_servers({name: database_url}, workdir) as servers:
        yield servers[name]


# --- the browser --------------------------------------------------------------------------------


async def launch_chromium(playwright: Any) -> Any:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: apt-get install -y chromium (or set SAMPLAN_CHROMIUM)")
    return await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


async def open_page(browser: Any) -> Any:
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    await context.add_init_script(script=TRACKER)
    return await context.new_page()


async def wait_idle(page: Any, timeout: float = STEP_TIMEOUT_MS) -> None:
    await page.wait_for_function(SCRIPT_DONE, arg=[APP_IDLE, -1], polling="raf", timeout=timeout)


async def log_in(page: Any, base_url: str, username: str, password: str, citizen_id: int) -> None:
    """Log in through the login form, with `citizen_id` chosen through the address (?citizen=)."""
    await page.goto(f"{base_url}?citizen={citizen_id}", timeout=LOGIN_TIMEOUT_MS)
    await page.get_by_label("Brugernavn").fill(username, timeout=LOGIN_TIMEOUT_MS)
    await page.get_by_label("Adgangskode").fill(password)
    await page.get_by_role("button", name="Log ind").click()
    await page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=LOGIN_TIMEOUT_MS)
    await wait_idle(page, LOGIN_TIMEOUT_MS)


@dataclass
class Sample:
    """One interaction: the page's timeline (ms after the click) and the server's runs in it."""

    name: str
    ok: bool
    error: str | None
    total_ms: float  # click -> finished, rendered, idle and the expected element visible
    wall_ms: float  # the same around Playwright, from this process
    to_request_ms: float | None = None  # click -> the rerun request left the page
    server_side_ms: float | None = None  # request -> "script finished" received (server, queue, websocket)
    render_ms: float | None = None  # "script finished" -> rendered
    settle_ms: float | None = None  # rendered -> seen idle with the element (up to one frame)
    script_ms: float | None = None  # the server's own time in the script(s) of this click
    after_script_ms: float | None = None  # what Streamlit did after them (of it gc_ms)
    gc_ms: float | None = None
    runs: int = 0  # script runs on the server in this click
    started: float = field(default=0.0)  # time.time() at the click


Action = Callable[[], Awaitable[None]]
Expected = list[tuple[str, str | None]]


async def interact(page: Any, name: str, action: Action, expected: Expected, *,
                   server: Server | None = None, timeout: float = STEP_TIMEOUT_MS) -> Sample:  # fmt: skip
    """Do `action` (a click or a key) and wait until its rerun is done and `expected` is visible."""
    since = await page.evaluate("() => { const b = window.__samplanRuns; b.inputAt = 0; return b.sequence; }")
    started, began = time.time(), time.perf_counter()
    try:
        await action()
        handle = await page.wait_for_function(DONE, arg=[APP_IDLE, expected, list(ERROR_PHRASES), since],
                                              polling="raf", timeout=timeout)  # fmt: skip
        done = await handle.json_value()
    except Exception as error:  # noqa: BLE001 - a timeout or a closed page is an error of this step
        wall = (time.perf_counter() - began) * 1000
        return Sample(name, False, f"{type(error).__name__}: {str(error).splitlines()[0][:160]}", wall, wall,
                      started=started)  # fmt: skip
    wall = (time.perf_counter() - began) * 1000
    b = await page.evaluate("() => ({...window.__samplanRuns})")
    clicked = b["inputAt"] or b["requestAt"]
    error = done["error"]
    if done["ok"]:  # the element is there; anything wrong beside it still counts
        shown = await page.evaluate(ERRORS_SHOWN, list(ERROR_PHRASES))
        error = ", ".join(shown) or None
    sample = Sample(name, done["ok"] and error is None, error, done["at"] - clicked, wall,
                    to_request_ms=b["requestAt"] - clicked, server_side_ms=b["finishedAt"] - b["requestAt"],
                    render_ms=b["renderedAt"] - b["finishedAt"], settle_ms=done["at"] - b["renderedAt"],
                    started=started)  # fmt: skip
    if server is not None:
        runs = server.runs_between(started, time.time())
        sample.runs = len(runs)
        sample.script_ms = sum(r["script_ms"] or 0 for r in runs)
        sample.after_script_ms = sum(r["after_ms"] for r in runs)
        sample.gc_ms = sum(r["gc_ms"] for r in runs)
    return sample


def summarise(samples: list[Sample]) -> dict[str, Any]:
    """Median and p95 of the click-to-visible time, the phases' medians, and the errors."""
    from bench.run import _stats

    good = [s for s in samples if s.ok]
    result: dict[str, Any] = {"n": len(samples), "errors": len(samples) - len(good),
                              "error_samples": sorted({s.error for s in samples if s.error})[:5]}
    if not good:
        return result
    result["ms"] = _stats([s.total_ms for s in good])
    result["wall_ms"] = _stats([s.wall_ms for s in good])
    phases = ("to_request_ms", "server_side_ms", "render_ms", "settle_ms", "script_ms", "after_script_ms",
              "gc_ms")
    result["phases_median_ms"] = {
        phase: statistics.median(values)
        for phase in phases
        if (values := [getattr(s, phase) for s in good if getattr(s, phase) is not None])
    }
    result["runs_per_click"] = statistics.median(s.runs for s in good)
    return result


# --- the interactions ---------------------------------------------------------------------------


def _sidebar_link(page: Any, title: str) -> Any:
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True)


async def navigate(page: Any, title: str, expected: tuple[str, str | None], *, server: Server | None = None,
                   name: str | None = None) -> Sample:  # fmt: skip
    link = _sidebar_link(page, title)
    return await interact(page, name or f"navigate {title}", link.click, [expected], server=server)


async def choose_first_row(page: Any, *, server: Server | None = None) -> Sample:
    """Opfølgning: click the first row not chosen (a button in a list, ui/row_list.py; its
    agreement's card opens)."""
    row = page.locator('[class*="st-key-fu-rows-"] button[aria-pressed="false"]').first
    try:
        await row.wait_for(timeout=STEP_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError: no list to choose from
        return Sample("choose a row", False, "no list of agreements", 0.0, 0.0)
    await row.scroll_into_view_if_needed()
    return await interact(page, "choose a row in Opfølgning", row.click,
                          [('[class*="st-key-fu_save_m"] button', None)], server=server)  # fmt: skip


async def save_agreement(page: Any, *, server: Server | None = None) -> Sample:
    """The open card's panel: "I gang" is chosen first; save it (the flash says it was saved)."""
    button = page.locator('[class*="st-key-fu_save_m"] button').first
    return await interact(page, "save an agreement", button.click,
                          [('[data-testid="stMain"]', SAVED_IN_PROGRESS)], server=server)  # fmt: skip


async def search_citizens(page: Any, words: str, *, server: Server | None = None) -> Sample:
    """Type a search and press Enter; timed from the typing (the list follows)."""
    box = page.locator(".st-key-home_search input")
    await box.click()

    async def enter() -> None:
        await box.fill(words)
        await box.press("Enter")

    return await interact(page, "search in Mine borgere", enter,
                          [('.st-key-home-citizens table', None), ('[data-testid="stAlert"]', None)],
                          server=server)  # fmt: skip


async def open_goal_scores(page: Any) -> None:
    """Mødet: start the meeting if it is not running, and go to the goals step (not timed)."""
    start = page.locator(".st-key-meet_open button")
    if await start.count():
        await start.click()
        # A meeting planned for a later day asks first (issue 17): answer yes.
        early = page.locator(".st-key-meet_open_early button")
        await early.or_(page.locator(".st-key-meet-steps")).first.wait_for()
        if await early.count():
            await early.click()
        await page.locator(".st-key-meet-steps").wait_for()
        await wait_idle(page)
    # The agenda's row of steps (ui/choice_group.py): the current item is the checked one.
    if await page.locator(".st-key-meet-steps label:has(input:checked)").inner_text() != "3 Mål":
        await page.locator(".st-key-meet-steps label").filter(has_text="3 Mål").click()
        await wait_idle(page)
    await page.locator('[class*="st-key-meet_score_"]').first.wait_for()
    await wait_idle(page)


async def set_score(page: Any, score: str, *, server: Server | None = None) -> Sample:
    radio = page.locator('[class*="st-key-meet_score_"]').first
    label = radio.locator("label").filter(has_text=score).first
    return await interact(page, "score in Mødet", label.click,
                          [('[class*="st-key-meet_score_"] label:has(input:checked)', score)],
                          server=server)  # fmt: skip


FLOOR = "floor"


async def floor_click(page: Any, server: Server) -> Sample:
    """The floor (bench/floor_app.py): one click drawing 30 lines of text, then one taking them
    away again (not timed); the first is the sample."""
    button = page.get_by_role("button", name="Tegn")
    drawn = await interact(page, "floor: 30 lines", button.click, [("#floor-done", None)], server=server)
    await interact(page, "floor: empty", button.click, [("#floor-empty", None)])
    return drawn


# --- the browser part of the benchmark ------------------------------------------------------------


def username_of(database_url: str, user_id: int) -> str:
    from models.db import session_scope
    from models.tables import UserAccount

    with session_scope(url=database_url) as session:
        return session.get(UserAccount, user_id).username


async def _one_round(page: Any, server: Server, turn: int, *, searchable: bool) -> list[Sample]:
    """The interactions once, starting on Mødet's goals step or on Opfølgning; ends on Mødet."""
    samples = [await navigate(page, title, expected, server=server, name=f"navigate to {title}")
               for _, title, expected in NAVIGATION]  # fmt: skip
    samples.append(await choose_first_row(page, server=server))
    if samples[-1].ok:
        samples.append(await save_agreement(page, server=server))
    await navigate(page, "Mine borgere", NAVIGATION[0][2])
    if searchable:
        samples.append(await search_citizens(page, SEARCHES[turn % 2], server=server))
    await navigate(page, "Mødet", NAVIGATION[2][2])
    await open_goal_scores(page)
    samples.append(await set_score(page, SCORES[turn % 2], server=server))
    return samples


async def _measure_browser(sides: dict[str, dict[str, Any]], runs: int, workdir: Path,
                           warmup: int) -> dict[str, Any]:  # fmt: skip
    from playwright.async_api import async_playwright

    from bench.build import BENCH_PASSWORD

    databases = {side: spec["url"] for side, spec in sides.items()}
    databases[FLOOR] = next(iter(databases.values()))  # not read: the floor is no Samplan code
    with streamlit_servers(databases, workdir, scripts={FLOOR: "bench/floor_app.py"}) as servers:
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            pages = {side: await open_page(browser) for side in sides}
            floor_page = await open_page(browser)
            await floor_page.goto(servers[FLOOR].url, timeout=LOGIN_TIMEOUT_MS)
            await floor_page.locator("#floor-empty").wait_for(timeout=LOGIN_TIMEOUT_MS)
            floor: list[Sample] = []
            searchable = dict.fromkeys(sides, True)
            await asyncio.gather(*(  # the first runs of a fresh server are slow: both at once
                log_in(pages[side], servers[side].url, spec["username"], BENCH_PASSWORD, spec["citizen_id"])
                for side, spec in sides.items()
            ))  # fmt: skip
            samples: dict[str, list[Sample]] = {side: [] for side in sides}
            for turn in range(warmup + runs):  # warm-up rounds first (caches, imports, the browser)
                for side, page in pages.items():
                    if turn == 0:
                        await navigate(page, "Mine borgere", NAVIGATION[0][2])
                        searchable[side] = await page.locator(".st-key-home_search input").count() > 0
                        await navigate(page, "Opfølgning", NAVIGATION[-1][2])
                    done = await _one_round(page, servers[side], turn, searchable=searchable[side])
                    if turn >= warmup:
                        samples[side] += done
                drawn = await floor_click(floor_page, servers[FLOOR])
                if turn >= warmup:
                    floor.append(drawn)
            await browser.close()
        logs = {side: _log_errors(server.log) for side, server in servers.items()}
    result: dict[str, Any] = {"runs": runs, "warmup": warmup, "viewport": VIEWPORT, "server_log_errors": logs,
                              "floor": summarise(floor), "interactions": {}}
    names = list(dict.fromkeys(s.name for side in samples.values() for s in side))
    for name in names:
        figures = {side: summarise([s for s in samples[side] if s.name == name]) for side in sides}
        full, one = figures.get("full", {}), figures.get("one", {})
        if full.get("ms") and one.get("ms"):
            figures["ratio_p95"] = full["ms"]["p95"] / one["ms"]["p95"]
        result["interactions"][name] = figures
    return result


def _log_errors(log: Path) -> dict[str, Any]:
    """Errors the server logged: how many lines name each, and the first few lines."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    marks = ("database is locked", "OperationalError", "Traceback", " ERROR ", "DatabaseBusy")
    hits = [line for line in lines if any(mark in line for mark in marks)]
    return {"lines": len(hits), "by_mark": {m: sum(m in line for line in hits) for m in marks},
            "excerpt": hits[:8]}


def measure_browser(info: dict[str, Any], one: dict[str, Any], runs: int, *,
                    warmup: int = 1) -> dict[str, Any]:  # fmt: skip
    """The typical staff user on the full-scale database (`info`) and on the one-citizen one."""
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="samplan-bench-browser-"))
    sides = {
        "full": {"url": info["url"], "username": username_of(info["url"], info["typical_user_id"]),
                 "citizen_id": info["typical_citizen_id"]},
        "one": {"url": one["url"], "username": username_of(one["url"], one["typical_user_id"]),
                "citizen_id": one["typical_citizen_id"]},
    }
    try:
        return run_to_end(_measure_browser(sides, runs, workdir, warmup))
    except Exception as error:  # noqa: BLE001 - a failed browser run is reported, not fatal
        return {"failed": f"{type(error).__name__}: {str(error)[:500]}", "workdir": str(workdir)}
