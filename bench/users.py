"""The benchmark with many users at once: one server process, one chromium, a context per user.

`measure_users` starts a fresh `streamlit run app.py` (bench/serve.py) on the full-scale database
for each level (1, 10, 20, 30 staff users by default), logs every user in (a different bench
staff user each, with a citizen on their team chosen), and lets them all work for `seconds`:
Opfølgning → choose the first row → save it ("I gang") → Mine borgere → Planen → Opfølgning …
with 2 s ± 1 s of thinking before each step. Per level it reports the interactions (click to
visible, as bench/browser.py times them: p50, p95, max), the errors a user saw (a timeout, a
lost connection, "database is locked", "Samplan er travl", "Noget gik galt", Streamlit's box)
and those in the server's log, that every save a user saw confirmed is in the database (one
'status' event by that user), the server's memory with its chart drawer's (VmRSS sampled every
second, VmHWM at the end) and the CPU seconds of the server, of the browser's processes and of
this process, beside what the whole machine did. Everything talks to 127.0.0.1 only, and every
loop ends by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.browser import (
    NAVIGATION,
    Sample,
    Server,
    _log_errors,
    choose_first_row,
    launch_chromium,
    log_in,
    navigate,
    open_page,
    run_to_end,
    save_agreement,
    streamlit_server,
)

LEVELS = (1, 10, 20, 30)
SECONDS = 120.0
THINK_SECONDS = (1.0, 3.0)  # 2 s ± 1 s, uniform
SEED = 20261124
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_TITLES = {name: (title, expected) for name, title, expected in NAVIGATION}
# Opfølgning (where a login lands) -> choose the first row -> save it -> Mine borgere -> Planen -> …
CYCLE = ("choose", "save", "home", "plan", "follow_up")


@dataclass(frozen=True)
class StaffUser:
    user_id: int
    username: str
    citizen_id: int  # a citizen on their team, chosen through the address at login


def staff_users(database_url: str, count: int) -> list[StaffUser]:
    """`count` staff users who own open agreements (so Opfølgning has a row to choose), each with
    the first citizen of their team; the bench's own heavy user last, as it is not typical."""
    from sqlalchemy import func, select

    from models.db import session_scope
    from models.tables import Action, Person, TeamMembership, UserAccount

    with session_scope(url=database_url) as session:
        owners = select(Person.user_id, func.count(Action.id).label("n")).join(
            Action, Action.owner_person_id == Person.id
        ).where(Action.status.in_(("open", "in_progress")), Person.user_id.is_not(None)).group_by(
            Person.user_id).subquery()  # fmt: skip
        rows = session.execute(
            select(UserAccount.id, UserAccount.username, func.min(TeamMembership.citizen_id))
            .join(owners, owners.c.user_id == UserAccount.id)
            .join(TeamMembership, TeamMembership.user_id == UserAccount.id)
            .where(UserAccount.role == "staff", UserAccount.is_active)
            .group_by(UserAccount.id, UserAccount.username)
            .order_by(UserAccount.username == "bench-staff", UserAccount.id)
        ).all()
    return [StaffUser(*row) for row in rows[:count]]


# --- CPU and memory from /proc ----------------------------------------------------------------------


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _processes() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            found[int(entry)] = stat
    return found


