"""Overblik's SQL building blocks: the day and score arithmetic that differs between SQLite and
PostgreSQL, and the small expressions every figure in models/overview_counting.py is built from.

Why a module of its own: models/overview_counting.py says what each figure means; this says how
the two databases are asked for it (SQLite has no date type, PostgreSQL no julianday()), so a
dialect change is made in one place and the figures read without it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, case, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, select

from models.tables import (
    Action,
    Person,
)

# --- SQL building blocks ---------------------------------------------------------------------
#
# Every figure is one aggregating statement: the database counts, Python only adds up a few
# rows per department. The same code runs on SQLite and PostgreSQL; the only dialect-specific
# SQL is the day arithmetic below (SQLite has no date type, PostgreSQL no julianday()).


class _day_number(FunctionElement[int]):
    """A DATE column as a whole day number (only differences between two of them mean anything)."""

    type = Integer()
    inherit_cache = True


@compiles(_day_number)
def _day_number_default(element: _day_number, compiler: Any, **kw: Any) -> str:
    return f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - DATE '2000-01-01')"


@compiles(_day_number, "sqlite")
def _day_number_sqlite(element: _day_number, compiler: Any, **kw: Any) -> str:
    # SQLAlchemy stores a DATE as 'YYYY-MM-DD' and a DATETIME as 'YYYY-MM-DD HH:MM:SS.ffffff':
    # the first ten characters are the day either way (cheaper than date(), which parses).
    return f"CAST(julianday(substr({compiler.process(element.clauses, **kw)}, 1, 10)) AS INTEGER)"


class _utc_day_number(FunctionElement[int]):
    """The UTC date of a stored moment, as a day number comparable with _day_number."""

    type = Integer()
    inherit_cache = True


@compiles(_utc_day_number)
def _utc_day_number_default(element: _utc_day_number, compiler: Any, **kw: Any) -> str:
    moment = compiler.process(element.clauses, **kw)
    return f"(CAST(({moment} AT TIME ZONE 'UTC') AS DATE) - DATE '2000-01-01')"


@compiles(_utc_day_number, "sqlite")
def _utc_day_number_sqlite(element: _utc_day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday(substr({compiler.process(element.clauses, **kw)}, 1, 10)) AS INTEGER)"


class _utc_hour(FunctionElement[int]):
    """The UTC hour (0-23) of a stored moment."""

    type = Integer()
    inherit_cache = True


@compiles(_utc_hour)
def _utc_hour_default(element: _utc_hour, compiler: Any, **kw: Any) -> str:
    return (
        f"CAST(EXTRACT(HOUR FROM ({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')) AS INTEGER)"
    )


@compiles(_utc_hour, "sqlite")
def _utc_hour_sqlite(element: _utc_hour, compiler: Any, **kw: Any) -> str:
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 12, 2) AS INTEGER)"  # stored UTC text


class _score_key(FunctionElement[Any]):
    """(moment, score) -> one value whose order is the moment's, with the score readable from it
    (_score_of). min() and max() of it give the first and the latest score in one grouping pass.

    SQLite: the stored fixed-width UTC text ('YYYY-MM-DD HH:MM:SS.ffffff') followed by score + 10
    (always two digits). PostgreSQL: seconds since 1970 * 100 + score + 10 (a bigint: text there
    compares by collation, and EXTRACT's numeric is slow). Equal moments (to the second, in
    PostgreSQL): the higher score sorts later.
    """

    inherit_cache = True


@compiles(_score_key)
def _score_key_default(element: _score_key, compiler: Any, **kw: Any) -> str:
    moment, score = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST(date_part('epoch', {moment}) AS BIGINT) * 100 + {score} + 10)"


@compiles(_score_key, "sqlite")
def _score_key_sqlite(element: _score_key, compiler: Any, **kw: Any) -> str:
    moment, score = (compiler.process(c, **kw) for c in element.clauses)
    return f"({moment} || ({score} + 10))"


class _score_of(FunctionElement[int]):
    """The score + 10 inside a _score_key (differences of two of them are score differences)."""

    type = Integer()
    inherit_cache = True


@compiles(_score_of)
def _score_of_default(element: _score_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(mod({compiler.process(element.clauses, **kw)}, 100) AS INTEGER)"


@compiles(_score_of, "sqlite")
def _score_of_sqlite(element: _score_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(substr({compiler.process(element.clauses, **kw)}, 27) AS INTEGER)"


# Copenhagen is UTC+1 or UTC+2: a moment's Copenhagen date is its UTC date, except from 22:00
# or 23:00 UTC on, when it is the next day. Moments from 22:00 UTC are therefore returned one
# by one (they are rare: agreements made between midnight and 02:00 Danish time) and dated in
# Python with the real time-zone rules; all others are counted by their UTC date in SQL.
_LATE_UTC_HOUR = 22


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _owner_departments(per_owner: Any, *sums: Any) -> Any:
    """Counts made per owner first (an index scan, no lookups) and only then added up per the
    owner's department id (NULL: the citizen, or an owner without one) and citizen (the owner's
    citizen; for the citizen's own agreements `per_owner.c.own`), for the small-number rule.

    Looking up the owner's department for each of 100,000 agreements cost more than the counting
    itself; per owner it is one lookup for each of the far fewer owners.
    """
    citizen = func.coalesce(Person.citizen_id, per_owner.c.own)
    return (
        select(col(Person.department_id).label("department_id"), citizen, *(func.sum(s) for s in sums))
        .select_from(per_owner)
        .outerjoin(Person, col(Person.id) == per_owner.c.owner)
        .group_by(Person.department_id, citizen)
    )


def _own_citizen() -> Any:
    """The citizen of an agreement the citizen carries (no owner), else NULL: grouped by with
    the owner, so owners stay one row each."""
    return case((col(Action.owner_person_id).is_(None), Action.citizen_id), else_=None).label("own")
