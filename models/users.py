"""Local user accounts: argon2id hashes, lockout, and server-side login sessions.

Why server-side sessions: Streamlit's session state is lost on reload and cannot be ended
from the server, so logout and the idle/absolute timeouts are enforced against this table.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Table, case, delete, func, literal, null, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from models.access import Actor, write_audit
from models.db import session_scope
from models.errors import UserError
from models.tables import ROLES, LoginSession, LoginThrottle, UserAccount, utcnow
from models.text import clean_email, clean_name, clean_text

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
# last_seen_at is written at most this often per login: every rerun of every tab resumes its
# login, and a write per rerun queued every page view behind SQLite's one write lock (issue 16).
TOUCH_INTERVAL = timedelta(minutes=1)
_NO_SYNC = {"synchronize_session": False}  # plain UPDATEs: no ORM object of these rows is kept
MIN_PASSWORD_LENGTH = 10
# One browser session's attempts, whatever the names typed (pages/login.py keeps the list).
SESSION_MAX_ATTEMPTS = 10
SESSION_WINDOW = timedelta(minutes=10)
# pg_advisory_xact_lock key for creating the first administrator (any fixed 64-bit number).
_FIRST_ADMIN_LOCK = 0x53414D504C414E01

_ACCOUNTS: Table = UserAccount.__table__  # type: ignore[attr-defined]
_THROTTLE: Table = LoginThrottle.__table__  # type: ignore[attr-defined]

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this keeps an unknown user as slow as a wrong password (no name probing).

    Made at the first login attempt, known name or not, not at import: hashing takes ~0.4 s of
    CPU, which every process importing this module paid (each app server, each `samplan`
    command), most of them never checking a password."""
    return _hasher.hash("samplan-dummy-password")

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")


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
    """An account's e-mail by the same rule as every other address (models.text.clean_email):
    an account and a professional with the same address are joined, so the rules must agree."""
    return clean_email(value)


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


def authenticate(
    *, username: object, password: object, session_attempts: list[datetime] | None = None
) -> Actor:
    """Check a password; the logged-in actor, or UserError("error.login_failed").

    The one door for every login. It opens its own transactions, because where the slow part
    runs is the point (issue 15):
    - The argon2 verify (~0.1 s) runs with NO transaction open. Inside SQLite's BEGIN IMMEDIATE
      it held the database's only write lock, and a loop of attempts made staff saves fail.
    - The attempt is counted BEFORE the verify, in one atomic statement per counter (the name
      and the account), and "locked" is what the database answers. Read-add-write in Python let
      twenty parallel guesses on PostgreSQL all see "0 failures": the lockout never came. So at
      most MAX_FAILED_LOGINS guesses a lockout period are ever checked against a hash; the rest
      are refused as locked without a verify. A right password resets both counters.
    - Names that do not exist are counted too (LoginThrottle), so guessing at made-up names is
      slowed as much as at real ones, and an unknown name costs one verify (of a dummy hash)
      like a known one: neither the time nor the message tells whether a name exists.
    - `session_attempts` (the browser session's own list of attempt times, kept by the login
      page) limits one browser to SESSION_MAX_ATTEMPTS per SESSION_WINDOW, whatever the names:
      refused with "error.login_wait" before anything is counted or verified.
    Every attempt leaves exactly one audit row: "ok", "failed", "locked" or "throttled", with
    the user id when the name is an active account; never the typed name or password.
    """
    now = utcnow()
    if session_attempts is not None and not _session_may_try(session_attempts, now):
        with session_scope(write=True) as session:
            write_audit(session, actor=None, action="login", outcome="throttled")
        raise UserError("login_limits.wait")
    name = _typed_name(username)
    attempt = _count_attempt(name, now)
    if attempt.refused:
        raise UserError("error.login_failed")
    # No transaction is open here: the slow part blocks nobody. The dummy hash is made before the
    # branch, so a process's first attempt costs the same whether the name exists or not.
    dummy = _dummy_hash()
    right = _verify_quietly(attempt.password_hash or dummy, password)
    if not (right and attempt.user_id is not None and attempt.password_hash is not None):
        with session_scope(write=True) as session:
            actor = _actor(session, attempt.user_id)
            write_audit(session, actor=actor, action="login", outcome="failed")
        raise UserError("error.login_failed")
    rehashed = (
        hash_password(password)  # type: ignore[arg-type]  # verified, so it is a str
        if _hasher.check_needs_rehash(attempt.password_hash)
        else None
    )
    with session_scope(write=True) as session:
        values: dict[str, object] = {"failed_logins": 0, "locked_until": None}
        if rehashed is not None:
            values["password_hash"] = rehashed
        session.execute(update(_ACCOUNTS).where(_ACCOUNTS.c.id == attempt.user_id).values(**values))
        session.execute(delete(_THROTTLE).where(_THROTTLE.c.name_hash == _name_hash(name)))
        actor = _actor(session, attempt.user_id)
        assert actor is not None
        write_audit(session, actor=actor, action="login", outcome="ok")
    return actor


