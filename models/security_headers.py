"""HTTP security headers on every response of the app itself (issue 22, point 4).

A plain ASGI middleware (no Streamlit, no Starlette needed) that server.py gives st.App: every
HTTP response — the page, Streamlit's static files, /_stcore/*, the login cookie's route, a 404 —
gets the headers below, replacing any the inner app set. The websocket's handshake is left alone
(it is not a document and carries no body). The shipped nginx site (deploy/nginx/samplan.conf)
sends the same set, so a set-up behind it is covered twice over.

Why the Content-Security-Policy is what it is (each part checked in Chromium, no violations on
any page: tests/e2e/test_scaleout.py):
- `frame-ancestors 'none'` (and X-Frame-Options: DENY for old browsers): no other site can frame
  Samplan, the citizen's link page included (clickjacking).
- `script-src 'self' 'unsafe-inline' blob:`: Streamlit's index.html has an inline script and st.html
  runs the small scripts Samplan's pages add (the login cookie's request, the page language, read
  aloud) inline. User text is never HTML (ui/safe.py), so no user can inject one. No 'unsafe-eval'.
  `blob:`: Streamlit loads a component's inline script (ui/row_list.py) as a module from a blob:
  address the page's own script made. Only a script already running on the page can make one, so
  it allows nothing that 'unsafe-inline' did not.
- `style-src 'self' 'unsafe-inline'`: Streamlit's components style themselves inline (emotion).
- `img-src/font-src/media-src 'self' data: blob:`: Streamlit's icons, charts and downloads.
- `connect-src 'self'`: the websocket and fetches go to Samplan only (CSP 3's 'self' includes
  ws:/wss: to the same host), so a script could not send data anywhere else.
- `object-src 'none'`, `base-uri 'self'`, `form-action 'self'`.

Referrer-Policy: no-referrer keeps the citizen link's address (its token is in it) out of any
Referer header. Strict-Transport-Security only when the app is told it is behind TLS
(SAMPLAN_BEHIND_TLS=1; nginx's TLS site always sends it): sent over plain HTTP it would lock a
browser out of a test installation without a certificate.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self' blob: data:",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
))  # fmt: skip
HSTS = "max-age=31536000; includeSubDomains"  # one year; not "preload": the municipality decides that
BEHIND_TLS_VARIABLE = "SAMPLAN_BEHIND_TLS"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def behind_tls(environ: MutableMapping[str, str] | None = None) -> bool:
    """SAMPLAN_BEHIND_TLS=1 (or true/yes/on): browsers reach Samplan over HTTPS only."""
    value = (os.environ if environ is None else environ).get(BEHIND_TLS_VARIABLE, "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def security_headers(*, tls: bool) -> dict[str, str]:
    """The headers every response gets (names in lower case, as ASGI carries them)."""
    headers = {
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "x-content-type-options": "nosniff",
    }
    if tls:
        headers["strict-transport-security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """ASGI middleware: adds security_headers() to every HTTP response start, replacing the
    inner app's own values for those names."""

    def __init__(self, app: ASGIApp, *, tls: bool | None = None) -> None:
        self.app = app
        wanted = security_headers(tls=behind_tls() if tls is None else tls)
        self._names = {name.encode("latin-1") for name in wanted}
        self._headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in wanted.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self._names]
                message["headers"] = kept + self._headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
