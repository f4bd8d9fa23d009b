"""The statement counter the benchmark uses for 'SQL statements per page'."""

from __future__ import annotations

from sqlalchemy import insert, select, text

from bench.counting import count_statements
from models.db import session_scope
from models.tables import AuditEvent, Department, utcnow


def test_counts_each_statement_and_not_the_transaction_around_it(engine):
    with count_statements(engine) as log, session_scope(write=True) as s:
        s.execute(select(Department.id))
        s.execute(text("SELECT 1"))
        # An executemany is one statement (one round trip with psycopg's pipeline). (A table
        # Overblik does not count: a write to one of those also notes it in overview_change.)
        s.execute(insert(AuditEvent), [{"at": utcnow(), "action": "a", "outcome": "ok"},
                                       {"at": utcnow(), "action": "b", "outcome": "ok"}])
    assert log.count == 3
    assert not any(sql.upper().startswith(("BEGIN", "COMMIT")) for sql in log.statements)


def test_a_query_per_row_shows_as_repeated(engine):
    with session_scope(write=True) as s:
        s.add_all([Department(name=f"Afdeling {n}") for n in range(4)])
    with count_statements(engine) as log, session_scope() as s:
        ids = s.execute(select(Department.id)).scalars().all()
        for department_id in ids:  # the N+1 pattern the page budget forbids
            s.execute(select(Department.name).where(Department.id == department_id)).scalar_one()
    assert log.count == 1 + 4
    assert list(log.repeated().values()) == [4]


def test_stops_counting_after_the_block(engine):
    with count_statements(engine) as log, session_scope() as s:
        s.execute(text("SELECT 1"))
    with session_scope() as s:
        s.execute(text("SELECT 1"))
    assert log.count == 1
