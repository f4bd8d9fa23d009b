import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models.access import Actor
from models.actions import create_agreement
from models.db import session_scope
from models.errors import AccessDenied, StaleVersion, UserError
from models.formatting import local
from models.meeting_mode import (
    LOAD_WARN_AGREEMENTS,
    LOAD_WARN_PEOPLE,
    STEP_KINDS,
    MeetingPosition,
    add_decision,
    add_unmet_need,
    agenda_progress,
    citizen_load,
    close_meeting,
    earlier_open_agreements,
    give_word,
    go_to_agenda_item,
    load_meeting_screen,
    meeting_position,
    next_agenda_item,
    open_meeting,
    opens_early,
    record_citizen_response,
    review_agreement,
    set_attendance,
    set_citizen_present,
    speaking_time,
    unfinished_agreements,
)
from models.meeting_timeline import step_kinds, still_at_step
from models.plans import load_joint_plan
from models.tables import (
    Action,
    ActionEvent,
    AgendaItem,
    AuditEvent,
    Meeting,
    MeetingParticipant,
    PlanVersion,
    today,
)
from tests.factories import (
    make_action,
    make_citizen,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 10.00 in Copenhagen


@pytest.fixture
def team(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        outsider = make_user(s, username="olga")
        citizen = make_citizen(s)
        rasmus = make_person(s, citizen=citizen, name="Rasmus Holm", user=user, department="Jobcenter")
        mother = make_person(s, citizen=citizen, name="Lone Mikkelsen", kind="private", relation="mor")
        nurse = make_person(s, citizen=citizen, name="Pia Bech", department="Sundhed")
        make_membership(s, citizen=citizen, user=user, person=rasmus)
        held = make_meeting(s, citizen=citizen, status="held", starts_at=T0 - timedelta(days=120))
        earlier = make_action(s, citizen=citizen, owner=rasmus, agreed_at=held, text="Finde praktik")
        meeting = make_meeting(s, citizen=citizen, status="planned", starts_at=T0,
                               participants=(rasmus, mother, nurse))
    return {"actor": Actor.from_user(user), "outsider": Actor.from_user(outsider), "citizen": citizen,
            "rasmus": rasmus, "mother": mother, "nurse": nurse, "held": held, "meeting": meeting,
            "earlier": earlier}


def _screen(team, meeting_id=None):
    with session_scope() as s:
        return load_meeting_screen(session=s, actor=team["actor"], citizen_id=team["citizen"].id,
                                   meeting_id=meeting_id)


def _open(team, now=T0):
    with session_scope(write=True) as s:
        return open_meeting(session=s, actor=team["actor"], meeting_id=team["meeting"].id, seen_version=1,
                            now=now)


def _write(fn, team, **kwargs):
    with session_scope(write=True) as s:
        return fn(session=s, actor=team["actor"], meeting_id=team["meeting"].id, **kwargs)


def test_opening_starts_the_clock_and_a_default_agenda(team):
    _open(team)
    meeting = _screen(team).meeting
    assert (meeting.status, meeting.opened_at) == ("in_progress", T0)
    assert len(meeting.agenda) == 6  # the good meeting's routine (models.agenda.default_agenda)
    assert sum(i.minutes for i in meeting.agenda) == 60  # the routine fills the hour
    assert meeting.agenda[0].started_at == T0
    with pytest.raises(UserError) as caught:
        _open(team)  # a running meeting cannot be opened again
    assert caught.value.key in ("meet.error.not_openable", "error.stale_version")


def test_attendance_with_a_written_status(team):
    _write(set_attendance, team, person_id=team["rasmus"].id, attendance="present")
    _write(set_attendance, team, person_id=team["nurse"].id, attendance="apologies",
           written_status="Medicinen er justeret; det går bedre.\x00")
    _write(set_citizen_present, team, present=True)
    screen = _screen(team)
    assert [a.name for a in screen.present] == ["Rasmus Holm"]
    assert screen.apologies[0].written_status == "Medicinen er justeret; det går bedre."
    assert screen.meeting.citizen_present is True
    with pytest.raises(UserError):
        _write(set_attendance, team, person_id=team["rasmus"].id, attendance="asleep")


def test_someone_from_another_citizen_cannot_be_marked_present(team):
    with session_scope(write=True) as s:
        stranger = make_person(s, citizen=make_citizen(s, name="Bo"), name="Fremmed")
    with pytest.raises(UserError):
        _write(set_attendance, team, person_id=stranger.id, attendance="present")


def test_agenda_moves_on_and_shows_time_over_gently(team):
    _open(team)
    progress = agenda_progress(_screen(team).meeting, now=T0 + timedelta(minutes=8))
    # The welcome's time box is 5 of the 60 minutes; 8 minutes is over time.
    assert (progress.elapsed_seconds, progress.time_box_seconds, progress.over_time) == (480, 300, True)
    _write(next_agenda_item, team, now=T0 + timedelta(minutes=8))
    meeting = _screen(team).meeting
    progress = agenda_progress(meeting, now=T0 + timedelta(minutes=10))
    assert progress.current.position == meeting.agenda[1].position
    assert (progress.elapsed_seconds, progress.over_time, progress.done_count) == (120, False, 1)
    assert progress.meeting_elapsed_seconds == 600
    for _ in range(len(meeting.agenda) - 1):
        _write(next_agenda_item, team, now=T0 + timedelta(minutes=50))
    assert agenda_progress(_screen(team).meeting, now=T0).current is None  # all items done


def test_speaking_time_is_added_per_click_and_stored(team):
    _open(team)
    _write(give_word, team, to_citizen=True, now=T0)
    _write(give_word, team, person_id=team["rasmus"].id, now=T0 + timedelta(seconds=90))
    talk = _write(give_word, team, to_citizen=True, now=T0 + timedelta(seconds=120))
    assert (talk.citizen_seconds, talk.total_seconds) == (90, 120)
    live = speaking_time(_screen(team).meeting, now=T0 + timedelta(seconds=180))
    assert (live.citizen_seconds, live.total_seconds) == (150, 180)  # the running turn counts
    assert live.citizen_share == pytest.approx(150 / 180)
    _write(give_word, team, now=T0 + timedelta(seconds=180))  # a pause stops the clock
    with session_scope() as s:
        row = s.get(Meeting, team["meeting"].id)
    assert (row.citizen_speaking_seconds, row.total_speaking_seconds, row.speaker_since) == (150, 180, None)


def test_speaking_needs_a_running_meeting(team):
    with pytest.raises(UserError) as caught:
        _write(give_word, team, to_citizen=True)
    assert caught.value.key == "meet.error.not_running"


@pytest.mark.parametrize(
    ("outcome", "kwargs", "status", "event"),
    [
        ("done", {"note": "Praktik hos Solsikken"}, "done", "status"),
        ("running", {"new_due_on": today() + timedelta(days=30), "note": "Venter på svar"},
         "open", "due_moved"),
        ("changed", {"text": "Finde praktik i en vuggestue", "owner_is_citizen": True,
                     "new_due_on": today() + timedelta(days=10)}, "open", "edited"),
        ("dropped", {"note": "Ditte vil hellere i skole"}, "cancelled", "status"),
    ],
)
def test_status_round_uses_the_agreement_rules(team, outcome, kwargs, status, event):
    _open(team)
    plan = _screen(team).plan
    assert [a.id for a in earlier_open_agreements(plan, team["meeting"].id)] == [team["earlier"].id]
    _write(review_agreement, team, action_id=team["earlier"].id, seen_version=1, outcome=outcome, **kwargs)
    with session_scope() as s:
        action = s.get(Action, team["earlier"].id)
        kinds = s.exec(select(ActionEvent.kind).where(ActionEvent.meeting_id == team["meeting"].id)).all()
    assert action.status == status
    assert event in kinds
    assert team["earlier"].id in _screen(team).meeting.reviewed_action_ids


def test_dropping_needs_a_reason_and_an_old_version_is_refused(team):
    _open(team)
    with pytest.raises(UserError) as caught:
        _write(review_agreement, team, action_id=team["earlier"].id, seen_version=1, outcome="dropped")
    assert caught.value.key == "agreement.reason_required"
    _write(review_agreement, team, action_id=team["earlier"].id, seen_version=1, outcome="done")
    with pytest.raises(StaleVersion):
        _write(review_agreement, team, action_id=team["earlier"].id, seen_version=1, outcome="done")


def test_decisions_and_unmet_needs(team):
    _open(team)
    _write(add_decision, team, text="Ditte får en mentor 🙂")
    _write(add_unmet_need, team, text="Ingen har hjemmel til at betale kørsel til praktikken.")
    meeting = _screen(team).meeting
    assert [d.text for d in meeting.decisions] == ["Ditte får en mentor 🙂"]
    assert [n.text for n in meeting.unmet_needs] == ["Ingen har hjemmel til at betale kørsel til praktikken."]
    with pytest.raises(UserError):
        _write(add_decision, team, text="  ")


def test_the_citizens_load_counts_agreements_and_people_in_four_weeks(team):
    with session_scope(write=True) as s:
        for n in range(LOAD_WARN_AGREEMENTS - 1):
            make_action(s, citizen=team["citizen"], owner_is_citizen=True, text=f"Borgerens aftale {n}")
        make_action(s, citizen=team["citizen"], owner=team["nurse"], due_on=today() + timedelta(days=27))
        make_action(s, citizen=team["citizen"], owner=team["mother"], due_on=today() + timedelta(days=60))
        make_action(s, citizen=team["citizen"], owner=team["mother"], status="done")
    load = citizen_load(_screen(team).plan)
    # Rasmus (the earlier agreement) and Pia within four weeks; Lone's is later or done.
    assert (load.agreements, load.people) == (LOAD_WARN_AGREEMENTS - 1, 2)
    assert not load.warning
    with session_scope(write=True) as s:
        make_action(s, citizen=team["citizen"], owner_is_citizen=True, text="Én til")
    assert citizen_load(_screen(team).plan).too_many_agreements
    assert LOAD_WARN_PEOPLE > 2


def _agree(team):
    meeting = _screen(team).meeting
    _write(record_citizen_response, team, seen_version=meeting.version, agrees=True)


def test_an_unfinished_agreement_stops_the_close(team):
    _open(team)
    with session_scope(write=True) as s:
        saved = create_agreement(session=s, actor=team["actor"], citizen_id=team["citizen"].id,
                                 text="Ringe til Solsikken", meeting_id=team["meeting"].id)
    _agree(team)
    assert [a.id for a in unfinished_agreements(_screen(team).plan, team["meeting"].id)] == [saved.id]
    with pytest.raises(UserError) as caught:
        _write(close_meeting, team)
    assert caught.value.key == "meet.error.unfinished"
    with session_scope() as s:
        assert s.get(Meeting, team["meeting"].id).status == "in_progress"
        assert s.exec(select(PlanVersion)).all() == []


def test_the_citizen_must_answer_and_a_disagreement_needs_their_words(team):
    _open(team)
    _write(set_citizen_present, team, present=True)
    with pytest.raises(UserError) as caught:
        _write(close_meeting, team)
    assert caught.value.key == "meet.error.response_needed"
    version = _screen(team).meeting.version
    with pytest.raises(UserError) as caught:
        _write(record_citizen_response, team, seen_version=version, agrees=False, disagreement=" ")
    assert caught.value.key == "meet.error.disagreement_required"
    _write(record_citizen_response, team, seen_version=version, agrees=False,
           disagreement="Jeg vil ikke have flere møder på jobcentret.")
    meeting = _screen(team).meeting
    assert (meeting.citizen_agrees, meeting.citizen_disagreement) == (
        False, "Jeg vil ikke have flere møder på jobcentret.")


def test_closing_stores_a_plan_version_and_schedules_the_next_meeting(team):
    with session_scope(write=True) as s:
        goal = make_goal(s, citizen=team["citizen"], own_words="Jeg vil i praktik 🌱 på Ærø")
    _open(team)
    _write(set_attendance, team, person_id=team["rasmus"].id, attendance="present")
    _write(give_word, team, to_citizen=True, now=T0 + timedelta(minutes=1))
    with session_scope(write=True) as s:
        create_agreement(session=s, actor=team["actor"], citizen_id=team["citizen"].id, text="Ringe",
                         owner_is_citizen=True, due_on=today() + timedelta(days=7), goal_id=goal.id,
                         meeting_id=team["meeting"].id)
    _write(add_decision, team, text="Ditte får en mentor")
    _agree(team)
    closed = _write(close_meeting, team, now=T0 + timedelta(minutes=61))
    assert closed.plan_version_number == 1
    with session_scope() as s:
        meeting = s.get(Meeting, team["meeting"].id)
        version = s.get(PlanVersion, closed.plan_version_id)
        following = s.get(Meeting, closed.next_meeting_id)
        invited = s.exec(select(MeetingParticipant.person_id)
                         .where(MeetingParticipant.meeting_id == following.id)).all()
        earlier = s.get(Action, team["earlier"].id)
    assert (meeting.status, meeting.closed_at) == ("held", T0 + timedelta(minutes=61))
    assert (meeting.citizen_speaking_seconds, meeting.speaker_since) == (3600, None)  # the clock stopped
    snapshot = json.loads(version.snapshot_json)
    assert version.meeting_id == meeting.id
    assert "Jeg vil i praktik 🌱 på Ærø" in [g["own_words"] for g in snapshot["goals"]]
    snap_meeting = next(m for m in snapshot["meetings"] if m["id"] == meeting.id)
    assert (snap_meeting["status"], snap_meeting["decisions"], snap_meeting["citizen_agrees"]) == (
        "held", ["Ditte får en mentor"], True)
    assert following.status == "draft"
    assert local(following.starts_at).time() == local(T0).time()  # same time of day
    assert following.starts_at.date() > T0.date() + timedelta(days=100)
    assert following.place == meeting.place
    assert set(invited) == {team["rasmus"].id, team["mother"].id, team["nurse"].id}
    # Nothing vanishes: the earlier open agreement is still open and in the next status round.
    assert earlier.status == "open"
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=team["actor"], citizen_id=team["citizen"].id)
    assert team["earlier"].id in {a.id for a in earlier_open_agreements(plan, following.id)}
    assert _screen(team).meeting.id == following.id  # the screen moves on to the next meeting


def test_the_next_close_numbers_the_version_and_reuses_a_planned_meeting(team):
    _open(team)
    _agree(team)
    first = _write(close_meeting, team, now=T0 + timedelta(minutes=60))
    with session_scope(write=True) as s:
        row = s.get(Meeting, first.next_meeting_id)
        row.status = "in_progress"
        row.citizen_present = False  # the citizen did not come: no answer to wait for
        s.add(row)
        later = make_meeting(s, citizen=team["citizen"], status="planned",
                             starts_at=row.starts_at + timedelta(days=90))
    with session_scope(write=True) as s:
        second = close_meeting(session=s, actor=team["actor"], meeting_id=first.next_meeting_id)
    assert second.plan_version_number == 2
    assert (second.next_meeting_id, second.next_was_created) == (later.id, False)


def test_an_outsider_can_neither_read_nor_close(team):
    _open(team)
    with pytest.raises(AccessDenied), session_scope() as s:
        load_meeting_screen(session=s, actor=team["outsider"], citizen_id=team["citizen"].id)
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        close_meeting(session=s, actor=team["outsider"], meeting_id=team["meeting"].id)
    with session_scope() as s:
        denied = s.exec(select(AuditEvent.action).where(AuditEvent.outcome == "denied")).all()
        assert s.get(Meeting, team["meeting"].id).status == "in_progress"
        assert s.exec(select(AgendaItem)).all()  # untouched
    assert set(denied) == {"meeting.read", "meeting.close"}


# --- One timeline (issue 17, point 5) ----------------------------------------------------------


def test_the_default_agenda_is_the_six_steps_and_next_moves_the_one_position(team):
    _open(team)
    meeting = _screen(team).meeting
    assert meeting_position(meeting) == MeetingPosition("attendance", "Velkomst og formål med mødet", 1, 6)
    seen = [meeting_position(meeting).step]
    for _ in range(5):
        _write(next_agenda_item, team, now=T0 + timedelta(minutes=5))
        meeting = _screen(team).meeting
        position = meeting_position(meeting)
        # The clock (agenda_progress) and the step are the same item.
        assert agenda_progress(meeting, now=T0).current.title == position.title
        seen.append(position.step)
    assert seen == list(STEP_KINDS)
    assert meeting_position(meeting).index == 6


def test_a_step_drawn_for_one_position_is_still_current_only_while_the_meeting_runs_there(team):
    _open(team)
    meeting = _screen(team).meeting
    assert still_at_step(meeting, "attendance")
    assert not still_at_step(meeting, "goals")
    _write(next_agenda_item, team, now=T0 + timedelta(minutes=5))
    assert not still_at_step(_screen(team).meeting, "attendance")
    assert not still_at_step(None, "attendance")


def test_picking_a_step_moves_the_position_and_next_goes_on_from_there(team):
    _open(team)
    _write(go_to_agenda_item, team, index=3, now=T0 + timedelta(minutes=1))
    meeting = _screen(team).meeting
    assert (meeting_position(meeting).step, meeting_position(meeting).index) == ("agreements", 4)
    assert agenda_progress(meeting, now=T0 + timedelta(minutes=2)).elapsed_seconds == 60
    _write(go_to_agenda_item, team, index=1)  # back to the status round
    _write(next_agenda_item, team)
    assert meeting_position(_screen(team).meeting).step == "goals"
    with pytest.raises(UserError) as caught:
        _write(go_to_agenda_item, team, index=6)
    assert caught.value.key == "meet_panel.error.no_such_item"


def test_an_older_agenda_gets_the_missing_step_and_the_leaders_own_item_keeps_its_step(team):
    # The earlier routine (own words, status, goals, ...) had no decisions item; the leader added
    # "Økonomi" after the agreements.
    titles = ["Velkomst og formål med mødet", "Borgerens egne ord: hvad er vigtigst nu",
              "Status på aftalerne fra sidst", "Mål og skalering", "Nye aftaler – og hvem der har ansvaret",
              "Økonomi", "Næste møde og afrunding"]
    with session_scope(write=True) as s:
        s.add_all(AgendaItem(meeting_id=team["meeting"].id, position=n, title=title, minutes=5)
                  for n, title in enumerate(titles))
    _open(team)
    meeting = _screen(team).meeting
    assert [i.title for i in meeting.agenda][6] == "Beslutninger"  # inserted before the close
    assert step_kinds([i.title for i in meeting.agenda]) == (
        "attendance", "goals", "status", "goals", "agreements", "agreements", "decisions", "close")
    assert agenda_progress(meeting, now=T0 + timedelta(hours=1)).over_time  # 5 minutes are long gone
    _write(go_to_agenda_item, team, index=6)
    assert not agenda_progress(_screen(team).meeting, now=T0 + timedelta(hours=1)).over_time  # no box


def test_the_position_before_the_meeting_and_after_the_close(team):
    meeting = _screen(team).meeting
    assert meeting_position(meeting).index == 1 and meeting_position(meeting).step == "attendance"
    _open(team)
    for _ in range(6):
        _write(next_agenda_item, team)
    done = _screen(team).meeting
    assert meeting_position(done) == MeetingPosition("close", "Næste møde og afrunding", 6, 6)


# --- Starting early asks first; the plan carries the day it was held (point 7) ---------------


def test_opening_before_the_planned_day_needs_the_leaders_yes_and_records_the_day_held(team):
    early = T0 - timedelta(days=6, hours=1)  # the Wednesday before, 09.00 in Copenhagen
    assert opens_early(team["meeting"].starts_at, now=early) and not opens_early(T0, now=T0)
    with pytest.raises(UserError) as caught:
        _open(team, now=early)
    assert caught.value.key == "meetpanel.early_error"
    assert "24. november 2026" in caught.value.message("da")
    assert _screen(team).meeting.status == "planned"  # nothing half-done
    with session_scope(write=True) as s:
        open_meeting(session=s, actor=team["actor"], meeting_id=team["meeting"].id, seen_version=1,
                     now=early, start_early=True)
    meeting = _screen(team).meeting
    assert (meeting.status, meeting.starts_at, meeting.opened_at) == ("in_progress", early, early)
    with session_scope() as s:  # the plan (and the Word plan, which reads it) says the day held
        plan = load_joint_plan(session=s, actor=team["actor"], citizen_id=team["citizen"].id)
    assert next(m for m in plan.meetings if m.id == team["meeting"].id).starts_at == early


def test_opening_on_the_planned_day_keeps_the_planned_time(team):
    _open(team, now=T0 + timedelta(minutes=7))
    assert _screen(team).meeting.starts_at == T0


# --- The speaking-time box tells one truth (point 8) -----------------------------------------


def test_speaking_time_says_nobody_yet_only_before_anyone_had_the_word(team):
    _open(team)
    assert speaking_time(_screen(team).meeting, now=T0).nobody_yet
    _write(give_word, team, to_citizen=True, now=T0)
    right_now = speaking_time(_screen(team).meeting, now=T0)  # the very second the word is given
    assert right_now.someone_speaks and not right_now.nobody_yet and right_now.speaker_is_citizen
    _write(give_word, team, now=T0 + timedelta(seconds=30))  # pause
    paused = speaking_time(_screen(team).meeting, now=T0 + timedelta(minutes=1))
    assert not paused.someone_speaks and not paused.nobody_yet and paused.citizen_share == 1.0
