"""Overblik's common ground: the period and the rows every figure is counted in, and the lookups
the figures share while they count.

What is here: Period (the days a view covers), the row keys OVERALL and NO_DEPARTMENT, the
department lookups held for one count (_shared, _lookups_shared), the citizens' department sets
(one number per citizen with a bit per department) and how rows are summed into departments,
and the one statement about citizens (meetings held, consents, department sets) that the
meetings, consents, matrix and owner-change figures all read.

Why a module of its own: both the figures (models/overview_counting.py) and the page
(models/overview.py) stand on these, and so do the figures kept current
(models/overview_kept.py); below all of them, none of them imports the others to get a period
or a department. How a figure is grouped per department is said once, here; what each figure
means is said in overview_counting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import BigInteger, case, func, literal, or_
from sqlmodel import Session, col, select

from models.overview_sql import _count
from models.tables import (
    COPENHAGEN,
    Citizen,
    Consent,
    Department,
    Meeting,
    Person,
    today,
)

OVERALL = "*"  # the row for all departments together
NO_DEPARTMENT = "-"  # agreements the citizen carries, or owners without a department
CONSENT_WARNING_DAYS = 30


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[first moment, first moment after) of the Copenhagen days, in UTC as stored (SQLite
        compares the stored text, so the bounds must be UTC too)."""
        first = datetime.combine(self.start, time(0), tzinfo=COPENHAGEN).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=COPENHAGEN).astimezone(UTC)
        return first, after

    @classmethod
    def last_days(cls, days: int, *, on: date | None = None) -> Period:
        end = on or today()
        return cls(end - timedelta(days=days - 1), end)


# --- Shared lookups (one query each) --------------------------------------------------------


_LOOKUPS = "samplan_overview_lookups"
T = TypeVar("T")


def _shared(session: Session, name: object, load: Callable[[], T]) -> T:
    """Within one figure (or all of build_overview) each lookup is one query, not one per use."""
    memo = session.info.get(_LOOKUPS)
    if memo is None:
        return load()
    if name not in memo:
        memo[name] = load()
    return memo[name]  # type: ignore[no-any-return]


F = TypeVar("F", bound=Callable[..., Any])


def _lookups_shared(figure: F) -> F:
    """A public figure shares its lookups while it runs (build_overview's, when inside it)."""

    @functools.wraps(figure)
    def run(*args: Any, session: Session, **kwargs: Any) -> Any:
        if _LOOKUPS in session.info:
            return figure(*args, session=session, **kwargs)
        session.info[_LOOKUPS] = {}
        try:
            return figure(*args, session=session, **kwargs)
        finally:
            session.info.pop(_LOOKUPS, None)

    return run  # type: ignore[return-value]


