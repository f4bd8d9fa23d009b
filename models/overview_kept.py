"""Overblik's figures kept current as the data changes, instead of counted afresh (issue 16).

Counting everything (models.overview.counted_figures) takes ~0.2-0.4 s at 100,000 agreements;
the first view after every change used to pay it. Every figure on the page is a sum over
citizens (a count, a citizen behind a count, a histogram of days, a department pair), so each
process keeps, per period and day looked at, what every citizen adds to each figure (a _Tally)
and the sums; a change to some citizens is counted again for those citizens only: their old
tallies are taken out of the sums and the new ones put in (a few ms).

Which citizens changed is known where the change is made, and written down in the same
transaction (the overview_change table; models/overview_changes.py), so it holds across
processes (a municipality runs several, issue 22) and a rolled-back change leaves nothing:
- Every Session flush of a counted table notes the citizens its rows are about (after_flush;
  action_event and goal_score through their agreement and goal), and every UPDATE/DELETE/INSERT
  statement on one notes the citizens its WHERE clause or parameters reach (do_orm_execute,
  a SELECT before the statement). What cannot be told (a department, an UPDATE without WHERE,
  more than MAX_CITIZENS_NOTED citizens) is noted as "everything": count it all again.
- At commit the notes become rows (seq, tag, citizen_id). seq is max(seq) + 1 taken under the
  table's lock (PostgreSQL: LOCK TABLE ... EXCLUSIVE MODE until commit; SQLite: the one write
  lock), so seqs become visible in order, without gaps: a reader that has seen seq n has seen
  every change up to n.
- A view reads the rows after the last seq it has (one indexed query), and counts those citizens
  again. It reads the rows before it counts, so a change committed while it counts is read next
  time and counted again (counting a citizen again is idempotent).
- `tag` is random per transaction. The row a process read last must still be there with the
  same tag; if not (pruned after KEEP_TRANSACTIONS, a restored backup, a test's fresh database)
  the process counts everything again. So does a new day, another period, and "Beregn igen".

Not covered: writes that bypass a SQLAlchemy Session (bench/build.py's bulk load, a raw
sqlite3 connection). They must call overview_changes.note_everything_changed() in their transaction, or be
followed by "Beregn igen" (forget()).

The tallies are counts per citizen id (no names, no text), held in this process's memory only
and never shown: what leaves this module is the sums, through the small-number rule.
tests/models/test_overview_kept.py holds the kept figures to a full count after every kind of
change, on SQLite and PostgreSQL, and under concurrent writers in two "processes".
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select, true
from sqlmodel import Session, col

from models.db import session_scope
from models.overview import Figures, hide_small_numbers
from models.overview_changes import _LOG
from models.overview_counting import (
    ConsentRow,
    LoadRow,
    MatrixCell,
    MedianRow,
    MeetingRow,
    OnTimeRow,
    OwnerChangeRow,
    ScoreRow,
    _median,
    _unanswered_in,
    days_to_done,
    done_days,
    handed_on_by,
    score_change,
    scored_goals,
)
from models.overview_lookups import NO_DEPARTMENT, OVERALL, Period, held_meetings, valid_consents
from models.tables import (
    OPEN_ACTION_STATUSES,
    Action,
    ActionEvent,
    Citizen,
    Consent,
    Department,
    Meeting,
    Person,
    UnmetNeed,
    utcnow,
)

KEPT_PERIODS = 4  # (period, day) pairs a process keeps figures for
_CHUNK = 500  # citizen ids per IN (...) when counting some citizens again

# --- What one citizen adds to the figures ----------------------------------------------------

# Per agreement key (the owner's department, NO_DEPARTMENT): these counts, in this order.
_OPEN, _OVERDUE, _DUE, _ON_TIME, _CHANGES = range(5)
_AGREEMENT_WIDTH = 5


@dataclass(frozen=True, slots=True)
class _Tally:
    """What one citizen adds to every figure (models.overview_counting's rules, per citizen)."""

    departments: tuple[str, ...]  # the departments that have the citizen (names)
    cadence: int  # meetings_per_year
    held: int  # meetings held in the period
    missing: int  # 1: no valid consent on the day
    expiring: int  # 1: every valid consent ends within 30 days
    agreements: tuple[tuple[str, tuple[int, ...]], ...]  # (key, counts by _OPEN.._CHANGES)
    done_days: tuple[tuple[str, tuple[tuple[int, int], ...]], ...]  # (key, ((days, how many), ...))
    scores: tuple[int, int, int, int, int]  # goals, up, same, down, sum of changes
    needs: int  # unanswered needs raised in the period


def _where_citizen(column: Any, ids: list[int] | None) -> Any:
    return true() if ids is None else col(column).in_(ids)


def _tallies(session: Session, period: Period, day: date, names: dict[int, str],
             ids: list[int] | None) -> dict[int, _Tally]:  # fmt: skip
    """Every citizen's tally (ids None), or those of `ids` (a citizen that no longer exists has
    none). The same rules as models.overview_counting's figures, grouped by citizen."""
    first, after = period.utc_bounds
    last_due = min(period.end, day - timedelta(days=1))

    def key(department_id: Any) -> str:
        return names.get(department_id, NO_DEPARTMENT)

    cadence = dict(session.execute(
        select(Citizen.id, Citizen.meetings_per_year).where(_where_citizen(Citizen.id, ids))
    ).all())  # fmt: skip
    departments: dict[int, set[str]] = defaultdict(set)
    for citizen_id, department_id in session.execute(
        select(Person.citizen_id, Person.department_id)
        .where(Person.kind == "professional", col(Person.removed_on).is_(None),
               col(Person.department_id).is_not(None), _where_citizen(Person.citizen_id, ids))
        .distinct()
    ):  # fmt: skip
        if department_id in names:
            departments[citizen_id].add(names[department_id])
    held = dict(session.execute(
        held_meetings(period).where(_where_citizen(Meeting.citizen_id, ids))
    ).all())  # fmt: skip
    lasting = dict(session.execute(
        valid_consents(day).where(_where_citizen(Consent.citizen_id, ids))
    ).all())  # fmt: skip

    def zeros() -> list[int]:
        return [0] * _AGREEMENT_WIDTH

    agreements: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(zeros))
    owner = Person.__table__.alias("owner")  # type: ignore[attr-defined]
    per_owner = (
        select(Action.owner_person_id, Action.citizen_id, func.count(),
               func.sum(case((col(Action.due_on) < day, 1), else_=0)))
        .where(col(Action.status).in_(OPEN_ACTION_STATUSES), _where_citizen(Action.citizen_id, ids))
        .group_by(Action.owner_person_id, Action.citizen_id)
        .subquery()
    )  # fmt: skip
    for department_id, citizen_id, n, overdue in session.execute(
        select(owner.c.department_id, *list(per_owner.c)[1:])
        .select_from(per_owner.outerjoin(owner, owner.c.id == list(per_owner.c)[0]))
    ):  # fmt: skip
        counts = agreements[citizen_id][key(department_id)]
        counts[_OPEN] += int(n)
        counts[_OVERDUE] += int(overdue or 0)
    in_time = and_(
        Action.status == "done", col(Action.done_on).is_not(None), col(Action.done_on) <= col(Action.due_on)
    )
    for department_id, citizen_id, due, on_time in session.execute(
        select(owner.c.department_id, Action.citizen_id, func.count(), func.sum(case((in_time, 1), else_=0)))
        .select_from(Action)
        .outerjoin(owner, owner.c.id == Action.owner_person_id)
        .where(Action.status != "cancelled", col(Action.due_on).between(period.start, last_due),
               _where_citizen(Action.citizen_id, ids))
        .group_by(owner.c.department_id, Action.citizen_id)
    ):  # fmt: skip
        counts = agreements[citizen_id][key(department_id)]
        counts[_DUE] += int(due)
        counts[_ON_TIME] += int(on_time or 0)
    for department_id, citizen_id, n in session.execute(
        select(owner.c.department_id, Action.citizen_id, func.count())
        .select_from(ActionEvent)
        .join(Action, col(Action.id) == ActionEvent.action_id)
        .outerjoin(owner, owner.c.id == handed_on_by())
        .where(ActionEvent.kind == "owner_changed", col(ActionEvent.at) >= first, col(ActionEvent.at) < after,
               _where_citizen(Action.citizen_id, ids))
        .group_by(owner.c.department_id, Action.citizen_id)
    ):  # fmt: skip
        agreements[citizen_id][key(department_id)][_CHANGES] += int(n)

    done: dict[int, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    late, days = done_days()
    for citizen_id, department_id, utc_days, created_at, n in session.execute(
        select(Action.citizen_id, owner.c.department_id, days, late, func.count())
        .select_from(Action)
        .outerjoin(owner, owner.c.id == Action.owner_person_id)
        .where(Action.status == "done", col(Action.done_on) >= period.start,
               col(Action.done_on) <= period.end, _where_citizen(Action.citizen_id, ids))
        .group_by(Action.citizen_id, owner.c.department_id, days, late)
    ):  # fmt: skip
        done[citizen_id][key(department_id)][days_to_done(utc_days, created_at)] += int(n)

    scored = scored_goals(period).where(_where_citizen(Meeting.citizen_id, ids)).subquery("scored")
    change = score_change(scored)
    scores = {
        citizen_id: (int(n), int(up or 0), int(same or 0), int(down or 0), int(total or 0))
        for citizen_id, n, up, same, down, total in session.execute(
            select(scored.c.citizen_id, func.count(), func.sum(case((change > 0, 1), else_=0)),
                   func.sum(case((change == 0, 1), else_=0)), func.sum(case((change < 0, 1), else_=0)),
                   func.sum(change))
            .group_by(scored.c.citizen_id)
        )
    }  # fmt: skip
    needs = dict(session.execute(
        _unanswered_in(period)
        .with_only_columns(UnmetNeed.citizen_id, func.count())  # type: ignore[call-overload]
        .where(_where_citizen(UnmetNeed.citizen_id, ids))
        .group_by(UnmetNeed.citizen_id)
    ).all())  # fmt: skip

    return {
        int(citizen_id): _Tally(
            departments=tuple(sorted(departments.get(citizen_id, ()))),
            cadence=int(meetings_per_year or 0),
            held=int(held.get(citizen_id, 0)),
            missing=int(citizen_id not in lasting),
            expiring=int(lasting.get(citizen_id) == 0),
            agreements=tuple(sorted((k, tuple(v)) for k, v in agreements.get(citizen_id, {}).items())),
            done_days=tuple(sorted((k, tuple(sorted(v.items())))
                                   for k, v in done.get(citizen_id, {}).items())),  # fmt: skip
            scores=scores.get(citizen_id, (0, 0, 0, 0, 0)),
            needs=int(needs.get(citizen_id, 0)),
        )
        for citizen_id, meetings_per_year in cadence.items()
    }


# --- The sums ----------------------------------------------------------------------------------


@dataclass
class _Sums:
    """Every figure's sum over the citizens' tallies, with how many citizens are behind each
    (a citizen is behind a count when it adds more than 0 to it). add(tally, -1) takes one out."""

    departments: list[str]  # names, in the page's order
    agreements: dict[str, list[int]] = field(default_factory=dict)  # key -> counts + citizens behind
    done_days: dict[str, Counter[int]] = field(default_factory=dict)
    done_citizens: Counter[str] = field(default_factory=Counter)
    citizens: dict[str, list[int]] = field(default_factory=dict)  # citizens, cadence, held, ...
    matrix: Counter[tuple[str, str]] = field(default_factory=Counter)
    scores: dict[str, list[int]] = field(default_factory=dict)
    needs: list[int] = field(default_factory=lambda: [0, 0])

    def __post_init__(self) -> None:
        agreement_keys = [OVERALL, *self.departments, NO_DEPARTMENT]
        self.agreements = {k: [0] * (2 * _AGREEMENT_WIDTH) for k in agreement_keys}
        self.done_days = {k: Counter() for k in agreement_keys}
        self.citizens = {k: [0] * 6 for k in (OVERALL, *self.departments)}
        self.scores = {k: [0] * 9 for k in (OVERALL, *self.departments)}

    def add(self, tally: _Tally, sign: int = 1) -> None:
        overall = [0] * _AGREEMENT_WIDTH
        for key, counts in tally.agreements:
            _add_counts(self.agreements[key], counts, sign)
            overall = [a + b for a, b in zip(overall, counts, strict=True)]
        _add_counts(self.agreements[OVERALL], overall, sign)
        any_done: Counter[int] = Counter()
        for key, days in tally.done_days:
            for value, n in days:
                _add_to(self.done_days[key], value, sign * n)
                any_done[value] += n
            self.done_citizens[key] += sign
        for value, n in any_done.items():
            _add_to(self.done_days[OVERALL], value, sign * n)
        self.done_citizens[OVERALL] += sign if tally.done_days else 0
        goals, up, same, down, total = tally.scores
        for key in (OVERALL, *tally.departments):
            citizen = self.citizens[key]
            for i, value in enumerate((1, tally.cadence, tally.held, tally.missing, tally.expiring,
                                       int(tally.held > 0))):  # fmt: skip
                citizen[i] += sign * value
            score = self.scores[key]
            for i, value in enumerate((goals, up, same, down, total, int(goals > 0), int(up > 0),
                                       int(same > 0), int(down > 0))):  # fmt: skip
                score[i] += sign * value
        for a in tally.departments:
            for b in tally.departments:
                self.matrix[a, b] += sign
        self.needs[0] += sign * tally.needs
        self.needs[1] += sign * int(tally.needs > 0)

    def figures(self, period: Period, day: date) -> Figures:
        """The figures, before the small-number rule: the same rows and arithmetic as
        models.overview.counted_figures (the tests compare the two)."""
        load, median_days, on_time, owner_changes = [], [], [], []
        for key, v in self.agreements.items():
            counts, behind = v[:_AGREEMENT_WIDTH], v[_AGREEMENT_WIDTH:]
            load.append(LoadRow(key, counts[_OPEN], counts[_OVERDUE], behind[_OPEN], behind[_OVERDUE]))
            days = self.done_days[key]
            median_days.append(MedianRow(key, sum(days.values()), _median(days), self.done_citizens[key]))
            due, done = counts[_DUE], counts[_ON_TIME]
            on_time.append(OnTimeRow(key, due, done, (done / due) if due else None, behind[_DUE],
                                     behind[_ON_TIME]))  # fmt: skip
            n = self.citizens[OVERALL if key == NO_DEPARTMENT else key][0]
            changes = counts[_CHANGES]
            owner_changes.append(OwnerChangeRow(key, changes, n, (changes / n) if n else None,
                                                behind[_CHANGES]))  # fmt: skip
        scale = 365 / period.days
        meetings, consents, scores = [], [], []
        for key, (n, cadence, held, missing, expiring, held_citizens) in self.citizens.items():
            meetings.append(MeetingRow(key, n, held, (held / n * scale) if n else None,
                                       (cadence / n) if n else None, held_citizens))  # fmt: skip
            consents.append(ConsentRow(key, n, missing, expiring))
            goals, up, same, down, total, *behind_scores = self.scores[key]
            scores.append(ScoreRow(key, goals, up, same, down, (total / goals) if goals else None,
                                   *behind_scores))  # fmt: skip
        names = self.departments
        matrix = [MatrixCell(a, b, self.matrix.get((a, b), 0)) for a in names for b in names]
        return Figures(
            period=period, on=day, load=load, median_days=median_days, on_time=on_time,
            owner_changes=owner_changes, meetings=meetings, consents=consents, matrix=matrix, scores=scores,
            needs_total=self.needs[0], needs_citizens=self.needs[1],
        )  # fmt: skip


def _add_counts(target: list[int], counts: Iterable[int], sign: int) -> None:
    width = len(target) // 2
    for i, value in enumerate(counts):
        target[i] += sign * value
        target[width + i] += sign * int(value > 0)


def _add_to(histogram: Counter[int], value: int, n: int) -> None:
    histogram[value] += n
    if not histogram[value]:
        del histogram[value]


# --- Keeping them --------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptFigures:
    figures: Figures  # small numbers hidden
    counted_at: datetime  # when everything was last counted afresh
    key: str  # changes whenever the figures may have (for caching what is drawn from them)


@dataclass
class _Kept:
    """One period and day's tallies and sums, as of overview_change row `seq` (tag `tag`)."""

    seq: int
    tag: int | None
    names: dict[int, str]
    tallies: dict[int, _Tally]
    sums: _Sums
    counted_at: datetime
    generation: int
    shown: KeptFigures | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class FigureKeeper:
    """The kept figures of one process (KEEPER), per database, period and day."""

    def __init__(self, kept_periods: int = KEPT_PERIODS) -> None:
        self._kept: OrderedDict[tuple[str, date, date, date], _Kept] = OrderedDict()
        self._lock = threading.Lock()
        self._limit = kept_periods
        self._generations = itertools.count(1)
        self.recounts = 0  # citizens counted again since the start (the tests read it)
        self.full_counts = 0

    def figures(self, *, url: str, period: Period, day: date) -> KeptFigures:
        """The figures for `period` as of `day`, current with every committed change."""
        key = (url, period.start, period.end, day)
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                kept = self._kept[key] = self._count_everything(url, period, day)
            self._kept.move_to_end(key)
            while len(self._kept) > self._limit:
                self._kept.popitem(last=False)
        with kept.lock:
            changed = self._catch_up(kept, url, period, day)
            if changed or kept.shown is None:
                kept.shown = KeptFigures(hide_small_numbers(kept.sums.figures(period, day)), kept.counted_at,
                                         f"{kept.generation}:{kept.seq}")  # fmt: skip
            return kept.shown

    def unhidden(self, *, url: str, period: Period, day: date) -> Figures:
        """The kept figures before the small-number rule (for the tests: never shown)."""
        self.figures(url=url, period=period, day=day)
        kept = self._kept[url, period.start, period.end, day]
        with kept.lock:
            return kept.sums.figures(period, day)

    def forget(self) -> None:
        """Count everything afresh at the next view ("Beregn igen")."""
        with self._lock:
            self._kept.clear()

    def _count_everything(self, url: str, period: Period, day: date) -> _Kept:
        with session_scope(url=url) as session:
            newest = session.execute(
                select(_LOG.c.seq, _LOG.c.tag).order_by(_LOG.c.seq.desc()).limit(1)
            ).first()  # read first: what is counted below is at least this new
            names = dict(session.execute(
                select(Department.id, Department.name).order_by(Department.name)
            ).all())  # fmt: skip
            tallies = _tallies(session, period, day, names, None)
        sums = _Sums(departments=list(names.values()))
        for tally in tallies.values():
            sums.add(tally)
        self.full_counts += 1
        return _Kept(seq=newest.seq if newest else 0, tag=newest.tag if newest else None, names=names,
                     tallies=tallies, sums=sums, counted_at=utcnow(), generation=next(self._generations))

    def _catch_up(self, kept: _Kept, url: str, period: Period, day: date) -> bool:
        """Count again the citizens changed since kept.seq; everything, when the log cannot say."""
        with session_scope(url=url) as session:
            rows = session.execute(
                select(_LOG.c.seq, _LOG.c.tag, _LOG.c.citizen_id)
                .where(_LOG.c.seq >= max(kept.seq, 1))
                .order_by(_LOG.c.seq)
            ).all()  # fmt: skip
            if not kept.seq or (rows and (rows[0].seq, rows[0].tag) == (kept.seq, kept.tag)):
                rows = [r for r in rows if r.seq > kept.seq]
                if not rows:
                    return False
                changed = {r.citizen_id for r in rows}
                if None not in changed:
                    self._count_again(session, kept, period, day, sorted(changed))
                    kept.seq, kept.tag = rows[-1].seq, rows[-1].tag
                    return True
        fresh = self._count_everything(url, period, day)
        kept.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "lock"})
        return True

    def _count_again(
        self, session: Session, kept: _Kept, period: Period, day: date, citizens: list[int]
    ) -> None:
        for start in range(0, len(citizens), _CHUNK):
            chunk = citizens[start:start + _CHUNK]
            fresh = _tallies(session, period, day, kept.names, chunk)
            for citizen_id in chunk:
                old, new = kept.tallies.pop(citizen_id, None), fresh.get(citizen_id)
                if old is not None:
                    kept.sums.add(old, -1)
                if new is not None:
                    kept.sums.add(new)
                    kept.tallies[citizen_id] = new
        self.recounts += len(citizens)


KEEPER = FigureKeeper()


def kept_figures(*, url: str, period: Period, day: date) -> KeptFigures:
    """This process's kept figures (see the module docstring)."""
    return KEEPER.figures(url=url, period=period, day=day)
