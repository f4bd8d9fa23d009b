"""The citizen's own link: random token, only its hash stored, expiry, revocation, audit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlmodel import select

from models.access import may_access
from models.citizen_links import (
    DEFAULT_DAYS,
    VALIDITY_CHOICES,
    create_citizen_link,
    hash_token,
    list_citizen_links,
    load_plan_for_link,
    resolve_citizen_link,
    revoke_citizen_link,
)
from models.db import session_scope
from models.errors import AccessDenied, NotFound, UserError
from models.tables import AuditEvent, CitizenLink, utcnow
from tests.factories import make_actor, make_citizen, make_goal, make_membership, make_user


@pytest.fixture
def team(db_url):
    with session_scope(write=True) as s:
        staff = make_user(s, full_name="Rasmus Holm")
        outsider = make_user(s, full_name="Olga Udenfor")
        ditte = make_citizen(s, name="Ditte Mikkelsen")
        other = make_citizen(s, name="Anna Anden")
        make_membership(s, citizen=ditte, user=staff)
        make_membership(s, citizen=other, user=staff)
        make_goal(s, citizen=ditte, own_words="Jeg vil i praktik.")
        make_goal(s, citizen=other, own_words="Annas hemmelige mål.")
        return make_actor(staff), make_actor(outsider), ditte.id, other.id


def create(actor, citizen_id, **kwargs):
    with session_scope(write=True) as s:
        return create_citizen_link(session=s, actor=actor, citizen_id=citizen_id, **kwargs)


def test_a_link_opens_only_that_citizens_plan(team):
    staff, _, ditte_id, other_id = team
    link = create(staff, ditte_id)
    assert len(link.token) >= 43  # 32 random bytes, base64url: 256 bits (the issue asks >= 128)
    with session_scope() as s:
        plan = load_plan_for_link(session=s, token=link.token)
        actor = resolve_citizen_link(session=s, token=link.token)
        assert [g.own_words for g in plan.goals] == ["Jeg vil i praktik."]
        assert actor.role == "citizen_link" and actor.user_id is None
        assert actor.link_citizen_id == ditte_id
        # The link's actor may read this citizen's plan; nothing of another citizen, no writes.
        assert may_access(s, actor=actor, citizen_id=ditte_id, action="view.plan_by_link")
        assert not may_access(s, actor=actor, citizen_id=other_id, action="view.plan_by_link")
        assert not may_access(s, actor=actor, citizen_id=ditte_id, action="goal.write")


def test_only_the_hash_is_stored_and_tokens_differ(team):
    staff, _, ditte_id, _ = team
    first, second = create(staff, ditte_id), create(staff, ditte_id)
    assert first.token != second.token
    with session_scope() as s:
        stored = s.exec(select(CitizenLink.token_hash)).all()
    assert sorted(stored) == sorted(hashlib.sha256(t.token.encode()).hexdigest() for t in (first, second))
    assert first.token not in stored and hash_token(first.token) in stored


def test_thirty_days_by_default_and_a_chosen_number_of_days(team):
    staff, _, ditte_id, _ = team
    before = utcnow()
    default = create(staff, ditte_id)
    week = create(staff, ditte_id, days=7)
    assert DEFAULT_DAYS == 30
    assert before + timedelta(days=30) <= default.expires_at <= utcnow() + timedelta(days=30)
    assert week.expires_at < default.expires_at


@pytest.mark.parametrize("days", VALIDITY_CHOICES)
def test_every_length_planen_offers_makes_a_link_that_long(team, days):
    staff, _, ditte_id, _ = team
    before = utcnow()
    link = create(staff, ditte_id, days=days)
    assert before + timedelta(days=days) <= link.expires_at <= utcnow() + timedelta(days=days)
    assert DEFAULT_DAYS in VALIDITY_CHOICES


@pytest.mark.parametrize("days", [0, -1, 366, "30", True])  # out of range, or not a whole number
def test_impossible_durations_are_refused_in_danish(team, days):
    staff, _, ditte_id, _ = team
    with pytest.raises(UserError) as error:
        create(staff, ditte_id, days=days)
    assert error.value.key == "link.days_range"


def test_only_the_team_can_create_list_and_revoke(team):
    staff, outsider, ditte_id, _ = team
    link = create(staff, ditte_id)
    with pytest.raises(AccessDenied):
        create(outsider, ditte_id)
    with pytest.raises(AccessDenied), session_scope() as s:
        list_citizen_links(session=s, actor=outsider, citizen_id=ditte_id)
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=outsider, citizen_id=ditte_id, link_id=link.id)
    with session_scope() as s:  # a link cannot make links
        link_actor = resolve_citizen_link(session=s, token=link.token)
    with pytest.raises(AccessDenied):
        create(link_actor, ditte_id)


def test_revoked_expired_and_unknown_tokens_get_nothing(team):
    staff, _, ditte_id, other_id = team
    revoked, expired, alive = create(staff, ditte_id), create(staff, ditte_id), create(staff, ditte_id)
    with session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=staff, citizen_id=ditte_id, link_id=revoked.id)
        revoke_citizen_link(session=s, actor=staff, citizen_id=ditte_id, link_id=revoked.id)  # twice: no-op
        row = s.get(CitizenLink, expired.id)
        row.expires_at = utcnow() - timedelta(seconds=1)
        s.add(row)
    for token in (revoked.token, expired.token, "unknown-token", "", None, 42, alive.token + "x", "x" * 5000):
        with session_scope() as s:
            assert load_plan_for_link(session=s, token=token) is None
    with session_scope() as s:
        assert load_plan_for_link(session=s, token=alive.token) is not None
    # A link of one citizen cannot be revoked through another citizen.
    with pytest.raises(NotFound), session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=staff, citizen_id=other_id, link_id=alive.id)


def test_list_shows_every_link_with_its_state(team):
    staff, _, ditte_id, other_id = team
    old = create(staff, ditte_id)
    new = create(staff, ditte_id)
    create(staff, other_id)
    with session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=staff, citizen_id=ditte_id, link_id=old.id)
    with session_scope() as s:
        links = list_citizen_links(session=s, actor=staff, citizen_id=ditte_id)
    assert [link.id for link in links] == [new.id, old.id]
    assert [link.is_active() for link in links] == [True, False]
    assert links[0].created_by == "Rasmus Holm"


def test_every_view_and_every_refusal_is_audited_without_the_token(team):
    staff, _, ditte_id, _ = team
    link = create(staff, ditte_id)
    for _ in range(2):
        with session_scope() as s:
            load_plan_for_link(session=s, token=link.token)
    with session_scope() as s:
        load_plan_for_link(session=s, token="guess")
    with session_scope() as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action.like("%link%"))).all()
    views = [(r.action, r.outcome, r.citizen_id, r.entity_id) for r in rows if r.action == "link.view"]
    assert views == [
        ("link.view", "ok", ditte_id, link.id),
        ("link.view", "ok", ditte_id, link.id),
        ("link.view", "denied", None, None),
    ]
    plan_reads = [r for r in rows if r.action == "view.plan_by_link"]
    assert len(plan_reads) == 2 and all(r.user_id is None for r in plan_reads)
    assert ("link.create", "ok") in [(r.action, r.outcome) for r in rows]
    with session_scope() as s:
        assert all(
            link.token not in str(value)
            for event in s.exec(select(AuditEvent)).all()
            for value in (event.action, event.entity)
        )
