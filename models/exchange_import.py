"""Writing checked citizens from a samplan/1 file: one transaction, one INSERT per table.

A citizen imported before is recognised (models/exchange_identity.py) and, as the caller
chooses, refused (the default: nothing is saved), updated (models/exchange_update.py) or
imported again as a copy on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from models import team
from models.access import Actor, refuse, write_audit
from models.errors import UserError
from models.exchange_identity import ON_EXISTING, citizen_identity, known_for_import
from models.exchange_read import CitizenIn, check_document, parse_document, problems_in
from models.exchange_schema import (
    CITIZEN_OWNER,
    COORDINATOR_TITLE,
    PREPARATION_FIELDS,
    ImportedCitizen,
    ImportFailed,
)
from models.exchange_update import update_citizen
from models.i18n import DEFAULT_LANGUAGE
from models.tables import (
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
    today,
)

logger = logging.getLogger(__name__)


def import_document(
    *,
    session: Session,
    doc: object,
    actor: Actor | None,
    lang: str = DEFAULT_LANGUAGE,
    on_existing: str = "refuse",
) -> list[ImportedCitizen]:
    """Import every citizen in `doc` (a parsed document, or the file's text/bytes), samplan/1
    or samplan/2 (models/exchange2.py).

    Checks the whole document first and raises ImportFailed (nothing written) if anything is
    wrong. Writes in the caller's transaction; the caller's session_scope(write=True) commits
    all citizens together or none. `actor=None` is the command line (see the module notes).

    `on_existing` says what happens to citizens imported before: "refuse" raises
    AlreadyImported (nothing written), "update" updates them from the file (their
    ImportedCitizen says `updated` and what changed), "new" imports them again as copies.
    The result is in the file's order.
    """
    if on_existing not in ON_EXISTING:
        raise ValueError(f"on_existing must be one of {ON_EXISTING}, not {on_existing!r}")
    if actor is not None and not actor.is_admin:
        refuse(session, actor=actor, citizen_id=None, action="citizen.import",
               error=UserError("error.admin_only"))
    if isinstance(doc, str | bytes | bytearray):
        doc = parse_document(bytes(doc) if isinstance(doc, bytearray) else doc, lang=lang)
    if isinstance(doc, dict) and doc.get("format") == "samplan/2":
        from models.exchange2 import import2  # samplan/2 has its own reader and writer

        return import2(session=session, doc=doc, actor=actor, lang=lang, on_existing=on_existing)
    found, citizens = check_document(doc)
    if found:
        raise ImportFailed(problems_in(doc, found, lang))
    known = known_for_import(session, citizens, on_existing=on_existing, lang=lang)
    departments = _departments(session, {p.department for c in citizens for p in c.people if p.department})
    fresh = [n for n in range(len(citizens)) if not (on_existing == "update" and n in known)]
    created = _import_citizens(
        session,
        [citizens[n] for n in fresh],
        departments,
        actor,
        # A copy on purpose gets no identity: the first import stays the one recognised.
        [None if n in known else citizen_identity(citizens[n].name, citizens[n].birth_date) for n in fresh],
    )
    result = dict(zip(fresh, created, strict=True))
    for n in sorted(set(range(len(citizens))) - set(fresh)):
        citizen_id = known[n].existing_ids[0]
        changes = update_citizen(
            session=session, actor=actor, citizen_id=citizen_id, data=citizens[n],
            departments=departments, lang=lang,
        )  # fmt: skip
        result[n] = ImportedCitizen(id=citizen_id, name=citizens[n].name, updated=True, changes=changes)
    if len(fresh) < len(citizens):
        team.link_matching_users_of(
            session=session, citizen_ids=[result[n].id for n in result if n not in fresh], actor=actor
        )
    return [result[n] for n in range(len(citizens))]


def _departments(session: Session, names: set[str]) -> dict[str, int]:
    """Get or create departments by exact (sanitised) name."""
    if not names:
        return {}
    existing = {
        d.name: d.id
        for d in session.execute(select(Department).where(col(Department.name).in_(names))).scalars()
    }
    created = [Department(name=name) for name in sorted(names - set(existing))]
    if created:
        session.add_all(created)
        session.flush()
    return {**existing, **{d.name: d.id for d in created}}  # type: ignore[dict-item]


def _defaults(model: Any) -> dict[str, Any]:
    """What the ORM would write into the columns a new row leaves out (`default` and
    `default_factory`: created_at, version, ...), so a Core INSERT writes the same row."""
    return {
        name: info.get_default(call_default_factory=True)
        for name, info in model.model_fields.items()
        if name != "id" and not info.is_required()
    }


def _insert(session: Session, model: Any, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
    """One executemany INSERT for every row of a table; with `ids`, the new ids in row order."""
    if not rows:
        return []
    base = _defaults(model)
    values = [{**base, **row} for row in rows]
    table = model.__table__
    if not ids:
        session.execute(insert(table), values)
        return []
    # sort_by_parameter_order: ids come back in the order of `rows`, so they map by position.
    returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(returning, values).scalars())


def _import_citizens(
    session: Session,
    citizens: Sequence[CitizenIn],
    departments: Mapping[str, int],
    actor: Actor | None,
    identities: Sequence[str | None] | None = None,
) -> list[ImportedCitizen]:
    """Write checked citizens: one INSERT per table for the whole file, not one flush per
    citizen and table. Parents first (their ids come back in row order), then the rows that
    point at them. The rows are those the ORM objects would have made (see _defaults)."""
    citizen_ids = _insert(
        session,
        Citizen,
        [
            {
                "name": c.name,
                "birth_date": c.birth_date,
                "phone": c.phone,
                "email": c.email,
                "exchange_identity": identity,
            }
            for c, identity in zip(citizens, identities or [None] * len(citizens), strict=True)
        ],
        ids=True,
    )
    pairs = list(zip(citizen_ids, citizens, strict=True))

    new_person_ids = iter(
        _insert(
            session,
            Person,
            [
                {
                    "citizen_id": cid,
                    "name": p.name,
                    "kind": p.kind,
                    "department_id": departments.get(p.department) if p.department else None,
                    "title": p.title,
                    "relation": p.relation,
                    "email": p.email,
                    "phone": p.phone,
                    "is_coordinator": (p.title or "").casefold() == COORDINATOR_TITLE,
                }
                for cid, data in pairs
                for p in data.people
            ],
            ids=True,
        )
    )
    person_ids = [{p.ref: next(new_person_ids) for p in data.people} for data in citizens]

    contacts = [
        {"row_id": cid, "contact": person_ids[n][data.contact_person]}
        for n, (cid, data) in enumerate(pairs)
        if data.contact_person
    ]
    if contacts:
        table = Citizen.__table__  # type: ignore[attr-defined]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(contact_person_id=bindparam("contact")),
            contacts,
        )

    new_consent_ids = iter(
        _insert(
            session,
            Consent,
            [
                {
                    "citizen_id": cid,
                    "kind": "sharing",
                    "scope": c.scope,
                    "given_on": c.given_on or today(),  # never None here: given_on is required
                    "expires_on": c.expires_on,
                    "withdrawn_on": c.withdrawn_on,
                    "form": c.form,
                    "recorded_by_user_id": actor.user_id if actor else None,
                }
                for cid, data in pairs
                for c in data.consents
            ],
            ids=True,
        )
    )
    consent_ids = [[next(new_consent_ids) for _ in data.consents] for data in citizens]

    def person(n: int, ref: str | None) -> int | None:
        return person_ids[n][ref] if ref else None

    new_meeting_ids = iter(
        _insert(
            session,
            Meeting,
            [
                {
                    "citizen_id": cid,
                    "starts_at": m.starts_at,
                    "minutes": m.minutes,
                    "place": m.place,
                    "status": m.status,
                    "citizen_present": m.citizen_present,
                    "leader_person_id": person(n, m.leader),
                    "note_taker_person_id": person(n, m.note_taker),
                }
                for n, (cid, data) in enumerate(pairs)
                for m in data.meetings
            ],
            ids=True,
        )
    )
    meeting_ids = [{m.ref: next(new_meeting_ids) for m in data.meetings} for data in citizens]

    new_goal_ids = iter(
        _insert(
            session,
            Goal,
            [
                {
                    "citizen_id": cid,
                    "own_words": g.own_words,
                    "area": g.area,
                    "status": g.status,
                    "position": position,
                    "created_on": g.created_on or today(),  # the table's default too
                }
                for cid, data in pairs
                for position, g in enumerate(data.goals)
            ],
            ids=True,
        )
    )
    goal_ids = [{g.ref: next(new_goal_ids) for g in data.goals} for data in citizens]

    parties: list[dict[str, Any]] = []
    participants: list[dict[str, Any]] = []
    preparations: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    needs: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for n, (cid, data) in enumerate(pairs):
        for consent_id, c in zip(consent_ids[n], data.consents, strict=True):
            parties.extend(
                {"consent_id": consent_id, "name": name, "position": k} for k, name in enumerate(c.parties)
            )
        for m in data.meetings:
            mid = meeting_ids[n][m.ref]
            participants.extend(
                {"meeting_id": mid, "person_id": person_ids[n][ref], "position": k}
                for k, ref in enumerate(m.participants)
            )
            if m.preparation is not None:
                preparations.append(
                    {"meeting_id": mid, **{name: m.preparation[name] for name in PREPARATION_FIELDS}}
                )
            decisions.extend(
                {"meeting_id": mid, "text": text, "position": k} for k, text in enumerate(m.decisions)
            )
            needs.extend(
                {"meeting_id": mid, "citizen_id": cid, "text": text, "position": k}
                for k, text in enumerate(m.unmet_needs)
            )
        for g in data.goals:
            scores.extend(
                {
                    "goal_id": goal_ids[n][g.ref],
                    "meeting_id": meeting_ids[n][s.meeting],
                    "score": s.score,
                    "note": s.note,
                }
                for s in g.scores
            )
        actions.extend(
            {
                "citizen_id": cid,
                "goal_id": goal_ids[n][a.goal] if a.goal else None,
                "text": a.text,
                "owner_person_id": None if a.owner == CITIZEN_OWNER else person(n, a.owner),
                "owner_is_citizen": a.owner == CITIZEN_OWNER,
                "due_on": a.due_on,
                "status": a.status,
                "trial": a.trial,
                "agreed_at_meeting_id": meeting_ids[n][a.agreed_at] if a.agreed_at else None,
                "done_on": a.done_on,
            }
            for a in data.actions
        )
    for model, rows in (
        (ConsentParty, parties),
        (MeetingParticipant, participants),
        (Preparation, preparations),
        (Decision, decisions),
        (UnmetNeed, needs),
        (GoalScore, scores),
        (Action, actions),
    ):
        _insert(session, model, rows)

    team.link_matching_users_of(session=session, citizen_ids=citizen_ids, actor=actor)
    for cid in citizen_ids:
        write_audit(
            session, actor=actor, action="citizen.import", citizen_id=cid, entity="citizen", entity_id=cid
        )
    return [ImportedCitizen(id=cid, name=data.name) for cid, data in pairs]


