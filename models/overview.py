"""Overblik: how fast the system acts, per department and overall, in aggregates.

Who sees it: every logged-in user (administrator or staff) sees the aggregates; they hold no
names and no free text about a citizen. The one list with text, the unmet needs for the
leadership group, shows the need's text and a citizen's name ONLY to a viewer with an active
team membership on that citizen (administrators included: being able to open every record is
not a reason to show names on a leaders' screen). One audit row per view, without citizen ids.

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

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Integer, and_, case, cast, func, literal, or_, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from models.access import Actor, write_audit
from models.consent import ConsentStatus, consent_status
from models.formatting import local
from models.tables import (
    COPENHAGEN,
    OPEN_ACTION_STATUSES,
    Action,
    ActionEvent,
    Citizen,
    Consent,
    Department,
    Goal,
    GoalScore,
    Meeting,
    Person,
    TeamMembership,
    UnmetNeed,
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
    return f"CAST(julianday(date({compiler.process(element.clauses, **kw)})) AS INTEGER)"


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
    return f"CAST(julianday(date({compiler.process(element.clauses, **kw)})) AS INTEGER)"


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
    return f"CAST(strftime('%H', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


# Copenhagen is UTC+1 or UTC+2: a moment's Copenhagen date is its UTC date, except from 22:00
# or 23:00 UTC on, when it is the next day. Moments from 22:00 UTC are therefore returned one
# by one (they are rare: agreements made between midnight and 02:00 Danish time) and dated in
# Python with the real time-zone rules; all others are counted by their UTC date in SQL.
_LATE_UTC_HOUR = 22


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _owner_department() -> Any:
    """Action -> its owner's department name (NULL: the citizen, or an owner without one)."""
    return (
        select(Action)
        .outerjoin(Person, col(Person.id) == Action.owner_person_id)
        .outerjoin(Department, col(Department.id) == Person.department_id)
    )


def _involvement_cte() -> Any:
    """(citizen_id, name): each department with an active professional in the citizen's network."""
    return (
        select(col(Person.citizen_id).label("citizen_id"), col(Department.name).label("name"))
        .join(Department, col(Department.id) == Person.department_id)
        .where(Person.kind == "professional", col(Person.removed_on).is_(None))
        .distinct()
        .cte("involvement")
    )


# --- Shared lookups (one query each) --------------------------------------------------------


_LOOKUPS = "samplan_overview_lookups"
T = TypeVar("T")


def _shared(session: Session, name: object, load: Callable[[], T]) -> T:
    """Within build_overview the figures share each lookup (one query, not one per figure)."""
    memo = session.info.get(_LOOKUPS)
    if memo is None:
        return load()
    if name not in memo:
        memo[name] = load()
    return memo[name]  # type: ignore[no-any-return]


def department_names(session: Session) -> list[str]:
    """Every department, so a department with nothing to count still shows a row of zeros."""
    return _shared(
        session,
        "departments",
        lambda: list(session.execute(select(Department.name).order_by(Department.name)).scalars()),
    )


@dataclass(frozen=True)
class _CitizenFigures:
    citizens: int
    cadence: int  # the sum of the citizens' meetings_per_year
    held: int  # meetings held in the period
    missing: int  # citizens without a valid consent on the day
    expiring: int  # citizens whose every valid consent ends within CONSENT_WARNING_DAYS


def _citizen_figures(session: Session, period: Period, day: date) -> dict[str, _CitizenFigures]:
    """OVERALL (every citizen) and each department with citizens -> the per-citizen figures."""
    return _shared(session, ("citizens", period, day), lambda: _load_citizen_figures(session, period, day))


