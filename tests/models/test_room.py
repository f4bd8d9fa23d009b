"""The room-safe projection: by construction nothing professional-only, nothing of another
citizen; a change marker that moves with every room-visible save; one audit row per view built."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models.access import Actor
from models.actions import create_agreement
from models.db import session_scope
from models.goals import score_goal
from models.meeting_mode import add_decision, give_word, go_to_agenda_item, open_meeting
from models.room import load_room_view, room_marker
from models.room_links import create_room_link
from models.tables import AgendaItem, AuditEvent, Meeting, UnmetNeed, utcnow
from tests.factories import (
    make_action,
    make_citizen,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)

# Professional-only strings seeded everywhere they can live; none may reach the room.
SECRETS = {
    "goal.professional_note": "HEMMELIG-FAGLIG-NOTE",
    "preparation.not_to_raise": "IKKE-TALE-OM-BROR",
    "preparation.when_hard": "NAAR-DET-ER-SVAERT",
    "unmet_need": "ULOEST-BEHOV-BOLIG",
    "person.phone": "12345678",
    "person.email": "rasmus@kommune.dk",
    "citizen.phone": "87654321",
    "citizen.surname": "Mikkelsen",
    "meeting.citizen_disagreement": "UENIG-OM-PLANEN",
    "other citizen": "ANDEN-BORGERS-MAAL",
    "logged in user": "Olga Udenfor",
    "score.note": "SCORE-NOTE-FAGLIG",
}


@pytest.fixture
def meeting(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, full_name="Olga Udenfor")
        ditte = make_citizen(s, name="Ditte Mikkelsen", phone=SECRETS["citizen.phone"])
        other = make_citizen(s, name="Anna Anden")
        rasmus = make_person(s, citizen=ditte, name="Rasmus Holm", phone=SECRETS["person.phone"],
                             email=SECRETS["person.email"])  # fmt: skip
        make_membership(s, citizen=ditte, user=user, person=rasmus)
        make_goal(s, citizen=other, own_words=SECRETS["other citizen"])
        goal = make_goal(s, citizen=ditte, own_words="Jeg vil i praktik.",
                         professional_note=SECRETS["goal.professional_note"])  # fmt: skip
        make_goal(s, citizen=ditte, own_words="Et gammelt mål.", status="dropped")
        held = make_meeting(s, citizen=ditte, status="held")
        make_action(s, citizen=ditte, owner=rasmus, agreed_at=held, text="Ringe til Solsikken.")
        m = make_meeting(s, citizen=ditte, status="planned", starts_at=utcnow(),
                         unmet_needs=(SECRETS["unmet_need"],),
                         preparation={"matters_most": "At I taler til mig.", "dream": "Et arbejde med børn.",
                                      "not_to_raise": SECRETS["preparation.not_to_raise"],
                                      "when_hard": SECRETS["preparation.when_hard"]})  # fmt: skip
        m.citizen_disagreement = SECRETS["meeting.citizen_disagreement"]
        ids = {"meeting": m.id, "citizen": ditte.id, "goal": goal.id, "version": m.version}
        actor = Actor.from_user(user)
    with session_scope(write=True) as s:
        open_meeting(session=s, actor=actor, meeting_id=ids["meeting"], seen_version=ids["version"])
    with session_scope(write=True) as s:
        score_goal(session=s, actor=actor, goal_id=ids["goal"], meeting_id=ids["meeting"], score=6,
                   note=SECRETS["score.note"])  # fmt: skip
        link = create_room_link(session=s, actor=actor, meeting_id=ids["meeting"])
    return actor, ids, link.id


def view_of(link_id):
    with session_scope() as s:
        return load_room_view(session=s, link_id=link_id)


def test_the_view_holds_what_the_room_may_see_and_nothing_professional(meeting):
    actor, ids, link_id = meeting
    view = view_of(link_id)
    assert view.first_name == "Ditte"
    assert (view.matters_most, view.dream) == ("At I taler til mig.", "Et arbejde med børn.")
    assert [(g.words, g.score, g.scored_now) for g in view.goals] == [("Jeg vil i praktik.", 6, True)]
    agreements = [(a.text, a.who, a.new) for a in view.agreements]
    assert agreements == [("Ringe til Solsikken.", "Rasmus Holm", False)]
    assert view.position.step == "attendance" and view.position.index == 1
    text = repr(view)
    assert {name: s for name, s in SECRETS.items() if s in text} == {}


def test_the_marker_moves_with_every_room_visible_save_and_the_view_follows(meeting):
    actor, ids, link_id = meeting

    def marker():
        with session_scope() as s:
            return room_marker(session=s, link_id=link_id)

    seen = [marker()]
    assert marker() == seen[0]  # nothing changed, nothing moves
    saves = [
        lambda s: create_agreement(session=s, actor=actor, citizen_id=ids["citizen"], text="Købe buskort.",
                                   owner_is_citizen=True, due_on=date(2027, 1, 5), meeting_id=ids["meeting"]),
        lambda s: add_decision(session=s, actor=actor, meeting_id=ids["meeting"], text="Ditte får mentor."),
        lambda s: score_goal(session=s, actor=actor, goal_id=ids["goal"], meeting_id=ids["meeting"], score=7),
        lambda s: go_to_agenda_item(session=s, actor=actor, meeting_id=ids["meeting"], index=3),
        lambda s: give_word(session=s, actor=actor, meeting_id=ids["meeting"], to_citizen=True),
    ]  # fmt: skip
    for save in saves:
        with session_scope(write=True) as s:
            save(s)
        seen.append(marker())
        assert seen[-1] != seen[-2], save
    view = view_of(link_id)
    assert view.step == "agreements"
    new = [(a.text, a.who, a.due_on) for a in view.new_agreements]
    assert new == [("Købe buskort.", "Ditte", date(2027, 1, 5))]
    assert view.decisions == ("Ditte får mentor.",)
    assert view.goals[0].score == 7
    assert view.clock.someone_speaking and view.clock.speaker_is_citizen


def test_professional_only_saves_do_not_even_move_the_marker(meeting):
    """An unmet need changes nothing the room sees: the screen does not rebuild for it."""
    actor, ids, link_id = meeting
    with session_scope() as s:
        before = room_marker(session=s, link_id=link_id)
    with session_scope(write=True) as s:
        s.add(UnmetNeed(meeting_id=ids["meeting"], citizen_id=ids["citizen"], text="Endnu et behov."))
    with session_scope() as s:
        assert room_marker(session=s, link_id=link_id) == before


def test_each_view_built_is_audited_as_the_room_link_and_polls_are_not(meeting):
    actor, ids, link_id = meeting
    with session_scope() as s:
        for _ in range(5):
            room_marker(session=s, link_id=link_id)
    view_of(link_id)
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action.like("room.%"))).scalars().all()
    assert [(r.action, r.user_id, r.citizen_id, r.entity, r.entity_id) for r in rows] == [
        ("room.view", None, ids["citizen"], "room_link", link_id)
    ]


def test_a_closed_meeting_has_no_view(meeting):
    actor, ids, link_id = meeting
    with session_scope(write=True) as s:
        row = s.get(Meeting, ids["meeting"])
        row.status, row.closed_at = "held", utcnow()
    assert view_of(link_id) is None
    with session_scope() as s:
        assert s.execute(select(AgendaItem)).first() is not None  # the meeting itself is intact
