from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.access import Actor
from models.actions import create_agreement, hand_over, move_due_date, set_action_status, update_agreement
from models.db import session_scope
from models.errors import AccessDenied, StaleVersion, UserError
from models.tables import Action, ActionEvent, AuditEvent, today
from tests.factories import make_citizen, make_membership, make_person, make_user


@pytest.fixture
def team(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        outsider = make_user(s, username="olga")
        citizen = make_citizen(s)
        other_citizen = make_citizen(s, name="Bo Andersen")
        rasmus = make_person(s, citizen=citizen, name="Rasmus Holm", user=user)
        mother = make_person(s, citizen=citizen, name="Lone", kind="private", relation="mor")
        stranger = make_person(s, citizen=other_citizen, name="Fremmed")
        make_membership(s, citizen=citizen, user=user, person=rasmus)
    return {
        "actor": Actor.from_user(user), "outsider": Actor.from_user(outsider), "citizen": citizen,
        "rasmus": rasmus, "mother": mother, "stranger": stranger,
    }


def _create(team, **kwargs):
    args = {"text": "Ringe til børnehaven", "owner_person_id": team["rasmus"].id,
            "due_on": today() + timedelta(days=14)} | kwargs
    with session_scope(write=True) as s:
        return create_agreement(session=s, actor=team["actor"], citizen_id=team["citizen"].id, **args)


def _events(action_id):
    with session_scope() as s:
        return s.execute(
            select(ActionEvent.kind, ActionEvent.from_value, ActionEvent.to_value, ActionEvent.note)
            .where(ActionEvent.action_id == action_id).order_by(ActionEvent.id)
        ).all()


def test_an_agreement_is_created_with_one_owner_and_a_history(team):
    saved = _create(team, text="Ringe til børnehaven\r\nSolsikken\x00")
    with session_scope() as s:
        row = s.get(Action, saved.id)
    assert row.text == "Ringe til børnehaven\nSolsikken"  # sanitised, kept verbatim otherwise
    assert [e.kind for e in _events(saved.id)] == ["created"]


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"owner_is_citizen": True}, "agreement.one_owner"),  # both the citizen and Rasmus
        ({"text": "   "}, "error.required"),  # whitespace only is no agreement
        ({"text": "x" * 10_001}, "error.too_long"),
    ],
)
def test_bad_agreements_are_refused_in_danish(team, kwargs, key):
    with pytest.raises(UserError) as caught:
        _create(team, **kwargs)
    assert caught.value.key == key


def test_the_owner_must_be_in_the_citizens_own_network(team):
    with pytest.raises(UserError) as caught:
        _create(team, owner_person_id=team["stranger"].id)
    assert caught.value.key == "agreement.owner_not_in_network"


def test_done_sets_the_date_and_dropping_needs_a_reason(team):
    saved = _create(team)
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        set_action_status(session=s, actor=team["actor"], action_id=saved.id, seen_version=saved.version,
                          status="cancelled", note="")
    assert caught.value.key == "agreement.reason_required"
    with session_scope(write=True) as s:
        done = set_action_status(session=s, actor=team["actor"], action_id=saved.id,
                                 seen_version=saved.version,
                                 status="done", note="Klaret", on=date(2026, 11, 20))
    with session_scope() as s:
        row = s.get(Action, saved.id)
    assert (row.status, row.done_on, row.version) == ("done", date(2026, 11, 20), done.version)
    assert _events(saved.id)[-1] == ("status", "open", "done", "Klaret")


def test_a_second_save_from_an_old_version_is_refused_and_changes_nothing(team):
    saved = _create(team)
    with session_scope(write=True) as s:
        set_action_status(session=s, actor=team["actor"], action_id=saved.id, seen_version=saved.version,
                          status="in_progress")
    with pytest.raises(StaleVersion), session_scope(write=True) as s:
        update_agreement(session=s, actor=team["actor"], action_id=saved.id, seen_version=saved.version,
                         text="Min ændring", goal_id=None, owner_person_id=team["rasmus"].id,
                         owner_is_citizen=False, due_on=None, trial=False)
    with session_scope() as s:
        row = s.get(Action, saved.id)
    assert row.text == "Ringe til børnehaven" and row.status == "in_progress"
    assert [e.kind for e in _events(saved.id)] == ["created", "status"]


def test_moving_the_date_and_handing_over_are_recorded_with_their_reasons(team):
    saved = _create(team, due_on=date(2026, 12, 1))
    with session_scope(write=True) as s:
        moved = move_due_date(session=s, actor=team["actor"], action_id=saved.id, seen_version=saved.version,
                              due_on=date(2026, 12, 15), reason="Venter på lægen")
    with session_scope(write=True) as s:
        hand_over(session=s, actor=team["actor"], action_id=saved.id, seen_version=moved.version,
                  owner_person_id=None, owner_is_citizen=True, reason="Ditte vil selv")
    assert _events(saved.id)[1:] == [
        ("due_moved", "2026-12-01", "2026-12-15", "Venter på lægen"),
        ("owner_changed", f"person:{team['rasmus'].id}", "citizen", "Ditte vil selv"),
    ]


def test_someone_off_the_team_can_change_nothing_and_the_refusal_is_audited(team):
    saved = _create(team)
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        set_action_status(session=s, actor=team["outsider"], action_id=saved.id, seen_version=saved.version,
                          status="done")
    with session_scope() as s:
        denied = s.execute(select(AuditEvent).where(AuditEvent.outcome == "denied")).scalars().all()
        assert s.get(Action, saved.id).status == "open"
    assert [(d.action, d.user_id, d.entity_id) for d in denied] == [
        ("action.status", team["outsider"].user_id, saved.id)
    ]
