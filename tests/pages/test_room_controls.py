"""The leader's room-screen controls (ui/room_controls.py), as Mødet draws them."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from models.access import Actor
from models.db import session_scope
from models.meeting_mode import open_meeting
from models.room_links import open_room_code
from models.tables import Meeting, RoomLink, utcnow
from tests.pages.conftest import TIMEOUT, action_rows, block_lines, press, press_at


def controls(actor, meeting_id) -> None:  # noqa: ANN001  (the function is run as a script of its own)
    from models.db import session_scope
    from models.meeting_read import load_meeting_screen
    from models.tables import Meeting
    from ui.room_controls import render_room_controls

    with session_scope() as session:  # as Mødet reads it: the meeting, with its open room links
        citizen_id = session.get(Meeting, meeting_id).citizen_id
        screen = load_meeting_screen(session=session, actor=actor, citizen_id=citizen_id,
                                     meeting_id=meeting_id)  # fmt: skip
    render_room_controls(actor, meeting_id, screen.open_room_links)


def test_open_shows_the_link_and_a_code_that_works_and_end_ends_it(ditte):
    actor = Actor.from_user(ditte.staff_user)
    with session_scope(write=True) as s:
        meeting = s.execute(select(Meeting).where(Meeting.status == "planned")).scalar_one()
        meeting.starts_at = utcnow()
        meeting_id, version = meeting.id, meeting.version
    with session_scope(write=True) as s:
        open_meeting(session=s, actor=actor, meeting_id=meeting_id, seen_version=version)
    at = AppTest.from_function(controls, args=(actor, meeting_id), default_timeout=TIMEOUT).run()
    assert not at.exception  # the link is there at once: "Åbn rumskærm" is one click (a link)
    shown = at.session_state[f"room_link_{meeting_id}"]
    [link, end] = action_rows(at)[f"room-controls-{meeting_id}"]
    assert (
        link.href == f"./?room={shown['token']}"
        and link.text == "Åbn rumskærm"
        and end.text == "Afslut rumskærm"
    )
    assert shown["code_shown"] in block_lines(at, "code")
    assert open_room_code(typed=shown["code_shown"], session_attempts=[]) is not None
    at.run()  # a rerun shows the same link again, no second one
    with session_scope() as s:
        assert len(s.execute(select(RoomLink)).all()) == 1
    press_at(at, f"room-controls-{meeting_id}", 0)  # a forged press on the link: nothing happens
    assert not at.success and open_room_code(typed=shown["code_shown"], session_attempts=[]) is not None
    press(at, f"room-controls-{meeting_id}", "Afslut rumskærm")
    assert at.success[0].value == "Rumskærmen er lukket."
    assert open_room_code(typed=shown["code_shown"], session_attempts=[]) is None
    at.run()  # ended stays ended in this tab: no new link by itself
    with session_scope() as s:
        assert len(s.execute(select(RoomLink)).all()) == 1
    assert [a.text for a in action_rows(at)[f"room-controls-{meeting_id}"]] == ["Åbn rumskærm"]
    press(at, f"room-controls-{meeting_id}", "Åbn rumskærm")  # the leader asks for a new one
    assert at.session_state[f"room_link_{meeting_id}"]["token"] != shown["token"]
    with session_scope() as s:
        assert len(s.execute(select(RoomLink)).all()) == 2
