"""Errors and confirmations in the user's language; tracebacks only in the server log."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st

from models.db import database_error_as_user_error
from models.errors import UserError
from ui.i18n import lang, t
from ui.safe import escape_markdown

logger = logging.getLogger("samplan.ui")
T = TypeVar("T")
FLASH_KEY = "_flash"


def show_user_error(error: UserError) -> None:
    # The message may quote what the user typed: escape that, so it is shown, not rendered.
    st.error(error.message(lang(), quote=escape_markdown), icon="⚠️")


def attempt(action: Callable[[], T]) -> T | None:
    """Run a save; show a Danish message instead of a traceback when it fails.

    Returns the action's result, or None when it failed (nothing was saved: session_scope
    rolled back). A database that is busy, full or read-only is a Danish sentence too (most of
    those already arrive as UserError from session_scope; this catches any other path).
    Unexpected errors go to the log with their traceback, never to the screen.
    """
    try:
        return action()
    except Exception as error:
        st.error(failure_text(error), icon="⚠️")
    return None


def attempt_in_callback(action: Callable[[], T], *, place: str) -> T | None:
    """`attempt` for a widget's callback: the Danish sentence waits for `show_field_error(place)`.

    A save in a callback is done before the script runs, so the page is drawn once, already
    showing the result (a save in the script needs a second run, st.rerun, to show it: issue 16
    measured that second run at 40-60 ms of every save). Whatever a callback draws lands at the top
    of the page, far from the button: the message is kept for the place that asked."""
    try:
        return action()
    except Exception as error:
        st.session_state[FIELD_ERROR_PREFIX + place] = failure_text(error)
    return None


@contextmanager
def failures_shown() -> Iterator[None]:
    """Around a whole page (app.py) or a part of one that reruns alone (ui/fragments.py): what it did
    not catch becomes a Danish sentence where it stopped, never Streamlit's English error box. A
    UserError says why (e.g. a reading needs an audit row and the database is full or read-only);
    anything else is the general sentence, its cause in the log (failure_text decides which).
    st.stop and st.rerun are BaseExceptions and pass through."""
    try:
        yield
    except Exception as error:
        st.error(failure_text(error), icon="⚠️")


def failure_text(error: Exception) -> str:
    """The Danish sentence for a failed save: the error's own for a UserError (a database that is
    busy, full or read-only has one too); for an error nobody planned for, a general sentence,
    while the log gets its class and frames."""
    if isinstance(error, UserError):
        return error.message(lang(), quote=escape_markdown)
    friendly = database_error_as_user_error(error)
    if friendly is not None:
        return friendly.message(lang(), quote=escape_markdown)
    # Where it broke (the frames), not the message: a database error quotes the statement's
    # parameters, i.e. what someone typed about a citizen, and logs are not for that.
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("unexpected error in a UI action: %s\n%s", type(error).__name__, frames)
    return t("error.unexpected")


def flash(message_key: str, *, at: str | None = None, **params: object) -> None:
    """A confirmation shown once after the rerun that follows a save.

    `at` names the form that saved: the confirmation is then drawn by `show_flash(at=...)` next
    to that form, where the user is, not at the top of the page (issue 18)."""
    st.session_state[FLASH_KEY] = (message_key, params, at)


def show_flash(*, at: str | None = None) -> None:
    """The pending confirmation, if it belongs here (`at` None: the page's own, at its top).

    A status message (Streamlit's success box is role="status") in a container keyed
    "confirm-<place>": ui/page_language.py announces it and gives it the focus when the rerun
    dropped the focus to the page body."""
    pending = st.session_state.get(FLASH_KEY)
    if not pending:
        return
    key, params, place = pending if len(pending) == 3 else (*pending, None)
    if place != at:
        return
    st.session_state.pop(FLASH_KEY, None)
    quoted = {name: escape_markdown(value) for name, value in params.items()}
    with st.container(key=f"confirm-{at or 'page'}"):
        st.success(t(key, **quoted), icon="✅")


FIELD_ERROR_PREFIX = "_field_error:"


def set_field_error(field_key: str, message_key: str, **params: object) -> None:
    """An error about one field, to be shown right under that field on the next run."""
    st.session_state[FIELD_ERROR_PREFIX + field_key] = (message_key, params)


def clear_field_error(field_key: str) -> None:
    st.session_state.pop(FIELD_ERROR_PREFIX + field_key, None)


def show_field_error(field_key: str) -> None:
    """Under the field it concerns: the Danish sentence (role="alert", read out at once)."""
    pending = st.session_state.pop(FIELD_ERROR_PREFIX + field_key, None)
    if pending:
        if isinstance(pending, str):  # a sentence already made (attempt_in_callback)
            message = pending
        else:
            key, params = pending
            message = t(key, **{name: escape_markdown(value) for name, value in params.items()})
        with st.container(key=f"field-error-{field_key}"):
            st.error(message, icon="⚠️")
