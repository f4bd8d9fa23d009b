"""`samplan remind`: send what is due now. Safe to run from cron or a timer every few minutes.

A run has two halves, each in short transactions of its own:
1. Record: read what is due (models/reminders_due.py: owners' notices and digests;
   models/reminders_escalation.py: the coordinators' daily escalation, once a day from
   ESCALATION_HOUR; models/reminders_calendar.py: moved or cancelled meetings;
   models/reminders_survey.py: the relational coordination survey's non-respondents) with no write
   lock held, then add what the ledger lacks in one short write transaction.
2. Send: per recipient, claim their pending notices (a lease), read what the mail says
   (models/reminders_content.py), send it (models/mail_send.py), mark the notices sent — or
   release them with the reason, for the next run. The SMTP server refusing the connection or
   the login stops the run's sending; nothing is lost (models/reminders_ledger.py says why).
Nothing happens until an administrator has set the SMTP server up: notices are not piled up
meanwhile (the first run after that starts from what is due then).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage

from sqlmodel import Session

from exports import reminder_mail
from models.db import session_scope
from models.mail_send import Mailer, MailFailure, log_attempt
from models.mail_settings import SmtpSettings, load_settings
from models.reminders_calendar import apply_change, calendar_changes, record_baselines
from models.reminders_content import (
    Recipient,
    digest_mail,
    escalation_mail,
    find_recipient,
    meeting_mail,
    owner_mail,
)
from models.reminders_due import digest_notices, owner_notices
from models.reminders_escalation import EscalationLine, escalations
from models.reminders_ledger import (
    ClaimedNotice,
    NoticeSpec,
    claim,
    known_keys,
    mark_done_key,
    mark_obsolete,
    mark_sent,
    prune,
    record,
    release,
    waiting_recipients,
)
from models.reminders_survey import SURVEY_KINDS, survey_mail, survey_notices
from models.tables import COPENHAGEN, utcnow

ESCALATION_HOUR = 7  # Copenhagen time: the coordinators' mail comes with the working day
OWNER_KINDS = ("due_soon", "overdue")
CLAIM_CHUNK = 50  # recipients claimed and composed together


@dataclass
class RunSummary:
    recorded: int = 0
    sent: int = 0
    failed: int = 0
    obsolete: int = 0
    not_configured: bool = False
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Mail:
    kind: str
    notices: tuple[ClaimedNotice, ...]
    message: EmailMessage | None  # None: nothing to say any more (obsolete)


def run_reminders(
    *, now: datetime | None = None, mailer: Callable[[SmtpSettings], Mailer] = Mailer
) -> RunSummary:
    now = now or utcnow()
    with session_scope() as session:
        settings = load_settings(session)
    if not settings.is_configured:
        return RunSummary(not_configured=True)
    on = now.astimezone(COPENHAGEN).date()
    summary = RunSummary()
    scanned = _record_due(now=now, on=on, settings=settings, summary=summary)
    _send_due(now=now, on=on, settings=settings, summary=summary, scanned=scanned, mailer=mailer(settings))
    return summary


def _record_due(
    *, now: datetime, on: date, settings: SmtpSettings, summary: RunSummary
) -> dict[int, list[EscalationLine]] | None:
    scan_key = f"escalation_scan:{on.isoformat()}"
    scanned = None
    with session_scope() as session:
        known = known_keys(session, now=now)
        specs = owner_notices(session, on=on) + digest_notices(session, now=now)
        specs += survey_notices(session, on=on)
        if now.astimezone(COPENHAGEN).hour >= ESCALATION_HOUR and scan_key not in known:
            scanned = escalations(session, on=on, overdue_days=settings.escalation_days)
            specs += [
                NoticeSpec(f"escalation:{uid}:{on.isoformat()}", "escalation", f"user:{uid}")
                for uid in scanned
            ]
        changes = calendar_changes(session, now=now)
    new = [spec for spec in specs if spec.key not in known]
    with session_scope(write=True) as session:
        prune(session, now=now)
        summary.recorded += record(session, new, now=now)
        if scanned is not None:
            mark_done_key(session, scan_key, now=now)
        record_baselines(session, changes, now=now)
        for change in changes:
            if change.kind != "baseline":
                summary.recorded += record(session, apply_change(session, change, now=now), now=now)
    return scanned


def _compose(
    session: Session,
    *,
    recipient: Recipient,
    notices: list[ClaimedNotice],
    settings: SmtpSettings,
    now: datetime,
    on: date,
    scanned: dict[int, list[EscalationLine]] | None,
) -> list[_Mail]:
    sender, link, uid = settings.sender or "", settings.link, recipient.user_id
    mails: list[_Mail] = []
    unwanted = [n for n in notices if not recipient.still_wants(n.kind)]
    if unwanted:
        mails.append(_Mail("none", tuple(unwanted), None))
        notices = [n for n in notices if recipient.still_wants(n.kind)]
    owned = [n for n in notices if n.kind in OWNER_KINDS]
    if owned and uid is not None:
        content, gone = owner_mail(session, user_id=uid, notices=owned, on=on)
        if gone:
            mails.append(_Mail("owner", tuple(n for n in owned if n.id in gone), None))
        if content is not None:
            owner_message = reminder_mail.owner_message(
                content, sender=sender, recipient=recipient, link=link
            )
            mails.append(_Mail("owner", tuple(n for n in owned if n.id not in gone), owner_message))
    for notice in notices:
        message: EmailMessage | None = None
        if notice.kind == "digest" and uid is not None:
            digest = digest_mail(session, user_id=uid, now=now)
            if digest is not None:
                message = reminder_mail.digest_message(digest, sender=sender, recipient=recipient, link=link)
        elif notice.kind == "escalation" and uid is not None:
            found = escalation_mail(
                session, user_id=uid, on=on, overdue_days=settings.escalation_days, known=scanned
            )
            if found is not None:
                message = reminder_mail.escalation_message(
                    found, sender=sender, recipient=recipient, link=link
                )
        elif notice.kind.startswith("meeting_"):
            meeting = meeting_mail(session, notice=notice, recipient=recipient)
            if meeting is not None:
                message = reminder_mail.meeting_message(
                    meeting, sender=sender, recipient=recipient, link=link
                )
        elif notice.kind in SURVEY_KINDS and uid is not None:
            survey = survey_mail(session, notice=notice, user_id=uid, on=on)
            if survey is not None:
                message = reminder_mail.survey_message(survey, sender=sender, recipient=recipient, link=link)
        elif notice.kind in OWNER_KINDS and uid is not None:
            continue
        mails.append(_Mail(notice.kind, (notice,), message))
    return mails


def _send_due(
    *,
    now: datetime,
    on: date,
    settings: SmtpSettings,
    summary: RunSummary,
    scanned: dict[int, list[EscalationLine]] | None,
    mailer: Mailer,
) -> None:
    """A chunk of recipients at a time: one claim, one read for their mails, then each mail sent
    and marked on its own (a kill then costs at most the one mail in flight a second copy)."""
    with session_scope() as session:
        waiting = waiting_recipients(session, now=now)
    with mailer:
        for start in range(0, len(waiting), CLAIM_CHUNK):
            with session_scope(write=True) as session:
                notices = claim(session, recipients=waiting[start : start + CLAIM_CHUNK], now=now)
            by_recipient: dict[str, list[ClaimedNotice]] = {}
            for notice in notices:  # what another run holds is not among them
                by_recipient.setdefault(notice.recipient, []).append(notice)
            outbox: list[tuple[Recipient | None, _Mail]] = []
            with session_scope() as session:  # the audit rows of what the mails show commit here
                for who, theirs in by_recipient.items():
                    recipient = find_recipient(session, who)
                    if recipient is None:
                        outbox.append((None, _Mail("none", tuple(theirs), None)))
                        continue
                    mails = _compose(
                        session,
                        recipient=recipient,
                        notices=theirs,
                        settings=settings,
                        now=now,
                        on=on,
                        scanned=scanned,
                    )
                    outbox += [(recipient, mail) for mail in mails]
            if not _deliver(outbox, mailer=mailer, summary=summary):
                return


def _deliver(outbox: list[tuple[Recipient | None, _Mail]], *, mailer: Mailer, summary: RunSummary) -> bool:
    """Send the mails; False when the server cannot be used any more this run."""
    for n, (recipient, mail) in enumerate(outbox):
        ids = [notice.id for notice in mail.notices]
        if mail.message is None or recipient is None:
            with session_scope(write=True) as session:
                mark_obsolete(session, ids)
            summary.obsolete += len(ids)
            continue
        try:
            mailer.send(mail.message)
        except MailFailure as failure:
            with session_scope(write=True) as session:
                release(session, mail.notices, error=failure.reason)
                log_attempt(
                    session, kind=mail.kind, address=recipient.address, error=failure.reason, notices=len(ids)
                )
                if failure.whole_run:
                    release(session, [x for _, later in outbox[n + 1 :] for x in later.notices], error=None)
            summary.failed += 1
            summary.reasons.append(failure.reason)
            if failure.whole_run:
                return False
            continue
        with session_scope(write=True) as session:
            mark_sent(session, ids, now=utcnow())
            log_attempt(session, kind=mail.kind, address=recipient.address, notices=len(ids))
        summary.sent += 1
    return True
