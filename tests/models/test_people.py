"""Citizen, contact person, team and private network (models/people.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.access import Actor
from models.db import session_scope
from models.errors import AccessDenied, NotFound, StaleVersion, UserError
from models.people import (
    add_person,
    create_citizen,
    remove_person,
    set_contact_person,
    update_citizen,
    update_person,
)
from models.plans import load_joint_plan
from models.tables import AuditEvent, Citizen, Person, TeamMembership, today
from tests.factories import make_citizen, make_user


@pytest.fixture
def staff(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus", full_name="Rasmus Holm", email="rasmus@kommune.dk")
    return Actor.from_user(user)


@pytest.fixture
def citizen_id(staff):
    with session_scope(write=True) as s:
        return create_citizen(session=s, actor=staff, name="  Ditte   Mikkelsen ", phone="+45 12 34 56 78").id


def _plan(actor, citizen_id):
    with session_scope() as s:
        return load_joint_plan(session=s, actor=actor, citizen_id=citizen_id)


def test_creating_a_citizen_puts_the_creator_on_the_team_and_audits_it(staff, citizen_id):
    plan = _plan(staff, citizen_id)
    assert plan.citizen.name == "Ditte   Mikkelsen"  # one line, trimmed, otherwise as typed
    with session_scope() as s:
        member = s.execute(select(TeamMembership).where(TeamMembership.citizen_id == citizen_id)).scalar_one()
        audit = s.execute(select(AuditEvent).where(AuditEvent.action == "citizen.create")).scalar_one()
    assert member.user_id == staff.user_id and member.ended_at is None
    assert audit.outcome == "ok" and audit.citizen_id == citizen_id


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"name": "   "}, "error.required"),  # a name is the one required field
        ({"name": "Ditte", "phone": "ring mig"}, "before.error.bad_phone"),
        ({"name": "Ditte", "email": "ditte@"}, "error.bad_email"),
        ({"name": "Ditte", "birth_date": today() + timedelta(days=1)}, "before.error.bad_birth_date"),
        ({"name": "Ditte", "birth_date": "2001-02-30"}, "error.bad_date"),  # impossible date
    ],
)
def test_bad_citizen_input_gets_a_danish_message(staff, values, key):
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        create_citizen(session=s, actor=staff, **values)
    assert caught.value.key == key
    assert "»" in str(caught.value) or "." in str(caught.value)  # a Danish sentence, not a key
    with session_scope() as s:
        assert s.execute(select(Citizen)).first() is None


def test_a_citizen_link_cannot_create_citizens(db_url):
    link = Actor(user_id=None, username="link", full_name="Borger", role="citizen_link", link_citizen_id=1)
    with pytest.raises(UserError), session_scope(write=True) as s:
        create_citizen(session=s, actor=link, name="Ditte")


def test_editing_a_citizen_uses_the_version_seen(staff, citizen_id):
    with session_scope(write=True) as s:
        saved = update_citizen(session=s, actor=staff, citizen_id=citizen_id, seen_version=1,
                               name="Ditte M.", email="Ditte@Example.dk", birth_date="2001-03-14")
    assert saved.version == 2
    plan = _plan(staff, citizen_id)
    assert (plan.citizen.name, plan.citizen.email, plan.citizen.birth_date) == (
        "Ditte M.", "ditte@example.dk", date(2001, 3, 14))
    with pytest.raises(StaleVersion), session_scope(write=True) as s:
        update_citizen(session=s, actor=staff, citizen_id=citizen_id, seen_version=1, name="Gammel")


def test_an_outsider_cannot_edit_and_the_refusal_is_audited(staff, citizen_id):
    with session_scope(write=True) as s:
        outsider = Actor.from_user(make_user(s, username="olga"))
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        update_citizen(session=s, actor=outsider, citizen_id=citizen_id, seen_version=1, name="X")
    with session_scope() as s:
        denied = s.execute(select(AuditEvent).where(AuditEvent.outcome == "denied")).scalars().all()
    assert [d.action for d in denied] == ["citizen.write"]


def test_the_contact_person_is_an_active_member_of_team_or_network(staff, citizen_id):
    with session_scope(write=True) as s:
        mother = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="private",
                            name="Lone Mikkelsen", relation="mor")
        set_contact_person(session=s, actor=staff, citizen_id=citizen_id, person_id=mother.id)
    assert _plan(staff, citizen_id).contact_person.name == "Lone Mikkelsen"
    with session_scope(write=True) as s:
        other = make_citizen(s, name="Anden Borger")
        stranger = Person(citizen_id=other.id, name="Fremmed", kind="private")
        s.add(stranger)
        s.flush()
        stranger_id = stranger.id
    with pytest.raises(NotFound), session_scope(write=True) as s:
        set_contact_person(session=s, actor=staff, citizen_id=citizen_id, person_id=stranger_id)
    # Removing the contact person clears the choice: a removed person cannot be called.
    with session_scope(write=True) as s:
        remove_person(session=s, actor=staff, person_id=mother.id)
    assert _plan(staff, citizen_id).contact_person is None


def test_one_coordinator_and_one_deputy_at_a_time(staff, citizen_id):
    with session_scope(write=True) as s:
        first = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                           name="Rasmus Holm", department="Jobcenter", is_coordinator=True)
        deputy = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                            name="Sara Berg", department="Socialafdelingen", is_deputy=True)
        second = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                            name="Ali Khan", department=" jobcenter ", is_coordinator=True)
    people = {p.id: p for p in _plan(staff, citizen_id).people}
    assert not people[first.id].is_coordinator and people[second.id].is_coordinator
    assert people[deputy.id].is_deputy
    assert people[second.id].department == "Jobcenter"  # the same department, not a new one
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        update_person(session=s, actor=staff, person_id=deputy.id, seen_version=1, name="Sara Berg",
                      department="Socialafdelingen", is_coordinator=True, is_deputy=True)
    assert caught.value.key == "before.error.coordinator_is_deputy"
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        add_person(session=s, actor=staff, citizen_id=citizen_id, kind="private", name="Mor",
                   is_coordinator=True)
    assert caught.value.key == "before.error.coordinator_private"


def test_removing_and_re_adding_keeps_the_history(staff, citizen_id):
    with session_scope(write=True) as s:
        first = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                           name="Rasmus Holm", department="Jobcenter", added_on=today() - timedelta(days=30))
        remove_person(session=s, actor=staff, person_id=first.id, on=today() - timedelta(days=10))
        again = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                           name="Rasmus Holm", department="Jobcenter")
    rows = [p for p in _plan(staff, citizen_id).people if p.name == "Rasmus Holm"]
    assert [(p.id, p.removed_on) for p in rows] == [
        (first.id, today() - timedelta(days=10)), (again.id, None)]
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        update_person(session=s, actor=staff, person_id=first.id, seen_version=2, name="X")
    assert caught.value.key == "before.error.person_removed"
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        remove_person(session=s, actor=staff, person_id=again.id, on=today() - timedelta(days=1))
    assert caught.value.key == "before.error.removed_before_added"


def test_linking_a_professional_to_a_user_account_gives_that_user_access(staff, citizen_id):
    with session_scope(write=True) as s:
        sara = make_user(s, username="sara", full_name="Sara Berg")
        add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional", name="Sara Berg",
                   department="Socialafdelingen", user_id=sara.id)
    sara_actor = Actor.from_user(sara)
    assert _plan(sara_actor, citizen_id).people[0].user_id == sara.id


def test_taking_a_professional_off_the_team_ends_the_access_that_came_with_them(staff, citizen_id):
    with session_scope(write=True) as s:
        sara = make_user(s, username="sara", full_name="Sara Berg")
        added = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                           name="Sara Berg", department="Socialafdelingen", user_id=sara.id)
    with session_scope(write=True) as s:
        remove_person(session=s, actor=staff, person_id=added.id)
    with pytest.raises(AccessDenied):
        _plan(Actor.from_user(sara), citizen_id)
    with session_scope() as s:
        ended = s.execute(select(TeamMembership).where(TeamMembership.user_id == sara.id)).scalar_one()
    assert ended.ended_at is not None and ended.end_reason == "Taget af borgerens team"


# --- Phone numbers (issue 18): Danish numbers, saved in one shape ----------------------------


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("12345678", "12 34 56 78"),  # eight digits in a row
        ("12 34 56 78", "12 34 56 78"),  # the usual Danish grouping
        ("1234 5678", "12 34 56 78"),  # another grouping people type
        ("+4512345678", "+45 12 34 56 78"),  # with the country code
        (" +45 12 34 56 78 ", "+45 12 34 56 78"),  # spaces around
        ("0045 12 34 56 78", "+45 12 34 56 78"),  # the country code as dialled from abroad
        ("", None),  # optional: empty is no number
        ("   ", None),  # whitespace only is empty too
        (None, None),
    ],
)
def test_a_professionals_danish_phone_number_is_saved_in_one_shape(staff, citizen_id, typed, saved):
    with session_scope(write=True) as s:
        added = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                           name="Helle Friis", department="Socialafdelingen", phone=typed)  # fmt: skip
    with session_scope() as s:
        assert s.get(Person, added.id).phone == saved


@pytest.mark.parametrize(
    "typed",
    [
        "ring mig",  # words
        "1234567",  # seven digits
        "123456789",  # nine digits
        "+46 12 34 56 78",  # a Swedish number: the rule is Danish numbers
        "12-34-56-78",  # hyphens: only spaces are allowed between the digits
        "+45",  # the country code alone
        "٤٥١٢٣٤٥٦",  # Arabic-Indic digits look like digits to str.isdigit
    ],
)
def test_anything_else_is_refused_in_danish_and_nothing_is_saved(staff, citizen_id, typed):
    with session_scope(write=True) as s:
        helle = add_person(session=s, actor=staff, citizen_id=citizen_id, kind="professional",
                           name="Helle Friis", department="Socialafdelingen", phone="12345678")  # fmt: skip
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        update_person(session=s, actor=staff, person_id=helle.id, seen_version=1, name="Helle Jensen",
                      department="Socialafdelingen", phone=typed)  # fmt: skip
    assert caught.value.key == "before.error.bad_phone"
    message = str(caught.value)
    assert f"»{typed}« er ikke et dansk telefonnummer" in message and "8 cifre" in message
    with pytest.raises(UserError), session_scope(write=True) as s:
        add_person(session=s, actor=staff, citizen_id=citizen_id, kind="private", name="Lone", phone=typed)
    with session_scope() as s:
        person = s.get(Person, helle.id)
        assert (person.name, person.phone, person.version) == ("Helle Friis", "12 34 56 78", 1)  # untouched
        people = s.exec(select(Person).where(Person.citizen_id == citizen_id)).all()
        assert [p.name for p in people] == ["Helle Friis"]
