"""The Forberedelse page, step by step, through AppTest (logged in as a real team member)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.db import session_scope
from models.tables import Citizen, Consent, Meeting, Person, Preparation, today
from tests.factories import make_consent, make_person, make_user
from tests.pages.conftest import block_lines, choice_groups, choose_in_group, shown_texts, text_tables


def plain(text: str) -> str:
    """Messages with user text are Markdown-escaped; compare the words, not the escapes."""
    return text.replace("\\", "")


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def open_step(at, label):
    """Open a step as a click on its pill does (it keeps the label): the page builds only the open
    step's widgets."""
    at.session_state["prepare-step"] = label
    at.run()
    assert not at.exception, at.exception
    return at


def test_without_a_citizen_the_page_offers_to_create_one_and_keeps_text_on_error(open_page, db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus", full_name="Rasmus Holm")
    at = open_page("pages/prepare.py", user=user)
    assert not at.exception
    at.text_input(key="nc-name-0").input("Ditte Mikkelsen")
    at.text_input(key="nc-phone-0").input("ring mig")
    _button(at, "Opret borger").click().run()
    assert "ikke et dansk telefonnummer" in at.error[0].value
    assert at.text_input(key="nc-name-0").value == "Ditte Mikkelsen"  # nothing typed is lost
    at.text_input(key="nc-phone-0").input("12 34 56 78")
    _button(at, "Opret borger").click().run()
    assert "Svar på, om du er koordinerende sagsbehandler" in at.error[0].value  # asked, not assumed
    at.radio(key="nc-coordinator-0").set_value("no")
    _button(at, "Opret borger").click().run()
    assert not at.exception
    with session_scope() as s:
        citizen = s.execute(select(Citizen)).scalar_one()
    assert citizen.phone == "12 34 56 78"
    assert at.session_state["citizen_id"] == citizen.id
    assert "Borgeren Ditte Mikkelsen er oprettet" in at.success[0].value
    assert choice_groups(at)["prepare-steps"].options[0] == "1 · Borger"


def test_the_steps_are_one_row_of_choices_and_a_forged_choice_opens_nothing(open_page, ditte):
    """Forberedelse's seven steps (ui/choice_group.py): a choice opens that step only; a position
    the page did not show changes nothing; a language switch keeps the open step."""
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    steps = choice_groups(at)["prepare-steps"]
    assert steps.label == "Forberedelsens trin"
    assert steps.options == ("1 · Borger", "2 · Samtykke", "3 · Team og netværk", "4 · Mødet",
                             "5 · Dagsorden og roller", "6 · Borgerens forberedelse", "7 · Invitationer")
    assert steps.chosen == 0
    choose_in_group(at, "prepare-steps", 2)
    assert not at.exception, at.exception
    assert at.session_state["prepare-step"] == "3 · Team og netværk"
    assert choice_groups(at)["prepare-steps"].chosen == 2
    assert "Tilføj en fagperson" in [h.value for h in at.subheader] + [e.label for e in at.expander]
    for forged in (7, -1, "2", True, None, 1.0):
        choose_in_group(at, "prepare-steps", forged)
        assert not at.exception, (forged, at.exception)
        assert at.session_state["prepare-step"] == "3 · Team og netværk", forged
        assert choice_groups(at)["prepare-steps"].chosen == 2, forged
    at.session_state["lang"] = "en"
    at.run()
    assert choice_groups(at)["prepare-steps"].options[2] == "3 · Team and network"
    assert choice_groups(at)["prepare-steps"].chosen == 2  # the same step, in the other language


def test_step_1_edit_citizen_and_see_the_contact_person_chosen_in_step_3(open_page, ditte):
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    cid = ditte.citizen.id
    # The details are read first; the form is drawn only when unfolded.
    facts = block_lines(at)
    assert "Ditte Mikkelsen" in facts and "Ikke oplyst" in facts  # no e-mail yet
    assert f"c-email-{cid}-1" not in {w.key for w in at.text_input}
    at.session_state[f"citizen-edit-{cid}"] = True  # "Ret borgerens oplysninger", unfolded
    at.run()
    at.text_input(key=f"c-email-{cid}-1").input("ikke-en-adresse")
    _button(at, "Gem").click().run()
    assert "ikke en gyldig e-mailadresse" in at.error[0].value
    assert at.text_input(key=f"c-email-{cid}-1").value == "ikke-en-adresse"
    at.text_input(key=f"c-email-{cid}-1").input("ditte@example.dk")
    _button(at, "Gem").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [] and at.success[0].value == "Gemt."
    # Step 1 shows the contact person read-only; no picker here any more.
    assert f"contact-choice-{cid}" not in {w.key for w in at.selectbox}
    assert any(x.startswith("Rasmus Holm") for x in shown_texts(at))
    # The button opens step 3, where the contact person is chosen among the people just added.
    _button(at, "Vælg kontaktperson under 3 · Team og netværk").click().run()
    assert at.session_state["prepare-step"] == "3 · Team og netværk"
    with session_scope() as s:
        mother = s.execute(select(Person).where(Person.kind == "private")).scalar_one()
    at.selectbox(key=f"contact-choice-{cid}").set_value(mother.id)
    _button(at, "Gem kontaktperson").click().run()
    assert not at.exception
    with session_scope() as s:
        assert s.get(Citizen, cid).contact_person_id == mother.id
        assert s.get(Citizen, cid).email == "ditte@example.dk"


def test_step_1_creates_another_citizen_from_its_folded_form(open_page, ditte):
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert [e.label for e in at.expander] == ["Ret borgerens oplysninger", "Opret en ny borger"]
    assert not [w for w in at.text_input if (w.key or "").startswith("nc-")]  # folded: not drawn
    at.session_state["prep_new_citizen_open"] = True  # unfolded
    at.run()
    at.text_input(key="nc-name-0").input("Jonas Berg")
    at.radio(key="nc-coordinator-0").set_value("no")
    _button(at, "Opret borger").click().run()
    assert not at.exception and "Borgeren Jonas Berg er oprettet" in at.success[0].value
    with session_scope() as s:
        jonas = s.execute(select(Citizen).where(Citizen.name == "Jonas Berg")).scalar_one()
    assert at.session_state["citizen_id"] == jonas.id


def test_step_2_consent_is_recorded_and_a_missing_party_is_explained(open_page, ditte):
    at = open_step(open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id),
                   "2 · Samtykke")
    assert "Der er ikke gyldigt samtykke til den fælles plan" in at.warning[0].value
    at.radio(key="co-form-0").set_value("oral")
    at.text_area(key="co-scope-0").input("Alt om min angst")
    _button(at, "Registrér et samtykke").click().run()
    assert "mindst én part" in at.error[0].value
    assert at.text_area(key="co-scope-0").value == "Alt om min angst"  # kept after the error
    at.text_area(key="co-parties-0").input("Psykiatrien")  # "Andet (skriv selv)"
    _button(at, "Registrér et samtykke").click().run()
    assert not at.exception
    with session_scope() as s:
        consents = s.execute(select(Consent).order_by(Consent.id)).scalars().all()
    assert consents[-1].form == "oral" and consents[-1].scope == "Alt om min angst"
    assert at.text_area(key="co-scope-1").value == ""  # a fresh form for the next consent


