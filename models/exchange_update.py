"""`samplan import --update`: bring a citizen imported before up to date from a newer file.

The file is read as the newer account of the same citizen; nothing in the database is deleted.
How each part is matched (samplan/1 carries no stable ids below the citizen either: Samplan's
export numbers goals g1, g2 ... in their order):

- the citizen: name, birth date, phone and e-mail that the file gives replace ours; a field the
  file leaves out is kept (absent is "not said", not "erase");
- people by kind and name (any case): changed title, department, relation, e-mail or phone are
  updated, new people added;
- consents by the date given and the parties: changed end, withdrawal, scope or form updated;
- goals by their order (the n-th goal in the file is the citizen's n-th goal): changed words,
  life area or status are saved through models.db.save_versioned, so the old words stay in the
  corrections history, as when a person corrects them in the app; further goals are added;
- meetings by their start time: changed length, place or held/cancelled updated, decisions and
  unmet needs with new wording added, new meetings added;
- scores by goal and meeting: changed score or note updated, new ones added;
- agreements by their words (any case): a changed status or date is saved with an entry in the
  agreement's own history (action_event, as Opfølgning writes it), new agreements added.

Everything goes through the caller's transaction and is audited per citizen
("citizen.import_update"). The summary names what changed, in the language asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.access import Actor, authorize, write_audit
from models.db import save_versioned
from models.errors import UserError
from models.exchange_read import CitizenIn, MeetingIn
from models.exchange_schema import CITIZEN_OWNER, COORDINATOR_TITLE, PREPARATION_FIELDS
from models.i18n import translate
from models.tables import (
    MAX_ACTIVE_GOALS,
    Action,
    ActionEvent,
    Citizen,
    Consent,
    ConsentParty,
    Decision,
    Goal,
    GoalScore,
    Meeting,
    MeetingParticipant,
    Person,
    Preparation,
    UnmetNeed,
    today,
    utcnow,
)

_CITIZEN_FIELDS = ("name", "birth_date", "phone", "email")
_PERSON_FIELDS = ("title", "relation", "email", "phone")
_CONSENT_FIELDS = ("scope", "expires_on", "withdrawn_on", "form")
_GOAL_FIELDS = ("own_words", "area", "status")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _changed(row: Any, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The given (non-None) values that differ from the row's."""
    return {
        name: value for name, value in wanted.items() if value is not None and getattr(row, name) != value
    }


class _Summary:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.lines: list[str] = []
        self.counts: dict[str, int] = {}

    def line(self, key: str, **params: Any) -> None:
        self.lines.append(translate(f"exchange_update.{key}", self.lang, **params))

    def count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def result(self) -> tuple[str, ...]:
        counted = [translate(f"exchange_update.{key}", self.lang, count=n) for key, n in self.counts.items()]
        return tuple(self.lines + counted) or (translate("exchange_update.nothing", self.lang),)


def update_citizen(
    *,
    session: Session,
    actor: Actor | None,
    citizen_id: int,
    data: CitizenIn,
    departments: Mapping[str, int],
    lang: str,
) -> tuple[str, ...]:
    """Update one citizen from the file's account of them; returns the summary lines."""
    if actor is None:  # the command line: audited with user NULL, like the import itself
        write_audit(session, actor=None, action="citizen.import_update", citizen_id=citizen_id,
                    entity="citizen", entity_id=citizen_id)  # fmt: skip
    else:
        authorize(session, actor=actor, citizen_id=citizen_id, action="citizen.import_update",
                  entity="citizen", entity_id=citizen_id)  # fmt: skip
    summary = _Summary(lang)
    note = translate("exchange_update.reason", lang)
    citizen = session.get(Citizen, citizen_id)
    assert citizen is not None  # found by find_known in this transaction
    values = _changed(citizen, {name: getattr(data, name) for name in _CITIZEN_FIELDS})
    if values:
        save_versioned(session, Citizen, row_id=citizen_id, seen_version=citizen.version,
                       **values, updated_at=utcnow())  # fmt: skip
        fields = ", ".join(translate(f"exchange_update.field_{name}", lang) for name in values)
        summary.line("citizen_changed", fields=fields)

    people = _people(session, citizen_id, data, departments, summary)
    _consents(session, citizen_id, data, actor, summary)
    meetings = _meetings(session, citizen_id, data, people, summary)
    goals = _goals(session, citizen_id, data, meetings, summary)
    _actions(session, citizen_id, data, people, goals, meetings, actor, note, summary)
    if data.contact_person and citizen.contact_person_id != people[data.contact_person]:
        session.refresh(citizen)
        citizen.contact_person_id = people[data.contact_person]
        session.add(citizen)
    session.flush()
    return summary.result()


