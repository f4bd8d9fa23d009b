"""The leader's room-screen controls for Mødet: open the room screen, its short code, end it.

`render_room_controls(actor, meeting_id, open_links)` is all a page calls (`open_links`: the
meeting's room links not ended, read with the meeting: models.meeting_read). The token and code exist only
when a link is created (models.room_links stores their hashes), so this tab keeps them in its
session state for as long as the link is usable and shows them again on every rerun; another
tab (or a reload) gets a new link. Ending ends every room link of the meeting.

One click opens the room screen (issue 17): a browser opens a new window only from a link the
user clicks, never from a server-side callback, so the link is made when the running meeting's
panel is first drawn in this tab and "Åbn rumskærm" is that link. After "Afslut rumskærm" no new
link is made until the leader asks for one.
"""

from __future__ import annotations

import functools

import streamlit as st

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.room_links import create_room_link, end_room_links
from ui.action_row import Action, Group, action_row
from ui.feedback import show_user_error
from ui.i18n import t

_STATE = "room_link_{meeting_id}"  # {"id", "token", "code", "code_shown"} of this tab's link
_ENDED = "room_ended_{meeting_id}"  # the leader ended the room screen in this tab
ROOM_WIDTH = 440  # px: beside the citizen's name in Mødet's head; the code's help wraps in it


def _shown_link(meeting_id: int, open_links: frozenset[int]) -> dict | None:
    """This tab's link, if it is still open (ended elsewhere, or the meeting closed: forgotten)."""
    key = _STATE.format(meeting_id=meeting_id)
    link = st.session_state.get(key)
    if link and link["id"] not in open_links:
        st.session_state.pop(key, None)
        return None
    return link or None


def _create(actor: Actor, meeting_id: int) -> None:
    try:
        with session_scope(write=True) as session:
            created = create_room_link(session=session, actor=actor, meeting_id=meeting_id)
    except UserError as error:
        st.session_state["room_controls_error"] = error
        return
    st.session_state[_STATE.format(meeting_id=meeting_id)] = {
        "id": created.id, "token": created.token, "code": created.code, "code_shown": created.code_shown,
    }  # fmt: skip


def _reopen(actor: Actor, meeting_id: int) -> None:
    st.session_state.pop(_ENDED.format(meeting_id=meeting_id), None)
    _create(actor, meeting_id)


def _end(actor: Actor, meeting_id: int) -> None:
    try:
        with session_scope(write=True) as session:
            end_room_links(session=session, actor=actor, meeting_id=meeting_id)
    except UserError as error:
        st.session_state["room_controls_error"] = error
        return
    st.session_state.pop(_STATE.format(meeting_id=meeting_id), None)
    st.session_state["room_controls_ended"] = True
    st.session_state[_ENDED.format(meeting_id=meeting_id)] = True


def _entry_address() -> str:
    """The address a room PC opens to type the code: the app's own address with ?room=."""
    url = st.context.url or ""
    base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
    return f"{base}/?room="


def render_room_controls(actor: Actor, meeting_id: int, open_links: frozenset[int]) -> None:
    """One element (ui/action_row.py): "Åbn rumskærm" (the link, opened in a new window with one
    click) and "Afslut rumskærm", under them the short code in large type for a meeting-room PC.
    They were a container of three elements in a column of their own, drawn anew on every
    navigation to Mødet (issue 16)."""
    error = st.session_state.pop("room_controls_error", None)
    if error is not None:
        show_user_error(error)
    if st.session_state.pop("room_controls_ended", False):
        st.success(t("room.controls.ended"))
    link = _shown_link(meeting_id, open_links)
    if link is None and not st.session_state.get(_ENDED.format(meeting_id=meeting_id)):
        _create(actor, meeting_id)
        link = st.session_state.get(_STATE.format(meeting_id=meeting_id))  # made just now
    key, label = f"room-controls-{meeting_id}", t("room.controls.label")
    if link is None:
        reopen = Action(t("room.controls.open"), functools.partial(_reopen, actor, meeting_id), icon="🖥️")
        action_row([Group(label, (reopen,))], lines=[("caption", t("room.controls.open_help"))], key=key,
                   width=ROOM_WIDTH)  # fmt: skip
        return
    # A relative address: the app's root under whatever path it is served from; a new window. The
    # code is from models.room_links' fixed alphabet (letters and digits only), set as text.
    shown = Action(t("room.controls.open"), href=f"./?room={link['token']}", icon="🖥️", primary=True)
    end = Action(t("room.controls.end"), functools.partial(_end, actor, meeting_id))
    action_row([Group(label, (shown, end))], key=key, width=ROOM_WIDTH,
               lines=[("caption", t("room.controls.code_help", address=_entry_address())),
                      ("code", link["code_shown"])])  # fmt: skip
