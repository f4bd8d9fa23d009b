"""The login cookie: a browser reload keeps the login (issue 19, point 7).

Streamlit forgets st.session_state on a reload, and its websocket cannot set a cookie. So:

1. At login the tab gets a one-time code (never the login token) and its page POSTs that code,
   in the request body, to the server's own route (server.py → ui/login_cookie.py).
2. The route redeems the code (once, within CODE_SECONDS) and answers with
   `Set-Cookie: samplan_login=<token>.<HMAC>; HttpOnly; SameSite=Strict; Path=/`: page scripts
   cannot read it, other sites' requests do not carry it, nothing is in the address.
3. On a reload the websocket's opening request carries the cookie (st.context.cookies); the
   signature is checked, and the token is looked up like any other with
   models.users.resume_login_session, so the idle (30 min) and absolute (12 h) limits and the
   logout are the server's: a logout ends the login in the database, and a copy of the cookie
   taken before gets nothing after it.

The HMAC key is Streamlit's `server.cookieSecret` (random per process unless configured; set it,
e.g. STREAMLIT_SERVER_COOKIE_SECRET, to keep logins over a restart or share them between
servers). The codes live in this process: the route and the tab's session run in the same
server process (Streamlit's sessions are per process anyway).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

COOKIE_NAME = "samplan_login"
CODE_SECONDS = 60.0
MAX_AGE_SECONDS = 12 * 60 * 60  # the absolute limit (models.users.ABSOLUTE_TIMEOUT); the server decides

_codes: dict[str, tuple[str, float]] = {}
_lock = threading.Lock()


def _digest(key: str, token: str) -> str:
    mac = hmac.new(key.encode(), f"{COOKIE_NAME}\n{token}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def sign(token: str, *, key: str) -> str:
    return f"{token}.{_digest(key, token)}"


def unsign(value: str | None, *, key: str) -> str | None:
    """The token in a cookie value, or None if it is missing, malformed or not signed by `key`."""
    if not value or "." not in value or not key:
        return None
    token, _, signature = value.rpartition(".")
    # Bytes, not text: compare_digest refuses text with non-ASCII characters (TypeError), and a
    # crafted cookie must be refused, not break the page.
    if not token or not hmac.compare_digest(signature.encode(), _digest(key, token).encode()):
        return None
    return token


def issue_code(token: str, *, clock: Callable[[], float] = time.monotonic) -> str:
    """A one-time code the tab's page exchanges for the cookie (the token itself never reaches
    the page's scripts)."""
    code = secrets.token_urlsafe(32)
    now = clock()
    with _lock:
        for stale in [c for c, (_, until) in _codes.items() if until < now]:
            del _codes[stale]
        _codes[hashlib.sha256(code.encode()).hexdigest()] = (token, now + CODE_SECONDS)
    return code


def redeem_code(code: str, *, clock: Callable[[], float] = time.monotonic) -> str | None:
    """The token for a code, once; None for an unknown, used or expired code."""
    if not code or len(code) > 100:
        return None
    with _lock:
        found = _codes.pop(hashlib.sha256(code.encode()).hexdigest(), None)
    if found is None or found[1] < clock():
        return None
    return found[0]


def set_cookie_header(value: str, *, secure: bool) -> str:
    parts = [f"{COOKIE_NAME}={value}", "Path=/", "HttpOnly", "SameSite=Strict", f"Max-Age={MAX_AGE_SECONDS}"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def clear_cookie_header(*, secure: bool) -> str:
    parts = [f"{COOKIE_NAME}=", "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=0"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
