"""The citizen's link in one browser tab: the token is exchanged for the link's id on arrival.

The first run with ?link=TOKEN resolves the token (audited), keeps only the link's id in this
tab's session, and replaces the token in the address with a marker (?link=opened), so the token
is not in the address bar, the history or a Referer after the first load. Every later run checks
the link again by its id (models.citizen_links.link_actor): revoked or expired stops at once.
A reload starts a new session without the id: the page then asks the citizen to open the link
from their text message or e-mail again (the marker tells it is a citizen, not a staff visitor).
"""

from __future__ import annotations

import streamlit as st

from models.citizen_links import resolve_citizen_link
from models.db import session_scope
from ui.i18n import t

LINK_KEY = "_citizen_link_id"
PARAM = "link"
OPENED = "opened"


def citizen_link_id_or_stop() -> int:
    """The link this tab opened; or a Danish sentence and the end of the run."""
    token = st.query_params.get(PARAM)
    if token and token != OPENED:
        with session_scope() as session:
            actor = resolve_citizen_link(session=session, token=token)
        st.query_params.clear()  # the token leaves the address now
        st.query_params[PARAM] = OPENED
        if actor is None or actor.link_id is None:
            st.session_state.pop(LINK_KEY, None)
            show_closed()
        st.session_state[LINK_KEY] = actor.link_id
    link_id = st.session_state.get(LINK_KEY)
    if not isinstance(link_id, int):
        with st.container(key="citizen-reopen"):
            st.title(t("citizen_link.reopen"), anchor=False)
            st.write(t("citizen_link.reopen_why"))
            st.write(t("citizen_link.new_link_how"))
        st.stop()
    return link_id


def show_closed() -> None:
    """A revoked, expired or unknown link: one sentence, how to get a new one, nothing else."""
    st.session_state.pop(LINK_KEY, None)
    with st.container(key="citizen-closed"):
        st.title(t("citizen_link.closed"), anchor=False)
        st.write(t("citizen_link.new_link_how"))
    st.stop()
