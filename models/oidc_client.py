"""The OpenID Connect relying party: discovery, the authorization request with PKCE, the code
exchange and every check on the ID token (issue 22). No Streamlit, no HTTP server: ui/sso_routes.py
calls these from its two routes, and tests call them directly against a real local provider.

Authlib's OAuth2Session builds the authorization URL (S256 code challenge from our verifier) and
exchanges the code (client secret in the Authorization header, or the body when the provider
only takes that). The ID token is checked with joserfc (Authlib's JOSE library; authlib.jose is
deprecated) and our own explicit rules, each refusal with its own reason code (audited, tested):
signature (only the provider's published keys, only asymmetric algorithms: no "none", no HS256
with a public key), issuer, audience (and azp when there are several), nonce (this browser's
login attempt), expiry and issue time (60 s leeway for clock skew), subject present.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import errors as jose_errors
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from models.oidc_config import SsoConfig

HTTP_TIMEOUT = 10.0
METADATA_SECONDS = 3600.0  # discovery and keys are fetched again after this
KEY_REFRESH_SECONDS = 60.0  # an unknown key id fetches the keys again at most this often
LEEWAY_SECONDS = 60
FLOW_SECONDS = 600  # a login started longer ago than this must start again
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")

_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


class TokenRejected(Exception):
    """The provider's answer cannot be trusted. `reason` is a short code for the audit and log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered nonsense (network, discovery, token endpoint)."""


@dataclass(frozen=True)
class Flow:
    """One login attempt in one browser: kept in a signed, short-lived cookie (ui/sso_routes.py),
    so the callback can check it came back to the browser that started it (state), for the same
    attempt (nonce), and prove to the provider that we started it (the PKCE verifier)."""

    state: str
    nonce: str
    verifier: str
    started: float


def new_flow(*, clock: Any = time.time) -> Flow:
    return Flow(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),  # 86 characters: within PKCE's 43-128
        started=float(clock()),
    )


def _mac(key: str, payload: str) -> str:
    digest = hmac.new(key.encode(), f"samplan_sso_flow\n{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def same(given: str, expected: str) -> bool:
    """Constant-time comparison that also takes text a client made up (compare_digest refuses
    non-ASCII str with a TypeError: a crafted cookie or token must be a refusal, not an error)."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8"))


def seal_flow(flow: Flow, *, key: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(flow.__dict__).encode()).decode().rstrip("=")
    return f"{payload}.{_mac(key, payload)}"


def open_flow(value: str | None, *, key: str, clock: Any = time.time) -> Flow | None:
    """The flow in a cookie value; None if missing, tampered with or older than FLOW_SECONDS."""
    if not value or "." not in value or not key or len(value) > 2000:
        return None
    payload, _, mac = value.rpartition(".")
    if not same(mac, _mac(key, payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        flow = Flow(state=str(data["state"]), nonce=str(data["nonce"]), verifier=str(data["verifier"]),
                    started=float(data["started"]))  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None
    if not 0 <= clock() - flow.started <= FLOW_SECONDS:
        return None
    return flow


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error.__class__.__name__}") from error
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{url}: not a JSON object")
    return data


def _cached(name: str, fetch: Any, *, max_age: float = METADATA_SECONDS) -> Any:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(name)
    if hit is not None and now - hit[0] < max_age:
        return hit[1]
    value = fetch()
    with _cache_lock:
        _cache[name] = (now, value)
    return value


def forget_cached_metadata() -> None:
    with _cache_lock:
        _cache.clear()


def discover(config: SsoConfig) -> dict[str, Any]:
    """The provider's discovery document; its issuer must be exactly the configured one
    (OpenID Connect Discovery 4.3), or every later issuer check would be meaningless."""

    def fetch() -> dict[str, Any]:
        metadata = _get_json(config.issuer.rstrip("/") + "/.well-known/openid-configuration")
        if metadata.get("issuer") != config.issuer:
            raise ProviderUnavailable(
                f"discovery names issuer {metadata.get('issuer')!r}, not {config.issuer!r}"
            )
        for needed in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(metadata.get(needed), str):
                raise ProviderUnavailable(f"discovery has no {needed}")
        return metadata

    return _cached(f"discovery {config.issuer}", fetch)  # type: ignore[no-any-return]


def _keys(jwks_uri: str, *, fresh: bool = False) -> KeySet:
    def fetch() -> KeySet:
        try:
            return KeySet.import_key_set(_get_json(jwks_uri))  # type: ignore[arg-type]
        except (jose_errors.JoseError, ValueError, KeyError, TypeError) as error:
            raise ProviderUnavailable(f"{jwks_uri}: bad key set") from error

    return _cached(f"keys {jwks_uri}", fetch, max_age=KEY_REFRESH_SECONDS if fresh else METADATA_SECONDS)  # type: ignore[no-any-return]


def _client(config: SsoConfig, metadata: dict[str, Any]) -> OAuth2Session:
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(
        client_id=config.client_id,
        client_secret=config.client_secret,
        token_endpoint_auth_method=method,
        scope=config.scopes,
        redirect_uri=config.redirect_uri,
        code_challenge_method="S256",
        default_timeout=HTTP_TIMEOUT,
    )


def authorization_url(config: SsoConfig, flow: Flow) -> str:
    """Where the browser goes to log in: the provider's authorize endpoint with our state, nonce
    and the S256 challenge of the flow's verifier (the verifier itself stays with us)."""
    metadata = discover(config)
    url, _ = _client(config, metadata).create_authorization_url(
        metadata["authorization_endpoint"], state=flow.state, nonce=flow.nonce, code_verifier=flow.verifier
    )
    return str(url)


def exchange_code(config: SsoConfig, *, code: str, flow: Flow) -> dict[str, Any]:
    """The code for tokens at the token endpoint (with the PKCE verifier); the checked ID token's
    claims, completed from the userinfo endpoint when the ID token lacks the e-mail, plus the
    raw ID token under "_id_token" (kept for the provider's logout, id_token_hint)."""
    metadata = discover(config)
    client = _client(config, metadata)
    try:
        token = client.fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=flow.verifier,
        )
    except Exception as error:  # Authlib raises OAuthError, requests its own: either way no tokens
        raise ProviderUnavailable(f"token endpoint: {error.__class__.__name__}") from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise TokenRejected("no_id_token")
    claims = verify_id_token(id_token, config=config, metadata=metadata, nonce=flow.nonce)
    if config.email_claim not in claims and isinstance(metadata.get("userinfo_endpoint"), str):
        claims = {**_userinfo(metadata["userinfo_endpoint"], token, subject=claims["sub"]), **claims}
    return {**claims, "_id_token": id_token}


