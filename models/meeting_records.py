"""Mødet's records: the status round on earlier agreements, decisions and unmet needs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models.access import Actor
from models.actions import SavedAction, move_due_date, set_action_status, update_agreement
from models.errors import NotFound, UserError
from models.i18n import translate
from models.idempotency import remember, replayed
from models.meeting_live import meeting_for_write
from models.tables import (
    Decision,
    UnmetNeed,
)
from models.text import clean_text

REVIEW_OUTCOMES = ("done", "running", "changed", "dropped")


# --- Status round on earlier agreements ---------------------------------------------------


def review_agreement(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    action_id: int,
    seen_version: int,
    outcome: str,
    note: str | None = None,
    new_due_on: date | None = None,
    text: str | None = None,
    owner_person_id: int | None = None,
    owner_is_citizen: bool = False,
    goal_id: int | None = None,
    trial: bool = False,
) -> SavedAction:
    """The status round: done, still running (a new date, the note says why), changed (new
    text/owner/date) or dropped (the note is the reason). Goes through models.actions, so it is
    authorised, versioned and kept in the agreement's history with this meeting's id."""
    if outcome not in REVIEW_OUTCOMES:
        raise UserError("agreement.bad_status")
    common = {"session": session, "actor": actor, "action_id": action_id, "seen_version": seen_version,
              "meeting_id": meeting_id}  # fmt: skip
    if outcome == "done":
        return set_action_status(**common, status="done", note=note)
    if outcome == "dropped":
        return set_action_status(**common, status="cancelled", note=note)
    if outcome == "running":
        if new_due_on is None:
            raise UserError("agreement.due_required")
        reason = note if note and note.strip() else translate("meet.review.default_reason")
        return move_due_date(**common, due_on=new_due_on, reason=reason)
    return update_agreement(
        **common, text=text or "", goal_id=goal_id, owner_person_id=owner_person_id,
        owner_is_citizen=owner_is_citizen, due_on=new_due_on, trial=trial,
    )  # fmt: skip


# --- Decisions and unmet needs ------------------------------------------------------------


def add_decision(
    *, session: Session, actor: Actor | None, meeting_id: int, text: str, form_key: str | None = None
) -> int:
    """A decision of this meeting; a second call with the same `form_key` returns the first id."""
    meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.decision")
    earlier = replayed(session, key=form_key, kind="decision")
    if earlier is not None:
        return earlier
    body = clean_text(text, field="decision", required=True)
    last = session.execute(
        select(func.max(Decision.position)).where(Decision.meeting_id == meeting_id)
    ).scalar()
    decision = Decision(meeting_id=meeting_id, text=body, position=(last or 0) + 1)
    session.add(decision)
    session.flush()
    assert decision.id is not None
    remember(session, key=form_key, entity_id=decision.id)
    return decision.id


def remove_decision(*, session: Session, actor: Actor | None, meeting_id: int, decision_id: int) -> None:
    """Only while the meeting runs (a held meeting's decisions are part of its plan version)."""
    meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.decision")
    decision = session.get(Decision, decision_id)
    if decision is None or decision.meeting_id != meeting_id:
        raise NotFound("decision")
    session.delete(decision)


def add_unmet_need(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    text: str,
    department_id: int | None = None,
    form_key: str | None = None,
) -> int:
    """A need nobody has the legal basis or budget to meet; it goes to the leaders' overview.
    A second call with the same `form_key` returns the first id."""
    meeting = meeting_for_write(session, actor=actor, meeting_id=meeting_id, what="meeting.unmet_need")
    earlier = replayed(session, key=form_key, kind="unmet_need")
    if earlier is not None:
        return earlier
    body = clean_text(text, field="unmet_need", required=True)
    last = session.execute(
        select(func.max(UnmetNeed.position)).where(UnmetNeed.meeting_id == meeting_id)
    ).scalar()
    need = UnmetNeed(meeting_id=meeting_id, citizen_id=meeting.citizen_id, text=body,
                     department_id=department_id, position=(last or 0) + 1)  # fmt: skip
    session.add(need)
    session.flush()
    assert need.id is not None
    remember(session, key=form_key, entity_id=need.id)
    return need.id
