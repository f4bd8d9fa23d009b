"""The leaders' overview: aggregates only, never a citizen's name or text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from models.access import Actor, write_audit
from models.citizens import OPEN_ACTION_STATUSES
from models.tables import Action, Department, Person, today


@dataclass(frozen=True)
class DepartmentLoad:
    department: str | None  # None: agreements the citizen carries, or with no department
    open_actions: int
    overdue_actions: int


def agreements_by_department(
    *, session: Session, actor: Actor, on: date | None = None
) -> list[DepartmentLoad]:
    """Open and overdue agreements per owner's department, over every citizen (counts only)."""
    day = on or today()
    rows = session.execute(
        select(
            Department.name,
            func.count(Action.id),
            func.sum(case((col(Action.due_on) < day, 1), else_=0)),
        )
        .select_from(Action)
        .outerjoin(Person, col(Person.id) == Action.owner_person_id)
        .outerjoin(Department, col(Department.id) == Person.department_id)
        .where(col(Action.status).in_(OPEN_ACTION_STATUSES))
        .group_by(Department.name)
        .order_by(Department.name)
    ).all()
    write_audit(session, actor=actor, action="overview.read")
    return [DepartmentLoad(name, int(count), int(overdue or 0)) for name, count, overdue in rows]