def _load_citizen_figures(session: Session, period: Period, day: date) -> dict[str, _CitizenFigures]:
    first, after = period.utc_bounds
    horizon = day + timedelta(days=CONSENT_WARNING_DAYS)
    held = (
        select(col(Meeting.citizen_id).label("citizen_id"), func.count().label("n"))
        .where(Meeting.status == "held", col(Meeting.starts_at) >= first, col(Meeting.starts_at) < after)
        .group_by(Meeting.citizen_id)
        .cte("held")
    )
    # The same rule as models.consent.consent_status(...) == VALID, and citizen_consent_state.
    valid = (
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
        .cte("valid_consent")
    )
    per = (
        select(
            col(Citizen.id).label("id"),
            col(Citizen.meetings_per_year).label("cadence"),
            func.coalesce(held.c.n, 0).label("held"),
            case((valid.c.citizen_id.is_(None), 1), else_=0).label("missing"),
            case((valid.c.lasting == 0, 1), else_=0).label("expiring"),
        )
        .outerjoin(held, held.c.citizen_id == Citizen.id)
        .outerjoin(valid, valid.c.citizen_id == Citizen.id)
        .cte("per_citizen")
    )
    inv = _involvement_cte()

    def figures(key: Any) -> Any:
        return select(key, func.count(), func.sum(per.c.cadence), func.sum(per.c.held),
                      func.sum(per.c.missing), func.sum(per.c.expiring))  # fmt: skip

    statement = union_all(
        figures(literal(OVERALL)).select_from(per),
        figures(inv.c.name).select_from(per).join(inv, inv.c.citizen_id == per.c.id).group_by(inv.c.name),
    )
    return {
        key: _CitizenFigures(
            int(n), int(cadence or 0), int(held_ or 0), int(missing or 0), int(expiring or 0)
        )
        for key, n, cadence, held_, missing, expiring in session.execute(statement).all()
    }


def _by_department(rows: Iterable[Any], keys: Iterable[str], width: int) -> dict[str, list[int]]:
    """Rows (department name or NULL, *counts) summed per key; OVERALL is the sum of all rows."""
    totals = {key: [0] * width for key in keys}
    for department, *counts in rows:
        for key in (OVERALL, department or NO_DEPARTMENT):
            total = totals.setdefault(key, [0] * width)
            for i, value in enumerate(counts):
                total[i] += int(value or 0)
    return totals


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
    open_actions: int
    overdue_actions: int


def agreement_load(*, session: Session, on: date | None = None) -> list[LoadRow]:
    """Open and overdue (date before `on`) agreements now, per owner's department and overall."""
    day = on or today()
    rows = session.execute(
        _owner_department()
        .with_only_columns(Department.name, func.count(), _count(col(Action.due_on) < day))
        .where(col(Action.status).in_(OPEN_ACTION_STATUSES))
        .group_by(Department.name)
    ).all()
    counts = _by_department(rows, _agreement_keys(session), 2)
    return [LoadRow(k, v[0], v[1]) for k, v in counts.items()]


@dataclass(frozen=True)
class MedianRow:
    department: str
    done: int
    median_days: float | None  # None: nothing was done in the period


def median_days_to_done(*, session: Session, period: Period) -> list[MedianRow]:
    """Median days from agreement (created_at, Copenhagen date) to done, for agreements done in
    the period, per owner's department and overall.

    SQL returns the distribution (department, days, how many), not the agreements; the median
    of a distribution is read off in Python. See _LATE_UTC_HOUR for the Copenhagen date.
    """
    late = case((_utc_hour(Action.created_at) >= _LATE_UTC_HOUR, Action.created_at), else_=None)
    days = (_day_number(Action.done_on) - _utc_day_number(Action.created_at)).label("days")
    rows = session.execute(
        _owner_department()
        .with_only_columns(Department.name, days, late.label("late"), func.count())
        .where(
            Action.status == "done",
            col(Action.done_on) >= period.start,
            col(Action.done_on) <= period.end,
        )
        .group_by(Department.name, days, late)
    ).all()
    distributions: dict[str, dict[int, int]] = {key: defaultdict(int) for key in _agreement_keys(session)}
    for department, utc_days, created_at, n in rows:
        elapsed = int(utc_days)
        if created_at is not None:  # from 22:00 UTC: maybe already the next day in Copenhagen
            elapsed -= (local(created_at).date() - _as_utc(created_at).date()).days
        for key in (OVERALL, department or NO_DEPARTMENT):
            distributions.setdefault(key, defaultdict(int))[max(0, elapsed)] += n
    return [MedianRow(k, sum(d.values()), _median(d)) for k, d in distributions.items()]


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class OnTimeRow:
    department: str
    due: int  # agreements whose date fell in the period and has passed (dropped ones left out)
    on_time: int  # of those, done on or before their date
    share: float | None  # on_time / due; None when nothing was due