def _descendants(root: int, table: dict[int, tuple[str, int, float]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _machine_jiffies() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def _postmaster(database_url: str) -> int | None:
    """The PostgreSQL server behind `database_url` on this machine (found by its port), if any."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    wanted = f"-p\0{url.port or 5432}\0"
    for entry in os.listdir("/proc"):
        with contextlib.suppress(OSError):
            if entry.isdigit() and wanted in Path(f"/proc/{entry}/cmdline").read_text() and \
                    Path(f"/proc/{entry}/comm").read_text().strip() == "postgres":
                return int(entry)
    return None


def _rss_mb(pid: int, field: str = "VmRSS") -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1]) / 1024
    return float("nan")


def tree_rss_mb(pid: int, field: str = "VmRSS",
                table: dict[int, tuple[str, int, float]] | None = None) -> float:  # fmt: skip
    """The memory of a server and the processes it started (its chart drawer, ui/chart_drawer.py):
    the server's memory is theirs together. For VmHWM the sum of each one's peak (an upper bound).
    `table`: a process table already read (_processes), else /proc is read now."""
    values = [_rss_mb(each, field) for each in _descendants(pid, table or _processes()) | {pid}]
    return sum(v for v in values if v == v)  # a process that ended in between counts nothing


class Meter:
    """CPU seconds per group of processes between start() and stop(), sampled every second (a
    process that ends in between keeps what it had used at its last sample), and the server's RSS."""

    def __init__(self, server_pid: int, database_url: str, not_ours: frozenset[int] = frozenset()) -> None:
        self.server_pid = server_pid
        self.not_ours = not_ours  # processes this one had before the benchmark (a test's browser)
        self.postmaster = _postmaster(database_url)
        self.first: dict[int, float] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.rss: list[float] = []
        self.machine: tuple[float, float] = (0.0, 0.0)

    def _sample(self) -> None:
        table = _processes()
        server = _descendants(self.server_pid, table) | {self.server_pid}
        me = os.getpid()
        for pid in (_descendants(me, table) | {me}) - self.not_ours:
            name, _, seconds = table[pid]
            group = "server" if pid in server else "bench" if pid == me else (
                "chromium" if "chrom" in name.lower() else "playwright driver")  # fmt: skip
            self.first.setdefault(pid, seconds)
            self.last[pid] = (group, seconds)
        if self.postmaster and self.postmaster in table:  # PostgreSQL's own processes
            for pid in _descendants(self.postmaster, table) | {self.postmaster}:
                self.first.setdefault(pid, table[pid][2])
                self.last[pid] = ("postgresql", table[pid][2])
        self.rss.append(tree_rss_mb(self.server_pid, table=table))  # the server and its chart drawer

    def start(self) -> None:
        self._sample()
        self.first = {pid: seconds for pid, (_, seconds) in self.last.items()}
        self.machine = _machine_jiffies()
        self.began = time.monotonic()

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            await asyncio.sleep(1.0)
            self._sample()

    def stop(self) -> dict[str, Any]:
        self._sample()
        elapsed = time.monotonic() - self.began
        busy, total = _machine_jiffies()
        used: dict[str, float] = {}
        for pid, (group, seconds) in self.last.items():
            used[group] = used.get(group, 0.0) + seconds - self.first.get(pid, 0.0)
        cores = os.cpu_count() or 1
        return {
            "measured_seconds": elapsed,
            "cpu_seconds": used,
            # Share of the whole machine (all cores) over the level, per group and altogether.
            "share_of_machine": {group: value / (elapsed * cores) for group, value in used.items()},
            "machine_busy_share": (busy - self.machine[0]) / max(1e-9, total - self.machine[1]),
            "server_rss_mb": {"peak_sampled": max(self.rss, default=float("nan")),
                              "median": statistics.median(self.rss) if self.rss else float("nan"),
                              "hwm": tree_rss_mb(self.server_pid, "VmHWM")},
        }


# --- one user ---------------------------------------------------------------------------------------


async def _think(rng: random.Random, deadline: float, think: tuple[float, float] = THINK_SECONDS) -> bool:
    """Think 1-3 s (or `think`); False when the level's time is up (no new step starts after it)."""
    await asyncio.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))
    return time.monotonic() < deadline


