"""Add forms save once (issue 17, point 6): the same form key never makes a second row.

One mechanism (models/idempotency.py) for the four add forms of Mødet: a goal, an agreement, a
decision and an unmet need. Runs on SQLite and PostgreSQL (SAMPLAN_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from models.access import Actor
from models.actions import create_agreement
from models.db import session_scope
from models.errors import UserError
from models.goals import add_goal
from models.meeting_mode import add_decision, add_unmet_need, open_meeting
from models.tables import Action, Decision, FormSubmission, Goal, UnmetNeed
from tests.factories import make_citizen, make_meeting, make_membership, make_person, make_user

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
THREADS = 20
KINDS = ("goal", "agreement", "decision", "unmet_need")
TABLES = {"goal": Goal, "agreement": Action, "decision": Decision, "unmet_need": UnmetNeed}


@pytest.fixture
def running(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        rasmus = make_person(s, citizen=citizen, name="Rasmus Holm", user=user)
        make_membership(s, citizen=citizen, user=user, person=rasmus)
        meeting = make_meeting(s, citizen=citizen, status="planned", starts_at=T0, participants=(rasmus,))
    actor = Actor.from_user(user)
    with session_scope(write=True) as s:
        open_meeting(session=s, actor=actor, meeting_id=meeting.id, seen_version=1, now=T0)
    return {"actor": actor, "citizen_id": citizen.id, "meeting_id": meeting.id}


def _add(kind, running, *, key, text="Ugentlig samtale om praktik"):
    common = {"actor": running["actor"], "form_key": key}
    with session_scope(write=True) as s:
        if kind == "goal":
            return add_goal(session=s, citizen_id=running["citizen_id"], own_words=text, **common).id
        if kind == "agreement":
            return create_agreement(session=s, citizen_id=running["citizen_id"], text=text,
                                    meeting_id=running["meeting_id"], **common).id
        if kind == "decision":
            return add_decision(session=s, meeting_id=running["meeting_id"], text=text, **common)
        return add_unmet_need(session=s, meeting_id=running["meeting_id"], text=text, **common)


def _rows(kind):
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(TABLES[kind])).scalar_one()


@pytest.mark.parametrize("kind", KINDS)
def test_a_second_call_with_the_same_key_returns_the_same_row(running, kind):
    key = uuid.uuid4().hex
    first = _add(kind, running, key=key)
    # A double click sends the same form again; a resubmit may even arrive without the text
    # (the box already cleared): the key alone says it is the same submission.
    assert _add(kind, running, key=key) == first
    assert _add(kind, running, key=key, text="") == first
    assert _rows(kind) == 1
    # A new form generation (a new key) is a new row, even with the same words.
    assert _add(kind, running, key=uuid.uuid4().hex) != first
    assert _rows(kind) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_twenty_parallel_submits_of_one_form_make_one_row(running, kind):
    key = uuid.uuid4().hex
    start = threading.Barrier(THREADS)
    ids: list[int] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()

    def submit() -> None:
        start.wait()
        try:
            made = _add(kind, running, key=key)
        except Exception as error:  # noqa: BLE001 - every failure is counted and must be zero
            with lock:
                errors[repr(error)] += 1
            return
        with lock:
            ids.append(made)

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == Counter()
    assert len(ids) == THREADS and len(set(ids)) == 1
    assert _rows(kind) == 1


def test_a_failed_save_keeps_the_key_free_for_the_corrected_text(running):
    key = uuid.uuid4().hex
    with pytest.raises(UserError):
        _add("decision", running, key=key, text="   ")  # nothing to save: refused in Danish
    with session_scope() as s:
        assert s.get(FormSubmission, key) is None  # rolled back with the refused save
    made = _add("decision", running, key=key, text="Bevilling af bostøtte")
    assert _add("decision", running, key=key) == made and _rows("decision") == 1


def test_a_key_of_one_kind_is_not_taken_for_another(running):
    key = uuid.uuid4().hex
    _add("decision", running, key=key)
    with pytest.raises(ValueError):
        _add("unmet_need", running, key=key)
    with pytest.raises(ValueError):
        _add("goal", running, key="<short>")
