"""Issue 25 through AppTest: Forberedelse flows forward (departments from the list, the creator on
the team, the contact person where the team is built, a suggestion that says so, a letter that
says when it is out of date), and the administrators' department list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from models import departments, invitation, invitation_letters
from models.db import session_scope
from models.plans import load_joint_plan
from models.tables import (
    AuditEvent,
    Citizen,
    ConsentParty,
    Department,
    Meeting,
    Person,
    Preparation,
    TeamMembership,
)
from tests.factories import make_actor, make_department, make_user
from tests.pages.conftest import shown_texts, text_tables
from tests.pages.test_prepare import _button, open_step

PAGE = "pages/prepare.py"


def test_a_new_citizen_with_yes_puts_the_creator_on_the_team_as_coordinator(open_page, db_url):
    with session_scope(write=True) as s:
        dep = make_department(s, name="Jobcenter")
        make_department(s, name="Psykiatrien")
        user = make_user(s, username="rasmus", full_name="Rasmus Holm", department=dep)
    at = open_page(PAGE, user=user)
    assert at.radio(key="nc-coordinator-0").value is None  # asked, no answer assumed
    assert at.selectbox(key="nc-department-0").value == "Jobcenter"  # the account's department
    at.text_input(key="nc-name-0").input("Ditte Mikkelsen")
    at.radio(key="nc-coordinator-0").set_value("yes")
    _button(at, "Opret borger").click().run()
    assert not at.exception and not at.error
    with session_scope() as s:
        citizen = s.execute(select(Citizen)).scalar_one()
        me = s.execute(select(Person)).scalar_one()
        membership = s.execute(select(TeamMembership)).scalar_one()
        audit = select(AuditEvent.action).where(AuditEvent.citizen_id == citizen.id)
        audited = set(s.execute(audit).scalars())
    assert (me.name, me.kind, me.user_id, me.is_coordinator) == ("Rasmus Holm", "professional", user.id, True)
    assert membership.person_id == me.id and {"citizen.create", "team.add", "person.add"} <= audited
    # The page now shows the citizen, and the team step lists the creator as coordinator.
    open_step(at, "3 · Team og netværk")
    table = text_tables(at)[0]
    assert table["Navn"].tolist() == ["Rasmus Holm"] and table["Afdeling"].tolist() == ["Jobcenter"]
    assert not any("koordinerende sagsbehandler" in w.value for w in at.warning)  # no "no coordinator"


def test_consent_parties_are_picked_from_the_list_and_cover_the_team_member(open_page, ditte):
    with session_scope(write=True) as s:
        citizen = s.get(Citizen, ditte.citizen.id)
        make_department(s, name="Psykiatrien")
        gone = make_department(s, name="Gammel afdeling")
        gone.retired_at = datetime.now(UTC)
        s.add(gone)
        from tests.factories import make_person

        make_person(s, citizen=citizen, name="Sara Berg", department="Psykiatrien")
    at = open_step(open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id), "2 · Samtykke")
    picker = at.multiselect(key="co-departments-0")
    # The team's own departments first, then the rest of the list; retired ones are not offered.
    assert picker.options == ["Jobcenter", "Psykiatrien"]
    assert any("Sara Berg" in w.value for w in at.warning)
    picker.set_value(["Psykiatrien"])
    at.radio(key="co-form-0").set_value("written")
    _button(at, "Registrér et samtykke").click().run()
    assert not at.exception and not at.error
    with session_scope() as s:
        party = s.execute(select(ConsentParty).order_by(ConsentParty.id.desc())).scalars().first()
        psych = s.execute(select(Department).where(Department.name == "Psykiatrien")).scalar_one()
    assert (party.name, party.department_id) == ("Psykiatrien", psych.id)
    assert not any("Sara Berg" in w.value for w in at.warning)  # covered now


def test_a_typed_department_that_is_on_the_list_is_the_lists_own(open_page, ditte):
    at = open_step(open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id), "3 · Team og netværk")
    at.text_input(key="pro-name-0").input("Ali Khan")
    at.text_input(key="pro-dep-0-other").input("  JOBCENTER ")  # "Andet (skriv selv)"
    _button(at, "Tilføj").click().run()
    assert not at.exception and not at.error
    with session_scope() as s:
        assert [d.name for d in s.execute(select(Department)).scalars()] == ["Jobcenter"]
    table = text_tables(at)[0]
    flags = dict(zip(table["Navn"], table["Samtykke"], strict=True))
    assert flags["Ali Khan"] == "✓ Dækket"  # the fixture's consent names Jobcenter


def test_a_draft_next_meeting_reads_as_a_suggestion_on_the_prepare_page(open_page, ditte):
    with session_scope(write=True) as s:
        meeting = s.execute(select(Meeting).where(Meeting.status == "planned")).scalar_one()
        meeting.status = "draft"
        meeting.starts_at = datetime(2031, 4, 9, 8, 0, tzinfo=UTC)
        meeting.leader_person_id = meeting.note_taker_person_id = ditte.coordinator.id  # needed to confirm
        s.add(meeting)
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert "Forslag: næste møde omkring 9. april 2031 — ikke aftalt endnu" in shown_texts(at)
    open_step(at, "4 · Mødet")
    assert "Forslag: næste møde omkring 9. april 2031 — ikke aftalt endnu" in shown_texts(at)
    _button(at, "Bekræft mødet").click().run()
    assert not at.error, at.error[0].value
    open_step(at, "1 · Borger")
    assert "9. april 2031 kl. 10.00" in shown_texts(at)  # confirmed: a fixed date


def _downloaded(ditte) -> int:
    """What the letter's download does at the click (ui/prepare_invitations.letter)."""
    actor = make_actor(ditte.staff_user)
    with session_scope() as s:
        meeting_id = s.execute(select(Meeting.id).where(Meeting.status == "planned")).scalar_one()
        found = invitation.load_invitation(session=s, actor=actor, citizen_id=ditte.citizen.id,
                                         meeting_id=meeting_id, purpose="invitation.export_docx")
    with session_scope(write=True) as s:
        invitation_letters.remember_download(session=s, actor=actor, invitation=found)
    return meeting_id


