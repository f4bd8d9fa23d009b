"""A deterministic municipal-scale database for the benchmark.

Full scale (scale=1): 10,000 citizens, 300 staff in 5 departments, 30,000 meetings (two held,
one planned per citizen), 100,000 agreements, 3-4 goals per citizen with the citizen's 0-10
score at every held meeting, consents with their parties, and a year of agreement history.

The rows are written with bulk INSERTs, but they are the rows the domain's own paths write:
- the import (models.exchange._import_citizen): citizen, people, consents + parties, meetings
  with participants, preparation, decisions and unmet needs, goals + scores, agreements;
- create_user/link_matching_users (models.team._link): a professional with a user's e-mail is
  linked to that user (Person.user_id) and the user joins the citizen's team (TeamMembership);
- models.actions: every agreement has a 'created' event when it was agreed at its meeting
  (to_value 'person:<id>' or 'citizen') and a 'status' event for every change of status
  (done agreements have done_on), with one owner each (a person in the citizen's network or
  the citizen); handovers are 'owner_changed' events;
- models.access: every read of a plan leaves an audit row (codes and ids only).
The rules the domain enforces hold: at most three active goals, one score per goal and
meeting, leader and note-taker among the participants, the contact person on the team.
tests/bench/test_build.py checks these at a tiny scale.

The benchmark user "bench-staff" (Jobcenter) coordinates about 170 citizens and owns exactly
300 open agreements at full scale, the most of anyone; the typical user (BuildInfo.typical_user_id)
is the staff user with the median number of open agreements (about 100, on about 80 teams).
"bench-admin" is an administrator. All have BENCH_PASSWORD.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, text
from sqlalchemy.engine import Connection, Engine, make_url

from models import db
from models.migrate import upgrade_database
from models.tables import (
    COPENHAGEN,
    Action,
    ActionEvent,
    AuditEvent,
    Citizen,
    Consent,
    ConsentParty,
    Decision,
    Department,
    Goal,
    GoalScore,
    Meeting,
    MeetingParticipant,
    Person,
    Preparation,
    TeamMembership,
    UnmetNeed,
    UserAccount,
    today,
)
from models.users import hash_password

SEED = 20261123
BENCH_PASSWORD = "bench-kodeord-2026"
BENCH_USER = "bench-staff"
BENCH_ADMIN = "bench-admin"
DEPARTMENTS = ("Jobcenter", "Socialafdelingen", "Familieafdelingen", "Ydelse/Borgerservice", "Sundhed")
FULL_CITIZENS = 10_000
FULL_STAFF = 300
AGREEMENTS_PER_HELD_MEETING = 5  # two held meetings: 10 agreements per citizen
HEAVY_OPEN_AGREEMENTS = 300
READS_PER_CITIZEN = 12  # audit rows: a year of plan reads by the team
COORDINATOR_TITLE = "koordinerende sagsbehandler"

_FIRST = ("Anja", "Bo", "Camilla", "Dennis", "Emma", "Frederik", "Gitte", "Henrik", "Ida", "Jakob",
          "Katrine", "Lasse", "Maja", "Nikolaj", "Oliver", "Pernille", "Rikke", "Simon", "Trine",
          "Ulrik", "Vibeke", "William", "Astrid", "Benjamin", "Cecilie", "Daniel", "Freja", "Gustav")
_LAST = ("Andersen", "Bach", "Christensen", "Dam", "Eriksen", "Frandsen", "Hansen", "Iversen",
         "Jørgensen", "Larsen", "Madsen", "Nørgaard", "Olsen", "Poulsen", "Rasmussen", "Schmidt",
         "Thomsen", "Vestergaard", "Østergaard", "Aagaard", "Holm", "Kirkegaard")
_GOALS = {
    "work_education": "Jeg vil gerne have et arbejde, hvor jeg kan bruge mine hænder.",
    "health": "Jeg vil have styr på min angst, så jeg kan handle ind selv.",
    "family": "Jeg vil have mine børn hjem hver anden weekend.",
    "housing": "Jeg vil have min egen lejlighed.",
    "economy": "Jeg vil betale min gæld af og have overblik over mine penge.",
    "social_life": "Jeg vil komme ud blandt andre mennesker en gang om ugen.",
    "daily_life": "Jeg vil kunne stå op om morgenen og have en fast rytme.",
}
_ACTIONS = ("Ringe til lægen og bestille tid til en samtale.",
            "Finde tre praktiksteder og tage med ud og se dem.",
            "Lave et budget sammen og gennemgå regningerne.",
            "Undersøge muligheden for en mentor.",
            "Sende ansøgning om bostøtte.",
            "Øve busturen til praktikstedet sammen.")
_PREPARATION = {"matters_most": "At mine børn har det godt.", "dream": "At bo et sted med have.",
                "going_well": "Jeg har været til alle aftaler.",
                "questions": "Hvad sker der med min ydelse, hvis jeg starter i praktik?"}
_PLACES = ("Rådhuset, mødelokale 2", "Jobcentret, lokale 1.14", "Hjemme hos borgeren")
_RELATIONS = ("mor", "far", "søster", "bror", "ven", "bisidder")


@dataclass(frozen=True)
class Sizes:
    citizens: int
    staff: int

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        return cls(citizens=max(1, round(FULL_CITIZENS * scale)), staff=max(5, round(FULL_STAFF * scale)))


@dataclass(frozen=True)
class BuildInfo:
    """What the benchmark needs to know about the database it built."""

    url: str
    citizens: int
    staff: int
    bench_user_id: int
    admin_user_id: int
    citizen_id: int  # a typical citizen on the bench user's team (coordinator)
    heavy_open_agreements: int  # open agreements the bench user owns
    typical_user_id: int  # the staff user with the median number of open agreements
    typical_citizen_id: int  # a citizen on the typical user's team
    typical_open_agreements: int
    rows: dict[str, int]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN).astimezone(UTC)


def _weekday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


class _Rows:
    """Rows per table, with ids handed out here (the database is empty when building starts)."""

    def __init__(self) -> None:
        self.tables: dict[Any, list[dict[str, Any]]] = {}
        self._next: dict[Any, int] = {}

    def add(self, model: Any, **values: Any) -> int:
        row_id = self._next.get(model, 1)
        self._next[model] = row_id + 1
        self.tables.setdefault(model, []).append({"id": row_id, **values})
        return row_id


def generate(sizes: Sizes, *, on: date, seed: int = SEED) -> tuple[_Rows, dict[str, int]]:
    """Every row of the benchmark database, in memory (deterministic for sizes, day and seed)."""
    rng = random.Random(seed)
    rows = _Rows()
    now = _at(on, 8)
    for name in DEPARTMENTS:
        rows.add(Department, name=name, is_outside_body=False)
    password_hash = hash_password(BENCH_PASSWORD)  # one hash: argon2 costs ~0.15 s each
    staff_by_department: list[list[int]] = [[] for _ in DEPARTMENTS]
    emails: dict[int, str] = {}
    names: dict[int, str] = {}
    for n in range(sizes.staff):
        department = n % len(DEPARTMENTS)
        username = BENCH_USER if n == 0 else f"staff{n:03d}"
        full_name = f"{_FIRST[n % len(_FIRST)]} {_LAST[(n // len(_FIRST)) % len(_LAST)]} {n}"
        email = f"{username}@kommune.example"
        user_id = rows.add(UserAccount, username=username, full_name=full_name, email=email, role="staff",
                           department_id=department + 1, password_hash=password_hash, is_active=True,
                           failed_logins=0, locked_until=None, created_at=now - timedelta(days=400))
        staff_by_department[department].append(user_id)
        emails[user_id], names[user_id] = email, full_name
    admin_id = rows.add(UserAccount, username=BENCH_ADMIN, full_name="Bench Administrator",
                        email="bench-admin@kommune.example", role="admin", department_id=1,
                        password_hash=password_hash, is_active=True, failed_logins=0, locked_until=None,
                        created_at=now - timedelta(days=400))
    bench_user = staff_by_department[0][0]
    bench_person_of: dict[int, int] = {}  # citizen id -> the bench user's Person id
    for index in range(sizes.citizens):
        _citizen(rows, rng, index, on, staff_by_department, emails, names, bench_user, bench_person_of)
    heavy = _settle_heavy_owner(rows, rng, bench_person_of, on)
    info = {"bench_user_id": bench_user, "admin_user_id": admin_id, "heavy_open_agreements": heavy,
            "citizen_id": min(bench_person_of) if bench_person_of else 1}
    return rows, info | _typical_user(rows, bench_user, info["citizen_id"])


def _typical_user(rows: _Rows, bench_user: int, bench_citizen: int) -> dict[str, int]:
    """The staff user with the median number of open agreements (the pages are measured for this
    user; the bench user, who owns the most, is measured too), and the first citizen on their team.
    On a database with one citizen that is the bench user and the bench citizen."""
    user_of = {p["id"]: p["user_id"] for p in rows.tables.get(Person, []) if p["user_id"] is not None}
    still_open = [a for a in rows.tables.get(Action, []) if a["status"] in ("open", "in_progress")]
    owned = Counter(user_of[a["owner_person_id"]] for a in still_open if a["owner_person_id"] in user_of)
    others = sorted((n, user) for user, n in owned.items() if user != bench_user)
    if len(others) < 2:
        return {"typical_user_id": bench_user, "typical_citizen_id": bench_citizen,
                "typical_open_agreements": owned.get(bench_user, 0)}  # fmt: skip
    number, user = others[len(others) // 2]
    citizen = min(m["citizen_id"] for m in rows.tables[TeamMembership] if m["user_id"] == user)
    return {"typical_user_id": user, "typical_citizen_id": citizen, "typical_open_agreements": number}


def _citizen(
    rows: _Rows, rng: random.Random, index: int, on: date, staff_by_department: list[list[int]],
    emails: dict[int, str], names: dict[int, str], bench_user: int, bench_person_of: dict[int, int],
) -> None:
    created = _at(on - timedelta(days=rng.randint(330, 400)), 9)
    citizen_id = rows.add(
        Citizen, name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        birth_date=on - timedelta(days=rng.randint(18 * 365, 60 * 365)), phone=None,
        email=None, contact_person_id=None, meetings_per_year=3, created_at=created, updated_at=created,
        version=1,
    )
    # The coordinator is from Jobcenter, by turns; two more departments take part.
    jobcenter = staff_by_department[0]
    departments = [0, *rng.sample(range(1, len(DEPARTMENTS)), 2)]
    users = [jobcenter[index % len(jobcenter)]]
    users += [staff_by_department[d][rng.randrange(len(staff_by_department[d]))] for d in departments[1:]]
    pros: list[int] = []
    person_user: dict[int, int] = {}
    added_on = created.date()
    for position, (department, user_id) in enumerate(zip(departments, users, strict=True)):
        person_id = rows.add(
            Person, citizen_id=citizen_id, name=names[user_id], kind="professional",
            department_id=department + 1, title=COORDINATOR_TITLE if position == 0 else "sagsbehandler",
            relation=None, email=emails[user_id], phone=None, user_id=user_id,
            is_coordinator=position == 0, is_deputy=False, added_on=added_on, removed_on=None, version=1,
        )
        rows.add(TeamMembership, citizen_id=citizen_id, user_id=user_id, person_id=person_id,
                 started_at=created, ended_at=None, end_reason=None)
        pros.append(person_id)
        person_user[person_id] = user_id
        if user_id == bench_user:
            bench_person_of[citizen_id] = person_id
    private = rows.add(
        Person, citizen_id=citizen_id, name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", kind="private",
        department_id=None, title=None, relation=rng.choice(_RELATIONS), email=None, phone=None,
        user_id=None, is_coordinator=False, is_deputy=False, added_on=added_on, removed_on=None, version=1,
    )
    rows.tables[Citizen][-1]["contact_person_id"] = pros[0]
    everyone = [*pros, private]

    # Consent: every department on the team; about one in ten withdrawn and given again, narrower.
    given = created.date()
    withdrawn = on - timedelta(days=rng.randint(10, 60)) if rng.random() < 0.1 else None
    consent_id = rows.add(
        Consent, citizen_id=citizen_id, kind="sharing", scope="Oplysninger, som har betydning for planen.",
        given_on=given, expires_on=given + timedelta(days=730), withdrawn_on=withdrawn, form="written",
        recorded_at=created, recorded_by_user_id=users[0],
    )
    for n, d in enumerate(sorted(DEPARTMENTS[d] for d in departments)):
        rows.add(ConsentParty, consent_id=consent_id, name=d, position=n)
    if withdrawn is not None:
        renewed = rows.add(
            Consent, citizen_id=citizen_id, kind="sharing", scope="Kun oplysninger om job og ydelse.",
            given_on=withdrawn, expires_on=withdrawn + timedelta(days=365), withdrawn_on=None,
            form="written", recorded_at=_at(withdrawn, 10), recorded_by_user_id=users[0],
        )
        rows.add(ConsentParty, consent_id=renewed, name=DEPARTMENTS[0], position=0)

    # Meetings: two held (about 300 and 120 days ago), one planned.
    days = [on - timedelta(days=300 + rng.randint(-15, 15)), on - timedelta(days=120 + rng.randint(-15, 15)),
            on + timedelta(days=rng.randint(5, 100))]
    meetings: list[tuple[int, datetime, str]] = []
    for n, day in enumerate(days):
        status = "planned" if n == 2 else "held"
        starts = _at(_weekday(day), rng.choice((9, 10, 13)))
        minutes = rng.choice((45, 60, 90))
        meeting_id = rows.add(
            Meeting, citizen_id=citizen_id, starts_at=starts, minutes=minutes, place=rng.choice(_PLACES),
            video_link=None, status=status, leader_person_id=pros[0], note_taker_person_id=pros[1],
            citizen_present=True if status == "held" else None, current_agenda_position=None,
            speaker_person_id=None, speaker_is_citizen=False, speaker_since=None,
            citizen_speaking_seconds=0, total_speaking_seconds=0, opened_at=None, closed_at=None,
            citizen_agrees=None, citizen_disagreement=None, version=1,
        )
        meetings.append((meeting_id, starts, status))
        for position, person_id in enumerate(everyone):
            rows.add(MeetingParticipant, meeting_id=meeting_id, person_id=person_id,
                     attendance="invited", written_status=None, position=position)
        rows.add(Preparation, meeting_id=meeting_id, **_PREPARATION, not_to_raise=None, when_hard=None,
                 version=1)
        if status == "held":
            for position in range(rng.randint(0, 2)):
                rows.add(Decision, meeting_id=meeting_id, text="Ydelsen fortsætter uændret.",
                         position=position)
            if rng.random() < 0.1:
                rows.add(UnmetNeed, meeting_id=meeting_id, citizen_id=citizen_id, department_id=None,
                         text="Transport til behandling ligger uden for alle bevillinger.", answer=None,
                         answered_at=None, position=0)
    held = [m for m in meetings if m[2] == "held"]

    # Goals: 3 active (the most allowed) and sometimes a fourth that is achieved or paused.
    areas = rng.sample(sorted(_GOALS), rng.choice((3, 3, 4)))
    goals = []
    for position, area in enumerate(areas):
        status = "active" if position < 3 else rng.choice(("achieved", "paused"))
        goal_id = rows.add(Goal, citizen_id=citizen_id, own_words=_GOALS[area], professional_note=None,
                           area=area, status=status, created_on=held[0][1].date(), position=position,
                           version=1)
        goals.append(goal_id)
        score = rng.randint(1, 4)
        for meeting_id, starts, _ in held:
            rows.add(GoalScore, goal_id=goal_id, meeting_id=meeting_id, score=score, note=None,
                     next_step=None, recorded_at=starts + timedelta(minutes=20))
            score = min(10, score + rng.choice((0, 1, 2)))

    # Agreements: five per held meeting, with their history.
    for meeting_id, starts, _ in held:
        agreed = starts.astimezone(COPENHAGEN).date()
        latest = meeting_id == held[-1][0]
        for _ in range(AGREEMENTS_PER_HELD_MEETING):
            due = agreed + timedelta(days=rng.randint(14, 70))
            if latest:
                due = max(agreed + timedelta(days=7), on + timedelta(days=rng.randint(-25, 45)))
            by_citizen = rng.random() < 0.3
            owner = None if by_citizen else rng.choice(pros)
            status, done_on = "open", None
            if due < on and rng.random() < 0.75:
                status = "done" if rng.random() < 0.9 else "cancelled"
                done_on = min(on, due + timedelta(days=rng.randint(-10, 10))) if status == "done" else None
            elif rng.random() < 0.5:
                status = "in_progress"
            finished = _at(done_on or min(due, on), 11)
            updated = finished if status != "open" else starts
            action_id = rows.add(
                Action, citizen_id=citizen_id, goal_id=rng.choice(goals), text=rng.choice(_ACTIONS),
                owner_person_id=owner, owner_is_citizen=by_citizen, due_on=due, status=status,
                trial=rng.random() < 0.15, agreed_at_meeting_id=meeting_id, done_on=done_on,
                created_at=starts, updated_at=updated, version=1 if status == "open" else 2,
            )
            rows.add(ActionEvent, action_id=action_id, at=starts, by_user_id=users[0], kind="created",
                     from_value=None, to_value="citizen" if by_citizen else f"person:{owner}", note=None,
                     meeting_id=meeting_id)
            if status != "open":
                rows.add(ActionEvent, action_id=action_id, at=updated,
                         by_user_id=person_user.get(owner or 0, users[0]), kind="status",
                         from_value="open", to_value=status,
                         note="Ikke længere relevant." if status == "cancelled" else None, meeting_id=None)

    # A year of reads of the plan by the team (the access log shows them).
    for n in range(READS_PER_CITIZEN):
        rows.add(AuditEvent, at=created + timedelta(days=n * 30, hours=rng.randint(0, 8)),
                 user_id=rng.choice(users), action="plan.read", citizen_id=citizen_id, outcome="ok",
                 entity=None, entity_id=None)


def _settle_heavy_owner(rows: _Rows, rng: random.Random, bench_person_of: dict[int, int], on: date) -> int:
    """Hand open agreements on the bench user's citizens to (or away from) the bench user until
    the bench user owns HEAVY_OPEN_AGREEMENTS open ones (or as many as the scale allows).
    Each handover is recorded as the domain records it: an 'owner_changed' event."""
    actions = rows.tables.get(Action, [])
    # (The citizen's own agreements have no owner person: they are never the bench user's.)
    mine = [a for a in actions if a["citizen_id"] in bench_person_of
            and a["owner_person_id"] == bench_person_of[a["citizen_id"]]
            and a["status"] in ("open", "in_progress")]
    others = [a for a in actions if a["citizen_id"] in bench_person_of and a["owner_person_id"] is not None
              and a["owner_person_id"] != bench_person_of[a["citizen_id"]]
              and a["status"] in ("open", "in_progress")]
    rng.shuffle(others)
    created = {e["action_id"]: e for e in rows.tables.get(ActionEvent, []) if e["kind"] == "created"}
    while len(mine) < HEAVY_OPEN_AGREEMENTS and others:
        action = others.pop()
        new_owner = bench_person_of[action["citizen_id"]]
        rows.add(ActionEvent, action_id=action["id"], at=_at(on - timedelta(days=3), 12),
                 by_user_id=None, kind="owner_changed", from_value=f"person:{action['owner_person_id']}",
                 to_value=f"person:{new_owner}", note="Ny fordeling af sagerne i afdelingen.",
                 meeting_id=None)
        created[action["id"]]["to_value"] = f"person:{action['owner_person_id']}"
        action["owner_person_id"] = new_owner
        mine.append(action)
    while len(mine) > HEAVY_OPEN_AGREEMENTS:
        action = mine.pop()
        action["owner_person_id"], action["owner_is_citizen"] = None, True
        created[action["id"]]["to_value"] = "citizen"
    return len(mine)


# Parents before children; the citizen's contact person (a cycle) is set after the people.
_ORDER = (Department, UserAccount, Citizen, Person, TeamMembership, Consent, ConsentParty, Meeting,
          MeetingParticipant, Preparation, Decision, UnmetNeed, Goal, GoalScore, Action, ActionEvent,
          AuditEvent)
_CHUNK = 5_000


def _chunks(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _write(connection: Connection, rows: _Rows) -> None:
    contacts = [(row["id"], row["contact_person_id"]) for row in rows.tables[Citizen]]
    for model in _ORDER:
        items = rows.tables.get(model, [])
        if model is Citizen:
            items = [{**row, "contact_person_id": None} for row in items]
        for chunk in _chunks(items):
            connection.execute(insert(model.__table__), chunk)
    table = Citizen.__table__  # type: ignore[attr-defined]
    for chunk in _chunks([{"cid": c, "pid": p} for c, p in contacts]):
        connection.execute(
            table.update().where(table.c.id == bindparam("cid")).values(contact_person_id=bindparam("pid")),
            chunk,
        )


def _reset_sequences(connection: Connection, rows: _Rows) -> None:
    """PostgreSQL: the serial sequences continue after the ids handed out here."""
    if connection.dialect.name != "postgresql":
        return
    for model in rows.tables:
        name = model.__tablename__
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"))


def fresh_database(url: str) -> None:
    """Drop and create the database behind `url` (a SQLite file, or a PostgreSQL database)."""
    parsed = make_url(url)
    db._engines.pop(url, None)
    if parsed.get_backend_name() == "sqlite":
        from pathlib import Path

        for suffix in ("", "-wal", "-shm"):
            Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine

    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def fill(url: str, sizes: Sizes, *, on: date | None = None, seed: int = SEED) -> BuildInfo:
    """Write the benchmark rows into the empty database at `url` (already at the newest schema)."""
    rows, info = generate(sizes, on=on or today(), seed=seed)
    engine: Engine = db.get_engine(url)
    with engine.begin() as connection:
        _write(connection, rows)
        _reset_sequences(connection, rows)
    # Fresh statistics, as a database in use has them (the planners rely on them).
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    return BuildInfo(url=url, citizens=sizes.citizens, staff=sizes.staff,
                     rows={model.__tablename__: len(items) for model, items in rows.tables.items()}, **info)


def build(url: str, *, scale: float = 1.0, citizens: int | None = None, on: date | None = None,
          seed: int = SEED) -> BuildInfo:
    """Create the database at `url` from nothing (migrated to head), then fill it."""
    sizes = Sizes.for_scale(scale)
    if citizens is not None:
        sizes = Sizes(citizens=citizens, staff=sizes.staff)
    fresh_database(url)
    upgrade_database(url)
    return fill(url, sizes, on=on, seed=seed)
