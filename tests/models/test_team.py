import pytest
from sqlmodel import select

from models.access import may_access
from models.db import session_scope
from models.errors import AccessDenied, NotFound, UserError
from models.tables import AuditEvent, Person, TeamMembership
from models.team import (
    add_team_member,
    end_team_membership,
    link_matching_users,
    link_user_to_people,
    team_history,
)
from models.users import create_user
from tests.factories import PASSWORD, make_actor, make_citizen, make_membership, make_person, make_user


@pytest.fixture
def world(db_url):
    """An admin, a staff user (Rasmus) and a citizen with Rasmus among her professionals."""
    with session_scope(write=True) as s:
        admin = make_user(s, username="admin", full_name="Anne Admin", role="admin")
        rasmus = make_user(s, username="rasmus", email="rasmus.holm@kommune.example")
        citizen = make_citizen(s)
        person = make_person(s, citizen=citizen, name="Rasmus Holm", department="Jobcenter")
        return {
            "admin": make_actor(admin),
            "rasmus": make_actor(rasmus),
            "citizen_id": citizen.id,
            "person_id": person.id,
        }


def _audit(action):
    with session_scope() as s:
        return s.exec(select(AuditEvent.outcome).where(AuditEvent.action == action)).all()


def test_admin_adds_a_member_once_and_the_member_gets_access(world):
    with session_scope(write=True) as s:
        first = add_team_member(
            session=s, actor=world["admin"], citizen_id=world["citizen_id"],
            user_id=world["rasmus"].user_id, person_id=world["person_id"],
        )
    with session_scope(write=True) as s:
        # adding an active member again changes nothing
        again = add_team_member(
            session=s, actor=world["admin"], citizen_id=world["citizen_id"], user_id=world["rasmus"].user_id
        )
    assert again.id == first.id and first.is_active
    assert (first.username, first.person_name) == ("rasmus", "Rasmus Holm")
    with session_scope() as s:
        assert s.get(Person, world["person_id"]).user_id == world["rasmus"].user_id
        assert len(s.exec(select(TeamMembership)).all()) == 1
        assert may_access(s, actor=world["rasmus"], citizen_id=world["citizen_id"], action="plan.read")
    assert _audit("team.add") == ["ok"]


def test_staff_cannot_change_a_team_and_the_attempt_is_audited(world):
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        add_team_member(
            session=s, actor=world["rasmus"], citizen_id=world["citizen_id"], user_id=world["rasmus"].user_id
        )
    assert caught.value.key == "error.admin_only"
    with session_scope() as s:
        assert s.exec(select(TeamMembership)).all() == []
    assert _audit("team.add") == ["denied"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"citizen_id": 10_000}, NotFound),  # no such citizen
        ({"user_id": 10_000}, NotFound),  # no such user
        ({"person_id": "other_citizens_person"}, NotFound),  # a person from someone else's network
    ],
)
def test_add_refuses_what_does_not_belong_together(world, change, error):
    with session_scope(write=True) as s:
        other = make_citizen(s, name="Anna")
        stranger = make_person(s, citizen=other, name="Bo Berg")
    args = {"citizen_id": world["citizen_id"], "user_id": world["rasmus"].user_id} | change
    if args.get("person_id") == "other_citizens_person":
        args["person_id"] = stranger.id
    with pytest.raises(error), session_scope(write=True) as s:
        add_team_member(session=s, actor=world["admin"], **args)


def test_a_person_already_linked_to_another_account_is_refused(world):
    with session_scope(write=True) as s:
        other = make_user(s, username="bo")
        s.get(Person, world["person_id"]).user_id = other.id
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        add_team_member(
            session=s, actor=world["admin"], citizen_id=world["citizen_id"],
            user_id=world["rasmus"].user_id, person_id=world["person_id"],
        )
    assert caught.value.key == "exchange.team_person_taken"
    assert "Rasmus Holm" in caught.value.message("da")


def test_ending_keeps_the_history_and_removes_access(world):
    with session_scope(write=True) as s:
        member = add_team_member(
            session=s, actor=world["admin"], citizen_id=world["citizen_id"], user_id=world["rasmus"].user_id
        )
    with session_scope(write=True) as s:
        ended = end_team_membership(
            session=s, actor=world["admin"], membership_id=member.id, reason="  Skiftet afdeling\n"
        )
    with session_scope(write=True) as s:
        # a second click is not an error and does not move the end date
        again = end_team_membership(session=s, actor=world["admin"], membership_id=member.id, reason="x")
    assert not ended.is_active and ended.end_reason == "Skiftet afdeling"
    assert again.ended_at == ended.ended_at and again.end_reason == "Skiftet afdeling"
    with session_scope() as s:
        assert not may_access(s, actor=world["rasmus"], citizen_id=world["citizen_id"], action="plan.read")
        history = team_history(session=s, actor=world["admin"], citizen_id=world["citizen_id"])
    assert [(h.id, h.is_active) for h in history] == [(member.id, False)]
    assert _audit("team.end") == ["ok"]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_ending_needs_a_reason_of_sensible_length(world, reason):
    with session_scope(write=True) as s:
        member = add_team_member(
            session=s, actor=world["admin"], citizen_id=world["citizen_id"], user_id=world["rasmus"].user_id
        )
    with pytest.raises(UserError), session_scope(write=True) as s:
        end_team_membership(session=s, actor=world["admin"], membership_id=member.id, reason=reason)
    with session_scope() as s:
        assert s.get(TeamMembership, member.id).ended_at is None


