"""Single sign-on's two HTTP routes (issue 22), mounted by server.py through st.App.

GET /_samplan/sso/login     a new login attempt (state, nonce, PKCE verifier) is sealed into a
                            short-lived HttpOnly cookie for this browser; the browser goes to
                            the provider's authorization endpoint.
GET /_samplan/sso/callback  the provider sends the browser back with a code: the state must be
                            the cookie's, the code is exchanged with the verifier, the ID token
                            checked (models/oidc_client.py), the person matched to an account
                            (models/oidc_accounts.py). A match starts a Samplan login in the
                            database and answers with the same signed HttpOnly login cookie a
                            password login gets (models/login_cookie.py), so the tab that opens
                            next resumes it like a reload would; nothing is in the address.
                            Anything else lands on the login page with ?sso=<code>, which shows
                            a Danish sentence for the code (never the reason's details).

The flow cookie is SameSite=Lax, not Strict: the callback is a top-level navigation coming from
the provider's site, and a Strict cookie would not come with it. It is bound to the path of
these routes, lives FLOW_SECONDS and is removed by the callback whatever happens.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models import login_cookie, oidc_accounts, oidc_client
from models.db import session_scope
from models.oidc_config import CALLBACK_PATH, LOGIN_PATH, SsoConfig, SsoConfigError, login_methods
from ui.login_cookie import cookie_key

logger = logging.getLogger("samplan.sso")
FLOW_COOKIE = "samplan_sso_flow"
OUTCOME_PARAM = "sso"  # ?sso=refused|failed|unavailable on the login page


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _config() -> SsoConfig | None:
    try:
        return login_methods().sso
    except SsoConfigError as error:
        logger.error("single sign-on is misconfigured: %s", error)
        return None


def _flow_cookie(value: str, *, request: Request, max_age: int) -> str:
    path = request.url.path.rsplit("/", 1)[0] + "/"  # /_samplan/sso/ (behind any path prefix)
    parts = [f"{FLOW_COOKIE}={value}", f"Path={path}", "HttpOnly", "SameSite=Lax", f"Max-Age={max_age}"]
    secure = _secure(request)
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _redirect(url: str, *cookies: str) -> Response:
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    for cookie in cookies:
        response.headers.append("Set-Cookie", cookie)
    return response


async def _login(request: Request) -> Response:
    config = _config()
    if config is None:
        return Response(status_code=404)
    flow = oidc_client.new_flow()
    try:
        target = await run_in_threadpool(oidc_client.authorization_url, config, flow)
    except oidc_client.ProviderUnavailable as error:
        logger.error("single sign-on: the provider cannot be reached: %s", error)
        return _redirect(f"{config.app_url}?{OUTCOME_PARAM}=unavailable")
    sealed = oidc_client.seal_flow(flow, key=cookie_key())
    return _redirect(target, _flow_cookie(sealed, request=request, max_age=oidc_client.FLOW_SECONDS))


async def _callback(request: Request) -> Response:
    config = _config()
    if config is None:
        return Response(status_code=404)
    spent = _flow_cookie("", request=request, max_age=0)  # one attempt, one callback
    outcome, token = await run_in_threadpool(_finish, config, request, request.cookies.get(FLOW_COOKIE))
    if token is None:
        return _redirect(f"{config.app_url}?{OUTCOME_PARAM}={outcome}", spent)
    signed = login_cookie.sign(token, key=cookie_key())
    return _redirect(config.app_url, spent, login_cookie.set_cookie_header(signed, secure=_secure(request)))


def _finish(config: SsoConfig, request: Request, sealed: str | None) -> tuple[str, str | None]:
    """(outcome code, login token or None). Runs in a worker thread: HTTP to the provider and
    the database both block."""
    params = request.query_params
    flow = oidc_client.open_flow(sealed, key=cookie_key())
    if "error" in params:  # the person cancelled at the provider, or it refused us
        return _failed(f"provider said {params.get('error', '')[:40]}")
    if flow is None or not params.get("code") or not oidc_client.same(params.get("state", ""), flow.state):
        return _failed("state")  # not this browser's attempt (login CSRF), or too old
    try:
        claims = oidc_client.exchange_code(config, code=params["code"], flow=flow)
    except oidc_client.ProviderUnavailable as error:
        logger.error("single sign-on: the provider failed: %s", error)
        return "unavailable", None
    except oidc_client.TokenRejected as error:
        return _failed(error.reason)
    id_token = str(claims.pop("_id_token"))
    for last in (False, True):
        try:
            with session_scope(write=True) as session:
                result = oidc_accounts.sign_in(
                    session=session, config=config, claims=claims, id_token=id_token
                )
            break
        except IntegrityError:
            # Two first logins of one person at the same moment (two tabs): one bound the subject
            # or made the account; the second try finds it.
            if last:
                raise
    return ("refused", None) if result.token is None else ("ok", result.token)


def _failed(reason: str) -> tuple[str, None]:
    with session_scope(write=True) as session:
        oidc_accounts.record_failure(session=session, reason=reason)
    return "failed", None


ROUTES = [
    Route(LOGIN_PATH, _login, methods=["GET"]),
    Route(CALLBACK_PATH, _callback, methods=["GET"]),
]
