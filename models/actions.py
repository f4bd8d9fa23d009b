"""Agreements ("aftaler"): one owner, a date, and a history of every change.

Every change goes through here, from the meeting screen and from the follow-up pages alike:
authorised and audited (models.access), sanitised (models.text), saved only if nobody else
saved the same agreement since the user loaded it (models.db.save_versioned), and recorded
as an ActionEvent — owner changes and moved dates are measured, so they are never silent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from models.access import Actor, authorize
from models.db import save_versioned
from models.errors import NotFound, UserError
from models.idempotency import remember, replayed
from models.tables import ACTION_STATUSES, Action, ActionEvent, Goal, Meeting, Person, today, utcnow
from models.text import SHORT_MAX, clean_optional, clean_text, parse_date

REASON_REQUIRED_FOR = ("cancelled",)


@dataclass(frozen=True)
class SavedAction:
    """What a page keeps after a save: the id and the version it now holds."""

    id: int
    citizen_id: int
    version: int


def _authorised_action(session: Session, *, actor: Actor | None, action_id: int, what: str) -> Action:
    """The agreement, after the authorisation check on its citizen (a refusal is audited)."""
    action = session.get(Action, action_id) if isinstance(action_id, int) else None
    if action is None:
        raise NotFound("action")
    authorize(
        session, actor=actor, citizen_id=action.citizen_id, action=what, entity="action", entity_id=action_id
    )
    return action


def _check_owner(session: Session, *, citizen_id: int, person_id: int | None, is_citizen: bool) -> None:
    if is_citizen and person_id is not None:
        raise UserError("agreement.one_owner")
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.citizen_id != citizen_id or person.removed_on is not None:
            raise UserError("agreement.owner_not_in_network")


def _check_goal(session: Session, *, citizen_id: int, goal_id: int | None) -> None:
    if goal_id is not None:
        goal = session.get(Goal, goal_id)
        if goal is None or goal.citizen_id != citizen_id:
            raise UserError("agreement.goal_not_found")


def _event(
    session: Session,
    *,
    actor: Actor | None,
    action_id: int,
    kind: str,
    from_value: object = None,
    to_value: object = None,
    note: str | None = None,
    meeting_id: int | None = None,
) -> None:
    session.add(
        ActionEvent(
            action_id=action_id,
            at=utcnow(),
            by_user_id=actor.user_id if actor else None,
            kind=kind,
            from_value=None if from_value is None else str(from_value)[:200],
            to_value=None if to_value is None else str(to_value)[:200],
            note=note,
            meeting_id=meeting_id,
        )
    )


def _owner_code(owner_person_id: int | None, owner_is_citizen: bool) -> str | None:
    """How an owner is written in the history: 'citizen' or 'person:<id>'."""
    if owner_is_citizen:
        return "citizen"
    return f"person:{owner_person_id}" if owner_person_id is not None else None


def create_agreement(
    *,
    session: Session,
    actor: Actor | None,
    citizen_id: int,
    text: str,
    goal_id: int | None = None,
    owner_person_id: int | None = None,
    owner_is_citizen: bool = False,
    due_on: date | None = None,
    trial: bool = False,
    meeting_id: int | None = None,
    form_key: str | None = None,
) -> SavedAction:
    """A new agreement. Owner and date may still be missing while the meeting runs: it is then
    'unfinished', and the meeting cannot close until it has both. A second call with the same
    `form_key` returns the first call's agreement and changes nothing (models/idempotency.py)."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="action.create")
    earlier = replayed(session, key=form_key, kind="agreement")
    if earlier is not None:
        made = session.get(Action, earlier)
        if made is None or made.citizen_id != citizen_id:
            raise NotFound("action")
        return SavedAction(id=earlier, citizen_id=citizen_id, version=made.version)
    body = clean_text(text, field="agreement", required=True)
    due_on = parse_date(due_on, field="frist")  # a date from a form; anything else is refused in Danish
    _check_owner(session, citizen_id=citizen_id, person_id=owner_person_id, is_citizen=owner_is_citizen)
    _check_goal(session, citizen_id=citizen_id, goal_id=goal_id)
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.citizen_id != citizen_id:
            raise NotFound("meeting")
    action = Action(
        citizen_id=citizen_id,
        goal_id=goal_id,
        text=body,
        owner_person_id=owner_person_id,
        owner_is_citizen=owner_is_citizen,
        due_on=due_on,
        trial=trial,
        agreed_at_meeting_id=meeting_id,
    )
    session.add(action)
    session.flush()
    assert action.id is not None
    _event(session, actor=actor, action_id=action.id, kind="created", meeting_id=meeting_id,
           to_value=_owner_code(owner_person_id, owner_is_citizen))
    remember(session, key=form_key, entity_id=action.id)
    return SavedAction(id=action.id, citizen_id=citizen_id, version=action.version)


