"""Every domain write function that sits behind a form, one entry per free-text, date or score field.

`make_world()` seeds one citizen with a team, consent, goal, agreement, a confirmed meeting and a
running one. Each writer takes (world, value), opens its own write transaction the way a page
does (ui.feedback.attempt around session_scope(write=True)) and puts `value` into one field,
reading the version the user would have seen first, so a refusal is about the value, not a
stale version. Used by the bad-input test (point 4), the hostile-text browser test (point 5) and
the planted-strings audit test (point 8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

from sqlalchemy import select

from models import (
    actions,
    agenda,
    citizen_links,
    consent,
    goals,
    meeting_mode,
    meetings,
    people,
    preparation,
    team,
    users,
)
from models.access import Actor
from models.db import session_scope
from models.tables import Action, Citizen, Goal, Meeting, Person, Preparation, UserAccount, today, utcnow
from tests.factories import (
    PASSWORD,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)


@dataclass(frozen=True)
class World:
    admin: Actor
    staff: Actor
    staff_user_id: int
    citizen_id: int
    coordinator_id: int
    mother_id: int
    consent_id: int
    goal_id: int
    action_id: int
    planned_meeting_id: int
    running_meeting_id: int
    membership_id: int


def make_world(*, citizen_name: str = "Ditte Mikkelsen") -> World:
    with session_scope(write=True) as s:
        admin = make_user(s, username="admin", full_name="Anne Admin", role="admin")
        staff = make_user(s, username="rasmus", full_name="Rasmus Holm")
    with session_scope(write=True) as s:
        created = people.create_citizen(session=s, actor=Actor.from_user(staff), name=citizen_name)
        citizen = s.get(Citizen, created.id)
        coordinator = make_person(s, citizen=citizen, name="Rasmus Holm", department="Jobcenter",
                                  title="koordinerende sagsbehandler", user=staff, is_coordinator=True,
                                  email="rasmus@kommune.example")  # fmt: skip
        mother = make_person(s, citizen=citizen, name="Lone Mikkelsen", kind="private", relation="mor")
        citizen.contact_person_id = coordinator.id
        s.add(citizen)
        membership_id = s.execute(
            select(team.TeamMembership.id).where(team.TeamMembership.citizen_id == citizen.id)
        ).scalar_one_or_none()
        if membership_id is None:
            membership_id = make_membership(s, citizen=citizen, user=staff, person=coordinator).id
        agreement_consent = make_consent(s, citizen=citizen, parties=("Jobcenter", "Socialafdelingen"))
        make_consent(s, citizen=citizen, kind="joint_plan", parties=())
        held = make_meeting(
            s,
            citizen=citizen,
            status="held",
            participants=(coordinator, mother),
            leader=coordinator,
            starts_at=utcnow().replace(microsecond=0) - timedelta(days=30),
        )
        goal = make_goal(s, citizen=citizen)
        from tests.factories import make_action, make_score

        make_score(s, goal=goal, meeting=held, score=4)
        action = make_action(s, citizen=citizen, goal=goal, owner=coordinator, agreed_at=held)
        planned = make_meeting(s, citizen=citizen, status="planned", participants=(coordinator, mother),
                               leader=coordinator)  # fmt: skip
        running = make_meeting(
            s,
            citizen=citizen,
            status="in_progress",
            participants=(coordinator, mother),
            starts_at=utcnow().replace(microsecond=0) - timedelta(minutes=10),
        )
        ids = (citizen.id, coordinator.id, mother.id, agreement_consent.id, goal.id, action.id, planned.id,
               running.id, membership_id)  # fmt: skip
    return World(Actor.from_user(admin), Actor.from_user(staff), staff.id, *ids)  # type: ignore[arg-type]


Writer = Callable[[World, object], object]


def _version(model: type, row_id: int) -> int:
    with session_scope() as s:
        return s.get(model, row_id).version  # type: ignore[union-attr]


def _prep_version(meeting_id: int) -> int | None:
    with session_scope() as s:
        return s.execute(select(Preparation.version).where(Preparation.meeting_id == meeting_id)).scalar()


def _pause_one(w: World) -> int | None:
    with session_scope() as s:
        active = (
            s.execute(
                select(Goal.id)
                .where(Goal.citizen_id == w.citizen_id, Goal.status == "active")
                .order_by(Goal.id)
            )
            .scalars()
            .all()
        )
    return active[0] if len(active) >= 3 else None


def _write(fn: Callable[..., object], **kwargs: object) -> object:
    with session_scope(write=True) as s:
        return fn(session=s, **kwargs)


def _person(w: World, **fields: object) -> object:
    values = {"name": "Per Hansen", "department": "Socialafdelingen", "title": "rådgiver", "relation": None,
              "email": None, "phone": None} | fields  # fmt: skip
    return _write(people.add_person, actor=w.staff, citizen_id=w.citizen_id, kind="professional", **values)


def _private(w: World, **fields: object) -> object:
    values = {"name": "Kim", "relation": "ven"} | fields
    return _write(people.add_person, actor=w.staff, citizen_id=w.citizen_id, kind="private", **values)


def _update_person(w: World, **fields: object) -> object:
    values = {"name": "Rasmus Holm", "department": "Jobcenter", "title": "koordinerende sagsbehandler",
              "email": "rasmus@kommune.example", "phone": None, "is_coordinator": True} | fields  # fmt: skip
    return _write(people.update_person, actor=w.staff, person_id=w.coordinator_id,
                  seen_version=_version(Person, w.coordinator_id), **values)  # fmt: skip


def _update_citizen(w: World, **fields: object) -> object:
    with session_scope() as s:
        citizen = s.get(Citizen, w.citizen_id)
        current = {"name": citizen.name, "birth_date": citizen.birth_date, "phone": citizen.phone,
                   "email": citizen.email, "seen_version": citizen.version}  # fmt: skip
    return _write(people.update_citizen, actor=w.staff, citizen_id=w.citizen_id, **(current | fields))


def _consent(w: World, **fields: object) -> object:
    values = {"kind": "sharing", "parties": ["Jobcenter"], "scope": "Det hele", "form": "written",
              "given_on": today(), "expires_on": None} | fields  # fmt: skip
    return _write(consent.record_consent, actor=w.staff, citizen_id=w.citizen_id, **values)


def _schedule(w: World, **fields: object) -> object:
    values = {"day": today() + timedelta(days=20), "clock": time(10, 0), "minutes": 60, "place": "Rådhuset",
              "video_link": None, "participant_ids": [w.coordinator_id]} | fields  # fmt: skip
    return _write(meetings.schedule_meeting, actor=w.staff, citizen_id=w.citizen_id, **values)


def _update_meeting(w: World, **fields: object) -> object:
    values = {"day": today() + timedelta(days=7), "clock": time(9, 0), "minutes": 60, "place": "Rådhuset",
              "video_link": None, "participant_ids": [w.coordinator_id, w.mother_id],
              "leader_id": w.coordinator_id} | fields  # fmt: skip
    return _write(meetings.update_meeting, actor=w.staff, meeting_id=w.planned_meeting_id,
                  seen_version=_version(Meeting, w.planned_meeting_id), **values)  # fmt: skip


def _preparation(w: World, **fields: object) -> object:
    values = {"matters_most": ["At sove om natten"], "dream": None, "going_well": None, "questions": None,
              "not_to_raise": None, "when_hard": None} | fields  # fmt: skip
    return _write(preparation.save_preparation, actor=w.staff, meeting_id=w.planned_meeting_id,
                  seen_version=_prep_version(w.planned_meeting_id), **values)  # fmt: skip


def _add_goal(w: World, **fields: object) -> object:
    values = {"own_words": "Jeg vil have et job", "area": None, "professional_note": None} | fields
    return _write(
        goals.add_goal, actor=w.staff, citizen_id=w.citizen_id, pause_goal_id=_pause_one(w), **values
    )


def _update_goal(w: World, **fields: object) -> object:
    values = {
        "own_words": "Jeg vil gerne i praktik",
        "area": "work_education",
        "professional_note": None,
    } | fields
    return _write(goals.update_goal, actor=w.staff, goal_id=w.goal_id,
                  seen_version=_version(Goal, w.goal_id), **values)  # fmt: skip


def _score(w: World, **fields: object) -> object:
    values = {"score": 6, "next_step": None, "note": None} | fields
    return _write(
        goals.score_goal, actor=w.staff, goal_id=w.goal_id, meeting_id=w.running_meeting_id, **values
    )


def _agreement(w: World, **fields: object) -> object:
    values = {"text": "Ringe til jobcentret", "owner_person_id": w.coordinator_id,
              "due_on": today() + timedelta(days=14)} | fields  # fmt: skip
    return _write(actions.create_agreement, actor=w.staff, citizen_id=w.citizen_id, **values)


def _update_agreement(w: World, **fields: object) -> object:
    values = {
        "text": "Søge praktik",
        "goal_id": w.goal_id,
        "owner_person_id": w.coordinator_id,
        "owner_is_citizen": False,
        "due_on": today() + timedelta(days=10),
        "trial": False,
    } | fields
    return _write(actions.update_agreement, actor=w.staff, action_id=w.action_id,
                  seen_version=_version(Action, w.action_id), **values)  # fmt: skip


def _status(w: World, status: str, note: object) -> object:
    return _write(actions.set_action_status, actor=w.staff, action_id=w.action_id,
                  seen_version=_version(Action, w.action_id), status=status, note=note)  # fmt: skip


def _move(w: World, **fields: object) -> object:
    values = {"due_on": today() + timedelta(days=30), "reason": "Venter på svar"} | fields
    return _write(actions.move_due_date, actor=w.staff, action_id=w.action_id,
                  seen_version=_version(Action, w.action_id), **values)  # fmt: skip


def _hand_over(w: World, reason: object) -> object:
    with session_scope() as s:
        action = s.get(Action, w.action_id)
        to_citizen = not action.owner_is_citizen
    owner = None if to_citizen else w.coordinator_id
    return _write(actions.hand_over, actor=w.staff, action_id=w.action_id,
                  seen_version=_version(Action, w.action_id), owner_person_id=owner,
                  owner_is_citizen=to_citizen, reason=reason)  # fmt: skip


def _response(w: World, disagreement: object) -> object:
    return _write(meeting_mode.record_citizen_response, actor=w.staff, meeting_id=w.running_meeting_id,
                  seen_version=_version(Meeting, w.running_meeting_id), agrees=False,
                  disagreement=disagreement)  # fmt: skip


def _review(w: World, **fields: object) -> object:
    values = {"outcome": "changed", "text": "Ny tekst", "owner_person_id": w.coordinator_id,
              "new_due_on": today() + timedelta(days=5), "note": None} | fields  # fmt: skip
    return _write(meeting_mode.review_agreement, actor=w.staff, meeting_id=w.running_meeting_id,
                  action_id=w.action_id, seen_version=_version(Action, w.action_id), **values)  # fmt: skip


def _create_user(**fields: object) -> object:
    values = {"username": "helle", "full_name": "Helle Hansen", "email": None, "role": "staff",
              "password": PASSWORD} | fields  # fmt: skip
    admin = _admin_actor()
    return _write(users.create_user, actor=admin, **values)


def _admin_actor() -> Actor:
    with session_scope() as s:
        return Actor.from_user(
            s.execute(select(UserAccount).where(UserAccount.role == "admin")).scalars().first()
        )


def _login(username: object, password: object) -> object:
    return users.authenticate(username=username, password=password)  # opens its own transactions


def _end_membership(w: World, reason: object) -> object:
    # A second member each time: ending one that has already ended changes nothing.
    with session_scope(write=True) as s:
        user = make_user(s, full_name="Midlertidig")
        citizen = s.get(Citizen, w.citizen_id)
        membership_id = make_membership(s, citizen=citizen, user=user).id
    return _write(team.end_team_membership, actor=w.admin, membership_id=membership_id, reason=reason)


TEXT_WRITES: dict[str, Writer] = {
    "people.create_citizen.name": lambda w, v: _write(people.create_citizen, actor=w.staff, name=v),
    "people.create_citizen.phone": lambda w, v: _write(
        people.create_citizen, actor=w.staff, name="Bo", phone=v
    ),
    "people.create_citizen.email": lambda w, v: _write(
        people.create_citizen, actor=w.staff, name="Bo", email=v
    ),
    "people.update_citizen.name": lambda w, v: _update_citizen(w, name=v),
    "people.update_citizen.phone": lambda w, v: _update_citizen(w, phone=v),
    "people.add_person.name": lambda w, v: _person(w, name=v),
    "people.add_person.department": lambda w, v: _person(w, department=v),
    "people.add_person.title": lambda w, v: _person(w, title=v),
    "people.add_person.phone": lambda w, v: _person(w, phone=v),
    "people.add_person.email": lambda w, v: _person(w, email=v),
    "people.add_person.relation": lambda w, v: _private(w, relation=v),
    "people.update_person.name": lambda w, v: _update_person(w, name=v),
    "people.update_person.title": lambda w, v: _update_person(w, title=v),
    "consent.record_consent.parties": lambda w, v: _consent(w, parties=[v, "Jobcenter"]),
    "consent.record_consent.parties_text": lambda w, v: _consent(w, parties=v),
    "consent.record_consent.scope": lambda w, v: _consent(w, scope=v),
    "meetings.schedule_meeting.place": lambda w, v: _schedule(w, place=v),
    "meetings.schedule_meeting.video_link": lambda w, v: _schedule(w, video_link=v),
    "meetings.schedule_meeting.clock": lambda w, v: _schedule(w, clock=v),
    "meetings.schedule_meeting.minutes": lambda w, v: _schedule(w, minutes=v),
    "meetings.update_meeting.place": lambda w, v: _update_meeting(w, place=v),
    "agenda.save_agenda.title": lambda w, v: _write(
        agenda.save_agenda,
        actor=w.staff,
        meeting_id=w.planned_meeting_id,
        seen_version=_version(Meeting, w.planned_meeting_id),
        items=[(v, 10), ("Afslutning", 5)],
    ),
    "agenda.save_agenda.minutes": lambda w, v: _write(
        agenda.save_agenda,
        actor=w.staff,
        meeting_id=w.planned_meeting_id,
        seen_version=_version(Meeting, w.planned_meeting_id),
        items=[("Velkommen", v)],
    ),
    "meetings.save_written_status.text": lambda w, v: _write(
        meetings.save_written_status,
        actor=w.staff,
        meeting_id=w.planned_meeting_id,
        person_id=w.coordinator_id,
        text=v,
    ),
    "preparation.save_preparation.matters_most": lambda w, v: _preparation(w, matters_most=[v, "At sove"]),
    "preparation.save_preparation.dream": lambda w, v: _preparation(w, dream=v),
    "preparation.save_preparation.going_well": lambda w, v: _preparation(w, going_well=v),
    "preparation.save_preparation.questions": lambda w, v: _preparation(w, questions=v),
    "preparation.save_preparation.not_to_raise": lambda w, v: _preparation(w, not_to_raise=v),
    "preparation.save_preparation.when_hard": lambda w, v: _preparation(w, when_hard=v),
    "goals.add_goal.own_words": lambda w, v: _add_goal(w, own_words=v),
    "goals.add_goal.professional_note": lambda w, v: _add_goal(w, professional_note=v),
    "goals.add_goal.area": lambda w, v: _add_goal(w, area=v),
    "goals.update_goal.own_words": lambda w, v: _update_goal(w, own_words=v),
    "goals.update_goal.professional_note": lambda w, v: _update_goal(w, professional_note=v),
    "goals.score_goal.next_step": lambda w, v: _score(w, next_step=v),
    "goals.score_goal.note": lambda w, v: _score(w, note=v),
    "meeting_mode.add_decision.text": lambda w, v: _write(
        meeting_mode.add_decision, actor=w.staff, meeting_id=w.running_meeting_id, text=v
    ),
    "meeting_mode.add_unmet_need.text": lambda w, v: _write(
        meeting_mode.add_unmet_need, actor=w.staff, meeting_id=w.running_meeting_id, text=v
    ),
    "meeting_mode.set_attendance.written_status": lambda w, v: _write(
        meeting_mode.set_attendance,
        actor=w.staff,
        meeting_id=w.running_meeting_id,
        person_id=w.mother_id,
        attendance="apologies",
        written_status=v,
    ),
    "meeting_mode.record_citizen_response.disagreement": _response,
    "meeting_mode.review_agreement.text": lambda w, v: _review(w, text=v),
    "meeting_mode.review_agreement.note": lambda w, v: _review(w, outcome="running", note=v),
    "actions.create_agreement.text": lambda w, v: _agreement(w, text=v),
    "actions.update_agreement.text": lambda w, v: _update_agreement(w, text=v),
    "actions.set_action_status.note": lambda w, v: _status(w, "done", v),
    "actions.set_action_status.reason": lambda w, v: _status(w, "cancelled", v),
    "actions.move_due_date.reason": lambda w, v: _move(w, reason=v),
    "actions.hand_over.reason": _hand_over,
    "users.create_user.username": lambda w, v: _create_user(username=v),
    "users.create_user.full_name": lambda w, v: _create_user(full_name=v),
    "users.create_user.email": lambda w, v: _create_user(email=v),
    "users.create_user.password": lambda w, v: _create_user(password=v),
    "users.authenticate.username": lambda w, v: _login(v, PASSWORD),
    "users.authenticate.password": lambda w, v: _login("rasmus", v),
    "citizen_links.resolve_citizen_link.token": lambda w, v: _write(
        citizen_links.resolve_citizen_link, token=v
    ),
    "team.end_team_membership.reason": _end_membership,
}

DATE_WRITES: dict[str, Writer] = {
    "people.create_citizen.birth_date": lambda w, v: _write(
        people.create_citizen, actor=w.staff, name="Bo", birth_date=v
    ),
    "people.update_citizen.birth_date": lambda w, v: _update_citizen(w, birth_date=v),
    "people.add_person.added_on": lambda w, v: _person(w, added_on=v),
    "people.remove_person.on": lambda w, v: _write(
        people.remove_person, actor=w.staff, person_id=_person(w).id, on=v
    ),  # type: ignore[attr-defined]
    "consent.record_consent.given_on": lambda w, v: _consent(w, given_on=v),
    "consent.record_consent.expires_on": lambda w, v: _consent(w, expires_on=v),
    "consent.withdraw_consent.withdrawn_on": lambda w, v: _write(
        consent.withdraw_consent, actor=w.staff, consent_id=_consent(w).id, withdrawn_on=v
    ),  # type: ignore[attr-defined]
    "meetings.schedule_meeting.day": lambda w, v: _schedule(w, day=v),
    "meetings.update_meeting.day": lambda w, v: _update_meeting(w, day=v),
    "actions.create_agreement.due_on": lambda w, v: _agreement(w, due_on=v),
    "actions.update_agreement.due_on": lambda w, v: _update_agreement(w, due_on=v),
    "actions.move_due_date.due_on": lambda w, v: _move(w, due_on=v),
    "meeting_mode.review_agreement.new_due_on": lambda w, v: _review(w, outcome="running", new_due_on=v),
}

SCORE_WRITES: dict[str, Writer] = {
    "goals.score_goal.score": lambda w, v: _score(w, score=v),
    "citizen_links.create_citizen_link.days": lambda w, v: _write(
        citizen_links.create_citizen_link, actor=w.staff, citizen_id=w.citizen_id, days=v
    ),
}
