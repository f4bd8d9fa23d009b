"""Shared arrangements for the relational coordination tests (issue 24): departments with staff,
a leader, rounds (also in the past, written directly as factories do) and answers given through
the real submit_answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.access import Actor
from models.db import session_scope
from models.relational_coordination import DIMENSIONS
from models.relational_coordination_answers import submit_answers
from models.tables import RcRound, RcRoundDepartment, UserAccount, today
from tests.factories import make_department, make_user


@dataclass
class Town:
    departments: dict[str, int]  # name -> id
    staff: dict[str, list[UserAccount]]  # department name -> its staff accounts
    leader: UserAccount  # a leader in the first department


def make_town(names: tuple[str, ...] = ("Jobcenter", "Socialafdelingen", "Sundhed"), per: int = 6) -> Town:
    with session_scope(write=True) as s:
        departments = {n: make_department(s, name=n) for n in names}
        staff = {
            n: [
                make_user(s, username=f"{n[:3].lower()}{i}", full_name=f"{n} {i}", department=d)
                for i in range(per)
            ]
            for n, d in departments.items()
        }
        leader = make_user(s, username="leder", full_name="Lea Leder", department=departments[names[0]])
        leader.is_leader = True
        s.add(leader)
        return Town(departments={n: d.id for n, d in departments.items()}, staff=staff, leader=leader)


def make_round(
    town: Town,
    *,
    name: str = "Før",
    starts_on: date | None = None,
    days: int = 14,
    departments: tuple[str, ...] | None = None,
) -> int:
    starts_on = starts_on or today()
    with session_scope(write=True) as s:
        row = RcRound(name=name, starts_on=starts_on, ends_on=starts_on + timedelta(days=days - 1))
        s.add(row)
        s.flush()
        for n in departments or tuple(town.departments):
            s.add(RcRoundDepartment(round_id=row.id, department_id=town.departments[n]))
        return row.id


def answer(user: UserAccount, round_id: int, values: dict[int, object], *, on: date | None = None) -> int:
    """`values`: about-department id -> one number for all seven, or a dict per dimension."""
    answers = {d: v if isinstance(v, dict) else dict.fromkeys(DIMENSIONS, v) for d, v in values.items()}
    with session_scope(write=True) as s:
        return submit_answers(
            session=s, actor=Actor.from_user(user), round_id=round_id, answers=answers, on=on
        )


def past_round(town: Town, name: str, days_ago: int, score: int, *, per: int | None = None) -> int:
    """A round that ended before today, answered by `per` staff of each department with `score`
    about every other department."""
    start = today() - timedelta(days=days_ago)
    round_id = make_round(town, name=name, starts_on=start, days=7)
    for department, users in town.staff.items():
        others = {d: score for n, d in town.departments.items() if n != department}
        for user in users[: per or len(users)]:
            answer(user, round_id, others, on=start)
    return round_id