@dataclass(frozen=True)
class _Attempt:
    user_id: int | None  # None: no active account has this name
    password_hash: str | None
    refused: bool  # locked (the name or the account): refused without a verify


def _count_attempt(name: str, now: datetime) -> _Attempt:
    """Count one attempt against the typed name and, if it is an active account, the account.

    One short write transaction. Each counter is one atomic UPDATE (or upsert) whose WHERE
    skips a row that is still locked, so the database decides who is the 5th guess and who
    comes after the lock. A refusal is audited here; the caller only raises.
    """
    with session_scope(write=True) as session:
        _forget_old_names(session, now)
        row = session.execute(
            select(_ACCOUNTS.c.id, _ACCOUNTS.c.password_hash, _ACCOUNTS.c.is_active).where(
                _ACCOUNTS.c.username == name
            )
        ).first()
        user_id, password_hash = (row.id, row.password_hash) if row and row.is_active else (None, None)
        open_ = _count_name(session, _name_hash(name), now) and (
            user_id is None or _count_account(session, user_id, now)
        )
        if not open_:
            write_audit(session, actor=_actor(session, user_id), action="login", outcome="locked")
            return _Attempt(user_id=user_id, password_hash=None, refused=True)
    return _Attempt(user_id=user_id, password_hash=password_hash, refused=False)


def _next_count(count: ColumnElement[int], locked_until: ColumnElement[datetime]) -> ColumnElement[int]:
    """The counter after this attempt. Only rows whose lock is absent or over get here, so a
    lock time still set means a lock that has run out: counting starts again from one."""
    return case((locked_until.is_not(None), 1), else_=count + 1)


def _lock_after(count: ColumnElement[int], now: datetime) -> ColumnElement[datetime | None]:
    """Lock at the MAX_FAILED_LOGINS-th attempt, in the same statement that counts it."""
    until = literal(now + LOCKOUT, _ACCOUNTS.c.locked_until.type)
    return case((count >= MAX_FAILED_LOGINS, until), else_=null())


def _count_account(session: Session, user_id: int, now: datetime) -> bool:
    """Count the attempt on the account; False when the account is locked."""
    count = _next_count(_ACCOUNTS.c.failed_logins, _ACCOUNTS.c.locked_until)
    counted = session.execute(
        update(_ACCOUNTS)
        .where(_ACCOUNTS.c.id == user_id, _unlocked(_ACCOUNTS.c.locked_until, now))
        .values(failed_logins=count, locked_until=_lock_after(count, now))
        .returning(_ACCOUNTS.c.failed_logins)
    ).scalar_one_or_none()
    return counted is not None


def _count_name(session: Session, name_hash: str, now: datetime) -> bool:
    """Count the attempt on the typed name (an upsert); False when the name is locked.

    Failures further back than LOCKOUT no longer count: the row stands for recent guessing only.
    """
    table = _THROTTLE
    forgotten = or_(table.c.locked_until.is_not(None), table.c.last_failure_at < now - LOCKOUT)
    count = case((forgotten, 1), else_=table.c.failures + 1)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(table)
        .values(name_hash=name_hash, failures=1, last_failure_at=now, locked_until=None)
        .on_conflict_do_update(
            index_elements=[table.c.name_hash],
            set_={
                "failures": count,
                "last_failure_at": now,
                "locked_until": _lock_after(count, now),
            },
            where=_unlocked(table.c.locked_until, now),
        )
        .returning(table.c.failures)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def _unlocked(locked_until: ColumnElement[datetime], now: datetime) -> ColumnElement[bool]:
    return or_(locked_until.is_(None), locked_until <= now)


def _forget_old_names(session: Session, now: datetime) -> None:
    """Delete name rows with no failure for LOCKOUT (their lock, if any, is over too), so made-up
    names do not pile up. SKIP LOCKED (PostgreSQL; SQLite has one writer anyway): the clean-up
    never waits for, nor deadlocks with, a concurrent attempt holding one of those rows."""
    stale = (
        select(_THROTTLE.c.name_hash)
        .where(_THROTTLE.c.last_failure_at < now - LOCKOUT, _unlocked(_THROTTLE.c.locked_until, now))
        .limit(100)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(_THROTTLE).where(_THROTTLE.c.name_hash.in_(stale.scalar_subquery())))


