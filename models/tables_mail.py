"""The reminders' and e-mail tables (issue 21): preferences, the SMTP server, the ledger of
notices, the send log and what calendars were told.

Re-exported by models/tables.py, where everything imports them from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.tables_common import utcnow

# --- Reminders and e-mail (issue 21) --------------------------------------------------------
# None of these rows holds text from a citizen's record: ids, dates, codes and staff addresses.

REMINDER_MODES = ("each", "digest", "none")  # a notice per agreement, a weekly digest, nothing
SMTP_SECURITY = ("starttls", "tls", "none")


class ReminderPreference(SQLModel, table=True):
    """What a user chose in "Mine indstillinger" (no row: the defaults below)."""

    __tablename__ = "reminder_preference"
    __table_args__ = (CheckConstraint("mode IN ('each', 'digest', 'none')", name="mode"),)

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    mode: str = Field(default="each", max_length=10)
    due_soon_days: int = 3
    digest_weekday: int = 0  # Monday
    digest_hour: int = 7  # Europe/Copenhagen
    escalation: bool = True  # the coordinator's daily mail about their citizens
    language: str = Field(default="da", max_length=5)
    updated_at: datetime = Field(default_factory=utcnow)


class MailSettings(SQLModel, table=True):
    """The one SMTP server Samplan sends through (id 1), set by an administrator. The password is
    never stored: `password_env` names the environment variable that holds it."""

    __tablename__ = "mail_settings"
    __table_args__ = (CheckConstraint("security IN ('starttls', 'tls', 'none')", name="security"),)

    id: int = Field(default=1, primary_key=True)
    host: str | None = Field(default=None, max_length=200)
    port: int = 587
    security: str = Field(default="starttls", max_length=10)
    username: str | None = Field(default=None, max_length=200)
    password_env: str = Field(default="SAMPLAN_SMTP_PASSWORD", max_length=100)
    sender: str | None = Field(default=None, max_length=254)
    base_url: str | None = Field(default=None, max_length=300)  # the link in every mail
    escalation_days: int = 7
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_user_id: int | None = None


class ReminderNotice(SQLModel, table=True):
    """The ledger: one row per notice Samplan owes someone, unique by `key` (e.g.
    "overdue:17:2026-12-01"), so a notice is owed once however many runs see it. A run claims
    pending rows (`claimed_until`, a lease) before sending and marks them sent after: a run killed
    in between leaves them pending again when the lease runs out."""

    __tablename__ = "reminder_notice"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    kind: str = Field(max_length=20)
    recipient: str = Field(max_length=40)  # "user:5", "person:7" or "citizen:3"
    entity_id: int | None = None  # the agreement or meeting (ids only, no FK: kept after erasure)
    status: str = Field(default="pending", max_length=10)  # pending | sent | obsolete
    attempts: int = 0
    claimed_until: datetime | None = None
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    sent_at: datetime | None = None


Index(
    "ix_reminder_notice_status",
    ReminderNotice.status,  # type: ignore[arg-type]
    ReminderNotice.recipient,  # type: ignore[arg-type]
)


class MailLog(SQLModel, table=True):
    """Every attempt to send a mail: to whom, what kind, sent or why not. Never the body."""

    __tablename__ = "mail_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    kind: str = Field(max_length=20)
    address: str = Field(max_length=254)
    outcome: str = Field(max_length=10)  # sent | failed
    error: str | None = Field(default=None, max_length=200)
    notices: int = 0


class MeetingCalendar(SQLModel, table=True):
    """What the participants' calendars were last told about a confirmed meeting (time, length,
    status, SEQUENCE), so a move or a cancellation is noticed once. Ids only, no FK."""

    __tablename__ = "meeting_calendar"

    meeting_id: int = Field(primary_key=True)
    starts_at: datetime
    minutes: int
    status: str = Field(max_length=12)
    sequence: int = 0
    updated_at: datetime = Field(default_factory=utcnow)
