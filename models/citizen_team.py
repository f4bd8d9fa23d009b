"""What the team sees of what the citizen did through their link, and the leader's answers.

- Forberedelse: who wrote the preparation and when; the citizen's own version stays visible after
  a professional's edit (`preparation_authorship`); the citizen's agenda proposals, which the
  meeting leader accepts (an agenda item), moves to a later meeting or declines, with a reason.
- Planen and Opfølgning: the citizen's yes/no per goal and to the plan, the agreements they ticked
  off, and their messages to the contact person, who marks them read ("Læst").
Every call is made for a plan the page has already loaded (authorised and audited), or is
authorised here through models.access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from models.access import Actor, authorize, require_staff, visible_citizens_filter, write_audits
from models.errors import NotFound, UserError
from models.meeting_edit import EDITABLE_STATUSES
from models.plans import JointPlan
from models.preparation import split_matters_most
from models.tables import (
    Action,
    ActionEvent,
    AgendaItem,
    AgendaProposal,
    Citizen,
    CitizenMessage,
    CitizenPlanAnswer,
    CitizenPreparation,
    Correction,
    Goal,
    Meeting,
    Person,
    Preparation,
    UserAccount,
    utcnow,
)
from models.text import SHORT_MAX, clean_optional

DECISIONS = ("accepted", "moved", "declined")
RECENT = timedelta(days=60)
PROPOSAL_MINUTES = 10


@dataclass(frozen=True)
class CitizenAnswer:
    goal_id: int | None
    goal_number: int | None  # as the plan numbers the active goals
    agrees: bool
    words: str | None
    answered_at: datetime


@dataclass(frozen=True)
class TickedOff:
    text: str
    at: datetime


@dataclass(frozen=True)
class MessageLine:
    id: int
    citizen_id: int
    citizen_name: str
    text: str
    sent_at: datetime
    read_at: datetime | None


@dataclass(frozen=True)
class CitizenVoice:
    goal_answers: dict[int, CitizenAnswer]
    plan_answer: CitizenAnswer | None
    ticked_off: tuple[TickedOff, ...]
    messages: tuple[MessageLine, ...]


@dataclass(frozen=True)
class ProposalToDecide:
    id: int
    text: str
    created_at: datetime
    status: str  # proposed | moved (from an earlier meeting)
    reason: str | None


@dataclass(frozen=True)
class Authorship:
    """Who wrote the preparation: the citizen's own last version, and a later edit by the team."""

    citizen_wrote_at: datetime | None
    citizen_version: dict[str, str] | None  # the citizen's text, shown when the team changed it
    changed_by: str | None  # the professional who changed it after the citizen (None: nobody)
    changed_at: datetime | None