def _actor(session: Session, user_id: int | None) -> Actor | None:
    user = session.get(UserAccount, user_id) if user_id is not None else None
    return Actor.from_user(user) if user is not None else None


def _typed_name(username: object) -> str:
    """The name as stored (trimmed, lower case). A NUL or a lone surrogate cannot be a user
    name: it becomes "", which fails like any unknown name."""
    name = username.strip().lower()[:100] if isinstance(username, str) else ""
    return name if _storable(name) else ""


def _name_hash(name: str) -> str:
    return hashlib.sha256(f"samplan-login-name:{name}".encode()).hexdigest()


def _session_may_try(attempt_times: list[datetime], now: datetime) -> bool:
    """One browser session's limit. Prunes and appends to the caller's list (kept in the
    session): the DB counters stop guessing at one name, this stops one browser from trying
    name after made-up name. A new browser session starts afresh, hence the DB counters."""
    attempt_times[:] = [at for at in attempt_times if now - at < SESSION_WINDOW]
    if len(attempt_times) >= SESSION_MAX_ATTEMPTS:
        return False
    attempt_times.append(now)
    return True


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
    *, session: Session, token: str | None, now: datetime | None = None, write: bool = True
) -> Actor | None:
    """The logged-in actor for a token, or None when it is unknown, ended or timed out.

    Every rerun of every tab starts here, so it reads, and writes only what has to change:
    - a login that has just timed out is ended (one UPDATE, the login is over for every tab);
    - last_seen_at, from which the idle limit counts, is moved on only when it is more than
      TOUCH_INTERVAL old, by one `UPDATE ... WHERE last_seen_at < now - TOUCH_INTERVAL`: two tabs
      (or processes) that find it old at the same moment write it once, the second matches no row.
    In a read session (ui.context) SQLite's write lock is taken only for that UPDATE (models.db),
    i.e. at most once a minute per login; a rerun in between writes nothing.

    Both limits are checked on every call, against the database's row, so an ended or timed-out
    login ends on its very next request. The idle limit counts from the last touch, which is at
    most TOUCH_INTERVAL older than the last request: a login left alone ends 29-30 minutes after
    its last request, never later. `write=False` (a database that cannot be written) decides
    the same and writes nothing.
    """
    if not token:
        return None
    now = now or utcnow()
    row = session.execute(
        select(col(LoginSession.id), col(LoginSession.user_id), col(LoginSession.created_at),
               col(LoginSession.last_seen_at), col(LoginSession.ended_at))
        .where(col(LoginSession.token_hash) == _token_hash(token))  # fmt: skip
    ).first()
    if row is None or row.ended_at is not None:
        return None
    this_login = (LoginSession.id == row.id, col(LoginSession.ended_at).is_(None))
    if now - row.last_seen_at > IDLE_TIMEOUT or now - row.created_at > ABSOLUTE_TIMEOUT:
        if write:
            ending = update(LoginSession).where(*this_login).values(ended_at=now)
            session.execute(ending, execution_options=_NO_SYNC)
        return None
    user = session.get(UserAccount, row.user_id)
    if user is None or not user.is_active:
        return None
    if write and now - row.last_seen_at > TOUCH_INTERVAL:
        session.execute(
            update(LoginSession)
            .where(*this_login, col(LoginSession.last_seen_at) < now - TOUCH_INTERVAL)
            .values(last_seen_at=now),
            execution_options=_NO_SYNC,
        )
    return Actor.from_user(user)


def login_owner(*, session: Session, token: str | None) -> int | None:
    """The user a login token belongs to, live or ended (for the audit row of a refused click)."""
    if not token:
        return None
    return session.execute(
        select(LoginSession.user_id).where(LoginSession.token_hash == _token_hash(token))
    ).scalar_one_or_none()


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

    Call in a write session. "No account yet" and the insert must be one atomic step, or eight
    browsers submitting the form at once make eight administrators. SQLite: the write session's
    BEGIN IMMEDIATE already lets one writer in at a time. PostgreSQL (READ COMMITTED): a
    transaction-scoped advisory lock does the same; a waiter's next statement sees the winner's
    committed account, and it gets "already set up" (the page then shows the login screen).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _FIRST_ADMIN_LOCK})
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
