import sqlite3
import subprocess
import threading
from contextlib import closing

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from models import backup, db
from models.access import Actor
from models.backup import backup_database, create_backup, record_backup, restore_database
from models.db import session_scope
from models.errors import UserError
from models.safe_output import TargetRefused
from models.tables import AuditEvent, Citizen
from tests.factories import make_citizen, make_user


@pytest.fixture
def sqlite_url(tmp_path):
    """Always SQLite, also in the PostgreSQL run: the backup API is SQLite's."""
    url = f"sqlite:///{tmp_path}/live.db"
    db.create_all(db.get_engine(url))
    yield url
    db._engines.pop(url).dispose()


def count_in(path):
    with closing(sqlite3.connect(path)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        return copy.execute("SELECT count(*) FROM citizen").fetchone()[0]


def test_backup_while_a_writer_commits_is_consistent_and_has_every_earlier_commit(sqlite_url, tmp_path):
    committed = 0
    started, stop = threading.Event(), threading.Event()
    errors = []

    def writer():
        nonlocal committed
        try:
            while not stop.is_set():
                with session_scope(write=True, url=sqlite_url) as s:
                    for n in range(20):  # bigger transactions make a torn copy likelier
                        make_citizen(s, name=f"Borger {committed}-{n}")
                committed += 20
                if committed >= 400:
                    started.set()
        except Exception as error:  # surfaced below: a thread's exception is otherwise lost
            errors.append(error)
            started.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(30)
        before = committed
        target = backup_database(tmp_path / "copy.db", url=sqlite_url)
        after = committed
    finally:
        stop.set()
        thread.join(30)
    assert errors == []
    rows = count_in(target)
    assert before <= rows <= after + 20 and rows % 20 == 0  # whole transactions only
    with session_scope(url=sqlite_url) as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() >= rows


def test_backup_replaces_an_older_backup_only_with_force_and_leaves_no_partial_file(sqlite_url, tmp_path):
    target = tmp_path / "nightly" / "samplan.db"
    with pytest.raises(TargetRefused) as caught:  # a typo in the folder creates no folders
        backup_database(target, url=sqlite_url)
    assert caught.value.key == "output.folder_missing"
    target.parent.mkdir()
    backup_database(target, url=sqlite_url)
    with session_scope(write=True, url=sqlite_url) as s:
        make_citizen(s)
    with pytest.raises(TargetRefused) as caught:
        backup_database(target, url=sqlite_url)
    assert caught.value.key == "output.target_exists"
    assert count_in(target) == 0  # last night's backup, untouched
    backup_database(target, url=sqlite_url, force=True)
    assert count_in(target) == 1
    assert oct(target.stat().st_mode & 0o777) == "0o600"  # personal data: owner only
    assert sorted(p.name for p in target.parent.iterdir()) == ["samplan.db"]


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_a_backup_over_the_database_it_copies_is_refused_and_the_database_survives(
    sqlite_url, tmp_path, suffix
):
    """The old code renamed the copy over live.db while the app held live.db-wal open: the
    next start found a WAL that belonged to another file and a malformed database."""
    with session_scope(write=True, url=sqlite_url) as s:
        make_citizen(s, name="Ditte Mikkelsen")
    with session_scope(url=sqlite_url) as s:  # the app's pool holds a connection, as when running
        s.exec(select(Citizen)).all()
        with pytest.raises(TargetRefused) as caught:
            backup_database(tmp_path / f"live.db{suffix}", url=sqlite_url, force=True)
    assert caught.value.key == "output.target_is_database"
    db._engines.pop(sqlite_url).dispose()  # the app stops and starts again
    with session_scope(url=sqlite_url) as s:
        assert s.exec(select(Citizen.name)).all() == ["Ditte Mikkelsen"]
    with closing(sqlite3.connect(tmp_path / "live.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_backup_that_fails_midway_leaves_neither_a_partial_file_nor_an_audit_row(
    db_url, tmp_path, monkeypatch
):
    def crash(source, partial, *_args):
        partial.write_bytes(b"SQLite format 3\x00 and then nothing")
        raise UserError("cli.backup_failed", detail="disk full")

    monkeypatch.setattr(backup, "_copy_sqlite", crash)
    monkeypatch.setattr(backup, "_pg_dump", lambda program, url, partial: crash(None, partial))
    with pytest.raises(UserError):
        create_backup(tmp_path / "backup.db", actor=None)
    assert list(tmp_path.glob("*backup.db*")) == []
    assert backup_audits() == []


def backup_audits():
    with session_scope() as s:
        return [
            (row.action, row.user_id, row.citizen_id, row.outcome, row.entity, row.at is not None)
            for row in s.exec(select(AuditEvent).where(col(AuditEvent.action).startswith("backup.")))
        ]


def test_a_backup_is_audited_who_when_and_what_kind(db_url, tmp_path, session):
    create_backup(tmp_path / "backup.bin", actor=None)
    assert backup_audits() == [("backup.create", None, None, "ok", "database", True)]  # NULL: the CLI
    admin = make_user(session, username="anne", role="admin")
    session.commit()
    with session_scope(write=True) as s:  # what the web download can call
        record_backup(s, actor=Actor.from_user(admin), kind="download")
    assert backup_audits()[1] == ("backup.download", admin.id, None, "ok", "database", True)


WRITERS = 20


def test_a_backup_while_twenty_writers_commit_opens_cleanly_after_a_restart(db_url, tmp_path):
    """SQLite: the online backup API; PostgreSQL: pg_dump. Either way the copy and the live
    database are whole when the app starts again."""
    going, stop = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    committed = [0] * WRITERS

    def writer(n):
        try:
            while not stop.is_set():
                with session_scope(write=True) as s:
                    make_citizen(s, name=f"Borger {n}-{committed[n]}")
                committed[n] += 1
                if sum(committed) >= 3 * WRITERS:
                    going.set()
        except BaseException as error:  # surfaced below: a thread's exception is otherwise lost
            errors.append(error)
            going.set()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    try:
        assert going.wait(60)
        before = sum(committed)
        target = create_backup(tmp_path / "backup.bin", actor=None)  # the writers keep committing
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert errors == []
    db.dispose_engines()  # the app restarts
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == sum(committed)
    if db_url.startswith("postgresql"):
        listing = subprocess.run(
            [backup.find_pg_dump().replace("pg_dump", "pg_restore"), "--list", str(target)],
            capture_output=True, text=True, check=False,
        )
        assert listing.returncode == 0, listing.stderr
        assert "TABLE DATA public citizen" in listing.stdout
    else:
        assert before <= count_in(target) <= sum(committed)
        with closing(sqlite3.connect(db_url.removeprefix("sqlite:///"))) as live:
            assert live.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_brings_the_backup_back(sqlite_url, tmp_path):
    with session_scope(write=True, url=sqlite_url) as s:
        make_citizen(s, name="Før backup")
    saved = backup_database(tmp_path / "copy.db", url=sqlite_url)
    with session_scope(write=True, url=sqlite_url) as s:
        make_citizen(s, name="Efter backup")
    restore_database(saved, sqlite_url)
    with session_scope(url=sqlite_url) as s:  # the app's pooled connections see it too
        assert s.exec(select(Citizen.name)).all() == ["Før backup"]


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda tmp: backup_database(tmp / "x.db", url="sqlite://"), "cli.backup_memory"),
        (lambda tmp: backup_database(tmp / "x.db", url=f"sqlite:///{tmp}/none.db"), "cli.file_unreadable"),
        (lambda tmp: restore_database(tmp / "missing.db", f"sqlite:///{tmp}/t.db"), "cli.file_unreadable"),
        (lambda tmp: restore_database(tmp / "x.db", "postgresql://u@h/db"), "cli.restore_postgres"),
    ],
)
def test_backup_and_restore_refuse_clearly(tmp_path, call, key):
    with pytest.raises(UserError) as caught:
        call(tmp_path)
    assert caught.value.key == key


def test_restore_refuses_a_file_that_is_not_a_database(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(UserError) as caught:
        restore_database(junk, f"sqlite:///{tmp_path}/t.db")
    assert caught.value.key == "cli.backup_failed"


def test_a_missing_pg_dump_is_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    monkeypatch.setattr(backup.glob, "glob", lambda _pattern: [])
    with pytest.raises(UserError) as caught:
        backup_database(tmp_path / "x.dump", url="postgresql://postgres@127.0.0.1:1/none")
    assert caught.value.key == "cli.pg_dump_missing"
    assert "pg_dump" in caught.value.message("da")


def test_backup_of_the_configured_database(db_url, tmp_path):
    """SQLite normally; pg_dump in the PostgreSQL run (SAMPLAN_TEST_POSTGRES_URL)."""
    with session_scope(write=True) as s:
        make_citizen(s, name="Ditte Mikkelsen")
    target = backup_database(tmp_path / "backup.bin")
    data = target.read_bytes()
    if db_url.startswith("postgresql"):
        assert data.startswith(b"PGDMP")  # pg_dump's custom format
    else:
        assert data.startswith(b"SQLite format 3\x00")
        assert count_in(target) == 1