def _userinfo(url: str, token: dict[str, Any], *, subject: str) -> dict[str, Any]:
    try:
        response = requests.get(
            url, timeout=HTTP_TIMEOUT, headers={"Authorization": f"Bearer {token.get('access_token', '')}"}
        )
        response.raise_for_status()
        info = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"userinfo: {error.__class__.__name__}") from error
    # OpenID Connect Core 5.3.2: a userinfo answer about anyone else must not be used.
    if not isinstance(info, dict) or info.get("sub") != subject:
        raise TokenRejected("userinfo_subject")
    return info


def verify_id_token(
    id_token: str, *, config: SsoConfig, metadata: dict[str, Any], nonce: str, now: int | None = None
) -> dict[str, Any]:
    """The ID token's claims once every check has passed; TokenRejected(reason) otherwise."""
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [name for name in ALLOWED_ALGORITHMS if name in offered]
    if not algorithms:
        raise TokenRejected("algorithm")
    decoded = _decode(id_token, metadata["jwks_uri"], algorithms)
    claims = dict(decoded.claims)
    if claims.get("iss") != config.issuer:
        raise TokenRejected("issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if config.client_id not in audiences:
        raise TokenRejected("audience")
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != config.client_id:
        raise TokenRejected("audience")
    if not isinstance(claims.get("nonce"), str) or not same(claims["nonce"], nonce):
        raise TokenRejected("nonce")
    if not isinstance(claims.get("sub"), str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise TokenRejected("subject")
    registry = JWTClaimsRegistry(
        now=now, leeway=LEEWAY_SECONDS, exp={"essential": True}, iat={"essential": True}
    )
    try:
        registry.validate(claims)
    except jose_errors.ExpiredTokenError as error:
        raise TokenRejected("expired") from error
    except jose_errors.JoseError as error:  # iat in the future, nbf not yet, a missing exp/iat
        raise TokenRejected("time") from error
    return claims


def _decode(id_token: str, jwks_uri: str, algorithms: list[str]) -> jwt.Token:
    for fresh in (False, True):  # a key id we do not know yet: the provider may have rotated keys
        try:
            return jwt.decode(id_token, _keys(jwks_uri, fresh=fresh), algorithms=algorithms)
        except (jose_errors.BadSignatureError, jose_errors.UnsupportedAlgorithmError) as error:
            raise TokenRejected("signature") from error
        except (jose_errors.MissingKeyError, jose_errors.InvalidKeyIdError, ValueError) as error:
            if fresh:
                raise TokenRejected("signature") from error
        except jose_errors.JoseError as error:
            raise TokenRejected("malformed") from error
    raise TokenRejected("signature")  # not reached


def end_session_url(config: SsoConfig, *, id_token: str | None) -> str | None:
    """The provider's logout address (OpenID Connect RP-Initiated Logout), or None when its
    discovery document offers none: then only Samplan's login ends."""
    try:
        metadata = discover(config)
    except ProviderUnavailable:
        return None
    endpoint = metadata.get("end_session_endpoint")
    if not isinstance(endpoint, str):
        return None
    query = {"client_id": config.client_id, "post_logout_redirect_uri": config.app_url}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"
