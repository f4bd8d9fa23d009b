"""Mødet, the leader's control panel: each step through AppTest, the one timeline, the add forms
that save once and clear, the early-start question, the close rules and the stale-version refusal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from models.db import session_scope
from models.meeting_mode import STEP_KINDS
from models.tables import (
    COPENHAGEN,
    Action,
    Citizen,
    Decision,
    Goal,
    GoalScore,
    Meeting,
    MeetingParticipant,
    PlanVersion,
    UnmetNeed,
    today,
)
from models.text import TEXT_MAX
from tests.factories import make_goal
from tests.pages.conftest import action_rows, block_lines, choice_groups, choose_in_group, current_step, press
from ui.meeting_attendance import ATTENDANCE_OPTIONS

PAGE = "pages/meeting.py"
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")  # fmt: skip


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
    """Text people typed, as st.text or in a text block (ui/text_block.py)."""
    return [t.value for t in at.text] + block_lines(at)


def _captions(at):
    return [c.value for c in at.caption] + block_lines(at, "caption")


def _start(at):
    """Ditte's meeting is planned a week ahead: starting it today asks first (point 7)."""
    at.button(key="meet_open").click().run()
    at.button(key="meet_open_early").click().run()
    assert not at.exception
    return at


def _step(at, step):
    """Pick the agenda item of this step (the default agenda is the six steps, in order) in the
    agenda's row of steps (ui/choice_group.py): the pick moves the meeting there."""
    choose_in_group(at, "meet-steps", STEP_KINDS.index(step))
    assert not at.exception
    assert current_step(at).startswith(f"{STEP_KINDS.index(step) + 1} ")  # the meeting is there


def _unfold_new_goal(at):
    """Unfold "Nyt mål" (folded while the citizen has goals: drawn only when unfolded, issue 16)."""
    at.session_state["meet_new_goal_open"] = True
    at.run()
    assert not at.exception


def test_before_opening_the_citizens_name_contact_and_words_are_on_top(at):
    assert block_lines(at, "heading")[0] == "Ditte Mikkelsen"
    texts = _texts(at)
    assert "At komme ud af huset hver dag." in texts  # her prepared words
    assert any("Rasmus Holm" in t for t in texts)  # her contact person
    assert at.button(key="meet_open")
    # Before the start there is no timeline to move along: attendance only, no picker.
    assert current_step(at) is None and "meet-controls" not in action_rows(at)
    assert at.subheader[0].value == "1 Fremmøde"
    # No "Borgervisning" and no compact toggle: this is the leader's panel, the room has its screen.
    assert not [x for x in at.toggle if x.key in ("meet_citizen_view", "meet_compact")]


def test_opening_starts_the_agenda_and_speaking_time_is_stored(at, ditte):
    _start(at)
    meeting = _meeting(ditte)
    assert meeting.opened_at is not None and meeting.current_agenda_position == 0
    assert "Velkomst og formål med mødet" in _texts(at)
    # Only those present can be given the word: the leader marks Rasmus present first.
    assert "Rasmus Holm" not in [a.text for a in action_rows(at)["meet-controls"]]
    choose_in_group(at, f"meet_att_{ditte.coordinator.id}", ATTENDANCE_OPTIONS.index("present"))
    press(at, "meet-controls", "Ditte Mikkelsen")
    press(at, "meet-controls", "Rasmus Holm")
    assert not at.exception
    meeting = _meeting(ditte)
    assert meeting.speaker_person_id == ditte.coordinator.id and not meeting.speaker_is_citizen
    assert meeting.total_speaking_seconds >= meeting.citizen_speaking_seconds >= 0
    press(at, "meet-controls", "Næste punkt")
    assert "Status på aftalerne fra sidst" in _texts(at)  # the second item of the routine


