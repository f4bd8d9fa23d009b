"""Consent ("samtykke"): whether a consent holds on a given day.

Decisions (tested in tests/models/test_consent.py):
- a consent is valid from `given_on` (inclusive); before that it is "not_given";
- `expires_on` is the day it stops holding: on the expiry day itself it is "expired";
- a withdrawal holds from `withdrawn_on` (inclusive) and wins over everything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from sqlmodel import Session

from models import departments
from models.access import Actor, authorize
from models.errors import NotFound, UserError
from models.tables import CONSENT_FORMS, CONSENT_KINDS, Consent, ConsentParty
from models.text import clean_name, clean_optional, parse_date


class ConsentStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    NOT_GIVEN = "not_given"


def consent_status(
    *, given_on: date, expires_on: date | None, withdrawn_on: date | None, on: date
) -> ConsentStatus:
    if withdrawn_on is not None and withdrawn_on <= on:
        return ConsentStatus.WITHDRAWN
    if on < given_on:
        return ConsentStatus.NOT_GIVEN
    if expires_on is not None and expires_on <= on:
        return ConsentStatus.EXPIRED
    return ConsentStatus.VALID


# --- Recording consent ----------------------------------------------------------------------
#
# A consent is never overwritten: recording makes a new row, withdrawal only sets the date.
# The joint-plan consent is the citizen's yes to having a plan at all; a sharing consent names
# the parties (departments or outside bodies) that may share what the scope says.

MAX_PARTIES = 30


@dataclass(frozen=True)
class ConsentSaved:
    id: int
    citizen_id: int


def _clean_parties(parties: object) -> list[str]:
    if isinstance(parties, str):
        parties = [part for line in parties.splitlines() for part in line.split(",")]
    if not isinstance(parties, list | tuple):
        raise UserError("before.error.parties_required")
    names: list[str] = []
    seen: set[str] = set()
    for raw in parties:
        name = clean_name(raw, field="parter", required=False)
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
            if len(names) > MAX_PARTIES:  # refuse at once: 10,000 lines must not cost seconds
                raise UserError("before.error.too_many_parties", max=MAX_PARTIES)
    return names


def _department_id(session: Session, name: str) -> int | None:
    found = departments.match(session, name)
    return found.id if found is not None else None


def record_consent(
    *,
    session: Session,
    actor: Actor | None,
    citizen_id: int,
    kind: str,
    parties: object,
    scope: object,
    form: str | None,
    given_on: object,
    expires_on: object = None,
) -> ConsentSaved:
    """Record a consent as the citizen gave it. A sharing consent must name at least one party."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="consent.record", entity="consent")
    if kind not in CONSENT_KINDS:
        raise UserError("before.error.bad_consent_kind")
    if form not in CONSENT_FORMS:
        raise UserError("before.error.consent_form_required")
    names = _clean_parties(parties)
    if kind == "sharing" and not names:
        raise UserError("before.error.parties_required")
    given = parse_date(given_on, field="givet")
    if given is None:
        raise UserError("error.required", field="givet")
    expires = parse_date(expires_on, field="udløber")
    if expires is not None and expires <= given:
        raise UserError("before.error.expiry_before_given")
    consent = Consent(
        citizen_id=citizen_id,
        kind=kind,
        scope=clean_optional(scope, field="omfang"),
        given_on=given,
        expires_on=expires,
        form=form,
        recorded_by_user_id=actor.user_id if actor else None,
    )
    session.add(consent)
    session.flush()
    assert consent.id is not None
    # A party that is a department on the list keeps its id, so the consent covers that
    # department by construction (and after a rename); anything else is an outside body by name.
    session.add_all(
        ConsentParty(
            consent_id=consent.id, name=name, position=n, department_id=_department_id(session, name)
        )
        for n, name in enumerate(names)
    )
    session.flush()
    return ConsentSaved(id=consent.id, citizen_id=citizen_id)


