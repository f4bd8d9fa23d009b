"""Logins under concurrency (issue 15): the lockout holds against parallel guesses, a login
attempt never blocks a save, names that do not exist are limited too, and eight browsers on the
first-run screen make one administrator.

Every test runs on SQLite and, with SAMPLAN_TEST_POSTGRES_URL set, on PostgreSQL; the threads
start together at a Barrier, each with sessions of its own (session_scope), as browsers would.
The password hasher is replaced by one that records every verify (and, where a test needs it,
runs a probe at that moment); it keeps the real argon2, at a small cost unless a test needs the
real one.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from models import db, users
from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.people import create_citizen
from models.tables import AuditEvent, Citizen, LoginThrottle, UserAccount, utcnow
from models.users import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    SESSION_MAX_ATTEMPTS,
    SESSION_WINDOW,
    authenticate,
    create_first_admin,
)
from tests.factories import PASSWORD, make_user

THREADS = 20
LOGIN_FAILED = UserError("error.login_failed").message("da")


class WatchingHasher(PasswordHasher):
    """argon2 that notes which hash every verify was against, and what `probe` said then."""

    def __init__(self, probe: Callable[[], object] | None = None, **cost: int) -> None:
        super().__init__(**cost)
        self.probe = probe
        self.checked: list[str] = []
        self.probes: list[object] = []
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # type: ignore[override]
        seen = self.probe() if self.probe is not None else None
        with self._lock:
            self.checked.append(str(hash))
            self.probes.append(seen)
        return super().verify(hash, password)


CHEAP = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Callable[..., WatchingHasher]:
    """Install a WatchingHasher (cheap unless `real_cost`); every account's hash is remade with it
    so a right password verifies against its parameters."""

    def _install(probe: Callable[[], object] | None = None, *, real_cost: bool = False) -> WatchingHasher:
        hasher = WatchingHasher(probe, **({} if real_cost else CHEAP))
        monkeypatch.setattr(users, "_hasher", hasher)
        dummy = hasher.hash("samplan-dummy-password")
        monkeypatch.setattr(users, "_dummy_hash", lambda: dummy)
        with session_scope(write=True) as s:
            s.execute(update(UserAccount).values(password_hash=hasher.hash(PASSWORD)))
        hasher.checked.clear()
        hasher.probes.clear()
        return hasher

    return _install


@pytest.fixture
def rasmus(db_url: str) -> UserAccount:
    with session_scope(write=True) as s:
        return make_user(s, username="rasmus")


def _password_hash(user_id: int) -> str:
    with session_scope() as s:
        return s.get(UserAccount, user_id).password_hash


def _login_outcomes() -> Counter[tuple[int | None, str]]:
    with session_scope() as s:
        rows = s.execute(select(AuditEvent.user_id, AuditEvent.outcome).where(AuditEvent.action == "login"))
        return Counter((user_id, outcome) for user_id, outcome in rows)


def _together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) on `count` threads released at once; each result or exception."""
    start = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(number: int) -> None:
        start.wait()
        try:
            results[number] = work(number)
        except Exception as error:  # the test looks at what each thread got
            results[number] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# --- 2. The lockout holds against parallel guesses ------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "rasmus",  # a real account: its failed_logins counter
        "ghost.user",  # no such account: the per-name counter (LoginThrottle) alone
    ],
)
def test_twenty_parallel_wrong_guesses_check_at_most_five_and_then_lock(rasmus, watch, name):
    hasher = watch()
    results = _together(THREADS, lambda n: authenticate(username=name, password=f"forkert-gaet-{n}"))
    assert all(isinstance(r, UserError) and r.message("da") == LOGIN_FAILED for r in results), results
    # Only MAX_FAILED_LOGINS guesses were compared with the name's hash (before the fix, on
    # PostgreSQL, all twenty were: the count lost updates and the account never locked)...
    target = _password_hash(rasmus.id) if name == "rasmus" else users._dummy_hash()
    assert hasher.checked.count(target) == MAX_FAILED_LOGINS
    # ...and the others were refused as locked without any verify (the lock costs no CPU).
    assert len(hasher.checked) == MAX_FAILED_LOGINS
    # The right password (for the account; any, for the made-up name) is refused now, unchecked.
    with pytest.raises(UserError) as refused:
        authenticate(username=name, password=PASSWORD)
    assert refused.value.message("da") == LOGIN_FAILED
    assert len(hasher.checked) == MAX_FAILED_LOGINS
    user_id = rasmus.id if name == "rasmus" else None
    assert _login_outcomes() == {(user_id, "failed"): MAX_FAILED_LOGINS,
                                 (user_id, "locked"): THREADS - MAX_FAILED_LOGINS + 1}
    if name == "rasmus":
        with session_scope() as s:
            assert s.get(UserAccount, rasmus.id).locked_until > utcnow()


