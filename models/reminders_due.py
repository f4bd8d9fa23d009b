"""Choosing what is due now for agreement owners: a notice per agreement, or a weekly digest.

- "each" (the default): an agreement due within the owner's N days (default 3) gets a due-soon
  notice, keyed by agreement and date ("due_soon:17:2026-12-04": a moved date is a new notice);
  one that became overdue within the last OVERDUE_CATCH_UP_DAYS gets an overdue notice. Older
  overdue agreements are the coordinator's escalation, not a flood on the first run.
- "digest": one notice per ISO week, due from the chosen weekday and hour (Copenhagen time,
  default Monday 07:00); what it lists is read when it is sent.
- "none": nothing.
Only owners with an active account, an address, a live Person row and a live place on the
citizen's team get anything. One statement each, ids and dates only (no text is read here).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Exists, and_, exists, select
from sqlmodel import Session, col

from models.mail_settings import DUE_SOON_CHOICES, Preference
from models.reminders_ledger import NoticeSpec
from models.tables import (
    COPENHAGEN,
    OPEN_ACTION_STATUSES,
    Action,
    Person,
    ReminderPreference,
    TeamMembership,
    UserAccount,
)

OVERDUE_CATCH_UP_DAYS = 7
DEFAULTS = Preference()


def on_team_now(user_column: Any, citizen_column: Any) -> Exists:  # noqa: ANN401 - any column
    """The owner still works on the citizen (an ended membership gets no reminders)."""
    return exists().where(
        col(TeamMembership.user_id) == user_column,
        col(TeamMembership.citizen_id) == citizen_column,
        col(TeamMembership.ended_at).is_(None),
    )


def owner_notices(session: Session, *, on: date) -> list[NoticeSpec]:
    """Due-soon and overdue notices for owners who chose a notice per agreement."""
    rows = session.execute(
        select(
            col(Action.id),
            col(Action.due_on),
            col(Person.user_id),
            col(ReminderPreference.mode),
            col(ReminderPreference.due_soon_days),
        )
        .join(Person, col(Person.id) == col(Action.owner_person_id))
        .join(UserAccount, col(UserAccount.id) == col(Person.user_id))
        .outerjoin(ReminderPreference, col(ReminderPreference.user_id) == col(UserAccount.id))
        .where(
            col(Action.due_on) >= on - timedelta(days=OVERDUE_CATCH_UP_DAYS),
            col(Action.due_on) <= on + timedelta(days=max(DUE_SOON_CHOICES)),
            col(Action.status).in_(OPEN_ACTION_STATUSES),
            col(Person.removed_on).is_(None),
            col(UserAccount.is_active).is_(True),
            col(UserAccount.email).is_not(None),
            on_team_now(col(Person.user_id), col(Action.citizen_id)),
        )
    ).all()
    specs = []
    for action_id, due_on, user_id, mode, days in rows:
        if (mode or DEFAULTS.mode) != "each":
            continue
        if due_on < on:
            specs.append(
                NoticeSpec(
                    f"overdue:{action_id}:{due_on.isoformat()}", "overdue", f"user:{user_id}", action_id
                )
            )
        elif due_on <= on + timedelta(days=days or DEFAULTS.due_soon_days):
            specs.append(
                NoticeSpec(
                    f"due_soon:{action_id}:{due_on.isoformat()}", "due_soon", f"user:{user_id}", action_id
                )
            )
    return specs


def digest_moment(now: datetime, *, weekday: int, hour: int) -> tuple[datetime, str]:
    """This ISO week's digest moment for a user (aware, Copenhagen) and the week's label."""
    local = now.astimezone(COPENHAGEN)
    monday = local.date() - timedelta(days=local.weekday())
    moment = datetime.combine(monday + timedelta(days=weekday), time(hour), tzinfo=COPENHAGEN)
    year, week, _ = monday.isocalendar()
    return moment, f"{year}-W{week:02d}"


def digest_notices(session: Session, *, now: datetime) -> list[NoticeSpec]:
    """One digest notice per user who chose the digest, once their moment this week has come."""
    rows = session.execute(
        select(
            col(ReminderPreference.user_id),
            col(ReminderPreference.digest_weekday),
            col(ReminderPreference.digest_hour),
        )
        .join(UserAccount, col(UserAccount.id) == col(ReminderPreference.user_id))
        .where(
            and_(
                col(ReminderPreference.mode) == "digest",
                col(UserAccount.is_active).is_(True),
                col(UserAccount.email).is_not(None),
            )
        )
    ).all()
    specs = []
    for user_id, weekday, hour in rows:
        moment, week = digest_moment(now, weekday=weekday, hour=hour)
        if now >= moment:
            specs.append(NoticeSpec(f"digest:{user_id}:{week}", "digest", f"user:{user_id}"))
    return specs
