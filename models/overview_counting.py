"""Overblik's figures, one by one: what each counts, its row type, and the SQL that counts it.

Why a module of its own: models/overview.py is the page (who may see it, the small-number
rule, every figure together in one Figures, counted in two halves at once); this says what
each figure means, one function a figure, each usable and tested alone. The grouping per
department they share is in models/overview_lookups.py, the dialect-specific SQL in
models/overview_sql.py; models/overview_kept.py keeps the same figures current per citizen
with the same helpers (done_days, handed_on_by, scored_goals, ...). (Not named overview_figures:
that is the page's function that counts them all at once.)

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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, case, cast, func, or_
from sqlmodel import Session, col, select

from models.access import Actor
from models.consent import ConsentStatus, consent_status
from models.formatting import local
from models.overview_lookups import (
    CONSENT_WARNING_DAYS,
    NO_DEPARTMENT,
    OVERALL,
    Period,
    _agreement_keys,
    _by_department,
    _by_department_set,
    _citizen_figures,
    _department_sets,
    _departments,
    _lookups_shared,
    _mask_columns,
    department_names,
)
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
    OPEN_ACTION_STATUSES,
    Action,
    ActionEvent,
    Citizen,
    Department,
    GoalScore,
    Meeting,
    Person,
    TeamMembership,
    UnmetNeed,
    today,
)

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
