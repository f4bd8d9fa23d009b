"""Citizens: the list a user may pick from, and the citizen record itself."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models.access import Actor, visible_citizens_filter
from models.tables import Citizen


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
