"""models.safe_output: the one door every file the command line writes goes through.

The command-line cases (exit code 2, the database left intact) are in tests/test_cli.py; here
the rules themselves, each as a case, without a process.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from models import safe_output
from models.errors import UserError
from models.safe_output import TargetRefused, check_target, database_files, replacing, write_file

OLD = b"last night's backup"


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A configured SQLite database in WAL mode with its -wal and -shm files present, held
    open as a running app would hold it."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "samplan.db"
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", f"sqlite:///{path}")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE citizen (name TEXT)")
    conn.execute("INSERT INTO citizen VALUES ('Ditte Mikkelsen')")
    conn.commit()
    assert (folder / "samplan.db-wal").exists() and (folder / "samplan.db-shm").exists()
    yield path
    conn.close()


def _link(path: Path, to: Path) -> Path:
    path.symlink_to(to)
    return path


def _hard_link(path: Path, to: Path) -> Path:
    os.link(to, path)
    return path


def _chdir(monkeypatch, folder: Path, name: str) -> str:
    monkeypatch.chdir(folder)
    return name


# (why, how to name the target given the live database, its tmp folder and monkeypatch, key)
REFUSED = [
    ("the database itself", lambda db, tmp, mp: db, "output.target_is_database"),
    ("its WAL: replacing it loses or corrupts commits", lambda db, tmp, mp: Path(f"{db}-wal"),
     "output.target_is_database"),
    ("its shared-memory index", lambda db, tmp, mp: Path(f"{db}-shm"), "output.target_is_database"),
    ("its rollback journal, even while there is none",
     lambda db, tmp, mp: Path(f"{db}-journal"), "output.target_is_database"),
    ("the database by a relative path", lambda db, tmp, mp: _chdir(mp, db.parent, "samplan.db"),
     "output.target_is_database"),
    ("the database by ../ detours", lambda db, tmp, mp: db.parent / ".." / "data" / "samplan.db",
     "output.target_is_database"),
    ("a symlink to the database", lambda db, tmp, mp: _link(tmp / "backup.db", db),
     "output.target_is_database"),
    ("a symlink to the WAL, which a rename would not follow but a write would",
     lambda db, tmp, mp: _link(tmp / "x.json", Path(f"{db}-wal")), "output.target_is_database"),
    ("a hard link to the database (another name for the same file)",
     lambda db, tmp, mp: _hard_link(tmp / "hard.db", db), "output.target_is_database"),
    ("a folder", lambda db, tmp, mp: tmp, "output.target_is_folder"),
    ("a folder that does not exist: a typo must not create folders",
     lambda db, tmp, mp: tmp / "nigthly" / "samplan.db", "output.folder_missing"),
    ("a FIFO is not a file (nor would /dev/null be)",
     lambda db, tmp, mp: (os.mkfifo(tmp / "pipe"), tmp / "pipe")[1], "output.target_not_a_file"),
]


@pytest.mark.parametrize(("make", "key"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_a_refused_target_is_refused_before_anything_is_written(live, tmp_path, monkeypatch, make, key):
    before = {p: p.read_bytes() for p in live.parent.iterdir()}
    target = make(live, tmp_path, monkeypatch)
    for force in (False, True):  # --force replaces a file, never one of these
        with pytest.raises(TargetRefused) as caught:
            write_file(target, b'{"format": "samplan/1"}', force=force)
        assert caught.value.key == key
        assert "Intet er skrevet." in caught.value.message("da")
    assert {p: p.read_bytes() for p in live.parent.iterdir()} == before
    with closing(sqlite3.connect(live)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT name FROM citizen").fetchall() == [("Ditte Mikkelsen",)]


def test_an_existing_file_is_kept_unless_force(live, tmp_path):
    target = tmp_path / "samplan-backup.db"
    target.write_bytes(OLD)
    with pytest.raises(TargetRefused) as caught:
        write_file(target, b"new")
    assert caught.value.key == "output.target_exists"
    assert "--force" in caught.value.message("da")
    assert target.read_bytes() == OLD
    assert write_file(target, b"new", force=True) == target
    assert target.read_bytes() == b"new"
    assert oct(target.stat().st_mode & 0o777) == "0o600"  # personal data: owner only
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "samplan-backup.db"]


def test_force_through_a_symlink_writes_the_file_it_points_at(live, tmp_path):
    real = tmp_path / "real.json"
    real.write_bytes(OLD)
    link = _link(tmp_path / "latest.json", real)
    write_file(link, b"new", force=True)
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_a_file_that_appears_between_the_check_and_the_write_is_not_replaced(live, tmp_path):
    target = tmp_path / "export.json"
    with pytest.raises(TargetRefused) as caught, replacing(target) as output:
        output.temporary.write_bytes(b"ours")
        target.write_bytes(b"someone else's")  # after check_target said the name was free
    assert caught.value.key == "output.target_exists"
    assert target.read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "export.json"]


@pytest.mark.parametrize("existing", [None, OLD], ids=["new file", "existing file with force"])
def test_a_crash_mid_write_leaves_no_partial_target_and_no_temporary_file(
    live, tmp_path, monkeypatch, existing
):
    target = tmp_path / "all.json"
    if existing is not None:
        target.write_bytes(existing)

    def crash_halfway(path, data):
        path.write_bytes(data[: len(data) // 2])
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(safe_output, "_write_bytes", crash_halfway)
    with pytest.raises(RuntimeError):
        write_file(target, b"x" * 1000, force=True)
    assert (target.read_bytes() if target.exists() else None) == existing
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["data"] + (["all.json"] if existing else []))


def test_a_folder_without_write_permission_is_a_clear_message(tmp_path, monkeypatch):
    def no_room(**_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safe_output.tempfile, "mkstemp", no_room)
    with pytest.raises(UserError) as caught:
        write_file(tmp_path / "x.json", b"{}")
    assert caught.value.key == "cli.file_unwritable" and not isinstance(caught.value, TargetRefused)


@pytest.mark.parametrize(
    ("url", "files"),
    [
        ("sqlite:////srv/samplan/samplan.db", ["samplan.db", "samplan.db-wal", "samplan.db-shm",
                                               "samplan.db-journal"]),
        ("sqlite:///file:/srv/samplan/samplan.db?mode=rwc&uri=true",  # an SQLite URI filename
         ["samplan.db", "samplan.db-wal", "samplan.db-shm", "samplan.db-journal"]),
        ("sqlite://", []),  # in memory: no file to protect
        ("sqlite:///file:mem?mode=memory&uri=true", []),
        ("postgresql://samplan@db.example/samplan", []),  # pg_dump's business, not a local file
    ],
)
def test_the_files_of_a_database(url, files):
    found = database_files(url)
    assert [p.name for p in found] == files
    assert all(p.parent == Path("/srv/samplan") for p in found)


def test_the_configured_database_is_protected_without_being_named(live, tmp_path):
    with pytest.raises(TargetRefused):
        check_target(live, force=True)  # no `protect` given: the configured database is always in
    assert check_target(tmp_path / "other.db", force=False) == tmp_path / "other.db"
