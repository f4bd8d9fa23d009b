"""A small but real OpenID Connect provider for the tests (issue 22), served by uvicorn in a thread.

What a municipality's provider (Entra ID, ADFS) does for Samplan, over real HTTP: discovery,
its signing keys (JWKS), the authorization endpoint with a login form and PKCE required (S256
only), the token endpoint (client secret, single-use codes, redirect URI and verifier checked),
userinfo, and RP-initiated logout (end_session_endpoint). The PKCE check uses Authlib's own
S256 function and the ID tokens are signed with joserfc (Authlib's JOSE library).

`forge` makes the next ID token bad on purpose, in one way, so the tests can see Samplan refuse
it: "expired", "signature" (signed with a key the provider never published), "issuer",
"audience" or "nonce".

    with OidcProvider(people=[Person("anne-sub", "anne", "anne@kommune.example")]) as provider:
        provider.issuer, provider.client_id, provider.client_secret
"""

from __future__ import annotations

import html
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import requests
import uvicorn
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

SESSION_COOKIE = "provider_session"
FORGERIES = ("expired", "signature", "issuer", "audience", "nonce")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Person:
    subject: str
    username: str  # what the person types into the provider's login form
    email: str | None = None
    name: str = "Test Person"
    groups: tuple[str, ...] = ()
    email_verified: bool = True


@dataclass
class _Grant:
    person: Person
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None


