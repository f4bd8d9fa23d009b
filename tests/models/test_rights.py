import io
import json
import zipfile

import docx
import pytest
from sqlmodel import select

from exports.citizen_copy import build_citizen_copy_zip
from models.access import Actor
from models.db import session_scope
from models.demo import ditte_document
from models.errors import AccessDenied
from models.exchange import import_document
from models.rights import access_log, citizen_copy
from models.tables import AuditEvent, Person
from tests.factories import make_membership, make_user


@pytest.fixture
def two_citizens(db_url):
    ditte = ditte_document()
    other = ditte_document()
    other["citizens"][0]["name"] = "Bo Andersen"
    other["citizens"][0]["goals"][0]["own_words"] = "Bo vil have et job på havnen."
    with session_scope(write=True) as s:
        ditte_id = import_document(session=s, doc=ditte, actor=None)[0].id
        bo_id = import_document(session=s, doc=other, actor=None)[0].id
        coordinator = make_user(s, username="rasmus")
        colleague = make_user(s, username="tove")
        person = s.execute(select(Person).where(Person.citizen_id == ditte_id, Person.name == "Rasmus Holm")
                           ).scalar_one()
        person.is_coordinator, person.user_id = True, coordinator.id
        make_membership(s, citizen=s.merge(_citizen(s, ditte_id)), user=coordinator, person=person)
        make_membership(s, citizen=_citizen(s, ditte_id), user=colleague)
    return ditte_id, bo_id, Actor.from_user(coordinator), Actor.from_user(colleague)


def _citizen(s, citizen_id):
    from models.tables import Citizen

    return s.get(Citizen, citizen_id)


def test_the_copy_holds_all_of_the_citizens_data_and_none_of_anyone_elses(two_citizens):
    ditte_id, bo_id, coordinator, _ = two_citizens
    with session_scope(write=True) as s:
        copy = citizen_copy(session=s, actor=coordinator, citizen_id=ditte_id)
    archive = zipfile.ZipFile(io.BytesIO(build_citizen_copy_zip(copy)))
    assert set(archive.namelist()) == {"LÆS MIG.txt", "data.json", "plan.docx", "adgangslog.csv"}
    data = json.loads(archive.read("data.json"))
    original = ditte_document()["citizens"][0]
    exported = data["citizens"][0]
    assert [g["own_words"] for g in exported["goals"]] == [g["own_words"] for g in original["goals"]]
    assert len(exported["actions"]) == len(original["actions"])
    assert len(exported["people"]) == len(original["people"])
    everything = b"".join(archive.read(name) for name in archive.namelist())
    plan_text = "\n".join(p.text for p in docx.Document(io.BytesIO(archive.read("plan.docx"))).paragraphs)
    assert "Bo Andersen" not in everything.decode("utf-8", "ignore") and "Bo Andersen" not in plan_text
    assert "havnen" not in plan_text and b"havnen" not in archive.read("data.json")
    assert "Jeg vil være en god mor for min datter" in plan_text
    log = archive.read("adgangslog.csv").decode("utf-8-sig")
    assert "citizen.export_json" in log


def test_the_access_log_is_for_the_coordinator_and_reading_it_is_audited(two_citizens):
    ditte_id, _, coordinator, colleague = two_citizens
    with session_scope(write=True) as s:
        entries = access_log(session=s, actor=coordinator, citizen_id=ditte_id)
    assert entries[0].action == "audit.read" and entries[0].outcome == "ok"
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        access_log(session=s, actor=colleague, citizen_id=ditte_id)
    with session_scope() as s:
        reads = s.execute(select(AuditEvent.user_id).where(AuditEvent.action == "audit.read")).scalars().all()
    assert sorted(reads) == sorted([coordinator.user_id, colleague.user_id])
