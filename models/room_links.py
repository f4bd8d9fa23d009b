"""The room screen's link and short code: one running meeting, shown on a screen nobody is
logged in on (issue 17).

- The leader (anyone who may write the citizen's meeting, models.access) creates a link for a
  meeting in progress: a 256-bit token (`secrets.token_urlsafe(32)`) for `/?room=<token>`, and an
  8-character code from an alphabet without look-alikes (no 0/O, 1/I) to type on a meeting-room
  PC. Only their SHA-256 is stored (models.citizen_links.hash_token: the citizen's link and the
  room link share one hashing mechanism), so a copy of the database opens no room screen.
- A link is usable while its meeting is `in_progress` and the link has not been ended. The
  meeting's status is checked at every use (models/room.py's change marker joins it), so closing
  the meeting ends every link with no write here; the leader can also end them at once.
- Typed codes are throttled twice: per browser session (the page keeps the attempt times, as the
  login page does) and across every process in the database (one counter row in login_throttle
  under a key no user name can have, counted by one atomic upsert: models/users.py's idea).
- Opening is audited ("room.open", entity room_link + id: the screen's actor is "room link
  <id>"), refusals too ("denied", never the token or code). What the screen then reads is
  audited in models/room.py.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, case, delete, literal, null, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models.access import Actor, authorize, write_audit
from models.citizen_links import hash_token
from models.db import session_scope
from models.errors import NotFound, UserError
from models.tables import LoginThrottle, Meeting, RoomLink, utcnow

TOKEN_BYTES = 32  # 256 bits
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: no 0/O, no 1/I
CODE_LENGTH = 8  # 40 bits; guessing is throttled (below) and a code lives one meeting
ROOM_ROLE = "room_link"
_MAX_TOKEN_LENGTH = 200

# Typed codes: per browser session, and across all processes (the database counter).
SESSION_MAX_CODE_ATTEMPTS = 5
SESSION_CODE_WINDOW = timedelta(minutes=10)
GLOBAL_MAX_CODE_FAILURES = 30
GLOBAL_CODE_WINDOW = timedelta(minutes=15)
# A login_throttle key no typed user name can hash to (models.users hashes "samplan-login-name:").
_CODE_THROTTLE_KEY = hashlib.sha256(b"samplan-room-code-failures").hexdigest()
_THROTTLE: Table = LoginThrottle.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CreatedRoomLink:
    """A new room link. `token` and `code` exist only here: show them, they cannot be recovered."""

    id: int
    meeting_id: int
    token: str
    code: str

    @property
    def path(self) -> str:
        return f"?room={self.token}"

    @property
    def code_shown(self) -> str:
        """The code as people read and type it: two groups of four."""
        return f"{self.code[:4]}-{self.code[4:]}"


@dataclass(frozen=True)
class RoomAccess:
    """A resolved room link: which meeting the screen may show (and whose, for the audit)."""

    link_id: int
    meeting_id: int
    citizen_id: int

    @property
    def actor(self) -> Actor:
        return room_actor(self.link_id)


def room_actor(link_id: int) -> Actor:
    """The room screen's actor in audit rows: no user, entity room_link with the link's id."""
    return Actor(user_id=None, username=f"room link {link_id}", full_name="", role=ROOM_ROLE)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: object) -> str | None:
    """What a person typed as a code: case, spaces and dashes do not matter; None if it cannot be one."""
    if not isinstance(typed, str) or len(typed) > 40:
        return None
    code = "".join(ch for ch in typed.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def _code_hash(code: str) -> str:
    return hash_token(f"room-code:{code}")


def _running_meeting(session: Session, actor: Actor | None, meeting_id: int, action: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None:
        raise NotFound("meeting")
    authorize(session, actor=actor, citizen_id=meeting.citizen_id, action=action, entity="meeting",
              entity_id=meeting_id)  # fmt: skip
    return meeting


def create_room_link(*, session: Session, actor: Actor | None, meeting_id: int) -> CreatedRoomLink:
    """A new link and code for a meeting in progress (authorised and audited as a write)."""
    meeting = _running_meeting(session, actor, meeting_id, "room_link.create")
    if meeting.status != "in_progress":
        raise UserError("meet.error.not_running")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    code = new_code()
    # 2^40 codes: a clash with any stored code is next to impossible, but costs one look to rule out.
    while session.execute(select(RoomLink.id).where(RoomLink.code_hash == _code_hash(code))).first():  # type: ignore[call-overload]
        code = new_code()
    link = RoomLink(
        meeting_id=meeting_id,
        token_hash=hash_token(token),
        code_hash=_code_hash(code),
        created_by_user_id=actor.user_id if actor else None,
    )
    session.add(link)
    session.flush()
    assert link.id is not None
    write_audit(session, actor=actor, action="room_link.created", citizen_id=meeting.citizen_id,
                entity="room_link", entity_id=link.id)  # fmt: skip
    return CreatedRoomLink(id=link.id, meeting_id=meeting_id, token=token, code=code)


def end_room_links(*, session: Session, actor: Actor | None, meeting_id: int) -> int:
    """End every open room link of the meeting now (the screens say so at their next poll).
    Returns how many were ended; ending twice changes nothing."""
    _running_meeting(session, actor, meeting_id, "room_link.end")
    result = session.execute(
        update(RoomLink)
        .where(RoomLink.meeting_id == meeting_id, RoomLink.ended_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(ended_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def open_room_link_ids(*, session: Session, meeting_id: int) -> frozenset[int]:
    """The room links of a meeting that are not ended, for the leader's page to know whether the
    link it keeps may be shown again. Part of reading the meeting (models.meeting_read), which has
    authorised and audited that read; a link is usable while it is open and the meeting runs."""
    return frozenset(
        session.execute(
            select(RoomLink.id).where(RoomLink.meeting_id == meeting_id, RoomLink.ended_at.is_(None))  # type: ignore[call-overload,union-attr]
        ).scalars()
    )


def _usable_access(session: Session, where: object) -> RoomAccess | None:
    row = session.execute(
        select(RoomLink.id, RoomLink.meeting_id, Meeting.citizen_id)  # type: ignore[call-overload]
        .join(Meeting, Meeting.id == RoomLink.meeting_id)  # type: ignore[arg-type]
        .where(where, RoomLink.ended_at.is_(None), Meeting.status == "in_progress")  # type: ignore[arg-type,union-attr]
    ).first()
    return None if row is None else RoomAccess(link_id=row[0], meeting_id=row[1], citizen_id=row[2])


def _open(session: Session, where: object) -> RoomAccess | None:
    """Resolve and audit: "room.open" ok with the link's id, or denied (an ended link keeps its id)."""
    access = _usable_access(session, where)
    if access is None:
        known = session.execute(
            select(RoomLink.id, Meeting.citizen_id)  # type: ignore[call-overload]
            .join(Meeting, Meeting.id == RoomLink.meeting_id)  # type: ignore[arg-type]
            .where(where)  # type: ignore[arg-type]
        ).first()
        link_id, citizen_id = known if known else (None, None)
        write_audit(session, actor=None, action="room.open", outcome="denied", entity="room_link",
                    citizen_id=citizen_id, entity_id=link_id)  # fmt: skip
        return None
    write_audit(session, actor=access.actor, action="room.open", citizen_id=access.citizen_id,
                entity="room_link", entity_id=access.link_id)  # fmt: skip
    return access


