"""Bad input (issue 8, point 4): every hostile input through every form's write function and the
importer. 0 tracebacks: a write either succeeds (the sanitiser cleaned the text) or raises
UserError with a Danish sentence; afterwards the Word plan (both variants), the invitation
letter and the calendar file still build and open. Files that are not exchange files import
nothing. Runs on SQLite and, in CI, on PostgreSQL (where NUL in text would fail loudly).
"""

from __future__ import annotations

import io
import json

import docx
import icalendar
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update
from sqlmodel import SQLModel

from exports.calendar import build_meeting_ics
from exports.invitation import build_invitation_docx
from exports.word_plan import build_plan_docx
from models import users
from models.db import session_scope
from models.demo import ditte_document
from models.errors import UserError
from models.exchange import import_document, parse_document, plan_for_word_export
from models.i18n import catalogue, is_plural_key
from models.invitation import load_invitation
from models.plans import load_joint_plan
from models.tables import UserAccount
from tests.factories import PASSWORD
from tests.reliability import hostile
from tests.reliability.writes import DATE_WRITES, SCORE_WRITES, TEXT_WRITES, World, make_world

GROUPS = {
    "text": (hostile.TEXTS, TEXT_WRITES),
    "date": (hostile.DATES, DATE_WRITES),
    "score": (hostile.SCORES, SCORE_WRITES),
}
DANISH_HINTS = (
    "æ",
    "ø",
    "å",
    " er ",
    " en ",
    " et ",
    " du ",
    " kan ",
    " skal ",
    " ikke ",
    "venligst",
    " på ",
)


def assert_danish(error: UserError, where: str) -> None:
    message = error.message("da")
    assert message and message != error.key, f"{where}: no catalogue text for {error.key}"
    # a value the user typed may hold braces; the sentence around it must have none left
    assert "{" not in error.message("da", quote=lambda _: "X"), f"{where}: unfilled placeholder: {message}"
    known = error.key in catalogue("da") or is_plural_key(error.key, "da")  # key.one / key.other
    assert known, f"{where}: {error.key} missing from locales/da.toml"
    assert any(hint in f" {message.lower()} " for hint in DANISH_HINTS), f"{where}: not Danish: {message}"




def run_all(world: World, cases, writers) -> tuple[dict[str, int], list[str]]:
    """Every case through every writer; returns outcome counts and the crashes (must be none)."""
    outcomes = {"saved": 0, "refused": 0}
    crashes = []
    for case in cases:
        for name, write in writers.items():
            where = f"{name} <- {case.kind}-{case.id}"
            try:
                write(world, case.value)
            except UserError as error:
                assert_danish(error, where)
                outcomes["refused"] += 1
            except Exception as error:  # noqa: BLE001 — a traceback is exactly what we look for
                crashes.append(f"{where}: {type(error).__name__}: {str(error)[:200]}")
            else:
                outcomes["saved"] += 1
    return outcomes, crashes


def assert_exports_open(world: World) -> None:
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=world.staff, citizen_id=world.citizen_id)
        invitation = load_invitation(
            session=s,
            actor=world.staff,
            citizen_id=world.citizen_id,
            meeting_id=world.planned_meeting_id,
            purpose="invitation.export_docx",
        )
    for variant in ("citizen", "team"):
        document = docx.Document(io.BytesIO(build_plan_docx(plan, variant=variant)))
        assert document.paragraphs
    assert docx.Document(io.BytesIO(build_invitation_docx(invitation))).paragraphs
    assert icalendar.Calendar.from_ical(build_meeting_ics(invitation)).walk("VEVENT")


