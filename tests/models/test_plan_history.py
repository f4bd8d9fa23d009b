"""Plan versions of a citizen, and what changed between two of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.db import session_scope
from models.errors import AccessDenied, NotFound
from models.plan_history import compare_plan_versions, diff_snapshots, list_plan_versions
from models.plans import load_joint_plan, plan_to_json
from models.tables import Action, AuditEvent, Goal, PlanVersion, today
from tests.factories import (
    make_action,
    make_actor,
    make_citizen,
    make_goal,
    make_membership,
    make_person,
    make_user,
)


def snapshot(session, *, actor, citizen_id, number, user_id=None):
    """What closing a meeting does (another issue's work): store plan_to_json as a version."""
    plan = load_joint_plan(session=session, actor=actor, citizen_id=citizen_id)
    row = PlanVersion(citizen_id=citizen_id, number=number, snapshot_json=plan_to_json(plan),
                      created_by_user_id=user_id)  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


@pytest.fixture
def history(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, full_name="Rasmus Holm")
        outsider = make_user(s)
        citizen = make_citizen(s)
        other = make_citizen(s, name="Anna Anden")
        make_membership(s, citizen=citizen, user=user)
        make_membership(s, citizen=other, user=user)
        rasmus = make_person(s, citizen=citizen, name="Rasmus Holm")
        helle = make_person(s, citizen=citizen, name="Helle Friis")
        stays = make_goal(s, citizen=citizen, own_words="Jeg vil sove om natten.")
        to_pause = make_goal(s, citizen=citizen, own_words="Jeg vil tage bussen alene.")
        to_reach = make_goal(s, citizen=citizen, own_words="Jeg vil have en cykel.")
        done = make_action(s, citizen=citizen, goal=to_reach, owner=rasmus, text="Søge om cykel.")
        moved = make_action(s, citizen=citizen, goal=stays, owner=rasmus, text="Tale med lægen.")
        handed = make_action(s, citizen=citizen, goal=stays, owner=rasmus, text="Finde en mentor.")
        same = make_action(s, citizen=citizen, goal=stays, owner_is_citizen=True, text="Gå en tur hver dag.")
        actor = make_actor(user)
        first = snapshot(s, actor=actor, citizen_id=citizen.id, number=1, user_id=user.id)
        # Between the meetings: the plan changes.
        s.get(Goal, to_pause.id).status = "paused"
        s.get(Goal, to_reach.id).status = "achieved"
        new_goal = make_goal(s, citizen=citizen, own_words="Jeg vil i praktik.")
        s.get(Action, done.id).status = "done"
        s.get(Action, moved.id).due_on = today() + timedelta(days=60)
        s.get(Action, handed.id).owner_person_id = helle.id
        fresh = make_action(s, citizen=citizen, goal=new_goal, owner_is_citizen=True,
                            text="Ringe til børnehaven.")  # fmt: skip
        s.flush()
        second = snapshot(s, actor=actor, citizen_id=citizen.id, number=2, user_id=user.id)
        foreign = snapshot(s, actor=actor, citizen_id=other.id, number=1)
        return {
            "actor": actor, "outsider": make_actor(outsider), "citizen_id": citizen.id, "other_id": other.id,
            "first": first, "second": second, "foreign": foreign, "ids": {
                "paused": to_pause.id, "reached": to_reach.id, "new_goal": new_goal.id, "done": done.id,
                "moved": moved.id, "handed": handed.id, "fresh": fresh.id, "same": same.id,
            },
        }  # fmt: skip


def test_versions_are_listed_newest_first_with_who_saved_them(history):
    with session_scope() as s:
        versions = list_plan_versions(session=s, actor=history["actor"], citizen_id=history["citizen_id"])
    assert [(v.number, v.id, v.created_by) for v in versions] == [
        (2, history["second"], "Rasmus Holm"),
        (1, history["first"], "Rasmus Holm"),
    ]


def test_compare_names_every_kind_of_change(history):
    ids = history["ids"]
    with session_scope() as s:
        diff = compare_plan_versions(
            session=s, actor=history["actor"], citizen_id=history["citizen_id"],
            older_id=history["first"], newer_id=history["second"],
        )  # fmt: skip
    assert (diff.older, diff.newer) == (1, 2)
    assert [(g.goal_id, g.own_words, g.before) for g in diff.goals_added] == [
        (ids["new_goal"], "Jeg vil i praktik.", None)
    ]
    paused = [(g.goal_id, g.before, g.after) for g in diff.goals_paused]
    assert paused == [(ids["paused"], "active", "paused")]
    assert [(g.goal_id, g.after) for g in diff.goals_reached] == [(ids["reached"], "achieved")]
    assert [(a.action_id, a.text) for a in diff.actions_new] == [(ids["fresh"], "Ringe til børnehaven.")]
    assert [(a.action_id, a.before, a.after) for a in diff.actions_done] == [(ids["done"], "open", "done")]
    assert [a.action_id for a in diff.actions_moved] == [ids["moved"]]
    moved = diff.actions_moved[0]
    assert moved.after == (today() + timedelta(days=60)).isoformat() and moved.before < moved.after
    assert [(a.action_id, a.before, a.after) for a in diff.actions_new_owner] == [
        (ids["handed"], "Rasmus Holm", "Helle Friis")
    ]
    assert diff.goals_other == () and diff.actions_other == ()
    changed = {a.action_id for group in (diff.actions_new, diff.actions_done, diff.actions_moved,
                                         diff.actions_new_owner) for a in group}  # fmt: skip
    assert ids["same"] not in changed  # an untouched agreement is not reported


def test_the_order_of_the_two_versions_does_not_matter(history):
    with session_scope() as s:
        args = {"session": s, "actor": history["actor"], "citizen_id": history["citizen_id"]}
        forward = compare_plan_versions(**args, older_id=history["first"], newer_id=history["second"])
        backward = compare_plan_versions(**args, older_id=history["second"], newer_id=history["first"])
    assert forward == backward


def test_a_version_compared_with_itself_has_no_changes(history):
    with session_scope() as s:
        diff = compare_plan_versions(
            session=s, actor=history["actor"], citizen_id=history["citizen_id"],
            older_id=history["first"], newer_id=history["first"],
        )  # fmt: skip
    assert diff.is_empty


def test_removed_goals_and_agreements_and_cancellations_are_other_changes():
    old = {
        "goals": [
            {"id": 1, "own_words": "A", "status": "active"},
            {"id": 2, "own_words": "B", "status": "active"},
        ],
        "actions": [
            {"id": 1, "text": "x", "status": "open", "due_on": None, "owner_is_citizen": True},
            {"id": 2, "text": "y", "status": "open", "due_on": None, "owner_person_id": 3},
        ],
    }
    new = {
        "goals": [{"id": 1, "own_words": "A", "status": "dropped"}],
        "actions": [{"id": 1, "text": "x", "status": "cancelled", "due_on": None, "owner_is_citizen": True}],
    }
    diff = diff_snapshots(old, new, older=1, newer=2)
    goals = [(g.goal_id, g.before, g.after) for g in diff.goals_other]
    actions = [(a.action_id, a.before, a.after) for a in diff.actions_other]
    assert goals == [(1, "active", "dropped"), (2, "active", None)]
    assert actions == [(1, "open", "cancelled"), (2, "open", None)]


def test_another_citizens_version_cannot_be_compared_or_listed_by_outsiders(history):
    with pytest.raises(NotFound), session_scope() as s:
        compare_plan_versions(
            session=s, actor=history["actor"], citizen_id=history["citizen_id"],
            older_id=history["first"], newer_id=history["foreign"],
        )  # fmt: skip
    with pytest.raises(AccessDenied), session_scope() as s:
        list_plan_versions(session=s, actor=history["outsider"], citizen_id=history["citizen_id"])
    with pytest.raises(AccessDenied), session_scope() as s:
        compare_plan_versions(
            session=s, actor=history["outsider"], citizen_id=history["citizen_id"],
            older_id=history["first"], newer_id=history["second"],
        )  # fmt: skip


def test_history_reads_are_audited(history):
    with session_scope() as s:
        list_plan_versions(session=s, actor=history["actor"], citizen_id=history["citizen_id"])
        compare_plan_versions(
            session=s, actor=history["actor"], citizen_id=history["citizen_id"],
            older_id=history["first"], newer_id=history["second"],
        )  # fmt: skip
    with session_scope() as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action.in_(("plan.history", "plan.compare")))).all()
    assert [(r.action, r.outcome, r.citizen_id) for r in rows] == [
        ("plan.history", "ok", history["citizen_id"]),
        ("plan.compare", "ok", history["citizen_id"]),
    ]
