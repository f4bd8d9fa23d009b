"""The joint plan of one citizen as plain, immutable data.

One read model serves the pages, the Word export and the plan-version snapshot, so the
citizen sees the same plan everywhere. Loading takes a fixed number of queries (one per
table), never one per row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from models.access import Actor, authorize, refuse, require_staff
from models.consent import ConsentStatus, consent_status, is_covered
from models.errors import NotFound, UserError
from models.tables import (
    OPEN_ACTION_STATUSES,
    Action,
    AgendaItem,
    Citizen,
    Consent,
    ConsentParty,
    Decision,
    Department,
    Goal,
    GoalScore,
    Meeting,
    MeetingParticipant,
    Person,
    PlanVersion,
    Preparation,
    UnmetNeed,
    today,
)


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    kind: str  # "professional" | "private"
    department: str | None
    title: str | None
    relation: str | None
    email: str | None
    phone: str | None
    user_id: int | None
    is_coordinator: bool
    is_deputy: bool
    added_on: date
    removed_on: date | None
    department_id: int | None = None  # the list's department (consent coverage matches on it)

    @property
    def is_active(self) -> bool:
        return self.removed_on is None


@dataclass(frozen=True)
class ConsentView:
    id: int
    kind: str
    parties: tuple[str, ...]
    scope: str | None
    given_on: date
    expires_on: date | None
    withdrawn_on: date | None
    form: str | None
    party_department_ids: tuple[int | None, ...] = ()  # parallel to parties: picked from the list

    def status(self, on: date | None = None) -> ConsentStatus:
        return consent_status(
            given_on=self.given_on,
            expires_on=self.expires_on,
            withdrawn_on=self.withdrawn_on,
            on=on or today(),
        )


@dataclass(frozen=True)
class ScoreView:
    meeting_id: int
    meeting_starts_at: datetime
    score: int
    note: str | None
    next_step: str | None


@dataclass(frozen=True)
class GoalView:
    id: int
    own_words: str
    professional_note: str | None
    area: str | None
    status: str
    created_on: date
    position: int
    version: int
    scores: tuple[ScoreView, ...]  # oldest first

    @property
    def latest_score(self) -> int | None:
        return self.scores[-1].score if self.scores else None

    @property
    def previous_score(self) -> int | None:
        return self.scores[-2].score if len(self.scores) > 1 else None

    @property
    def score_change(self) -> int | None:
        if self.latest_score is None or self.previous_score is None:
            return None
        return self.latest_score - self.previous_score


@dataclass(frozen=True)
class ActionView:
    id: int
    text: str
    goal_id: int | None
    owner_person_id: int | None
    owner_is_citizen: bool
    owner_name: str | None  # None when nobody owns it yet
    due_on: date | None
    status: str
    trial: bool
    agreed_at_meeting_id: int | None
    done_on: date | None
    version: int

    @property
    def is_unfinished(self) -> bool:
        """An agreement must leave the meeting with one owner and a date."""
        return (self.owner_person_id is None and not self.owner_is_citizen) or self.due_on is None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


@dataclass(frozen=True)
class ParticipantView:
    person_id: int
    attendance: str
    written_status: str | None


@dataclass(frozen=True)
class PreparationView:
    matters_most: str | None
    dream: str | None
    going_well: str | None
    questions: str | None
    not_to_raise: str | None
    when_hard: str | None
    version: int


@dataclass(frozen=True)
class AgendaItemView:
    id: int
    position: int
    title: str
    minutes: int
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class UnmetNeedView:
    id: int
    text: str
    answer: str | None


@dataclass(frozen=True)
class MeetingView:
    id: int
    starts_at: datetime
    minutes: int
    place: str | None
    video_link: str | None
    status: str
    leader_person_id: int | None
    note_taker_person_id: int | None
    citizen_present: bool | None
    citizen_agrees: bool | None
    citizen_disagreement: str | None
    citizen_speaking_seconds: int
    total_speaking_seconds: int
    version: int
    participants: tuple[ParticipantView, ...] = ()
    agenda: tuple[AgendaItemView, ...] = ()
    preparation: PreparationView | None = None
    decisions: tuple[str, ...] = ()
    unmet_needs: tuple[UnmetNeedView, ...] = ()


@dataclass(frozen=True)
class CitizenView:
    id: int
    name: str
    birth_date: date | None
    phone: str | None
    email: str | None
    contact_person_id: int | None
    meetings_per_year: int
    version: int


@dataclass(frozen=True)
class JointPlan:
    citizen: CitizenView
    people: tuple[PersonView, ...]
    consents: tuple[ConsentView, ...]
    goals: tuple[GoalView, ...]
    actions: tuple[ActionView, ...]
    meetings: tuple[MeetingView, ...]  # by start time
    plan_version_number: int | None = None
    loaded_on: date = field(default_factory=today)

    def person(self, person_id: int | None) -> PersonView | None:
        return next((p for p in self.people if p.id == person_id), None)

    @property
    def contact_person(self) -> PersonView | None:
        return self.person(self.citizen.contact_person_id)

    @property
    def active_goals(self) -> tuple[GoalView, ...]:
        return tuple(g for g in self.goals if g.status == "active")

    @property
    def last_held_meeting(self) -> MeetingView | None:
        held = [m for m in self.meetings if m.status == "held"]
        return held[-1] if held else None

    @property
    def next_meeting(self) -> MeetingView | None:
        """The next meeting still to come (draft, confirmed or running)."""
        coming = [m for m in self.meetings if m.status in ("draft", "planned", "in_progress")]
        return coming[0] if coming else None

    def actions_for_goal(self, goal_id: int | None) -> tuple[ActionView, ...]:
        return tuple(a for a in self.actions if a.goal_id == goal_id)


def load_joint_plan(
    *, session: Session, actor: Actor | None, citizen_id: int, purpose: str = "plan.read"
) -> JointPlan:
    """Authorise, audit (as `purpose`) and load everything that makes up the citizen's plan.

    The citizen row is read together with the latest plan-version number and held while
    `authorize` checks and audits the read (the check then finds it in the session instead of
    reading it again). Nothing of it leaves this function unless `authorize` allows.
    """
    row = None
    if isinstance(citizen_id, int) and not isinstance(citizen_id, bool):
        row = session.execute(_plan_statements()["citizen"], {"cid": citizen_id}).first()
    authorize(session, actor=actor, citizen_id=citizen_id, action=purpose)
    if row is None:
        raise NotFound("citizen")
    citizen, latest_version = row
    return _load(session, citizen, latest_version=latest_version)


def person_version_in_plan(*, session: Session, actor: Actor | None, plan: JointPlan, person_id: int) -> int:
    """The version an edit form of one of the plan's people starts from, for a page that has just
    loaded (authorised and audited) the plan: one statement, no second check. A citizen's own
    link may not read it (as with models.people.person_version)."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="person.read", entity="person",
                  entity_id=person_id)
    version = None
    if plan.person(person_id) is not None:
        version = session.execute(
            select(Person.version).where(Person.id == person_id, Person.citizen_id == plan.citizen.id)
        ).scalar()
    if version is None:
        raise NotFound("person")
    return version


