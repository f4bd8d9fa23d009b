"""Who may set what about e-mail: the SMTP server (administrators) and a user's own reminders.

- The SMTP server is one row (MailSettings id 1). Its password is never stored or shown: the
  row names the environment variable that holds it (default SAMPLAN_SMTP_PASSWORD), so it lives
  where the process's other secrets live. Changes are administrators' and audited (no citizen).
- A user's reminders ("Mine indstillinger"): a notice per agreement (due in N days, overdue),
  one weekly digest, or nothing; the coordinator's daily escalation on or off; the mails'
  language. No row means the defaults (a notice per agreement, 3 days, Danish).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from sqlmodel import Session

from models.access import Actor, refuse, write_audit
from models.errors import UserError
from models.i18n import DEFAULT_LANGUAGE, LANGUAGES
from models.tables import REMINDER_MODES, SMTP_SECURITY, MailSettings, ReminderPreference, UserAccount, utcnow
from models.text import clean_email, clean_text

_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]{0,99}")
_HOST = re.compile(r"[A-Za-z0-9.-]{1,200}|\[[0-9A-Fa-f:.]{2,60}\]")
DUE_SOON_CHOICES = (1, 2, 3, 5, 7)
MAX_ESCALATION_DAYS = 60


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password_env: str = "SAMPLAN_SMTP_PASSWORD"
    sender: str | None = None
    base_url: str | None = None
    escalation_days: int = 7

    @property
    def is_configured(self) -> bool:
        return bool(self.host and self.sender)

    def password(self) -> str | None:
        """Read from the environment at the moment of sending; never stored, never shown."""
        return os.environ.get(self.password_env) or None

    @property
    def link(self) -> str:
        """The address every mail points to (the login page guards it); "" when not set."""
        return (self.base_url or "").rstrip("/")


@dataclass(frozen=True)
class Preference:
    mode: str = "each"
    due_soon_days: int = 3
    digest_weekday: int = 0
    digest_hour: int = 7
    escalation: bool = True
    language: str = DEFAULT_LANGUAGE


def load_settings(session: Session) -> SmtpSettings:
    row = session.get(MailSettings, 1)
    if row is None:
        return SmtpSettings()
    return SmtpSettings(
        row.host,
        row.port,
        row.security,
        row.username,
        row.password_env,
        row.sender,
        row.base_url,
        row.escalation_days,
    )


def _require_admin(session: Session, actor: Actor | None, action: str) -> None:
    if actor is None or not actor.is_admin or actor.user_id is None:
        refuse(session, actor=actor, citizen_id=None, action=action, error=UserError("error.admin_only"))


def _whole(value: object, *, low: int, high: int, key: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UserError(key, low=low, high=high) from None
    if not low <= number <= high:
        raise UserError(key, low=low, high=high)
    return number


def save_settings(
    *,
    session: Session,
    actor: Actor | None,
    host: object,
    port: object,
    security: object,
    username: object,
    password_env: object,
    sender: object,
    base_url: object,
    escalation_days: object,
) -> SmtpSettings:
    """Check and store the SMTP settings (administrators only; audited as mail.settings). An
    empty server name switches sending off: `samplan remind` then records and sends nothing."""
    _require_admin(session, actor, "mail.settings")
    host_text = clean_text(host, field="host", max_length=200, single_line=True).strip()
    if host_text and not _HOST.fullmatch(host_text):
        raise UserError("remind.error.host")
    if security not in SMTP_SECURITY:
        raise UserError("remind.error.security")
    env = (
        clean_text(password_env, field="env", max_length=100, single_line=True).strip()
        or "SAMPLAN_SMTP_PASSWORD"
    )
    if not _ENV_NAME.fullmatch(env):
        raise UserError("remind.error.password_env")
    from_address = clean_email(sender, field="sender")
    if from_address is None and host_text:  # an empty server switches sending off
        raise UserError("remind.error.sender")
    link = clean_text(base_url, field="url", max_length=300, single_line=True).strip()
    if link and not re.fullmatch(r"https?://[^\s\"'<>]+", link):
        raise UserError("remind.error.base_url")
    values = {
        "host": host_text or None,
        "port": _whole(port, low=1, high=65535, key="remind.error.port"),
        "security": str(security),
        "username": clean_text(username, field="user", max_length=200, single_line=True).strip() or None,
        "password_env": env,
        "sender": from_address,
        "base_url": link or None,
        "escalation_days": _whole(escalation_days, low=1, high=MAX_ESCALATION_DAYS, key="remind.error.days"),
    }
    row = session.get(MailSettings, 1) or MailSettings(id=1)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by_user_id = utcnow(), actor.user_id if actor else None
    session.add(row)
    write_audit(session, actor=actor, action="mail.settings", entity="mail_settings", entity_id=1)
    session.flush()
    return load_settings(session)


def load_preference(session: Session, user_id: int) -> Preference:
    row = session.get(ReminderPreference, user_id)
    if row is None:
        return Preference()
    return Preference(
        row.mode, row.due_soon_days, row.digest_weekday, row.digest_hour, row.escalation, row.language
    )


def save_preference(
    *,
    session: Session,
    actor: Actor | None,
    mode: object,
    due_soon_days: object,
    digest_weekday: object,
    digest_hour: object,
    escalation: object,
    language: object,
) -> Preference:
    """A user's own reminder choices (their own row only; audited as reminder.preference)."""
    if actor is None or actor.user_id is None or actor.role == "citizen_link":
        refuse(session, actor=actor, citizen_id=None, action="reminder.preference")
    assert actor is not None and actor.user_id is not None
    if mode not in REMINDER_MODES:
        raise UserError("remind.error.mode")
    if due_soon_days not in DUE_SOON_CHOICES:
        raise UserError("remind.error.due_soon_days")
    weekday = _whole(digest_weekday, low=0, high=6, key="remind.error.weekday")
    hour = _whole(digest_hour, low=0, high=23, key="remind.error.hour")
    row = session.get(ReminderPreference, actor.user_id) or ReminderPreference(user_id=actor.user_id)
    row.mode, row.due_soon_days, row.digest_weekday, row.digest_hour = (
        str(mode),
        int(due_soon_days),
        weekday,
        hour,
    )  # type: ignore[call-overload]
    row.escalation = bool(escalation)
    row.language = language if language in LANGUAGES else DEFAULT_LANGUAGE  # type: ignore[assignment]
    row.updated_at = utcnow()
    session.add(row)
    write_audit(
        session, actor=actor, action="reminder.preference", entity="user_account", entity_id=actor.user_id
    )
    session.flush()
    return load_preference(session, actor.user_id)


def has_address(session: Session, user_id: int | None) -> bool:
    """Whether Samplan has somewhere to send the user's mails (their account's address)."""
    user = session.get(UserAccount, user_id) if user_id is not None else None
    return bool(user is not None and user.email)
