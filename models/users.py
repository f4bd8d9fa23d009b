"""Local user accounts: argon2id hashes, lockout, and server-side login sessions.

Why server-side sessions: Streamlit's session state is lost on reload and cannot be ended
from the server, so logout and the idle/absolute timeouts are enforced against this table.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlmodel import Session

from models.access import Actor, write_audit
from models.errors import UserError
from models.tables import ROLES, LoginSession, UserAccount, utcnow
from models.text import clean_name, clean_text

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verifying against this keeps an unknown user as slow as a wrong password (no name probing).
_DUMMY_HASH = _hasher.hash("samplan-dummy-password")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class UserSummary:
    id: int
    username: str
    full_name: str
    email: str | None
    role: str
    is_active: bool
    locked: bool


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password_rules(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError("error.password_too_short", min=MIN_PASSWORD_LENGTH)
    if len(password) > 1000:
        raise UserError("error.too_long", field="password", max=1000, length=len(password))


def normalise_email(value: object) -> str | None:
    email = clean_text(value, field="e-mail", max_length=254, single_line=True).lower()
    if not email:
        return None
    if not _EMAIL.match(email):
        raise UserError("error.bad_email", value=email[:60])
    return email


def create_user(
    *,
    session: Session,
    username: str,
    full_name: str,
    email: str | None,
    role: str,
    password: str,
    actor: Actor | None = None,
) -> UserSummary:
    """Create an account. `actor` None means the CLI or the first-run screen."""
    if actor is not None and not actor.is_admin:
        raise UserError("error.admin_only")
    name = clean_text(username, field="brugernavn", max_length=100, single_line=True).lower()
    if not _USERNAME.match(name):
        raise UserError("error.bad_username")
    if role not in ROLES:
        raise UserError("error.bad_role")
    _check_password_rules(password)
    display = clean_name(full_name, field="navn")
    mail = normalise_email(email)
    taken = session.execute(
        select(func.count()).select_from(UserAccount).where(UserAccount.username == name)
    ).scalar_one()
    if taken:
        raise UserError("error.username_taken", username=name)
    if mail is not None:
        mail_taken = session.execute(
            select(func.count())
            .select_from(UserAccount)
            .where(func.lower(UserAccount.email) == mail)
        ).scalar_one()
        if mail_taken:
            raise UserError("error.email_taken")
    user = UserAccount(
        username=name,
        full_name=display,
        email=mail,
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    write_audit(session, actor=actor, action="user.create", entity="user", entity_id=user.id)
    # A user and a professional with the same e-mail are the same person: join their teams.
    from models import team

    team.link_user_to_people(session=session, user_id=user.id)
    return _summary(user)


def _summary(user: UserAccount) -> UserSummary:
    assert user.id is not None
    locked = bool(user.locked_until and user.locked_until > utcnow())
    return UserSummary(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        role=user.role,
        is_active=user.is_active,
        locked=locked,
    )


def has_users(*, session: Session) -> bool:
    return bool(session.execute(select(func.count()).select_from(UserAccount)).scalar_one())


def list_users(*, session: Session, actor: Actor) -> list[UserSummary]:
    if not actor.is_admin:
        raise UserError("error.admin_only")
    users = session.execute(select(UserAccount).order_by(UserAccount.full_name)).scalars().all()
    return [_summary(user) for user in users]


def authenticate(*, session: Session, username: str, password: str) -> Actor:
    """Check a password. The same message for an unknown user, a wrong password and a lockout.

    Every attempt is audited (user id when known; never the typed name or password).
    Locked after MAX_FAILED_LOGINS failures in a row, for LOCKOUT.
    """
    name = username.strip().lower()[:100] if isinstance(username, str) else ""
    if not _storable(name):
        name = ""  # a NUL or a lone surrogate cannot be a user name: fail like an unknown user
    user = session.execute(
        select(UserAccount).where(UserAccount.username == name)
    ).scalar_one_or_none()
    now = utcnow()
    if user is None or not user.is_active:
        _verify_quietly(_DUMMY_HASH, password)
        write_audit(session, actor=None, action="login", outcome="failed")
        _refuse_login(session)
    actor = Actor.from_user(user)
    if user.locked_until is not None and user.locked_until > now:
        _verify_quietly(_DUMMY_HASH, password)
        write_audit(session, actor=actor, action="login", outcome="locked")
        _refuse_login(session)
    if not _verify_quietly(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
        session.add(user)
        write_audit(session, actor=actor, action="login", outcome="failed")
        _refuse_login(session)
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    write_audit(session, actor=actor, action="login", outcome="ok")
    return actor


def _refuse_login(session: Session) -> NoReturn:
    """Commit the failure count and the audit row first: the UserError would roll them back,
    and a lockout that forgets its failures locks nobody out."""
    session.commit()
    raise UserError("error.login_failed")


def _storable(text: str) -> bool:
    """Text every database can compare against: no NUL (PostgreSQL), no lone surrogate (UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _verify_quietly(password_hash: str, password: object) -> bool:
    """A typed password that cannot be encoded (a lone surrogate) or is not text is simply wrong."""
    try:
        return _hasher.verify(password_hash, password if isinstance(password, str) else "")
    except (VerificationError, InvalidHashError, UnicodeEncodeError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_login_session(*, session: Session, actor: Actor) -> str:
    """Return a fresh random token (kept in the browser session only); store its hash."""
    assert actor.user_id is not None
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_token_hash(token), user_id=actor.user_id))
    return token


def resume_login_session(
    *, session: Session, token: str | None, now: datetime | None = None
) -> Actor | None:
    """The logged-in actor for a token, or None when it is unknown, ended or timed out.

    Touches last_seen_at, so the idle timeout counts from the last request.
    """
    if not token:
        return None
    now = now or utcnow()
    row = session.execute(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
        row.ended_at = now
        session.add(row)
        return None
    user = session.get(UserAccount, row.user_id)
    if user is None or not user.is_active:
        return None
    row.last_seen_at = now
    session.add(row)
    return Actor.from_user(user)


def end_login_session(*, session: Session, token: str | None) -> None:
    if not token:
        return
    row = session.execute(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        session.add(row)
        user = session.get(UserAccount, row.user_id)
        if user is not None:
            write_audit(session, actor=Actor.from_user(user), action="logout")


def create_first_admin(
    *, session: Session, username: str, full_name: str, email: str | None, password: str, repeat: str
) -> Actor:
    """The first-run screen: the first account is an administrator, and only while none exists.

    Call in a write session: BEGIN IMMEDIATE makes two browsers racing here create one admin.
    """
    if has_users(session=session):
        raise UserError("error.already_set_up")
    if password != repeat:
        raise UserError("cli.password_mismatch")
    user = create_user(
        session=session, username=username, full_name=full_name, email=email, role="admin", password=password
    )
    account = session.get(UserAccount, user.id)
    assert account is not None
    return Actor.from_user(account)
