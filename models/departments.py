"""The municipality's department list: what a consent names and where a professional works.

Rules (tested in tests/models/test_departments.py):
- administrators add, rename and retire departments; everyone else only reads the list;
- names are unique whatever their case and spacing ("jobcenter " is "Jobcenter");
- a retired department is no longer offered in pickers, but stays valid wherever it is already
  named: old consents still cover it, people already in it keep it;
- `match` is the one tolerant lookup (case, spacing) every caller uses: the consent step, the
  team step and models.consent resolve a typed or picked name to the same department.
No citizen data here: a department list is not audited per citizen, but every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from models.access import Actor, refuse, write_audit
from models.errors import NotFound, UserError
from models.tables import Department, UserAccount, utcnow
from models.text import NAME_MAX, clean_text


@dataclass(frozen=True)
class DepartmentView:
    id: int
    name: str
    retired_at: datetime | None

    @property
    def is_active(self) -> bool:
        return self.retired_at is None


def name_key(name: str) -> str:
    """How two department names are compared: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def clean_department_name(value: object) -> str:
    """A department name as stored: one line, spacing tidied, never empty."""
    label = clean_text(value, field="afdeling", max_length=NAME_MAX, required=True, single_line=True)
    return " ".join(label.split())


def _view(row: Department) -> DepartmentView:
    return DepartmentView(id=row.id, name=row.name, retired_at=row.retired_at)  # type: ignore[arg-type]


def list_departments(*, session: Session, include_retired: bool = False) -> list[DepartmentView]:
    """The list by name: the ones offered in pickers, or (administrators' page) all of them."""
    stmt = select(Department).order_by(col(Department.name), col(Department.id))
    if not include_retired:
        stmt = stmt.where(col(Department.retired_at).is_(None))
    return [_view(row) for row in session.execute(stmt).scalars()]


def match(session: Session, name: object) -> Department | None:
    """The department with this name (case and spacing ignored), retired ones included."""
    if not isinstance(name, str) or not name.strip():
        return None
    wanted = name_key(name)
    for row in session.execute(select(Department)).scalars():
        if name_key(row.name) == wanted:
            return row
    return None


def department_of_user(*, session: Session, user_id: int | None) -> str | None:
    """The department on a user's own account (the default when they join a team), if any."""
    if user_id is None:
        return None
    return session.execute(
        select(col(Department.name))
        .join(UserAccount, col(UserAccount.department_id) == col(Department.id))
        .where(col(UserAccount.id) == user_id)
    ).scalar_one_or_none()


def department_for_person(session: Session, name: object) -> int | None:
    """The department id for a professional's department as typed or picked: the list's own row
    when one matches, else a new department on the list (the team step's "Andet (skriv selv)"),
    which administrators can rename or retire like any other. None for no department."""
    label = clean_text(name, field="afdeling", max_length=NAME_MAX, single_line=True)
    if not label:
        return None
    found = match(session, label)
    if found is not None:
        return found.id
    department = Department(name=" ".join(label.split()))
    session.add(department)
    session.flush()
    return department.id


def _require_admin(
    session: Session, *, actor: Actor | None, action: str, entity_id: int | None = None
) -> None:
    if actor is not None and actor.is_admin and actor.user_id is not None:
        return
    refuse(session, actor=actor, citizen_id=None, action=action, entity="department", entity_id=entity_id,
           error=UserError("error.admin_only"))


def _taken(session: Session, name: str, *, other_than: int | None = None) -> None:
    found = match(session, name)
    if found is not None and found.id != other_than:
        raise UserError("prep25.error.department_exists", name=found.name)


def add_department(*, session: Session, actor: Actor | None, name: object) -> DepartmentView:
    """Put a department on the list (administrators). A retired one with the same name comes back."""
    _require_admin(session, actor=actor, action="department.add")
    label = clean_department_name(name)
    found = match(session, label)
    if found is not None and found.retired_at is None:
        raise UserError("prep25.error.department_exists", name=found.name)
    if found is not None:
        found.retired_at = None
        row = found
    else:
        row = Department(name=label)
    session.add(row)
    session.flush()
    write_audit(session, actor=actor, action="department.add", entity="department", entity_id=row.id)
    return _view(row)


def rename_department(
    *, session: Session, actor: Actor | None, department_id: int, name: object
) -> DepartmentView:
    """Rename (administrators). Consents that picked it keep covering it: they hold its id."""
    _require_admin(session, actor=actor, action="department.rename", entity_id=department_id)
    row = session.get(Department, department_id) if isinstance(department_id, int) else None
    if row is None:
        raise NotFound("department")
    label = clean_department_name(name)
    _taken(session, label, other_than=row.id)
    row.name = label
    session.add(row)
    session.flush()
    write_audit(session, actor=actor, action="department.rename", entity="department", entity_id=row.id)
    return _view(row)


def retire_department(*, session: Session, actor: Actor | None, department_id: int) -> DepartmentView:
    """Take a department off the pickers (administrators). Idempotent; nothing is deleted."""
    _require_admin(session, actor=actor, action="department.retire", entity_id=department_id)
    row = session.get(Department, department_id) if isinstance(department_id, int) else None
    if row is None:
        raise NotFound("department")
    if row.retired_at is None:
        row.retired_at = utcnow()
        session.add(row)
        session.flush()
        write_audit(session, actor=actor, action="department.retire", entity="department", entity_id=row.id)
    return _view(row)
