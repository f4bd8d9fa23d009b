"""Reading from an already-authorised plan (issue 9): the lean loader and the `*_for_plan` /
`*_in_plan` variants give what the old calls give, and refuse whom the old calls refuse."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.access import Actor
from models.citizen_links import list_citizen_links, list_citizen_links_for_plan
from models.db import session_scope
from models.errors import AccessDenied, NotFound
from models.meetings import double_bookings, double_bookings_in_plan
from models.people import person_version
from models.plan_history import list_plan_versions, list_plan_versions_for_plan
from models.plans import _load, load_joint_plan, person_version_in_plan
from models.rights import access_log, access_log_for_plan
from models.tables import AuditEvent, Citizen
from tests.factories import make_citizen, make_meeting, make_membership, make_person, make_user


@pytest.fixture
def team(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        colleague = make_user(s, username="tove")
        outsider = make_user(s, username="olga")
        citizen = make_citizen(s, name="Ditte")
        other = make_citizen(s, name="Bo")
        rasmus = make_person(s, citizen=citizen, name="Rasmus", user=user, is_coordinator=True)
        tove = make_person(s, citizen=citizen, name="Tove", user=colleague)
        make_membership(s, citizen=citizen, user=user, person=rasmus)
        make_membership(s, citizen=citizen, user=colleague, person=tove)
        meeting = make_meeting(s, citizen=citizen, status="planned", participants=(rasmus, tove))
        # Tove has another meeting at the same time with Bo: a double booking.
        bo_tove = make_person(s, citizen=other, name="Tove", user=colleague)
        make_meeting(s, citizen=other, status="planned", participants=(bo_tove,), starts_at=meeting.starts_at)
    return {"citizen": citizen.id, "meeting": meeting.id, "rasmus": rasmus.id,
            "user": Actor.from_user(user), "colleague": Actor.from_user(colleague),
            "outsider": Actor.from_user(outsider),
            "link": Actor(None, "link", "Ditte", "citizen_link", link_citizen_id=citizen.id)}


def _audits(citizen_id):
    with session_scope() as s:
        return s.execute(select(AuditEvent.action, AuditEvent.outcome)
                         .where(AuditEvent.citizen_id == citizen_id).order_by(AuditEvent.id)).all()


def test_the_lean_loader_gives_the_same_plan_and_one_audit_row(team):
    cid, actor = team["citizen"], team["user"]
    with session_scope() as s:  # the reference: everything read the plain way, no audit
        old = _load(s, s.get(Citizen, cid))
    before = len(_audits(cid))
    with session_scope() as s:
        new = load_joint_plan(session=s, actor=actor, citizen_id=cid, purpose="prepare.read")
    assert new == old
    assert _audits(cid)[before:] == [("prepare.read", "ok")]


@pytest.mark.parametrize("who", ["outsider", "link"])
def test_the_lean_loader_refuses_like_the_old_one(team, who):
    with pytest.raises(AccessDenied), session_scope() as s:
        load_joint_plan(session=s, actor=team[who], citizen_id=team["citizen"], purpose="prepare.read")
    with pytest.raises(AccessDenied), session_scope() as s:
        load_joint_plan(session=s, actor=team["user"], citizen_id=999_999)
    assert _audits(team["citizen"])[-1] == ("prepare.read", "denied")


def test_the_plan_variants_give_what_the_old_calls_give(team):
    cid, actor = team["citizen"], team["user"]
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=actor, citizen_id=cid)
        assert list_plan_versions_for_plan(session=s, actor=actor, plan=plan) == list_plan_versions(
            session=s, actor=actor, citizen_id=cid)
        assert list_citizen_links_for_plan(session=s, actor=actor, plan=plan) == list_citizen_links(
            session=s, actor=actor, citizen_id=cid)
        clashes = double_bookings_in_plan(session=s, actor=actor, plan=plan, meeting_id=team["meeting"])
        assert clashes == double_bookings(session=s, actor=actor, meeting_id=team["meeting"])
        assert [c.person_name for c in clashes] == ["Tove"]
        assert person_version_in_plan(session=s, actor=actor, plan=plan, person_id=team["rasmus"]) == \
            person_version(session=s, actor=actor, person_id=team["rasmus"])
        with pytest.raises(NotFound):
            person_version_in_plan(session=s, actor=actor, plan=plan, person_id=999_999)
    with session_scope(write=True) as s:
        log = access_log_for_plan(session=s, actor=actor, plan=plan)
    assert log[0].action == "audit.read"
    with session_scope(write=True) as s:
        assert [e.action for e in access_log(session=s, actor=actor, citizen_id=cid)][1:] == \
            [e.action for e in log]


def test_the_plan_variants_refuse_whom_the_old_calls_refuse(team):
    cid = team["citizen"]
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=team["user"], citizen_id=cid)
    link = team["link"]
    calls = [
        lambda s: list_plan_versions_for_plan(session=s, actor=link, plan=plan),
        lambda s: list_citizen_links_for_plan(session=s, actor=link, plan=plan),
        lambda s: double_bookings_in_plan(session=s, actor=link, plan=plan, meeting_id=team["meeting"]),
        lambda s: person_version_in_plan(session=s, actor=link, plan=plan, person_id=team["rasmus"]),
        lambda s: access_log_for_plan(session=s, actor=link, plan=plan),
        # Tove is on the team but neither coordinator nor deputy: no access log, as before.
        lambda s: access_log_for_plan(session=s, actor=team["colleague"], plan=plan),
    ]
    for call in calls:
        with pytest.raises(AccessDenied), session_scope() as s:
            call(s)
    with pytest.raises(AccessDenied), session_scope() as s:
        access_log(session=s, actor=team["colleague"], citizen_id=cid)
    denied = [action for action, outcome in _audits(cid) if outcome == "denied"]
    assert denied == ["plan.history", "link.list", "meeting.read", "person.read", "audit.read", "audit.read",
                      "audit.read"]
