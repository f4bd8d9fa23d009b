"""Which login methods are on, and the single sign-on (OpenID Connect) settings (issue 22).

Local accounts are the default and need no configuration. Single sign-on is turned on by the
environment, or by a TOML file outside the repository (SAMPLAN_SSO_CONFIG=/etc/samplan/sso.toml)
holding the same settings without the SAMPLAN_OIDC_ prefix, in lower case; the environment wins.
The client secret is read from the environment only (SAMPLAN_OIDC_CLIENT_SECRET): a file that
is copied around, or committed by mistake, never holds it. docs/sso.md lists every setting.

Read on every call (cheap), like models/settings.py, so a test can point a server at its own
provider through the environment.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

METHODS = ("local", "sso")
LOGIN_PATH = "/_samplan/sso/login"  # the routes (ui/sso_routes.py, mounted by server.py)
CALLBACK_PATH = "/_samplan/sso/callback"
DEFAULT_SCOPES = "openid profile email"
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class SsoConfigError(ValueError):
    """The configuration turns single sign-on on but cannot work; the message says what to fix."""


@dataclass(frozen=True)
class CreateRule:
    """Create an account on first login when the claim `claim` is, or contains, `value`."""

    claim: str
    value: str

    def matches(self, claims: dict[str, object]) -> bool:
        found = claims.get(self.claim)
        if isinstance(found, list):
            return self.value in [str(item) for item in found]
        return found is not None and str(found) == self.value


@dataclass(frozen=True)
class SsoConfig:
    issuer: str  # exactly as the provider's discovery document says (no trailing slash added)
    client_id: str
    client_secret: str
    redirect_uri: str  # https://samplan.kommune.dk/_samplan/sso/callback, registered at the provider
    display_name: str  # "Log ind med <display_name>"
    scopes: str = DEFAULT_SCOPES
    email_claim: str = "email"
    create_rule: CreateRule | None = None

    @property
    def app_url(self) -> str:
        """Samplan's public address (with any path prefix), from the registered redirect URI: where
        a login lands and where the provider sends the browser back after its logout."""
        return self.redirect_uri.removesuffix(CALLBACK_PATH) + "/"

    @property
    def login_url(self) -> str:
        return self.redirect_uri.removesuffix(CALLBACK_PATH) + LOGIN_PATH


@dataclass(frozen=True)
class LoginMethods:
    local: bool
    sso: SsoConfig | None


def _file_settings(environ: dict[str, str]) -> dict[str, object]:
    path = environ.get("SAMPLAN_SSO_CONFIG", "").strip()
    if not path:
        return {}
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SsoConfigError(f"SAMPLAN_SSO_CONFIG={path} cannot be read: {error}") from error


def login_methods(environ: dict[str, str] | None = None) -> LoginMethods:
    """The login methods that are on. Raises SsoConfigError when SSO is on but incomplete."""
    env = dict(os.environ if environ is None else environ)
    file = _file_settings(env)

    def setting(name: str, default: str = "") -> str:
        value = env.get(f"SAMPLAN_OIDC_{name.upper()}")
        if value is None:
            value = str(file.get(name, default))
        return value.strip()

    raw = env.get("SAMPLAN_LOGIN_METHODS") or str(file.get("login_methods", "local"))
    methods = {part.strip().lower() for part in raw.split(",") if part.strip()}
    unknown = methods - set(METHODS)
    if unknown or not methods:
        raise SsoConfigError(f"SAMPLAN_LOGIN_METHODS={raw!r}: use 'local', 'sso' or 'local,sso'")
    if "sso" not in methods:
        return LoginMethods(local=True, sso=None)
    sso = SsoConfig(
        issuer=setting("issuer"),
        client_id=setting("client_id"),
        client_secret=env.get("SAMPLAN_OIDC_CLIENT_SECRET", "").strip(),
        redirect_uri=setting("redirect_uri"),
        display_name=setting("display_name", "kommunens login"),
        scopes=setting("scopes", DEFAULT_SCOPES),
        email_claim=setting("email_claim", "email"),
        create_rule=_create_rule(setting("create_on_first_login")),
    )
    _check(sso)
    return LoginMethods(local="local" in methods, sso=sso)


def _create_rule(value: str) -> CreateRule | None:
    """ "groups=Samplan-brugere": accounts are created for people whose `groups` claim holds
    Samplan-brugere. Empty: nobody gets an account by logging in."""
    if not value:
        return None
    claim, sep, wanted = value.partition("=")
    if not sep or not claim.strip() or not wanted.strip():
        raise SsoConfigError(f"create_on_first_login={value!r}: write it as claim=value, e.g. groups=Samplan")
    return CreateRule(claim=claim.strip(), value=wanted.strip())


def _check(sso: SsoConfig) -> None:
    missing = [
        name for name in ("issuer", "client_id", "client_secret", "redirect_uri") if not getattr(sso, name)
    ]
    if missing:
        names = ", ".join(f"SAMPLAN_OIDC_{name.upper()}" for name in missing)
        raise SsoConfigError(f"single sign-on is on (SAMPLAN_LOGIN_METHODS) but {names} is not set")
    if "openid" not in sso.scopes.split():
        raise SsoConfigError("SAMPLAN_OIDC_SCOPES must include 'openid'")
    if not sso.redirect_uri.endswith(CALLBACK_PATH):
        raise SsoConfigError(f"SAMPLAN_OIDC_REDIRECT_URI must end with {CALLBACK_PATH}")
    for name in ("issuer", "redirect_uri"):
        url = urlsplit(getattr(sso, name))
        # Tokens and codes travel over these: plain http only on this machine (tests, development).
        if url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOCAL_HOSTS):
            raise SsoConfigError(f"SAMPLAN_OIDC_{name.upper()} must be an https:// address")