def share_done_on_time(*, session: Session, period: Period, on: date | None = None) -> list[OnTimeRow]:
    """Of the agreements due in the period (and before `on`), how many were done by their date."""
    day = on or today()
    last = min(period.end, day - timedelta(days=1))
    in_time = and_(
        Action.status == "done", col(Action.done_on).is_not(None), col(Action.done_on) <= col(Action.due_on)
    )
    rows = session.execute(
        _owner_department()
        .with_only_columns(Department.name, func.count(), _count(in_time))
        .where(
            Action.status != "cancelled",
            col(Action.due_on) >= period.start,
            col(Action.due_on) <= last,
        )
        .group_by(Department.name)
    ).all()
    counts = _by_department(rows, _agreement_keys(session), 2)
    return [OnTimeRow(k, d, t, (t / d) if d else None) for k, (d, t) in counts.items()]


@dataclass(frozen=True)
class OwnerChangeRow:
    department: str
    changes: int  # owner changes in the period, by the department that handed the agreement on
    citizens: int  # citizens the department has (OVERALL: every citizen)
    per_citizen: float | None


_PERSON_PREFIX = "person:"


def owner_changes_per_citizen(
    *, session: Session, period: Period, on: date | None = None
) -> list[OwnerChangeRow]:
    """Owner changes ("owner_changed" events) in the period, per citizen.

    A change counts for the department of the person who handed the agreement on (from_value
    "person:<id>"); handed on by the citizen or a person without a department: NO_DEPARTMENT.
    """
    first, after = period.utc_bounds
    digits = func.substr(ActionEvent.from_value, len(_PERSON_PREFIX) + 1)
    # Only "person:" followed by 1-18 digits is read as a person id (anything else would make
    # PostgreSQL's CAST fail): the rest after trimming every digit must be empty.
    person_id = case(
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
    rows = session.execute(
        select(Department.name, func.count())
        .select_from(ActionEvent)
        .outerjoin(Person, col(Person.id) == person_id)
        .outerjoin(Department, col(Department.id) == Person.department_id)
        .where(ActionEvent.kind == "owner_changed", col(ActionEvent.at) >= first, col(ActionEvent.at) < after)
        .group_by(Department.name)
    ).all()
    changes = {key: n for key, (n,) in _by_department(rows, _agreement_keys(session), 1).items()}
    citizens = _citizen_figures(session, period, on or today())
    everyone = citizens[OVERALL].citizens if OVERALL in citizens else 0
    result = []
    for key, count in changes.items():
        n = (
            everyone
            if key in (OVERALL, NO_DEPARTMENT)
            else (citizens[key].citizens if key in citizens else 0)
        )
        result.append(OwnerChangeRow(key, count, n, (count / n) if n else None))
    return result


@dataclass(frozen=True)
class MeetingRow:
    department: str
    citizens: int
    held: int  # meetings held in the period with these citizens
    per_citizen_per_year: float | None  # held / citizens, scaled to 365 days
    cadence_per_year: float | None  # what the citizens' cadences ask for (their mean)


def meetings_against_cadence(*, session: Session, period: Period, on: date | None = None) -> list[MeetingRow]:
    """Meetings held per citizen per year in the period, against the citizens' own cadence."""
    figures = _citizen_figures(session, period, on or today())
    scale = 365 / period.days
    rows = []
    for key in (OVERALL, *department_names(session)):
        f = figures.get(key) or _NOBODY
        n = f.citizens
        rows.append(
            MeetingRow(
                key,
                n,
                f.held,
                (f.held / n * scale) if n else None,
                (f.cadence / n) if n else None,
            )
        )
    return rows


_NOBODY = _CitizenFigures(0, 0, 0, 0, 0)


@dataclass(frozen=True)
class ConsentRow:
    department: str
    citizens: int
    missing: int  # no valid consent on the day
    expiring: int  # valid, but every valid consent ends within 30 days


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


def consents_missing_or_expiring(
    *, session: Session, on: date | None = None, period: Period | None = None
) -> list[ConsentRow]:
    """Citizens without a valid consent, or whose consent ends within 30 days, on `on`.

    (`period` does not change these figures; build_overview passes it so that this figure and
    the meetings share one statement.)"""
    day = on or today()
    figures = _citizen_figures(session, period or Period(day, day), day)
    return [
        ConsentRow(key, f.citizens, f.missing, f.expiring)
        for key in (OVERALL, *department_names(session))
        for f in (figures.get(key) or _NOBODY,)
    ]


@dataclass(frozen=True)
class MatrixCell:
    row: str
    column: str
    citizens: int  # citizens both departments have (on the diagonal: the department's citizens)


def department_matrix(*, session: Session) -> list[MatrixCell]:
    """How many citizens each pair of departments shares, every pair both ways."""
    names = department_names(session)
    inv = _involvement_cte()
    other = inv.alias("other")
    shared = {
        (a, b): n
        for a, b, n in session.execute(
            select(inv.c.name, other.c.name, func.count())
            .join(other, other.c.citizen_id == inv.c.citizen_id)
            .group_by(inv.c.name, other.c.name)
        ).all()
    }
    return [MatrixCell(a, b, shared.get((a, b), 0)) for a in names for b in names]


@dataclass(frozen=True)
class NeedRow:
    id: int
    text: str  # the need as written at the meeting (about the system, not the person)
    raised_on: date
    department: str | None
    citizen_id: int | None  # only when the viewer is on the citizen's team
    citizen_name: str | None  # idem


def unmet_needs_for_leaders(*, session: Session, actor: Actor, period: Period) -> list[NeedRow]:
    """Unmet needs without an answer, raised at meetings in the period, oldest first.

    A citizen's name is filled in only for a viewer with an active team membership on them.
    """
    first, after = period.utc_bounds
    own = set(
        session.execute(
            select(TeamMembership.citizen_id).where(
                TeamMembership.user_id == actor.user_id, col(TeamMembership.ended_at).is_(None)
            )
        ).scalars()
    ) if actor.user_id is not None else set()  # fmt: skip
    rows = session.execute(
        select(  # type: ignore[call-overload]
            UnmetNeed.id, UnmetNeed.text, UnmetNeed.answer, UnmetNeed.citizen_id, Meeting.starts_at,
            Department.name, col(Citizen.name).label("citizen_name"),
        )
        .join(Meeting, col(Meeting.id) == UnmetNeed.meeting_id)
        .join(Citizen, col(Citizen.id) == UnmetNeed.citizen_id)
        .outerjoin(Department, col(Department.id) == UnmetNeed.department_id)
        .where(col(Meeting.starts_at) >= first, col(Meeting.starts_at) < after)
        .order_by(Meeting.starts_at, UnmetNeed.position, UnmetNeed.id)
    ).all()  # fmt: skip
    return [
        NeedRow(
            r.id,
            r.text,
            local(r.starts_at).date(),
            r.name,
            r.citizen_id if r.citizen_id in own else None,
            r.citizen_name if r.citizen_id in own else None,
        )
        for r in rows
        if not (r.answer or "").strip()
    ]


@dataclass(frozen=True)
class ScoreRow:
    department: str
    goals: int  # goals scored at two or more meetings in the period
    up: int
    same: int
    down: int
    mean_change: float | None  # latest minus first score in the period, averaged


def score_movement(*, session: Session, period: Period) -> list[ScoreRow]:
    """How the citizens' own 0-10 scores moved in the period: first vs latest score per goal."""
    first, after = period.utc_bounds
    # One window (one sort): each score's place in its goal's period, and how many there are.
    ranked = (
        select(
            col(GoalScore.goal_id).label("goal_id"),
            col(Goal.citizen_id).label("citizen_id"),
            col(GoalScore.score).label("score"),
            func.row_number()
            .over(partition_by=GoalScore.goal_id, order_by=(col(Meeting.starts_at), col(GoalScore.id)))
            .label("place"),
            func.count()
            .over(partition_by=GoalScore.goal_id, order_by=(col(Meeting.starts_at), col(GoalScore.id)),
                  rows=(None, None))
            .label("scored"),
        )
        .join(Goal, col(Goal.id) == GoalScore.goal_id)
        .join(Meeting, col(Meeting.id) == GoalScore.meeting_id)
        .where(col(Meeting.starts_at) >= first, col(Meeting.starts_at) < after)
        .cte("ranked")
    )  # fmt: skip
    latest = func.sum(case((ranked.c.place == ranked.c.scored, ranked.c.score), else_=0))
    earliest = func.sum(case((ranked.c.place == 1, ranked.c.score), else_=0))
    goals = (
        select(ranked.c.citizen_id, (latest - earliest).label("change"))
        .where(ranked.c.scored >= 2, or_(ranked.c.place == 1, ranked.c.place == ranked.c.scored))
        .group_by(ranked.c.goal_id, ranked.c.citizen_id)
        .cte("moved")
    )
    inv = _involvement_cte()

    def figures(key: Any) -> Any:
        return select(key, func.count(), _count(goals.c.change > 0), _count(goals.c.change == 0),
                      _count(goals.c.change < 0), func.sum(goals.c.change))  # fmt: skip

    statement = union_all(
        figures(literal(OVERALL)).select_from(goals),
        figures(inv.c.name).select_from(goals).join(inv, inv.c.citizen_id == goals.c.citizen_id)
        .group_by(inv.c.name),
    )  # fmt: skip
    found = {key: rest for key, *rest in session.execute(statement).all()}
    rows = []
    for key in (OVERALL, *department_names(session)):
        n, up, same, down, total = (int(v or 0) for v in found.get(key, (0, 0, 0, 0, 0)))
        rows.append(ScoreRow(key, n, up, same, down, (total / n) if n else None))
    return rows


# --- The whole page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    period: Period
    on: date
    load: list[LoadRow]
    median_days: list[MedianRow]
    on_time: list[OnTimeRow]
    owner_changes: list[OwnerChangeRow]
    meetings: list[MeetingRow]
    consents: list[ConsentRow]
    matrix: list[MatrixCell]
    needs: list[NeedRow]
    scores: list[ScoreRow]


def build_overview(*, session: Session, actor: Actor, period: Period, on: date | None = None) -> Overview:
    """Every figure for the leaders' page, audited as one "overview.read" row (no citizen id)."""
    day = on or today()
    write_audit(session, actor=actor, action="overview.read")
    session.info[_LOOKUPS] = {}
    try:
        return _overview(session=session, actor=actor, period=period, day=day)
    finally:
        session.info.pop(_LOOKUPS, None)


def _overview(*, session: Session, actor: Actor, period: Period, day: date) -> Overview:
    return Overview(
        period=period,
        on=day,
        load=agreement_load(session=session, on=day),
        median_days=median_days_to_done(session=session, period=period),
        on_time=share_done_on_time(session=session, period=period, on=day),
        owner_changes=owner_changes_per_citizen(session=session, period=period, on=day),
        meetings=meetings_against_cadence(session=session, period=period, on=day),
        consents=consents_missing_or_expiring(session=session, on=day, period=period),
        matrix=department_matrix(session=session),
        needs=unmet_needs_for_leaders(session=session, actor=actor, period=period),
        scores=score_movement(session=session, period=period),
    )