def test_a_lock_that_has_run_out_counts_from_one_again(rasmus, watch):
    watch()
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(UserError):
            authenticate(username="rasmus", password="forkert-kodeord")
    with session_scope(write=True) as s:  # fifteen minutes pass
        past = utcnow() - timedelta(seconds=1)
        s.execute(update(UserAccount).values(locked_until=past))
        s.execute(update(LoginThrottle).values(locked_until=past, last_failure_at=past - LOCKOUT))
    with pytest.raises(UserError):  # one wrong guess does not lock it again at once...
        authenticate(username="rasmus", password="forkert-kodeord")
    assert authenticate(username="rasmus", password=PASSWORD).username == "rasmus"  # ...right opens
    with session_scope() as s:
        account = s.get(UserAccount, rasmus.id)
        assert (account.failed_logins, account.locked_until) == (0, None)
        assert s.execute(select(func.count()).select_from(LoginThrottle)).scalar_one() == 0


# --- 3. A login attempt never blocks a save -------------------------------------------------


def _write_lock_probe(db_url: str) -> Callable[[], bool]:
    """True when no transaction of the app is open at that moment.

    SQLite: another connection can take the write lock (BEGIN IMMEDIATE) within 0.2 s.
    PostgreSQL: no other connection to this database is "idle in transaction".
    """
    if db_url.startswith("sqlite"):
        path = make_url(db_url).database

        def sqlite_probe() -> bool:
            connection = sqlite3.connect(path, timeout=0.2, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("ROLLBACK")
                return True
            except sqlite3.OperationalError:
                return False
            finally:
                connection.close()

        return sqlite_probe
    engine = create_engine(db_url, poolclass=NullPool)

    def postgres_probe() -> bool:
        with engine.connect() as connection:
            open_transactions = connection.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'")
            ).scalar_one()
        return open_transactions == 0

    return postgres_probe


@pytest.mark.parametrize(
    ("name", "password"),
    [
        ("rasmus", PASSWORD),  # the right password: the rehash check and success are written after
        ("rasmus", "forkert-kodeord"),  # a wrong one
        ("findes.ikke", PASSWORD),  # an unknown name: the dummy hash
    ],
)
def test_the_password_is_verified_with_no_transaction_open(rasmus, watch, db_url, name, password):
    hasher = watch(_write_lock_probe(db_url))
    if (name, password) == ("rasmus", PASSWORD):
        assert authenticate(username=name, password=password).user_id == rasmus.id
    else:
        with pytest.raises(UserError):
            authenticate(username=name, password=password)
    assert hasher.probes == [True]  # one verify, and another writer could have saved meanwhile


def test_an_unknown_name_costs_one_verify_at_the_same_price_as_a_known_one(rasmus, watch):
    hasher = watch(real_cost=True)
    for name in ("rasmus", "findes.ikke"):
        with pytest.raises(UserError) as refused:
            authenticate(username=name, password="forkert-kodeord")
        assert refused.value.message("da") == LOGIN_FAILED
    real, dummy = hasher.checked
    assert real == _password_hash(rasmus.id) and dummy == users._dummy_hash()
    assert extract_parameters(real) == extract_parameters(dummy)


def test_staff_saves_all_succeed_while_logins_with_made_up_names_loop(rasmus, watch):
    """Three attackers loop logins at made-up names with the real argon2 cost (~0.1-0.4 s a
    verify) while twenty staff members save three citizens each. Before the fix each attempt
    held SQLite's write lock during its verify, and saves failed with "database is locked"."""
    watch(real_cost=True)
    actor = Actor.from_user(rasmus)
    stop, attackers_running = threading.Event(), threading.Barrier(3 + 1)
    attempts: Counter[str] = Counter()

    def attacker(number: int) -> None:
        first = True
        while not stop.is_set():
            try:
                authenticate(username=f"made-up-{uuid.uuid4().hex[:12]}", password="gaet-et-kodeord")
            except UserError as error:
                attempts[error.key] += 1
            except Exception as error:  # counted (and failing the test) instead of killing the thread
                attempts[type(error).__name__] += 1
            if first:  # every attacker has been through a whole attempt before the saves start
                attackers_running.wait(timeout=120)
                first = False

    loops = [threading.Thread(target=attacker, args=(n,)) for n in range(3)]
    for loop in loops:
        loop.start()
    try:
        attackers_running.wait(timeout=120)

        def save(number: int) -> int:
            for n in range(3):
                with session_scope(write=True) as s:
                    create_citizen(session=s, actor=actor, name=f"Borger {number}-{n}")
            return 3

        results = _together(THREADS, save)
    finally:
        stop.set()
        for loop in loops:
            loop.join()
    assert results == [3] * THREADS, [r for r in results if r != 3][:3]
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 3 * THREADS
    assert set(attempts) == {"error.login_failed"} and attempts["error.login_failed"] >= 3, attempts


# --- 3. Names that do not exist, and one browser session, are limited too -------------------


