"""Rumskærm: the room screen on a projector or a meeting-room PC — no login, no sidebar, no
controls, nothing but what the room may see of one running meeting (issue 17).

Opened as /?room=<token> (the leader's "Åbn rumskærm"), or /?room= with the short code typed
here. The link is resolved once (models.room_links, audited); then a fragment polls every
POLL_SECONDS: one statement (models.room.room_marker) says whether the link still may show the
meeting and whether anything the room sees changed; only then is the room-safe view built again
(models.room.load_room_view, audited). The view this screen last built is kept in this browser
session only (never in a shared cache). Danish unless the address says ?lang=en.
"""

from datetime import datetime

import streamlit as st

from models.db import session_scope
from models.errors import UserError
from models.room import load_room_view, room_marker
from models.room_links import open_room_code, open_room_link
from models.tables import utcnow
from ui.i18n import LANG_KEY, t
from ui.room_style import ROOM_CSS
from ui.room_view import message_html, room_html
from ui.widgets import form

POLL_SECONDS = 1.0
LINK_KEY = "room_link"  # {"id": link id, "token": the token it was opened with (None: a code)}
MARKER_KEY = "room_marker"
VIEW_KEY = "room_view"
ENDED_KEY = "room_ended"
ATTEMPTS_KEY = "room_code_attempts"

language = st.query_params.get("lang")
st.session_state[LANG_KEY] = language if language in ("da", "en") else "da"
lang = st.session_state[LANG_KEY]
st.html(ROOM_CSS)


def show_message(text: str) -> None:
    st.html(message_html(text, lang=lang))


def forget_link() -> None:
    for key in (LINK_KEY, MARKER_KEY, VIEW_KEY):
        st.session_state.pop(key, None)


def open_with_code() -> None:
    """The entry form's submit: a typed code (throttled) opens the screen in this session."""
    attempts = st.session_state.setdefault(ATTEMPTS_KEY, [])
    try:
        access = open_room_code(typed=st.session_state.get("room_code", ""), session_attempts=attempts)
    except UserError as error:
        st.session_state["room_code_error"] = error.message(lang)
        return
    if access is None:
        st.session_state["room_code_error"] = t("room.invalid")
        return
    st.session_state.pop(ENDED_KEY, None)
    st.session_state[LINK_KEY] = {"id": access.link_id, "token": None}


token = st.query_params.get("room") or None
link = st.session_state.get(LINK_KEY)
if token is not None and (link is None or link.get("token") != token):
    forget_link()
    st.session_state.pop(ENDED_KEY, None)
    with session_scope() as session:
        access = open_room_link(session=session, token=token)
    if access is None:
        st.session_state[ENDED_KEY] = True
    else:
        st.session_state[LINK_KEY] = link = {"id": access.link_id, "token": token}

if st.session_state.get(ENDED_KEY):
    show_message(t("room.ended"))
    st.stop()

if st.session_state.get(LINK_KEY) is None:
    # No token in the address: the meeting-room PC types the leader's short code.
    with st.container(key="room-entry"):
        st.title(t("room.entry_title"), anchor=False)
        message = st.session_state.pop("room_code_error", None)
        if message:
            st.error(message, icon="⚠️")
        with form("room_code_form", clear_on_submit=True, enter_to_submit=True):
            st.text_input(t("room.entry_label"), key="room_code", max_chars=20, help=t("room.entry_help"))
            st.form_submit_button(t("room.entry_submit"), on_click=open_with_code, type="primary")
    st.stop()


@st.fragment(run_every=POLL_SECONDS)
def live_room() -> None:
    link_id = st.session_state[LINK_KEY]["id"]
    with session_scope() as session:
        marker = room_marker(session=session, link_id=link_id)
        view = st.session_state.get(VIEW_KEY)
        if marker is not None and (view is None or marker != st.session_state.get(MARKER_KEY)):
            view = load_room_view(session=session, link_id=link_id)
            st.session_state[MARKER_KEY], st.session_state[VIEW_KEY] = marker, view
    if marker is None or view is None:
        # Ended by the leader or the meeting closed: the whole page shows the one sentence.
        forget_link()
        st.session_state[ENDED_KEY] = True
        st.rerun(scope="app")
    now: datetime = utcnow()
    st.html(room_html(view, lang=lang, now=now))


live_room()
