"""Scheduling, agenda, the citizen's preparation and the invitation (models/meetings.py,
models/agenda.py, models/preparation.py, models/invitation.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from models.access import Actor
from models.agenda import AgendaLine, agenda_overrun, agenda_total, default_agenda, save_agenda
from models.consent import record_consent
from models.db import session_scope
from models.errors import StaleVersion, UserError
from models.invitation import build_invitation
from models.meetings import (
    confirm_meeting,
    double_bookings,
    local_start,
    same_leader_and_note_taker,
    save_written_status,
    schedule_meeting,
    suggest_meeting_day,
    update_meeting,
)
from models.people import add_person, create_citizen
from models.plans import load_joint_plan
from models.preparation import save_preparation, split_matters_most
from models.tables import AuditEvent, MeetingParticipant, today
from tests.factories import make_user

FUTURE = today() + timedelta(days=20)


@pytest.mark.parametrize("minutes", [60, 90, 45, 30, 5, 120, 61])
def test_the_default_agenda_adds_up_to_the_meeting_length(minutes):
    agenda = default_agenda(minutes)
    assert agenda_total(agenda) == minutes
    assert all(line.minutes >= 1 for line in agenda)
    assert "Borgerens egne ord: hvad er vigtigst nu" in [line.title for line in agenda]


def test_the_sixty_minute_agenda_is_the_good_meeting():
    assert [line.minutes for line in default_agenda(60)] == [5, 10, 15, 15, 10, 5]
    assert default_agenda(60, lang="en")[0].title == "Welcome and purpose of the meeting"


@pytest.mark.parametrize(
    ("boxes", "meeting", "over"),
    [([20, 20, 20], 60, 0), ([20, 20, 25], 60, 5), ([10], 60, 0)],
)
def test_agenda_overrun(boxes, meeting, over):
    lines = [AgendaLine("x", m) for m in boxes]
    assert agenda_overrun(lines, meeting) == over


@pytest.mark.parametrize(
    ("last_held", "per_year", "on", "expected"),
    [
        (date(2026, 1, 5), 3, date(2026, 2, 1), date(2026, 5, 6)),  # 121 days after, a Wednesday
        (None, 3, date(2026, 2, 2), date(2026, 2, 16)),  # no meeting yet: two weeks ahead (Monday)
        (date(2025, 1, 6), 3, date(2026, 2, 2), date(2026, 2, 9)),  # overdue: a week from today
        (None, 3, date(2026, 2, 7), date(2026, 2, 23)),  # Saturday + 14 is a Saturday: Monday
        (date(2026, 1, 5), 12, date(2026, 1, 6), date(2026, 2, 4)),  # monthly: 365 // 12 = 30 days
    ],
)
def test_suggested_day_follows_the_cadence(last_held, per_year, on, expected):
    assert suggest_meeting_day(last_held=last_held, meetings_per_year=per_year, on=on) == expected


def test_local_start_is_copenhagen_time_with_daylight_saving():
    assert local_start(date(2026, 7, 1), time(10, 0)) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    assert local_start("2026-12-01", "10:00") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(UserError) as caught:
        local_start("2026-12-01", "kl ti")
    assert caught.value.key == "before.error.bad_time"


def test_same_leader_and_note_taker_and_matters_most_lines():
    assert same_leader_and_note_taker(3, 3) and not same_leader_and_note_taker(3, 4)
    assert not same_leader_and_note_taker(None, None)
    assert split_matters_most("Bo selv\n\nArbejde") == ["Bo selv", "Arbejde"]


@pytest.fixture
def world(db_url):
    with session_scope(write=True) as s:
        actor = Actor.from_user(make_user(s, username="rasmus", full_name="Rasmus Holm"))
        cid = create_citizen(session=s, actor=actor, name="Ditte Mikkelsen", email="ditte@example.dk").id
        rasmus = add_person(session=s, actor=actor, citizen_id=cid, kind="professional", name="Rasmus Holm",
                            department="Jobcenter", email="rasmus@kommune.dk", is_coordinator=True).id
        sara = add_person(session=s, actor=actor, citizen_id=cid, kind="professional", name="Sara Berg",
                          department="Psykiatrien", email="sara@region.dk").id
        mother = add_person(session=s, actor=actor, citizen_id=cid, kind="private", name="Lone Mikkelsen",
                            relation="mor", email="lone@example.dk").id
        record_consent(session=s, actor=actor, citizen_id=cid, kind="sharing", parties=["Jobcenter"],
                       scope="Det, der har betydning for planen.", form="written",
                       given_on=today() - timedelta(days=5))
    return SimpleNamespace(actor=actor, cid=cid, rasmus=rasmus, sara=sara, mother=mother)


def _schedule(w, **overrides):
    values = {"day": FUTURE, "clock": time(10, 0), "place": "Rådhuset, lokale 2",
              "participant_ids": [w.rasmus, w.sara, w.mother], "leader_id": w.rasmus,
              "note_taker_id": w.sara, **overrides}
    with session_scope(write=True) as s:
        return schedule_meeting(session=s, actor=w.actor, citizen_id=w.cid, **values)


def _plan(w):
    with session_scope() as s:
        return load_joint_plan(session=s, actor=w.actor, citizen_id=w.cid)


def test_a_meeting_starts_as_a_draft_of_sixty_minutes_with_the_default_agenda(world):
    saved = _schedule(world)
    meeting = _plan(world).meetings[0]
    assert (saved.status, meeting.minutes, meeting.status) == ("draft", 60, "draft")
    assert sum(a.minutes for a in meeting.agenda) == 60
    assert [p.person_id for p in meeting.participants] == [world.rasmus, world.sara, world.mother]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"place": "", "video_link": ""}, "before.error.place_required"),
        ({"video_link": "javascript:alert(1)"}, "before.error.bad_link"),
        ({"minutes": 2}, "before.error.bad_minutes"),
        ({"minutes": "en time"}, "before.error.bad_minutes"),
        ({"day": today() - timedelta(days=1)}, "before.error.in_past"),
        ({"participant_ids": []}, "before.error.no_participants"),
        ({"leader_id": None}, "before.error.leader_required"),
        ({"note_taker_id": None}, "before.error.note_taker_required"),
    ],
)
def test_bad_meeting_input_is_refused_and_nothing_is_saved(world, overrides, key):
    with pytest.raises(UserError) as caught:
        _schedule(world, **overrides)
    assert caught.value.key == key
    assert _plan(world).meetings == ()


def test_leader_and_note_taker_must_be_invited(world):
    with pytest.raises(UserError) as caught:
        _schedule(world, participant_ids=[world.sara, world.mother])
    assert caught.value.key == "before.error.roles_not_invited"


def test_confirming_a_draft_and_nothing_is_sent_before(world):
    saved = _schedule(world)
    with pytest.raises(UserError) as caught:
        build_invitation(_plan(world), saved.id)
    assert caught.value.key == "before.error.not_confirmed"
    with session_scope(write=True) as s:
        confirmed = confirm_meeting(session=s, actor=world.actor, meeting_id=saved.id, seen_version=1)
    assert confirmed.status == "planned"
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        confirm_meeting(session=s, actor=world.actor, meeting_id=saved.id, seen_version=confirmed.version)
    assert caught.value.key == "before.error.already_confirmed"
    with session_scope() as s:
        assert "meeting.confirm" in {a.action for a in s.execute(select(AuditEvent)).scalars()}


def test_updating_keeps_the_written_status_of_those_who_stay(world):
    saved = _schedule(world)
    with session_scope(write=True) as s:
        save_written_status(session=s, actor=world.actor, meeting_id=saved.id, person_id=world.sara,
                            text="Ditte har gået til alle samtaler.\nHun vil gerne have mere tid.")
        update_meeting(session=s, actor=world.actor, meeting_id=saved.id, seen_version=saved.version,
                       day=FUTURE, clock="13:30", minutes=90, place="Jobcentret",
                       participant_ids=[world.sara, world.rasmus], leader_id=world.rasmus,
                       note_taker_id=world.rasmus)
    meeting = _plan(world).meetings[0]
    assert meeting.minutes == 90 and meeting.place == "Jobcentret"
    sara = next(p for p in meeting.participants if p.person_id == world.sara)
    assert sara.attendance == "apologies"
    assert sara.written_status == "Ditte har gået til alle samtaler.\nHun vil gerne have mere tid."
    assert [p.person_id for p in meeting.participants] == [world.sara, world.rasmus]
    with pytest.raises(StaleVersion), session_scope(write=True) as s:
        confirm_meeting(session=s, actor=world.actor, meeting_id=saved.id, seen_version=saved.version)


def test_written_status_is_for_professionals(world):
    saved = _schedule(world)
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        save_written_status(session=s, actor=world.actor, meeting_id=saved.id, person_id=world.mother,
                            text="Jeg kan ikke komme")
    assert caught.value.key == "before.error.status_professional_only"


def test_double_booking_across_citizens_by_email_without_naming_the_other_citizen(world):
    first = _schedule(world)
    with session_scope(write=True) as s:
        other = create_citizen(session=s, actor=world.actor, name="Anden Borger").id
        # The same Sara, on another citizen's team (same e-mail, different case).
        sara2 = add_person(session=s, actor=world.actor, citizen_id=other, kind="professional",
                           name="Sara Berg", department="Psykiatrien", email="SARA@region.dk").id
        nobody = add_person(session=s, actor=world.actor, citizen_id=other, kind="professional",
                            name="Ib", department="Jobcenter").id
        overlapping = schedule_meeting(session=s, actor=world.actor, citizen_id=other, day=FUTURE,
                                       clock="10:30", place="X", participant_ids=[sara2, nobody],
                                       leader_id=nobody, note_taker_id=nobody)
        after = schedule_meeting(session=s, actor=world.actor, citizen_id=other, day=FUTURE,
                                 clock="11:00", place="X", participant_ids=[sara2, nobody],
                                 leader_id=nobody, note_taker_id=nobody)
    with session_scope() as s:
        clashes = double_bookings(session=s, actor=world.actor, meeting_id=first.id)
        of_overlapping = double_bookings(session=s, actor=world.actor, meeting_id=overlapping.id)
        of_after = double_bookings(session=s, actor=world.actor, meeting_id=after.id)
    assert [(c.person_id, c.person_name) for c in clashes] == [(world.sara, "Sara Berg")]
    assert clashes[0].other_minutes == 60
    assert {c.person_id for c in of_overlapping} == {sara2, nobody}  # Ib is in `after` too
    # 11:00 starts exactly when the 10:00 meeting ends: no clash with it (only with 10:30).
    assert {c.other_starts_at for c in of_after} == {local_start(FUTURE, "10:30")}


def test_agenda_is_saved_in_order_and_may_run_over(world):
    saved = _schedule(world)
    with session_scope(write=True) as s:
        save_agenda(session=s, actor=world.actor, meeting_id=saved.id, seen_version=saved.version,
                    items=[("Velkomst", 10), ("", ""), ("Dittes ord", "40"), ("Aftaler", 20)])
    meeting = _plan(world).meetings[0]
    assert [(a.title, a.minutes) for a in meeting.agenda] == [
        ("Velkomst", 10), ("Dittes ord", 40), ("Aftaler", 20)]
    assert agenda_overrun(meeting.agenda, meeting.minutes) == 10


@pytest.mark.parametrize(
    ("items", "key"),
    [
        ([("", 10)], "before.error.agenda_title_required"),
        ([("Velkomst", "ti")], "before.error.agenda_minutes"),
        ([("Velkomst", 0)], "before.error.agenda_minutes"),
        ([("", "")], "before.error.agenda_empty"),
    ],
)
def test_bad_agenda_is_refused(world, items, key):
    saved = _schedule(world)
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        save_agenda(session=s, actor=world.actor, meeting_id=saved.id, seen_version=saved.version,
                    items=items)
    assert caught.value.key == key


WORDS = "  Jeg vil have en lejlighed – med altan 🌱  "


def test_preparation_is_kept_verbatim_with_optimistic_concurrency(world):
    saved = _schedule(world)
    with session_scope(write=True) as s:
        version = save_preparation(session=s, actor=world.actor, meeting_id=saved.id, seen_version=None,
                                   matters_most=["Min datter", "", "Arbejde"], dream=WORDS,
                                   not_to_raise="Min far", when_hard="Gå en tur. Ringer til Lone.")
    prep = _plan(world).meetings[0].preparation
    assert prep.dream == WORDS and prep.matters_most == "Min datter\nArbejde" and version == 1
    # Someone else opened it when there was none: their save must not overwrite.
    with pytest.raises(StaleVersion), session_scope(write=True) as s:
        save_preparation(session=s, actor=world.actor, meeting_id=saved.id, seen_version=None, dream="Andet")
    with session_scope(write=True) as s:
        assert save_preparation(session=s, actor=world.actor, meeting_id=saved.id, seen_version=1,
                                dream="Nyt") == 2
    with pytest.raises(StaleVersion), session_scope(write=True) as s:
        save_preparation(session=s, actor=world.actor, meeting_id=saved.id, seen_version=1, dream="Gammelt")
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        save_preparation(session=s, actor=world.actor, meeting_id=saved.id, seen_version=2,
                         matters_most=["a", "b", "c", "d"])
    assert caught.value.key == "before.error.too_many_things"


def test_the_invitation_leaves_out_professionals_no_consent_covers(world):
    saved = _schedule(world)
    with session_scope(write=True) as s:
        save_preparation(session=s, actor=world.actor, meeting_id=saved.id, seen_version=None, dream=WORDS)
        confirm_meeting(session=s, actor=world.actor, meeting_id=saved.id, seen_version=saved.version)
    invitation = build_invitation(_plan(world), saved.id)
    assert [p.name for p in invitation.invited] == ["Rasmus Holm", "Lone Mikkelsen"]
    assert [p.name for p in invitation.left_out] == ["Sara Berg"]  # Psykiatrien: no consent
    assert invitation.invited[0].is_leader and invitation.left_out[0].is_note_taker
    assert invitation.preparation.dream == WORDS
    assert invitation.organizer.name == "Rasmus Holm"


def test_consent_must_hold_on_the_meeting_day_too(world):
    saved = _schedule(world)
    with session_scope(write=True) as s:
        confirm_meeting(session=s, actor=world.actor, meeting_id=saved.id, seen_version=saved.version)
        record_consent(session=s, actor=world.actor, citizen_id=world.cid, kind="sharing",
                       parties="Psykiatrien", scope="", form="oral", given_on=today(),
                       expires_on=FUTURE)  # expires on the meeting day itself
    invitation = build_invitation(_plan(world), saved.id)
    assert [p.name for p in invitation.left_out] == ["Sara Berg"]


def test_participants_table_has_no_orphans_after_update(world):
    saved = _schedule(world)
    with session_scope(write=True) as s:
        update_meeting(session=s, actor=world.actor, meeting_id=saved.id, seen_version=saved.version,
                       day=FUTURE, clock="10:00", minutes=60, place="X", participant_ids=[world.rasmus],
                       leader_id=world.rasmus, note_taker_id=world.rasmus)
    with session_scope() as s:
        rows = s.execute(select(MeetingParticipant)).scalars().all()
    assert [r.person_id for r in rows] == [world.rasmus]
