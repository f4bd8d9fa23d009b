"""A citizen with a team, a coming meeting, goals and agreements, and a link (issue 20 tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.access import Actor
from models.citizen_links import create_citizen_link, resolve_citizen_link
from models.db import session_scope
from models.tables import Citizen
from tests.factories import (
    make_action,
    make_actor,
    make_citizen,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)


@dataclass(frozen=True)
class Voice:
    staff: Actor
    outsider: Actor
    citizen_id: int
    other_citizen_id: int
    meeting_id: int
    other_meeting_id: int
    goal_id: int
    other_goal_id: int
    my_action_id: int
    rasmus_action_id: int
    other_action_id: int
    contact_person_id: int
    token: str
    link_id: int
    other_token: str
    other_link_id: int


def make_voice() -> Voice:
    with session_scope(write=True) as s:
        staff = make_user(s, full_name="Rasmus Holm")
        outsider = make_user(s, full_name="Olga Udenfor")
        ditte = make_citizen(s, name="Ditte Mikkelsen")
        anna = make_citizen(s, name="Anna Anden")
        rasmus = make_person(s, citizen=ditte, name="Rasmus Holm", title="Jobkonsulent", user=staff)
        make_membership(s, citizen=ditte, user=staff, person=rasmus)
        make_membership(s, citizen=anna, user=staff)
        s.get(Citizen, ditte.id).contact_person_id = rasmus.id
        meeting = make_meeting(
            s,
            citizen=ditte,
            leader=rasmus,
            participants=(rasmus,),
            preparation={"dream": "Et eget køkken.", "when_hard": "Ring til Rasmus."},
        )
        other_meeting = make_meeting(s, citizen=anna)
        goal = make_goal(s, citizen=ditte, own_words="Jeg vil i praktik.", professional_note="Hemmelig note.")
        other_goal = make_goal(s, citizen=anna, own_words="Annas mål.")
        mine = make_action(
            s, citizen=ditte, text="Ringe til tandlægen", owner_is_citizen=True, due_on=date(2030, 1, 15)
        )
        theirs = make_action(
            s, citizen=ditte, text="Finde en praktikplads", owner=rasmus, status="in_progress"
        )
        annas = make_action(s, citizen=anna, text="Annas aftale", owner_is_citizen=True)
        ids = (
            ditte.id,
            anna.id,
            meeting.id,
            other_meeting.id,
            goal.id,
            other_goal.id,
            mine.id,
            theirs.id,
            annas.id,
            rasmus.id,
        )
    actor = make_actor(staff)
    with session_scope(write=True) as s:
        link = create_citizen_link(session=s, actor=actor, citizen_id=ids[0])
        other = create_citizen_link(session=s, actor=actor, citizen_id=ids[1])
    return Voice(actor, make_actor(outsider), *ids, link.token, link.id, other.token, other.id)


def open_link(token: str) -> int:
    with session_scope() as s:
        actor = resolve_citizen_link(session=s, token=token)
    assert actor is not None and actor.link_id is not None
    return actor.link_id