def open_room_link(*, session: Session, token: object) -> RoomAccess | None:
    """The meeting a room token may show now, or None (unknown, ended, or the meeting is not running)."""
    ours = isinstance(token, str) and 0 < len(token) <= _MAX_TOKEN_LENGTH and token.isascii()
    if not ours or "\x00" in token:  # type: ignore[operator]
        write_audit(session, actor=None, action="room.open", outcome="denied", entity="room_link")
        return None
    return _open(session, RoomLink.token_hash == hash_token(token))  # type: ignore[arg-type]


def open_room_code(*, typed: object, session_attempts: list[datetime] | None = None) -> RoomAccess | None:
    """The meeting a typed code may show now, or None. Opens its own short transactions.

    Refused with UserError("room.code_wait") when this browser session or the whole system has
    had too many wrong codes lately; then the code is not even looked up. A wrong code counts
    in the database with one atomic upsert (twenty parallel guesses cannot all see "0")."""
    now = utcnow()
    if session_attempts is not None:
        session_attempts[:] = [at for at in session_attempts if at > now - SESSION_CODE_WINDOW]
        if len(session_attempts) >= SESSION_MAX_CODE_ATTEMPTS:
            with session_scope(write=True) as session:
                write_audit(session, actor=None, action="room.code", outcome="throttled", entity="room_link")
            raise UserError("room.code_wait")
        session_attempts.append(now)
    with session_scope(write=True) as session:
        locked = _code_locked(session, now)
        access = None
        if locked:
            write_audit(session, actor=None, action="room.code", outcome="throttled", entity="room_link")
        else:
            code = normalise_code(typed)
            if code is None:
                write_audit(session, actor=None, action="room.open", outcome="denied", entity="room_link")
            else:
                access = _open(session, RoomLink.code_hash == _code_hash(code))  # type: ignore[arg-type]
            if access is None:
                _count_code_failure(session, now)
    if locked:  # raised here, after the commit: the audit row of the refusal is kept
        raise UserError("room.code_wait")
    return access


def _code_locked(session: Session, now: datetime) -> bool:
    locked_until = session.execute(
        select(_THROTTLE.c.locked_until).where(_THROTTLE.c.name_hash == _CODE_THROTTLE_KEY)
    ).scalar()
    return locked_until is not None and _aware(locked_until) > now


def _count_code_failure(session: Session, now: datetime) -> None:
    """One more wrong code across the system; at GLOBAL_MAX_CODE_FAILURES within the window, codes
    are refused until GLOBAL_CODE_WINDOW has passed (the long link keeps working)."""
    table = _THROTTLE
    forgotten = or_(table.c.locked_until.is_not(None), table.c.last_failure_at < now - GLOBAL_CODE_WINDOW)
    count = case((forgotten, 1), else_=table.c.failures + 1)
    until = case(
        (count >= GLOBAL_MAX_CODE_FAILURES, literal(now + GLOBAL_CODE_WINDOW, table.c.locked_until.type)),
        else_=null(),
    )
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(table)
        .values(name_hash=_CODE_THROTTLE_KEY, failures=1, last_failure_at=now, locked_until=None)
        .on_conflict_do_update(
            index_elements=[table.c.name_hash],
            set_={"failures": count, "last_failure_at": now, "locked_until": until},
        )
    )


def _aware(moment: datetime) -> datetime:
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def forget_code_failures(*, session: Session) -> None:
    """For an administrator's tool or a test: the system-wide code counter starts again."""
    session.execute(delete(_THROTTLE).where(_THROTTLE.c.name_hash == _CODE_THROTTLE_KEY))