def may_receive_plan(plan: JointPlan, actor: Actor | None) -> bool:
    """A professional whose department no valid consent covers gets no copy of the plan.

    Applies to the user's own professional record(s) on this citizen's team; administrators and
    staff without such a record (e.g. a manager) are not a receiving party of the citizen's.
    """
    if actor is None or actor.user_id is None:
        return True
    mine = [p for p in plan.people if p.user_id == actor.user_id and p.is_active and p.kind == "professional"]
    return not mine or any(is_covered(p, plan.consents, on=plan.loaded_on) for p in mine)


def load_plan_for_export(*, session: Session, actor: Actor | None, citizen_id: int) -> JointPlan:
    """The plan for a Word copy: authorised and audited as an export, and refused (audited) to a
    professional no valid consent covers — the consent gate for plan copies."""
    plan = load_joint_plan(session=session, actor=actor, citizen_id=citizen_id, purpose="plan.export_docx")
    if not may_receive_plan(plan, actor):
        refuse(session, actor=actor, citizen_id=citizen_id, action="plan.export_docx",
               error=UserError("consent.not_covered_copy"))
    return plan


@cache
def _plan_statements() -> dict[str, Any]:
    """The plan's statements, built once and run with the citizen's id (:cid) and the meetings'
    ids (:meeting_ids) as parameters: building a dozen statements on every read cost more than
    running them (a citizen's plan is read on every rerun of five pages)."""
    cid, meeting_ids = bindparam("cid"), bindparam("meeting_ids", expanding=True)
    latest = (
        select(func.max(PlanVersion.number))
        .where(PlanVersion.citizen_id == Citizen.id)
        .correlate(Citizen)
        .scalar_subquery()
    )
    return {
        "citizen": select(Citizen, latest).where(Citizen.id == cid),
        "people": select(Person, Department.name)
        .outerjoin(Department, Department.id == Person.department_id)  # type: ignore[arg-type]
        .where(Person.citizen_id == cid)
        .order_by(Person.kind, Person.id),
        "consents": select(Consent, ConsentParty.name, ConsentParty.department_id)
        .outerjoin(ConsentParty, Consent.id == ConsentParty.consent_id)  # type: ignore[arg-type]
        .where(Consent.citizen_id == cid)
        .order_by(Consent.given_on, Consent.id, ConsentParty.position, ConsentParty.id),
        "meetings": select(Meeting, Preparation)
        .outerjoin(Preparation, Preparation.meeting_id == Meeting.id)  # type: ignore[arg-type]
        .where(Meeting.citizen_id == cid)
        .order_by(Meeting.starts_at, Meeting.id),
        "participants": select(MeetingParticipant)
        .where(MeetingParticipant.meeting_id.in_(meeting_ids))  # type: ignore[attr-defined]
        .order_by(MeetingParticipant.position, MeetingParticipant.id),
        "agenda": select(AgendaItem)
        .where(AgendaItem.meeting_id.in_(meeting_ids))  # type: ignore[attr-defined]
        .order_by(AgendaItem.position, AgendaItem.id),
        "decisions": select(Decision)
        .where(Decision.meeting_id.in_(meeting_ids))  # type: ignore[attr-defined]
        .order_by(Decision.position, Decision.id),
        "needs": select(UnmetNeed)
        .where(UnmetNeed.citizen_id == cid)
        .order_by(UnmetNeed.position, UnmetNeed.id),
        "goals": select(Goal, GoalScore)
        .outerjoin(GoalScore, Goal.id == GoalScore.goal_id)  # type: ignore[arg-type]
        .where(Goal.citizen_id == cid)
        .order_by(Goal.position, Goal.id),
        "actions": select(Action)
        .where(Action.citizen_id == cid)
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id),  # type: ignore[union-attr]
        "latest_version": select(func.max(PlanVersion.number)).where(PlanVersion.citizen_id == cid),
    }


