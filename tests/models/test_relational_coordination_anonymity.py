"""Anonymity of the relational coordination answers (issue 24), in the schema and in the rows.

No path from an answer to a person: rc_answer has no column and no foreign key that leads to a
user, no time at all (a precise time could be set beside a login, the audit or rc_respondent),
no respondent key (one person's ties are not linked), and a random id that on SQLite is the
rowid (so the rows' order says nothing about who answered first), and on PostgreSQL not even the
transaction that wrote them (xmin) tells one submit from another. rc_respondent says only that a
user answered, without a time. And nobody answers twice, also when submits race: on SQLite
and on PostgreSQL (run this file with scripts/with-postgres).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Date, DateTime, func, inspect, select, text

from models.db import get_engine, is_sqlite, session_scope
from models.errors import UserError
from models.relational_coordination import DIMENSIONS
from models.tables import AuditEvent, RcAnswer, RcRespondent
from tests.models.relational_coordination_fixtures import answer, make_round, make_town


def test_the_answer_table_has_no_way_to_a_user_and_no_time(db_url):
    schema = inspect(get_engine(db_url))
    columns = {c["name"]: c["type"] for c in schema.get_columns("rc_answer")}
    assert set(columns) == {"id", "round_id", "from_department_id", "about_department_id", *DIMENSIONS}
    assert not [n for n, kind in columns.items() if isinstance(kind, DateTime | Date)]
    assert {fk["referred_table"] for fk in schema.get_foreign_keys("rc_answer")} == {"rc_round", "department"}
    # The record that someone answered holds no time either (and nothing of what they answered).
    assert {c["name"] for c in schema.get_columns("rc_respondent")} == {
        "round_id",
        "user_id",
        "department_id",
    }


def test_stored_answers_hold_no_user_and_no_order(db_url):
    town = make_town(per=6)
    round_id = make_round(town)
    sundhed = town.departments["Sundhed"]
    for n, user in enumerate(town.staff["Jobcenter"]):
        answer(user, round_id, {sundhed: 1 + n % 5})
    with session_scope() as s:
        rows = s.execute(select(RcAnswer.__table__)).mappings().all()
        respondents = s.execute(select(RcRespondent.user_id)).scalars().all()
        audits = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        if is_sqlite(s.get_bind()):
            # The random id IS the rowid: no hidden sequence keeps the order of answering.
            pairs = s.execute(text("SELECT rowid, id FROM rc_answer")).all()
            assert all(rowid == id_ for rowid, id_ in pairs)
        else:
            # PostgreSQL stamps each row with its transaction (xmin): the answers are written
            # again with every submit, so they all carry the newest one, never each their own.
            stamps = s.execute(text("SELECT DISTINCT xmin::text FROM rc_answer")).scalars().all()
            submits = s.execute(text("SELECT DISTINCT xmin::text FROM rc_respondent")).scalars().all()
            assert len(stamps) == 1 and len(submits) == 6
    assert sorted(r["frequent"] for r in rows) == [1, 1, 2, 3, 4, 5]  # every answer kept, none twice
    assert len(rows) == 6 and sorted(respondents) == sorted(u.id for u in town.staff["Jobcenter"])
    assert {tuple(sorted(r)) for r in rows} == {
        tuple(sorted(["id", "round_id", "from_department_id", "about_department_id", *DIMENSIONS]))
    }
    ids = [r["id"] for r in rows]
    assert max(ids) - min(ids) > 10**9  # random over 62 bits, not 1, 2, 3 ...
    assert audits == 0  # answering writes no timestamped audit row either


def test_a_second_answer_is_refused_and_the_first_counts(db_url):
    town = make_town(per=1)
    round_id = make_round(town)
    sundhed = town.departments["Sundhed"]
    answer(town.staff["Jobcenter"][0], round_id, {sundhed: 2})
    with pytest.raises(UserError) as refused:
        answer(town.staff["Jobcenter"][0], round_id, {sundhed: 5})
    assert refused.value.key == "rc.error.already_answered"
    with session_scope() as s:
        assert s.execute(select(RcAnswer.frequent)).scalars().all() == [2]


def test_concurrent_submits_of_one_user_store_one_answer(db_url):
    """Eight submits of the same person at once (tabs, double clicks): one respondent row and one
    set of answers; the seven others get the Danish 'already answered', nothing half-saved."""
    town = make_town(per=1)
    round_id = make_round(town)
    user = town.staff["Jobcenter"][0]
    others = {town.departments["Sundhed"]: 3, town.departments["Socialafdelingen"]: 4}
    start, outcomes = threading.Barrier(8), []

    def submit() -> None:
        start.wait()
        try:
            outcomes.append(answer(user, round_id, others))
        except UserError as error:
            outcomes.append(error.key)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes, key=str) == [2] + ["rc.error.already_answered"] * 7
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(RcRespondent)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(RcAnswer)).scalar_one() == 2


def test_concurrent_submits_of_many_users_keep_every_answer_and_mix_them(db_url):
    """Ten people send at once: ten respondents, every tie kept once, and (PostgreSQL) all ties
    carry one transaction stamp, so a late submit's ties are not told apart by their xmin."""
    town = make_town(per=5)
    round_id = make_round(town)
    people = [(u, d) for d, users in town.staff.items() for u in users][:10]
    start, outcomes = threading.Barrier(len(people)), []

    def submit(user, department) -> None:
        others = {i: 1 + user.id % 5 for n, i in town.departments.items() if n != department}
        start.wait()
        outcomes.append(answer(user, round_id, others))

    threads = [threading.Thread(target=submit, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == [2] * len(people)
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(RcRespondent)).scalar_one() == len(people)
        values = sorted(s.execute(select(RcAnswer.mutual_respect)).scalars().all())
        if not is_sqlite(s.get_bind()):
            assert len(s.execute(text("SELECT DISTINCT xmin::text FROM rc_answer")).all()) == 1
    assert values == sorted(1 + u.id % 5 for u, _ in people for _ in range(2))


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({}, "rc.error.no_department"),  # at least one department
        ({"own": 3}, "rc.error.bad_department"),  # not about one's own department
        ({"sundhed": {"frequent": 3}}, "rc.error.unanswered"),  # all seven, "ved ikke" included
        ({"sundhed": 6}, "rc.error.bad_value"),  # off the scale
        ({"sundhed": True}, "rc.error.bad_value"),  # a bool is not a point on the scale
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(db_url, values, key):
    town = make_town(per=1)
    round_id = make_round(town)
    ids = {"own": town.departments["Jobcenter"], "sundhed": town.departments["Sundhed"]}
    with pytest.raises(UserError) as refused:
        answer(town.staff["Jobcenter"][0], round_id, {ids[k]: v for k, v in values.items()})
    assert refused.value.key == key
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(RcRespondent)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(RcAnswer)).scalar_one() == 0