def citizen_voice_for_plan(*, session: Session, actor: Actor, plan: JointPlan) -> CitizenVoice:
    """For Planen (the plan is already loaded, authorised and audited): one statement."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="read.citizen_voice")
    return _voice(session, plan.citizen.id)


def citizen_voice_after_view(*, session: Session, actor: Actor, citizen_id: int) -> CitizenVoice:
    """For Opfølgning's view of one citizen, right after models.follow_up.coordinator_view has
    authorised and audited this citizen for the same page view: one statement, no second check."""
    require_staff(session, actor=actor, citizen_id=citizen_id, action="read.citizen_voice")
    return _voice(session, citizen_id)


@cache
def _voice_statement() -> Any:
    """Answers, ticks and messages in one UNION ALL (the pages have a statement budget), built once
    and run with the citizen's id (:cid) and the start of "recent" (:since) as parameters:
    building it on every read of Planen cost more than running it (issue 16)."""
    citizen_id, since = bindparam("cid"), bindparam("since")
    other = aliased(Goal)
    number = (
        select(func.count())
        .where(
            other.citizen_id == Goal.citizen_id,
            other.status == "active",
            (other.position < Goal.position) | ((other.position == Goal.position) & (other.id <= Goal.id)),
        )
        .scalar_subquery()
    )
    answers = (
        select(
            literal("answer").label("kind"),
            col(CitizenPlanAnswer.id).label("id"),
            col(CitizenPlanAnswer.goal_id).label("goal_id"),
            number.label("number"),
            col(Goal.status).label("goal_status"),
            col(CitizenPlanAnswer.agrees).label("agrees"),
            col(CitizenPlanAnswer.words).label("text"),
            col(CitizenPlanAnswer.answered_at).label("at"),
            _null(DateTime(timezone=True)).label("read_at"),
        )
        .outerjoin(Goal, col(Goal.id) == CitizenPlanAnswer.goal_id)
        .where(CitizenPlanAnswer.citizen_id == citizen_id)
    )
    ticks = (
        select(
            literal("tick"),
            col(ActionEvent.id),
            _null(Integer()),
            _null(Integer()),
            _null(String()),
            _null(Boolean()),
            col(Action.text),
            col(ActionEvent.at),
            _null(DateTime(timezone=True)),
        )
        .join(Action, col(Action.id) == ActionEvent.action_id)
        .where(
            Action.citizen_id == citizen_id,
            col(ActionEvent.by_link_id).is_not(None),
            ActionEvent.to_value == "done",
            col(ActionEvent.at) >= since,
        )
    )
    messages = select(
        literal("message"),
        col(CitizenMessage.id),
        _null(Integer()),
        _null(Integer()),
        _null(String()),
        _null(Boolean()),
        col(CitizenMessage.text),
        col(CitizenMessage.sent_at),
        col(CitizenMessage.read_at),
    ).where(
        CitizenMessage.citizen_id == citizen_id,
        col(CitizenMessage.read_at).is_(None) | (col(CitizenMessage.sent_at) >= since),
    )
    return union_all(answers, ticks, messages).order_by("kind", "id")


def _voice(session: Session, citizen_id: int) -> CitizenVoice:
    rows = session.execute(_voice_statement(), {"cid": citizen_id, "since": utcnow() - RECENT}).all()
    found: dict[int | None, CitizenAnswer] = {}
    ticked, notes = [], []
    for row in rows:
        if row.kind == "answer" and (row.goal_id is None or row.goal_status == "active"):
            found[row.goal_id] = CitizenAnswer(
                row.goal_id, row.number, bool(row.agrees), row.text, _aware(row.at)
            )
        elif row.kind == "tick":
            ticked.append(TickedOff(row.text, _aware(row.at)))
        elif row.kind == "message":
            notes.append(MessageLine(row.id, citizen_id, "", row.text, _aware(row.at), _aware(row.read_at)))
    notes.sort(key=lambda m: (m.read_at is not None, -m.id))
    return CitizenVoice(
        goal_answers={k: v for k, v in found.items() if k is not None},
        plan_answer=found.get(None),
        ticked_off=tuple(sorted(ticked, key=lambda x: x.at, reverse=True)),
        messages=tuple(notes),
    )


def _null(kind: Any) -> Any:
    """A typed NULL: PostgreSQL reads an untyped one in a UNION as text."""
    return cast(null(), kind)


def _aware(value: object) -> datetime | None:
    """A UNION's column loses the DateTime type on SQLite (a string comes back): parse it, as UTC."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _message_lines(session: Session, where: object, *, limit: int) -> tuple[MessageLine, ...]:
    rows = session.execute(
        select(CitizenMessage, Citizen.name)
        .join(Citizen, col(Citizen.id) == CitizenMessage.citizen_id)
        .where(where)  # type: ignore[arg-type]
        .order_by(col(CitizenMessage.read_at).is_not(None), col(CitizenMessage.id).desc())
        .limit(limit)
    ).all()
    return tuple(MessageLine(m.id, m.citizen_id, name, m.text, m.sent_at, m.read_at) for m, name in rows)


def messages_for_me(*, session: Session, actor: Actor) -> tuple[MessageLine, ...]:
    """Messages to the actor as a citizen's contact person: unread ones, and those read in the
    last days. Only citizens the actor may open; each citizen shown is audited."""
    if actor.user_id is None:
        return ()
    mine = select(Person.id).where(Person.user_id == actor.user_id)
    lines = _message_lines(
        session,
        col(CitizenMessage.to_person_id).in_(mine)
        & visible_citizens_filter(actor, CitizenMessage.citizen_id)
        & (
            col(CitizenMessage.read_at).is_(None)
            | (col(CitizenMessage.read_at) >= utcnow() - timedelta(days=7))
        ),
        limit=50,
    )
    write_audits(session, actor=actor, action="read.citizen_messages",
                 citizen_ids=sorted({line.citizen_id for line in lines}))  # fmt: skip
    return lines


def mark_message_read(*, session: Session, actor: Actor, message_id: int) -> None:
    message = session.get(CitizenMessage, message_id) if isinstance(message_id, int) else None
    if message is None:
        raise NotFound("citizen_message")
    authorize(session, actor=actor, citizen_id=message.citizen_id, action="message.read",
              entity="citizen_message", entity_id=message_id)  # fmt: skip
    require_staff(session, actor=actor, citizen_id=message.citizen_id, action="message.read")
    session.execute(
        update(CitizenMessage)
        .where(col(CitizenMessage.id) == message_id, col(CitizenMessage.read_at).is_(None))
        .values(read_at=utcnow(), read_by_user_id=actor.user_id)
    )


# --- Forberedelse ------------------------------------------------------------------------------


