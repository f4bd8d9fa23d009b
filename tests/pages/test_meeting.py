"""Mødet: each step through AppTest, the close rules, and the stale-version refusal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import Action, Decision, Goal, GoalScore, Meeting, MeetingParticipant, PlanVersion, today

PAGE = "pages/meeting.py"


@pytest.fixture
def at(open_page, ditte):
    page = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not page.exception
    return page


def _meeting(ditte, status="in_progress"):
    with session_scope() as s:
        return s.exec(
            select(Meeting).where(Meeting.citizen_id == ditte.citizen.id, Meeting.status == status)
        ).first()


def _texts(at):
    return [t.value for t in at.text]


def _start(at):
    at.button(key="meet_open").click().run()
    assert not at.exception
    return at


def _step(at, step):
    at.radio(key="meet_step").set_value(step).run()
    assert not at.exception


def test_before_opening_the_citizens_name_contact_and_words_are_on_top(at):
    assert at.header[0].value == "Ditte Mikkelsen"
    texts = _texts(at)
    assert "At komme ud af huset hver dag." in texts  # her prepared words
    assert any("Rasmus Holm" in t for t in texts)  # her contact person
    assert at.button(key="meet_open")
    assert [o for o in at.radio(key="meet_step").options] == ["1 Fremmøde"]


def test_opening_starts_the_agenda_and_speaking_time_is_stored(at, ditte):
    _start(at)
    meeting = _meeting(ditte)
    assert meeting.opened_at is not None and meeting.current_agenda_position == 0
    assert "Velkomst og formål med mødet" in _texts(at)
    # Only those present can be given the word: the leader marks Rasmus present first.
    assert not [b for b in at.button if b.key == f"meet_speaker_{ditte.coordinator.id}"]
    at.radio(key=f"meet_att_{ditte.coordinator.id}").set_value("present").run()
    at.button(key="meet_speaker_citizen").click().run()
    at.button(key=f"meet_speaker_{ditte.coordinator.id}").click().run()
    assert not at.exception
    meeting = _meeting(ditte)
    assert meeting.speaker_person_id == ditte.coordinator.id and not meeting.speaker_is_citizen
    assert meeting.total_speaking_seconds >= meeting.citizen_speaking_seconds >= 0
    at.button(key="meet_next_item").click().run()
    assert "Borgerens egne ord: hvad er vigtigst nu" in _texts(at)  # the second item of the routine


def test_attendance_and_a_written_status_save_at_once(at, ditte):
    _start(at)
    with session_scope() as s:
        mother_id = s.exec(
            select(MeetingParticipant.person_id).where(MeetingParticipant.person_id != ditte.coordinator.id)
        ).first()
    at.radio(key=f"meet_att_{ditte.coordinator.id}").set_value("present").run()
    at.radio(key=f"meet_att_{mother_id}").set_value("apologies").run()
    at.text_area(key=f"meet_ws_{mother_id}").input("Ditte har det bedre – hun sover om natten.").run()
    assert not at.exception
    meeting = _meeting(ditte)
    with session_scope() as s:
        rows = {
            r.person_id: r
            for r in s.exec(select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting.id))
        }
    assert rows[ditte.coordinator.id].attendance == "present"
    assert rows[mother_id].written_status == "Ditte har det bedre – hun sover om natten."
    _step(at, "status")
    assert "Ditte har det bedre – hun sover om natten." in _texts(at)  # in the status round


def test_status_round_marks_an_earlier_agreement_done(at, ditte):
    _start(at)
    _step(at, "status")
    with session_scope() as s:
        action = s.exec(select(Action).where(Action.owner_is_citizen)).first()
    at.radio(key=f"meet_rv_{action.id}_outcome").set_value("done")
    at.text_input(key=f"meet_rv_{action.id}_note").input("Hun ringede i går")
    at.button(key=f"FormSubmitter:meet_review_form_{action.id}-{'Registrér'}").click().run()
    assert not at.exception
    with session_scope() as s:
        assert s.get(Action, action.id).status == "done"


def test_a_new_goal_with_a_score_and_the_fourth_goal_asks_which_to_pause(at, ditte):
    _start(at)
    _step(at, "goals")
    at.text_area(key="meet_new_goal_words").input("Jeg vil lære at cykle på Ærø 🚲")
    at.selectbox(key="meet_new_goal_area_0").set_value("daily_life")
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    assert not at.exception
    with session_scope() as s:
        goal = s.exec(select(Goal).where(Goal.own_words == "Jeg vil lære at cykle på Ærø 🚲")).one()
    at.radio(key=f"meet_score_{goal.id}").set_value(3).run()
    at.text_input(key=f"meet_step_up_{goal.id}").input("Cykle til bageren").run()
    with session_scope() as s:
        score = s.exec(select(GoalScore).where(GoalScore.goal_id == goal.id)).one()
    assert (score.score, score.next_step) == (3, "Cykle til bageren")
    # Ditte's first goal shows the previous score (4) next to today's.
    assert any("Sidst: 4 af 10" in c.value for c in at.caption)
    for words in ("Mål to",):  # Ditte's first goal, the bicycle, and this one: three
        at.text_area(key="meet_new_goal_words").input(words)
        at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    at.text_area(key="meet_new_goal_words").input("Mål fire")
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    assert any("Vælg, hvilket mål der skal holde pause" in e.value for e in at.error)
    assert at.text_area(key="meet_new_goal_words").value == "Mål fire"  # the words are kept
    at.selectbox(key="meet_new_goal_pause_2").set_value(goal.id)  # the form's third generation
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    with session_scope() as s:
        assert s.get(Goal, goal.id).status == "paused"
        assert len(s.exec(select(Goal).where(Goal.status == "active")).all()) == 3


def test_professional_notes_show_only_outside_the_citizen_view(at, ditte):
    with session_scope(write=True) as s:
        goal = s.exec(select(Goal)).first()
        goal.professional_note = "Intern: afventer lægeerklæring"
        s.add(goal)
    _start(at)
    _step(at, "goals")
    assert "Intern: afventer lægeerklæring" not in _texts(at)
    at.toggle(key="meet_citizen_view").set_value(False).run()
    assert "Intern: afventer lægeerklæring" in _texts(at)


def test_a_stale_goal_edit_is_refused_in_danish_and_the_text_is_kept(at, ditte):
    _start(at)
    _step(at, "goals")
    with session_scope() as s:
        goal = s.exec(select(Goal)).first()
    # Someone else saves the goal on another device after this screen loaded it.
    with session_scope(write=True) as s:
        row = s.get(Goal, goal.id)
        row.own_words, row.version = "Den andens tekst", row.version + 1
        s.add(row)
    at.text_area(key=f"meet_goal_words_{goal.id}").input("Min nye tekst ✍️").run()
    assert any("En anden har gemt en ændring her" in w.value for w in [*at.warning, *at.error])
    assert at.text_area(key=f"meet_goal_words_{goal.id}").value == "Min nye tekst ✍️"
    with session_scope() as s:
        assert s.get(Goal, goal.id).own_words == "Den andens tekst"
    at.button(key=f"meet_keep_{goal.id}").click().run()  # knowingly keep mine
    with session_scope() as s:
        assert s.get(Goal, goal.id).own_words == "Min nye tekst ✍️"


def _gen(at):
    return at.session_state["meet_ag_gen"] if "meet_ag_gen" in at.session_state else 0  # noqa: SIM401 - AppTest's state has no get()


def _add_agreement(at, text, owner=None, due=None):
    at.text_area(key="meet_new_ag_text").input(text)
    if owner is not None:
        at.selectbox(key=f"meet_new_ag_owner_{_gen(at)}").set_value(owner)
    if due is not None:
        at.date_input(key=f"meet_new_ag_due_{_gen(at)}").set_value(due)
    at.button(key="FormSubmitter:meet_new_agreement-Tilføj aftale").click().run()
    assert not at.exception


def test_close_is_refused_while_an_agreement_is_unfinished_then_closes(at, ditte):
    _start(at)
    _step(at, "agreements")
    assert any("aftaler selv" in m.value for m in [*at.markdown, *at.warning])  # the citizen's load
    _add_agreement(at, "Søge om cykelhjelm")  # no owner, no date: unfinished
    assert any("Ikke færdig" in m.value for m in at.markdown)
    _step(at, "decisions")
    at.text_area(key="meet_new_decision").input("Ditte får en mentor fra januar")
    at.button(key="FormSubmitter:meet_decision_form-Tilføj beslutning").click().run()
    _step(at, "close")
    assert at.button(key="meet_close").disabled
    assert any("mangler en ansvarlig eller en dato" in w.value for w in at.warning)
    _step(at, "agreements")
    with session_scope() as s:
        action = s.exec(select(Action).where(Action.text == "Søge om cykelhjelm")).one()
    at.selectbox(key=f"meet_ag_{action.id}_owner").set_value("citizen").run()
    at.date_input(key=f"meet_ag_{action.id}_due").set_value(today() + timedelta(days=14)).run()
    assert not at.exception
    _step(at, "close")
    assert at.button(key="meet_close").disabled  # the citizen has not answered yet
    at.radio(key="meet_response").set_value("disagree")
    at.text_area(key="meet_disagreement").input("Jeg vil ikke have mentor før efter jul.")
    at.button(key="FormSubmitter:meet_response_form-Gem svaret").click().run()
    assert not at.button(key="meet_close").disabled
    at.button(key="meet_close").click().run()
    assert not at.exception
    assert any("Planversion 1 er gemt" in s.value for s in at.success)
    with session_scope() as s:
        version = s.exec(select(PlanVersion)).one()
        held = s.get(Meeting, version.meeting_id)
        drafts = s.exec(select(Meeting).where(Meeting.status == "draft")).all()
        assert [d.text for d in s.exec(select(Decision).where(Decision.meeting_id == held.id))] == [
            "Ditte får en mentor fra januar"
        ]
    assert held.status == "held" and held.citizen_disagreement == "Jeg vil ikke have mentor før efter jul."
    assert len(drafts) == 1
    snapshot = json.loads(version.snapshot_json)
    assert "Søge om cykelhjelm" in [a["text"] for a in snapshot["actions"]]
    assert at.button(key="meet_open")  # the screen moved on to the next (draft) meeting


def test_unmet_needs_are_hidden_in_the_citizen_view(at, ditte):
    _start(at)
    _step(at, "decisions")
    assert not [f for f in at.text_area if f.key == "meet_new_need"]
    at.toggle(key="meet_citizen_view").set_value(False).run()
    at.text_area(key="meet_new_need").input("Ingen betaler kørsel til praktik")
    at.button(key="FormSubmitter:meet_need_form-Tilføj uløst behov").click().run()
    assert "Ingen betaler kørsel til praktik" in _texts(at)


def test_an_outsider_sees_a_refusal_and_nothing_else(open_page, ditte):
    at = open_page(PAGE, user=ditte.outsider, citizen_id=ditte.citizen.id)
    assert not at.exception
    # The sidebar never offers a citizen outside the team; a forged id shows nothing of her.
    assert "At komme ud af huset hver dag." not in _texts(at)
    assert not at.header or at.header[0].value != "Ditte Mikkelsen"


def test_compact_mode_renders(at):
    at.toggle(key="meet_compact").set_value(True).run()
    assert not at.exception
