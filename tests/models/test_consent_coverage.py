"""Recording and withdrawing consent, and which professionals no valid consent covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.access import Actor
from models.consent import (
    ConsentStatus,
    has_joint_plan_consent,
    is_covered,
    record_consent,
    uncovered_people,
    withdraw_consent,
)
from models.db import session_scope
from models.errors import UserError
from models.people import create_citizen
from models.plans import load_joint_plan
from models.tables import AuditEvent
from tests.factories import make_user

DAY = timedelta(days=1)
TODAY = date(2026, 11, 22)


@dataclass(frozen=True)
class P:
    id: int
    kind: str
    department: str | None
    removed_on: date | None = None


@dataclass(frozen=True)
class C:
    parties: tuple[str, ...]
    given_on: date
    expires_on: date | None = None
    withdrawn_on: date | None = None
    kind: str = "sharing"


JOB = P(1, "professional", "Jobcenter")
SOCIAL = P(2, "professional", "Socialafdelingen")
MOTHER = P(3, "private", None)
NO_DEPARTMENT = P(4, "professional", None)


@pytest.mark.parametrize(
    ("consent", "uncovered"),
    [
        (C(("Jobcenter",), TODAY), {2, 4}),  # given today covers today
        (C(("Jobcenter",), TODAY - 90 * DAY, expires_on=TODAY), {1, 2, 4}),  # the expiry day itself
        (C(("Jobcenter",), TODAY - 90 * DAY, expires_on=TODAY + DAY), {2, 4}),  # expires tomorrow
        (C(("Jobcenter",), TODAY - 90 * DAY, withdrawn_on=TODAY - DAY), {1, 2, 4}),  # withdrawn yesterday
        (C(("Jobcenter",), TODAY - 90 * DAY, withdrawn_on=TODAY + DAY), {2, 4}),  # withdrawal not yet
        (C(("Jobcenter",), TODAY + DAY), {1, 2, 4}),  # future start: not given yet
        (C(("  jobcenter ", "SOCIALAFDELINGEN"), TODAY), {4}),  # case and spacing do not matter
        (C(("Jobcenter",), TODAY, kind="joint_plan"), {1, 2, 4}),  # a plan consent shares nothing
    ],
)
def test_uncovered_people_on_a_day(consent, uncovered):
    people = [JOB, SOCIAL, MOTHER, NO_DEPARTMENT]
    assert {p.id for p in uncovered_people(people=people, consents=[consent], on=TODAY)} == uncovered
    assert is_covered(MOTHER, [consent], on=TODAY)  # the private network is the citizen's own


def test_a_removed_professional_is_not_flagged_and_no_consent_means_everyone_is():
    gone = P(5, "professional", "Jobcenter", removed_on=TODAY - DAY)
    assert uncovered_people(people=[JOB, gone], consents=[], on=TODAY) == (JOB,)


def test_one_valid_consent_is_enough_even_beside_a_withdrawn_one():
    old = C(("Jobcenter",), TODAY - 400 * DAY, withdrawn_on=TODAY - 100 * DAY)
    new = C(("Jobcenter",), TODAY - 10 * DAY)
    assert uncovered_people(people=[JOB], consents=[old, new], on=TODAY) == ()


def test_joint_plan_consent_at_a_glance():
    assert has_joint_plan_consent([C((), TODAY, kind="joint_plan")], on=TODAY)
    assert not has_joint_plan_consent([C((), TODAY, expires_on=TODAY, kind="joint_plan")], on=TODAY)
    assert not has_joint_plan_consent([C(("Jobcenter",), TODAY)], on=TODAY)


@pytest.fixture
def setup(db_url):
    with session_scope(write=True) as s:
        actor = Actor.from_user(make_user(s, username="rasmus"))
        citizen_id = create_citizen(session=s, actor=actor, name="Ditte Mikkelsen").id
    return actor, citizen_id


def test_recording_and_withdrawing_keeps_history_and_is_audited(setup):
    actor, citizen_id = setup
    with session_scope(write=True) as s:
        saved = record_consent(
            session=s, actor=actor, citizen_id=citizen_id, kind="sharing",
            parties="Jobcenter\nSocialafdelingen, Jobcenter", scope="Oplysninger om helbred og job.",
            form="oral", given_on=TODAY - 30 * DAY, expires_on=TODAY + 300 * DAY,
        )
        withdraw_consent(session=s, actor=actor, consent_id=saved.id, withdrawn_on=TODAY - DAY)
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=actor, citizen_id=citizen_id)
        actions = [a.action for a in s.execute(select(AuditEvent)).scalars()]
    (consent,) = plan.consents
    assert consent.parties == ("Jobcenter", "Socialafdelingen")  # duplicates dropped, order kept
    assert consent.form == "oral" and consent.scope == "Oplysninger om helbred og job."
    assert consent.status(TODAY) is ConsentStatus.WITHDRAWN
    assert consent.status(TODAY - 2 * DAY) is ConsentStatus.VALID  # history: it held before
    assert {"consent.record", "consent.withdraw"} <= set(actions)
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        withdraw_consent(session=s, actor=actor, consent_id=saved.id, withdrawn_on=TODAY)
    assert caught.value.key == "before.error.already_withdrawn"


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"parties": ""}, "before.error.parties_required"),  # sharing with nobody is no consent
        ({"form": None}, "before.error.consent_form_required"),
        ({"given_on": None}, "error.required"),
        ({"expires_on": TODAY - 30 * DAY}, "before.error.expiry_before_given"),  # expiry == given
        ({"given_on": "22-11-2026"}, "error.bad_date"),
        ({"kind": "alt"}, "before.error.bad_consent_kind"),
    ],
)
def test_bad_consent_input_is_refused_in_danish(setup, values, key):
    actor, citizen_id = setup
    arguments = {"kind": "sharing", "parties": "Jobcenter", "scope": "", "form": "written",
                 "given_on": TODAY - 30 * DAY, "expires_on": None, **values}
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        record_consent(session=s, actor=actor, citizen_id=citizen_id, **arguments)
    assert caught.value.key == key


def test_withdrawal_before_the_consent_was_given_is_refused(setup):
    actor, citizen_id = setup
    with session_scope(write=True) as s:
        saved = record_consent(session=s, actor=actor, citizen_id=citizen_id, kind="joint_plan",
                               parties=[], scope=None, form="written", given_on=TODAY)
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        withdraw_consent(session=s, actor=actor, consent_id=saved.id, withdrawn_on=TODAY - DAY)
    assert caught.value.key == "before.error.withdrawn_before_given"