def proposals_to_decide(
    *, session: Session, actor: Actor, plan: JointPlan, meeting_id: int
) -> tuple[ProposalToDecide, ...]:
    """The citizen's proposals still waiting: new ones, and ones moved from an earlier meeting."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="read.agenda_proposals")
    rows = session.execute(
        select(AgendaProposal)
        .where(
            AgendaProposal.citizen_id == plan.citizen.id,
            (AgendaProposal.status == "proposed")
            | ((AgendaProposal.status == "moved") & (col(AgendaProposal.meeting_id) != meeting_id)),
        )
        .order_by(col(AgendaProposal.created_at), col(AgendaProposal.id))
    ).scalars()
    return tuple(ProposalToDecide(p.id, p.text, p.created_at, p.status, p.reason) for p in rows)  # type: ignore[arg-type]


def decide_proposal(
    *, session: Session, actor: Actor, proposal_id: int, meeting_id: int, decision: str, reason: object = None
) -> None:
    """Accept (an agenda item at the end of the meeting's agenda), move to a later meeting or
    decline. Moving and declining need a short reason: the citizen reads it."""
    if decision not in DECISIONS:
        raise UserError("citizen_team.bad_decision")
    proposal = session.get(AgendaProposal, proposal_id) if isinstance(proposal_id, int) else None
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if proposal is None or meeting is None or proposal.citizen_id != meeting.citizen_id:
        raise NotFound("agenda_proposal")
    authorize(session, actor=actor, citizen_id=meeting.citizen_id, action="agenda.write",
              entity="agenda_proposal", entity_id=proposal_id)  # fmt: skip
    require_staff(session, actor=actor, citizen_id=meeting.citizen_id, action="agenda.write")
    if meeting.status not in EDITABLE_STATUSES:
        raise UserError("before.error.meeting_not_editable")
    why = clean_optional(reason, field="grund", max_length=SHORT_MAX)
    if decision != "accepted" and not why:
        raise UserError("citizen_team.reason_required")
    if decision == "accepted":
        last = session.execute(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
        ).scalar()
        session.add(AgendaItem(meeting_id=meeting_id, position=(last or 0) + 1, title=proposal.text,
                               minutes=PROPOSAL_MINUTES))  # fmt: skip
        # The agenda changed: an agenda form opened before this must not save over it.
        session.execute(
            update(Meeting).where(col(Meeting.id) == meeting_id).values(version=Meeting.version + 1)
        )
    done = session.execute(
        update(AgendaProposal)
        .where(col(AgendaProposal.id) == proposal_id, col(AgendaProposal.status).in_(("proposed", "moved")))
        .values(
            status=decision,
            reason=why,
            meeting_id=meeting_id,
            decided_at=utcnow(),
            decided_by_user_id=actor.user_id,
        )  # fmt: skip
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise UserError("citizen_team.already_decided")


def preparation_authorship(*, session: Session, actor: Actor, plan: JointPlan, meeting_id: int) -> Authorship:
    """Whether the citizen wrote the meeting's preparation through their link, when, and whether
    a professional changed it afterwards (then the citizen's version is returned to be shown)."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="read.preparation_author")
    own = session.execute(
        select(CitizenPreparation)
        .join(Meeting, col(Meeting.id) == CitizenPreparation.meeting_id)
        .where(CitizenPreparation.meeting_id == meeting_id, Meeting.citizen_id == plan.citizen.id)
        .order_by(col(CitizenPreparation.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    if own is None:
        return Authorship(None, None, None, None)
    prep = session.execute(
        select(Preparation).where(Preparation.meeting_id == meeting_id)
    ).scalar_one_or_none()
    if prep is None or prep.version == own.preparation_version:
        return Authorship(own.written_at, None, None, None)
    later = session.execute(
        select(Correction.at, UserAccount.full_name)
        .outerjoin(UserAccount, col(UserAccount.id) == Correction.user_id)
        .where(Correction.table_name == "preparation", Correction.row_id == prep.id,
               col(Correction.at) >= own.written_at, col(Correction.user_id).is_not(None))
        .order_by(col(Correction.at).desc())
        .limit(1)
    ).first()  # fmt: skip
    fields = ("matters_most", "going_well", "questions", "not_to_raise", "who_to_invite")
    version = {name: getattr(own, name) or "" for name in fields}
    version["matters_most"] = "\n".join(split_matters_most(own.matters_most))
    return Authorship(own.written_at, version, later[1] if later else None, later[0] if later else None)


def who_to_invite(*, session: Session, meeting_id: int, citizen_id: int) -> str | None:
    """The citizen's wish of who to invite, for a page that has already loaded the plan."""
    return session.execute(
        select(Preparation.who_to_invite)
        .join(Meeting, col(Meeting.id) == Preparation.meeting_id)
        .where(Preparation.meeting_id == meeting_id, Meeting.citizen_id == citizen_id)
    ).scalar()
