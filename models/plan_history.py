"""The history of a citizen's joint plan: the versions, and what changed between two of them.

Versions are immutable snapshots (PlanVersion.snapshot_json, written by
models.plans.plan_to_json when a meeting closes). Comparing works on the snapshots alone, so
it shows the plan as it was agreed, even if goals or agreements were edited or deleted since.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.access import Actor, authorize, require_staff
from models.errors import NotFound
from models.plans import JointPlan
from models.tables import PlanVersion, UserAccount


@dataclass(frozen=True)
class PlanVersionInfo:
    id: int
    number: int
    created_at: datetime
    created_by: str | None
    meeting_id: int | None


@dataclass(frozen=True)
class GoalChange:
    goal_id: int
    own_words: str
    before: str | None  # status before (None: the goal is new)
    after: str | None  # status after (None: the goal is gone from the plan)


@dataclass(frozen=True)
class ActionChange:
    action_id: int
    text: str
    before: str | None  # old status / due date / owner, as plain text or ISO date
    after: str | None


@dataclass(frozen=True)
class PlanDiff:
    older: int  # version numbers
    newer: int
    goals_added: tuple[GoalChange, ...] = ()
    goals_paused: tuple[GoalChange, ...] = ()
    goals_reached: tuple[GoalChange, ...] = ()
    goals_other: tuple[GoalChange, ...] = ()  # dropped, reactivated, removed
    actions_new: tuple[ActionChange, ...] = ()
    actions_done: tuple[ActionChange, ...] = ()
    actions_moved: tuple[ActionChange, ...] = ()  # due date changed
    actions_new_owner: tuple[ActionChange, ...] = ()
    actions_other: tuple[ActionChange, ...] = ()  # cancelled, reopened, removed

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.goals_added, self.goals_paused, self.goals_reached, self.goals_other,
                self.actions_new, self.actions_done, self.actions_moved, self.actions_new_owner,
                self.actions_other,
            )
        )  # fmt: skip


def list_plan_versions(*, session: Session, actor: Actor, citizen_id: int) -> list[PlanVersionInfo]:
    """Every version of the citizen's plan, newest first."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="plan.history", entity="plan_version")
    return _versions(session, citizen_id)


def list_plan_versions_for_plan(*, session: Session, actor: Actor, plan: JointPlan) -> list[PlanVersionInfo]:
    """The same list for a page that has just loaded (authorised and audited) the citizen's plan:
    one statement, no second check or audit row for the same page view. A citizen's own link
    may not list versions (as with list_plan_versions)."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="plan.history",
                  entity="plan_version")
    return _versions(session, plan.citizen.id)


def _versions(session: Session, citizen_id: int) -> list[PlanVersionInfo]:
    rows = session.execute(
        select(  # type: ignore[call-overload]
            PlanVersion.id,
            PlanVersion.number,
            PlanVersion.created_at,
            UserAccount.full_name,
            PlanVersion.meeting_id,
        )
        .join(UserAccount, UserAccount.id == PlanVersion.created_by_user_id, isouter=True)  # type: ignore[arg-type]
        .where(PlanVersion.citizen_id == citizen_id)
        .order_by(PlanVersion.number.desc())  # type: ignore[attr-defined]
    ).all()
    return [PlanVersionInfo(*row) for row in rows]


def _snapshot(session: Session, *, citizen_id: int, version_id: int) -> tuple[int, dict[str, Any]]:
    row = session.get(PlanVersion, version_id)
    if row is None or row.citizen_id != citizen_id:
        raise NotFound("plan_version")  # another citizen's version is simply not there
    return row.number, json.loads(row.snapshot_json)


def _owner(action: dict[str, Any]) -> str:
    """Who carries an agreement, comparable across snapshots."""
    if action.get("owner_is_citizen"):
        return "citizen"
    person = action.get("owner_person_id")
    return f"person:{person}" if person is not None else "nobody"


def _owner_name(action: dict[str, Any]) -> str | None:
    return action.get("owner_name")


def compare_plan_versions(
    *, session: Session, actor: Actor, citizen_id: int, older_id: int, newer_id: int
) -> PlanDiff:
    """What changed from one version to another (given in either order: older is older)."""
    authorize(
        session, actor=actor, citizen_id=citizen_id, action="plan.compare",
        entity="plan_version", entity_id=newer_id,
    )  # fmt: skip
    first = _snapshot(session, citizen_id=citizen_id, version_id=older_id)
    second = _snapshot(session, citizen_id=citizen_id, version_id=newer_id)
    (old_number, old), (new_number, new) = sorted((first, second), key=lambda pair: pair[0])
    return diff_snapshots(old, new, older=old_number, newer=new_number)


def diff_snapshots(old: dict[str, Any], new: dict[str, Any], *, older: int, newer: int) -> PlanDiff:
    """The differences between two plan_to_json snapshots (as dicts)."""
    old_goals = {g["id"]: g for g in old.get("goals", [])}
    new_goals = {g["id"]: g for g in new.get("goals", [])}
    added: list[GoalChange] = []
    paused: list[GoalChange] = []
    reached: list[GoalChange] = []
    goals_other: list[GoalChange] = []
    for goal_id, goal in new_goals.items():
        before = old_goals.get(goal_id)
        change = GoalChange(goal_id, goal["own_words"], before["status"] if before else None, goal["status"])
        if before is None:
            added.append(change)
        elif before["status"] == goal["status"]:
            continue
        elif goal["status"] == "paused":
            paused.append(change)
        elif goal["status"] == "achieved":
            reached.append(change)
        else:
            goals_other.append(change)
    for goal_id, goal in old_goals.items():
        if goal_id not in new_goals:
            goals_other.append(GoalChange(goal_id, goal["own_words"], goal["status"], None))

    old_actions = {a["id"]: a for a in old.get("actions", [])}
    new_actions = {a["id"]: a for a in new.get("actions", [])}
    fresh: list[ActionChange] = []
    done: list[ActionChange] = []
    moved: list[ActionChange] = []
    new_owner: list[ActionChange] = []
    actions_other: list[ActionChange] = []
    for action_id, action in new_actions.items():
        before = old_actions.get(action_id)
        text = action["text"]
        if before is None:
            fresh.append(ActionChange(action_id, text, None, action["status"]))
            continue
        if before["status"] != action["status"]:
            target = done if action["status"] == "done" else actions_other
            target.append(ActionChange(action_id, text, before["status"], action["status"]))
        if before.get("due_on") != action.get("due_on"):
            moved.append(ActionChange(action_id, text, before.get("due_on"), action.get("due_on")))
        if _owner(before) != _owner(action):
            new_owner.append(ActionChange(action_id, text, _owner_name(before), _owner_name(action)))
    for action_id, action in old_actions.items():
        if action_id not in new_actions:
            actions_other.append(ActionChange(action_id, action["text"], action["status"], None))

    return PlanDiff(
        older=older,
        newer=newer,
        goals_added=tuple(added),
        goals_paused=tuple(paused),
        goals_reached=tuple(reached),
        goals_other=tuple(goals_other),
        actions_new=tuple(fresh),
        actions_done=tuple(done),
        actions_moved=tuple(moved),
        actions_new_owner=tuple(new_owner),
        actions_other=tuple(actions_other),
    )