def update_agreement(
    *,
    session: Session,
    actor: Actor | None,
    action_id: int,
    seen_version: int,
    text: str,
    goal_id: int | None,
    owner_person_id: int | None,
    owner_is_citizen: bool,
    due_on: date | None,
    trial: bool,
    meeting_id: int | None = None,
) -> SavedAction:
    """Edit an agreement as a whole (the meeting screen). Owner and date changes are recorded."""
    action = _authorised_action(session, actor=actor, action_id=action_id, what="action.write")
    body = clean_text(text, field="agreement", required=True)
    due_on = parse_date(due_on, field="frist")
    citizen_id = action.citizen_id
    _check_owner(session, citizen_id=citizen_id, person_id=owner_person_id, is_citizen=owner_is_citizen)
    _check_goal(session, citizen_id=action.citizen_id, goal_id=goal_id)
    old_owner = _owner_code(action.owner_person_id, action.owner_is_citizen)
    new_owner = _owner_code(owner_person_id, owner_is_citizen)
    old_due = action.due_on
    version = save_versioned(
        session, Action, row_id=action_id, seen_version=seen_version,
        text=body, goal_id=goal_id, owner_person_id=owner_person_id, owner_is_citizen=owner_is_citizen,
        due_on=due_on, trial=trial, updated_at=utcnow(),
    )  # fmt: skip
    if old_owner != new_owner and old_owner is not None:
        _event(session, actor=actor, action_id=action_id, kind="owner_changed",
               from_value=old_owner, to_value=new_owner, meeting_id=meeting_id)
    if old_due != due_on and old_due is not None:
        _event(session, actor=actor, action_id=action_id, kind="due_moved",
               from_value=old_due, to_value=due_on, meeting_id=meeting_id)
    _event(session, actor=actor, action_id=action_id, kind="edited", meeting_id=meeting_id)
    return SavedAction(id=action_id, citizen_id=action.citizen_id, version=version)


def set_action_status(
    *,
    session: Session,
    actor: Actor | None,
    action_id: int,
    seen_version: int,
    status: str,
    note: str | None = None,
    meeting_id: int | None = None,
    on: date | None = None,
) -> SavedAction:
    """Mark an agreement open, in progress, done (a short note is welcome) or dropped (a reason
    is required: nothing silently vanishes)."""
    if status not in ACTION_STATUSES:
        raise UserError("agreement.bad_status")
    action = _authorised_action(session, actor=actor, action_id=action_id, what="action.status")
    why = clean_optional(note, field="note", max_length=SHORT_MAX * 3)
    if status in REASON_REQUIRED_FOR and not why:
        raise UserError("agreement.reason_required")
    old_status = action.status
    done_on = (on or today()) if status == "done" else None
    version = save_versioned(
        session, Action, row_id=action_id, seen_version=seen_version,
        status=status, done_on=done_on, updated_at=utcnow(),
    )  # fmt: skip
    _event(session, actor=actor, action_id=action_id, kind="status", from_value=old_status,
           to_value=status, note=why, meeting_id=meeting_id)
    return SavedAction(id=action_id, citizen_id=action.citizen_id, version=version)


def move_due_date(
    *,
    session: Session,
    actor: Actor | None,
    action_id: int,
    seen_version: int,
    due_on: date,
    reason: str,
    meeting_id: int | None = None,
) -> SavedAction:
    """A new date, with the reason why (waiting time is one of the things leaders look at)."""
    action = _authorised_action(session, actor=actor, action_id=action_id, what="action.move")
    if not isinstance(due_on, date):
        raise UserError("agreement.due_required")
    why = clean_text(reason, field="reason", max_length=SHORT_MAX * 3, required=True)
    old_due = action.due_on
    version = save_versioned(
        session, Action, row_id=action_id, seen_version=seen_version, due_on=due_on, updated_at=utcnow()
    )
    _event(session, actor=actor, action_id=action_id, kind="due_moved", from_value=old_due,
           to_value=due_on, note=why, meeting_id=meeting_id)
    return SavedAction(id=action_id, citizen_id=action.citizen_id, version=version)


def hand_over(
    *,
    session: Session,
    actor: Actor | None,
    action_id: int,
    seen_version: int,
    owner_person_id: int | None,
    owner_is_citizen: bool = False,
    reason: str,
    meeting_id: int | None = None,
) -> SavedAction:
    """Give the agreement to another person (or to the citizen), with a reason. Recorded as an
    owner change, since owner changes per citizen are measured."""
    action = _authorised_action(session, actor=actor, action_id=action_id, what="action.hand_over")
    if owner_person_id is None and not owner_is_citizen:
        raise UserError("agreement.owner_required")
    citizen_id = action.citizen_id
    _check_owner(session, citizen_id=citizen_id, person_id=owner_person_id, is_citizen=owner_is_citizen)
    why = clean_text(reason, field="reason", max_length=SHORT_MAX * 3, required=True)
    old_owner = _owner_code(action.owner_person_id, action.owner_is_citizen)
    new_owner = _owner_code(owner_person_id, owner_is_citizen)
    if old_owner == new_owner:
        raise UserError("agreement.same_owner")
    version = save_versioned(
        session, Action, row_id=action_id, seen_version=seen_version,
        owner_person_id=owner_person_id, owner_is_citizen=owner_is_citizen, updated_at=utcnow(),
    )  # fmt: skip
    _event(session, actor=actor, action_id=action_id, kind="owner_changed", from_value=old_owner,
           to_value=new_owner, note=why, meeting_id=meeting_id)
    return SavedAction(id=action_id, citizen_id=action.citizen_id, version=version)
