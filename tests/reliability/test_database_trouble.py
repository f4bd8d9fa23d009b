"""A busy, full or read-only database (issue 15, points 4 and 11): never "database is locked", never
Streamlit's English error box; a Danish sentence, nothing half-saved, reading goes on where it may.

The conditions are real, not mocks: another connection holding SQLite's write lock; SQLite's
`PRAGMA query_only` (a read-only database: tests run as root, where chmod stops nothing) and
`PRAGMA max_page_count` (a full disk: "database or disk is full"), set on every new connection;
on PostgreSQL `default_transaction_read_only` (what a read-only standby answers).
Decided: audit rows are required for reads of a citizen's data, so a read whose audit row cannot
be written is NOT shown; the page says "cannot save right now" instead (no exception box).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import make_url

from models import db
from models.access import Actor, write_audit
from models.actions import create_agreement
from models.consent import record_consent
from models.db import session_scope
from models.errors import DatabaseBusy, DatabaseUnavailable, UserError
from models.i18n import translate
from models.plans import load_joint_plan
from models.tables import AuditEvent, Citizen, Consent, LoginSession, UserAccount, utcnow
from models.users import authenticate, resume_login_session, start_login_session
from tests.conftest import POSTGRES_ADMIN_URL, _create_at_head
from tests.factories import PASSWORD, make_citizen, make_membership, make_person, make_user
from tests.pages.conftest import login_token

ON_POSTGRES = bool(POSTGRES_ADMIN_URL)
BUSY = translate("database_trouble.busy", "da")
CANNOT_SAVE = translate("database_trouble.unavailable", "da")


def test_the_danish_sentences_say_busy_or_cannot_save_and_that_nothing_is_saved():
    assert "Samplan er travl lige nu" in BUSY and "intet er gemt" in BUSY and "prøv igen" in BUSY
    assert "Samplan kan ikke gemme lige nu" in CANNOT_SAVE and "intet er gemt" in CANNOT_SAVE


def citizen_count() -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(Citizen)).scalar_one()


# --- a busy SQLite database ---------------------------------------------------------------------
# SQLite's locking is what these test, so they use a SQLite file in the PostgreSQL run too.


@pytest.fixture
def sqlite_url(tmp_path, monkeypatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/samplan-busy.db"
    _create_at_head(url)
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", url)
    yield url
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


@pytest.fixture
def lock_holder(sqlite_url, monkeypatch) -> Iterator[sqlite3.Connection]:
    """Another connection (another process, as far as the app can tell) holding the write lock,
    and 50 ms per lock attempt instead of 5 s, so the retries run out quickly."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
    db.get_engine(sqlite_url).dispose()  # new connections read the new timeout
    holder = sqlite3.connect(make_url(sqlite_url).database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def test_a_save_waits_out_a_lock_held_elsewhere_by_retrying(lock_holder, monkeypatch):
    pauses = []

    def pause_and_let_go(seconds: float) -> None:  # between two attempts the other writer commits
        pauses.append(seconds)
        lock_holder.execute("COMMIT")

    monkeypatch.setattr(db, "_sleep", pause_and_let_go)
    with session_scope(write=True) as s:
        make_citizen(s, name="Bo")
    assert citizen_count() == 1
    assert len(pauses) == 1 and db.BUSY_JITTER_S[0] <= pauses[0] <= db.BUSY_JITTER_S[1]


def test_a_lock_that_is_never_let_go_ends_in_the_danish_busy_sentence_with_nothing_saved(
    lock_holder, sqlite_url, monkeypatch, caplog
):
    pauses = []
    monkeypatch.setattr(db, "_sleep", pauses.append)
    body_ran = False
    with (
        caplog.at_level(logging.ERROR, logger="samplan.db"),
        pytest.raises(DatabaseBusy) as busy,
        session_scope(write=True) as s,
    ):
        body_ran = True  # never: the lock is taken before the caller's body runs
        make_citizen(s, name="Bo Busy")
    assert busy.value.message("da") == BUSY
    assert not body_ran and len(pauses) == db.BUSY_ATTEMPTS - 1
    lock_holder.execute("ROLLBACK")
    assert citizen_count() == 0
    logged = caplog.text
    assert "SQLITE_BUSY" in logged and make_url(sqlite_url).database in logged and "Bo Busy" not in logged


def test_a_read_that_writes_its_audit_row_after_someone_else_saved_is_not_locked_out(sqlite_url):
    """WAL: a transaction that began by reading cannot write once another connection committed
    (SQLite answers "database is locked" at once). A read session takes the lock at its write."""
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        make_membership(s, citizen=citizen, user=user)
    actor = Actor.from_user(user)
    with session_scope() as reader:
        assert reader.get(Citizen, citizen.id) is not None  # the read snapshot starts here
        with session_scope(write=True) as other:
            other.execute(update(Citizen).values(phone="12345678"))
        write_audit(reader, actor=actor, action="plan.read", citizen_id=citizen.id)
        reader.flush()
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 1


# --- many at once, on both databases, with every core busy ------------------------------------

VIEWERS = SAVERS = LOGINS = 8  # 24 threads
ROUNDS = 15


def test_viewers_savers_and_logins_at_once_never_meet_a_lock_error(db_url, busy_cpus):
    """Reads that write audit rows, saves and logins side by side: every one succeeds."""
    with session_scope(write=True) as s:
        staff = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        owner = make_person(s, citizen=citizen, user=staff)
        make_membership(s, citizen=citizen, user=staff, person=owner)
        names = [make_user(s, username=f"login{n}").username for n in range(LOGINS)]
    actor = Actor.from_user(staff)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(VIEWERS + SAVERS + LOGINS)

    def view() -> None:
        with session_scope() as s:
            load_joint_plan(session=s, actor=actor, citizen_id=citizen.id)

    def save() -> None:
        with session_scope(write=True) as s:
            create_agreement(session=s, actor=actor, citizen_id=citizen.id, text="Ring til jobcentret",
                             owner_person_id=owner.id)  # fmt: skip

    def log_in(name: str) -> None:
        who = authenticate(username=name, password=PASSWORD)
        with session_scope(write=True) as s:
            token = start_login_session(session=s, actor=who)
        with session_scope(write=True) as s:
            assert resume_login_session(session=s, token=token) == who

    def worker(kind: str, job, rounds: int) -> None:
        start.wait()
        for _ in range(rounds):
            try:
                job()
            except UserError as error:
                outcome = f"error: {error.key}"
            except Exception as error:  # noqa: BLE001 — "database is locked" would land here
                outcome = f"error: {type(error).__name__}: {getattr(error, 'orig', error)}"
            else:
                outcome = kind
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=worker, args=("viewed", view, ROUNDS)) for _ in range(VIEWERS)]
    threads += [threading.Thread(target=worker, args=("saved", save, ROUNDS)) for _ in range(SAVERS)]
    threads += [
        threading.Thread(target=worker, args=("logged in", lambda n=name: log_in(n), 3)) for name in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"viewed": VIEWERS * ROUNDS, "saved": SAVERS * ROUNDS, "logged in": LOGINS * 3}
    with session_scope() as s:
        reads = s.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "plan.read")
        ).scalar_one()
    assert reads == VIEWERS * ROUNDS  # every read shown was audited
    print(f"at once: {dict(outcomes)}")


