"""Overblik: how fast the system acts, per department and overall, in aggregates.

Who sees it: leaders (UserAccount.is_leader, granted by an administrator) and administrators;
build_overview refuses everyone else (checked against the database, not only the session).
The one list with text, the unmet needs, lists a need (its text and the citizen's name) ONLY
to a viewer with an active team membership on that citizen (administrators included: being
able to open every record is not a reason to show free text on a leaders' screen); of the
others the viewer sees how many there are. One audit row per view, without citizen ids.

The small-number rule (small_number, applied by hide_small_numbers to every figure before it
is shown, cached or exported): a figure about 1-4 citizens is shown as SMALL ("< 5"). "About"
means both the citizens the figure itself counts or is computed from (the citizens behind the
overdue agreements, the medians, the shares, a matrix cell) and the citizens of the row's
department: a department with 1-4 citizens shows "< 5" everywhere, and so do its row and
column in the matrix. A figure about no citizen at all (0, or nothing to compute) is shown.
Not covered: a hidden figure that can be worked out as the difference of two shown ones.

Decisions, each tested in tests/models/test_overview.py on a hand-built case:
- A department "has" a citizen while one of its professionals is active in the citizen's
  network (Person.kind == "professional", removed_on is NULL). That is the denominator for
  per-citizen figures and the citizens x departments matrix.
- An agreement belongs to its owner's department; the citizen's own agreements (and owners
  without a department) are counted under NO_DEPARTMENT. The OVERALL row counts everything.
- Snapshot figures (open/overdue agreements, consents, the matrix) are as of `on` (today);
  flow figures (done, due, owner changes, meetings, scores, unmet needs) count what happened in
  the period (both days included, Copenhagen dates).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import BigInteger, and_, case, cast, func, literal, or_
from sqlmodel import Session, col, select

from models.access import Actor, refuse, write_audit
from models.consent import ConsentStatus, consent_status
from models.db import session_scope, url_of
from models.errors import UserError
from models.formatting import local
from models.overview_sql import (
    _LATE_UTC_HOUR,
    _count,
    _day_number,
    _own_citizen,
    _owner_departments,
    _score_key,
    _score_of,
    _utc_day_number,
    _utc_hour,
)
from models.tables import (
    COPENHAGEN,
    OPEN_ACTION_STATUSES,
    Action,
    ActionEvent,
    Citizen,
    Consent,
    Department,
    GoalScore,
    Meeting,
    Person,
    TeamMembership,
    UnmetNeed,
    UserAccount,
    today,
)

OVERALL = "*"  # the row for all departments together
NO_DEPARTMENT = "-"  # agreements the citizen carries, or owners without a department
CONSENT_WARNING_DAYS = 30
NEEDS_ON_SCREEN = 50  # the leaders' page lists the oldest unanswered needs; Excel has them all
MIN_CITIZENS = 5  # the small-number rule: fewer citizens than this behind a figure hides it
SMALL = "< 5"  # what a hidden figure shows instead (the same in every language)

V = TypeVar("V")


def small_number(value: V, *citizens: int | None) -> V | str:
    """THE small-number rule: `value` unless any of `citizens` (the citizens the figure is about:
    its own, its department's) is 1-4; then SMALL. None: not known (the rule was applied)."""
    return SMALL if any(n is not None and 0 < n < MIN_CITIZENS for n in citizens) else value


def may_see_overview(actor: Actor) -> bool:
    """Overblik is for leaders and administrators."""
    return actor.role in ("admin", "staff") and (actor.is_admin or actor.is_leader)


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


def _median(distribution: dict[int, int]) -> float | None:
    """The median of a multiset given as value -> how many times (statistics.median's answer)."""
    size = sum(distribution.values())
    if not size:
        return None
    wanted = ((size - 1) // 2, size // 2)  # the middle position(s), 0-based
    found: list[int] = []
    seen = 0
    for value in sorted(distribution):
        seen += distribution[value]
        while len(found) < 2 and wanted[len(found)] < seen:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


# --- Figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadRow:
    department: str
    open_actions: int | str  # str: SMALL (so every figure below)
    overdue_actions: int | str
    open_citizens: int | None = None  # the citizens behind the figure (None once the rule applied)
    overdue_citizens: int | None = None


@_lookups_shared
def agreement_load(*, session: Session, on: date | None = None) -> list[LoadRow]:
    """Open and overdue (date before `on`) agreements now, per owner's department and overall."""
    day = on or today()
    per_owner = (
        select(col(Action.owner_person_id).label("owner"), _own_citizen(), func.count().label("n"),
               _count(col(Action.due_on) < day).label("overdue"))
        .where(col(Action.status).in_(OPEN_ACTION_STATUSES))
        .group_by(Action.owner_person_id, _own_citizen())
        .subquery("per_owner")
    )  # fmt: skip
    rows = session.execute(_owner_departments(per_owner, per_owner.c.n, per_owner.c.overdue)).all()
    counts = _by_department(session, rows, 2)
    return [LoadRow(k, v[0], v[1], c[0], c[1]) for k, (v, c) in counts.items()]


@dataclass(frozen=True)
class MedianRow:
    department: str
    done: int | str
    median_days: float | str | None  # None: nothing was done in the period
    citizens: int | None = None  # the citizens whose agreements were done


@_lookups_shared
def median_days_to_done(*, session: Session, period: Period) -> list[MedianRow]:
    """Median days from agreement (created_at, Copenhagen date) to done, for agreements done in
    the period, per owner's department and overall.

    SQL returns the distribution (department, days, how many), not the agreements; the median
    of a distribution is read off in Python. See _LATE_UTC_HOUR for the Copenhagen date.
    """
    late, days = done_days()
    rows = session.execute(
        select(Person.department_id, days, late, func.count())
        .select_from(Action)
        .outerjoin(Person, col(Person.id) == Action.owner_person_id)
        .where(
            Action.status == "done",
            col(Action.done_on) >= period.start,
            col(Action.done_on) <= period.end,
        )
        .group_by(Person.department_id, days, late)
    ).all()
    distributions: dict[str, dict[int, int]] = {key: defaultdict(int) for key in _agreement_keys(session)}
    names = dict(_departments(session))
    for department_id, utc_days, created_at, n in rows:
        elapsed = days_to_done(utc_days, created_at)
        for key in (OVERALL, names.get(department_id, NO_DEPARTMENT)):
            distributions.setdefault(key, defaultdict(int))[elapsed] += n
    # Whose agreements they were (for the small-number rule): one row per department and citizen.
    pairs = session.execute(
        select(Person.department_id, Action.citizen_id, func.count())
        .select_from(Action)
        .outerjoin(Person, col(Person.id) == Action.owner_person_id)
        .where(Action.status == "done", col(Action.done_on) >= period.start,
               col(Action.done_on) <= period.end)
        .group_by(col(Person.department_id), col(Action.citizen_id))
    ).all()
    citizens = _by_department(session, pairs, 1)
    return [
        MedianRow(k, sum(d.values()), _median(d), citizens.get(k, ([0], [0]))[1][0])
        for k, d in distributions.items()
    ]


def done_days() -> tuple[Any, Any]:
    """(late, days): an agreement's created_at when it is from _LATE_UTC_HOUR UTC on (else NULL),
    and the UTC days from created_at to done_on; days_to_done makes them Copenhagen days."""
    late = case((_utc_hour(Action.created_at) >= _LATE_UTC_HOUR, Action.created_at), else_=None)
    days = _day_number(Action.done_on) - _utc_day_number(Action.created_at)
    return late.label("late"), days.label("days")


def days_to_done(utc_days: int, late: datetime | None) -> int:
    elapsed = int(utc_days)
    if late is not None:  # from 22:00 UTC: maybe already the next day in Copenhagen
        elapsed -= (local(late).date() - _as_utc(late).date()).days
    return max(0, elapsed)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class OnTimeRow:
    department: str
    due: int | str  # agreements whose date fell in the period and has passed (dropped ones left out)
    on_time: int | str  # of those, done on or before their date
    share: float | str | None  # on_time / due; None when nothing was due
    due_citizens: int | None = None
    on_time_citizens: int | None = None


@_lookups_shared
def share_done_on_time(*, session: Session, period: Period, on: date | None = None) -> list[OnTimeRow]:
    """Of the agreements due in the period (and before `on`), how many were done by their date."""
    day = on or today()
    last = min(period.end, day - timedelta(days=1))
    in_time = and_(
        Action.status == "done", col(Action.done_on).is_not(None), col(Action.done_on) <= col(Action.due_on)
    )
    per_owner = (
        select(col(Action.owner_person_id).label("owner"), _own_citizen(), func.count().label("due"),
               _count(in_time).label("on_time"))
        .where(
            Action.status != "cancelled",
            col(Action.due_on) >= period.start,
            col(Action.due_on) <= last,
        )
        .group_by(Action.owner_person_id, _own_citizen())
        .subquery("per_owner")
    )  # fmt: skip
    rows = session.execute(_owner_departments(per_owner, per_owner.c.due, per_owner.c.on_time)).all()
    counts = _by_department(session, rows, 2)
    return [OnTimeRow(k, d, t, (t / d) if d else None, dc, tc) for k, ((d, t), (dc, tc)) in counts.items()]


@dataclass(frozen=True)
class OwnerChangeRow:
    department: str
    changes: int | str  # owner changes in the period, by the department that handed the agreement on
    citizens: int | str  # citizens the department has (OVERALL: every citizen)
    per_citizen: float | str | None
    change_citizens: int | None = None  # the citizens whose agreements changed owner


_PERSON_PREFIX = "person:"


@_lookups_shared
def owner_changes_per_citizen(
    *, session: Session, period: Period, on: date | None = None
) -> list[OwnerChangeRow]:
    """Owner changes ("owner_changed" events) in the period, per citizen.

    A change counts for the department of the person who handed the agreement on (from_value
    "person:<id>"); handed on by the citizen or a person without a department: NO_DEPARTMENT.
    """
    first, after = period.utc_bounds
    rows = session.execute(
        select(Person.department_id, Action.citizen_id, func.count())
        .select_from(ActionEvent)
        .join(Action, col(Action.id) == ActionEvent.action_id)
        .outerjoin(Person, col(Person.id) == handed_on_by())
        .where(ActionEvent.kind == "owner_changed", col(ActionEvent.at) >= first, col(ActionEvent.at) < after)
        .group_by(col(Person.department_id), col(Action.citizen_id))
    ).all()
    changes = _by_department(session, rows, 1)
    citizens = _citizen_figures(session, period, on or today()).figures
    result = []
    for key, ((count,), (changed,)) in changes.items():
        n = citizens[OVERALL if key == NO_DEPARTMENT else key].citizens  # the citizen's own: everyone
        result.append(OwnerChangeRow(key, count, n, (count / n) if n else None, changed))
    return result


def handed_on_by() -> Any:
    """The person id in an owner change's from_value ("person:<id>"), else NULL."""
    digits = func.substr(ActionEvent.from_value, len(_PERSON_PREFIX) + 1)
    # Only "person:" followed by 1-18 digits is read as a person id (anything else would make
    # PostgreSQL's CAST fail): the rest after trimming every digit must be empty.
    return case(
        (
            and_(
                col(ActionEvent.from_value).startswith(_PERSON_PREFIX, autoescape=True),
                func.length(ActionEvent.from_value).between(
                    len(_PERSON_PREFIX) + 1, len(_PERSON_PREFIX) + 18
                ),
                func.length(func.trim(digits, "0123456789")) == 0,
            ),
            cast(digits, BigInteger),
        ),
        else_=None,
    )


@dataclass(frozen=True)
class MeetingRow:
    department: str
    citizens: int | str
    held: int | str  # meetings held in the period with these citizens
    per_citizen_per_year: float | str | None  # held / citizens, scaled to 365 days
    cadence_per_year: float | str | None  # what the citizens' cadences ask for (their mean)
    held_citizens: int | None = None  # the citizens who had a meeting held


@_lookups_shared
def meetings_against_cadence(*, session: Session, period: Period, on: date | None = None) -> list[MeetingRow]:
    """Meetings held per citizen per year in the period, against the citizens' own cadence."""
    figures = _citizen_figures(session, period, on or today()).figures
    scale = 365 / period.days
    rows = []
    for key, f in figures.items():  # OVERALL, then every department (_by_department_set)
        n = f.citizens
        rows.append(
            MeetingRow(
                key,
                n,
                f.held,
                (f.held / n * scale) if n else None,
                (f.cadence / n) if n else None,
                f.held_citizens,
            )
        )
    return rows


@dataclass(frozen=True)
class ConsentRow:
    department: str
    citizens: int | str
    missing: int | str  # no valid consent on the day
    expiring: int | str  # valid, but every valid consent ends within 30 days


def citizen_consent_state(consents: list[tuple[date, date | None, date | None]], *, on: date) -> str:
    """'missing', 'expiring' or 'ok' for one citizen's consents (given, expires, withdrawn).

    The overview counts the same rule in SQL (_load_citizen_figures); the tests hold both to it.
    """
    valid = [
        expires
        for given, expires, withdrawn in consents
        if consent_status(given_on=given, expires_on=expires, withdrawn_on=withdrawn, on=on)
        == ConsentStatus.VALID
    ]
    if not valid:
        return "missing"
    horizon = on + timedelta(days=CONSENT_WARNING_DAYS)
    if all(expires is not None and expires <= horizon for expires in valid):
        return "expiring"
    return "ok"


@_lookups_shared
def consents_missing_or_expiring(
    *, session: Session, on: date | None = None, period: Period | None = None
) -> list[ConsentRow]:
    """Citizens without a valid consent, or whose consent ends within 30 days, on `on`.

    (`period` does not change these figures; build_overview passes it so that this figure and
    the meetings share one statement.)"""
    day = on or today()
    figures = _citizen_figures(session, period or Period(day, day), day).figures
    return [ConsentRow(key, f.citizens, f.missing, f.expiring) for key, f in figures.items()]


@dataclass(frozen=True)
class MatrixCell:
    row: str
    column: str
    citizens: int | str  # citizens both departments have (on the diagonal: the department's citizens)


@_lookups_shared
def department_matrix(
    *, session: Session, on: date | None = None, period: Period | None = None
) -> list[MatrixCell]:
    """How many citizens each pair of departments shares, every pair both ways.

    (Counted from the citizens' department sets; build_overview passes `on` and `period` so that
    the matrix shares that statement with the meetings and consents.)"""
    day = on or today()
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for departments, citizens in _citizen_figures(session, period or Period(day, day), day).sets:
        for a in departments:
            for b in departments:
                shared[a, b] += citizens
    names = department_names(session)
    return [MatrixCell(a, b, shared.get((a, b), 0)) for a in names for b in names]


@dataclass(frozen=True)
class NeedRow:
    """An unmet need of a citizen the viewer is on the team of (no other need is listed)."""

    id: int
    text: str  # the need as written at the meeting (about the system, not the person)
    raised_on: date
    department: str | None
    citizen_id: int | None
    citizen_name: str | None


def _unanswered_in(period: Period) -> Any:
    first, after = period.utc_bounds
    return (
        select(UnmetNeed)
        .join(Meeting, col(Meeting.id) == UnmetNeed.meeting_id)
        .where(
            col(Meeting.starts_at) >= first,
            col(Meeting.starts_at) < after,
            or_(col(UnmetNeed.answer).is_(None), func.trim(UnmetNeed.answer) == ""),
        )
    )


def _own_citizens(actor: Actor) -> Any:
    """The citizens the viewer has an active team membership on (administrators too: only their
    own teams), as a subquery."""
    return select(TeamMembership.citizen_id).where(
        TeamMembership.user_id == actor.user_id, col(TeamMembership.ended_at).is_(None)
    )


def unmet_needs_for_leaders(
    *, session: Session, actor: Actor, period: Period, limit: int | None = None
) -> list[NeedRow]:
    """Unmet needs without an answer, raised at meetings in the period, oldest first (the
    `limit` oldest: those that have waited longest), of the citizens the viewer is on the team
    of. A need's text is free text about a citizen: nobody else's is read at all.
    """
    if actor.user_id is None:
        return []
    rows = session.execute(
        _unanswered_in(period)
        .with_only_columns(  # type: ignore[call-overload]
            UnmetNeed.id, UnmetNeed.text, UnmetNeed.citizen_id, Meeting.starts_at,
            Department.name, col(Citizen.name).label("citizen_name"),
        )
        .join(Citizen, col(Citizen.id) == UnmetNeed.citizen_id)
        .outerjoin(Department, col(Department.id) == UnmetNeed.department_id)
        .where(col(UnmetNeed.citizen_id).in_(_own_citizens(actor)))
        .order_by(Meeting.starts_at, UnmetNeed.position, UnmetNeed.id)
        .limit(limit)
    ).all()  # fmt: skip
    return [
        NeedRow(r.id, r.text, local(r.starts_at).date(), r.name, r.citizen_id, r.citizen_name) for r in rows
    ]


def count_own_unmet_needs(*, session: Session, actor: Actor, period: Period) -> int:
    """How many of unmet_needs_for_leaders there are without a limit."""
    if actor.user_id is None:
        return 0
    stmt = _unanswered_in(period).where(col(UnmetNeed.citizen_id).in_(_own_citizens(actor)))
    return int(session.execute(stmt.with_only_columns(func.count())).scalar_one())


def count_unmet_needs(*, session: Session, period: Period) -> int:
    """How many unmet needs raised in the period still have no answer (every citizen's)."""
    return _count_unmet_needs(session, period)[0]


def _count_unmet_needs(session: Session, period: Period) -> tuple[int, int]:
    """(unanswered needs, the citizens they are about)."""
    about = func.count(func.distinct(UnmetNeed.citizen_id))
    n, citizens = session.execute(_unanswered_in(period).with_only_columns(func.count(), about)).one()
    return int(n), int(citizens)


@dataclass(frozen=True)
class ScoreRow:
    department: str
    goals: int | str  # goals scored at two or more meetings in the period
    up: int | str
    same: int | str
    down: int | str
    mean_change: float | str | None  # latest minus first score in the period, averaged
    citizens: int | None = None  # whose goals they are (all, and for up, same and down)
    up_citizens: int | None = None
    same_citizens: int | None = None
    down_citizens: int | None = None


@_lookups_shared
def score_movement(*, session: Session, period: Period) -> list[ScoreRow]:
    """How the citizens' own 0-10 scores moved in the period: first vs latest score per goal.

    First and latest are min() and max() of _score_key: one grouping pass instead of a window
    function's sort (the window took 300 ms over a year's 66,000 scores on SQLite).
    """
    scored = scored_goals(period).subquery("scored")
    moved = select(scored.c.citizen_id, score_change(scored).label("change")).subquery("moved")
    sets = _department_sets(session)
    masks = _mask_columns(sets)
    def citizens_where(condition: Any) -> Any:  # a citizen has one department set: these add up
        return func.count(func.distinct(case((condition, moved.c.citizen_id), else_=None)))

    rows = session.execute(
        select(*masks, func.count(), _count(moved.c.change > 0), _count(moved.c.change == 0),
               _count(moved.c.change < 0), func.sum(moved.c.change),
               func.count(func.distinct(moved.c.citizen_id)), citizens_where(moved.c.change > 0),
               citizens_where(moved.c.change == 0), citizens_where(moved.c.change < 0))
        .select_from(moved)
        .outerjoin(sets, sets.c.citizen_id == moved.c.citizen_id)
        .group_by(*masks)
    ).all()  # fmt: skip
    totals = _by_department_set(session, rows, 9)
    return [
        ScoreRow(key, n, up, same, down, (total / n) if n else None, *citizens)
        for key, (n, up, same, down, total, *citizens) in totals.items()
    ]


def scored_goals(period: Period) -> Any:
    """(citizen_id, first, latest) per goal scored at two or more meetings in the period
    (_score_key values: score_change gives latest minus first)."""
    first, after = period.utc_bounds
    key = _score_key(Meeting.starts_at, GoalScore.score)
    return (
        select(
            func.min(Meeting.citizen_id).label("citizen_id"),  # a goal's meetings are its citizen's
            func.min(key).label("first"),
            func.max(key).label("latest"),
        )
        .select_from(Meeting)
        .join(GoalScore, col(GoalScore.meeting_id) == Meeting.id)
        .where(col(Meeting.starts_at) >= first, col(Meeting.starts_at) < after)
        .group_by(GoalScore.goal_id)
        .having(func.count() >= 2)
    )


def score_change(scored: Any) -> Any:
    """Latest minus first score of a scored_goals() subquery's row."""
    return _score_of(scored.c.latest) - _score_of(scored.c.first)


# --- The whole page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Every count on the leaders' page: per department, no names and no text (safe to cache)."""

    period: Period
    on: date
    load: list[LoadRow]
    median_days: list[MedianRow]
    on_time: list[OnTimeRow]
    owner_changes: list[OwnerChangeRow]
    meetings: list[MeetingRow]
    consents: list[ConsentRow]
    matrix: list[MatrixCell]
    scores: list[ScoreRow]
    needs_total: int | str  # unmet needs raised in the period and not answered (how many, not which)
    needs_citizens: int | None = field(default=None, kw_only=True)  # the citizens they are about
    # True once hide_small_numbers has run: only such figures are shown, cached or exported.
    small_numbers_hidden: bool = field(default=False, kw_only=True)


@dataclass(frozen=True)
class Overview(Figures):
    """The figures and, for this viewer, the unmet needs of the citizens on their own teams."""

    needs: list[NeedRow]  # the oldest `needs_limit` of them (all, without a limit)
    needs_own_total: int = 0  # how many of the needs are of the viewer's own citizens


def hide_small_numbers(figures: Figures) -> Figures:
    """Every figure through small_number: with the citizens it is about and its department's.

    The department's citizens are the meetings figure's `citizens` (NO_DEPARTMENT, the citizens'
    own agreements: every citizen). Computed figures (medians, shares, means, per citizen) are
    hidden whenever a figure they are computed from is. The counts of citizens behind each
    figure are dropped (None): what is kept, cached or shown holds no number below five.
    """
    if figures.small_numbers_hidden:
        return figures
    population = {r.department: int(r.citizens) for r in figures.meetings}

    def people(department: str) -> int:
        return population.get(OVERALL if department == NO_DEPARTMENT else department, 0)

    def hide(value: V, department: str, *citizens: int | None) -> V | str:
        return small_number(value, people(department), *citizens)

    load = [
        LoadRow(r.department, hide(r.open_actions, r.department, r.open_citizens),
                hide(r.overdue_actions, r.department, r.overdue_citizens))
        for r in figures.load
    ]  # fmt: skip
    median_days = [
        MedianRow(r.department, hide(r.done, r.department, r.citizens),
                  hide(r.median_days, r.department, r.citizens))
        for r in figures.median_days
    ]  # fmt: skip
    on_time = [
        OnTimeRow(r.department, hide(r.due, r.department, r.due_citizens),
                  hide(r.on_time, r.department, r.on_time_citizens),
                  hide(r.share, r.department, r.due_citizens, r.on_time_citizens))
        for r in figures.on_time
    ]  # fmt: skip
    owner_changes = [
        OwnerChangeRow(r.department, hide(r.changes, r.department, r.change_citizens),
                       hide(r.citizens, r.department), hide(r.per_citizen, r.department, r.change_citizens))
        for r in figures.owner_changes
    ]  # fmt: skip
    meetings = [
        MeetingRow(r.department, hide(r.citizens, r.department), hide(r.held, r.department, r.held_citizens),
                   hide(r.per_citizen_per_year, r.department, r.held_citizens),
                   hide(r.cadence_per_year, r.department))
        for r in figures.meetings
    ]  # fmt: skip
    consents = [
        ConsentRow(r.department, hide(r.citizens, r.department), hide(r.missing, r.department, _n(r.missing)),
                   hide(r.expiring, r.department, _n(r.expiring)))
        for r in figures.consents
    ]  # fmt: skip
    matrix = [
        MatrixCell(c.row, c.column, small_number(c.citizens, _n(c.citizens), people(c.row), people(c.column)))
        for c in figures.matrix
    ]
    scores = [
        ScoreRow(r.department, hide(r.goals, r.department, r.citizens),
                 hide(r.up, r.department, r.up_citizens),
                 hide(r.same, r.department, r.same_citizens), hide(r.down, r.department, r.down_citizens),
                 hide(r.mean_change, r.department, r.citizens))
        for r in figures.scores
    ]  # fmt: skip
    return replace(
        figures, load=load, median_days=median_days, on_time=on_time, owner_changes=owner_changes,
        meetings=meetings, consents=consents, matrix=matrix, scores=scores,
        needs_total=small_number(figures.needs_total, figures.needs_citizens), needs_citizens=None,
        small_numbers_hidden=True,
    )  # fmt: skip


def _n(count: int | str) -> int | None:
    """A count that is itself a number of citizens (None once hidden)."""
    return count if isinstance(count, int) else None


def _may_see_overview_now(session: Session, actor: Actor) -> bool:
    """may_see_overview for the account as it is in the database now (the permission may have
    been withdrawn since the actor was built, e.g. before a download's click)."""
    if actor.user_id is None or actor.role == "citizen_link":
        return False
    user = session.get(UserAccount, actor.user_id)
    return user is not None and user.is_active and may_see_overview(Actor.from_user(user))


def build_overview(
    *,
    session: Session,
    actor: Actor,
    period: Period,
    on: date | None = None,
    figures: Figures | None = None,
    needs_limit: int | None = None,
) -> Overview:
    """The leaders' page, audited as one "overview.read" row (no citizen id); refused (and the
    refusal audited) for anyone but a leader or an administrator.

    `figures` computed a moment ago for the same period and day (the page caches them for a
    minute) are used as they are, small numbers hidden; the unmet needs are always read now,
    for this viewer (the `needs_limit` oldest on screen; the Excel file has them all).
    """
    if not _may_see_overview_now(session, actor):
        refuse(session, actor=actor, citizen_id=None, action="overview.read",
               error=UserError("overview_access.leaders_only"))  # fmt: skip
    day = on or today()
    if figures is not None and (figures.period, figures.on) != (period, day):
        raise ValueError("figures for another period or day")
    write_audit(session, actor=actor, action="overview.read")
    figures = hide_small_numbers(figures or overview_figures(session=session, period=period, on=day))
    needs = unmet_needs_for_leaders(session=session, actor=actor, period=period, limit=needs_limit)
    own_total = (
        len(needs) if needs_limit is None or len(needs) < needs_limit
        else count_own_unmet_needs(session=session, actor=actor, period=period)
    )  # fmt: skip
    counts = {f.name: getattr(figures, f.name) for f in fields(Figures)}
    return Overview(**counts, needs=needs, needs_own_total=own_total)


def overview_figures(*, session: Session, period: Period, on: date | None = None) -> Figures:
    """Every count, small numbers hidden (hide_small_numbers), counted afresh."""
    return hide_small_numbers(counted_figures(session=session, period=period, on=on))


def counted_figures(*, session: Session, period: Period, on: date | None = None) -> Figures:
    """Every count counted afresh, before the small-number rule (with the citizens behind each),
    in two halves at once: the agreements' figures on a second connection.

    The halves read different tables and each takes about half the time; on two cores (the
    smallest server we run on) the page waits for the slower half, not for both. The second
    half may see a commit the first did not: the figures are a dashboard, not a ledger.
    """
    day = on or today()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="overview") as pool:
        agreements = pool.submit(_agreement_figures, url_of(session), period, day)
        people = _people_figures(session=session, period=period, day=day)
        load, median_days, on_time = agreements.result()
    needs_total, needs_citizens = people.pop("needs")
    return Figures(period=period, on=day, load=load, median_days=median_days, on_time=on_time,
                   needs_total=needs_total, needs_citizens=needs_citizens, **people)  # fmt: skip


def _agreement_figures(
    url: str, period: Period, day: date
) -> tuple[list[LoadRow], list[MedianRow], list[OnTimeRow]]:
    with session_scope(url=url) as session:
        return _agreement_half(session=session, period=period, day=day)


@_lookups_shared
def _agreement_half(
    *, session: Session, period: Period, day: date
) -> tuple[list[LoadRow], list[MedianRow], list[OnTimeRow]]:
    return (
        agreement_load(session=session, on=day),
        median_days_to_done(session=session, period=period),
        share_done_on_time(session=session, period=period, on=day),
    )


@_lookups_shared
def _people_figures(*, session: Session, period: Period, day: date) -> dict[str, Any]:
    return {
        "owner_changes": owner_changes_per_citizen(session=session, period=period, on=day),
        "meetings": meetings_against_cadence(session=session, period=period, on=day),
        "consents": consents_missing_or_expiring(session=session, on=day, period=period),
        "matrix": department_matrix(session=session, on=day, period=period),
        "scores": score_movement(session=session, period=period),
        "needs": _count_unmet_needs(session, period),
    }
