"""The coordinator's daily escalation: the same attention items as the coordinator's view.

The rules are models.follow_up.attention_items, not a second copy: for every citizen with a
coordinator this builds the part of a JointPlan those rules read (the citizen and cadence, the
consents' dates, the first goal's and team member's dates, the last held and the coming
meetings, the open overdue agreements) in six statements for all citizens at once, then asks
attention_items. Texts are never loaded (agreements carry "" here): a mail carries counts,
dates and initials. Escalated: an agreement overdue for at least the administrator's N days
(default 7), a consent that runs out within 30 days, no meeting within the cadence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from models.follow_up import attention_items
from models.plans import ActionView, CitizenView, ConsentView, GoalView, JointPlan, MeetingView, PersonView
from models.reminders_due import on_team_now
from models.tables import (
    OPEN_ACTION_STATUSES,
    Action,
    Citizen,
    Consent,
    Goal,
    Meeting,
    Person,
    ReminderPreference,
    UserAccount,
)

ESCALATED_KINDS = ("overdue_action", "consent_expiring", "no_meeting")
COMING = ("draft", "planned", "in_progress")


@dataclass(frozen=True)
class EscalationLine:
    """One citizen in a coordinator's mail: initials, counts and dates only."""

    citizen_id: int
    initials: str
    overdue: int = 0
    oldest_due: date | None = None
    consent_expires: date | None = None
    meeting_due: date | None = None


def initials(name: str) -> str:
    """ "Ditte Mikkelsen" -> "D.M." (first and last name only: the most a mail may carry)."""
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    if not parts:
        return "?"
    chosen = parts if len(parts) < 3 else [parts[0], parts[-1]]
    return "".join(f"{p[0].upper()}." for p in chosen)


def coordinators(session: Session, *, user_id: int | None = None) -> Select:  # type: ignore[type-arg]
    """(user id, citizen id) of every live coordinator with an active account and an address,
    on the citizen's team now, who has not switched the escalation off."""
    statement = (
        select(col(Person.user_id), col(Person.citizen_id))
        .join(UserAccount, col(UserAccount.id) == col(Person.user_id))
        .outerjoin(ReminderPreference, col(ReminderPreference.user_id) == col(UserAccount.id))
        .where(
            col(Person.is_coordinator).is_(True),
            col(Person.removed_on).is_(None),
            col(UserAccount.is_active).is_(True),
            col(UserAccount.email).is_not(None),
            or_(col(ReminderPreference.escalation).is_(None), col(ReminderPreference.escalation).is_(True)),
            on_team_now(col(Person.user_id), col(Person.citizen_id)),
        )
    )
    if user_id is not None:
        statement = statement.where(col(Person.user_id) == user_id)
    return statement


def _stand_in_person(citizen_id: int, added_on: date) -> PersonView:
    return PersonView(
        id=-citizen_id,
        name="",
        kind="professional",
        department=None,
        title=None,
        relation=None,
        email=None,
        phone=None,
        user_id=None,
        is_coordinator=False,
        is_deputy=False,
        added_on=added_on,
        removed_on=None,
    )


def _meeting(meeting_id: int, starts_at: datetime, status: str) -> MeetingView:
    return MeetingView(
        id=meeting_id,
        starts_at=starts_at,
        minutes=0,
        place=None,
        video_link=None,
        status=status,
        leader_person_id=None,
        note_taker_person_id=None,
        citizen_present=None,
        citizen_agrees=None,
        citizen_disagreement=None,
        citizen_speaking_seconds=0,
        total_speaking_seconds=0,
        version=0,
    )


