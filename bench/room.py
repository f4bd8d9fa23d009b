"""The room screen's poll (issue 17): server time of one poll when nothing changed.

`make bench ONLY=room`. On the built database the typical user's citizen gets a meeting in
progress and a room link; then, `runs` times:
- poll_ms: what the screen's fragment does every second — the change marker (one statement in
  its own read session) and, nothing having changed, the render of the kept view to HTML;
- marker_ms: the marker statement alone;
- build_ms: a rebuild of the view after a change (load_room_view, audited), for comparison;
- rerun_ms: a warm AppTest rerun of the whole room page through app.py (with the fragment).
Target: poll_ms <= 5 ms.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

ROOM_TARGET_MS = 5.0


def _ms(samples: list[float]) -> dict[str, float]:
    median = statistics.median(samples)
    return {"median": median * 1000, "min": min(samples) * 1000, "max": max(samples) * 1000}


def _running_meeting(info: dict[str, Any]) -> tuple[int, str]:
    from models.access import Actor
    from models.db import session_scope
    from models.meeting_mode import open_meeting
    from models.room_links import create_room_link
    from models.tables import Meeting, UserAccount, utcnow

    with session_scope(write=True) as session:
        user = session.get(UserAccount, info["typical_user_id"])
        actor = Actor.from_user(user)
        meeting = Meeting(citizen_id=info["typical_citizen_id"], starts_at=utcnow() - timedelta(minutes=5),
                          status="planned")  # fmt: skip
        session.add(meeting)
        session.flush()
        meeting_id, version = meeting.id, meeting.version
    with session_scope(write=True) as session:
        open_meeting(session=session, actor=actor, meeting_id=meeting_id, seen_version=version)
    with session_scope(write=True) as session:
        return meeting_id, create_room_link(session=session, actor=actor, meeting_id=meeting_id).token


def worker_room(url: str, info: dict[str, Any], runs: int) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    from bench.run import ROOT
    from models.db import session_scope
    from models.room import load_room_view, room_marker
    from models.room_links import open_room_link
    from models.tables import utcnow
    from ui.room_view import room_html

    _, token = _running_meeting(info)
    with session_scope() as session:
        access = open_room_link(session=session, token=token)
    assert access is not None
    link_id = access.link_id
    with session_scope() as session:
        kept_marker, view = room_marker(session=session, link_id=link_id), load_room_view(session=session,
                                                                                          link_id=link_id)
    polls, markers, builds = [], [], []
    for _ in range(max(runs, 20)):
        started = time.perf_counter()
        with session_scope() as session:
            marker = room_marker(session=session, link_id=link_id)
        assert marker == kept_marker
        room_html(view, lang="da", now=utcnow())  # type: ignore[arg-type]
        polls.append(time.perf_counter() - started)
        started = time.perf_counter()
        with session_scope() as session:
            room_marker(session=session, link_id=link_id)
        markers.append(time.perf_counter() - started)
        started = time.perf_counter()
        with session_scope() as session:
            load_room_view(session=session, link_id=link_id)
        builds.append(time.perf_counter() - started)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["room"] = token
    at.run()
    reruns = []
    for _ in range(max(runs, 5)):
        started = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - started)
    assert not at.exception
    return {"poll_ms": _ms(polls), "marker_ms": _ms(markers), "build_ms": _ms(builds),
            "rerun_ms": _ms(reruns), "target_ms": ROOM_TARGET_MS}  # fmt: skip