def _people(
    session: Session, citizen_id: int, data: CitizenIn, departments: Mapping[str, int], summary: _Summary
) -> dict[str, int]:
    existing = {
        (p.kind, _key(p.name)): p
        for p in session.execute(
            select(Person).where(Person.citizen_id == citizen_id).order_by(col(Person.id).desc())
        ).scalars()
    }  # the oldest person wins a name given twice
    ids: dict[str, int] = {}
    for p in data.people:
        wanted = {name: getattr(p, name) for name in _PERSON_FIELDS}
        wanted["department_id"] = departments.get(p.department) if p.department else None
        row = existing.get((p.kind, _key(p.name)))
        if row is None:
            row = Person(citizen_id=citizen_id, name=p.name, kind=p.kind, **wanted,
                         is_coordinator=(p.title or "").casefold() == COORDINATOR_TITLE)  # fmt: skip
            session.add(row)
            session.flush()
            summary.count("people_added")
        elif values := _changed(row, wanted):
            save_versioned(session, Person, row_id=row.id, seen_version=row.version, **values)  # type: ignore[arg-type]
            summary.count("people_changed")
        ids[p.ref] = row.id  # type: ignore[assignment]
    return ids


def _consents(
    session: Session, citizen_id: int, data: CitizenIn, actor: Actor | None, summary: _Summary
) -> None:
    consents = list(session.execute(select(Consent).where(Consent.citizen_id == citizen_id)).scalars())
    parties: dict[int, list[str]] = {}
    for party in session.execute(
        select(ConsentParty)
        .where(col(ConsentParty.consent_id).in_([c.id for c in consents]))
        .order_by(col(ConsentParty.position))
    ).scalars():
        parties.setdefault(party.consent_id, []).append(_key(party.name))
    existing = {(c.given_on, tuple(sorted(parties.get(c.id, [])))): c for c in consents}  # type: ignore[arg-type]
    for c in data.consents:
        row = existing.get((c.given_on, tuple(sorted(_key(name) for name in c.parties))))
        wanted = {name: getattr(c, name) for name in _CONSENT_FIELDS}
        if row is None:
            row = Consent(citizen_id=citizen_id, given_on=c.given_on or today(), **wanted,
                          recorded_by_user_id=actor.user_id if actor else None)  # fmt: skip
            session.add(row)
            session.flush()
            session.add_all(
                ConsentParty(consent_id=row.id, name=name, position=k)  # type: ignore[arg-type]
                for k, name in enumerate(c.parties)
            )
            summary.count("consents_added")
        elif values := _changed(row, wanted):
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)
            summary.count("consents_changed")


def _meetings(
    session: Session, citizen_id: int, data: CitizenIn, people: Mapping[str, int], summary: _Summary
) -> dict[str, int]:
    by_instant = {
        _instant(m.starts_at): m
        for m in session.execute(select(Meeting).where(Meeting.citizen_id == citizen_id)).scalars()
    }
    ids: dict[str, int] = {}
    for m in data.meetings:
        row = by_instant.get(_instant(m.starts_at))
        if row is None:
            ids[m.ref] = _new_meeting(session, citizen_id, m, people)
            summary.count("meetings_added")
            continue
        wanted: dict[str, Any] = {
            "minutes": m.minutes, "place": m.place, "citizen_present": m.citizen_present
        }  # fmt: skip
        if m.status in ("held", "cancelled"):  # "planned" in a file is our draft, planned or running
            wanted["status"] = m.status
        changed = _changed(row, wanted)
        for name, value in changed.items():
            setattr(row, name, value)
        added = _add_texts(session, Decision, row.id, m.decisions) + _add_texts(  # type: ignore[arg-type]
            session, UnmetNeed, row.id, m.unmet_needs, citizen_id=citizen_id  # type: ignore[arg-type]
        )
        if changed or added:
            session.add(row)
            summary.count("meetings_changed")
        ids[m.ref] = row.id  # type: ignore[assignment]
    return ids


