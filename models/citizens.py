"""Citizens: the list a user may pick from, and the citizen record itself."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from models.access import Actor, visible_citizens_filter
from models.tables import OPEN_ACTION_STATUSES, Action, Citizen, Meeting, today
from models.text import matches_search


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


def citizen_summaries(
    *, session: Session, actor: Actor, on: date | None = None, ids: Collection[int] | None = None
) -> list[CitizenSummary]:
    """The actor's citizens (only `ids` of them, if given) with their next meeting and open and
    overdue agreements, in one query whatever the number of citizens (each figure a correlated
    subquery answered from an index that covers it: ix_meeting_citizen_id, ix_action_citizen_id)."""
    day = on or today()
    chosen = visible_citizens_filter(actor)
    if ids is not None:
        chosen = and_(chosen, col(Citizen.id).in_(list(ids)))
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
        .where(chosen)
        .order_by(Citizen.name, Citizen.id)
    ).all()
    return [
        CitizenSummary(id=i, name=name, next_meeting_at=at, open_actions=n or 0, overdue_actions=late or 0)
        for i, name, at, n, late in rows
    ]


CITIZENS_PER_PAGE = 25  # rows of "Mine borgere" before "show more"


@dataclass(frozen=True)
class CitizensPage:
    summaries: list[CitizenSummary]  # the shown ones, by name
    total: int  # every citizen the actor may open
    matching: int  # those the search matches (all of them without a search)


def citizens_page(
    *,
    session: Session,
    actor: Actor,
    shown: int = CITIZENS_PER_PAGE,
    query: str = "",
    on: date | None = None,
    names: list[CitizenChoice] | None = None,
) -> CitizensPage:
    """"Mine borgere" a page at a time: the names of every citizen the actor may open (one light
    query, or `names` when the caller has just read them), those with every word of `query` in the
    name (models.text.matches_search: SQLite's lower() does not know Æ, Ø and Å), and the figures
    of the first `shown` only. So the page costs about the same for 25 citizens as for an
    administrator's 10,000."""
    names = list_visible_citizens(session=session, actor=actor) if names is None else names
    found = [c for c in names if matches_search(query, c.name)]
    ids = [c.id for c in found[: max(0, shown)]]
    summaries = citizen_summaries(session=session, actor=actor, on=on, ids=ids) if ids else []
    return CitizensPage(summaries=summaries, total=len(names), matching=len(found))
