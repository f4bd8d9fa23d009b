"""A small world for the reminder tests: one citizen, her coordinator, an owner, agreements
around today, a confirmed meeting, and Samplan pointed at a real local SMTP server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.db import session_scope
from models.tables import COPENHAGEN, MailSettings, ReminderPreference, today
from tests.factories import (
    make_action,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)
from tests.smtp_server import Collector

CITIZEN_NAME = "Ditte Mikkelsen"
SOON_TEXT = "Ringe til boligselskabet om en ny lejlighed"
LATE_TEXT = "Sende ansøgningen om praktik i børnehaven"
OLD_TEXT = "Bestille tid hos egen læge om søvnen"
GOAL_TEXT = "Jeg vil gerne sove om natten igen"


@dataclass
class World:
    server: Collector
    port: int
    citizen_id: int
    coordinator_id: int  # user
    owner_id: int  # user
    soon_id: int
    late_id: int
    old_id: int
    meeting_id: int
    covered_person_id: int
    uncovered_person_id: int
    private_person_id: int
    day: date

    def at(self, hour: int = 9, days: int = 0) -> datetime:
        """An aware moment on this world's day (Copenhagen wall clock)."""
        return datetime.combine(self.day + timedelta(days=days), time(hour), tzinfo=COPENHAGEN)


def point_at(port: int, **changes: object) -> None:
    with session_scope(write=True) as s:
        row = s.get(MailSettings, 1) or MailSettings(id=1)
        row.host, row.port, row.security = "127.0.0.1", port, "none"
        row.sender, row.base_url = "samplan@kommune.example", "https://samplan.kommune.example"
        for name, value in changes.items():
            setattr(row, name, value)
        s.add(row)


def choose(user_id: int, **values: object) -> None:
    with session_scope(write=True) as s:
        row = s.get(ReminderPreference, user_id) or ReminderPreference(user_id=user_id)
        for name, value in values.items():
            setattr(row, name, value)
        s.add(row)


def build_world(port: int, server: Collector) -> World:
    day = today()
    with session_scope(write=True) as s:
        coordinator = make_user(s, username="rasmus", full_name="Rasmus Holm", email="rasmus@kommune.example")
        owner = make_user(s, username="mette", full_name="Mette Skov", email="mette@kommune.example")
        from tests.factories import make_citizen

        citizen = make_citizen(s, name=CITIZEN_NAME, email="ditte@example.dk")
        make_consent(
            s,
            citizen=citizen,
            parties=("Jobcenter",),
            given_on=day - timedelta(days=300),
            expires_on=day + timedelta(days=20),
        )
        coord_person = make_person(
            s,
            citizen=citizen,
            name="Rasmus Holm",
            user=coordinator,
            is_coordinator=True,
            department="Jobcenter",
            email="rasmus@kommune.example",
        )
        owner_person = make_person(
            s,
            citizen=citizen,
            name="Mette Skov",
            user=owner,
            department="Jobcenter",
            email="mette@kommune.example",
        )
        uncovered = make_person(
            s, citizen=citizen, name="Karin Psykiatri", department="Psykiatrien", email="karin@region.example"
        )
        private = make_person(
            s, citizen=citizen, name="Lone Mikkelsen", kind="private", relation="mor", email="lone@example.dk"
        )
        make_membership(s, citizen=citizen, user=coordinator, person=coord_person)
        make_membership(s, citizen=citizen, user=owner, person=owner_person)
        goal = make_goal(s, citizen=citizen, own_words=GOAL_TEXT)
        soon = make_action(
            s, citizen=citizen, text=SOON_TEXT, owner=owner_person, goal=goal, due_on=day + timedelta(days=2)
        )
        late = make_action(
            s, citizen=citizen, text=LATE_TEXT, owner=owner_person, due_on=day - timedelta(days=1)
        )
        old = make_action(
            s, citizen=citizen, text=OLD_TEXT, owner=coord_person, due_on=day - timedelta(days=10)
        )
        make_action(s, citizen=citizen, text="Færdig aftale", owner=owner_person, due_on=day, status="done")
        meeting = make_meeting(
            s,
            citizen=citizen,
            starts_at=datetime.combine(day + timedelta(days=10), time(10), tzinfo=COPENHAGEN),
            leader=coord_person,
            note_taker=owner_person,
            participants=(coord_person, owner_person, uncovered, private),
        )
        ids = (
            citizen.id,
            coordinator.id,
            owner.id,
            soon.id,
            late.id,
            old.id,
            meeting.id,
            owner_person.id,
            uncovered.id,
            private.id,
        )
    point_at(port)
    return World(server, port, *ids, day=day)  # type: ignore[arg-type]


def text_of(message) -> str:  # noqa: ANN001 - email.message.EmailMessage
    """Every text part of a mail (plain, HTML, calendar), headers included."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(part.get_content())
    return "\n".join(parts)