def test_staff_cannot_end_a_membership(world):
    with session_scope(write=True) as s:
        member = add_team_member(
            session=s, actor=world["admin"], citizen_id=world["citizen_id"], user_id=world["rasmus"].user_id
        )
    with pytest.raises(UserError), session_scope(write=True) as s:
        end_team_membership(session=s, actor=world["rasmus"], membership_id=member.id, reason="ud")
    assert _audit("team.end") == ["denied"]


def test_history_is_only_for_those_who_may_see_the_citizen(world):
    with pytest.raises(AccessDenied), session_scope() as s:
        team_history(session=s, actor=world["rasmus"], citizen_id=world["citizen_id"])


def test_link_matching_users_matches_e_mail_case_insensitively_and_only_professionals(world):
    with session_scope(write=True) as s:
        citizen = make_citizen(s, name="Anna")
        pro = make_person(s, citizen=citizen, email="  Rasmus.Holm@KOMMUNE.example ")
        private = make_person(s, citizen=citizen, kind="private", relation="ven",
                              email="rasmus.holm@kommune.example")
        nobody = make_person(s, citizen=citizen, name="Tove Lund", email="tove@kommune.example")
        gone = make_user(s, username="gone", email="tove@kommune.example", is_active=False)
        assert gone.id
    with session_scope(write=True) as s:
        assert link_matching_users(session=s, citizen_id=citizen.id) == 1
    with session_scope(write=True) as s:
        assert link_matching_users(session=s, citizen_id=citizen.id) == 0  # already done
    with session_scope() as s:
        assert s.get(Person, pro.id).user_id == world["rasmus"].user_id
        assert s.get(Person, private.id).user_id is None
        assert s.get(Person, nobody.id).user_id is None  # an inactive account is not linked
        assert may_access(s, actor=world["rasmus"], citizen_id=citizen.id, action="plan.read")
    assert _audit("team.link") == ["ok"]


def test_automatic_linking_never_reopens_a_membership_an_admin_ended(world):
    with session_scope(write=True) as s:
        s.get(Person, world["person_id"]).email = "rasmus.holm@kommune.example"
    with session_scope(write=True) as s:
        assert link_matching_users(session=s, citizen_id=world["citizen_id"]) == 1
        membership = s.exec(select(TeamMembership)).one()
    with session_scope(write=True) as s:
        end_team_membership(session=s, actor=world["admin"], membership_id=membership.id, reason="Stoppet")
    with session_scope(write=True) as s:
        assert link_matching_users(session=s, citizen_id=world["citizen_id"]) == 0
        assert link_user_to_people(session=s, user_id=world["rasmus"].user_id) == 0
    with session_scope() as s:
        assert not may_access(s, actor=world["rasmus"], citizen_id=world["citizen_id"], action="plan.read")


def test_a_new_account_joins_every_team_where_a_professional_has_its_e_mail(db_url):
    with session_scope(write=True) as s:
        first, second, third = (make_citizen(s, name=n) for n in ("Anna", "Bo", "Cecilie"))
        for citizen in (first, second):
            make_person(s, citizen=citizen, name="Mette Skov", email="Mette.Skov@kommune.example")
        make_person(s, citizen=third, name="Mette Skov", email="mette.skov@kommune.example",
                    removed_on=first.birth_date)  # no longer on Cecilie's team
    with session_scope(write=True) as s:
        user = create_user(session=s, username="mette", full_name="Mette Skov",
                           email="mette.skov@kommune.example", role="staff", password=PASSWORD)
    with session_scope() as s:
        linked = s.exec(select(Person.citizen_id).where(Person.user_id == user.id)).all()
        teams = s.exec(select(TeamMembership.citizen_id).where(TeamMembership.user_id == user.id)).all()
    assert sorted(linked) == sorted(teams) == sorted([first.id, second.id])


def test_link_user_to_people_ignores_people_already_linked_to_someone_else(db_url):
    with session_scope(write=True) as s:
        citizen = make_citizen(s)
        other = make_user(s, username="other")
        person = make_person(s, citizen=citizen, email="x@kommune.example", user=other)
        make_membership(s, citizen=citizen, user=other, person=person)
        user = make_user(s, username="x", email="x@kommune.example")
    with session_scope(write=True) as s:
        assert link_user_to_people(session=s, user_id=user.id) == 0
    with session_scope() as s:
        assert s.get(Person, person.id).user_id == other.id