def attention_plans(session: Session, citizens: Select, *, on: date) -> dict[int, tuple[str, JointPlan]]:  # type: ignore[type-arg]
    """The citizens' names and the part of their plans attention_items reads (see above)."""
    ids = citizens.with_only_columns(col(Person.citizen_id)).distinct().scalar_subquery()
    found = session.execute(
        select(
            col(Citizen.id), col(Citizen.name), col(Citizen.contact_person_id), col(Citizen.meetings_per_year)
        ).where(col(Citizen.id).in_(ids))
    ).all()
    first_member = dict(
        session.execute(
            select(col(Person.citizen_id), func.min(Person.added_on))
            .where(col(Person.citizen_id).in_(ids))
            .group_by(col(Person.citizen_id))
        ).all()
    )
    first_goal = dict(
        session.execute(
            select(col(Goal.citizen_id), func.min(Goal.created_on))
            .where(col(Goal.citizen_id).in_(ids))
            .group_by(col(Goal.citizen_id))
        ).all()
    )
    consents: dict[int, list[ConsentView]] = defaultdict(list)
    for cid, consent_id, kind, given, expires, withdrawn, form in session.execute(
        select(
            col(Consent.citizen_id),
            col(Consent.id),
            col(Consent.kind),
            col(Consent.given_on),
            col(Consent.expires_on),
            col(Consent.withdrawn_on),
            col(Consent.form),
        )
        .where(col(Consent.citizen_id).in_(ids))
        .order_by(col(Consent.given_on), col(Consent.id))
    ).all():
        consents[cid].append(ConsentView(consent_id, kind, (), None, given, expires, withdrawn, form))
    meetings: dict[int, list[MeetingView]] = defaultdict(list)
    for cid, held in session.execute(
        select(col(Meeting.citizen_id), func.max(Meeting.starts_at))
        .where(col(Meeting.citizen_id).in_(ids), col(Meeting.status) == "held")
        .group_by(col(Meeting.citizen_id))
    ).all():
        meetings[cid].append(_meeting(0, held, "held"))
    for cid, meeting_id, starts_at, status in session.execute(
        select(col(Meeting.citizen_id), col(Meeting.id), col(Meeting.starts_at), col(Meeting.status)).where(
            col(Meeting.citizen_id).in_(ids), col(Meeting.status).in_(COMING)
        )
    ).all():
        meetings[cid].append(_meeting(meeting_id, starts_at, status))
    actions: dict[int, list[ActionView]] = defaultdict(list)
    for action_id, cid, due_on, status in session.execute(
        select(col(Action.id), col(Action.citizen_id), col(Action.due_on), col(Action.status)).where(
            col(Action.citizen_id).in_(ids),
            col(Action.status).in_(OPEN_ACTION_STATUSES),
            col(Action.due_on) < on,
        )
    ).all():
        actions[cid].append(
            ActionView(action_id, "", None, None, False, None, due_on, status, False, None, None, 0)
        )
    plans = {}
    for cid, name, contact, per_year in found:
        people = (_stand_in_person(cid, first_member[cid]),) if cid in first_member else ()
        goals: tuple[GoalView, ...] = ()
        if cid in first_goal:  # "achieved": counts for the cadence's start, never as a stuck goal
            goals = (GoalView(-cid, "", None, None, "achieved", first_goal[cid], 0, 0, ()),)
        plan = JointPlan(
            citizen=CitizenView(cid, "", None, None, None, contact, per_year, 0),
            people=people,
            consents=tuple(consents[cid]),
            goals=goals,
            actions=tuple(actions[cid]),
            meetings=tuple(sorted(meetings[cid], key=lambda m: m.starts_at)),
            loaded_on=on,
        )
        plans[cid] = (name, plan)
    return plans


def escalation_lines(name: str, plan: JointPlan, *, on: date, overdue_days: int) -> EscalationLine | None:
    """What the coordinator is told about one citizen; None when nothing is escalated."""
    items = [i for i in attention_items(plan, on=on) if i.kind in ESCALATED_KINDS]
    overdue = [i for i in items if i.kind == "overdue_action" and (i.days or 0) >= overdue_days]
    consent = next((i.due_on for i in items if i.kind == "consent_expiring"), None)
    meeting = next((i.due_on for i in items if i.kind == "no_meeting"), None)
    if not overdue and consent is None and meeting is None:
        return None
    oldest = min((i.due_on for i in overdue if i.due_on), default=None)
    return EscalationLine(plan.citizen.id, initials(name), len(overdue), oldest, consent, meeting)


def escalations(
    session: Session, *, on: date, overdue_days: int, user_id: int | None = None
) -> dict[int, list[EscalationLine]]:
    """Per coordinator (user id): the citizens with something escalated, by initials."""
    chosen = coordinators(session, user_id=user_id)
    pairs = session.execute(chosen).all()
    plans = attention_plans(session, chosen, on=on) if pairs else {}
    lines: dict[int, EscalationLine | None] = {
        cid: escalation_lines(name, plan, on=on, overdue_days=overdue_days)
        for cid, (name, plan) in plans.items()
    }
    out: dict[int, list[EscalationLine]] = defaultdict(list)
    for uid, cid in sorted(set(pairs)):
        line = lines.get(cid)
        if line is not None:
            out[uid].append(line)
    return {uid: sorted(found, key=lambda x: (x.initials, x.citizen_id)) for uid, found in out.items()}