def test_the_choice_groups_show_their_choices_and_a_forged_choice_saves_nothing(at, ditte):
    """Who is here and the 0-10 scale are ui/choice_group.py groups: each named (for a screen
    reader: whose attendance), its options in words, the saved one chosen; a position the group did
    not show (out of range, not a number, a boolean) changes nothing."""
    _start(at)
    group = choice_groups(at)[f"meet_att_{ditte.coordinator.id}"]
    assert group.label == f"Fremmøde: {ditte.coordinator.name}"
    assert group.options == ("Til stede", "Afbud", "Ikke kommet", "Inviteret")
    assert group.chosen == ATTENDANCE_OPTIONS.index("invited")
    for forged in (4, -1, "0", True, None, 1.0):
        choose_in_group(at, f"meet_att_{ditte.coordinator.id}", forged)
        assert not at.exception
    meeting_id = _meeting(ditte).id
    with session_scope() as s:
        rows = s.exec(select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting_id)).all()
    assert {row.attendance for row in rows} <= {None, "invited"}
    choose_in_group(at, f"meet_att_{ditte.coordinator.id}", 0)
    assert choice_groups(at)[f"meet_att_{ditte.coordinator.id}"].chosen == 0
    _step(at, "goals")
    [scale] = [g for key, g in choice_groups(at).items() if key.startswith("meet_score_")]
    assert scale.label == "Hvor er du nu? (0–10)" and scale.options == tuple(str(n) for n in range(11))
    assert scale.chosen is None
    goal_id = _scales(at)[0]

    def scores() -> int:
        with session_scope() as s:
            return len(s.exec(select(GoalScore).where(GoalScore.goal_id == goal_id)).all())

    before = scores()
    for forged in (11, -1, "3", True):
        choose_in_group(at, f"meet_score_{goal_id}", forged)
    assert scores() == before
    choose_in_group(at, f"meet_score_{goal_id}", 10)
    assert choice_groups(at)[f"meet_score_{goal_id}"].chosen == 10


def test_attendance_and_a_written_status_save_at_once(at, ditte):
    _start(at)
    with session_scope() as s:
        mother_id = s.exec(
            select(MeetingParticipant.person_id).where(MeetingParticipant.person_id != ditte.coordinator.id)
        ).first()
    choose_in_group(at, f"meet_att_{ditte.coordinator.id}", ATTENDANCE_OPTIONS.index("present"))
    choose_in_group(at, f"meet_att_{mother_id}", ATTENDANCE_OPTIONS.index("apologies"))
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
    # Ditte has goals: "Nyt mål" is folded and its fields are not drawn until it is unfolded.
    assert [e.label for e in at.expander if e.label == "Nyt mål"] == ["Nyt mål"]
    assert not [a for a in at.text_area if (a.key or "").startswith("meet_new_goal_words")]
    _unfold_new_goal(at)
    at.text_area(key="meet_new_goal_words_0").input("Jeg vil lære at cykle på Ærø 🚲")
    at.selectbox(key="meet_new_goal_area_0").set_value("daily_life")
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    assert not at.exception
    with session_scope() as s:
        goal = s.exec(select(Goal).where(Goal.own_words == "Jeg vil lære at cykle på Ærø 🚲")).one()
    choose_in_group(at, f"meet_score_{goal.id}", 3)
    at.text_input(key=f"meet_step_up_{goal.id}").input("Cykle til bageren").run()
    with session_scope() as s:
        score = s.exec(select(GoalScore).where(GoalScore.goal_id == goal.id)).one()
    assert (score.score, score.next_step) == (3, "Cykle til bageren")
    # Ditte's first goal shows the previous score (4) next to today's.
    assert any("Sidst: 4 af 10" in c for c in _captions(at))
    assert at.text_area(key="meet_new_goal_words_1").value == ""  # the box is empty after the save
    at.text_area(key="meet_new_goal_words_1").input("Mål to")  # Ditte's first, the bicycle, this: three
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    at.text_area(key="meet_new_goal_words_2").input("Mål fire")
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    assert any("Vælg, hvilket mål der skal holde pause" in e.value for e in at.error)
    assert at.text_area(key="meet_new_goal_words_2").value == "Mål fire"  # the words are kept
    at.selectbox(key="meet_new_goal_pause_2").set_value(goal.id)  # the form's third generation
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    with session_scope() as s:
        assert s.get(Goal, goal.id).status == "paused"
        assert len(s.exec(select(Goal).where(Goal.status == "active")).all()) == 3


def test_professional_notes_are_on_the_panel_marked_for_professionals(at, ditte):
    """Changed on purpose (issue 17, point 4): the room sees the room screen, so the panel shows
    the professional note at once, under a "Kun for fagfolk" caption, with no toggle."""
    with session_scope(write=True) as s:
        goal = s.exec(select(Goal)).first()
        goal.professional_note = "Intern: afventer lægeerklæring"
        s.add(goal)
    _start(at)
    _step(at, "goals")
    assert "Intern: afventer lægeerklæring" in _texts(at)
    assert any(c.startswith("Kun for fagfolk") for c in _captions(at))