def test_a_letter_downloaded_before_the_preparation_changed_is_flagged_as_out_of_date(open_page, ditte):
    meeting_id = _downloaded(ditte)
    at = open_step(open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id), "7 · Invitationer")
    assert any(c.value.startswith("Brevet, du hentede kl.") and "svarer til" in c.value for c in at.caption)
    assert not any("ældre end" in w.value for w in at.warning)
    with session_scope(write=True) as s:
        prep = s.execute(select(Preparation).where(Preparation.meeting_id == meeting_id)).scalar_one()
        prep.dream = "At få et arbejde"
        s.add(prep)
    at.run()
    (warning,) = [w.value for w in at.warning if "ældre end" in w.value]
    assert "(forberedelsen er ændret). Hent et nyt." in warning
    assert "Hent brev til borgeren (Word)" in [b.label for b in at.get("download_button")]
    # A new download of the current letter: the warning goes.
    _downloaded(ditte)
    at.run()
    assert not any("ældre end" in w.value for w in at.warning)


def test_a_moved_meeting_and_a_new_participant_are_named_as_what_changed(open_page, ditte):
    meeting_id = _downloaded(ditte)
    with session_scope(write=True) as s:
        meeting = s.get(Meeting, meeting_id)
        meeting.starts_at = meeting.starts_at + timedelta(hours=1)
        s.add(meeting)
    at = open_step(open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id), "7 · Invitationer")
    (warning,) = [w.value for w in at.warning if "ældre end" in w.value]
    assert "(tidspunktet er ændret)" in warning


def test_letter_fingerprints_hold_no_text_from_the_letter(ditte):
    meeting_id = _downloaded(ditte)
    from models.tables import InvitationLetter

    with session_scope() as s:
        row = s.execute(select(InvitationLetter)).scalar_one()
        plan = load_joint_plan(session=s, actor=make_actor(ditte.staff_user), citizen_id=ditte.citizen.id)
    assert row.meeting_id == meeting_id and row.user_id == ditte.staff_user.id
    assert "huset" not in row.fingerprint and plan.citizen.name not in row.fingerprint


def test_administrators_keep_the_department_list_on_the_admin_page(open_page, ditte):
    at = open_page("pages/admin.py", user=ditte.admin)
    at.text_input(key="dep-new-name").input("Familieafdelingen")
    _button(at, "Tilføj afdeling").click().run()
    assert not at.exception and not at.error
    assert "Afdelingen Familieafdelingen er på listen." in at.success[0].value
    at.text_input(key="dep-new-name").input(" jobcenter")
    _button(at, "Tilføj afdeling").click().run()
    assert "står allerede på listen" in at.error[0].value
    with session_scope() as s:
        family = s.execute(select(Department).where(Department.name == "Familieafdelingen")).scalar_one()
    at.selectbox(key="dep-choose").set_value(family.id)
    at.text_input(key="dep-rename").input("Familie og børn")
    _button(at, "Omdøb").click().run()
    at.selectbox(key="dep-choose").set_value(family.id)
    _button(at, "Tag af listen").click().run()
    assert not at.exception
    with session_scope() as s:
        assert departments.list_departments(session=s)[0].name == "Jobcenter"
        row = s.get(Department, family.id)
    assert row.name == "Familie og børn" and row.retired_at is not None
    table = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    assert dict(zip(table["Afdeling"], table["Status"], strict=True))["Familie og børn"] == "Taget af listen"
