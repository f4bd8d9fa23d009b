"""Unmet needs: what no department has the legal basis or budget to meet, and the answer to it.

Needs are recorded at the meeting (models/meeting_mode.py) and go to the leaders' overview; the
answer (from the leadership group, a new offer, a decision) is recorded here by the team.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from models.access import Actor, authorize
from models.errors import NotFound, StaleVersion
from models.tables import UnmetNeed, utcnow
from models.text import clean_text


def answer_unmet_need(*, session: Session, actor: Actor, need_id: int, answer: str) -> None:
    """Record the answer once; a second answer typed at the same time is refused, not lost."""
    need = session.get(UnmetNeed, need_id) if isinstance(need_id, int) else None
    if need is None:
        raise NotFound("unmet_need")
    authorize(session, actor=actor, citizen_id=need.citizen_id, action="unmet_need.answer",
              entity="unmet_need", entity_id=need_id)
    text = clean_text(answer, field="answer", required=True)
    result = session.execute(
        update(UnmetNeed)
        .where(col(UnmetNeed.id) == need_id, col(UnmetNeed.answer).is_(None))
        .values(answer=text, answered_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleVersion()