# --- a database that cannot be written: read-only, or a full disk (SQLite) ----------------------

CONDITIONS = ["read-only"] if ON_POSTGRES else ["read-only", "disk-full"]
SPARE_PAGES = 3  # "full": room for a few audit rows, not for a 20 kB text (5+ overflow pages)


def _on_connect(condition: str, dialect: str):
    def hook(dbapi_connection, _record) -> None:
        if dialect == "postgresql":  # what a read-only standby answers: SQLSTATE 25006
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()
        elif condition == "read-only":
            dbapi_connection.execute("PRAGMA query_only=ON")
        else:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            free = dbapi_connection.execute("PRAGMA freelist_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages + max(0, SPARE_PAGES - free)}")

    return hook


@pytest.fixture
def cannot_write(db_url) -> Iterator[Callable[[str], None]]:
    """`cannot_write(condition)` makes every new connection of the app's engine read-only or full."""
    engine = db.get_engine(db_url)
    hooks = []

    def _apply(condition: str) -> None:
        hook = _on_connect(condition, engine.dialect.name)
        event.listen(engine, "connect", hook)
        hooks.append(hook)
        engine.dispose()  # pooled connections were made before: start afresh

    yield _apply
    for hook in hooks:
        event.remove(engine, "connect", hook)
    engine.dispose()


@pytest.mark.parametrize("condition", CONDITIONS)
def test_a_save_says_cannot_save_logs_the_cause_and_reading_goes_on(db_url, cannot_write, condition, caplog):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s, name="Ditte Mikkelsen")
        make_membership(s, citizen=citizen, user=user)
    cannot_write(condition)
    secret = "Hemmelig tekst om Ditte " + "æ" * 9_000  # a full disk has no room for it
    with (
        caplog.at_level(logging.ERROR, logger="samplan.db"),
        pytest.raises(DatabaseUnavailable) as refused,
        session_scope(write=True) as s,
    ):
        record_consent(session=s, actor=Actor.from_user(user), citizen_id=citizen.id, kind="sharing",
                       parties=["Jobcenter"], scope=secret, form="written", given_on=utcnow().date(),
                       expires_on=None)  # fmt: skip
    assert refused.value.message("da") == CANNOT_SAVE
    with session_scope() as s:  # reading goes on
        assert s.get(Citizen, citizen.id).name == "Ditte Mikkelsen"
        assert s.execute(select(func.count()).select_from(Consent)).scalar_one() == 0  # nothing saved
    code = "25006" if ON_POSTGRES else ("SQLITE_READONLY" if condition == "read-only" else "SQLITE_FULL")
    database = make_url(db_url).database
    assert code in caplog.text and database in caplog.text and "Hemmelig" not in caplog.text