async def _work(page: Any, server: Server, user: StaffUser, password: str, deadline: float,
                rng: random.Random,
                think: tuple[float, float] = THINK_SECONDS) -> tuple[list[Sample], int]:  # fmt: skip
    """One user's loop until the deadline; returns the interactions and how many saves showed done.
    After an error the user reloads the page and logs in again (not timed) and goes on."""
    samples: list[Sample] = []
    saved, step = 0, 0
    while await _think(rng, deadline, think):
        kind = CYCLE[step % len(CYCLE)]
        if kind == "choose":
            sample = await choose_first_row(page)
        elif kind == "save":
            sample = await save_agreement(page)
            saved += sample.ok
        else:
            title, expected = _TITLES[kind]
            sample = await navigate(page, title, expected, name=f"navigate to {title}")
        samples.append(sample)
        step += 1
        if not sample.ok:
            try:
                await log_in(page, server.url, user.username, password, user.citizen_id)
            except Exception:  # noqa: BLE001 - this user stops; the errors so far are counted
                samples.append(Sample("log in again", False, "could not log in again", 0.0, 0.0))
                break
            step = 0  # logged in again: on Opfølgning
    return samples, saved


def _status_events(database_url: str, user_ids: list[int], after_id: int) -> dict[int, int]:
    from sqlalchemy import func, select

    from models.db import session_scope
    from models.tables import ActionEvent

    with session_scope(url=database_url) as session:
        rows = session.execute(
            select(ActionEvent.by_user_id, func.count()).where(
                ActionEvent.id > after_id, ActionEvent.kind == "status", ActionEvent.by_user_id.in_(user_ids)
            ).group_by(ActionEvent.by_user_id)
        ).all()
    return dict(rows)


def _last_event_id(database_url: str) -> int:
    from sqlalchemy import func, select

    from models.db import session_scope
    from models.tables import ActionEvent

    with session_scope(url=database_url) as session:
        return session.execute(select(func.coalesce(func.max(ActionEvent.id), 0))).scalar_one()


async def _level(database_url: str, users: list[StaffUser], seconds: float, workdir: Path,
                 seed: int, think: tuple[float, float] = THINK_SECONDS,
                 not_ours: frozenset[int] = frozenset()) -> dict[str, Any]:  # fmt: skip
    from playwright.async_api import async_playwright

    from bench.build import BENCH_PASSWORD

    with streamlit_server(database_url, workdir, f"users-{len(users)}") as server:
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            pages = []
            for user in users:  # one at a time: logins are not what is measured
                page = await open_page(browser)
                await log_in(page, server.url, user.username, BENCH_PASSWORD, user.citizen_id)
                pages.append(page)
            # The meter stops before the contexts close: their renderers' time counts.
            work = functools.partial(_work, think=think)
            result = await _work_all(server, database_url, users, pages, work, seconds, seed, not_ours)
            await browser.close()
    return result


async def _work_all(server: Server, database_url: str, users: list[StaffUser], tabs: list[Any], work: Any,
                    seconds: float, seed: int, not_ours: frozenset[int]) -> dict[str, Any]:  # fmt: skip
    """Every user works in their tab (a page, or a wire client) until the level's time is up, all
    at once, metered; then the level's figures."""
    from bench.build import BENCH_PASSWORD

    before = _last_event_id(database_url)
    meter = Meter(server.process.pid, database_url, not_ours)
    meter.start()
    deadline = time.monotonic() + seconds
    metering = asyncio.create_task(meter.run(deadline))
    rngs = [random.Random(seed * 1000 + n) for n in range(len(users))]
    done = await asyncio.gather(*(
        work(tab, server, user, BENCH_PASSWORD, deadline, rng)
        for tab, user, rng in zip(tabs, users, rngs, strict=True)
    ), return_exceptions=True)  # fmt: skip
    machine = meter.stop()
    metering.cancel()
    return _outcome(database_url, users, seconds, done, before, _log_errors(server.log), machine)


