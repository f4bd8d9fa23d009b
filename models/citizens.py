"""Citizens: the list a user may pick from, and the citizen record itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
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
    agreements, in three queries whatever the number of citizens."""
    day = on or today()
    visible = visible_citizens_filter(actor)
    citizens = session.execute(
        select(Citizen.id, Citizen.name).where(visible).order_by(Citizen.name, Citizen.id)
    ).all()
    if not citizens:
        return []
    ids = select(Citizen.id).where(visible)
    next_meeting = dict(
        session.execute(
            select(Meeting.citizen_id, func.min(Meeting.starts_at))
            .where(
                col(Meeting.citizen_id).in_(ids),
                col(Meeting.status).in_(("draft", "planned", "in_progress")),
            )
            .group_by(Meeting.citizen_id)
        ).all()
    )
    counts = {
        row.citizen_id: row
        for row in session.execute(
            select(
                Action.citizen_id,
                func.count().label("open"),
                func.sum(case((col(Action.due_on) < day, 1), else_=0)).label("overdue"),
            )
            .where(col(Action.citizen_id).in_(ids), col(Action.status).in_(OPEN_ACTION_STATUSES))
            .group_by(Action.citizen_id)
        ).all()
    }
    return [
        CitizenSummary(
            id=row.id,
            name=row.name,
            next_meeting_at=next_meeting.get(row.id),
            open_actions=counts[row.id].open if row.id in counts else 0,
            overdue_actions=int(counts[row.id].overdue or 0) if row.id in counts else 0,
        )
        for row in citizens
    ]
