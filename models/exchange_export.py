"""Citizens out as samplan/1 documents (and the plan for the command line's Word export).
"""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from models.access import Actor, authorize, visible_citizens_filter, write_audit
from models.errors import NotFound
from models.exchange_schema import CITIZEN_OWNER, FORMAT, PREPARATION_FIELDS
from models.tables import (
    COPENHAGEN,
    Action,
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
    Preparation,
    UnmetNeed,
)

logger = logging.getLogger(__name__)

EXPORT_BATCH = 500  # citizens per round of queries (well under SQLite's parameter limit)


# --- Export -----------------------------------------------------------------------------

_EXPORT_STATUS = {"draft": "planned", "planned": "planned", "in_progress": "planned"}


def export_citizen(*, session: Session, actor: Actor | None, citizen_id: int) -> dict[str, Any]:
    """One citizen as a samplan/1 document. `actor=None` is the command line (audited, user NULL)."""
    if actor is None:
        if session.get(Citizen, citizen_id) is None:
            raise NotFound("citizen")
        write_audit(
            session,
            actor=None,
            action="citizen.export_json",
            citizen_id=citizen_id,
            entity="citizen",
            entity_id=citizen_id,
        )
    else:
        authorize(
            session,
            actor=actor,
            citizen_id=citizen_id,
            action="citizen.export_json",
            entity="citizen",
            entity_id=citizen_id,
        )
    return _document(_export_batch(session, [citizen_id]))


def export_all(*, session: Session, actor: Actor | None) -> dict[str, Any]:
    """Every citizen the actor may open (all of them for the command line), one audit row each."""
    query = select(col(Citizen.id)).order_by(col(Citizen.id))
    if actor is not None:
        query = query.where(visible_citizens_filter(actor))
    ids = list(session.execute(query).scalars())
    for cid in ids:
        write_audit(
            session,
            actor=actor,
            action="citizen.export_json",
            citizen_id=cid,
            entity="citizen",
            entity_id=cid,
        )
    citizens: list[dict[str, Any]] = []
    for start in range(0, len(ids), EXPORT_BATCH):
        citizens.extend(_export_batch(session, ids[start : start + EXPORT_BATCH]))
    return _document(citizens)


