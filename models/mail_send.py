"""Sending through the administrator's SMTP server (smtplib), and the send log.

One connection per run of `samplan remind` (STARTTLS, implicit TLS or plain, with a login when
a user name is set; the password comes from the environment at the moment of connecting).
Whatever goes wrong is a short reason for the send log and the ledger ("refused", "timeout",
"4xx 451", "5xx 550", ...), never the message: the log holds who, what kind, when and how it
went, never a body. A failure loses nothing: the notices stay pending for the next run
(models/reminders_ledger.py).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage

from sqlalchemy import select
from sqlmodel import Session, col

from models.access import Actor, refuse, write_audit
from models.errors import UserError
from models.mail_settings import SmtpSettings
from models.tables import MailLog, utcnow
from models.text import clean_email

TIMEOUT_S = 20.0
LOG_SHOWN = 100


class MailFailure(Exception):
    """Sending failed; `reason` is the short text for the send log. `whole_run`: the server
    cannot be used at all now (connection, login), so the run stops sending."""

    def __init__(self, reason: str, *, whole_run: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.whole_run = whole_run


def reason_of(error: BaseException) -> str:
    """A short, body-free reason: the class of failure and the server's code."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"{codes[0] // 100 if codes else 5}xx {','.join(map(str, codes))} recipient refused"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code // 100}xx {error.smtp_code}"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, socket.timeout | TimeoutError):
        return "timeout"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib reports a read that timed out as a closed connection
        timed_out = isinstance(error.__context__, TimeoutError) or "timed out" in str(error)
        return "timeout" if timed_out else "disconnected"
    if isinstance(error, ssl.SSLError):
        return "tls"
    if isinstance(error, OSError):
        return f"network ({type(error).__name__})"
    return type(error).__name__


class Mailer:
    """One SMTP connection, opened at the first message and closed with the block."""

    def __init__(self, settings: SmtpSettings, *, timeout: float = TIMEOUT_S) -> None:
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        assert s.host
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password() or "")
        except (smtplib.SMTPException, OSError) as error:
            raise MailFailure(reason_of(error), whole_run=True) from error
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise MailFailure(reason_of(error)) from error
        except smtplib.SMTPResponseException as error:
            # 4xx/5xx for this message; the connection itself may still be good.
            raise MailFailure(reason_of(error), whole_run=error.smtp_code in (421,)) from error
        except (smtplib.SMTPException, OSError) as error:
            self._smtp = None
            raise MailFailure(reason_of(error), whole_run=True) from error
        if refused:
            raise MailFailure(reason_of(smtplib.SMTPRecipientsRefused(refused)))


def log_attempt(
    session: Session, *, kind: str, address: str, error: str | None = None, notices: int = 0
) -> None:
    session.add(
        MailLog(
            at=utcnow(),
            kind=kind,
            address=address[:254],
            outcome="failed" if error else "sent",
            error=error[:200] if error else None,
            notices=notices,
        )
    )


def recent_log(session: Session, *, limit: int = LOG_SHOWN) -> list[MailLog]:
    """The newest attempts first (Administration's send log)."""
    rows = session.execute(
        select(MailLog).order_by(col(MailLog.at).desc(), col(MailLog.id).desc()).limit(limit)
    )
    return [row for row in rows.scalars()]


def send_trial_mail(*, actor: Actor | None, address: object, lang: str = "da") -> str | None:
    """Administration's test mail through the saved settings: None when the server took it, else
    the reason. Administrators only; logged in the send log and audited as mail.test."""
    from exports.reminder_mail import trial_message
    from models.db import session_scope
    from models.mail_settings import load_settings
    from models.reminders_content import Recipient

    with session_scope() as session:
        if actor is None or not actor.is_admin or actor.user_id is None:
            refuse(
                session, actor=actor, citizen_id=None, action="mail.test", error=UserError("error.admin_only")
            )
        settings = load_settings(session)
    if not settings.is_configured:
        raise UserError("remind.error.not_configured")
    to = clean_email(address, field="e-mail")
    if to is None:
        raise UserError("remind.error.test_address")
    error = None
    try:
        with Mailer(settings) as mailer:
            mailer.send(trial_message(sender=settings.sender or "", recipient=Recipient(to, lang)))
    except MailFailure as failure:
        error = failure.reason
    with session_scope(write=True) as session:
        log_attempt(session, kind="test", address=to, error=error)
        write_audit(session, actor=actor, action="mail.test", entity="mail_settings", entity_id=1)
    return error