@pytest.fixture
def cheap_passwords(monkeypatch):
    """argon2 at its smallest cost: the corpus logs in and creates users hundreds of times; the
    real parameters are tested in tests/models/test_users.py."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(users, "_hasher", cheap)
    dummy = cheap.hash("dummy-password")
    monkeypatch.setattr(users, "_dummy_hash", lambda: dummy)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_hostile_input_through_every_form_write_gives_no_traceback(db_url, group, cheap_passwords):
    cases, writers = GROUPS[group]
    world = make_world()
    with session_scope(write=True) as s:
        s.execute(update(UserAccount).values(password_hash=users._hasher.hash(PASSWORD)))
    outcomes, crashes = run_all(world, cases, writers)
    assert crashes == [], "\n".join(crashes)
    assert outcomes["refused"] > 0  # the corpus does hit the sanitiser's refusals
    assert_exports_open(world)
    print(f"bad input [{group}]: {len(cases)} inputs x {len(writers)} fields: {outcomes}")


def test_consent_refuses_too_many_parties_before_comparing_them_all(db_url, monkeypatch):
    from models import consent

    calls = {"n": 0}
    real = consent.clean_name

    def counting(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 10 * consent.MAX_PARTIES:
            raise AssertionError("still cleaning party names long after the cap")
        return real(*args, **kwargs)

    monkeypatch.setattr(consent, "clean_name", counting)
    world = make_world()
    with pytest.raises(UserError) as refused:
        TEXT_WRITES["consent.record_consent.parties_text"](
            world, "\n".join(f"Part {n}" for n in range(10_000))
        )
    assert refused.value.key == "before.error.too_many_parties"


def test_the_corpus_is_big_and_varied_enough():
    assert len(hostile.ALL) >= 30
    assert len(hostile.KINDS) >= 8


# --- the importer -----------------------------------------------------------------------------

TEXT_FIELDS = {
    "citizen": ("name", "phone"),
    "people": ("name", "title", "relation", "department", "phone"),
    "consents": ("scope",),
    "goals": ("own_words",),
    "actions": ("text",),
    "meetings": ("place",),
}


def hostile_document(value: str) -> dict:
    """The shared example with `value` in every free-text field it has."""
    doc = ditte_document()
    for citizen in doc["citizens"]:
        for field in TEXT_FIELDS["citizen"]:
            citizen[field] = value
        for part in ("people", "consents", "goals", "actions", "meetings"):
            for item in citizen.get(part, []):
                for field in TEXT_FIELDS[part]:
                    if field in item or part != "people":
                        item[field] = value
                if part == "consents":
                    item["parties"] = [value, *item.get("parties", [])]
                for score in item.get("scores", []) if part == "goals" else []:
                    score["note"] = value
                if part == "meetings":
                    item["decisions"] = [value]
                    item["unmet_needs"] = [value]
                    if "preparation" in item:
                        item["preparation"] = {key: value for key in item["preparation"]}
    return doc


def row_counts() -> dict[str, int]:
    with session_scope() as s:
        return {
            table.name: s.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name not in ("audit_event",)
        }


@pytest.mark.parametrize("case", [c for c in hostile.TEXTS if isinstance(c.value, str)], ids=lambda c: c.id)
def test_hostile_text_in_every_field_of_an_exchange_file_never_crashes_the_importer(db_url, case):
    raw = json.dumps(hostile_document(case.value), ensure_ascii=True)  # lone surrogates survive as \ud800
    before = row_counts()
    try:
        with session_scope(write=True) as s:
            imported = import_document(session=s, doc=raw, actor=None)
    except UserError as error:
        assert_danish(error, case.id)
        assert row_counts() == before  # refused: nothing at all was written
    else:
        assert imported
        with session_scope() as s:
            loaded = plan_for_word_export(session=s, actor=None, citizen_id=imported[0].id)
        for variant in ("citizen", "team"):
            assert docx.Document(io.BytesIO(build_plan_docx(loaded, variant=variant))).paragraphs


NOT_EXCHANGE_FILES = [
    b"",  # empty upload
    b"\x00\x01\x02\xff\xfe",  # binary noise, not UTF-8
    b"PK\x03\x04" + b"\x00" * 60,  # the start of a zip / .docx
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",  # a PDF
    "navn;fødselsdato\nDitte;2001-03-14\n".encode(),  # a CSV export from elsewhere
    b"<html><script>alert(1)</script></html>",
    b"[]",  # JSON, but not an object
    b'"samplan/1"',
    b"null",
    b'{"format": "samplan/3", "citizens": []}',  # a future format (samplan/2 is today's)
    b'{"format": "samplan/1"}',  # no citizens key
    b'{"format": "samplan/1", "citizens": {}}',
    b'{"format": "samplan/1", "citizens": [{"ref": "a"}]}',  # a citizen without a name
    b'{"format": "samplan/1", "citizens": [{"ref": "a", "name": 7}]}',
    b'{"format": "samplan/1", "citizens": [{"ref": "a", "name": "A", "birth_date": "2023-02-30"}]}',
    b'{"format": "samplan/1", "citizens": [{"ref": "a", "name": "A", "goals": [{"ref": "g", '
    b'"own_words": "x", "status": "active", "created_on": "2024-01-01", "scores": [{"meeting": "m", '
    b'"score": 11}]}]}]}',  # a score outside 0-10 (and an unknown meeting)
    b'{"format": "samplan/1", "citizens": [{"ref": "a", "name": "A"}, {"ref": "a", "name": "B"}]}',
    b"[" * 100_000 + b"]" * 100_000,  # nesting deep enough to break a recursive parser
    b'{"format": "samplan/1", "citizens": [], "n": 1' + b"0" * 100_000 + b"}",  # a huge number
    b'{"format": "samplan/1", "citizens": [NaN]}',
    b"\xef\xbb\xbf{" * 3,  # byte-order marks and garbage
    json.dumps({"format": "samplan/1", "citizens": [{"ref": "a", "name": "x" * 1_000_000}]}).encode(),
]


@pytest.mark.parametrize("raw", NOT_EXCHANGE_FILES, ids=range(len(NOT_EXCHANGE_FILES)))
def test_a_file_that_is_not_a_valid_exchange_file_imports_nothing(db_url, raw):
    before = row_counts()
    with pytest.raises(UserError) as refused, session_scope(write=True) as s:
        import_document(session=s, doc=raw, actor=None)
    assert_danish(refused.value, repr(raw[:40]))
    assert row_counts() == before


def test_parse_document_refuses_with_a_danish_problem_list():
    with pytest.raises(UserError) as refused:
        parse_document(b"\x00\xff")
    assert "UTF-8" in refused.value.problems[0].message or refused.value.problems[0].message
