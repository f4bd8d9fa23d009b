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

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations
from typing import TypeVar

from sqlmodel import Session, col, select

from models.access import Actor, write_audit
from models.consent import ConsentStatus, consent_status
from models.formatting import local
from models.tables import (
    COPENHAGEN,
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
OPEN = ("open", "in_progress")
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


def _shared(session: Session, name: str, load: Callable[[], T]) -> T:
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
        session, "departments",
        lambda: list(session.execute(select(Department.name).order_by(Department.name)).scalars()),
    )


def involvement(session: Session) -> dict[int, set[str]]:
    """citizen id -> the departments with an active professional in the citizen's network."""
    return _shared(session, "involvement", lambda: _involvement(session))


def _involvement(session: Session) -> dict[int, set[str]]:
    rows = session.execute(
        select(Person.citizen_id, Department.name)
        .join(Department, col(Department.id) == Person.department_id)
        .where(Person.kind == "professional", col(Person.removed_on).is_(None))
    ).all()
    result: dict[int, set[str]] = defaultdict(set)
    for citizen_id, name in rows:
        result[citizen_id].add(name)
    return dict(result)


def _all_citizen_ids(session: Session) -> list[int]:
    return _shared(
        session, "citizens", lambda: list(session.execute(select(Citizen.id)).scalars())  # type: ignore[arg-type]
    )


def _per_department(departments: list[str], *, extra: Iterable[str] = ()) -> dict[str, list]:  # type: ignore[type-arg]
    keys = [OVERALL, *departments, *extra]
    return {key: [] for key in keys}


def _owner_departments(session: Session) -> dict[int, str]:
    """person id -> department name, for every person with a department."""
    return dict(
        session.execute(  # type: ignore[arg-type]
            select(Person.id, Department.name).join(Department, col(Department.id) == Person.department_id)
        ).all()
    )


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
        select(col(Action.due_on), Department.name)
        .outerjoin(Person, col(Person.id) == Action.owner_person_id)
        .outerjoin(Department, col(Department.id) == Person.department_id)
        .where(col(Action.status).in_(OPEN))
    ).all()
    counts: dict[str, list[int]] = {k: [0, 0] for k in (OVERALL, *department_names(session), NO_DEPARTMENT)}
    for due_on, department in rows:
        late = int(due_on is not None and due_on < day)
        for key in (OVERALL, department or NO_DEPARTMENT):
            counts[key][0] += 1
            counts[key][1] += late
    return [LoadRow(k, v[0], v[1]) for k, v in counts.items()]


@dataclass(frozen=True)
class MedianRow:
    department: str
    done: int
    median_days: float | None  # None: nothing was done in the period


def median_days_to_done(*, session: Session, period: Period) -> list[MedianRow]:
    """Median days from agreement (created_at, Copenhagen date) to done, for agreements done in
    the period, per owner's department and overall."""
    rows = session.execute(
        select(Action.created_at, col(Action.done_on), Department.name)
        .outerjoin(Person, col(Person.id) == Action.owner_person_id)
        .outerjoin(Department, col(Department.id) == Person.department_id)
        .where(
            Action.status == "done",
            col(Action.done_on) >= period.start,
            col(Action.done_on) <= period.end,
        )
    ).all()
    days = _per_department(department_names(session), extra=(NO_DEPARTMENT,))
    for created_at, done_on, department in rows:
        elapsed = max(0, (done_on - local(created_at).date()).days)
        days[OVERALL].append(elapsed)
        days[department or NO_DEPARTMENT].append(elapsed)
    return [MedianRow(k, len(v), float(statistics.median(v)) if v else None) for k, v in days.items()]


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
    rows = session.execute(
        select(Action.status, col(Action.due_on), col(Action.done_on), Department.name)
        .outerjoin(Person, col(Person.id) == Action.owner_person_id)
        .outerjoin(Department, col(Department.id) == Person.department_id)
        .where(
            Action.status != "cancelled",
            col(Action.due_on) >= period.start,
            col(Action.due_on) <= last,
        )
    ).all()
    counts: dict[str, list[int]] = {k: [0, 0] for k in (OVERALL, *department_names(session), NO_DEPARTMENT)}
    for status, due_on, done_on, department in rows:
        in_time = int(status == "done" and done_on is not None and done_on <= due_on)
        for key in (OVERALL, department or NO_DEPARTMENT):
            counts[key][0] += 1
            counts[key][1] += in_time
    return [OnTimeRow(k, d, t, (t / d) if d else None) for k, (d, t) in counts.items()]


@dataclass(frozen=True)
class OwnerChangeRow:
    department: str
    changes: int  # owner changes in the period, by the department that handed the agreement on
    citizens: int  # citizens the department has (OVERALL: every citizen)
    per_citizen: float | None


def owner_changes_per_citizen(*, session: Session, period: Period) -> list[OwnerChangeRow]:
    """Owner changes ("owner_changed" events) in the period, per citizen.

    A change counts for the department of the person who handed the agreement on (from_value
    "person:<id>"); handed on by the citizen or a person without a department: NO_DEPARTMENT.
    """
    first, after = period.utc_bounds
    events = session.execute(
        select(ActionEvent.from_value).where(
            ActionEvent.kind == "owner_changed", col(ActionEvent.at) >= first, col(ActionEvent.at) < after
        )
    ).scalars()
    owners = _owner_departments(session)
    changes: dict[str, int] = defaultdict(int)
    for value in events:
        department = NO_DEPARTMENT
        if value and value.startswith("person:") and value[7:].isdigit():
            department = owners.get(int(value[7:]), NO_DEPARTMENT)
        changes[OVERALL] += 1
        changes[department] += 1
    has = involvement(session)
    citizens = {OVERALL: len(_all_citizen_ids(session))}
    for departments in has.values():
        for name in departments:
            citizens[name] = citizens.get(name, 0) + 1
    keys = [OVERALL, *department_names(session), NO_DEPARTMENT]
    result = []
    for key in keys:
        n = citizens.get(key, 0)
        if key == NO_DEPARTMENT:
            n = citizens[OVERALL]
        result.append(OwnerChangeRow(key, changes[key], n, (changes[key] / n) if n else None))
    return result


