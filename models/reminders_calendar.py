"""Calendar updates: a confirmed meeting that is moved or cancelled reaches the calendars again.

Samplan hands the first invitation out as a file (Forberedelse: the .ics, SEQUENCE = the
meeting's version) once a meeting is confirmed. MeetingCalendar remembers what calendars were
told: the first run that sees a confirmed meeting notes its time, length and version (the
baseline, no mail). When the time or length later differs, or the meeting is cancelled, the
row moves on in the same transaction that records one notice per recipient; a conditional
UPDATE (on the sequence it read) lets exactly one of two concurrent runs do it.

Recipients pass the same consent gate as the first invitation: models.invitation.build_invitation
decides (a professional no valid consent covers today or on the meeting day is left out), plus
the citizen. Reading the plan for it is audited as "remind.calendar" (the command line: user
NULL), as `samplan export` is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from models.access import write_audit
from models.invitation import build_invitation
from models.plans import _load
from models.reminders_ledger import NoticeSpec
from models.tables import COPENHAGEN, Citizen, Meeting, MeetingCalendar
from models.text import is_plain_email

WATCHED = ("planned", "cancelled")


@dataclass(frozen=True)
class CalendarChange:
    meeting_id: int
    citizen_id: int
    kind: str  # "baseline" | "meeting_update" | "meeting_cancel"
    starts_at: datetime
    minutes: int
    version: int
    seen_sequence: int | None  # what MeetingCalendar held (None: no row yet)


def calendar_changes(session: Session, *, now: datetime) -> list[CalendarChange]:
    """Confirmed meetings still to come that calendars do not know yet, or know differently."""
    rows = session.execute(
        select(
            col(Meeting.id),
            col(Meeting.citizen_id),
            col(Meeting.starts_at),
            col(Meeting.minutes),
            col(Meeting.status),
            col(Meeting.version),
            col(MeetingCalendar.starts_at),
            col(MeetingCalendar.minutes),
            col(MeetingCalendar.status),
            col(MeetingCalendar.sequence),
        )
        .outerjoin(MeetingCalendar, col(MeetingCalendar.meeting_id) == col(Meeting.id))
        .where(col(Meeting.status).in_(WATCHED), col(Meeting.starts_at) > now - timedelta(days=1))
    ).all()
    changes = []
    for mid, cid, starts, minutes, status, version, seen_start, seen_minutes, seen_status, sequence in rows:
        if sequence is None:
            if status == "planned":
                changes.append(CalendarChange(mid, cid, "baseline", starts, minutes, version, None))
            continue
        if seen_status != "planned":
            continue
        if status == "cancelled":
            changes.append(CalendarChange(mid, cid, "meeting_cancel", starts, minutes, version, sequence))
        elif starts != seen_start or minutes != seen_minutes:
            changes.append(CalendarChange(mid, cid, "meeting_update", starts, minutes, version, sequence))
    return changes


def record_baselines(session: Session, changes: list[CalendarChange], *, now: datetime) -> None:
    rows = [
        {
            "meeting_id": c.meeting_id,
            "starts_at": c.starts_at,
            "minutes": c.minutes,
            "status": "planned",
            "sequence": c.version,
            "updated_at": now,
        }
        for c in changes
        if c.kind == "baseline"
    ]
    if rows:
        builder = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        table = MeetingCalendar.__table__  # type: ignore[attr-defined]
        session.execute(builder(table).on_conflict_do_nothing(index_elements=["meeting_id"]), rows)


def apply_change(session: Session, change: CalendarChange, *, now: datetime) -> list[NoticeSpec]:
    """Move MeetingCalendar on (if no other run did) and return the notices for the recipients."""
    assert change.seen_sequence is not None
    sequence = max(change.version, change.seen_sequence + 1)
    moved = session.execute(
        update(MeetingCalendar)
        .where(
            col(MeetingCalendar.meeting_id) == change.meeting_id,
            col(MeetingCalendar.sequence) == change.seen_sequence,
        )
        .values(
            starts_at=change.starts_at,
            minutes=change.minutes,
            status="cancelled" if change.kind == "meeting_cancel" else "planned",
            sequence=sequence,
            updated_at=now,
        )
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return []
    return [
        NoticeSpec(
            f"{change.kind}:{change.meeting_id}:{sequence}:{recipient}",
            change.kind,
            recipient,
            change.meeting_id,
        )
        for recipient in recipients(
            session, citizen_id=change.citizen_id, meeting_id=change.meeting_id, now=now
        )
    ]


def recipients(session: Session, *, citizen_id: int, meeting_id: int, now: datetime) -> list[str]:
    """Who the invitation goes to under the consent gate: "citizen:<id>" and "person:<id>",
    each with one plain address."""
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        return []
    write_audit(
        session,
        actor=None,
        action="remind.calendar",
        citizen_id=citizen_id,
        entity="meeting",
        entity_id=meeting_id,
    )
    plan = _load(session, citizen)
    # A cancelled meeting reaches the people the confirmed one was for: the gate as if confirmed.
    plan = dataclasses.replace(
        plan,
        meetings=tuple(
            dataclasses.replace(m, status="planned") if m.id == meeting_id else m for m in plan.meetings
        ),
    )
    invitation = build_invitation(plan, meeting_id, on=now.astimezone(COPENHAGEN).date())
    found = [f"citizen:{citizen_id}"] if is_plain_email(plan.citizen.email) else []
    found += [f"person:{p.id}" for p in invitation.invited if is_plain_email(p.email)]
    return found
