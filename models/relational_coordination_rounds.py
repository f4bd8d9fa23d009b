"""Survey rounds of relational coordination (issue 24): a leader opens one, staff answer it.

Rules (tests/models/test_relational_coordination_rounds.py):
- leaders and administrators (the Overblik permission) open and close rounds; anyone else is
  refused and the refusal is audited; opening and closing are audited (ids only);
- a round has a name, a period (both days included, at most MAX_DAYS, not already over) and at
  least two departments from the administrators' list (models/departments.py), none retired;
- it is open from its first day until its last, or until a leader closes it early; its figures
  are shown only once it has ended (models.relational_coordination_results): while it runs,
  comparing the figures before and after one person's answer would reveal that answer;
- every active staff account whose department is in the round is asked; who has answered is
  rc_respondent (never what they answered), so reminders reach only the others
  (`non_respondents`), and the response rate per department says how much the figures stand for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func
from sqlmodel import Session, col, select

from models.access import Actor, refuse, write_audit
from models.errors import NotFound, UserError
from models.overview import may_see_overview
from models.tables import Department, RcRespondent, RcRound, RcRoundDepartment, UserAccount, today, utcnow
from models.text import NAME_MAX, clean_text

MAX_DAYS = 92  # a pulse, not a standing survey
MIN_DEPARTMENTS = 2


@dataclass(frozen=True)
class RoundView:
    id: int
    name: str
    starts_on: date
    ends_on: date
    closed_at: datetime | None
    departments: tuple[tuple[int, str], ...]  # (id, name), by name

    def is_open(self, on: date) -> bool:
        return self.closed_at is None and self.starts_on <= on <= self.ends_on

    def has_ended(self, on: date) -> bool:
        return self.closed_at is not None or self.ends_on < on

    @property
    def department_ids(self) -> frozenset[int]:
        return frozenset(d for d, _ in self.departments)


@dataclass(frozen=True)
class ResponseRate:
    department: str
    asked: int  # who answered plus the active staff of the department who have not
    answered: int

    @property
    def share(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def may_lead_rounds(actor: Actor | None) -> bool:
    """Leaders and administrators: the same permission as Overblik (models.leaders)."""
    return actor is not None and may_see_overview(actor)


def _require_leader(session: Session, actor: Actor | None, action: str, round_id: int | None = None) -> None:
    if not may_lead_rounds(actor) or actor is None or actor.user_id is None:
        refuse(
            session,
            actor=actor,
            citizen_id=None,
            action=action,
            entity="rc_round",
            entity_id=round_id,
            error=UserError("overview_access.leaders_only"),
        )


def _views(session: Session, rounds: list[RcRound]) -> list[RoundView]:
    if not rounds:
        return []
    ids = [r.id for r in rounds]
    rows = session.execute(
        select(RcRoundDepartment.round_id, Department.id, Department.name)
        .join(Department, col(Department.id) == col(RcRoundDepartment.department_id))
        .where(col(RcRoundDepartment.round_id).in_(ids))
        .order_by(col(Department.name))
    ).all()
    departments: dict[int | None, list[tuple[int, str]]] = {i: [] for i in ids}
    for round_id, department_id, name in rows:
        departments[round_id].append((department_id, name))
    return [
        RoundView(
            id=r.id or 0,
            name=r.name,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            closed_at=r.closed_at,
            departments=tuple(departments[r.id]),
        )
        for r in rounds
    ]


def get_round(*, session: Session, round_id: int) -> RoundView:
    row = session.get(RcRound, round_id) if isinstance(round_id, int) else None
    if row is None:
        raise NotFound("rc_round")
    return _views(session, [row])[0]


def list_rounds(*, session: Session, actor: Actor | None) -> list[RoundView]:
    """Every round, newest period first (leaders; the list holds no answers)."""
    _require_leader(session, actor, "rc.rounds_read")
    rows = session.execute(select(RcRound).order_by(col(RcRound.starts_on).desc(), col(RcRound.id).desc()))
    return _views(session, list(rows.scalars()))


def open_round(
    *,
    session: Session,
    actor: Actor | None,
    name: object,
    starts_on: object,
    ends_on: object,
    department_ids: object,
    on: date | None = None,
) -> RoundView:
    """Open a round; raises a UserError (nothing saved) for a bad name, period or departments."""
    _require_leader(session, actor, "rc.round_open")
    on = on or today()
    label = clean_text(name, field="navn", max_length=NAME_MAX, required=True, single_line=True)
    if not isinstance(starts_on, date) or not isinstance(ends_on, date):
        raise UserError("rc.error.period_missing")
    if ends_on < starts_on:
        raise UserError("rc.error.period_backwards")
    if ends_on < on:
        raise UserError("rc.error.period_over")
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise UserError("rc.error.period_too_long", days=MAX_DAYS)
    wanted = (
        sorted({d for d in department_ids if isinstance(d, int) and not isinstance(d, bool)})
        if isinstance(department_ids, list | tuple | set | frozenset)
        else []
    )
    found = (
        session.execute(
            select(Department.id).where(col(Department.id).in_(wanted), col(Department.retired_at).is_(None))
        )
        .scalars()
        .all()
    )
    if len(wanted) < MIN_DEPARTMENTS or len(found) != len(wanted):
        raise UserError("rc.error.departments", count=MIN_DEPARTMENTS)
    row = RcRound(
        name=" ".join(label.split()),
        starts_on=starts_on,
        ends_on=ends_on,
        opened_by_user_id=actor.user_id if actor else None,
    )
    session.add(row)
    session.flush()
    session.add_all(RcRoundDepartment(round_id=row.id, department_id=d) for d in wanted)  # type: ignore[arg-type]
    session.flush()
    write_audit(session, actor=actor, action="rc.round_open", entity="rc_round", entity_id=row.id)
    return _views(session, [row])[0]


def close_round(*, session: Session, actor: Actor | None, round_id: int) -> RoundView:
    """End a round before its last day (leaders). Idempotent; answers already given stay."""
    _require_leader(session, actor, "rc.round_close", round_id if isinstance(round_id, int) else None)
    row = session.get(RcRound, round_id) if isinstance(round_id, int) else None
    if row is None:
        raise NotFound("rc_round")
    if row.closed_at is None:
        row.closed_at = utcnow()
        session.add(row)
        session.flush()
        write_audit(session, actor=actor, action="rc.round_close", entity="rc_round", entity_id=row.id)
    return _views(session, [row])[0]


def _asked_staff(session: Session, department_ids: frozenset[int]) -> list[tuple[int, int]]:
    """(user id, department id) of the active staff accounts in these departments now."""
    return [
        tuple(r)
        for r in session.execute(  # type: ignore[misc]
            select(UserAccount.id, UserAccount.department_id).where(
                col(UserAccount.department_id).in_(sorted(department_ids)),
                col(UserAccount.is_active),
                col(UserAccount.role) == "staff",
            )
        ).all()
    ]


def _respondents(session: Session, round_id: int) -> list[tuple[int, int]]:
    return [
        tuple(r)
        for r in session.execute(  # type: ignore[misc]
            select(RcRespondent.user_id, RcRespondent.department_id).where(
                col(RcRespondent.round_id) == round_id
            )
        ).all()
    ]


def non_respondents(*, session: Session, round_id: int) -> list[int]:
    """The user ids a reminder may go to: asked (active staff of the round's departments) and
    not yet answered. For the reminders (models/reminders*); empty once the round is over."""
    view = get_round(session=session, round_id=round_id)
    if not view.is_open(today()):
        return []
    answered = {user for user, _ in _respondents(session, round_id)}
    return sorted(user for user, _ in _asked_staff(session, view.department_ids) if user not in answered)


def response_rates(*, session: Session, round_id: int) -> list[ResponseRate]:
    """Per department of the round: how many answered of how many were asked. Counts of people
    who answered, no answers: shown even when small (it says why a figure reads "< 5")."""
    view = get_round(session=session, round_id=round_id)
    respondents = _respondents(session, round_id)
    answered_users = {user for user, _ in respondents}
    answered = Counter(department for _, department in respondents)
    others = Counter(
        d for user, d in _asked_staff(session, view.department_ids) if user not in answered_users
    )
    return [
        ResponseRate(department=name, asked=answered[d] + others[d], answered=answered[d])
        for d, name in view.departments
    ]


@dataclass(frozen=True)
class MyRound:
    """A round the user is asked in today, with the departments they may answer about."""

    round: RoundView
    my_department: tuple[int, str]
    others: tuple[tuple[int, str], ...]
    answered: bool


def my_open_rounds(*, session: Session, actor: Actor | None, on: date | None = None) -> list[MyRound]:
    """The open rounds that include the user's own department (active staff accounts only).

    One statement when there is none (Opfølgning, the start page, asks on every run): the
    rounds through the account's department, with whether this user has answered each."""
    if actor is None or actor.user_id is None or actor.role != "staff":
        return []
    on = on or today()
    answered = (
        exists()
        .where(col(RcRespondent.round_id) == col(RcRound.id), col(RcRespondent.user_id) == actor.user_id)
        .correlate(RcRound)
    )
    rows = session.execute(
        select(RcRound, UserAccount.department_id, answered)
        .join(RcRoundDepartment, col(RcRoundDepartment.round_id) == col(RcRound.id))
        .join(UserAccount, col(UserAccount.department_id) == col(RcRoundDepartment.department_id))
        .where(
            col(UserAccount.id) == actor.user_id,
            col(UserAccount.is_active),
            col(UserAccount.role) == "staff",
            col(RcRound.closed_at).is_(None),
            col(RcRound.starts_on) <= on,
            col(RcRound.ends_on) >= on,
        )
        .order_by(col(RcRound.ends_on), col(RcRound.id))
    ).all()
    if not rows:
        return []
    own = {row[0].id: (row[1], bool(row[2])) for row in rows}
    result = []
    for view in _views(session, [row[0] for row in rows]):
        department_id, done = own[view.id]
        mine = next(d for d in view.departments if d[0] == department_id)
        others = tuple(d for d in view.departments if d[0] != department_id)
        result.append(MyRound(round=view, my_department=mine, others=others, answered=done))
    return result


def respondent_counts(*, session: Session, round_ids: list[int]) -> dict[int, int]:
    """How many have answered each round (one statement for the list of rounds)."""
    if not round_ids:
        return {}
    rows = session.execute(
        select(RcRespondent.round_id, func.count())
        .where(col(RcRespondent.round_id).in_(round_ids))
        .group_by(col(RcRespondent.round_id))
    ).all()
    counts = dict.fromkeys(round_ids, 0)
    counts.update({round_id: int(n) for round_id, n in rows})
    return counts
