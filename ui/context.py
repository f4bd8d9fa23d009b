"""Who is logged in and which citizen is chosen, for one script run.

The login token lives in st.session_state (server-side, per browser tab); the actor is looked
up from the database on every run (app.py), so an ended or timed-out login stops at once. A
reload starts a new session: the signed HttpOnly login cookie (ui/login_cookie.py) brings the
same login back, with the same limits, unless it was ended.
Pages ask for the actor and the chosen citizen here; authorisation itself happens in models/.
"""

from __future__ import annotations

import logging

import streamlit as st

from models.access import Actor
from models.citizens import CitizenChoice, list_visible_citizens
from models.db import session_scope
from models.errors import DatabaseBusy, DatabaseUnavailable
from models.users import end_login_session, resume_login_session, start_login_session
from ui.i18n import LANG_KEY, t
from ui.login_cookie import forget_login, remember_login, run_pending, token_from_cookie

logger = logging.getLogger("samplan.ui")
TOKEN_KEY = "login_token"
ACTOR_KEY = "_actor"  # set by app.py on every run from the token, never from the browser
CITIZEN_KEY = "citizen_id"
CITIZEN_PARAM = "citizen"  # ?citizen=ID in the address: a deep link to one citizen
FORGET_ADDRESS_KEY = "_forget_address"  # set at logout: drop ?citizen= on the next run
EXPIRED_KEY = "_login_expired"
VISIBLE_KEY = "_visible_citizens"  # (user id, the user's citizens) for this run only


def resolve_actor() -> Actor | None:
    """Look the token up: None when logged out, ended or timed out. Every run starts here, so it
    also forgets the last run's list of the user's citizens.

    A read session: the lookup writes only when the login times out or its last_seen_at is over
    a minute old (models.users.resume_login_session), and only then takes the write lock, so the
    reruns in between queue behind no other user's write (issue 16)."""
    st.session_state.pop(VISIBLE_KEY, None)
    if st.session_state.get(FORGET_ADDRESS_KEY) and CITIZEN_PARAM in st.query_params:
        del st.query_params[CITIZEN_PARAM]  # until the next login: see _forget_the_user
    run_pending()  # the cookie request a login or logout left for this run
    token = st.session_state.get(TOKEN_KEY)
    from_cookie = False
    if not token and not st.session_state.get(FORGET_ADDRESS_KEY):
        # A reload (a new session): the login cookie, if the browser has one (never after a
        # logout in this tab, and an ended login gets nothing from it anyway).
        token = token_from_cookie()
        from_cookie = token is not None
    actor = None
    if token:
        try:
            with session_scope() as session:
                actor = resume_login_session(session=session, token=token)
        except (DatabaseUnavailable, DatabaseBusy):
            # The database cannot be written (full, read-only, busy): the touch of last_seen_at is
            # lost (db.py logged why), but the user may go on reading. The same lookup decides
            # without writing, so an ended or timed-out login still ends here.
            with session_scope() as session:
                actor = resume_login_session(session=session, token=token, write=False)
        if actor is None and from_cookie:
            forget_login()  # a dead cookie: remove it; this tab had no login to forget
        elif actor is None:
            # An ended or timed-out login leaves nothing of its user behind in this tab.
            _forget_the_user()
            st.session_state[EXPIRED_KEY] = True
        elif from_cookie:
            st.session_state[TOKEN_KEY] = token
    st.session_state[ACTOR_KEY] = actor
    return actor


def _forget_the_user() -> None:
    """Clear everything a login left in this tab: its token, chosen citizen, drafts and the
    citizen in the address. Only the language stays. Why: the next person at the same browser
    must not start where the previous one stopped (and may not be allowed to see that citizen)."""
    for key in list(st.session_state.keys()):
        if key != LANG_KEY:
            del st.session_state[key]
    # A change of the address made in the run that switches to the login page does not reach
    # the browser (measured in Chromium: the page switch keeps the old query string), so every
    # run removes ?citizen= until the next login (log_in) ends this.
    st.session_state[FORGET_ADDRESS_KEY] = True
    if CITIZEN_PARAM in st.query_params:
        del st.query_params[CITIZEN_PARAM]


def log_in(actor: Actor) -> None:
    with session_scope(write=True) as session:
        token = start_login_session(session=session, actor=actor)
    st.session_state[TOKEN_KEY] = token
    remember_login(token)  # a reload keeps this login (a one-time code, then an HttpOnly cookie)
    st.session_state.pop(EXPIRED_KEY, None)
    st.session_state.pop(FORGET_ADDRESS_KEY, None)
    # A citizen chosen before this login (another user's, in this tab) is not carried over; a
    # ?citizen= deep link in the address still applies if the new user may open that citizen.
    st.session_state.pop(CITIZEN_KEY, None)


def log_out() -> None:
    """End the login in the database and forget it in the tab. Runs as a button callback, outside
    app.py's error handling: a busy or read-only database must still log the tab out (the token
    then lives nowhere but in the database, where the idle limit ends it)."""
    token = st.session_state.get(TOKEN_KEY)
    try:
        with session_scope(write=True) as session:
            end_login_session(session=session, token=token)
    except (DatabaseBusy, DatabaseUnavailable):
        logger.warning("logout: the login could not be ended in the database; the tab forgot it")
    _forget_the_user()
    forget_login()  # and the browser forgets the cookie (ended in the database already)


def current_actor() -> Actor:
    """The logged-in actor; a page run without one (never through app.py) stops here."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None:
        st.warning(t("login.required"))
        st.stop()
    return actor


def visible_citizens(actor: Actor) -> list[CitizenChoice]:
    """The citizens the actor may open, read once per run: the sidebar's picker and a page's list
    share it (resolve_actor starts each run without it, so it is never older than the run; an
    AppTest rerun of a page alone, without app.py, keeps the list of its first run)."""
    known = st.session_state.get(VISIBLE_KEY)
    if known is None or known[0] != actor.user_id:
        with session_scope() as session:
            known = (actor.user_id, list_visible_citizens(session=session, actor=actor))
        st.session_state[VISIBLE_KEY] = known
    return known[1]


def selected_citizen_id() -> int | None:
    value = st.session_state.get(CITIZEN_KEY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def require_citizen() -> int:
    """The chosen citizen's id, or a hint to choose one and an end to the page."""
    citizen_id = selected_citizen_id()
    if citizen_id is None:
        st.info(t("citizen.choose_hint"))
        st.stop()
    return citizen_id