def test_a_stale_goal_edit_is_refused_in_danish_and_the_text_is_kept(at, ditte):
    _start(at)
    _step(at, "goals")
    with session_scope() as s:
        goal = s.exec(select(Goal)).first()
    assert not [a for a in at.text_area if a.key == f"meet_goal_words_{goal.id}"]  # folded: not drawn
    press(at, f"meet-goal-words-{goal.id}", "Ret målet")  # its fields are drawn
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


def _gen(at, form="ag"):
    key = f"meet_{form}_gen"
    return at.session_state[key] if key in at.session_state else 0  # noqa: SIM401 - AppTest's state has no get()


def _add_agreement(at, text, owner=None, due=None):
    at.text_area(key=f"meet_new_ag_text_{_gen(at)}").input(text)
    if owner is not None:
        at.selectbox(key=f"meet_new_ag_owner_{_gen(at)}").set_value(owner)
    if due is not None:
        at.date_input(key=f"meet_new_ag_due_{_gen(at)}").set_value(due)
    at.button(key="FormSubmitter:meet_new_agreement-Tilføj aftale").click().run()
    assert not at.exception


def test_close_is_refused_while_an_agreement_is_unfinished_then_closes(at, ditte):
    _start(at)
    _step(at, "agreements")
    assert any("selv og skal have med" in m.value for m in [*at.markdown, *at.warning])  # the load
    _add_agreement(at, "Søge om cykelhjelm")  # no owner, no date: unfinished
    assert any("Ikke færdig" in m.value for m in at.markdown)
    _step(at, "decisions")
    at.text_area(key="meet_new_decision_0").input("Ditte får en mentor fra januar")
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


def test_an_unmet_need_is_recorded_without_switching_anything(at, ditte):
    """Changed on purpose (issue 17, point 4): no "Borgervisning" to switch off first."""
    _start(at)
    _step(at, "decisions")
    at.text_area(key="meet_new_need_0").input("Ingen betaler kørsel til praktik")
    at.button(key="FormSubmitter:meet_need_form-Tilføj uløst behov").click().run()
    assert "Ingen betaler kørsel til praktik" in _texts(at)
    assert at.text_area(key="meet_new_need_1").value == ""


def test_an_outsider_sees_a_refusal_and_nothing_else(open_page, ditte):
    at = open_page(PAGE, user=ditte.outsider, citizen_id=ditte.citizen.id)
    assert not at.exception
    # The sidebar never offers a citizen outside the team; a forged id shows nothing of her.
    assert "At komme ud af huset hver dag." not in _texts(at)
    assert "Ditte Mikkelsen" not in block_lines(at, "heading")


# --- Issue 17: one timeline, add forms that save once, starting early, speaking time ---------


def test_next_item_and_the_step_picker_are_one_control(at, ditte):
    _start(at)
    press(at, "meet-controls", "Næste punkt")
    meeting = _meeting(ditte)
    assert meeting.current_agenda_position == 1 and current_step(at) == "2 Status på aftaler"
    assert at.subheader[0].value == "Status på sidste gangs aftaler"  # the panel shows step 2
    _step(at, "agreements")  # picking a step moves the meeting's position (the room screen follows)
    assert _meeting(ditte).current_agenda_position == 3
    assert "Nye aftaler – og hvem der har ansvaret" in _texts(at)  # the clock strip says so too
    press(at, "meet-controls", "Næste punkt")
    assert current_step(at) == "5 Beslutninger" and _meeting(ditte).current_agenda_position == 4


def test_starting_early_asks_first_and_the_meeting_records_the_day_it_was_held(at, ditte):
    planned = _meeting(ditte, status="planned").starts_at
    at.button(key="meet_open").click().run()
    question = [m.value for m in at.markdown if "Start det nu?" in m.value]
    day = f"{planned.astimezone(COPENHAGEN).day}. {MONTHS[planned.astimezone(COPENHAGEN).month - 1]}"
    assert question == [f"Mødet er planlagt til {day}. Start det nu?"]
    at.button(key="meet_open_wait").click().run()  # "Nej, vent": nothing happens
    assert _meeting(ditte, status="planned") is not None and at.button(key="meet_open")
    _start(at)
    held_on = _meeting(ditte).starts_at.astimezone(COPENHAGEN).date()
    assert held_on == today()  # the plan and the Word plan now carry the day it was held


