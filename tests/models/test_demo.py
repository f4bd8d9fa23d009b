import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from models.access import Actor, may_access
from models.citizens import list_visible_citizens
from models.db import session_scope
from models.demo import DEMO_ADMIN, DEPARTMENTS, STAFF, demo_document, ditte_document, load_demo
from models.errors import UserError
from models.exchange import validate_document
from models.tables import Citizen, Department, UserAccount
from models.users import authenticate, create_user
from tests.factories import make_citizen

# shared/ sits next to the checkout (development and CI alike).
SHARED_EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "spec" / "example-ditte.json"
DAY = date(2026, 11, 22)


def test_ditte_is_the_shared_example_exactly():
    if SHARED_EXAMPLE.exists():  # only in the development checkout
        assert ditte_document() == json.loads(SHARED_EXAMPLE.read_text("utf-8"))
    assert ditte_document()["citizens"][0]["name"] == "Ditte Mikkelsen"
    assert validate_document(ditte_document()) == []


def test_the_demo_document_is_valid_deterministic_and_relative_to_the_day():
    doc = demo_document(on=DAY)
    assert validate_document(doc) == []
    assert doc == demo_document(on=DAY)  # same seed, same day: the same demo
    assert doc != demo_document(on=DAY, seed=1)
    later = demo_document(on=DAY + timedelta(days=365))
    first_meeting = doc["citizens"][1]["meetings"][0]["starts_at"][:10]
    assert later["citizens"][1]["meetings"][0]["starts_at"][:10] != first_meeting
    citizens = doc["citizens"]
    assert citizens[0] == ditte_document()["citizens"][0]
    assert len(citizens) == 41
    assert len({c["name"] for c in citizens}) == 41


def test_the_demo_has_the_situations_the_screens_must_show():
    citizens = demo_document(on=DAY)["citizens"][1:]
    on = DAY.isoformat()
    soon = (DAY + timedelta(days=30)).isoformat()
    departments = Counter(p["department"] for c in citizens for p in c["people"] if p.get("department"))
    assert set(departments) == set(DEPARTMENTS)
    actions = [a for c in citizens for a in c["actions"]]
    overdue = [a for a in actions if a["status"] in ("open", "in_progress") and a["due_on"] < on]
    done = [a for a in actions if a["status"] == "done"]
    assert len(overdue) >= 5 and len(done) >= 20
    assert any(a["owner"] == "citizen" for a in actions) and any(a.get("trial") for a in actions)
    consents = [k for c in citizens for k in c["consents"]]
    expiring = [k for k in consents if on < k["expires_on"] <= soon and "withdrawn_on" not in k]
    assert len(expiring) >= 2
    assert any("withdrawn_on" in k for k in consents)
    meetings = [m for c in citizens for m in c["meetings"]]
    assert any(m.get("unmet_needs") for m in meetings)
    assert any(m["status"] == "cancelled" for m in meetings)
    def has_next_meeting(citizen):
        return any(m["status"] == "planned" and m["starts_at"][:10] > on for m in citizen["meetings"])

    assert all(has_next_meeting(c) for c in citizens)
    # about three meetings a year; scores move between meetings
    held = Counter(c["ref"] for c in citizens for m in c["meetings"] if m["status"] == "held")
    assert max(held.values()) == 3 and min(held.values()) >= 1
    moved = [g for c in citizens for g in c["goals"] if len({s["score"] for s in g["scores"]}) > 1]
    assert len(moved) >= 20
    first = datetime.fromisoformat(min(m["starts_at"] for m in meetings))
    assert (DAY - first.date()).days <= 400


def test_load_demo_builds_teams_and_accounts_and_a_second_run_changes_nothing(db_url):
    # (How long the demo takes is a benchmark's business, never a test's: a busy machine is slow.)
    result = load_demo()
    assert result.citizens_created == 41 and not result.already_loaded
    assert set(result.usernames) == {s.username for s in STAFF}
    assert result.password and len(result.password) >= 10

    rasmus = authenticate(username="rasmus", password=result.password)
    admin = authenticate(username=DEMO_ADMIN, password=result.password)
    assert admin.is_admin and not rasmus.is_admin
    with session_scope() as s:
        ditte = s.exec(select(Citizen).where(Citizen.name == "Ditte Mikkelsen")).one()
        assert may_access(s, actor=rasmus, citizen_id=ditte.id, action="plan.read")
        assert sorted(s.exec(select(Department.name)).all()) == sorted(DEPARTMENTS)
        for staff in STAFF:
            user = s.exec(select(UserAccount).where(UserAccount.username == staff.username)).one()
            visible = list_visible_citizens(session=s, actor=Actor.from_user(user))
            if staff.role == "admin":
                assert len(visible) == 41
            else:  # every department user has a caseload, none sees everyone
                assert 1 <= len(visible) < 41, staff.username
        counts = {
            t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }

    again = load_demo()
    assert again.already_loaded and again.citizens_created == 0 and again.password is None
    with session_scope() as s:
        assert {
            t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        } == counts


def test_demo_refuses_a_database_that_is_in_use(db_url):
    with session_scope(write=True) as s:
        make_citizen(s, name="En rigtig borger")
    with pytest.raises(UserError) as caught:
        load_demo()
    assert caught.value.key == "cli.demo_not_empty"
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(UserAccount)).scalar_one() == 0


def test_demo_loads_next_to_the_first_administrator(db_url):
    with session_scope(write=True) as s:
        create_user(session=s, username="rasmus", full_name="Rasmus Admin", email=None, role="admin",
                    password="korrekt-hest-batteri")
    result = load_demo()
    assert result.citizens_created == 41
    assert "rasmus" not in result.usernames and "mette" in result.usernames
