"""Rumskærm through app.py: a valid link shows the room view; an ended one one Danish sentence;
no sidebar, no login; a typed code opens it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from models.db import session_scope
from models.meeting_mode import open_meeting
from models.room_links import create_room_link, end_room_links
from models.tables import Meeting, utcnow
from tests.pages.conftest import APP, TIMEOUT

ENDED = "Rumskærmen er lukket"


@pytest.fixture
def room(ditte):
    from models.access import Actor

    actor = Actor.from_user(ditte.staff_user)
    with session_scope(write=True) as s:
        planned = Meeting.__table__.select().where(Meeting.citizen_id == ditte.citizen.id)
        meeting = s.execute(planned.where(Meeting.status == "planned")).first()
        s.get(Meeting, meeting.id).starts_at = utcnow()
    with session_scope(write=True) as s:
        open_meeting(session=s, actor=actor, meeting_id=meeting.id, seen_version=meeting.version)
    with session_scope(write=True) as s:
        link = create_room_link(session=s, actor=actor, meeting_id=meeting.id)
    return actor, meeting.id, link


def open_room(query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["room"] = query
    return at.run()


def shown(at: AppTest) -> str:
    return " ".join(str(getattr(e, "proto", e)) for e in at.get("html"))


def test_a_valid_link_shows_the_room_view_and_nothing_else(room):
    _, _, link = room
    at = open_room(link.token)
    assert not at.exception
    html = shown(at)
    assert "Ditte" in html and "At komme ud af huset hver dag." in html
    assert "Mikkelsen" not in html  # the first name only
    assert not at.sidebar.children and not at.button and not at.text_input  # no sidebar, no controls


def test_an_ended_link_says_so_in_danish_and_shows_nothing_else(room):
    actor, meeting_id, link = room
    with session_scope(write=True) as s:
        end_room_links(session=s, actor=actor, meeting_id=meeting_id)
    at = open_room(link.token)
    html = shown(at)
    assert ENDED in html and "Ditte" not in html and "huset" not in html


def test_a_typed_code_opens_the_room_view(room):
    _, _, link = room
    at = open_room("")
    at.text_input(key="room_code").input(link.code_shown.lower())
    at.button[0].click().run()
    assert not at.exception
    assert "At komme ud af huset hver dag." in shown(at)


def test_a_wrong_code_is_told_in_danish(room):
    at = open_room("")
    at.text_input(key="room_code").input("ABCD-EFGH")
    at.button[0].click().run()
    assert "Linket eller koden virker ikke" in at.error[0].value
