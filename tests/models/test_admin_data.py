import json
import sqlite3

import pytest
from sqlalchemy import func, select

from models.access import Actor
from models.admin_data import MAX_IMPORT_BYTES, backup_bytes, export_all_json, import_exchange_file
from models.db import session_scope
from models.demo import ditte_document
from models.errors import UserError
from models.tables import Citizen
from tests.factories import make_user


@pytest.fixture
def admin(db_url):
    with session_scope(write=True) as s:
        return Actor.from_user(make_user(s, username="admin", role="admin"))


def _citizens():
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(Citizen)).scalar_one()


def test_a_good_file_is_imported_and_exported_again(admin):
    outcome = import_exchange_file(actor=admin, data=json.dumps(ditte_document()).encode())
    assert [c.name for c in outcome.citizens] == ["Ditte Mikkelsen"] and outcome.problems == ()
    exported = json.loads(export_all_json(actor=admin))
    assert exported["format"] == "samplan/2"  # everything, for a move to another installation
    assert [c["name"] for c in exported["citizens"]] == ["Ditte Mikkelsen"]


@pytest.mark.parametrize(
    "data",
    [
        b"{not json",  # not JSON at all
        b"\xff\xfe\x00garbage",  # not UTF-8
        json.dumps({"format": "samplan/3", "citizens": []}).encode(),  # another format
        json.dumps({"format": "samplan/1", "citizens": [{"ref": "c1"}]}).encode(),  # no name
    ],
)
def test_a_bad_file_imports_nothing_and_says_where(admin, data):
    outcome = import_exchange_file(actor=admin, data=data)
    assert outcome.citizens == () and outcome.problems
    assert all(p.path.startswith("$") or p.path.startswith("format") or p.path.startswith("citizens")
               for p in outcome.problems)
    assert _citizens() == 0


def test_too_large_and_not_an_administrator_are_refused_in_danish(admin, db_url):
    with pytest.raises(UserError) as caught:
        import_exchange_file(actor=admin, data=b" " * (MAX_IMPORT_BYTES + 1))
    assert caught.value.key == "admin.import_too_large"
    with session_scope(write=True) as s:
        staff = Actor.from_user(make_user(s, username="rasmus"))
    with pytest.raises(UserError) as refused:
        import_exchange_file(actor=staff, data=json.dumps(ditte_document()).encode())
    assert refused.value.key == "error.admin_only" and _citizens() == 0


def test_the_backup_is_a_whole_sqlite_database(admin, db_url, tmp_path):
    if not db_url.startswith("sqlite"):
        assert db_url.startswith("postgresql")  # PostgreSQL: pg_dump, tested in test_backup.py
        return
    import_exchange_file(actor=admin, data=json.dumps(ditte_document()).encode())
    copy = tmp_path / "copy.db"
    copy.write_bytes(backup_bytes())
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT name FROM citizen").fetchall() == [("Ditte Mikkelsen",)]