def _outcome(database_url: str, users: list[StaffUser], seconds: float, done: list[Any], before: int,
             log: Any, machine: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """One level's figures from every user's (samples, saves confirmed) or the exception that ended it."""
    samples: list[Sample] = []
    confirmed: dict[int, int] = {}
    crashed = []
    for user, outcome in zip(users, done, strict=True):
        if isinstance(outcome, BaseException):
            crashed.append(f"{user.username}: {type(outcome).__name__}: {str(outcome)[:200]}")
            continue
        samples += outcome[0]
        confirmed[user.user_id] = outcome[1]
    arrived = _status_events(database_url, [u.user_id for u in users], before)
    lost = {uid: n - arrived.get(uid, 0) for uid, n in confirmed.items() if n > arrived.get(uid, 0)}
    good = [s.total_ms for s in samples if s.ok]
    return {
        "users": len(users), "seconds": seconds, "interactions": len(samples),
        "ms": _percentiles(good),
        "per_kind_p95_ms": {
            name: _percentiles([s.total_ms for s in samples if s.ok and s.name == name]).get("p95")
            for name in sorted({s.name for s in samples})
        },
        # What a user would have seen (an error on the page, a failed step); a browser context
        # that died under it ("Target crashed": the measuring instrument, not the app) apart.
        "errors": sum(not s.ok for s in samples),
        "error_samples": sorted({s.error for s in samples if s.error})[:8],
        "browser_crashes": len(crashed), "crash_samples": crashed[:3],
        "server_log_errors": log,
        "saves_confirmed": sum(confirmed.values()), "saves_in_database": sum(arrived.values()),
        "saves_lost": sum(lost.values()),
        **machine,
    }


# --- the same users over the protocol (no browsers) ---------------------------------------------------


async def _log_in_protocol(server: Server, user: StaffUser, password: str) -> Any:
    """Open a tab on the wire with the user's citizen in the address and submit the login form."""
    from bench.protocol import Client

    return await log_in_over(Client(server.url), user, password)


async def log_in_over(client: Any, user: StaffUser, password: str) -> Any:
    """Log `user` in on a fresh protocol client (bench/protocol.py's Client, or one through a
    proxy): open the start page with their citizen in the address and submit the login form."""
    page = await client.open(f"citizen={user.citizen_id}")
    name, secret = page.widget("login_username"), page.widget("login_password")
    submit = page.widget("FormSubmitter:login*")
    if name is None or secret is None or submit is None:
        raise RuntimeError("no login form on the start page")
    done = await client.press(submit, also=((name, {"string_value": user.username}),
                                            (secret, {"string_value": password})))  # fmt: skip
    if client.last is None or done.widget("logout") is None:
        raise RuntimeError(f"{user.username} is not logged in after the form")
    return client


def _checked(name: str, run: Any, began: float, ok: bool, missing: str) -> Sample:
    """A protocol interaction as a Sample: request to finished, an error if the page shows one."""
    from bench.browser import ERROR_PHRASES

    words = run.texts()
    error = ("exception box" if run.exception else next((p for p in ERROR_PHRASES if p in words), None)
             or (None if ok else missing))  # fmt: skip
    sample = Sample(name, error is None, error, run.ms, run.ms, started=began)
    sample.runs = run.runs
    return sample


async def _step_protocol(client: Any, kind: str) -> Sample:
    from bench.browser import SAVED_IN_PROGRESS

    began = time.time()
    if kind == "choose":
        rows = client.last.widget("fu-rows-*", "bidi_component") if client.last else None
        free = [row["id"] for row in json.loads(rows.data)["rows"] if not row["chosen"]] if rows else []
        if rows is None or not free:
            return Sample("choose a row in Opfølgning", False, "no list of agreements", 0.0, 0.0,
                          started=began)  # fmt: skip
        run = await client.send_event(rows, "chosen", free[0])  # a click on the list's first free row
        return _checked("choose a row in Opfølgning", run, began, run.widget("fu_save_*") is not None,
                        "no agreement opened")  # fmt: skip
    if kind == "save":
        button = client.last.widget("fu_save_*") if client.last else None
        if button is None:
            return Sample("save an agreement", False, "no save button", 0.0, 0.0, started=began)
        run = await client.press(button)
        return _checked("save an agreement", run, began, SAVED_IN_PROGRESS in run.texts(), "not saved")
    title, (_, text) = _TITLES[kind]
    run = await client.navigate(title)
    return _checked(f"navigate to {title}", run, began, text is None or text in run.texts(), f"no {title}")


async def _work_protocol(client: Any, server: Server, user: StaffUser, password: str, deadline: float,
                         rng: random.Random, think: tuple[float, float] = THINK_SECONDS,
                         ) -> tuple[list[Sample], int]:  # fmt: skip
    """`_work` over the protocol: the same cycle, think time and logging in again after an error."""
    return await work_over_protocol(client, lambda: _log_in_protocol(server, user, password), deadline, rng,
                                    think)  # fmt: skip


async def work_over_protocol(
    client: Any, log_in_again: Callable[[], Awaitable[Any]], deadline: float, rng: random.Random,
    think: tuple[float, float] = THINK_SECONDS,
) -> tuple[list[Sample], int]:
    """One protocol user's loop until the deadline (CYCLE, `think` seconds between steps; after an
    error a new client from `log_in_again`); the interactions and how many saves showed done."""
    samples: list[Sample] = []
    saved, step = 0, 0
    try:
        while await _think(rng, deadline, think):
            kind = CYCLE[step % len(CYCLE)]
            try:
                sample = await _step_protocol(client, kind)
            except Exception as error:  # noqa: BLE001 - a timeout or a closed socket is this step's error
                sample = Sample(kind, False, f"{type(error).__name__}: {str(error)[:160]}", 0.0, 0.0)
            samples.append(sample)
            saved += kind == "save" and sample.ok
            step += 1
            if not sample.ok:
                await client.close()
                try:
                    client = await log_in_again()
                except Exception:  # noqa: BLE001 - this user stops; the errors so far are counted
                    samples.append(Sample("log in again", False, "could not log in again", 0.0, 0.0))
                    break
                step = 0
    finally:
        await client.close()
    return samples, saved


async def _level_protocol(database_url: str, users: list[StaffUser], seconds: float, workdir: Path,
                          seed: int, room_screens: int = 0, think: tuple[float, float] = THINK_SECONDS,
                          not_ours: frozenset[int] = frozenset()) -> dict[str, Any]:  # fmt: skip
    """The users over the wire; with `room_screens`, as many room screens follow meetings in
    progress beside them (issue 17: ten room screens must not slow the other users down)."""
    from bench.build import BENCH_PASSWORD

    tokens = _room_links(database_url, users[:room_screens]) if room_screens else []
    with streamlit_server(database_url, workdir, f"protocol-{len(users)}") as server:
        clients = [await _log_in_protocol(server, user, BENCH_PASSWORD) for user in users]
        until = time.monotonic() + seconds
        rooms = [asyncio.create_task(_follow_room(server, token, until)) for token in tokens]
        work = functools.partial(_work_protocol, think=think)
        result = await _work_all(server, database_url, users, clients, work, seconds, seed, not_ours)
        polls = [sample for samples in await asyncio.gather(*rooms) for sample in samples]
    if room_screens:
        good = [s.total_ms for s in polls if s.ok]
        result["room_screens"] = {"screens": len(tokens), "polls": len(polls), "ms": _percentiles(good),
                                  "errors": sum(not s.ok for s in polls),
                                  "error_samples": sorted({s.error for s in polls if s.error})[:5]}
    return result


def _room_links(database_url: str, users: list[StaffUser]) -> list[str]:
    """A meeting in progress for each user's citizen, each with a room link (as the leader's
    "Åbn rumskærm" makes it): the tokens for the room screens."""
    from datetime import timedelta

    from models.access import Actor
    from models.db import session_scope
    from models.meeting_mode import open_meeting
    from models.room_links import create_room_link
    from models.tables import Meeting, UserAccount, utcnow

    tokens = []
    for user in users:
        with session_scope(write=True, url=database_url) as session:
            actor = Actor.from_user(session.get_one(UserAccount, user.user_id))
            meeting = Meeting(citizen_id=user.citizen_id, starts_at=utcnow() - timedelta(minutes=5),
                              status="planned")  # fmt: skip
            session.add(meeting)
            session.flush()
            meeting_id, version = meeting.id, meeting.version
        with session_scope(write=True, url=database_url) as session:
            open_meeting(session=session, actor=actor, meeting_id=meeting_id, seen_version=version)
        with session_scope(write=True, url=database_url) as session:
            tokens.append(create_room_link(session=session, actor=actor, meeting_id=meeting_id).token)
    return tokens


async def _follow_room(server: Server, token: str, deadline: float) -> list[Sample]:
    """A room screen on the wire: open the room link, then poll its fragment at the interval the
    page asks for (run_every), as the browser's timer does, until the deadline."""
    from bench.protocol import Client

    client = Client(server.url)
    samples: list[Sample] = []
    try:
        page = await client.open(f"room={token}")
        if not client.auto_reruns:
            return [Sample("room screen", False, "no live fragment on the room screen", 0.0, 0.0)]
        (fragment, interval), = client.auto_reruns.items()
        if page.exception:
            samples.append(Sample("room screen", False, "exception box", page.ms, page.ms))
        while time.monotonic() + interval < deadline:
            await asyncio.sleep(interval)
            began = time.time()
            try:
                run = await client.poll(fragment)
                samples.append(_checked("room screen poll", run, began, True, ""))
            except Exception as error:  # noqa: BLE001 - a timeout or a closed socket is an error
                samples.append(Sample("room screen poll", False, f"{type(error).__name__}", 0.0, 0.0))
                break
    finally:
        await client.close()
    return samples


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    at = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
    return {"p50": at(0.5), "p95": at(0.95), "max": ordered[-1], "n": len(ordered)}


def measure_users(database_url: str, *, levels: tuple[int, ...] = LEVELS, seconds: float = SECONDS,
                  seed: int = SEED, client: str = "browser", room_screens: int = 0,
                  think: tuple[float, float] = THINK_SECONDS) -> dict[str, Any]:  # fmt: skip
    """Every level in turn on `database_url`, each on a fresh server; a failed level is reported.
    `client="protocol"` plays the same users over Streamlit's websocket without browsers
    (bench/protocol.py): the server's figure, with the machine left to the server. `think`: the
    seconds between a user's steps (shorter in the harness's own tests, which time nothing)."""
    level_of = {"browser": _level, "protocol": _level_protocol}[client]
    # What this process had already started (a test worker's own browser) is not the benchmark's.
    not_ours = frozenset(_descendants(os.getpid(), _processes()))
    workdir = Path(tempfile.mkdtemp(prefix="samplan-bench-users-"))
    users = staff_users(database_url, max(levels))
    result: dict[str, Any] = {"seconds": seconds, "think_seconds": list(think), "client": client,
                              "room_screens": room_screens, "levels": {}}
    for level in levels:
        if level > len(users):
            result["levels"][str(level)] = {"failed": f"only {len(users)} staff users own open agreements"}
            continue
        try:
            extra: dict[str, Any] = {"think": think, "not_ours": not_ours}
            if room_screens:
                extra["room_screens"] = room_screens
            measured = run_to_end(level_of(database_url, users[:level], seconds, workdir, seed, **extra))
            result["levels"][str(level)] = measured
        except Exception as error:  # noqa: BLE001 - a failed level is reported, not fatal
            result["levels"][str(level)] = {"failed": f"{type(error).__name__}: {str(error)[:500]}",
                                            "workdir": str(workdir)}
    return result

