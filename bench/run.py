"""The municipal-scale benchmark: `make bench` (python -m bench.run --scale 1).

For SQLite, and PostgreSQL when SAMPLAN_TEST_POSTGRES_URL names a server (scripts/with-postgres):
build the database (bench/build.py), then measure in a fresh process per database
(`python -m bench.run --worker KIND --url URL`, which prints JSON):

- pages: every page's warm AppTest rerun (the 2nd and later run() on one instance) for the
  bench staff user and a citizen on their team, at full scale and on a one-citizen database
  (in turns, in one process), and the SQL statements of one render (before_cursor_execute);
- hot: my follow-ups (300 open agreements), one citizen's plan, the leaders' overview;
- word: build_plan_docx for 3 goals + 40 agreements against bare python-docx with the same text;
- exchange: `samplan import` of a 1,000-citizen file and `samplan export --all` of them;
- load: 16 threads saving agreements at once (latency per save, errors);
- memory: VmRSS of `streamlit run` after a browser opened every page (SQLite only);
- browser: the typical staff user's clicks in chromium against `streamlit run`, full scale and one
  citizen in turns, click to visible and where the time goes (bench/browser.py);
- users: 1, 10, 20 and 30 staff users at once, each in its own browser context, working with
  2 s ± 1 s think time (bench/users.py): latency, errors, saves arrived, memory, CPU;
- wire: the same users over Streamlit's websocket without browsers (bench/protocol.py), so the
  two cores are left to the server: request to "script finished" as the server delivers it.

Prints one table (median, min, max, target) and writes the same figures to
bench-results/bench-<time>.json. Nothing here is a test: no figure fails the run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench-results"
PAGES = ("pages/follow_up.py", "pages/home.py", "pages/prepare.py", "pages/meeting.py", "pages/plan.py",
         "pages/my_plan.py", "pages/overview.py", "pages/citizen_data.py", "pages/admin.py")
ADMIN_PAGES = ("pages/admin.py",)
HEAVY_PAGES = ("pages/follow_up.py", "pages/home.py")  # their length follows the user's caseload
OVERVIEW_PAGE = "pages/overview.py"
NAV_TITLES = {"follow_up": "nav.follow_up", "home": "nav.home", "prepare": "nav.prepare",
              "meeting": "nav.meeting", "plan": "nav.plan", "my_plan": "planview.nav_title",
              "overview": "nav.overview", "citizen_data": "nav.citizen_data", "admin": "nav.admin"}
THREADS = 16
SAVES_PER_THREAD = 20
WORD_GOALS, WORD_AGREEMENTS = 3, 40
EXCHANGE_CITIZENS = 1_000


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "min": ordered[0], "max": ordered[-1], "p95": p95,
            "n": len(ordered)}


def _timed(fn: Callable[[], Any], runs: int, *, warmup: int = 1) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


# --- workers (one database per process) ------------------------------------------------------


def _actor(user_id: int) -> Any:
    from models.access import Actor
    from models.db import session_scope
    from models.tables import UserAccount

    with session_scope() as session:
        user = session.get(UserAccount, user_id)
        return Actor.from_user(user)


def _page_app(page: str, info: dict[str, Any], user_id: int, citizen_id: int) -> Any:
    """An AppTest on `page`, logged in as `user_id` (the administrator on admin pages) with
    `citizen_id` chosen, run twice: the first run pays Streamlit's one-off costs."""
    from streamlit.testing.v1 import AppTest

    from models.db import session_scope
    from models.users import start_login_session

    # Overblik is for leaders and administrators (issue 15): the administrator opens it.
    user_id = info["admin_user_id"] if page in ADMIN_PAGES or page == OVERVIEW_PAGE else user_id
    with session_scope(write=True) as session:
        token = start_login_session(session=session, actor=_actor(user_id))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["login_token"] = token
    at.session_state["citizen_id"] = citizen_id
    at.run()
    at.switch_page(str(ROOT / page)).run()
    return at


