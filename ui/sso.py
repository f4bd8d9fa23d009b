"""Single sign-on on the login page (issue 22): which methods to offer, the "Log ind med ..."
link, the sentence for a login that came back refused or failed, and the provider's logout.

The provider's logout: "Log ud" (ui/context.log_out) ends the Samplan login in the database and
shows this tab the login page. If that login was a single sign-on login, the login page then
sends the browser to the provider's end_session_endpoint with the login's ID token as the hint,
once (models/oidc_accounts.take_logout_hint), and the provider sends it back to Samplan's start
page. A login that timed out does not (the person is not at the screen to be sent anywhere; the
provider's own session rules apply), nor one whose provider offers no end_session_endpoint.
"""

from __future__ import annotations

import json
import logging

import streamlit as st

from models import oidc_accounts, oidc_client
from models.db import session_scope
from models.oidc_config import LoginMethods, SsoConfigError, login_methods
from ui.context import EXPIRED_KEY, FORGET_ADDRESS_KEY
from ui.i18n import t
from ui.login_cookie import LOGOUT_PATH, token_from_cookie
from ui.safe import escape_html
from ui.sso_routes import OUTCOME_PARAM

logger = logging.getLogger("samplan.sso")
OUTCOMES = ("refused", "failed", "unavailable")
_PROVIDER_LOGOUT_CHECKED = "_sso_logout_checked"  # this tab looked once after its logout

# The link looks like the page's primary button (theme colour #1F4E79 on white: 8.6:1).
_LINK_STYLE = (
    "display:inline-block;padding:0.5rem 1rem;border-radius:0.25rem;background:#1F4E79;"
    "color:#FFFFFF;text-decoration:none;font-weight:600;"
)


def methods() -> LoginMethods:
    """The login methods that are on. A configuration that cannot work offers none (closed, not
    silently open with passwords) and says so; the log says what to fix."""
    try:
        return login_methods()
    except SsoConfigError as error:
        logger.error("login methods: %s", error)
        st.error(t("sso.misconfigured"))
        return LoginMethods(local=False, sso=None)


def show_outcome() -> None:
    """A single sign-on that came back without a login: one sentence for its code, once."""
    code = st.query_params.get(OUTCOME_PARAM)
    if code is None:
        return
    del st.query_params[OUTCOME_PARAM]
    if code in OUTCOMES:
        st.error(t(f"sso.{code}"))


def login_link(label_name: str, url: str) -> None:
    """A plain link (same tab): the browser must leave Samplan for the provider's login."""
    label = escape_html(t("sso.button", name=label_name))
    st.html(f'<a href="{escape_html(url)}" style="{_LINK_STYLE}" target="_self">{label}</a>')


def end_provider_session(methods: LoginMethods) -> None:
    """Right after "Log ud" of a single sign-on login: on to the provider's logout (see above)."""
    if methods.sso is None or _PROVIDER_LOGOUT_CHECKED in st.session_state:
        return
    if not st.session_state.get(FORGET_ADDRESS_KEY) or st.session_state.get(EXPIRED_KEY):
        return  # no logout in this tab, or a timeout
    st.session_state[_PROVIDER_LOGOUT_CHECKED] = True
    # The login this tab's connection was opened with (its cookie): the one just ended.
    with session_scope(write=True) as session:
        id_token = oidc_accounts.take_logout_hint(session=session, token=token_from_cookie())
    if id_token is None:
        return
    url = oidc_client.end_session_url(methods.sso, id_token=id_token)
    if url is None:
        return
    st.info(t("sso.leaving", name=methods.sso.display_name))
    # First the login cookie is removed (as after any logout), then the browser leaves.
    target = json.dumps(url).replace("<", "\\u003c")  # nothing in it can close the script element
    script = (
        "<script>fetch(window.location.origin + " + json.dumps(LOGOUT_PATH) + ", {method: 'POST', "
        "credentials: 'same-origin', cache: 'no-store', headers: {'Content-Type': 'text/plain'}, "
        "body: '\"\"'}).catch(() => {}).finally(() => { window.location.assign(" + target + "); });"
        "</script>"
    )
    with st.container(key="sso-logout", height=1, border=False):
        st.html(script, unsafe_allow_javascript=True)