def _scales(at):
    """The goals whose 0-10 scale is drawn, by id."""
    keys = choice_groups(at)
    return [int(key.removeprefix("meet_score_")) for key in keys if key.startswith("meet_score_")]


def test_one_goal_at_a_time_has_its_scale_and_the_leader_moves_it(open_page, ditte):
    with session_scope(write=True) as s:
        second = make_goal(
            s, citizen=s.get(Citizen, ditte.citizen.id), own_words="Jeg vil sove om natten", position=10**9
        )  # after the first
        first = s.exec(select(Goal).where(Goal.id != second.id)).one()
        first_id, second_id = first.id, second.id
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    _start(at)
    _step(at, "goals")
    assert _scales(at) == [first_id]  # the first goal not scored at this meeting
    assert action_rows(at)[f"meet-goal-words-{second_id}"][0].text == "Skalér dette mål"
    choose_in_group(at, f"meet_score_{first_id}", 7)
    assert _scales(at) == [first_id]  # the scale stays where it was used (arrow keys keep their place)
    press(at, f"meet-goal-words-{second_id}", "Skalér dette mål")
    assert not at.exception and _scales(at) == [second_id]
    # The first goal now says today's score in words, with a way back to its scale.
    assert any("I dag: 7 af 10" in c for c in _captions(at))
    assert action_rows(at)[f"meet-goal-words-{first_id}"][0].text == "Ret dagens skalering"
    assert not any("Ikke skaleret i dag" in c for c in _captions(at))  # the second has the scale
    choose_in_group(at, f"meet_score_{second_id}", 2)
    today_id = _meeting(ditte).id
    with session_scope() as s:
        scores = {g.goal_id: g for g in s.exec(select(GoalScore).where(GoalScore.meeting_id == today_id))}
    assert scores[first_id].score == 7 and scores[second_id].score == 2
    # The first goal's next step, typed while the scale is on the second: saved with its 7.
    at.text_input(key=f"meet_step_up_{first_id}").input("Søge to praktikpladser").run()
    assert not at.exception and _scales(at) == [second_id]
    with session_scope() as s:
        query = select(GoalScore).where(GoalScore.goal_id == first_id, GoalScore.meeting_id == today_id)
        saved = s.exec(query).one()
    assert (saved.score, saved.next_step) == (7, "Søge to praktikpladser")
    press(at, f"meet-goal-words-{first_id}", "Ret dagens skalering")
    assert _scales(at) == [first_id] and choice_groups(at)[f"meet_score_{first_id}"].chosen == 7


def test_a_citizen_without_goals_finds_the_new_goal_form_unfolded(open_page, ditte):
    with session_scope(write=True) as s:
        for score in s.exec(select(GoalScore)).all():
            s.delete(score)
        for action in s.exec(select(Action).where(Action.goal_id.is_not(None))).all():  # type: ignore[union-attr]
            action.goal_id = None
        s.flush()
        for goal in s.exec(select(Goal).where(Goal.citizen_id == ditte.citizen.id)).all():
            s.delete(goal)
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    _start(at)
    _step(at, "goals")
    at.text_area(key="meet_new_goal_words_0").input("Mit første mål")
    at.button(key="FormSubmitter:meet_new_goal-Tilføj mål").click().run()
    assert not at.exception and [s.value for s in at.success] == ["Målet er gemt."]
    # After the first goal the form stays open for the next, with an empty box.
    assert at.text_area(key="meet_new_goal_words_1").value == ""