def test_a_made_up_name_is_locked_like_an_account_and_the_row_holds_no_name(db_url, watch):
    hasher = watch()
    for spelling in ["ghost", " GHOST", "Ghost "] + ["ghost"] * (MAX_FAILED_LOGINS - 3):
        with pytest.raises(UserError):
            authenticate(username=spelling, password="forkert-kodeord")
    assert len(hasher.checked) == MAX_FAILED_LOGINS  # each was checked (against the dummy hash)
    db.dispose_engines()  # another process: the count is in the database, not in memory
    with pytest.raises(UserError) as refused:
        authenticate(username="ghost", password="forkert-kodeord")
    assert refused.value.message("da") == LOGIN_FAILED  # the same message: no name probing
    assert len(hasher.checked) == MAX_FAILED_LOGINS  # refused without a verify
    assert _login_outcomes() == {(None, "failed"): MAX_FAILED_LOGINS, (None, "locked"): 1}
    with session_scope() as s:
        rows = s.execute(select(LoginThrottle)).scalars().all()
    assert [r.failures for r in rows] == [MAX_FAILED_LOGINS]
    assert "ghost" not in repr(rows).lower()


def test_old_name_rows_are_deleted_by_the_next_attempt(db_url, watch):
    watch()
    long_ago = utcnow() - LOCKOUT - timedelta(minutes=1)
    with session_scope(write=True) as s:
        s.execute(insert(LoginThrottle).values(name_hash="0" * 64, failures=3, last_failure_at=long_ago))
    with pytest.raises(UserError):
        authenticate(username="someone", password="forkert-kodeord")
    with session_scope() as s:
        hashes = s.execute(select(LoginThrottle.name_hash)).scalars().all()
    assert hashes == [users._name_hash("someone")]


def test_one_browser_session_gets_a_limited_number_of_attempts_whatever_the_names(rasmus, watch):
    hasher = watch()
    attempts: list = []
    for n in range(SESSION_MAX_ATTEMPTS):
        with pytest.raises(UserError) as refused:
            authenticate(username=f"navn-{n}", password="forkert-kodeord", session_attempts=attempts)
        assert refused.value.key == "error.login_failed"
    with pytest.raises(UserError) as waiting:  # even the right password: the browser must wait
        authenticate(username="rasmus", password=PASSWORD, session_attempts=attempts)
    assert waiting.value.key == "login_limits.wait"
    assert "Vent lidt" in waiting.value.message("da")
    assert len(hasher.checked) == SESSION_MAX_ATTEMPTS  # nothing verified for the refused one
    assert _login_outcomes()[(None, "throttled")] == 1  # and it is audited
    attempts[:] = [at - SESSION_WINDOW for at in attempts]  # ten minutes later
    assert authenticate(username="rasmus", password=PASSWORD, session_attempts=attempts).user_id == rasmus.id


def test_the_login_page_asks_a_browser_to_wait_after_too_many_attempts(open_page, rasmus, watch):
    watch()
    at = open_page()
    for n in range(SESSION_MAX_ATTEMPTS + 1):
        at.text_input(key="login_username").input(f"navn-{n}")
        at.text_input(key="login_password").input("forkert-kodeord")
        at.button[0].click().run()
        assert not at.exception
    assert "Vent lidt" in at.error[0].value
    assert len(at.session_state["_login_attempts"]) == SESSION_MAX_ATTEMPTS


# --- 7. The first-run screen makes one administrator ----------------------------------------


def test_twenty_browsers_on_the_first_run_screen_make_one_administrator(db_url, watch):
    watch()

    def submit(number: int) -> Actor:
        with session_scope(write=True) as s:
            return create_first_admin(session=s, username=f"admin{number}", full_name=f"Admin {number}",
                                      email=None, password=PASSWORD, repeat=PASSWORD)

    results = _together(THREADS, submit)
    winners = [r for r in results if isinstance(r, Actor)]
    assert len(winners) == 1
    assert all(isinstance(r, UserError) and r.key == "error.already_set_up"
               for r in results if r is not winners[0]), results
    with session_scope() as s:
        accounts = s.execute(select(UserAccount.username, UserAccount.role)).all()
    assert accounts == [(winners[0].username, "admin")]


def test_a_browser_that_lost_the_first_run_race_is_sent_to_the_login_screen(open_page, watch):
    at = open_page()
    assert at.title[0].value == "Velkommen til Samplan"
    with session_scope(write=True) as s:  # another browser finished first
        make_user(s, username="anne", role="admin")
    at.text_input(key="first_full_name").input("Bo Admin")
    at.text_input(key="first_username").input("bo")
    at.text_input(key="first_password").input(PASSWORD)
    at.text_input(key="first_repeat").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception and not at.error  # no error box on the first-run screen...
    assert at.session_state["_already_set_up"] is True
    login = open_page()  # ...the next run goes through app.py: the login screen says why
    login.session_state["_already_set_up"] = True
    login.run()
    assert login.title[0].value == "Log ind i Samplan"
    assert "allerede sat op" in login.info[0].value
    with session_scope() as s:
        assert s.execute(select(UserAccount.username)).scalars().all() == ["anne"]