@dataclass
class OidcProvider:
    people: list[Person]
    client_id: str = "samplan-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    redirect_uris: list[str] = field(default_factory=list)
    forge: str | None = None
    token_seconds: int = 300
    logouts: list[dict[str, Any]] = field(default_factory=list)  # what end_session received
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "provider-key-1", "use": "sig", "alg": "RS256"}
        )
        # Same key id, different key: what someone forging a token without the real key would make.
        self.stranger_key = RSAKey.generate_key(2048, parameters={"kid": "provider-key-1", "alg": "RS256"})
        self._codes: dict[str, _Grant] = {}
        self._access: dict[str, Person] = {}
        self._sessions: dict[str, Person] = {}
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # --- running ----------------------------------------------------------------------------

    def __enter__(self) -> OidcProvider:
        app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self._discovery),
            Route("/jwks", self._jwks),
            Route("/authorize", self._authorize, methods=["GET", "POST"]),
            Route("/token", self._token, methods=["POST"]),
            Route("/userinfo", self._userinfo),
            Route("/logout", self._end_session),
        ])  # fmt: skip
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="oidc-provider", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test OpenID Connect provider did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def environment(self, redirect_uri: str, *, methods: str = "local,sso", **extra: str) -> dict[str, str]:
        """What a Samplan server needs to use this provider (docs/sso.md names the variables)."""
        self.redirect_uris.append(redirect_uri)
        return {
            "SAMPLAN_LOGIN_METHODS": methods,
            "SAMPLAN_OIDC_ISSUER": self.issuer,
            "SAMPLAN_OIDC_CLIENT_ID": self.client_id,
            "SAMPLAN_OIDC_CLIENT_SECRET": self.client_secret,
            "SAMPLAN_OIDC_REDIRECT_URI": redirect_uri,
            "SAMPLAN_OIDC_DISPLAY_NAME": "Testkommune",
            **extra,
        }

    def log_in_without_browser(self, authorization_url: str, username: str) -> str:
        """The provider's login form, filled in by code: the address it sends the browser back to."""
        shown = requests.get(authorization_url, timeout=10, allow_redirects=False)
        shown.raise_for_status()
        form = {**self._hidden_fields(shown.text), "username": username}
        answer = requests.post(f"{self.issuer}/authorize", data=form, timeout=10, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    @staticmethod
    def _hidden_fields(page: str) -> dict[str, str]:
        import re

        pattern = r'<input type="hidden" name="([^"]+)" value="([^"]*)">'
        return {name: html.unescape(value) for name, value in re.findall(pattern, page)}

    # --- endpoints --------------------------------------------------------------------------

    async def _discovery(self, _request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email"],
        })  # fmt: skip

    async def _jwks(self, _request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    async def _authorize(self, request: Request) -> Response:
        params = dict(await request.form()) if request.method == "POST" else dict(request.query_params)
        params = {k: str(v) for k, v in params.items()}
        problem = self._check_authorization_request(params)
        if problem:
            return Response(problem, status_code=400)
        person = self._sessions.get(request.cookies.get(SESSION_COOKIE, ""))
        if request.method == "POST":
            person = next((p for p in self.people if p.username == params.get("username", "").strip()), None)
            if person is None:
                return self._login_form(params, error="Ukendt bruger hos udbyderen.")
        if person is None:  # no session at the provider yet: ask who you are
            return self._login_form(params)
        code = secrets.token_urlsafe(24)
        self._codes[code] = _Grant(person, params["client_id"], params["redirect_uri"],
                                   params["code_challenge"], params.get("nonce"))  # fmt: skip
        target = f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params.get('state', '')})}"
        response = RedirectResponse(target, status_code=302)
        session = secrets.token_urlsafe(16)
        self._sessions[session] = person
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax", path="/")
        return response

    def _check_authorization_request(self, params: dict[str, str]) -> str | None:
        if params.get("response_type") != "code":
            return "unsupported_response_type"
        if params.get("client_id") != self.client_id or params.get("redirect_uri") not in self.redirect_uris:
            return "invalid_client or redirect_uri"
        if "openid" not in params.get("scope", "").split():
            return "invalid_scope"
        if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) < 43:
            return "PKCE (S256) is required"
        return None

    def _login_form(self, params: dict[str, str], *, error: str = "") -> Response:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items() if k != "username"
        )  # fmt: skip
        message = f'<p role="alert">{html.escape(error)}</p>' if error else ""
        return HTMLResponse(
            '<!doctype html><html lang="da"><head><title>Testkommune login</title></head><body><main>'
            f'<h1>Testkommune login</h1>{message}<form method="post" action="/authorize">{hidden}'
            '<label for="username">Brugernavn hos udbyderen</label> '
            '<input id="username" name="username" autocomplete="username"> '
            '<button type="submit">Fortsæt</button></form></main></body></html>'
        )

    async def _token(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.token_requests.append(form)
        client_id, secret = self._client_credentials(request, form)
        if client_id != self.client_id or secret != self.client_secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = self._codes.pop(form.get("code", ""), None)  # single use
        if form.get("grant_type") != "authorization_code" or grant is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if create_s256_code_challenge(form.get("code_verifier", "")) != grant.challenge:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        access = secrets.token_urlsafe(24)
        self._access[access] = grant.person
        return JSONResponse({
            "access_token": access, "token_type": "Bearer", "expires_in": self.token_seconds,
            "id_token": self.id_token(grant.person, nonce=grant.nonce),
        })  # fmt: skip

    @staticmethod
    def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
        import base64
        from urllib.parse import unquote

        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return unquote(user), unquote(password)
        return form.get("client_id", ""), form.get("client_secret", "")

    def id_token(self, person: Person, *, nonce: str | None, forge: str | None = None) -> str:
        """An ID token for `person`; `forge` (or self.forge, used up once) makes it bad one way."""
        forge = forge or self.forge
        self.forge = None
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": "http://evil.example" if forge == "issuer" else self.issuer,
            "sub": person.subject,
            "aud": "someone-else" if forge == "audience" else self.client_id,
            "iat": now - 7200 if forge == "expired" else now,
            "exp": now - 3600 if forge == "expired" else now + self.token_seconds,
            "auth_time": now,
            "nonce": "not-the-nonce" if forge == "nonce" else nonce,
            "name": person.name,
            "groups": list(person.groups),
        }  # the e-mail only from userinfo, as some providers do: Samplan must ask for it there
        key = self.stranger_key if forge == "signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": "provider-key-1"}, claims, key)

    async def _userinfo(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        person = self._access.get(header[7:] if header.lower().startswith("bearer ") else "")
        if person is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        info: dict[str, Any] = {"sub": person.subject, "name": person.name, "groups": list(person.groups)}
        if person.email:
            info |= {"email": person.email, "email_verified": person.email_verified}
        return JSONResponse(info)

    async def _end_session(self, request: Request) -> Response:
        params = dict(request.query_params)
        hint = params.get("id_token_hint")
        subject = None
        if hint:
            subject = jwt.decode(hint, self.key).claims.get("sub")  # ours, or this raises
        self.logouts.append({"client_id": params.get("client_id"), "subject": subject,
                             "post_logout_redirect_uri": params.get("post_logout_redirect_uri")})  # fmt: skip
        self._sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        target = params.get("post_logout_redirect_uri")
        if target and any(target == uri.split("/_samplan/")[0] + "/" for uri in self.redirect_uris):
            response: Response = RedirectResponse(target, status_code=302)
        else:
            response = HTMLResponse("<!doctype html><title>Logget ud</title><p>Du er logget ud.</p>")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