@dataclass(frozen=True)
class MeetingRow:
    department: str
    citizens: int
    held: int  # meetings held in the period with these citizens
    per_citizen_per_year: float | None  # held / citizens, scaled to 365 days
    cadence_per_year: float | None  # what the citizens' cadences ask for (their mean)


def meetings_against_cadence(*, session: Session, period: Period) -> list[MeetingRow]:
    """Meetings held per citizen per year in the period, against the citizens' own cadence."""
    first, after = period.utc_bounds
    held: dict[int, int] = defaultdict(int)
    for citizen_id in session.execute(
        select(Meeting.citizen_id).where(
            Meeting.status == "held", col(Meeting.starts_at) >= first, col(Meeting.starts_at) < after
        )
    ).scalars():
        held[citizen_id] += 1
    cadence = dict(session.execute(select(Citizen.id, Citizen.meetings_per_year)).all())  # type: ignore[arg-type]
    groups: dict[str, list[int]] = _per_department(department_names(session))
    groups[OVERALL] = list(cadence)
    for citizen_id, departments in involvement(session).items():
        for name in departments:
            groups[name].append(citizen_id)
    scale = 365 / period.days
    rows = []
    for key, ids in groups.items():
        count = sum(held[c] for c in ids)
        rows.append(
            MeetingRow(
                key,
                len(ids),
                count,
                (count / len(ids) * scale) if ids else None,
                (sum(cadence[c] for c in ids) / len(ids)) if ids else None,
            )
        )
    return rows


@dataclass(frozen=True)
class ConsentRow:
    department: str
    citizens: int
    missing: int  # no valid consent on the day
    expiring: int  # valid, but every valid consent ends within 30 days


def citizen_consent_state(consents: list[tuple[date, date | None, date | None]], *, on: date) -> str:
    """'missing', 'expiring' or 'ok' for one citizen's consents (given, expires, withdrawn)."""
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


def consents_missing_or_expiring(*, session: Session, on: date | None = None) -> list[ConsentRow]:
    """Citizens without a valid consent, or whose consent ends within 30 days, on `on`."""
    day = on or today()
    by_citizen: dict[int, list[tuple[date, date | None, date | None]]] = defaultdict(list)
    for citizen_id, given, expires, withdrawn in session.execute(
        select(  # type: ignore[call-overload]
            Consent.citizen_id, Consent.given_on, Consent.expires_on, Consent.withdrawn_on
        )
    ).all():
        by_citizen[citizen_id].append((given, expires, withdrawn))
    states = {
        cid: citizen_consent_state(by_citizen.get(cid, []), on=day) for cid in _all_citizen_ids(session)
    }
    groups: dict[str, list[int]] = _per_department(department_names(session))
    groups[OVERALL] = list(states)
    for citizen_id, departments in involvement(session).items():
        for name in departments:
            groups[name].append(citizen_id)
    return [
        ConsentRow(
            key,
            len(ids),
            sum(states[c] == "missing" for c in ids),
            sum(states[c] == "expiring" for c in ids),
        )
        for key, ids in groups.items()
    ]


@dataclass(frozen=True)
class MatrixCell:
    row: str
    column: str
    citizens: int  # citizens both departments have (on the diagonal: the department's citizens)


def department_matrix(*, session: Session) -> list[MatrixCell]:
    """How many citizens each pair of departments shares, every pair both ways."""
    names = department_names(session)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for departments in involvement(session).values():
        for name in departments:
            shared[(name, name)] += 1
        for a, b in combinations(sorted(departments), 2):
            shared[(a, b)] += 1
            shared[(b, a)] += 1
    return [MatrixCell(a, b, shared[(a, b)]) for a in names for b in names]


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
    rows = session.execute(
        select(GoalScore.goal_id, GoalScore.score, Goal.citizen_id)
        .join(Goal, col(Goal.id) == GoalScore.goal_id)
        .join(Meeting, col(Meeting.id) == GoalScore.meeting_id)
        .where(col(Meeting.starts_at) >= first, col(Meeting.starts_at) < after)
        .order_by(col(GoalScore.goal_id), col(Meeting.starts_at), col(GoalScore.id))
    ).all()
    scores: dict[int, list[int]] = defaultdict(list)
    owner: dict[int, int] = {}
    for goal_id, score, citizen_id in rows:
        scores[goal_id].append(score)
        owner[goal_id] = citizen_id
    changes = {g: s[-1] - s[0] for g, s in scores.items() if len(s) >= 2}
    has = involvement(session)
    groups: dict[str, list[int]] = _per_department(department_names(session))
    for goal_id, change in changes.items():
        groups[OVERALL].append(change)
        for name in has.get(owner[goal_id], ()):
            groups[name].append(change)
    return [
        ScoreRow(
            key,
            len(values),
            sum(v > 0 for v in values),
            sum(v == 0 for v in values),
            sum(v < 0 for v in values),
            (sum(values) / len(values)) if values else None,
        )
        for key, values in groups.items()
    ]


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
        owner_changes=owner_changes_per_citizen(session=session, period=period),
        meetings=meetings_against_cadence(session=session, period=period),
        consents=consents_missing_or_expiring(session=session, on=day),
        matrix=department_matrix(session=session),
        needs=unmet_needs_for_leaders(session=session, actor=actor, period=period),
        scores=score_movement(session=session, period=period),
    )
