"""Citizens: the list a user may pick from, and the citizen record itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from models.access import Actor, visible_citizens_filter
from models.tables import OPEN_ACTION_STATUSES, Action, Citizen, Meeting, today


@dataclass(frozen=True)
class CitizenChoice:
    id: int
    name: str


def list_visible_citizens(*, session: Session, actor: Actor) -> list[CitizenChoice]:
    """The citizens the actor may open, by name. A list of names only: not audited per citizen."""
    rows = session.execute(
        select(Citizen.id, Citizen.name)
        .where(visible_citizens_filter(actor))
        .order_by(Citizen.name, Citizen.id)
    ).all()
    return [CitizenChoice(id=row.id, name=row.name) for row in rows]


@dataclass(frozen=True)
class CitizenSummary:
    id: int
    name: str
    next_meeting_at: datetime | None
    open_actions: int
    overdue_actions: int


def citizen_summaries(*, session: Session, actor: Actor, on: date | None = None) -> list[CitizenSummary]:
    """The start page's list: the actor's citizens with their next meeting and open/overdue
    agreements, in one query whatever the number of citizens (each figure a correlated
    subquery answered from an index that covers it: ix_meeting_citizen_id, ix_action_citizen_id)."""
    day = on or today()
    open_actions = select(func.count()).where(
        Action.citizen_id == Citizen.id, col(Action.status).in_(OPEN_ACTION_STATUSES)
    )
    rows = session.execute(
        select(
            Citizen.id,
            Citizen.name,
            select(func.min(Meeting.starts_at))
            .where(
                Meeting.citizen_id == Citizen.id,
                col(Meeting.status).in_(("draft", "planned", "in_progress")),
            )
            .scalar_subquery(),
            open_actions.scalar_subquery(),
            open_actions.where(col(Action.due_on) < day).scalar_subquery(),
        )
        .where(visible_citizens_filter(actor))
        .order_by(Citizen.name, Citizen.id)
    ).all()
    return [
        CitizenSummary(id=i, name=name, next_meeting_at=at, open_actions=n or 0, overdue_actions=late or 0)
        for i, name, at, n, late in rows
    ]
