"""Errors and confirmations in the user's language; tracebacks only in the server log."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
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
    except UserError as error:
        show_user_error(error)
    except Exception as error:
        show_unexpected_error(error)
    return None


def show_unexpected_error(error: Exception) -> None:
    """The Danish sentence for an error nobody planned for; the log gets its class and frames."""
    friendly = database_error_as_user_error(error)
    if friendly is not None:
        show_user_error(friendly)
    else:
        # Where it broke (the frames), not the message: a database error quotes the statement's
        # parameters, i.e. what someone typed about a citizen, and logs are not for that.
        frames = "".join(traceback.format_tb(error.__traceback__))
        logger.error("unexpected error in a UI action: %s\n%s", type(error).__name__, frames)
        st.error(t("error.unexpected"), icon="⚠️")


def flash(message_key: str, **params: object) -> None:
    """A confirmation shown once after the rerun that follows a save."""
    st.session_state[FLASH_KEY] = (message_key, params)


def show_flash() -> None:
    pending = st.session_state.pop(FLASH_KEY, None)
    if pending:
        key, params = pending
        quoted = {name: escape_markdown(value) for name, value in params.items()}
        st.success(t(key, **quoted), icon="✅")
