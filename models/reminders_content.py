"""What one reminder mail says, read when it is sent (so a mail never reports stale facts).

Every mail carries counts, dates and the citizen's initials at most, and a link into Samplan
(which asks for a login): never a name, an agreement's or goal's text, or anything else from the
record. Reading the initials and dates for a mail is audited per citizen as "remind.<kind>" with
user NULL (the command line, like `samplan export`). A notice whose reason has gone (the
agreement is done or has a new date, the digest is empty, the meeting moved again) is obsolete:
no mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from models.access import write_audits
from models.i18n import DEFAULT_LANGUAGE
from models.mail_settings import Preference, load_preference
from models.reminders_due import on_team_now
from models.reminders_escalation import EscalationLine, escalations, initials
from models.reminders_ledger import ClaimedNotice
from models.tables import (
    COPENHAGEN,
    OPEN_ACTION_STATUSES,
    Action,
    Citizen,
    Meeting,
    MeetingCalendar,
    Person,
    ReminderPreference,
    UserAccount,
)
from models.text import is_plain_email

DIGEST_LINES = 20  # agreements listed by initials and date; the rest are a count


@dataclass(frozen=True)
class Recipient:
    address: str
    language: str
    user_id: int | None = None
    preference: Preference | None = None  # a user's choices as they are now (None: not a user)

    def still_wants(self, kind: str) -> bool:
        """A notice recorded before the user changed their mind is not sent."""
        if self.preference is None:
            return True
        if kind in ("due_soon", "overdue"):
            return self.preference.mode == "each"
        if kind == "digest":
            return self.preference.mode == "digest"
        if kind == "escalation":
            return self.preference.escalation
        if kind in ("survey", "survey_last"):  # "no mails" means none, the survey's included
            return self.preference.mode != "none"
        return True


@dataclass(frozen=True)
class AgreementLine:
    initials: str
    due_on: date


@dataclass(frozen=True)
class OwnerMail:
    due_soon: tuple[AgreementLine, ...]
    overdue: tuple[AgreementLine, ...]


@dataclass(frozen=True)
class DigestMail:
    week_end: date
    due_this_week: tuple[AgreementLine, ...]
    overdue: tuple[AgreementLine, ...]
    more: int  # agreements not listed line by line


@dataclass(frozen=True)
class EscalationMail:
    lines: tuple[EscalationLine, ...]
    overdue_days: int


@dataclass(frozen=True)
class MeetingMail:
    meeting_id: int
    method: str  # "REQUEST" | "CANCEL"
    sequence: int
    starts_at: datetime
    minutes: int
    initials: str
    attendee: str
    organizer: str | None


def find_recipient(session: Session, recipient: str) -> Recipient | None:
    """The address and language of "user:5", "person:7" or "citizen:3"; None: nobody to send to."""
    kind, _, raw = recipient.partition(":")
    number = int(raw) if raw.isdigit() else -1
    if kind == "user":
        user = session.get(UserAccount, number)
        if user is None or not user.is_active or not is_plain_email(user.email):
            return None
        preference = load_preference(session, number)
        return Recipient(user.email or "", preference.language, number, preference)
    if kind == "person":
        person = session.get(Person, number)
        if person is None or person.removed_on is not None or not is_plain_email(person.email):
            return None
        lang = DEFAULT_LANGUAGE
        if person.user_id is not None:
            pref = session.get(ReminderPreference, person.user_id)
            lang = pref.language if pref is not None else DEFAULT_LANGUAGE
        return Recipient(person.email or "", lang, person.user_id)
    if kind == "citizen":
        citizen = session.get(Citizen, number)
        if citizen is None or not is_plain_email(citizen.email):
            return None
        return Recipient(citizen.email or "", DEFAULT_LANGUAGE)
    return None


def owner_mail(
    session: Session, *, user_id: int, notices: Sequence[ClaimedNotice], on: date
) -> tuple[OwnerMail | None, list[int]]:
    """The owner's due-soon and overdue agreements still as the notices say; and the notices
    that are obsolete."""
    rows = session.execute(
        select(
            col(Action.id),
            col(Action.due_on),
            col(Action.status),
            col(Action.citizen_id),
            col(Citizen.name),
            col(Person.user_id),
        )
        .join(Citizen, col(Citizen.id) == col(Action.citizen_id))
        .join(Person, col(Person.id) == col(Action.owner_person_id))
        .where(col(Action.id).in_([n.entity_id for n in notices]))
    ).all()
    found = {row[0]: row for row in rows}
    soon: list[tuple[int, AgreementLine]] = []
    late: list[tuple[int, AgreementLine]] = []
    obsolete: list[int] = []
    for notice in notices:
        row = found.get(notice.entity_id)
        due = date.fromisoformat(notice.key.rsplit(":", 1)[1])
        fits = (
            row is not None
            and row[2] in OPEN_ACTION_STATUSES
            and row[1] == due
            and row[5] == user_id
            and ((due < on) if notice.kind == "overdue" else (due >= on))
        )
        if not fits:
            obsolete.append(notice.id)
            continue
        assert row is not None
        (late if notice.kind == "overdue" else soon).append((row[3], AgreementLine(initials(row[4]), due)))
    if not soon and not late:
        return None, obsolete
    write_audits(session, actor=None, action="remind.owner", citizen_ids=sorted({c for c, _ in soon + late}))
    order = lambda pairs: tuple(sorted((line for _, line in pairs), key=lambda x: (x.due_on, x.initials)))  # noqa: E731
    return OwnerMail(order(soon), order(late)), obsolete


def digest_mail(session: Session, *, user_id: int, now: datetime) -> DigestMail | None:
    """Everything the user owns that is due this week (to Sunday) or overdue; None if nothing."""
    day = now.astimezone(COPENHAGEN).date()
    week_end = day + timedelta(days=6 - day.weekday())
    rows = session.execute(
        select(col(Action.citizen_id), col(Action.due_on), col(Citizen.name))
        .join(Person, col(Person.id) == col(Action.owner_person_id))
        .join(Citizen, col(Citizen.id) == col(Action.citizen_id))
        .where(
            col(Person.user_id) == user_id,
            col(Person.removed_on).is_(None),
            col(Action.status).in_(OPEN_ACTION_STATUSES),
            col(Action.due_on) <= week_end,
            on_team_now(col(Person.user_id), col(Action.citizen_id)),
        )
        .order_by(col(Action.due_on), col(Action.id))
    ).all()
    if not rows:
        return None
    write_audits(session, actor=None, action="remind.digest", citizen_ids=sorted({r[0] for r in rows}))
    lines = [(due < day, AgreementLine(initials(name), due)) for _, due, name in rows]
    shown = lines[:DIGEST_LINES]
    return DigestMail(
        week_end=week_end,
        due_this_week=tuple(line for late, line in shown if not late),
        overdue=tuple(line for late, line in shown if late),
        more=len(lines) - len(shown),
    )


def escalation_mail(
    session: Session,
    *,
    user_id: int,
    on: date,
    overdue_days: int,
    known: dict[int, list[EscalationLine]] | None,
) -> EscalationMail | None:
    """The coordinator's citizens with something escalated (from this run's scan when it has one)."""
    lines = (
        known
        if known is not None
        else escalations(session, on=on, overdue_days=overdue_days, user_id=user_id)
    )
    mine = lines.get(user_id) or []
    if not mine:
        return None
    write_audits(
        session, actor=None, action="remind.escalation", citizen_ids=sorted({x.citizen_id for x in mine})
    )
    return EscalationMail(tuple(mine), overdue_days)


def meeting_mail(session: Session, *, notice: ClaimedNotice, recipient: Recipient) -> MeetingMail | None:
    """The update or cancellation for one recipient; None when the meeting moved on again since."""
    sequence = int(notice.key.split(":")[2])
    row = session.execute(
        select(Meeting, MeetingCalendar)
        .join(MeetingCalendar, col(MeetingCalendar.meeting_id) == col(Meeting.id))
        .where(col(Meeting.id) == notice.entity_id)
    ).first()
    if row is None or row[1].sequence != sequence:
        return None
    meeting, _ = row
    citizen = session.get(Citizen, meeting.citizen_id)
    organizer = (
        session.execute(
            select(col(Person.email)).where(
                col(Person.citizen_id) == meeting.citizen_id,
                col(Person.is_coordinator).is_(True),
                col(Person.removed_on).is_(None),
            )
        )
        .scalars()
        .first()
    )
    write_audits(session, actor=None, action=f"remind.{notice.kind}", citizen_ids=[meeting.citizen_id])
    return MeetingMail(
        meeting_id=meeting.id,  # type: ignore[arg-type]
        method="CANCEL" if notice.kind == "meeting_cancel" else "REQUEST",
        sequence=sequence,
        starts_at=meeting.starts_at,
        minutes=meeting.minutes,
        initials=initials(citizen.name) if citizen else "?",
        attendee=recipient.address,
        organizer=organizer if is_plain_email(organizer) else None,
    )
