"""The department list (issue 25): administrators keep it; consents and team members pick from it
and match by construction, without weakening the consent gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models import departments
from models.consent import record_consent
from models.db import session_scope
from models.errors import UserError
from models.people import add_person, create_citizen
from models.plans import load_joint_plan
from models.tables import AuditEvent, ConsentParty, Department, Person, TeamMembership, today
from tests.factories import make_actor, make_department, make_user


@pytest.fixture
def people(db_url):
    with session_scope(write=True) as s:
        admin = make_actor(make_user(s, username="admin", full_name="Anne Admin", role="admin"))
        staff = make_actor(make_user(s, username="rasmus", full_name="Rasmus Holm"))
    return admin, staff


def _names(include_retired=False):
    with session_scope() as s:
        return [d.name for d in departments.list_departments(session=s, include_retired=include_retired)]


def test_administrators_add_rename_and_retire_and_every_change_is_audited(people):
    admin, _ = people
    with session_scope(write=True) as s:
        job = departments.add_department(session=s, actor=admin, name="  Jobcenter   Vest ")
        departments.add_department(session=s, actor=admin, name="Familieafdelingen")
    assert _names() == ["Familieafdelingen", "Jobcenter Vest"]  # spacing tidied
    with session_scope(write=True) as s:
        departments.rename_department(session=s, actor=admin, department_id=job.id, name="Jobcenter")
        departments.retire_department(session=s, actor=admin, department_id=job.id)
        departments.retire_department(session=s, actor=admin, department_id=job.id)  # idempotent
    assert _names() == ["Familieafdelingen"]  # a retired one is not offered
    assert _names(include_retired=True) == ["Familieafdelingen", "Jobcenter"]
    with session_scope() as s:
        actions = s.execute(select(AuditEvent.action).where(AuditEvent.entity == "department")).scalars()
        actions = list(actions)
    assert sorted(actions) == ["department.add", "department.add", "department.rename", "department.retire"]


@pytest.mark.parametrize(
    "name",
    [
        "jobcenter",  # case
        " Jobcenter ",  # spacing around
        "JOBCENTER",  # all caps
    ],
)
def test_a_name_already_on_the_list_is_refused_whatever_its_case_and_spacing(people, name):
    admin, _ = people
    with session_scope(write=True) as s:
        departments.add_department(session=s, actor=admin, name="Jobcenter")
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        departments.add_department(session=s, actor=admin, name=name)
    assert caught.value.key == "prep25.error.department_exists"


def test_staff_cannot_change_the_list_and_the_refusal_is_audited(people):
    admin, staff = people
    with session_scope(write=True) as s:
        job = departments.add_department(session=s, actor=admin, name="Jobcenter")
    for change in (
        lambda s: departments.add_department(session=s, actor=staff, name="Psykiatrien"),
        lambda s: departments.rename_department(session=s, actor=staff, department_id=job.id, name="X"),
        lambda s: departments.retire_department(session=s, actor=staff, department_id=job.id),
    ):
        with pytest.raises(UserError) as caught, session_scope(write=True) as s:
            change(s)
        assert caught.value.key == "error.admin_only"
    assert _names() == ["Jobcenter"]
    with session_scope() as s:
        denied = s.execute(select(AuditEvent).where(AuditEvent.outcome == "denied")).scalars().all()
    assert len(denied) == 3


def _citizen_with_worker(staff, department):
    with session_scope(write=True) as s:
        cid = create_citizen(session=s, actor=staff, name="Ditte Mikkelsen").id
        add_person(session=s, actor=staff, citizen_id=cid, kind="professional", name="Ali Khan",
                   department=department)
    return cid


def _uncovered(staff, cid):
    from models.consent import uncovered_people

    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=staff, citizen_id=cid)
    return [p.name for p in uncovered_people(people=plan.people, consents=plan.consents, on=today())]


def _consent(staff, cid, parties, **kw):
    with session_scope(write=True) as s:
        record_consent(session=s, actor=staff, citizen_id=cid, kind="sharing", parties=parties, scope=None,
                       form="written", given_on=kw.get("given_on", today()), expires_on=kw.get("expires_on"))


@pytest.mark.parametrize(
    ("worker_department", "consent_party", "covered"),
    [
        ("Jobcenter", "Jobcenter", True),  # picked from the list on both sides
        ("Jobcenter", "  jobcenter ", True),  # typed: case and spacing ignored, still the list's one
        ("Jobcenter", "Job center", False),  # a different word is a different party
        ("Jobcenter", "Psykiatrien", False),  # another department
        ("jobcenter", "JOBCENTER", True),  # the worker's typed department is the list's too
    ],
)
def test_a_consent_party_matches_a_team_members_department_tolerantly(
    people, worker_department, consent_party, covered
):
    admin, staff = people
    with session_scope(write=True) as s:
        departments.add_department(session=s, actor=admin, name="Jobcenter")
        departments.add_department(session=s, actor=admin, name="Psykiatrien")
    cid = _citizen_with_worker(staff, worker_department)
    _consent(staff, cid, [consent_party])
    assert _uncovered(staff, cid) == ([] if covered else ["Ali Khan"])
    with session_scope() as s:
        assert s.execute(select(Department)).scalars().all().__len__() == 2  # no stray "jobcenter" row


def test_a_party_picked_from_the_list_keeps_covering_after_a_rename_and_a_retirement(people):
    admin, staff = people
    with session_scope(write=True) as s:
        job = departments.add_department(session=s, actor=admin, name="Jobcenter")
    cid = _citizen_with_worker(staff, "Jobcenter")
    _consent(staff, cid, ["Jobcenter"])
    with session_scope() as s:
        party = s.execute(select(ConsentParty)).scalar_one()
    assert party.department_id == job.id and party.name == "Jobcenter"  # as the citizen gave it
    with session_scope(write=True) as s:
        departments.rename_department(session=s, actor=admin, department_id=job.id, name="Jobcenter Vest")
        departments.retire_department(session=s, actor=admin, department_id=job.id)
    assert _uncovered(staff, cid) == []  # same department, new name, retired: still covered


def test_the_gate_still_needs_a_valid_consent_for_a_department_from_the_list(people):
    admin, staff = people
    with session_scope(write=True) as s:
        departments.add_department(session=s, actor=admin, name="Jobcenter")
    cid = _citizen_with_worker(staff, "Jobcenter")
    assert _uncovered(staff, cid) == ["Ali Khan"]  # on the list is not consent
    _consent(staff, cid, ["Jobcenter"], given_on=today() - timedelta(days=30), expires_on=today())
    assert _uncovered(staff, cid) == ["Ali Khan"]  # expired today
    _consent(staff, cid, ["Jobcenter"], given_on=today() + timedelta(days=1))
    assert _uncovered(staff, cid) == ["Ali Khan"]  # not given yet


def test_a_legacy_party_without_a_department_id_still_matches_by_name(people):
    """Consents recorded before the list kept ids (and the factories') match by name as before."""
    _, staff = people
    cid = _citizen_with_worker(staff, "Jobcenter")
    _consent(staff, cid, ["Jobcenter"])
    with session_scope(write=True) as s:
        for party in s.execute(select(ConsentParty)).scalars():
            party.department_id = None
            s.add(party)
    assert _uncovered(staff, cid) == []


@pytest.mark.parametrize("answer", [True, False])
def test_the_creator_joins_the_team_and_is_coordinator_only_when_they_say_so(people, answer):
    admin, staff = people
    with session_scope(write=True) as s:
        dep = make_department(s, name="Jobcenter")
        from models.tables import UserAccount

        s.get(UserAccount, staff.user_id).department_id = dep.id
    with session_scope(write=True) as s:
        cid = create_citizen(session=s, actor=staff, name="Ditte", creator_is_coordinator=answer).id
    with session_scope() as s:
        membership = s.execute(select(TeamMembership)).scalar_one()
        pros = s.execute(select(Person)).scalars().all()
        audit = s.execute(select(AuditEvent.action).where(AuditEvent.citizen_id == cid)).scalars().all()
    assert membership.user_id == staff.user_id and membership.ended_at is None  # access either way
    assert "team.add" in audit  # the membership is audited like any other
    if answer:
        (me,) = pros
        assert (me.name, me.user_id, me.is_coordinator, me.department_id) == ("Rasmus Holm", staff.user_id,
                                                                            True, dep.id)
        assert membership.person_id == me.id and "person.add" in audit
    else:
        assert pros == [] and membership.person_id is None


def test_an_unanswered_coordinator_question_creates_nothing(people):
    _, staff = people
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        create_citizen(session=s, actor=staff, name="Ditte", creator_is_coordinator=None)
    assert caught.value.key == "prep25.error.answer_coordinator"
    with session_scope() as s:
        assert s.execute(select(TeamMembership)).first() is None