def document_bytes(document: dict[str, Any]) -> bytes:
    """An exchange document as the file people get (UTF-8, readable, ending in a newline)."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _document(citizens: list[dict[str, Any]]) -> dict[str, Any]:
    for number, citizen in enumerate(citizens, start=1):
        citizen["ref"] = f"c{number}"  # the key is already first, so the order stays
    exported_at = datetime.now(COPENHAGEN).replace(microsecond=0).isoformat()
    return {"format": FORMAT, "exported_at": exported_at, "citizens": citizens}


def _put(target: dict[str, Any], name: str, value: object) -> None:
    """Optional fields are left out rather than written as null (the schema has no nulls)."""
    if value is not None:
        target[name] = value.isoformat() if isinstance(value, date) else value


def _export_batch(session: Session, citizen_ids: list[int]) -> list[dict[str, Any]]:
    """Load every table once for the batch (never one query per row) and build the citizens."""

    def by_citizen(model: Any, *order: Any) -> list[Any]:
        return list(
            session.execute(select(model).where(model.citizen_id.in_(citizen_ids)).order_by(*order)).scalars()
        )

    citizens = list(
        session.execute(
            select(Citizen).where(col(Citizen.id).in_(citizen_ids)).order_by(col(Citizen.id))
        ).scalars()
    )
    people = by_citizen(Person, Person.id)
    consents = by_citizen(Consent, Consent.id)
    goals = by_citizen(Goal, Goal.position, Goal.id)
    actions = by_citizen(Action, Action.id)
    meetings = by_citizen(Meeting, Meeting.starts_at, Meeting.id)
    needs = by_citizen(UnmetNeed, UnmetNeed.position, UnmetNeed.id)
    department_names: dict[int | None, str] = {
        row.id: row.name for row in session.execute(select(Department.id, Department.name))
    }

    def children(model: Any, parent: Any, link: Any, *order: Any) -> list[Any]:
        return list(
            session.execute(
                select(model)
                .join(parent, parent.id == link)
                .where(parent.citizen_id.in_(citizen_ids))
                .order_by(*order)
            ).scalars()
        )

    parties = children(ConsentParty, Consent, ConsentParty.consent_id, ConsentParty.position, ConsentParty.id)
    scores = children(GoalScore, Goal, GoalScore.goal_id, GoalScore.id)
    participants = children(
        MeetingParticipant,
        Meeting,
        MeetingParticipant.meeting_id,
        MeetingParticipant.position,
        MeetingParticipant.id,
    )
    preparations = children(Preparation, Meeting, Preparation.meeting_id, Preparation.id)
    decisions = children(Decision, Meeting, Decision.meeting_id, Decision.position, Decision.id)

    def group(rows: Iterable[Any], key: str) -> dict[int, list[Any]]:
        out: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            out[getattr(row, key)].append(row)
        return out

    people_of, consents_of, goals_of = (
        group(people, "citizen_id"),
        group(consents, "citizen_id"),
        group(goals, "citizen_id"),
    )
    actions_of, meetings_of = group(actions, "citizen_id"), group(meetings, "citizen_id")
    parties_of, scores_of = group(parties, "consent_id"), group(scores, "goal_id")
    participants_of, decisions_of = group(participants, "meeting_id"), group(decisions, "meeting_id")
    needs_of = group(needs, "meeting_id")
    preparation_of = {p.meeting_id: p for p in preparations}

    skipped: dict[str, int] = defaultdict(int)
    out: list[dict[str, Any]] = []
    for citizen in citizens:
        person_ref = {p.id: f"p{n}" for n, p in enumerate(people_of[citizen.id], start=1)}
        goal_ref = {g.id: f"g{n}" for n, g in enumerate(goals_of[citizen.id], start=1)}
        meeting_ref = {m.id: f"m{n}" for n, m in enumerate(meetings_of[citizen.id], start=1)}
        doc: dict[str, Any] = {"ref": ""}
        doc["name"] = citizen.name
        _put(doc, "birth_date", citizen.birth_date)
        _put(doc, "phone", citizen.phone)
        _put(doc, "email", citizen.email)
        _put(doc, "contact_person", person_ref.get(citizen.contact_person_id))

        doc["people"] = []
        for person in people_of[citizen.id]:
            item: dict[str, Any] = {"ref": person_ref[person.id], "name": person.name, "kind": person.kind}
            _put(item, "department", department_names.get(person.department_id))
            for name in ("title", "relation", "email", "phone"):
                _put(item, name, getattr(person, name))
            doc["people"].append(item)

        doc["consents"] = []
        for consent in consents_of[citizen.id]:
            names = [party.name for party in parties_of[consent.id]]
            if not names:
                skipped["consent without parties"] += 1  # samplan/1 needs at least one party
                continue
            item = {"ref": f"k{len(doc['consents']) + 1}", "parties": names}
            for name in ("scope", "given_on", "expires_on", "withdrawn_on", "form"):
                _put(item, name, getattr(consent, name))
            doc["consents"].append(item)

        doc["goals"] = []
        for goal in goals_of[citizen.id]:
            item = {"ref": goal_ref[goal.id], "own_words": goal.own_words}
            for name in ("area", "status", "created_on"):
                _put(item, name, getattr(goal, name))
            goal_scores = sorted(
                (s for s in scores_of[goal.id] if s.meeting_id in meeting_ref),
                key=lambda s: int(meeting_ref[s.meeting_id][1:]),
            )
            item["scores"] = []
            for score in goal_scores:
                entry: dict[str, Any] = {"meeting": meeting_ref[score.meeting_id], "score": score.score}
                _put(entry, "note", score.note)
                item["scores"].append(entry)
            doc["goals"].append(item)

        doc["actions"] = []
        for action in actions_of[citizen.id]:
            if action.owner_is_citizen:
                owner = CITIZEN_OWNER
            elif action.owner_person_id in person_ref:
                owner = person_ref[action.owner_person_id]
            else:
                skipped["action without owner"] += 1  # samplan/1 requires an owner
                continue
            item = {"ref": f"a{len(doc['actions']) + 1}", "text": action.text}
            _put(item, "goal", goal_ref.get(action.goal_id))
            item["owner"] = owner
            _put(item, "due_on", action.due_on)
            item["status"] = action.status
            item["trial"] = bool(action.trial)
            _put(item, "agreed_at", meeting_ref.get(action.agreed_at_meeting_id))
            _put(item, "done_on", action.done_on)
            doc["actions"].append(item)

        doc["meetings"] = []
        for meeting in meetings_of[citizen.id]:
            item = {
                "ref": meeting_ref[meeting.id],
                "starts_at": meeting.starts_at.astimezone(COPENHAGEN).isoformat(),
                "minutes": meeting.minutes,
            }
            _put(item, "place", meeting.place)
            item["status"] = _EXPORT_STATUS.get(meeting.status, meeting.status)
            _put(item, "leader", person_ref.get(meeting.leader_person_id))
            _put(item, "note_taker", person_ref.get(meeting.note_taker_person_id))
            item["participants"] = [
                person_ref[mp.person_id] for mp in participants_of[meeting.id] if mp.person_id in person_ref
            ]
            _put(item, "citizen_present", meeting.citizen_present)
            prep = preparation_of.get(meeting.id)
            if prep is not None:
                texts = {name: getattr(prep, name) for name in PREPARATION_FIELDS}
                if any(value is not None for value in texts.values()):
                    item["preparation"] = {k: v for k, v in texts.items() if v is not None}
            item["decisions"] = [d.text for d in decisions_of[meeting.id]]
            item["unmet_needs"] = [n.text for n in needs_of[meeting.id]]
            doc["meetings"].append(item)
        out.append(doc)
    if skipped:
        logger.warning("export left out what samplan/1 cannot hold: %s", dict(skipped))
    return out


def plan_for_word_export(*, session: Session, actor: Actor | None, citizen_id: int) -> Any:
    """The joint plan (models.plans.JointPlan) for `samplan export --format docx`.

    A logged-in actor goes through load_joint_plan's authorisation; `actor=None` is the
    command line, audited with user_id NULL like the JSON export.
    """
    from models import plans

    if actor is not None:
        return plans.load_plan_for_export(session=session, actor=actor, citizen_id=citizen_id)
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound("citizen")
    write_audit(session, actor=None, action="plan.export_docx", citizen_id=citizen_id)
    return plans._load(session, citizen)  # load_joint_plan refuses actors without an account
