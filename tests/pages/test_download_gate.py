"""Every download button of every page builds its file only for a login that is live at the click.

A download button's `data=<callable>` runs when the browser asks for the file, outside app.py's
script run (so outside its login check). Here every page that offers a file is drawn for a real
login, the callables Streamlit was handed are taken, and each is called as Streamlit would call
it: with the login live it returns the file, after the login ended it refuses and builds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlmodel import select
from streamlit.elements.widgets import button as streamlit_button

from models.db import session_scope
from models.downloads import DownloadRefused
from models.tables import AuditEvent
from models.users import end_login_session
from tests.pages.test_prepare import open_step

Clicks = dict[str, Callable[[], bytes]]


@pytest.fixture
def clicks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clicks]:
    """The `data` Streamlit's download buttons receive, by the file name they offer."""
    seen: Clicks = {}
    original = streamlit_button.marshall_file

    def recording(coordinates, data, proto, mimetype, file_name=None, **kwargs):  # noqa: ANN001, ANN202
        seen[file_name] = data
        return original(coordinates, data, proto, mimetype, file_name, **kwargs)

    monkeypatch.setattr(streamlit_button, "marshall_file", recording)
    yield seen


def _pages(ditte) -> list[tuple[str, object, str | None, int]]:
    """(page, user, prepare step, how many files it offers)."""
    return [
        ("pages/plan.py", ditte.staff_user, None, 3),  # the Word plan, citizen's and team's; FHIR
        ("pages/citizen_data.py", ditte.staff_user, None, 1),  # the citizen's zip copy
        ("pages/prepare.py", ditte.staff_user, "7 · Invitationer", 2),  # .ics and the letter
        ("pages/overview.py", ditte.admin, None, 2),  # CSV and Excel
        ("pages/admin.py", ditte.admin, None, 2),  # everything as JSON, the database backup
    ]


@pytest.mark.parametrize("index", range(5), ids=["plan", "citizen_data", "prepare", "overview", "admin"])
def test_each_file_is_made_for_a_live_login_and_refused_after_logout(open_page, ditte, clicks, index):
    page, user, step, offered = _pages(ditte)[index]
    at = open_page(page, user=user, citizen_id=ditte.citizen.id)
    if step:
        open_step(at, step)
    assert not at.exception
    assert len(clicks) == offered, sorted(clicks)
    assert all(callable(data) for data in clicks.values())  # built at the click, never up front

    for name, click in clicks.items():
        assert len(click()) > 0, name  # a live login gets the file

    with session_scope(write=True) as session:
        end_login_session(session=session, token=at.session_state["login_token"])
    for click in clicks.values():
        with pytest.raises(DownloadRefused):
            click()

    with session_scope() as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action.startswith("download."))).all()
    outcomes = sorted(row.outcome for row in rows)
    assert outcomes == ["denied"] * offered + ["ok"] * offered
    assert {row.user_id for row in rows} == {user.id}
