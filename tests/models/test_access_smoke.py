import pytest
from sqlmodel import select

from models.access import Actor, authorize
from models.db import session_scope
from models.errors import AccessDenied
from models.tables import AuditEvent, Citizen, TeamMembership, UserAccount


def test_denied_read_is_audited_even_though_the_work_rolls_back(db_url):
    with session_scope(write=True) as s:
        user = UserAccount(username="u", full_name="U", password_hash="x")
        other = Citizen(name="Anna")
        s.add_all([user, other])
        s.flush()
        actor = Actor.from_user(user)
        citizen_id = other.id
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        authorize(s, actor=actor, citizen_id=citizen_id, action="plan.read")
    with session_scope() as s:
        rows = s.exec(select(AuditEvent)).all()
    assert [(r.action, r.outcome, r.citizen_id) for r in rows] == [
        ("plan.read", "denied", citizen_id)
    ]


def test_team_member_read_is_audited_in_the_same_transaction(db_url):
    with session_scope(write=True) as s:
        user = UserAccount(username="u", full_name="U", password_hash="x")
        c = Citizen(name="Anna")
        s.add_all([user, c])
        s.flush()
        s.add(TeamMembership(citizen_id=c.id, user_id=user.id))
        actor, citizen_id = Actor.from_user(user), c.id
    with session_scope() as s:
        authorize(s, actor=actor, citizen_id=citizen_id, action="plan.read")
    with session_scope() as s:
        assert s.exec(select(AuditEvent.outcome)).all() == ["ok"]
