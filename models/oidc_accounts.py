"""Who a person the provider vouched for is in Samplan (issue 22), and the provider logout.

The rules, in this order (each outcome is one audit row, action "login.sso"):
1. The provider's issuer and subject id are bound to an account: that account.
2. Not yet bound: the account with the same e-mail (the claim named by the configuration;
   models.text's rule, as professionals and accounts are joined) is bound now, once: an account
   already bound to another subject at this provider is not taken over ("conflict"), and an
   e-mail the provider itself marks unverified (email_verified false) is not trusted.
3. Nobody matches: an account is created only when the administrator's rule
   (create_on_first_login = claim=value) matches the person's claims; a plain staff account,
   no leader, no team: roles and team memberships are Samplan's and stay so. Its password is
   unusable, so it can log in through single sign-on only.
4. Otherwise the person is refused ("unknown"); so is a deactivated account ("inactive").
The provider never changes a role, a team or a name of an existing account.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from models import users
from models.access import Actor, write_audit
from models.errors import UserError
from models.oidc_config import SsoConfig
from models.tables import LoginSession, SsoIdentity, SsoLogin, UserAccount, utcnow
from models.text import clean_name

logger = logging.getLogger("samplan.sso")
SSO_ONLY_PASSWORD = "!sso-only"  # not an argon2 hash: no password ever verifies against it
AUDIT_ACTION = "login.sso"
_NOT_NAME = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class SsoResult:
    """A login (actor and the new login token) or a refusal (reason: a code for the log)."""

    actor: Actor | None
    token: str | None
    refusal: str | None = None


def sign_in(
    *, session: Session, config: SsoConfig, claims: dict[str, Any], id_token: str | None
) -> SsoResult:
    """Match the checked claims to an account and start its login. Call in a write session;
    a refusal is returned, not raised, so its audit row commits with the session."""
    issuer, subject = config.issuer, str(claims["sub"])
    identity = session.execute(
        select(SsoIdentity).where(col(SsoIdentity.issuer) == issuer, col(SsoIdentity.subject) == subject)
    ).scalar_one_or_none()
    user = session.get(UserAccount, identity.user_id) if identity is not None else None
    if identity is None:
        user, refusal = _match_or_create(session, config=config, claims=claims)
        if user is None:
            return _refuse(session, refusal or "unknown", user=None)
        assert user.id is not None
        identity = SsoIdentity(user_id=user.id, issuer=issuer, subject=subject)
        session.add(identity)
        session.flush()
    if user is None or not user.is_active:
        return _refuse(session, "inactive", user=user)
    actor = Actor.from_user(user)
    identity.last_login_at = utcnow()
    session.add(identity)
    token = users.start_login_session(session=session, actor=actor)
    session.flush()
    login_id = session.execute(
        # models.users stores the token's hash only; the same hash finds the row it just added.
        select(col(LoginSession.id)).where(col(LoginSession.token_hash) == users._token_hash(token))
    ).scalar_one()
    assert identity.id is not None
    session.add(SsoLogin(login_session_id=login_id, identity_id=identity.id, id_token=id_token))
    write_audit(session, actor=actor, action=AUDIT_ACTION, entity="sso_identity", entity_id=identity.id)
    return SsoResult(actor=actor, token=token)


def _refuse(session: Session, reason: str, *, user: UserAccount | None) -> SsoResult:
    actor = Actor.from_user(user) if user is not None else None
    write_audit(session, actor=actor, action=AUDIT_ACTION, outcome="denied")
    logger.info("single sign-on refused: %s", reason)  # a code, never the person's claims
    return SsoResult(actor=None, token=None, refusal=reason)


def record_failure(*, session: Session, reason: str) -> None:
    """A login whose provider answer failed a check (forged, expired, replayed): one audit row."""
    write_audit(session, actor=None, action=AUDIT_ACTION, outcome="failed")
    logger.warning("single sign-on failed a check: %s", reason)


def _match_or_create(
    session: Session, *, config: SsoConfig, claims: dict[str, Any]
) -> tuple[UserAccount | None, str | None]:
    email = users.normalise_email(claims.get(config.email_claim))
    trusted = email is not None and claims.get("email_verified") is not False
    if email is not None:
        user = session.execute(
            select(UserAccount).where(func.lower(UserAccount.email) == email)
        ).scalar_one_or_none()
        if user is not None:
            if not trusted:
                return None, "unverified_email"
            bound = session.execute(
                select(func.count())
                .select_from(SsoIdentity)
                .where(col(SsoIdentity.user_id) == user.id, col(SsoIdentity.issuer) == config.issuer)
            ).scalar_one()
            return (None, "conflict") if bound else (user, None)
    if config.create_rule is None or not config.create_rule.matches(claims):
        return None, "unknown"
    return _create_account(session, claims=claims, email=email if trusted else None), None


def _create_account(session: Session, *, claims: dict[str, Any], email: str | None) -> UserAccount:
    user = UserAccount(
        username=_free_username(session, claims, email),
        full_name=_full_name(claims, email),
        email=email,
        role="staff",
        password_hash=SSO_ONLY_PASSWORD,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    write_audit(session, actor=None, action="user.create", entity="user", entity_id=user.id)
    from models import team  # as models.users.create_user: an account joins its e-mail's teams

    team.link_user_to_people(session=session, user_id=user.id)
    return user


def _full_name(claims: dict[str, Any], email: str | None) -> str:
    parts = [claims.get("name"), " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))]
    for candidate in [*parts, email, claims.get("preferred_username")]:
        try:
            return clean_name(candidate, field="navn")
        except UserError:
            continue
    return "Ukendt navn"


def _free_username(session: Session, claims: dict[str, Any], email: str | None) -> str:
    """The e-mail's (or preferred_username's) local part in the user-name alphabet, made unique."""
    source = str(email or claims.get("preferred_username") or "sso").split("@")[0].lower()
    base = _NOT_NAME.sub(".", source).strip("._-")[:90] or "sso"
    if len(base) < 2:
        base = f"sso.{base}"
    taken = set(
        session.execute(
            select(col(UserAccount.username)).where(col(UserAccount.username).startswith(base))
        ).scalars()
    )
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}{number}"
    return name


def bound_subject(*, session: Session, user_id: int, issuer: str) -> str | None:
    """The subject id an account is bound to at this provider (administration, tests)."""
    return session.execute(
        select(col(SsoIdentity.subject)).where(
            col(SsoIdentity.user_id) == user_id, col(SsoIdentity.issuer) == issuer
        )
    ).scalar_one_or_none()


def take_logout_hint(*, session: Session, token: str | None) -> str | None:
    """After "Log ud" of a single sign-on login: its ID token, once, for the provider's logout.

    None when the login is not a single sign-on login, is still live (only a login that has
    ended may end the provider's session), or has already sent the browser to the provider's
    logout. Call in a write session: the token is removed from the database here.
    """
    if not token:
        return None
    row = session.execute(
        select(col(SsoLogin.login_session_id), col(SsoLogin.id_token), col(LoginSession.ended_at))
        .join(LoginSession, col(LoginSession.id) == col(SsoLogin.login_session_id))
        .where(col(LoginSession.token_hash) == users._token_hash(token))
    ).first()
    if row is None or row.ended_at is None or not row.id_token:
        return None
    taken = session.execute(
        update(SsoLogin)
        .where(col(SsoLogin.login_session_id) == row.login_session_id, col(SsoLogin.id_token).is_not(None))
        .values(id_token=None),
        execution_options={"synchronize_session": False},
    )
    return str(row.id_token) if taken.rowcount else None  # type: ignore[attr-defined]