def test_step_3_team_shows_consent_flags_and_adds_people(open_page, ditte):
    with session_scope(write=True) as s:
        citizen = s.get(Citizen, ditte.citizen.id)
        make_person(s, citizen=citizen, name="Sara Berg", department="Psykiatrien", title="sygeplejerske")
    at = open_step(open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id),
                   "3 · Team og netværk")
    assert any("Sara Berg: ingen gyldigt samtykke" in plain(w.value) for w in at.warning)
    table = text_tables(at)[0]
    flags = dict(zip(table["Navn"], table["Samtykke"], strict=True))
    assert flags["Sara Berg"].startswith("⚠️") and flags["Rasmus Holm"] == "✓ Dækket"
    at.text_input(key="pro-name-0").input("Ali Khan")
    assert at.selectbox(key="pro-dep-0").options == ["Jobcenter", "Psykiatrien"]  # the list
    at.selectbox(key="pro-dep-0").set_value("Jobcenter")
    at.checkbox(key="pro-deputy-0").check()
    _button(at, "Tilføj").click().run()
    assert not at.exception
    at.text_input(key="pri-name-0").input("Bo Bisidder")
    at.text_input(key="pri-rel-0").input("bisidder")
    [b for b in at.button if b.label == "Tilføj"][1].click().run()
    with session_scope() as s:
        ali = s.execute(select(Person).where(Person.name == "Ali Khan")).scalar_one()
        bo = s.execute(select(Person).where(Person.name == "Bo Bisidder")).scalar_one()
    assert ali.is_deputy and bo.kind == "private" and bo.relation == "bisidder"


