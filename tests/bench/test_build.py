"""The benchmark database at a tiny scale: the rows are what the domain would have written."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session, col

from bench.build import HEAVY_OPEN_AGREEMENTS, Sizes, fill, generate
from models.access import Actor
from models.db import session_scope
from models.follow_up import my_agreements
from models.plans import load_joint_plan
from models.tables import (
    MAX_ACTIVE_GOALS,
    Action,
    ActionEvent,
    Citizen,
    Goal,
    Meeting,
    MeetingParticipant,
    Person,
    TeamMembership,
    UserAccount,
)

DAY = date(2026, 11, 23)
SIZES = Sizes(citizens=12, staff=5)


@pytest.fixture
def built(db_url: str):
    return fill(db_url, SIZES, on=DAY)


def test_sizes_follow_the_scale():
    assert Sizes.for_scale(1) == Sizes(citizens=10_000, staff=300)
    assert Sizes.for_scale(0.05) == Sizes(citizens=500, staff=15)
    assert Sizes.for_scale(0.00001) == Sizes(citizens=1, staff=5)  # never empty


def test_the_same_seed_gives_the_same_rows():
    first, _ = generate(SIZES, on=DAY)
    second, _ = generate(SIZES, on=DAY)
    # password hashes are salted; everything else is equal
    strip = lambda rows: {m: [{k: v for k, v in r.items() if k != "password_hash"} for r in items]  # noqa: E731
                          for m, items in rows.tables.items()}
    assert strip(first) == strip(second)


def test_counts_per_citizen(built, session: Session):
    count = lambda model: session.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
    assert count(Citizen) == 12
    assert count(Meeting) == 3 * 12  # two held, one planned
    assert count(Action) == 10 * 12
    assert count(UserAccount) == 5 + 1  # staff and the administrator
    assert built.rows["action"] == 10 * 12


def test_every_agreement_has_one_owner_in_its_citizens_network(built, session: Session):
    rows = session.execute(
        select(Action, Person).outerjoin(Person, Person.id == Action.owner_person_id)
    ).all()
    for action, owner in rows:
        assert action.owner_is_citizen != (owner is not None)
        if owner is not None:
            assert owner.citizen_id == action.citizen_id
        assert (action.status == "done") == (action.done_on is not None)


def test_history_matches_the_agreements(built, session: Session):
    events = session.execute(select(ActionEvent)).scalars().all()
    actions = {a.id: a for a in session.execute(select(Action)).scalars()}
    created = [e for e in events if e.kind == "created"]
    assert sorted(e.action_id for e in created) == sorted(actions)
    handed = {e.action_id: e for e in events if e.kind == "owner_changed"}
    for event in created:
        action = actions[event.action_id]
        current = "citizen" if action.owner_is_citizen else f"person:{action.owner_person_id}"
        if event.action_id in handed:  # created for someone else, handed over later
            assert handed[event.action_id].from_value == event.to_value
            assert handed[event.action_id].to_value == current
        else:
            assert event.to_value == current
    changed = {e.action_id for e in events if e.kind == "status"}
    assert changed == {a.id for a in actions.values() if a.status != "open"}


def test_goals_teams_and_meetings_keep_the_rules(built, session: Session):
    active = session.execute(
        select(Goal.citizen_id, func.count()).where(Goal.status == "active").group_by(Goal.citizen_id)
    ).all()
    assert all(n <= MAX_ACTIVE_GOALS for _, n in active)
    teams = set(session.execute(select(TeamMembership.citizen_id, TeamMembership.user_id)).all())
    linked = set(session.execute(
        select(Person.citizen_id, Person.user_id).where(Person.user_id.is_not(None))
    ).all())
    assert linked == teams  # a linked professional is on the team, as team._link makes it
    for citizen in session.execute(select(Citizen)).scalars():
        contact = session.get(Person, citizen.contact_person_id)
        assert contact.citizen_id == citizen.id and contact.is_coordinator
    for meeting in session.execute(select(Meeting)).scalars():
        invited = set(session.execute(
            select(MeetingParticipant.person_id).where(MeetingParticipant.meeting_id == meeting.id)
        ).scalars())
        assert {meeting.leader_person_id, meeting.note_taker_person_id} <= invited


def test_the_domain_reads_the_built_database(built):
    with session_scope() as s:
        user = s.get(UserAccount, built.bench_user_id)
        actor = Actor.from_user(user)
    with session_scope(write=True) as s:
        plan = load_joint_plan(session=s, actor=actor, citizen_id=built.citizen_id)
        mine = my_agreements(session=s, actor=actor, on=DAY, include_done=False)
    assert len(plan.meetings) == 3 and len(plan.actions) == 10
    assert len(mine) == built.heavy_open_agreements <= HEAVY_OPEN_AGREEMENTS
    assert built.heavy_open_agreements > 0


def test_the_typical_user_owns_the_median_number_of_agreements(built):
    """The pages are measured for this user: as many staff own more open agreements as fewer."""
    with session_scope() as s:
        owners = s.execute(
            select(Person.user_id, func.count())
            .join(Action, Action.owner_person_id == Person.id)
            .where(col(Person.user_id).is_not(None), col(Action.status).in_(("open", "in_progress")))
            .group_by(Person.user_id)
        ).all()
        typical = Actor.from_user(s.get(UserAccount, built.typical_user_id))
    with session_scope(write=True) as s:
        mine = my_agreements(session=s, actor=typical, on=DAY, include_done=False)
        load_joint_plan(session=s, actor=typical, citizen_id=built.typical_citizen_id)  # on the team
    counts = dict(owners)
    assert len(mine) == counts[built.typical_user_id] == built.typical_open_agreements
    others = [n for user, n in counts.items() if user != built.bench_user_id]
    assert sum(n < built.typical_open_agreements for n in others) <= len(others) // 2
    assert sum(n > built.typical_open_agreements for n in others) <= len(others) // 2
    assert built.typical_open_agreements <= built.heavy_open_agreements  # the bench user owns the most