_ASK = object()  # _load reads the latest plan-version number itself unless given it


def _load(session: Session, citizen: Citizen, *, latest_version: Any = _ASK) -> JointPlan:
    statements, by_citizen = _plan_statements(), {"cid": citizen.id}
    # One query per kind of row, with the one-to-one or small lookups joined in.
    people_rows = session.execute(statements["people"], by_citizen).all()
    people = tuple(
        PersonView(
            id=p.id,  # type: ignore[arg-type]
            name=p.name,
            kind=p.kind,
            department=department,
            title=p.title,
            relation=p.relation,
            email=p.email,
            phone=p.phone,
            user_id=p.user_id,
            is_coordinator=p.is_coordinator,
            is_deputy=p.is_deputy,
            added_on=p.added_on,
            removed_on=p.removed_on,
            department_id=p.department_id,
        )
        for p, department in people_rows
    )
    names = {p.id: p.name for p in people}

    consent_rows: list[Consent] = []
    parties: dict[int, list[str]] = defaultdict(list)
    party_ids: dict[int, list[int | None]] = defaultdict(list)
    for consent, party, party_department_id in session.execute(statements["consents"], by_citizen).all():
        if not consent_rows or consent_rows[-1] is not consent:
            consent_rows.append(consent)
        if party is not None:
            parties[consent.id].append(party)  # type: ignore[index]
            party_ids[consent.id].append(party_department_id)  # type: ignore[index]
    consents = tuple(
        ConsentView(
            id=c.id,  # type: ignore[arg-type]
            kind=c.kind,
            parties=tuple(parties[c.id]),  # type: ignore[index]
            scope=c.scope,
            given_on=c.given_on,
            expires_on=c.expires_on,
            withdrawn_on=c.withdrawn_on,
            form=c.form,
            party_department_ids=tuple(party_ids[c.id]),  # type: ignore[index]
        )
        for c in consent_rows
    )

    meetings_and_preparations = session.execute(statements["meetings"], by_citizen).all()
    meeting_rows = [m for m, _ in meetings_and_preparations]
    meeting_ids = [m.id for m in meeting_rows]
    starts = {m.id: m.starts_at for m in meeting_rows}
    participants: dict[int, list[ParticipantView]] = defaultdict(list)
    agenda: dict[int, list[AgendaItemView]] = defaultdict(list)
    preparations: dict[int, PreparationView] = {}
    decisions: dict[int, list[str]] = defaultdict(list)
    needs: dict[int, list[UnmetNeedView]] = defaultdict(list)
    if meeting_ids:
        by_meetings = {"meeting_ids": meeting_ids}
        for mp in session.execute(statements["participants"], by_meetings).scalars():
            participants[mp.meeting_id].append(
                ParticipantView(mp.person_id, mp.attendance, mp.written_status)
            )
        for item in session.execute(statements["agenda"], by_meetings).scalars():
            agenda[item.meeting_id].append(
                AgendaItemView(
                    item.id,  # type: ignore[arg-type]
                    item.position,
                    item.title,
                    item.minutes,
                    item.started_at,
                    item.ended_at,
                )
            )
        for meeting, prep in meetings_and_preparations:
            if prep is None:
                continue
            preparations[meeting.id] = PreparationView(  # type: ignore[index]
                prep.matters_most,
                prep.dream,
                prep.going_well,
                prep.questions,
                prep.not_to_raise,
                prep.when_hard,
                prep.version,
            )
        for decision in session.execute(statements["decisions"], by_meetings).scalars():
            decisions[decision.meeting_id].append(decision.text)
        for need in session.execute(statements["needs"], by_citizen).scalars():
            needs[need.meeting_id].append(
                UnmetNeedView(need.id, need.text, need.answer)  # type: ignore[arg-type]
            )
    meetings = tuple(
        MeetingView(
            id=m.id,  # type: ignore[arg-type]
            starts_at=m.starts_at,
            minutes=m.minutes,
            place=m.place,
            video_link=m.video_link,
            status=m.status,
            leader_person_id=m.leader_person_id,
            note_taker_person_id=m.note_taker_person_id,
            citizen_present=m.citizen_present,
            citizen_agrees=m.citizen_agrees,
            citizen_disagreement=m.citizen_disagreement,
            citizen_speaking_seconds=m.citizen_speaking_seconds,
            total_speaking_seconds=m.total_speaking_seconds,
            version=m.version,
            participants=tuple(participants[m.id]),  # type: ignore[index]
            agenda=tuple(agenda[m.id]),  # type: ignore[index]
            preparation=preparations.get(m.id),  # type: ignore[arg-type]
            decisions=tuple(decisions[m.id]),  # type: ignore[index]
            unmet_needs=tuple(needs[m.id]),  # type: ignore[index]
        )
        for m in meeting_rows
    )

    goal_rows: list[Goal] = []
    scores: dict[int, list[ScoreView]] = defaultdict(list)
    for goal, score in session.execute(statements["goals"], by_citizen).all():
        if not goal_rows or goal_rows[-1] is not goal:
            goal_rows.append(goal)
        if score is None:
            continue
        scores[score.goal_id].append(
            ScoreView(
                score.meeting_id,
                starts[score.meeting_id],
                score.score,
                score.note,
                score.next_step,
            )
        )
    goals = tuple(
        GoalView(
            id=g.id,  # type: ignore[arg-type]
            own_words=g.own_words,
            professional_note=g.professional_note,
            area=g.area,
            status=g.status,
            created_on=g.created_on,
            position=g.position,
            version=g.version,
            scores=tuple(sorted(scores[g.id], key=lambda s: s.meeting_starts_at)),  # type: ignore[index]
        )
        for g in goal_rows
    )

    action_rows = session.execute(statements["actions"], by_citizen).scalars().all()
    actions = tuple(
        ActionView(
            id=a.id,  # type: ignore[arg-type]
            text=a.text,
            goal_id=a.goal_id,
            owner_person_id=a.owner_person_id,
            owner_is_citizen=a.owner_is_citizen,
            owner_name=citizen.name if a.owner_is_citizen else names.get(a.owner_person_id),
            due_on=a.due_on,
            status=a.status,
            trial=a.trial,
            agreed_at_meeting_id=a.agreed_at_meeting_id,
            done_on=a.done_on,
            version=a.version,
        )
        for a in action_rows
    )
    if latest_version is _ASK:
        latest_version = session.execute(statements["latest_version"], by_citizen).scalar()
    return JointPlan(
        citizen=CitizenView(
            id=citizen.id,  # type: ignore[arg-type]
            name=citizen.name,
            birth_date=citizen.birth_date,
            phone=citizen.phone,
            email=citizen.email,
            contact_person_id=citizen.contact_person_id,
            meetings_per_year=citizen.meetings_per_year,
            version=citizen.version,
        ),
        people=people,
        consents=consents,
        goals=goals,
        actions=actions,
        meetings=meetings,
        plan_version_number=latest_version,
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def plan_to_json(plan: JointPlan) -> str:
    """The snapshot stored in an immutable plan version."""
    return json.dumps(asdict(plan), default=_json_default, ensure_ascii=False, sort_keys=True)
