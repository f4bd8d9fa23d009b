"""The sidebar on every page: the user, the citizen picker (own citizens only), language, logout."""

from __future__ import annotations

import streamlit as st

from models.access import Actor
from models.i18n import LANGUAGES
from ui.context import CITIZEN_KEY, CITIZEN_PARAM, log_out, visible_citizens
from ui.i18n import LANG_KEY, lang, t
from ui.safe import escape_markdown

PICKER_KEY = "citizen_picker"


def _sync_citizen_from_url(choices: dict[int, str]) -> None:
    """A deep link ?citizen=ID selects that citizen only if the user may see it."""
    raw = st.query_params.get(CITIZEN_PARAM)
    if raw and CITIZEN_KEY not in st.session_state:
        try:
            wanted = int(raw)
        except ValueError:
            return
        if wanted in choices:
            st.session_state[CITIZEN_KEY] = wanted


LANGUAGE_PICKER_KEY = "language_picker"


def language_choice() -> None:
    """Dansk / English: in the sidebar, and on the login page before anyone is logged in.

    The choice lives in a plain key (LANG_KEY): Streamlit forgets a widget's own state on a run
    that does not draw it, so English chosen on the login page was Danish again on the
    accessibility statement, which has no such radio."""
    if st.session_state.get(LANGUAGE_PICKER_KEY) != lang():
        st.session_state[LANGUAGE_PICKER_KEY] = lang()

    def _choose() -> None:
        st.session_state[LANG_KEY] = st.session_state[LANGUAGE_PICKER_KEY]

    st.radio(
        t("sidebar.language"),
        options=list(LANGUAGES),
        format_func=lambda code: t(f"language.{code}"),
        horizontal=True,
        key=LANGUAGE_PICKER_KEY,
        on_change=_choose,
    )


def render_sidebar(actor: Actor) -> None:
    with st.sidebar:
        role = t(f"role.{actor.role}")
        st.caption(escape_markdown(t("sidebar.logged_in_as", name=actor.full_name, role=role)))
        choices = {c.id: c.name for c in visible_citizens(actor)}
        _sync_citizen_from_url(choices)
        if st.session_state.get(CITIZEN_KEY) not in choices:
            st.session_state.pop(CITIZEN_KEY, None)
        options = list(choices)
        chosen = st.session_state.get(CITIZEN_KEY)
        if st.session_state.get(PICKER_KEY) != chosen:
            # A page chose the citizen (a new citizen, a row in a list): show that choice.
            st.session_state[PICKER_KEY] = chosen

        def _choose() -> None:
            # The choice lives in a plain key (CITIZEN_KEY), which outlives the widget's state.
            st.session_state[CITIZEN_KEY] = st.session_state[PICKER_KEY]

        st.selectbox(
            t("sidebar.citizen"),
            options=options,
            format_func=lambda cid: choices[cid],
            index=None,  # the value comes from session state (above); None shows the placeholder
            placeholder=t("sidebar.citizen_placeholder"),
            key=PICKER_KEY,
            on_change=_choose,
        )
        if st.session_state.get(CITIZEN_KEY) is not None:
            st.query_params[CITIZEN_PARAM] = str(st.session_state[CITIZEN_KEY])
        elif CITIZEN_PARAM in st.query_params:
            del st.query_params[CITIZEN_PARAM]
        language_choice()
        # A callback, so the logout happens before anything else of the next run.
        st.button(t("sidebar.logout"), key="logout", on_click=log_out)