def _instant(moment: datetime) -> datetime:
    """Compare start times as instants (SQLite gives them back without their UTC offset)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _new_meeting(session: Session, citizen_id: int, m: MeetingIn, people: Mapping[str, int]) -> int:
    row = Meeting(
        citizen_id=citizen_id, starts_at=m.starts_at, minutes=m.minutes, place=m.place, status=m.status,
        citizen_present=m.citizen_present,
        leader_person_id=people.get(m.leader) if m.leader else None,
        note_taker_person_id=people.get(m.note_taker) if m.note_taker else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    mid: int = row.id  # type: ignore[assignment]
    session.add_all(
        MeetingParticipant(meeting_id=mid, person_id=people[ref], position=k)
        for k, ref in enumerate(m.participants)
    )
    if m.preparation is not None:
        texts: dict[str, Any] = {name: m.preparation[name] for name in PREPARATION_FIELDS}
        session.add(Preparation(meeting_id=mid, **texts))
    _add_texts(session, Decision, mid, m.decisions)
    _add_texts(session, UnmetNeed, mid, m.unmet_needs, citizen_id=citizen_id)
    return mid


def _add_texts(session: Session, model: Any, meeting_id: int, texts: list[str], **extra: Any) -> int:
    """Decisions or unmet needs whose words the meeting does not hold yet; how many were added."""
    rows = list(session.execute(select(model).where(model.meeting_id == meeting_id)).scalars())
    have = {_key(row.text) for row in rows}
    position = max((row.position for row in rows), default=-1) + 1
    added = 0
    for text in texts:
        if _key(text) not in have:
            session.add(model(meeting_id=meeting_id, text=text, position=position, **extra))
            have.add(_key(text))
            position += 1
            added += 1
    return added


def _goals(
    session: Session, citizen_id: int, data: CitizenIn, meetings: Mapping[str, int], summary: _Summary
) -> dict[str, int]:
    existing = list(
        session.execute(
            select(Goal).where(Goal.citizen_id == citizen_id).order_by(col(Goal.position), col(Goal.id))
        ).scalars()
    )
    next_position = max((g.position for g in existing), default=-1) + 1
    ids: dict[str, int] = {}
    for n, g in enumerate(data.goals):
        wanted: dict[str, Any] = {"own_words": g.own_words, "area": g.area, "status": g.status}
        if n < len(existing):
            row = existing[n]
            values = _changed(row, wanted)
            if values:
                save_versioned(session, Goal, row_id=row.id, seen_version=row.version, **values)  # type: ignore[arg-type]
                if "own_words" in values:
                    summary.line("goal_words", number=n + 1)
                if set(values) - {"own_words"}:
                    summary.count("goals_changed")
            ids[g.ref] = row.id  # type: ignore[assignment]
        else:
            row = Goal(citizen_id=citizen_id, **wanted, position=next_position,
                       created_on=g.created_on or today())  # fmt: skip
            next_position += 1
            session.add(row)
            session.flush()
            ids[g.ref] = row.id  # type: ignore[assignment]
            summary.count("goals_added")
    session.flush()
    active = session.execute(
        select(func.count()).select_from(Goal).where(Goal.citizen_id == citizen_id, Goal.status == "active")
    ).scalar_one()
    if active > MAX_ACTIVE_GOALS:  # goals the file does not name stay as they are
        raise UserError("exchange_update.too_many_active", name=data.name, max=MAX_ACTIVE_GOALS)
    _scores(session, data, ids, meetings, summary)
    return ids


def _scores(
    session: Session,
    data: CitizenIn,
    goals: Mapping[str, int],
    meetings: Mapping[str, int],
    summary: _Summary,
) -> None:
    rows = session.execute(select(GoalScore).where(col(GoalScore.goal_id).in_(list(goals.values()))))
    existing = {(s.goal_id, s.meeting_id): s for s in rows.scalars()}
    for g in data.goals:
        for s in g.scores:
            key = (goals[g.ref], meetings[s.meeting])
            row = existing.get(key)
            if row is None:
                session.add(GoalScore(goal_id=key[0], meeting_id=key[1], score=s.score, note=s.note))
                summary.count("scores_added")
            elif values := _changed(row, {"score": s.score, "note": s.note}):
                for name, value in values.items():
                    setattr(row, name, value)
                session.add(row)
                summary.count("scores_changed")


def _actions(
    session: Session,
    citizen_id: int,
    data: CitizenIn,
    people: Mapping[str, int],
    goals: Mapping[str, int],
    meetings: Mapping[str, int],
    actor: Actor | None,
    note: str,
    summary: _Summary,
) -> None:
    existing = {
        _key(a.text): a
        for a in session.execute(
            select(Action).where(Action.citizen_id == citizen_id).order_by(col(Action.id).desc())
        ).scalars()
    }
    by_user = actor.user_id if actor else None
    for a in data.actions:
        row = existing.get(_key(a.text))
        if row is None:
            session.add(
                Action(
                    citizen_id=citizen_id, goal_id=goals.get(a.goal) if a.goal else None, text=a.text,
                    owner_person_id=None if a.owner == CITIZEN_OWNER else people[a.owner],
                    owner_is_citizen=a.owner == CITIZEN_OWNER, due_on=a.due_on, status=a.status,
                    trial=a.trial, agreed_at_meeting_id=meetings.get(a.agreed_at) if a.agreed_at else None,
                    done_on=a.done_on,
                )
            )  # fmt: skip
            summary.count("actions_added")
            continue
        values = _changed(row, {"status": a.status, "due_on": a.due_on, "done_on": a.done_on})
        if not values:
            continue
        events = []
        if "status" in values:
            events.append(("status", row.status, values["status"]))
        if "due_on" in values:
            events.append(("due_moved", row.due_on, values["due_on"]))
        save_versioned(session, Action, row_id=row.id, seen_version=row.version,  # type: ignore[arg-type]
                       **values, updated_at=utcnow())  # fmt: skip
        for kind, old, new in events:
            session.add(ActionEvent(action_id=row.id, by_user_id=by_user, kind=kind,  # type: ignore[arg-type]
                                    from_value=_text(old), to_value=_text(new), note=note))  # fmt: skip
        summary.count("actions_changed")


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)