def _departments(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every department, by name."""
    return _shared(
        session,
        "departments",
        lambda: [(int(i), n) for i, n in session.execute(select(Department.id, Department.name)
                                                          .order_by(Department.name)).all()],
    )


def department_names(session: Session) -> list[str]:
    """Every department, so a department with nothing to count still shows a row of zeros."""
    return [name for _, name in _departments(session)]


# --- The citizens' department sets -----------------------------------------------------------
#
# A department "has" a citizen while one of its professionals is active in the citizen's network.
# Per-department figures about citizens (and the departments x departments matrix) are counted
# per SET of departments a citizen has: each citizen's set is one number with a bit per
# department (sum of DISTINCT powers of two), the figures are grouped by that number in SQL (a
# handful of rows), and Python adds each group to every department in its set. One pass over the
# network instead of a join per department; the same SQL on SQLite and PostgreSQL.

_BITS_PER_MASK = 60  # a signed 64-bit integer per 60 departments; more departments, more columns


def _department_sets(session: Session) -> Any:
    """Subquery (citizen_id, mask0, mask1, ...): the citizen's departments as bits."""
    departments = _departments(session)
    chunks = [departments[i:i + _BITS_PER_MASK] for i in range(0, len(departments), _BITS_PER_MASK)] or [[]]
    masks = []
    for n, chunk in enumerate(chunks):
        bit: Any = (
            case({dep_id: literal(1 << i, BigInteger) for i, (dep_id, _) in enumerate(chunk)},
                 value=Person.department_id, else_=literal(0, BigInteger))
            if chunk else literal(0, BigInteger)
        )  # fmt: skip
        masks.append(func.sum(bit.distinct()).label(f"mask{n}"))
    return (
        select(col(Person.citizen_id).label("citizen_id"), *masks)
        .where(
            Person.kind == "professional",
            col(Person.removed_on).is_(None),
            col(Person.department_id).is_not(None),
        )
        .group_by(Person.citizen_id)
        .subquery("department_sets")
    )


def _mask_count(session: Session) -> int:
    return max(1, -(-len(_departments(session)) // _BITS_PER_MASK))


def _mask_columns(sets: Any) -> list[Any]:
    return [c for c in sets.c if c.name.startswith("mask")]


def _set_names(session: Session, masks: Iterable[Any]) -> list[str]:
    """The department names whose bits are set (masks as returned by SQL: NULL, int or Decimal)."""
    departments = _departments(session)
    names = []
    for n, mask in enumerate(masks):
        bits = int(mask or 0)
        chunk = departments[n * _BITS_PER_MASK:(n + 1) * _BITS_PER_MASK]
        names += [name for i, (_, name) in enumerate(chunk) if bits >> i & 1]
    return names


def _by_department_set(session: Session, rows: Iterable[Any], width: int) -> dict[str, list[int]]:
    """Rows (mask0..maskK, *counts) summed into OVERALL and every department in each row's set."""
    size = _mask_count(session)
    totals: dict[str, list[int]] = {key: [0] * width for key in (OVERALL, *department_names(session))}
    for row in rows:
        counts = [int(v or 0) for v in row[size:]]
        for key in (OVERALL, *_set_names(session, row[:size])):
            totals[key] = [a + b for a, b in zip(totals[key], counts, strict=True)]
    return totals


@dataclass(frozen=True)
class _CitizenFigures:
    citizens: int
    cadence: int  # the sum of the citizens' meetings_per_year
    held: int  # meetings held in the period
    missing: int  # citizens without a valid consent on the day
    expiring: int  # citizens whose every valid consent ends within CONSENT_WARNING_DAYS
    held_citizens: int  # citizens with a meeting held in the period


@dataclass(frozen=True)
class _CitizenGroups:
    figures: dict[str, _CitizenFigures]  # OVERALL and every department
    sets: list[tuple[list[str], int]]  # (departments, citizens) per set of departments


def _citizen_figures(session: Session, period: Period, day: date) -> _CitizenGroups:
    return _shared(session, ("citizens", period, day), lambda: _load_citizen_figures(session, period, day))


def held_meetings(period: Period) -> Any:
    """(citizen_id, n): meetings held in the period, per citizen."""
    first, after = period.utc_bounds
    return (
        select(col(Meeting.citizen_id).label("citizen_id"), func.count().label("n"))
        .where(Meeting.status == "held", col(Meeting.starts_at) >= first, col(Meeting.starts_at) < after)
        .group_by(Meeting.citizen_id)
    )


def valid_consents(day: date) -> Any:
    """(citizen_id, lasting): citizens with a valid consent on `day`; lasting 0 when every one
    of them ends within CONSENT_WARNING_DAYS. The same rule as models.consent.consent_status(...)
    == VALID, and citizen_consent_state."""
    horizon = day + timedelta(days=CONSENT_WARNING_DAYS)
    return (
        select(
            col(Consent.citizen_id).label("citizen_id"),
            func.max(
                case((or_(col(Consent.expires_on).is_(None), col(Consent.expires_on) > horizon), 1), else_=0)
            ).label("lasting"),
        )
        .where(
            col(Consent.given_on) <= day,
            or_(col(Consent.withdrawn_on).is_(None), col(Consent.withdrawn_on) > day),
            or_(col(Consent.expires_on).is_(None), col(Consent.expires_on) > day),
        )
        .group_by(Consent.citizen_id)
    )


def _load_citizen_figures(session: Session, period: Period, day: date) -> _CitizenGroups:
    held = held_meetings(period).subquery("held")
    valid = valid_consents(day).subquery("valid_consent")
    sets = _department_sets(session)
    masks = _mask_columns(sets)
    rows = session.execute(
        select(
            *masks,
            func.count(),
            func.sum(Citizen.meetings_per_year),
            func.sum(func.coalesce(held.c.n, 0)),
            _count(valid.c.citizen_id.is_(None)),
            _count(valid.c.lasting == 0),
            _count(held.c.n > 0),
        )
        .select_from(Citizen)
        .outerjoin(held, held.c.citizen_id == Citizen.id)
        .outerjoin(valid, valid.c.citizen_id == Citizen.id)
        .outerjoin(sets, sets.c.citizen_id == Citizen.id)
        .group_by(*masks)
    ).all()
    totals = _by_department_set(session, rows, 6)
    return _CitizenGroups(
        figures={key: _CitizenFigures(*values) for key, values in totals.items()},
        sets=[(_set_names(session, row[:len(masks)]), int(row[len(masks)])) for row in rows],
    )


def _by_department(
    session: Session, rows: Iterable[Any], width: int
) -> dict[str, tuple[list[int], list[int]]]:
    """Rows (department id or NULL, citizen id, *counts) summed per department; OVERALL is the
    sum of all. With each count: how many different citizens it comes from (small-number rule)."""
    totals = {key: [0] * width for key in _agreement_keys(session)}
    citizens: dict[str, list[set[int]]] = {key: [set() for _ in range(width)] for key in totals}
    names = dict(_departments(session))
    for department_id, citizen_id, *counts in rows:
        for key in (OVERALL, names.get(department_id, NO_DEPARTMENT)):
            total = totals.setdefault(key, [0] * width)
            seen = citizens.setdefault(key, [set() for _ in range(width)])
            for i, value in enumerate(counts):
                total[i] += int(value or 0)
                if value:
                    seen[i].add(citizen_id)
    return {key: (totals[key], [len(c) for c in citizens[key]]) for key in totals}


def _agreement_keys(session: Session) -> list[str]:
    return [OVERALL, *department_names(session), NO_DEPARTMENT]