def worker_pages(url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    """Every page for the typical staff user and their citizen at full scale (`url`) and for the
    user of the one-citizen database (`info["one"]`), measured in turns in one process: a
    full-scale run, then a one-citizen run, and so on. The ratio then compares the two under the
    same machine conditions (this 2-core machine drifts by up to ~40 % from one quarter of an hour
    to the next, longer than a page's runs take). The lists whose length follows the user's own
    caseload (HEAVY_PAGES) are measured for the heaviest user too, in the same turns."""
    import streamlit as st

    from bench.counting import count_statements
    from models.db import get_engine

    one = info["one"]
    sides = {
        "full": (url, info, info["typical_user_id"], info["typical_citizen_id"]),
        "one": (one["url"], one, one["typical_user_id"], one["typical_citizen_id"]),
        "heavy": (url, info, info["bench_user_id"], info["citizen_id"]),
    }
    results: dict[str, dict[str, Any]] = {side: {} for side in sides}

    def use(side: str) -> None:  # the app reads its database from the environment on every run
        os.environ["SAMPLAN_DATABASE_URL"] = sides[side][0]

    for page in PAGES:
        st.cache_data.clear()
        st.cache_resource.clear()
        measured = [side for side in sides if side != "heavy" or page in HEAVY_PAGES]
        apps, samples = {}, {side: [] for side in measured}
        for side in measured:
            side_url, side_info, user_id, citizen_id = sides[side]
            use(side)
            at = apps[side] = _page_app(page, side_info, user_id, citizen_id)
            errors = [str(e.value)[:300] for e in at.exception]
            with count_statements(get_engine(side_url)) as log:
                at.run()
            results[side][page] = {"statements": log.count, "repeated": log.repeated(), "errors": errors}
        for _ in range(runs):
            for side in measured:
                use(side)
                started = time.perf_counter()
                apps[side].run()
                samples[side].append((time.perf_counter() - started) * 1000)
        for side in measured:
            results[side][page]["ms"] = _stats(samples[side])
            results[side][page]["errors_after"] = [str(e.value)[:300] for e in apps[side].exception]
        if page == OVERVIEW_PAGE:
            # The first view after a change: an agreement's date moved (committed through a
            # Session, as every save is; not timed), then the page (models/overview_kept.py
            # counts the changed citizen again). And after "Regn tallene igen nu" (and the first
            # view of a day): everything counted from scratch.
            use("full")
            fresh, recounted = [], []
            for n in range(runs):
                _move_an_agreement(info["typical_citizen_id"], n)
                started = time.perf_counter()
                apps["full"].run()
                fresh.append((time.perf_counter() - started) * 1000)
            for _ in range(runs):
                from ui.overview_view import forget_figures

                forget_figures()
                started = time.perf_counter()
                apps["full"].run()
                recounted.append((time.perf_counter() - started) * 1000)
            results["full"][page]["after_change_ms"] = _stats(fresh)
            results["full"][page]["recounted_ms"] = _stats(recounted)
    use("full")
    return results


def _move_an_agreement(citizen_id: int, n: int) -> None:
    """Move one of the citizen's agreements a day (back and forth): a change Overblik counts."""
    from sqlmodel import select

    from models.db import session_scope
    from models.tables import Action

    with session_scope(write=True) as session:
        action = session.execute(select(Action).where(Action.citizen_id == citizen_id)
                                 .order_by(Action.id).limit(1)).scalar_one()  # fmt: skip
        action.due_on += timedelta(days=1 if n % 2 == 0 else -1)


def _overview_call(actor: Any) -> Any:
    from models.db import session_scope
    from models.overview import NEEDS_ON_SCREEN, build_overview
    from models.overview_lookups import Period
    from models.tables import today

    day = today()
    with session_scope(write=True) as session:  # as the page asks for it, without the minute's cache
        return build_overview(session=session, actor=actor, period=Period(day - timedelta(days=364), day),
                              on=day, needs_limit=NEEDS_ON_SCREEN)


def worker_hot(url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    from bench.counting import count_statements
    from models.db import get_engine, session_scope
    from models.follow_up import my_agreements, my_start_page
    from models.plans import load_joint_plan

    engine = get_engine(url)
    staff = _actor(info["bench_user_id"])

    def follow_ups() -> Any:  # what the start page reads: counts, and the cards it shows
        with session_scope(write=True) as session:
            page = my_start_page(session=session, actor=staff)
            return [item for section in page.sections for item in section.items]

    def follow_ups_all() -> Any:  # every one of them (a search reads these)
        with session_scope(write=True) as session:
            return my_agreements(session=session, actor=staff, include_done=False)

    def plan() -> Any:
        with session_scope(write=True) as session:
            return load_joint_plan(session=session, actor=staff, citizen_id=info["citizen_id"])

    def overview() -> Any:  # for leaders and administrators (issue 15)
        return _overview_call(_actor(info["admin_user_id"]))

    results = {}
    hot = (("my_follow_ups", follow_ups), ("my_follow_ups_all", follow_ups_all), ("joint_plan", plan),
           ("overview", overview))
    for name, fn in hot:
        with count_statements(engine) as log:
            value = fn()
        samples, _ = _timed(fn, runs)
        extra = {"rows": len(value)} if isinstance(value, list) else {}
        results[name] = {"ms": _stats(samples), "statements": log.count, **extra}
    return results


def _word_plan(info: dict[str, Any]) -> Any:
    """The bench citizen's plan with 3 goals and 40 agreements (copies of its own, renumbered)."""
    from models.db import session_scope
    from models.plans import load_joint_plan

    with session_scope(write=True) as session:
        plan = load_joint_plan(session=session, actor=_actor(info["bench_user_id"]),
                               citizen_id=info["citizen_id"])
    goals = plan.goals[:WORD_GOALS]
    actions = [replace(plan.actions[n % len(plan.actions)], id=100_000 + n,
                       goal_id=goals[n % len(goals)].id, text=f"Aftale nummer {n + 1}: "
                       + plan.actions[n % len(plan.actions)].text)
               for n in range(WORD_AGREEMENTS)]
    return replace(plan, goals=tuple(goals), actions=tuple(actions))


def _bare_docx(data: bytes) -> Callable[[], bytes]:
    """python-docx alone writing the same paragraphs and tables (no styles, no layout)."""
    import docx

    source = docx.Document(io.BytesIO(data))
    blocks: list[Any] = []
    for child in source.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            table = next(t for t in source.tables if t._tbl is child)
            blocks.append([[cell.text for cell in row.cells] for row in table.rows])

    def build() -> bytes:
        doc = docx.Document()
        for block in blocks:
            if isinstance(block, str):
                doc.add_paragraph(block)
            else:
                table = doc.add_table(rows=len(block), cols=len(block[0]))
                for row, values in zip(table.rows, block, strict=True):
                    for cell, value in zip(row.cells, values, strict=True):
                        cell.text = value
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    return build


def worker_word(url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    from exports.word_plan import build_plan_docx

    plan = _word_plan(info)
    samples, data = _timed(lambda: build_plan_docx(plan), runs)
    bare = _bare_docx(data)
    floor, _ = _timed(bare, runs)
    # Interleave once more so both see the same machine load; the ratio uses the medians.
    return {"build_plan_docx": {"ms": _stats(samples), "bytes": len(data)},
            "bare_python_docx": {"ms": _stats(floor)},
            "ratio": statistics.median(samples) / statistics.median(floor),
            "goals": len(plan.goals), "agreements": len(plan.actions)}


def worker_exchange(url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    """Export a file of `citizens` from the built database, then import it into a fresh
    database `runs` times and export --all from it, through the samplan command."""
    import cli
    from bench.build import fresh_database
    from models.db import dispose_engines
    from models.migrate import upgrade_database

    citizens = info["exchange_citizens"]
    workdir = Path(tempfile.mkdtemp(prefix="samplan-bench-"))
    source = workdir / "source.json"
    _export_first(url, citizens, source)
    target = info["exchange_url"]
    imports, exports = [], []
    for _ in range(runs):
        dispose_engines()
        fresh_database(target)
        upgrade_database(target)
        os.environ["SAMPLAN_DATABASE_URL"] = target
        started = time.perf_counter()
        code = cli.main(["import", str(source)])
        imports.append((time.perf_counter() - started) * 1000)
        assert code == 0, "import failed"
        started = time.perf_counter()
        code = cli.main(["export", "--all", "--force", "--out", str(workdir / "all.json")])
        exports.append((time.perf_counter() - started) * 1000)
        assert code == 0, "export failed"
    return {"citizens": citizens, "file_bytes": source.stat().st_size,
            "import": {"ms": _stats(imports)}, "export_all": {"ms": _stats(exports)}}


def _export_first(url: str, citizens: int, path: Path) -> None:
    from sqlalchemy import select

    from models.db import session_scope
    from models.exchange2 import export2_ids
    from models.tables import Citizen

    with session_scope(url=url) as session:  # samplan/2, the format `export --all` writes too
        ids = list(session.execute(select(Citizen.id).order_by(Citizen.id).limit(citizens)).scalars())
        document = export2_ids(session, ids)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def worker_load(url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    """16 threads, each saving agreements for its own citizen, all at once."""
    from sqlalchemy import select

    from models.actions import create_agreement
    from models.db import session_scope
    from models.tables import Person

    admin = _actor(info["admin_user_id"])
    with session_scope() as session:
        owners = session.execute(
            select(Person.citizen_id, Person.id).where(Person.kind == "professional", Person.is_coordinator)
            .order_by(Person.citizen_id).limit(THREADS)
        ).all()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(owners))

    def work(citizen_id: int, owner_id: int) -> None:
        start.wait()
        for n in range(SAVES_PER_THREAD):
            began = time.perf_counter()
            try:
                with session_scope(write=True) as session:
                    create_agreement(session=session, actor=admin, citizen_id=citizen_id,
                                     text=f"Belastningsprøve {n}", owner_person_id=owner_id,
                                     due_on=date.today() + timedelta(days=14))
            except Exception as error:  # noqa: BLE001 - every failure is a figure here
                with lock:
                    errors.append(f"{type(error).__name__}: {error}"[:200])
                continue
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=work, args=pair) for pair in owners]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"threads": len(owners), "saves": len(latencies), "errors": len(errors),
            "error_samples": errors[:5], "ms": _stats(latencies) if latencies else None,
            "saves_per_second": len(latencies) / wall}


def worker_room(url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    from bench.room import worker_room as measure_room  # the room screen's poll (issue 17)

    return measure_room(url, info, runs)


WORKERS: dict[str, Callable[[str, dict[str, Any], int], dict[str, Any]]] = {
    "pages": worker_pages, "hot": worker_hot, "word": worker_word, "exchange": worker_exchange,
    "load": worker_load, "room": worker_room,
}


def _in_process(kind: str, url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    """Run one worker in a fresh interpreter (its own engine, caches and memory)."""
    env = {**os.environ, "SAMPLAN_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--worker", kind, "--url", url, "--info", json.dumps(info),
         "--runs", str(runs)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        return {"failed": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- memory (a real server and a browser) ------------------------------------------------------


def measure_memory(url: str, info: dict[str, Any]) -> dict[str, Any]:
    from playwright.sync_api import expect, sync_playwright

    from bench.build import BENCH_ADMIN, BENCH_PASSWORD, BENCH_USER
    from bench.users import tree_rss_mb
    from models.i18n import translate
    from tests.e2e.conftest import APP_IDLE, CHROMIUM, _healthy, free_port, start_streamlit, stop

    log = Path(tempfile.mkdtemp(prefix="samplan-bench-")) / "streamlit.log"
    port = free_port()
    process = start_streamlit(port, url, log)
    rss: dict[str, Any] = {}
    opened: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not _healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                return {"failed": log.read_text()[-2000:]}
            time.sleep(0.1)
        rss["started_mb"] = tree_rss_mb(process.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            for username, pages in ((BENCH_USER, [pg for pg in PAGES if pg not in ADMIN_PAGES]),
                                    (BENCH_ADMIN, list(ADMIN_PAGES))):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{port}/?citizen={info['citizen_id']}")
                page.get_by_label("Brugernavn").fill(username)
                page.get_by_label("Adgangskode").fill(BENCH_PASSWORD)
                page.get_by_role("button", name="Log ind").click()
                expect(page.locator('[data-testid="stSidebarNav"]')).to_be_visible(timeout=60_000)
                page.locator(APP_IDLE).wait_for(timeout=60_000)
                for script in pages:
                    path = Path(script).stem
                    title = translate(NAV_TITLES[path], "da")
                    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
                    if script != PAGES[0]:  # the default page lives at the root URL
                        page.wait_for_url(f"**/{path}*", timeout=60_000)
                    content = '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]'
                    expect(page.locator(content).first).to_be_visible(timeout=60_000)
                    page.locator(APP_IDLE).wait_for(timeout=60_000)
                    opened.append(path)
                    if os.environ.get("BENCH_SCREENSHOTS"):
                        (ROOT / "out").mkdir(exist_ok=True)
                        page.screenshot(path=str(ROOT / "out" / f"bench-{path}.png"))
                page.close()
            browser.close()
        # The server and the processes it started (its chart drawer): their memory together.
        rss["after_every_page_mb"] = tree_rss_mb(process.pid)
        rss["peak_mb"] = tree_rss_mb(process.pid, "VmHWM")
    except Exception as error:  # noqa: BLE001 - a failed browser run is reported, not fatal
        rss["failed"] = f"{type(error).__name__}: {str(error)[:300]}"
    finally:
        rss["pages_opened"] = opened
        stop(process)
    return rss


# --- the whole run ----------------------------------------------------------------------------


def _backends(workdir: Path, postgres: str) -> list[tuple[str, Callable[[str], str]]]:
    backends: list[tuple[str, Callable[[str], str]]] = [("sqlite", lambda name: f"sqlite:///{workdir}/{name}.db")]
    if postgres:
        from sqlalchemy.engine import make_url

        base = make_url(postgres).set(drivername="postgresql+psycopg")
        backends.append(("postgresql", lambda name: base.set(database=f"bench_{name}").render_as_string(
            hide_password=False)))
    return backends


def run(scale: float, runs: int, *, postgres: str, memory: bool, only: set[str] | None,
        users_seconds: float = 120.0, users_levels: tuple[int, ...] = (1, 10, 20, 30)) -> dict[str, Any]:
    from bench.build import build

    workdir = Path(tempfile.mkdtemp(prefix="samplan-bench-"))
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"), "scale": scale, "runs": runs,
        "commit": _commit(),  # at the start: others may commit while a long run goes on
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "backends": {},
    }
    for backend, url_for in _backends(workdir, postgres):
        print(f"[{backend}] building the full database (scale {scale}) ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        full = build(url_for("full"), scale=scale)
        built = time.perf_counter() - started
        one = build(url_for("one"), scale=scale, citizens=1)
        info = {k: v for k, v in asdict(full).items() if k != "rows"}
        info["exchange_citizens"] = max(10, round(EXCHANGE_CITIZENS * min(scale, 1.0)))
        info["exchange_url"] = url_for("exchange")
        figures: dict[str, Any] = {"build_seconds": built, "rows": full.rows,
                                   "heavy_open_agreements": full.heavy_open_agreements,
                                   "typical_open_agreements": full.typical_open_agreements}
        for kind in ("pages", "hot", "word", "exchange", "load", "room"):
            if only and kind not in only:
                continue
            print(f"[{backend}] {kind} ...", file=sys.stderr, flush=True)
            if kind == "pages":  # both databases in turns, in one process (worker_pages)
                one_info = {**info, **{k: v for k, v in asdict(one).items() if k != "rows"}}
                both = _in_process(kind, full.url, {**info, "one": one_info}, runs)
                figures["pages"], figures["pages_one_citizen"] = both.get("full", both), both.get("one", {})
                figures["pages_heaviest_user"] = both.get("heavy", {})
                continue
            figures[kind] = _in_process(kind, full.url, info, runs)
        if memory and backend == "sqlite" and (not only or "memory" in only):
            print(f"[{backend}] memory ...", file=sys.stderr, flush=True)
            figures["memory"] = measure_memory(full.url, info)
        if not only or "browser" in only:
            from bench.browser import measure_browser

            print(f"[{backend}] browser ...", file=sys.stderr, flush=True)
            one_info = {k: v for k, v in asdict(one).items() if k != "rows"}
            figures["browser"] = measure_browser(info, one_info, max(1, runs))
        if not only or "users" in only:
            from bench.users import measure_users

            print(f"[{backend}] users {users_levels}, {users_seconds:.0f} s each ...", file=sys.stderr,
                  flush=True)  # fmt: skip
            figures["users"] = measure_users(full.url, levels=users_levels, seconds=users_seconds)
        if not only or "wire" in only:
            from bench.users import measure_users

            print(f"[{backend}] wire users {users_levels}, {users_seconds:.0f} s each ...", file=sys.stderr,
                  flush=True)  # fmt: skip
            figures["wire"] = measure_users(full.url, levels=users_levels, seconds=users_seconds,
                                            client="protocol")  # fmt: skip
            # Issue 17: ten room screens following meetings beside ten users (compare with the
            # ten users above); last, as it leaves ten meetings in progress in the database.
            figures["wire_rooms"] = measure_users(full.url, levels=(10,), seconds=users_seconds,
                                                  client="protocol", room_screens=10)  # fmt: skip
        if only and "scaleout" in only and backend == "postgresql":  # issue 22: asked for by name only
            from bench.scaleout import measure_scaleout

            print(f"[{backend}] scaleout, 1 and 2 processes behind nginx ...", file=sys.stderr, flush=True)
            figures["scaleout"] = measure_scaleout(full.url, seconds=users_seconds)
        result["backends"][backend] = figures
    return result


TARGETS = {"page_ms": 60.0, "page_ratio": 1.5, "statements": 15, "my_follow_ups": 10.0, "joint_plan": 10.0,
           "overview": 300.0, "word_ms": 250.0, "word_ratio": 1.5, "import_ms": 10_000.0,
           "export_ms": 5_000.0, "save_p95": 200.0, "memory_mb": 400.0,
           "click_p95": 150.0, "click_ratio": 1.5, "users_p95": 300.0, "users_rss_mb": 1024.0}


def table(result: dict[str, Any]) -> str:
    lines = [f"{'measurement':<44} {'median':>9} {'min':>9} {'max':>9}  {'target':<14} ok"]

    def row(name: str, stats: dict[str, float] | None, target: str, ok: bool | None,
            unit: str = "ms") -> None:
        if stats is None:
            lines.append(f"{name:<44} {'-':>9} {'-':>9} {'-':>9}  {target:<14} FAILED")
            return
        mark = "" if ok is None else ("yes" if ok else "NO")
        lines.append(f"{name:<44} {stats['median']:>7.1f}{unit:>2} {stats['min']:>7.1f}{unit:>2} "
                     f"{stats['max']:>7.1f}{unit:>2}  {target:<14} {mark}")

    for backend, figures in result["backends"].items():
        lines.append(f"--- {backend} (scale {result['scale']}, {result['runs']} runs, "
                     f"{result['machine']['cores']} cores; build {figures['build_seconds']:.0f} s)")
        pages, ones = figures.get("pages", {}), figures.get("pages_one_citizen", {})
        if "pages" in figures:
            typical = figures.get("typical_open_agreements", "?")
            lines.append(f"  pages for the typical staff user ({typical} open agreements) and their citizen")
        for page in PAGES if "pages" in figures else ():
            item = pages.get(page)
            if not item or "ms" not in item:
                row(f"page {page}", None, "<= 60 ms", None)
                continue
            base = ones.get(page, {}).get("ms", {}).get("median")
            ratio = item["ms"]["median"] / base if base else float("nan")
            ok = item["ms"]["median"] <= TARGETS["page_ms"] and ratio <= TARGETS["page_ratio"]
            row(f"page {Path(page).stem} ({item['statements']} SQL, x{ratio:.2f} of 1)", item["ms"],
                "60ms,1.5x,15", ok and item["statements"] <= TARGETS["statements"] and not item["errors"])
            if ones.get(page, {}).get("ms"):
                row(f"  same page, one-citizen database ({ones[page]['statements']} SQL)", ones[page]["ms"],
                    "", None)
            heavy = figures.get("pages_heaviest_user", {}).get(page, {})
            if heavy.get("ms") and base:
                row(f"  heaviest user: {figures.get('heavy_open_agreements', '?')} agreements "
                    f"(x{heavy['ms']['median'] / base:.2f})", heavy["ms"], "(reported)", None)
            if "after_change_ms" in item:
                row("  same page, first view after a change", item["after_change_ms"], "<= 100 ms",
                    item["after_change_ms"]["median"] <= 100.0)
            if "recounted_ms" in item:
                row("  same page, counted from scratch", item["recounted_ms"], "(Regn igen)", None)
        hot = figures.get("hot", {})
        for name, target in (("my_follow_ups", "my_follow_ups"), ("joint_plan", "joint_plan"),
                             ("overview", "overview")) if "hot" in figures else ():
            item = hot.get(name)
            row(f"hot {name} ({item['statements']} SQL)" if item else f"hot {name}",
                item["ms"] if item else None, f"<= {TARGETS[target]:.0f} ms",
                item["ms"]["median"] <= TARGETS[target] if item else None)
            if name == "my_follow_ups" and "my_follow_ups_all" in hot:
                every = hot["my_follow_ups_all"]
                row(f"  all {every.get('rows', '?')} of them, as a search reads them", every["ms"], "", None)
        word = figures.get("word", {})
        if "ratio" in word:
            row(f"word export 3 goals + 40 agreements (x{word['ratio']:.2f})", word["build_plan_docx"]["ms"],
                "250ms, 1.5x", word["build_plan_docx"]["ms"]["median"] <= TARGETS["word_ms"]
                and word["ratio"] <= TARGETS["word_ratio"])
            row("  bare python-docx, same text and tables", word["bare_python_docx"]["ms"], "(floor)", None)
        exchange = figures.get("exchange", {})
        if "import" in exchange:
            row(f"import of {exchange['citizens']} citizens", exchange["import"]["ms"], "<= 10 s",
                exchange["import"]["ms"]["median"] <= TARGETS["import_ms"])
            row(f"export --all of {exchange['citizens']} citizens", exchange["export_all"]["ms"], "<= 5 s",
                exchange["export_all"]["ms"]["median"] <= TARGETS["export_ms"])
        load = figures.get("load", {})
        if load.get("ms"):
            stats = {**load["ms"], "median": load["ms"]["median"]}
            row(f"save, {load['threads']} threads (p95 {load['ms']['p95']:.0f} ms, {load['errors']} errors)",
                stats, "p95 200ms, 0 err", load["ms"]["p95"] <= TARGETS["save_p95"] and load["errors"] == 0)
        room = figures.get("room")
        if room:  # the room screen's poll when nothing changed (bench/room.py)
            row("room screen poll, nothing changed", room["poll_ms"], "<= 5 ms",
                room["poll_ms"]["median"] <= room["target_ms"])
            row("  room view rebuilt after a change", room["build_ms"], "", None)
        memory = figures.get("memory")
        if memory and "failed" in memory:
            lines.append(f"memory: FAILED after {memory.get('pages_opened')}: {memory['failed'][:200]}")
        elif memory and "after_every_page_mb" in memory:
            value = memory["after_every_page_mb"]
            lines.append(f"{'memory: streamlit run after every page':<44} {value:>7.0f}MB "
                         f"(started {memory['started_mb']:.0f} MB, peak {memory['peak_mb']:.0f} MB)  "
                         f"<= 400 MB  {'yes' if value <= TARGETS['memory_mb'] else 'NO'}")
        browser_table(figures.get("browser"), row, lines)
        lines += users_table(figures.get("users"))
        lines += users_table(figures.get("wire"))
        lines += users_table(figures.get("wire_rooms"))
        from bench.scaleout import scaleout_table

        lines += scaleout_table(figures.get("scaleout"))
    return "\n".join(lines)


def browser_table(browser: dict[str, Any] | None, row: Callable[..., None], lines: list[str]) -> None:
    """The browser part, into `lines` (`row` writes there too): per interaction, click to visible at
    full scale (p95 and the ratio of the p95s to the one-citizen database in the name), the
    one-citizen figures, and where the median click's time went."""
    if not browser:
        return
    if "failed" in browser:
        lines.append(f"browser: FAILED: {browser['failed'][:300]}")
        return
    size = f"{browser['viewport']['width']}x{browser['viewport']['height']}"
    lines.append(f"  browser: typical staff user, click to visible ({size}, {browser['runs']} runs; "
                 "p95 <= 150 ms and <= 1.5x one citizen)")
    floor = browser.get("floor", {})
    if floor.get("ms"):  # how fast this machine was in these minutes (bench/floor_app.py)
        lines.append(f"  floor, a bare Streamlit page drawing 30 lines in the same turns: median "
                     f"{floor['ms']['median']:.0f} ms, p95 {floor['ms']['p95']:.0f} ms")
    for name, item in browser["interactions"].items():
        full, one = item.get("full", {}), item.get("one", {})
        ratio = item.get("ratio_p95")
        if not full.get("ms"):
            row(f"{name} ({full.get('errors', '?')} errors)", None, "p95 150ms,1.5x", None)
            continue
        said = f", x{ratio:.2f}" if ratio is not None else ""
        ok = full["ms"]["p95"] <= TARGETS["click_p95"] and (ratio is None or ratio <= TARGETS["click_ratio"])
        row(f"{name} (p95 {full['ms']['p95']:.0f}{said})", full["ms"], "p95 150ms,1.5x",
            ok and not full["errors"])
        if one.get("ms"):
            row(f"  one citizen (p95 {one['ms']['p95']:.0f})", one["ms"], "", None)
        ph = {k: round(v) for k, v in full.get("phases_median_ms", {}).items()}
        lines.append(f"    median click: to request {ph.get('to_request_ms')} | request to finished "
                     f"{ph.get('server_side_ms')} (server script {ph.get('script_ms')}, after it "
                     f"{ph.get('after_script_ms')}) | render {ph.get('render_ms')} | to visible "
                     f"{ph.get('settle_ms')} ms" + (f"; errors {full['errors']}" if full["errors"] else ""))


def users_table(users: dict[str, Any] | None) -> list[str]:
    """The users part: one line per level."""
    if not users:
        return []
    wire = users.get("client") == "protocol"
    title = "users at once over the websocket, no browsers" if wire else "users at once"
    if users.get("room_screens"):
        title += f", with {users['room_screens']} room screens following meetings beside them"
    lines = [f"  {title} ({users['seconds']:.0f} s per level, think {users['think_seconds'][0]:.0f}-"
             f"{users['think_seconds'][1]:.0f} s; target 0 errors, p95 <= 300 ms, server <= 1 GB)",
             f"  {'users':>5} {'clicks':>6} {'p50':>7} {'p95':>7} {'max':>7} {'errors':>6} {'log':>4} "
             f"{'saved':>9} {'RSS MB':>7} {'CPU: server':>11} {'pg':>4} {'browser':>7} {'machine':>7}  ok"]
    for level, item in users["levels"].items():
        if "failed" in item:
            lines.append(f"  {level:>5} FAILED: {item['failed'][:200]}")
            continue
        ms, share = item.get("ms", {}), item["share_of_machine"]
        browser_share = share.get("bench", 0) if wire else share.get("chromium", 0) + share.get(
            "playwright driver", 0)  # the clients: this process on the wire, else the browsers
        rss = item["server_rss_mb"]["hwm"]
        ok = (item["errors"] == 0 and item["saves_lost"] == 0 and item["server_log_errors"]["lines"] == 0
              and ms.get("p95", float("inf")) <= TARGETS["users_p95"] and rss <= TARGETS["users_rss_mb"])
        lines.append(f"  {level:>5} {item['interactions']:>6} {ms.get('p50', float('nan')):>5.0f}ms "
                     f"{ms.get('p95', float('nan')):>5.0f}ms {ms.get('max', float('nan')):>5.0f}ms "
                     f"{item['errors']:>6} {item['server_log_errors']['lines']:>4} "
                     f"{item['saves_in_database']:>4}/{item['saves_confirmed']:<4} {rss:>7.0f} "
                     f"{share.get('server', 0):>10.0%} {share.get('postgresql', 0):>4.0%} "
                     f"{browser_share:>8.0%} "
                     f"{item['machine_busy_share']:>7.0%}  "
                     f"{'yes' if ok else 'NO'}")
        for sample in item["error_samples"][:3]:
            lines.append(f"        error: {sample[:150]}")
        if rooms := item.get("room_screens"):
            poll = rooms["ms"]
            nan = float("nan")
            lines.append(f"        room screens: {rooms['polls']} polls, p50 {poll.get('p50', nan):.0f} ms, "
                         f"p95 {poll.get('p95', nan):.0f} ms, errors {rooms['errors']}")
        for sample in item.get("crash_samples", [])[:3]:
            lines.append(f"        browser context died (not counted as an app error): {sample[:120]}")
    return lines


def _commit() -> str:
    """The commit measured, and whether the tree had changes beside it."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if changed else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("SAMPLAN_TEST_POSTGRES_URL", ""),
                        help="a PostgreSQL admin URL (default: SAMPLAN_TEST_POSTGRES_URL)")
    parser.add_argument("--no-memory", action="store_true", help="skip the streamlit run + browser part")
    parser.add_argument("--only", default="",
                        help="comma-separated: pages,hot,word,exchange,load,memory,browser,users,wire "
                             "(and scaleout, only when named)")
    parser.add_argument("--users-seconds", type=float, default=120.0, help="how long each users level works")
    parser.add_argument("--users-levels", default="1,10,20,30", help="comma-separated numbers of users")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--info", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        import logging

        logging.disable(logging.WARNING)
        figures = WORKERS[args.worker](args.url, json.loads(args.info), args.runs)
        print(json.dumps(figures, default=str))
        return 0
    only = {part.strip() for part in args.only.split(",") if part.strip()} or None
    levels = tuple(int(n) for n in args.users_levels.split(",") if n.strip())
    result = run(args.scale, args.runs, postgres=args.postgres, memory=not args.no_memory, only=only,
                 users_seconds=args.users_seconds, users_levels=levels)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nFigures written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