def _schedule(at, ditte, *, leader, notes):
    at.text_input(key="m-place-0-0").input("Rådhuset")
    at.multiselect(key="m-people-0-0").set_value([ditte.coordinator.id, *leader, *notes])
    at.selectbox(key="m-leader-0-0").set_value(ditte.coordinator.id)
    at.selectbox(key="m-notes-0-0").set_value(ditte.coordinator.id)
    _button(at, "Gem som udkast").click().run()


def test_step_4_to_7_draft_warning_confirm_and_invitations(open_page, ditte):
    # Ditte's coming meeting from the fixture is removed, so the page plans a new one.
    with session_scope(write=True) as s:
        for m in s.execute(select(Meeting).where(Meeting.status == "planned")).scalars():
            m.status = "cancelled"
            s.add(m)
    at = open_step(open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id),
                   "4 · Mødet")
    assert any("Forslag ud fra rytmen (3 møder om året)" in c.value for c in at.caption)
    at.selectbox(key="m-leader-0-0").set_value(ditte.coordinator.id)
    _button(at, "Gem som udkast").click().run()
    assert "Skriv et sted eller et videolink" in at.error[0].value
    _schedule(at, ditte, leader=[], notes=[])
    assert not at.exception
    assert any("både mødeleder og referent" in w.value for w in at.warning)
    assert any("Udkast – ikke bekræftet" in w.value for w in at.warning)
    open_step(at, "7 · Invitationer")
    assert any("Bekræft det i trin 4" in i.value for i in at.info)  # no downloads for a draft
    assert not any(b.label.startswith("Hent") for b in at.get("download_button"))
    # 5. the default agenda sums to the meeting's length
    open_step(at, "5 · Dagsorden og roller")
    assert any(m.label == "I alt 60 af 60 minutter." for m in at.metric)
    # 6. the citizen's preparation, verbatim
    with session_scope() as s:
        meeting = s.execute(select(Meeting).where(Meeting.status == "draft")).scalar_one()
    words = "  Jeg vil kunne tage bussen alene 🚌\nog hente min datter  "
    open_step(at, "6 · Borgerens forberedelse")
    at.text_input(key=f"prep-mm0-{meeting.id}-0").input("Min datter")
    at.text_area(key=f"prep-dream-{meeting.id}-0").input(words)
    _button(at, "Gem borgerens forberedelse").click().run()
    with session_scope() as s:
        prep = s.execute(select(Preparation).where(Preparation.meeting_id == meeting.id)).scalar_one()
    assert prep.dream == words and prep.matters_most == "Min datter"
    # 4. confirm; 7. downloads offered
    open_step(at, "4 · Mødet")
    _button(at, "Bekræft mødet").click().run()
    assert not at.exception
    assert any(s.value.startswith("Mødet er bekræftet.") for s in at.success)
    open_step(at, "7 · Invitationer")
    assert [b.label for b in at.get("download_button")] == [
        "Hent kalenderfil (.ics)", "Hent brev til borgeren (Word)"]


def test_step_5_agenda_over_length_is_flagged(open_page, ditte):
    at = open_step(open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id),
                   "5 · Dagsorden og roller")
    with session_scope() as s:
        meeting = s.execute(select(Meeting).where(Meeting.status == "planned")).scalar_one()
    # The fixture's meeting has no agenda: use the default, then make one item too long.
    _button(at, "Brug standarddagsordenen for det gode møde").click().run()
    assert any(m.label == "I alt 60 af 60 minutter." for m in at.metric)
    at.number_input(key=f"ag-min-{meeting.version + 1}-0").set_value(30)
    _button(at, "Gem dagsorden").click().run()
    assert not at.exception
    assert "25 minutter længere end mødet" in at.error[0].value