def test_a_read_whose_audit_row_cannot_be_written_is_not_shown(db_url, cannot_write):
    """Audit is required for special-category data: no audit row, no plan."""
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        make_membership(s, citizen=citizen, user=user)
    cannot_write("read-only")
    with pytest.raises(DatabaseUnavailable), session_scope() as s:
        load_joint_plan(session=s, actor=Actor.from_user(user), citizen_id=citizen.id)


# --- the same through the app (AppTest): a Danish sentence, no exception element --------------


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_an_administrators_save_on_a_read_only_database(open_page, ditte, cannot_write):
    token = login_token(ditte.admin)
    cannot_write("read-only")
    at = open_page(token=token)  # Opfølgning: shown or "cannot save", never an exception
    assert not at.exception
    at.switch_page("pages/admin.py").run()  # the list of accounts needs no audit row: shown
    assert not at.exception and "rasmus" in at.dataframe[0].value["Brugernavn"].tolist()
    at.text_input(key="new_username").input("helle")
    at.text_input(key="new_full_name").input("Helle Hansen")
    at.text_input(key="new_password").input(PASSWORD + "-helle")
    _button(at, translate("admin.create_user", "da")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [CANNOT_SAVE]
    assert at.text_input(key="new_username").value == "helle"  # what was typed is kept
    assert "rasmus" in at.dataframe[0].value["Brugernavn"].tolist()  # still reading
    with session_scope() as s:
        assert s.execute(select(UserAccount).where(UserAccount.username == "helle")).first() is None


def test_a_page_whose_reading_needs_audit_rows_says_cannot_save_instead_of_showing_them(
    open_page, ditte, cannot_write
):
    """Opfølgning lists (and audits) Rasmus's agreements; without audit rows nothing is listed.
    The page's error reaches app.py, which says it in Danish (no English exception box)."""
    token = login_token(ditte.staff_user)
    cannot_write("read-only")
    at = open_page(token=token)
    assert not at.exception
    assert CANNOT_SAVE in [e.value for e in at.error]
    assert len(at.dataframe) == 0  # no agreement shown
    assert at.session_state["login_token"] == token  # still logged in


def _a_consent_too_big_for_a_full_disk_is_refused_and_the_page_keeps_reading(open_page, ditte, cannot_write):
    """(SQLite only: its max_page_count is the full disk here; PostgreSQL's run has no such lever.)"""
    token = login_token(ditte.staff_user)
    at = open_page("pages/prepare.py", token=token, citizen_id=ditte.citizen.id)
    at.session_state["prepare-step"] = "2 · Samtykke"
    at.run()
    cannot_write("disk-full")
    scope = "Alt om min angst " + "æ" * 9_000
    at.radio(key="co-form-0").set_value("oral")
    at.text_area(key="co-parties-0").input("Psykiatrien")
    at.text_area(key="co-scope-0").input(scope)
    _button(at, "Registrér et samtykke").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [CANNOT_SAVE]
    assert at.text_area(key="co-scope-0").value == scope  # kept for the next try
    assert any("samtykke" in w.value.lower() for w in at.warning)  # the page still reads (and audits)
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Consent)).scalar_one() == 1  # ditte's own


if not ON_POSTGRES:
    test_a_consent_too_big_for_a_full_disk_is_refused_and_the_page_keeps_reading = (
        _a_consent_too_big_for_a_full_disk_is_refused_and_the_page_keeps_reading
    )


def test_a_read_only_database_keeps_a_login_but_still_ends_a_timed_out_one(open_page, ditte, cannot_write):
    live = login_token(ditte.admin)
    stale = login_token(ditte.staff_user)
    with session_scope(write=True) as s:
        s.execute(
            update(LoginSession)
            .where(LoginSession.user_id == ditte.staff_user.id)
            .values(last_seen_at=utcnow() - timedelta(days=2))
        )
    cannot_write("read-only")
    at = open_page(token=live)  # the touch of last_seen_at is lost, the login is not
    assert not at.exception and at.session_state["login_token"] == live
    at = open_page(token=stale)
    assert not at.exception and "login_token" not in at.session_state
    assert translate("login.expired", "da") in [i.value for i in at.info]


def test_log_out_on_a_read_only_database_still_logs_the_tab_out(open_page, ditte, cannot_write):
    """Log ud is a button callback, outside app.py's error handling: it must not fail either."""
    at = open_page(user=ditte.staff_user, citizen_id=ditte.citizen.id)
    cannot_write("read-only")
    at.button(key="logout").click().run()
    assert not at.exception
    assert "login_token" not in at.session_state and "citizen_id" not in at.session_state
