import sqlite3
import threading
from contextlib import closing

import pytest
from sqlalchemy import func
from sqlmodel import select

from models import backup, db
from models.backup import backup_database, restore_database
from models.db import session_scope
from models.errors import UserError
from models.tables import Citizen
from tests.factories import make_citizen


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


def test_backup_replaces_an_older_backup_and_leaves_no_partial_file(sqlite_url, tmp_path):
    target = tmp_path / "nightly" / "samplan.db"
    backup_database(target, url=sqlite_url)
    with session_scope(write=True, url=sqlite_url) as s:
        make_citizen(s)
    backup_database(target, url=sqlite_url)
    assert count_in(target) == 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["samplan.db"]


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
