"""Consent gate (issue 8, point 9): what carries the citizen's information (the invitation, the
calendar file, the letter) never goes to a professional no valid sharing consent covers.

A professional from Psykiatrien is invited with a written status; Psykiatrien's consent is
missing, expired, withdrawn, not yet given, of the wrong kind, or ends before the meeting day.
Each state on each path (models.invitation.load_invitation, exports.calendar, exports.invitation):
left out, no e-mail in the calendar file, no written status passed on; with a valid consent
(the control) they are in.
"""

from __future__ import annotations

import io
from datetime import timedelta

import docx
import pytest
from sqlalchemy import select

from exports.calendar import build_meeting_ics
from exports.invitation import build_invitation_docx
from models.access import Actor
from models.db import session_scope
from models.invitation import load_invitation
from models.tables import MeetingParticipant, today, utcnow
from tests.factories import make_citizen, make_consent, make_meeting, make_membership, make_person, make_user

PSYK_EMAIL = "psyk.behandler@region.example"
PSYK_STATUS = "Skriftlig status fra psykiatrien om medicin"
DAY = timedelta(days=1)

PSYK = ("Psykiatrien",)
STATES = {
    "missing": lambda c, s: None,
    "expired": lambda c, s: make_consent(s, citizen=c, parties=PSYK, given_on=today() - 400 * DAY,
                                          expires_on=today() - DAY),
    "withdrawn": lambda c, s: make_consent(s, citizen=c, parties=PSYK, withdrawn_on=today() - DAY),
    "not yet given": lambda c, s: make_consent(s, citizen=c, parties=PSYK, given_on=today() + 30 * DAY),
    "out of scope: another party": lambda c, s: make_consent(s, citizen=c, parties=("Psykiatrisk afd.",)),
    "out of scope: joint plan only": lambda c, s: make_consent(s, citizen=c, kind="joint_plan", parties=PSYK),
    "out of scope: ends before the meeting": lambda c, s: make_consent(s, citizen=c, parties=PSYK,
                                                                       expires_on=today() + 3 * DAY),
}  # fmt: skip


def _scene(state):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s, email="ditte@example.dk")
        coordinator = make_person(s, citizen=citizen, user=user, department="Jobcenter", is_coordinator=True,
                                  email="rasmus@kommune.example")  # fmt: skip
        psyk = make_person(s, citizen=citizen, name="Pia Psyk", department="Psykiatrien", email=PSYK_EMAIL,
                           phone="+45 99 88 77 66")  # fmt: skip
        make_membership(s, citizen=citizen, user=user, person=coordinator)
        make_consent(s, citizen=citizen, parties=("Jobcenter",))
        if state == "valid":
            make_consent(s, citizen=citizen, parties=("Psykiatrien",))
        else:
            STATES[state](citizen, s)
        meeting = make_meeting(s, citizen=citizen, status="planned", participants=(coordinator, psyk),
                               starts_at=(utcnow() + 7 * DAY).replace(microsecond=0))  # fmt: skip
        row = s.execute(
            select(MeetingParticipant).where(
                MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.person_id == psyk.id)
        ).scalar_one()  # fmt: skip
        row.written_status = PSYK_STATUS
    return Actor.from_user(user), citizen.id, meeting.id


def _paths(state):
    actor, citizen_id, meeting_id = _scene(state)
    with session_scope() as s:
        invitation = load_invitation(session=s, actor=actor, citizen_id=citizen_id, meeting_id=meeting_id,
                                     purpose="invitation.export_ics")  # fmt: skip
    ics = build_meeting_ics(invitation).decode()
    letter = docx.Document(io.BytesIO(build_invitation_docx(invitation)))
    letter_text = "\n".join(p.text for p in letter.paragraphs) + "\n".join(
        cell.text for table in letter.tables for row in table.rows for cell in row.cells
    )
    return invitation, ics, letter_text


@pytest.mark.parametrize("state", sorted(STATES))
def test_an_uncovered_professional_gets_nothing_on_any_path(db_url, state):
    invitation, ics, letter = _paths(state)
    # the invitation itself
    assert [p.name for p in invitation.invited] == ["Rasmus Holm"]
    assert [p.name for p in invitation.left_out] == ["Pia Psyk"]
    assert all(PSYK_STATUS not in status for _, status in invitation.written_statuses)
    # the calendar file goes to everyone on it: no address, no name of hers
    assert PSYK_EMAIL not in ics and "Pia Psyk" not in ics.replace("\r\n ", "")
    assert "rasmus@kommune.example" in ics
    # the letter to the citizen names her only to ask about consent, never with her contact details
    assert PSYK_EMAIL not in letter and "99 88 77 66" not in letter and PSYK_STATUS not in letter
    assert letter.count("Pia Psyk") == 1


def test_with_a_valid_consent_she_is_invited_the_control(db_url):
    invitation, ics, letter = _paths("valid")
    assert {p.name for p in invitation.invited} == {"Rasmus Holm", "Pia Psyk"}
    assert invitation.left_out == ()
    assert PSYK_EMAIL in ics.replace("\r\n ", "")


# --- Plan copies: the Word plan goes to no professional that no valid consent covers ---------

PLAN_STATES = {k: v for k, v in STATES.items() if k != "out of scope: ends before the meeting"}


def _psyk_user_scene(state):
    """Pia from Psykiatrien has a user account on Ditte's team; Psykiatrien's consent is `state`."""
    with session_scope(write=True) as s:
        pia = make_user(s, username="pia")
        admin = make_user(s, username="admin", role="admin")
        citizen = make_citizen(s)
        psyk = make_person(s, citizen=citizen, name="Pia Psyk", department="Psykiatrien", user=pia)
        make_membership(s, citizen=citizen, user=pia, person=psyk)
        make_consent(s, citizen=citizen, parties=("Jobcenter",))
        if state == "valid":
            make_consent(s, citizen=citizen, parties=PSYK)
        else:
            PLAN_STATES[state](citizen, s)
    return Actor.from_user(pia), Actor.from_user(admin), citizen.id


@pytest.mark.parametrize("state", list(PLAN_STATES))
def test_no_plan_copy_for_a_professional_no_valid_consent_covers(db_url, state):
    from models.errors import UserError
    from models.exchange import plan_for_word_export
    from models.plans import load_plan_for_export
    from models.tables import AuditEvent

    pia, admin, citizen_id = _psyk_user_scene(state)
    for export in (load_plan_for_export, plan_for_word_export):  # the page's and the CLI's door
        with pytest.raises(UserError) as refused, session_scope(write=True) as s:
            export(session=s, actor=pia, citizen_id=citizen_id)
        assert refused.value.key == "consent.not_covered_copy"
    with session_scope(write=True) as s:  # an administrator is no receiving party of the citizen's
        assert load_plan_for_export(session=s, actor=admin, citizen_id=citizen_id).citizen.id == citizen_id
    with session_scope() as s:
        outcomes = s.execute(
            select(AuditEvent.outcome).where(AuditEvent.user_id == pia.user_id,
                                             AuditEvent.action == "plan.export_docx")
        ).scalars().all()  # fmt: skip
    assert outcomes == ["denied", "denied"]


def test_a_covered_professional_gets_the_plan_copy(db_url):
    from models.plans import load_plan_for_export

    pia, _, citizen_id = _psyk_user_scene("valid")
    with session_scope(write=True) as s:
        assert load_plan_for_export(session=s, actor=pia, citizen_id=citizen_id).citizen.id == citizen_id