def withdraw_consent(
    *, session: Session, actor: Actor | None, consent_id: int, withdrawn_on: object
) -> ConsentSaved:
    """Record that the citizen withdrew a consent from a date (as easy as recording it)."""
    consent = session.get(Consent, consent_id) if isinstance(consent_id, int) else None
    if consent is None:
        raise NotFound("consent")
    authorize(session, actor=actor, citizen_id=consent.citizen_id, action="consent.withdraw",
              entity="consent", entity_id=consent_id)
    day = parse_date(withdrawn_on, field="tilbagekaldt")
    if day is None:
        raise UserError("error.required", field="tilbagekaldt")
    if consent.withdrawn_on is not None:
        raise UserError("before.error.already_withdrawn")
    if day < consent.given_on:
        raise UserError("before.error.withdrawn_before_given")
    consent.withdrawn_on = day
    session.add(consent)
    session.flush()
    return ConsentSaved(id=consent_id, citizen_id=consent.citizen_id)


# --- Coverage: which professionals may receive the citizen's information on a day ------------


class ConsentLike(Protocol):
    """models.plans.ConsentView has these (plans imports this module, so no import back).

    `party_department_ids` (optional, parallel to `parties`): the list's department a party was
    picked from, or None for a party named only by text."""

    @property
    def kind(self) -> str: ...
    @property
    def parties(self) -> tuple[str, ...]: ...
    @property
    def given_on(self) -> date: ...
    @property
    def expires_on(self) -> date | None: ...
    @property
    def withdrawn_on(self) -> date | None: ...


class PersonLike(Protocol):
    """models.plans.PersonView (and, optionally, its `department_id`)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def department(self) -> str | None: ...
    @property
    def removed_on(self) -> date | None: ...


def _key(name: str) -> str:
    return departments.name_key(name)


@dataclass(frozen=True)
class Coverage:
    """What valid sharing consents cover on a day: departments by id (picked from the list) and
    parties by normalised name (typed, or recorded before the list existed)."""

    department_ids: frozenset[int]
    names: frozenset[str]

    def covers(self, person: PersonLike) -> bool:
        department_id = getattr(person, "department_id", None)
        if department_id is not None and department_id in self.department_ids:
            return True
        return person.department is not None and _key(person.department) in self.names


def coverage(consents: Iterable[ConsentLike], *, on: date) -> Coverage:
    """One pass over the consents: a party with a department id covers exactly that department
    (whatever it is called now); a party without one covers the department of that name."""
    ids: set[int] = set()
    names: set[str] = set()
    for c in consents:
        if c.kind != "sharing" or consent_status(
            given_on=c.given_on, expires_on=c.expires_on, withdrawn_on=c.withdrawn_on, on=on
        ) is not ConsentStatus.VALID:
            continue
        party_ids = tuple(getattr(c, "party_department_ids", ()) or ())
        for n, party in enumerate(c.parties):
            department_id = party_ids[n] if n < len(party_ids) else None
            if department_id is None:
                names.add(_key(party))
            else:
                ids.add(department_id)
    return Coverage(department_ids=frozenset(ids), names=frozenset(names))


def is_covered(person: PersonLike, consents: Iterable[ConsentLike], *, on: date) -> bool:
    """Private network members are the citizen's own people: consent to sharing between
    authorities is about professionals. A professional without a department is never covered."""
    if person.kind != "professional":
        return True
    return coverage(consents, on=on).covers(person)


def uncovered_people(
    *, people: Iterable[PersonLike], consents: Iterable[ConsentLike], on: date
) -> tuple[PersonLike, ...]:
    """The active professionals whose department no valid sharing consent names on `on`.

    They are flagged wherever they appear, and nothing carrying the citizen's information
    (the citizen's preparation, the plan, the calendar invitation) goes to them.
    """
    covered = coverage(list(consents), on=on)
    return tuple(
        p
        for p in people
        if p.kind == "professional" and (p.removed_on is None or p.removed_on > on) and not covered.covers(p)
    )


def has_joint_plan_consent(consents: Iterable[ConsentLike], *, on: date) -> bool:
    return any(
        c.kind == "joint_plan"
        and consent_status(given_on=c.given_on, expires_on=c.expires_on, withdrawn_on=c.withdrawn_on, on=on)
        is ConsentStatus.VALID
        for c in consents
    )
