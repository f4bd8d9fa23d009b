"""The import writes a whole file with a fixed number of statements (not one round per
citizen) and still links professionals to user accounts and audits every citizen."""

from sqlalchemy import event
from sqlmodel import select

from models.db import session_scope
from models.exchange import import_document
from models.tables import AuditEvent, Citizen, Person, TeamMembership
from tests.factories import make_user
from tests.models.test_exchange import big_document


def _import_counting(engine, doc):
    """Import `doc`; return the imported citizens and how many statements were executed.

    Counted per Connection.execute (an executemany INSERT is one), not per cursor call."""
    calls = []

    def count(_conn, clause, *_args):
        calls.append(str(clause)[:40])

    event.listen(engine, "before_execute", count)
    try:
        with session_scope(write=True) as s:
            # The documents reuse names ("Borger 0" ...): copies on purpose, not re-imports.
            imported = import_document(session=s, doc=doc, actor=None, on_existing="new")
    finally:
        event.remove(engine, "before_execute", count)
    return imported, len(calls)


def test_import_takes_the_same_number_of_statements_for_3_or_12_citizens(db_url, engine):
    first, _ = _import_counting(engine, big_document(1))  # creates the departments the others reuse
    few, few_statements = _import_counting(engine, big_document(3))
    many, many_statements = _import_counting(engine, big_document(12))
    assert len(few) == 3 and len(many) == 12
    assert few_statements == many_statements, (few_statements, many_statements)
    with session_scope() as s:
        names = s.exec(select(Citizen.name).where(Citizen.id.in_([c.id for c in many]))).all()
        contacts = s.exec(select(Citizen.contact_person_id).where(Citizen.id == many[-1].id)).one()
        contact = s.get(Person, contacts)
        audits = s.exec(select(AuditEvent.citizen_id).where(AuditEvent.action == "citizen.import")).all()
    assert sorted(names) == sorted(c.name for c in many)
    assert contact.citizen_id == many[-1].id and contact.name == "Fagperson 1"  # p1 of that citizen
    assert sorted(audits) == sorted(c.id for c in first + few + many)  # one row per imported citizen


def test_professionals_in_an_imported_file_join_the_team_of_a_matching_account(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="fp2", email="Fagperson.2@Kommune.example")
    doc = big_document(4)
    for citizen in doc["citizens"][1:3]:  # the second and third citizen only
        citizen["people"][1]["email"] = "fagperson.2@kommune.example"
    with session_scope(write=True) as s:
        imported = import_document(session=s, doc=doc, actor=None)
    with session_scope() as s:
        teams = s.exec(select(TeamMembership.citizen_id, TeamMembership.person_id)).all()
        linked = s.exec(select(Person.citizen_id, Person.name).where(Person.user_id == user.id)).all()
        audited = s.exec(select(AuditEvent.citizen_id).where(AuditEvent.action == "team.link")).all()
    expected = sorted([imported[1].id, imported[2].id])
    assert sorted(c for c, _ in teams) == expected
    assert sorted(linked) == [(cid, "Fagperson 2") for cid in expected]
    assert sorted(audited) == expected