@pytest.mark.parametrize(
    ("form", "text_key", "submit", "table"),
    [
        ("goal", "meet_new_goal_words", "FormSubmitter:meet_new_goal-Tilføj mål", Goal),
        ("ag", "meet_new_ag_text", "FormSubmitter:meet_new_agreement-Tilføj aftale", Action),
        ("decision", "meet_new_decision", "FormSubmitter:meet_decision_form-Tilføj beslutning", Decision),
        ("need", "meet_new_need", "FormSubmitter:meet_need_form-Tilføj uløst behov", UnmetNeed),
    ],
)
def test_an_add_form_clears_after_saving_and_a_resubmit_or_rerun_saves_nothing_more(
    at, ditte, form, text_key, submit, table
):
    _start(at)
    _step(at, {"goal": "goals", "ag": "agreements"}.get(form, "decisions"))
    if form == "goal":
        _unfold_new_goal(at)
    words = "Ditte tager bussen alene til Solsikken 🚌"
    with session_scope() as s:
        before = len(s.exec(select(table)).all())
    at.text_area(key=f"{text_key}_0").input(words)
    at.button(key=submit).click().run()
    assert not at.exception and at.text_area(key=f"{text_key}_1").value == ""  # the box is empty
    at.run()  # a rerun
    # The browser resubmits the same form generation (a double click, a resent message): the
    # submission carries generation 0 again, with its words.
    at.session_state[f"meet_{form}_gen"] = 0
    at.session_state[f"meet_{form}_saved_at"] = None
    at.run()
    at.text_area(key=f"{text_key}_0").input(words)
    at.button(key=submit).click().run()
    assert not at.exception and not at.error
    with session_scope() as s:
        rows = s.exec(select(table)).all()
    assert len(rows) == before + 1


def test_a_double_clicks_second_click_on_the_emptied_form_is_quiet(at, ditte):
    _start(at)
    _step(at, "decisions")
    at.text_area(key="meet_new_decision_0").input("Ditte får en mentor fra januar")
    submit = at.button(key="FormSubmitter:meet_decision_form-Tilføj beslutning")
    submit.click().run()
    at.button(key="FormSubmitter:meet_decision_form-Tilføj beslutning").click().run()  # on the empty form
    assert not at.error
    with session_scope() as s:
        made = s.exec(select(Decision).where(Decision.text == "Ditte får en mentor fra januar")).all()
    assert len(made) == 1


def test_a_refused_save_keeps_the_text_with_a_danish_error(at, ditte):
    _start(at)
    _step(at, "agreements")
    too_long = "Lone kører Ditte til det første besøg. " + "x" * TEXT_MAX
    at.text_area(key="meet_new_ag_text_0").input(too_long)
    at.button(key="FormSubmitter:meet_new_agreement-Tilføj aftale").click().run()
    assert [e.value for e in at.error if "for lang" in e.value]  # the Danish sentence
    assert at.text_area(key="meet_new_ag_text_0").value == too_long  # same generation, text kept
    with session_scope() as s:
        assert not s.exec(select(Action).where(Action.text == too_long)).all()


def test_the_speaking_time_box_tells_one_truth(at, ditte):
    _start(at)
    # One line under the agenda's, as the browser shows it (ui/meeting_clock.py).
    assert "Borgerens taletid · Ingen har fået ordet endnu." in block_lines(at, "caption")
    press(at, "meet-controls", "Ditte Mikkelsen")
    said = block_lines(at, "caption")
    assert "Borgerens taletid · Ordet har: Ditte Mikkelsen" in said
    assert not any("Ingen har fået ordet endnu." in line for line in said)


def test_a_score_has_min_plans_picture_drawn_ahead_so_its_next_view_draws_nothing(
    open_page, ditte, monkeypatch
):
    """The goals step asks the drawing process for Min plan's picture of the new scores
    (ui/progress_chart.py); Min plan's next view then finds it drawn: nothing is drawn, here or
    in that process, on the view."""
    from ui import chart_drawer

    drawer = chart_drawer._Drawer()
    monkeypatch.setattr(chart_drawer, "_DRAWER", drawer)
    try:
        at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
        _start(at)
        _step(at, "goals")
        [goal_id] = _scales(at)
        choose_in_group(at, f"meet_score_{goal_id}", 9)
        assert not at.exception
        pictures = list(drawer._pictures.values())
        assert pictures and all(p.result(timeout=30).startswith("<svg") for p in pictures)

        def not_again(*_: object) -> None:
            raise AssertionError("Min plan drew its picture on the view")

        monkeypatch.setattr(drawer, "_send", not_again)
        monkeypatch.setattr(chart_drawer, "_convert", not_again)
        shown = open_page("pages/my_plan.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
        assert not shown.exception
        (image,) = [image for element in shown.get("image") for image in element.proto.imgs]
        assert image.alt.startswith("Graf: dine mål")
        in_words = [line for line in block_lines(shown) if line.startswith("Mål 1: ")]
        assert in_words and "9 den " in in_words[0]  # the picture and its words have today's score
    finally:
        if drawer._child is not None:
            drawer._child.kill()
            drawer._child.wait()