def test_step_6_a_stale_preparation_keeps_the_citizens_text(open_page, ditte):
    at = open_step(open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id),
                   "6 · Borgerens forberedelse")
    with session_scope(write=True) as s:
        meeting = s.execute(select(Meeting).where(Meeting.status == "planned")).scalar_one()
        prep = s.execute(select(Preparation).where(Preparation.meeting_id == meeting.id)).scalar_one()
        prep.dream = "Skrevet af en anden"
        prep.version += 1
        s.add(prep)
    key = f"prep-dream-{meeting.id}-1"
    at.text_area(key=key).input("Mine egne ord")
    _button(at, "Gem borgerens forberedelse").click().run()
    assert "En anden har gemt" in at.error[0].value
    assert at.text_area(key=key).value == "Mine egne ord"


def test_step_7_uncovered_professionals_are_left_out_and_told_why(open_page, ditte):
    with session_scope(write=True) as s:
        citizen = s.get(Citizen, ditte.citizen.id)
        sara = make_person(s, citizen=citizen, name="Sara Berg", department="Psykiatrien",
                           email="sara@region.dk")
        meeting = s.execute(select(Meeting).where(Meeting.status == "planned")).scalar_one()
        from models.tables import MeetingParticipant

        s.add(MeetingParticipant(meeting_id=meeting.id, person_id=sara.id, position=9))
        make_consent(s, citizen=citizen, kind="joint_plan", parties=(), given_on=today() - timedelta(days=1))
    at = open_step(open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id),
                   "7 · Invitationer")
    assert any("Udeladt på grund af manglende samtykke: Sara Berg" in plain(w.value) for w in at.warning)
    receivers = next(t.value for t in at.text if "Rasmus Holm" in t.value and "Lone" in t.value)
    assert "Sara" not in receivers
    open_step(at, "2 · Samtykke")
    assert any("Der er gyldigt samtykke til den fælles plan" in x.value for x in at.success)


def test_only_the_open_step_is_built_and_the_choice_survives_reruns(open_page, ditte):
    """Only the open step is built: hidden steps build no widgets (that is what keeps a click fast)."""
    cid = ditte.citizen.id
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=cid)
    assert list(choice_groups(at)["prepare-steps"].options) == [
        "1 · Borger", "2 · Samtykke", "3 · Team og netværk", "4 · Mødet", "5 · Dagsorden og roller",
        "6 · Borgerens forberedelse", "7 · Invitationer"]
    assert choice_groups(at)["prepare-steps"].chosen == 0
    at.session_state[f"citizen-edit-{cid}"] = True  # the citizen's form, unfolded
    at.run()
    assert f"c-name-{cid}-1" in {w.key for w in at.text_input} and len(at.text_area) == 0
    open_step(at, "2 · Samtykke")
    assert not any(w.key.startswith("c-name") for w in at.text_input)
    assert at.text_area(key="co-parties-0").value == ""
    at.run()  # a plain rerun (any click) keeps the step open
    assert at.session_state["prepare-step"] == "2 · Samtykke" and len(at.text_area) == 2
    # The labels are translated; a language switch keeps the open step all the same. (Step 6, not
    # 2: AppTest formats a radio's value outside the run, in Danish, on the run after the switch.)
    open_step(at, "6 · Borgerens forberedelse")
    preparation_fields = len(at.text_area)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert choice_groups(at)["prepare-steps"].options[0] == "1 · Citizen"
    assert choice_groups(at)["prepare-steps"].chosen == 5 and len(at.text_area) == preparation_fields
    open_step(at, "1 · Citizen")  # back in step 1: the details, the form folded again
    assert "Ditte Mikkelsen" in block_lines(at) and not any(w.key.startswith("c-name") for w in at.text_input)
