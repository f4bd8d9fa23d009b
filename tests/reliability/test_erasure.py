"""Erasing a citizen leaves none of their text in the database file (scanned byte by byte)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import String, func, select
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from models.access import Actor
from models.actions import create_agreement, set_action_status, update_agreement
from models.db import get_engine, is_sqlite, session_scope
from models.demo import ditte_document
from models.erasure import compact_database, erase_citizen
from models.errors import UserError
from models.exchange import import_document
from models.tables import AgendaItem, AuditEvent, Citizen, Goal, Meeting, MeetingParticipant, Person
from tests.factories import make_user

# Not "department": departments are the municipality's, shared by every citizen.
TEXT_FIELDS = {"name", "title", "relation", "scope", "own_words", "note", "text",
               "place", "matters_most", "dream", "going_well", "questions", "not_to_raise", "when_hard",
               "phone", "email"}


def _plant(node, marker: str, counter: list[int]):
    """Append a unique marker to every free-text value of an exchange document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in TEXT_FIELDS and isinstance(value, str):
                counter[0] += 1
                if key == "email":
                    node[key] = f"{marker.lower()}{counter[0]}z@kommune.example"
                else:
                    node[key] = f"{value} {marker}{counter[0]}Z"
            elif key in ("decisions", "unmet_needs", "parties") and isinstance(value, list):
                for n, item in enumerate(value):
                    counter[0] += 1
                    value[n] = f"{item} {marker}{counter[0]}Z"
            else:
                _plant(value, marker, counter)
    elif isinstance(node, list):
        for item in node:
            _plant(item, marker, counter)


def _citizen_with_markers(marker: str, admin: Actor) -> tuple[int, list[str]]:
    doc = ditte_document()
    counter = [0]
    _plant(doc, marker, counter)
    with session_scope(write=True) as s:
        citizen_id = import_document(session=s, doc=doc, actor=None)[0].id
    with session_scope(write=True) as s:  # what the exchange format does not carry
        goal = s.execute(select(Goal).where(Goal.citizen_id == citizen_id)).scalars().first()
        goal.professional_note = f"note {marker}N1"
        meeting = s.execute(select(Meeting).where(Meeting.citizen_id == citizen_id)).scalars().first()
        meeting.citizen_disagreement = f"uenig {marker}N2"
        s.add(AgendaItem(meeting_id=meeting.id, title=f"punkt {marker}N3", minutes=10))
        participant = s.execute(select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting.id)
                                ).scalars().first()
        participant.written_status = f"status {marker}N4"
        owner = s.execute(select(Person).where(Person.citizen_id == citizen_id)).scalars().first()
        saved = create_agreement(session=s, actor=admin, citizen_id=citizen_id, text=f"aftale {marker}N5",
                                 owner_person_id=owner.id, due_on=date(2026, 12, 1))
    with session_scope(write=True) as s:  # a correction keeps the old text; a drop keeps its reason
        moved = update_agreement(session=s, actor=admin, action_id=saved.id, seen_version=saved.version,
                                 text="ny tekst", goal_id=None, owner_person_id=owner.id,
                                 owner_is_citizen=False, due_on=date(2026, 12, 1), trial=False)
        set_action_status(session=s, actor=admin, action_id=saved.id, seen_version=moved.version,
                          status="cancelled", note=f"grund {marker}N6")
    markers = [f"{marker}{n}Z" for n in range(1, counter[0] + 1)] + [f"{marker}N{n}" for n in range(1, 7)]
    return citizen_id, markers


def _database_bytes(url: str) -> bytes:
    path = Path(make_url(url).database)
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def _is_text(column) -> bool:
    kind = getattr(column.type, "impl", column.type)  # SQLModel's AutoString decorates String
    return isinstance(kind, String) or isinstance(kind, type) and issubclass(kind, String)


def _database_text(url: str) -> bytes:
    """Every text value in every table (PostgreSQL cannot be scanned as one file here)."""
    chunks = []
    with session_scope() as s:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if _is_text(c)]
            for row in s.execute(select(*columns)).all() if columns else ():
                chunks.extend(str(value) for value in row if value is not None)
    return "\n".join(chunks).encode()


def test_erasure_leaves_no_text_of_the_citizen_in_the_file_and_keeps_the_others(db_url):
    sqlite = is_sqlite(get_engine(db_url))
    read = _database_bytes if sqlite else _database_text
    with session_scope(write=True) as s:
        admin = Actor.from_user(make_user(s, username="admin", role="admin"))
    erased_id, erased_markers = _citizen_with_markers("ERASEDQX", admin)
    kept_id, kept_markers = _citizen_with_markers("KEPTQX", admin)
    before = read(db_url)
    assert [m for m in erased_markers[:3] if m.encode() not in before] == []  # the scan sees text

    with session_scope(write=True) as s:
        erase_citizen(session=s, actor=admin, citizen_id=erased_id, confirm_name="Ditte Mikkelsen ERASEDQX1Z")
    compact_database(db_url)

    raw = read(db_url)  # SQLite: the raw bytes of the file and its WAL
    # e-mail addresses are stored lower-case
    assert [m for m in erased_markers if m.encode() in raw or m.lower().encode() in raw] == []
    assert [m for m in kept_markers if m.encode() not in raw and m.lower().encode() not in raw] == []
    with session_scope() as s:
        assert s.get(Citizen, kept_id) is not None and s.get(Citizen, erased_id) is None
        erased_audit = s.execute(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "citizen.erased")
        ).scalar_one()
    assert erased_audit == 1


def test_erasure_needs_an_administrator_and_the_exact_name(db_url):
    with session_scope(write=True) as s:
        admin = Actor.from_user(make_user(s, username="admin", role="admin"))
        staff = Actor.from_user(make_user(s, username="rasmus"))
    citizen_id, _ = _citizen_with_markers("X", admin)
    with pytest.raises(UserError) as wrong_name, session_scope(write=True) as s:
        erase_citizen(session=s, actor=admin, citizen_id=citizen_id, confirm_name="Ditte")
    assert wrong_name.value.key == "rights.erase_confirm_mismatch"
    with pytest.raises(UserError) as not_admin, session_scope(write=True) as s:
        erase_citizen(session=s, actor=staff, citizen_id=citizen_id, confirm_name="Ditte Mikkelsen X1Z")
    assert not_admin.value.key == "error.admin_only"
    with session_scope(write=True) as s:
        erase_citizen(session=s, actor=admin, citizen_id=citizen_id, confirm_name="Ditte Mikkelsen X1Z")
    compact_database(db_url)
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Person)).scalar_one() == 0
