"""The login cookie's two HTTP routes (mounted by server.py through st.App) and the two small
scripts a tab runs to call them. See models/login_cookie.py for the design.

Served by `streamlit run app.py` alone (the end-to-end fixture, the benchmarks) the routes do
not exist: the scripts' requests fail quietly and a reload asks for the login, as before.
"""

from __future__ import annotations

import json

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models import login_cookie

LOGIN_PATH = "/_samplan/login-cookie"
LOGOUT_PATH = "/_samplan/logout-cookie"
PENDING_KEY = "_login_cookie_pending"  # ("set", code) or ("clear", None): done on the next run


def cookie_key() -> str:
    from streamlit import config

    return str(config.get_option("server.cookieSecret"))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def _set_cookie(request: Request) -> Response:
    """POST the one-time code (the body, not the address): 204 with the cookie, or 403."""
    code = (await request.body())[:200].decode("ascii", errors="replace").strip()
    token = login_cookie.redeem_code(code)
    if token is None:
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    value = login_cookie.sign(token, key=cookie_key())
    return Response(
        status_code=204,
        headers={
            "Set-Cookie": login_cookie.set_cookie_header(value, secure=_secure(request)),
            "Cache-Control": "no-store",
        },
    )


async def _clear_cookie(request: Request) -> Response:
    """Remove the cookie from this browser. The login itself was ended in the database."""
    cleared = login_cookie.clear_cookie_header(secure=_secure(request))
    return Response(status_code=204, headers={"Set-Cookie": cleared, "Cache-Control": "no-store"})


ROUTES = [
    Route(LOGIN_PATH, _set_cookie, methods=["POST"]),
    Route(LOGOUT_PATH, _clear_cookie, methods=["POST"]),
]


def remember_login(token: str) -> None:
    """After a login: on the next run, the tab asks the server for the cookie."""
    st.session_state[PENDING_KEY] = ("set", login_cookie.issue_code(token))


def forget_login() -> None:
    """After a logout: on the next run, the tab asks the server to remove the cookie."""
    st.session_state[PENDING_KEY] = ("clear", None)


def run_pending() -> None:
    """The one request a login or logout left to make, made once from the page (same origin)."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if not pending:
        return
    kind, code = pending
    path = LOGIN_PATH if kind == "set" else LOGOUT_PATH
    body = json.dumps(code or "")  # a JSON string literal: safe inside the script
    script = (
        "<script>fetch(window.location.origin + " + json.dumps(path) + ", {method: 'POST', "
        "credentials: 'same-origin', cache: 'no-store', headers: {'Content-Type': 'text/plain'}, "
        "body: " + body + "}).catch(() => {});</script>"
    )
    with st.container(key="login-cookie", height=1, border=False):
        st.html(script, unsafe_allow_javascript=True)


def token_from_cookie() -> str | None:
    """The signed login token the browser sent when this tab connected, if any."""
    try:
        value = st.context.cookies.get(login_cookie.COOKIE_NAME)
    except Exception:  # no browser connection (AppTest, bare mode): no cookie
        return None
    return login_cookie.unsign(value, key=cookie_key())
