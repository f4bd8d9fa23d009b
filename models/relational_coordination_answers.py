"""Answering a relational coordination round, anonymously and once (issue 24).

What is stored, and why nothing leads from an answer back to a person
(tests/models/test_relational_coordination_anonymity.py):
- rc_answer: per tie (the respondent's department about one other department) the seven
  answers, the round and the two departments. No user id, no time, no respondent key (one
  person's ties are not linked together), and a random id: on SQLite it is the rowid, so the
  rows carry no insertion order to set beside rc_respondent's.
- rc_respondent: THAT the user answered the round, for which department; no time. Its primary
  key (round, user) makes a second answer impossible: two submits at once (two tabs, a double
  click) both try to insert it, the database lets one through (SQLite: BEGIN IMMEDIATE queues
  them; PostgreSQL: the unique index makes the second wait, then fail) and the other's answers
  roll back with it.
- What stays outside this: the database's own history (PostgreSQL's old row versions until
  VACUUM, the write-ahead log, backups) holds earlier versions, like any backup; it is for the
  database's administrator only.
- No audit row is written for an answer: the respondent row already says who answered, and a
  timestamped row per answer is one more thing to set beside the answers.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date

from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models.access import Actor
from models.errors import UserError
from models.relational_coordination import DIMENSIONS, SCALE
from models.relational_coordination_rounds import my_open_rounds
from models.tables import RcAnswer, RcRespondent, RcRound

Answers = Mapping[int, Mapping[str, int | None]]  # about-department id -> dimension -> 1-5 or None


def _random_id() -> int:
    """A random positive 62-bit id: fits SQLite's INTEGER and PostgreSQL's BIGINT."""
    return secrets.randbits(62) or 1


def _clean(answers: object, allowed: set[int]) -> list[dict[str, int | None]]:
    if not isinstance(answers, Mapping) or not answers:
        raise UserError("rc.error.no_department")
    rows = []
    for about, values in answers.items():
        if about not in allowed or not isinstance(values, Mapping):
            raise UserError("rc.error.bad_department")
        row: dict[str, int | None] = {}
        for dimension in DIMENSIONS:
            if dimension not in values:
                raise UserError("rc.error.unanswered")
            value = values[dimension]
            if value is not None and (isinstance(value, bool) or value not in SCALE):
                raise UserError("rc.error.bad_value")
            row[dimension] = value
        rows.append({"about_department_id": about, **row})
    return rows


def submit_answers(
    *, session: Session, actor: Actor | None, round_id: int, answers: object, on: date | None = None
) -> int:
    """Store one respondent's answers (in a write session); returns how many ties were stored.

    Refused with a Danish UserError, nothing saved: not asked in this round (or it is not open),
    a department not in the round or the user's own, a missing or impossible answer, or the
    user has answered already (also when another submit of theirs won a moment ago).
    """
    # One submit per round at a time (PostgreSQL: the round's row lock; SQLite: BEGIN IMMEDIATE
    # already): each rewrites all of the round's ties (see _write_mixed), so none may miss another's.
    session.execute(select(RcRound.id).where(col(RcRound.id) == round_id).with_for_update())
    mine = next(
        (m for m in my_open_rounds(session=session, actor=actor, on=on) if m.round.id == round_id), None
    )
    if mine is None or actor is None or actor.user_id is None:
        raise UserError("rc.error.not_asked")
    if mine.answered:
        raise UserError("rc.error.already_answered")
    rows = _clean(answers, {d for d, _ in mine.others})
    from_department = mine.my_department[0]
    try:
        session.add(RcRespondent(round_id=round_id, user_id=actor.user_id, department_id=from_department))
        session.flush()
    except IntegrityError as error:
        raise UserError("rc.error.already_answered") from error
    new = [
        {"id": _random_id(), "round_id": round_id, "from_department_id": from_department, **row}
        for row in rows
    ]
    _write_mixed(session, round_id, new)
    return len(rows)


def _write_mixed(session: Session, round_id: int, new: list[dict[str, int | None]]) -> None:
    """Write the new ties; on PostgreSQL, write all of the round's ties again in a random order.

    Why: PostgreSQL stamps every row with the transaction that wrote it (the `xmin` system
    column, readable with a plain SELECT) and stores rows in the order they come. Inserted on
    their own, one respondent's ties would share their transaction with that respondent's
    rc_respondent row: a join on xmin would name them. Moved again together in one statement
    (server-side, no data through Python), every tie of the round carries the newest submit's
    transaction and a random place. SQLite has no xmin and keeps the table in the order of the
    random ids (the rowid), so there the new ties are simply inserted.
    Submits to one round take turns (the lock in submit_answers), so each moves every tie.
    """
    session.execute(insert(RcAnswer), new)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_MIX, {"round_id": round_id})


_MIX = text(
    "WITH gone AS (DELETE FROM rc_answer WHERE round_id = :round_id RETURNING *) "
    "INSERT INTO rc_answer SELECT * FROM gone ORDER BY random()"
)


def has_answered(*, session: Session, user_id: int, round_id: int) -> bool:
    return (
        session.execute(
            select(RcRespondent.user_id).where(
                col(RcRespondent.round_id) == round_id, col(RcRespondent.user_id) == user_id
            )
        ).first()
        is not None
    )
