"""Room links: only while the meeting runs, ended by the close or the leader, hashed at rest,
codes throttled per browser session and across processes, every opening audited."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from models.db import session_scope
from models.errors import AccessDenied, UserError
from models.room import room_marker
from models.room_links import (
    GLOBAL_MAX_CODE_FAILURES,
    SESSION_MAX_CODE_ATTEMPTS,
    create_room_link,
    end_room_links,
    forget_code_failures,
    normalise_code,
    open_room_code,
    open_room_link,
)
from models.tables import AuditEvent, LoginThrottle, Meeting, RoomLink
from tests.factories import make_actor, make_citizen, make_meeting, make_membership, make_user


@pytest.fixture
def running(db_url):
    with session_scope(write=True) as s:
        leader = make_user(s, full_name="Rasmus Holm")
        outsider = make_user(s, full_name="Olga Udenfor")
        ditte = make_citizen(s, name="Ditte Mikkelsen")
        make_membership(s, citizen=ditte, user=leader)
        meeting = make_meeting(s, citizen=ditte, status="in_progress")
        planned = make_meeting(s, citizen=ditte, status="planned")
        return make_actor(leader), make_actor(outsider), meeting.id, planned.id


def create(actor, meeting_id):
    with session_scope(write=True) as s:
        return create_room_link(session=s, actor=actor, meeting_id=meeting_id)


def opens(token):
    with session_scope() as s:
        return open_room_link(session=s, token=token)


def test_a_link_opens_its_running_meeting_and_is_stored_hashed(running):
    leader, _, meeting_id, _ = running
    link = create(leader, meeting_id)
    assert len(link.token) >= 43 and len(link.code) == 8  # 256 bits; 8 of 32 symbols
    assert normalise_code(link.code) == link.code and not set(link.code) & set("0O1I")
    access = opens(link.token)
    assert access is not None and access.meeting_id == meeting_id
    with session_scope() as s:
        row = s.execute(select(RoomLink)).scalar_one()
    assert link.token not in row.token_hash and link.code not in row.code_hash
    assert len(row.token_hash) == len(row.code_hash) == 64
    assert open_room_code(typed=link.code_shown.lower(), session_attempts=[]).link_id == link.id


@pytest.mark.parametrize(
    "token",
    [
        "",  # nothing
        "x" * 43,  # the right length, not ours
        "æøå",  # not ASCII
        "a\x00b",  # a NUL (PostgreSQL refuses it)
        "y" * 5000,  # longer than any of ours
        None,  # no token at all
    ],
)
def test_a_wrong_token_opens_nothing_and_is_audited(running, token):
    leader, _, meeting_id, _ = running
    create(leader, meeting_id)
    assert opens(token) is None
    with session_scope() as s:
        denied = s.execute(select(AuditEvent).where(AuditEvent.action == "room.open")).scalars().all()
    assert [(a.outcome, a.entity) for a in denied] == [("denied", "room_link")]


def test_only_a_meeting_in_progress_gets_a_link_and_only_by_its_team(running):
    leader, outsider, meeting_id, planned_id = running
    with pytest.raises(UserError):
        create(leader, planned_id)
    with pytest.raises(AccessDenied):
        create(outsider, meeting_id)
    with session_scope() as s:
        assert s.execute(select(RoomLink)).first() is None


def test_closing_the_meeting_ends_the_link_without_touching_it(running):
    leader, _, meeting_id, _ = running
    link = create(leader, meeting_id)
    with session_scope(write=True) as s:
        s.get(Meeting, meeting_id).status = "held"
    assert opens(link.token) is None
    assert open_room_code(typed=link.code, session_attempts=[]) is None
    with session_scope() as s:
        assert s.get(RoomLink, link.id).ended_at is None  # nothing written: the status decides
        assert room_marker(session=s, link_id=link.id) is None


def test_the_leader_ends_every_link_of_the_meeting(running):
    leader, outsider, meeting_id, _ = running
    first, second = create(leader, meeting_id), create(leader, meeting_id)
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        end_room_links(session=s, actor=outsider, meeting_id=meeting_id)
    assert opens(first.token) is not None
    with session_scope(write=True) as s:
        assert end_room_links(session=s, actor=leader, meeting_id=meeting_id) == 2
    assert opens(first.token) is None and opens(second.token) is None
    with session_scope() as s:
        actions = s.execute(select(AuditEvent.action, AuditEvent.outcome).order_by(AuditEvent.id)).all()
    assert ("room_link.end", "ok") in actions and ("room_link.end", "denied") in actions
    assert actions.count(("room_link.created", "ok")) == 2


def test_an_opening_is_audited_as_the_room_link(running):
    leader, _, meeting_id, _ = running
    link = create(leader, meeting_id)
    opens(link.token)
    with session_scope() as s:
        row = s.execute(select(AuditEvent).where(AuditEvent.action == "room.open")).scalar_one()
    assert (row.outcome, row.user_id, row.entity, row.entity_id) == ("ok", None, "room_link", link.id)


def test_one_browser_session_gets_a_few_tries_at_a_code(running):
    leader, _, meeting_id, _ = running
    link = create(leader, meeting_id)
    attempts: list = []
    for _ in range(SESSION_MAX_CODE_ATTEMPTS):
        assert open_room_code(typed="ABCD-EFGH", session_attempts=attempts) is None
    with pytest.raises(UserError) as refused:
        open_room_code(typed=link.code, session_attempts=attempts)  # even the right one waits
    assert refused.value.key == "room.code_wait"
    # The window passes: the same browser may try again.
    attempts[:] = [at - timedelta(minutes=11) for at in attempts]
    assert open_room_code(typed=link.code, session_attempts=attempts) is not None


def test_wrong_codes_across_the_system_lock_codes_but_not_links(running):
    leader, _, meeting_id, _ = running
    link = create(leader, meeting_id)
    for _ in range(GLOBAL_MAX_CODE_FAILURES):
        assert open_room_code(typed="ZZZZ-ZZZZ", session_attempts=[]) is None  # a fresh browser each time
    with pytest.raises(UserError):
        open_room_code(typed=link.code, session_attempts=[])
    assert opens(link.token) is not None  # the long link still works
    with session_scope(write=True) as s:
        forget_code_failures(session=s)
    assert open_room_code(typed=link.code, session_attempts=[]) is not None


def test_twenty_parallel_wrong_codes_are_all_counted(running):
    """The counter is one atomic upsert: read-add-write in Python lost counts on PostgreSQL."""
    leader, _, meeting_id, _ = running
    create(leader, meeting_id)
    barrier = threading.Barrier(20)
    errors: list = []

    def guess() -> None:
        barrier.wait()
        try:
            open_room_code(typed="QQQQ-QQQQ", session_attempts=[])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope() as s:
        failures = s.execute(select(LoginThrottle.failures)).scalar_one()
    assert failures == 20


def test_erasing_the_citizen_takes_the_links_along(running):
    """room_link rows go with their meeting (ON DELETE CASCADE): erasure needs no extra step."""
    from models.erasure import erase_citizen

    leader, _, meeting_id, _ = running
    create(leader, meeting_id)
    with session_scope(write=True) as s:
        admin = make_actor(make_user(s, role="admin"))
        citizen_id = s.get(Meeting, meeting_id).citizen_id
    with session_scope(write=True) as s:
        erase_citizen(session=s, actor=admin, citizen_id=citizen_id, confirm_name="Ditte Mikkelsen")
    with session_scope() as s:
        assert s.execute(select(RoomLink)).first() is None
