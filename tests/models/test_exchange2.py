"""samplan/2: nothing lost on the way out and back in, every problem said by its JSON path."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from models.db import session_scope
from models.demo import load_demo
from models.exchange import ImportFailed, export_citizen, import_document
from models.exchange2 import export2_all, export2_citizen, validate2
from models.exchange2_schema import DOCS_PATH, FIELDS_BEGIN, SCHEMA2_PATH, fields_markdown, schema_text
from models.exchange2_spec import ENTITIES, LEFT_OUT
from models.exchange_identity import AlreadyImported
from models.tables import AuditEvent, Citizen, UserAccount
from models.text import clean_text
from tests.conftest import _create_at_head
from tests.models.exchange2_fixture import HOSTILE, LONG, every_field_document


@pytest.fixture
def other_url(tmp_path: Path) -> Iterator[str]:
    """A second, empty installation (SQLite), the receiving end of a move."""
    url = f"sqlite:///{tmp_path}/other.db"
    _create_at_head(url)
    yield url
    from models import db

    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _export(url: str | None = None) -> dict[str, Any]:
    with session_scope(write=True, url=url) as s:
        doc = export2_all(session=s, actor=None)
    doc.pop("exported_at")
    return doc


def _import(doc: object, url: str | None = None, **kw: Any) -> list[Any]:
    with session_scope(write=True, url=url) as s:
        return import_document(session=s, doc=copy.deepcopy(doc), actor=None, **kw)


def test_the_committed_schema_and_field_docs_are_made_from_the_spec():
    assert SCHEMA2_PATH.read_text("utf-8") == schema_text(), "run: python -m models.exchange2_schema"
    docs = DOCS_PATH.read_text("utf-8")
    assert docs.split(FIELDS_BEGIN)[1].strip() == fields_markdown().strip()


def test_every_table_is_exported_or_left_out_for_a_reason():
    exported = {entity.model.__tablename__ for entity in ENTITIES}
    assert exported.isdisjoint(LEFT_OUT)
    assert set(SQLModel.metadata.tables) - exported - set(LEFT_OUT) == set()


def test_the_whole_demo_goes_out_and_back_in_unchanged(db_url, other_url):
    load_demo()
    first = _export()
    assert validate2(first) == []
    assert len(first["citizens"]) == 41
    _import(first, other_url)
    assert _export(other_url) == first
    with session_scope(url=other_url) as s:  # moved accounts cannot log in until an admin says so
        assert s.execute(select(func.count()).where(UserAccount.is_active)).scalar_one() == 0


def _schema_paths(node: dict[str, Any], defs: dict[str, Any], prefix: str, seen: set[str]) -> set[str]:
    if "$ref" in node:
        name = node["$ref"].split("/")[-1]
        if name in seen:
            return set()
        return _schema_paths(defs[name], defs, prefix, seen | {name})
    out: set[str] = set()
    for key, sub in node.get("properties", {}).items():
        out.add(f"{prefix}.{key}")
        out |= _schema_paths(sub, defs, f"{prefix}.{key}", seen)
    if "items" in node:
        out |= _schema_paths(node["items"], defs, prefix, seen)
    return out


def _doc_paths(node: object, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if prefix.endswith(".snapshot"):
                continue
            out.add(f"{prefix}.{key}")
            out |= _doc_paths(value, f"{prefix}.{key}")
    elif isinstance(node, list):
        for value in node:
            out |= _doc_paths(value, prefix)
    return out


def _sanitised(node: Any) -> Any:
    if isinstance(node, str):
        return clean_text(node, field="x")
    if isinstance(node, list):
        return [_sanitised(v) for v in node]
    if isinstance(node, dict):
        return {k: v if k == "snapshot" else _sanitised(v) for k, v in node.items()}
    return node


def test_a_citizen_using_every_field_with_hostile_text_comes_back_whole(db_url, other_url):
    doc = every_field_document()
    schema = json.loads(SCHEMA2_PATH.read_text("utf-8"))
    assert _doc_paths(doc) == _schema_paths(schema, schema["$defs"], "", set())  # every field used
    assert validate2(doc) == []
    _import(doc)
    first = _export()
    expected = _sanitised(doc)
    expected.pop("exported_at")
    assert first == expected
    citizen = first["citizens"][0]
    assert citizen["goals"][0]["own_words"] == LONG and len(LONG) == 10_000
    words = citizen["actions"][0]["text"]
    assert "😀👩\u200d👩\u200d👧" in words and "שלום" in words and "مرحبا" in words
    assert not any(ch in words for ch in "\x00\x07\x1b\u202e\u2066\r") and words != HOSTILE
    _import(first, other_url)
    assert _export(other_url) == first


@pytest.mark.parametrize(
    ("change", "path", "key"),
    [
        # a field the format does not have, at any depth
        (lambda c: c["goals"][0].update(colour="red"), "citizens[0].goals[0].colour",
         "exchange2.unknown_field"),
        (lambda c: c["meetings"][0]["agenda"][0].update(x=1), "citizens[0].meetings[0].agenda[0].x",
         "exchange2.unknown_field"),
        # a ref to nothing, and a ref to the wrong kind of thing
        (lambda c: c["actions"][0].update(owner="p9"), "citizens[0].actions[0].owner",
         "exchange2.ref_missing"),
        (lambda c: c["goals"][0]["scores"][0].update(meeting="g2"), "citizens[0].goals[0].scores[0].meeting",
         "exchange2.ref_wrong_kind"),
        # a user or department the file does not list
        (lambda c: c["people"][0].update(user="nobody"), "citizens[0].people[0].user",
         "exchange2.user_missing"),
        (lambda c: c["consents"][0]["parties"][0].update(department="X"),
         "citizens[0].consents[0].parties[0].department", "exchange2.department_missing"),
        # the rules the database and the product hold
        (lambda c: c["goals"][1].update(status="dropped", position=-1), "citizens[0].goals[1].position",
         "exchange.schema_minimum"),
        (lambda c: c["meetings"][0]["participants"][1].update(person="p1"),
         "citizens[0].meetings[0].participants[1].person", "exchange.participant_twice"),
        (lambda c: c["plan_versions"].append({**c["plan_versions"][0], "ref": "v2"}),
         "citizens[0].plan_versions[1].number", "exchange2.twice"),
        (lambda c: c["meetings"][0].update(status="planned-ish"), "citizens[0].meetings[0].status",
         "exchange.schema_enum"),
        (lambda c: c.update(name="\x00 "), "citizens[0].name", "error.required"),
    ],
)  # fmt: skip
def test_a_broken_file_imports_nothing_and_says_where(db_url, change, path, key):
    doc = every_field_document()
    change(doc["citizens"][0])
    with pytest.raises(ImportFailed) as caught:
        _import(doc)
    assert (path, key) in [(p.path, p.key) for p in caught.value.problems]
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 0


def test_samplan1_still_imports_and_is_upgraded(db_url):
    from models.demo import ditte_document

    _import(ditte_document())
    doc = _export()
    citizen = doc["citizens"][0]
    assert validate2(doc) == [] and citizen["consents"][0]["kind"] == "sharing"
    assert any(p.get("is_coordinator") for p in citizen["people"])
    with pytest.raises(AlreadyImported):  # samplan/2 knows the citizen samplan/1 brought in
        _import(doc)
    assert _import(doc, on_existing="update")[0].updated


def test_every_export_is_audited_and_samplan1_is_still_written(db_url):
    _import(every_field_document())
    with session_scope(write=True) as s:
        export2_citizen(session=s, actor=None, citizen_id=1)
        old = export_citizen(session=s, actor=None, citizen_id=1)
    assert old["format"] == "samplan/1"
    with session_scope() as s:
        rows = s.execute(select(AuditEvent.action).where(AuditEvent.action == "citizen.export_json")).all()
    assert len(rows) == 2


def test_the_cli_writes_samplan2_samplan1_and_fhir(db_url, tmp_path, capsys):
    import cli

    _import(every_field_document())
    for fmt, check in (
        ("json", lambda d: d["format"] == "samplan/2"),
        ("samplan/1", lambda d: d["format"] == "samplan/1"),
        ("fhir", lambda d: d["resourceType"] == "Bundle"),
    ):
        out = tmp_path / f"out-{fmt.replace('/', '')}.json"
        assert cli.main(["export", "--citizen", "1", "--format", fmt, "--out", str(out)]) == 0
        assert check(json.loads(out.read_text("utf-8")))
    assert cli.main(["export", "--all", "--format", "fhir", "--out", str(tmp_path / "x")]) == 2


@pytest.mark.parametrize(
    "change",
    [
        lambda d: None,  # the valid file
        lambda d: d["citizens"][0]["goals"][0]["scores"][0].update(score=True),  # a boolean is no integer
        lambda d: d["citizens"][0]["goals"][0]["scores"][0].update(score=4.0),
        lambda d: d["citizens"][0]["actions"][0].update(trial=1),  # an integer is no boolean
        lambda d: d["citizens"][0]["goals"][0].update(own_words="x" * 10_001),
        lambda d: d["citizens"][0]["goals"][0].update(created_on="2026-02-30"),
        lambda d: d["citizens"][0]["meetings"][0].update(starts_at="2026-03-01T09:00:00"),  # no offset
        lambda d: d["citizens"][0]["meetings"][0]["preparation"].update(extra="x"),
        lambda d: d["citizens"][0].update(name=""),
        lambda d: d["citizens"][0].update(phone=None),  # never null
        lambda d: d["users"][0].pop("full_name"),
        lambda d: d.update(extra=1),
        lambda d: d["citizens"][0]["consents"][0].update(kind="both"),
    ],
)
def test_the_fast_schema_check_never_passes_what_jsonschema_refuses(change):
    """The import asks fastjsonschema first and jsonschema only when it fails: they must agree."""
    from models.exchange2_schema import _fast_check, schema2_validator

    doc = every_field_document()
    change(doc)
    try:
        _fast_check()(doc)
        fast_valid = True
    except Exception:
        fast_valid = False
    assert fast_valid == (list(schema2_validator().iter_errors(doc)) == [])


def test_update_from_a_samplan2_file_applies_what_samplan1_carries(db_url):
    doc = every_field_document()
    _import(doc)
    doc["citizens"][0]["goals"][1]["own_words"] = "Arbejde, på deltid"
    (updated,) = _import(doc, on_existing="update")
    assert updated.updated and updated.changes
    assert _export()["citizens"][0]["goals"][1]["own_words"] == "Arbejde, på deltid"
    with session_scope() as s:  # no second citizen, no second copy of anyone
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 1
