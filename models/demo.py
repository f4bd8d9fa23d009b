"""Demo data: Ditte from the shared example plus about 40 fictional citizens with a year of history.

Built as one samplan/1 document and loaded with the ordinary import, so the demo exercises the
same path as a real file. Deterministic for a given seed and day (random.Random(seed)); dates
are relative to today, so there are always overdue agreements and consents about to expire.
Every name is fictional; e-mail addresses use the reserved .example domain and no phone
numbers are made up (a random number could belong to someone).

Safety: the demo creates an administrator with a password printed on the screen, so it only
loads into a database without citizens (an administrator from the first-run screen may exist;
demo accounts whose name or e-mail is taken are skipped). Run twice, the second run sees
"demo-admin" and changes nothing.
"""

from __future__ import annotations

import copy
import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from models.db import session_scope
from models.departments import department_for_person
from models.errors import UserError
from models.exchange import FORMAT, import_document
from models.relational_coordination_demo import add_demo_rounds
from models.tables import COPENHAGEN, Action, ActionEvent, Citizen, Meeting, Person, UserAccount, today
from models.users import create_user

DEMO_SEED = 20261122
DEMO_ADMIN = "demo-admin"
CITIZEN_COUNT = 40
DEPARTMENTS = ("Jobcenter", "Socialafdelingen", "Familieafdelingen", "Ydelse/Borgerservice", "Sundhed")


@dataclass(frozen=True)
class DemoResult:
    usernames: tuple[str, ...]
    password: str | None  # shown once; None when nothing was created
    citizens_created: int
    already_loaded: bool = False


@dataclass(frozen=True)
class _Staff:
    username: str
    full_name: str
    email: str
    department: str
    role: str = "staff"
    leader: bool = False  # may see Overblik (models.leaders)


# Rasmus Holm has the e-mail in the shared example, so his account lands on Ditte's team.
STAFF = (
    _Staff("rasmus", "Rasmus Holm", "rasmus.holm@kommune.example", "Jobcenter"),
    # Mette leads the Jobcenter: the demo's leader, so Overblik shows (it is for leaders and admins).
    _Staff("mette", "Mette Skov", "mette.skov@kommune.example", "Jobcenter", leader=True),
    _Staff("jonas", "Jonas Brandt", "jonas.brandt@kommune.example", "Socialafdelingen"),
    _Staff("sofie", "Sofie Lind", "sofie.lind@kommune.example", "Familieafdelingen"),
    _Staff("peter", "Peter Dahl", "peter.dahl@kommune.example", "Ydelse/Borgerservice"),
    _Staff("anne", "Anne Krogh", "anne.krogh@kommune.example", "Sundhed"),
    _Staff(DEMO_ADMIN, "Demo Administrator", "demo.admin@kommune.example", "Jobcenter", role="admin"),
)
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", " ": "."})

# Other professionals (no account) and their titles, per department.
_COLLEAGUES = {
    "Jobcenter": (("Lars Vinther", "virksomhedskonsulent"), ("Camilla Due", "jobkonsulent")),
    "Socialafdelingen": (("Birgitte Holt", "bostøttemedarbejder"), ("Niels Bjerre", "mentor")),
    "Familieafdelingen": (("Hanne Juul", "familiebehandler"), ("Morten Kjær", "familierådgiver")),
    "Ydelse/Borgerservice": (("Karen Thorsen", "ydelsesrådgiver"), ("Jens Munk", "sagsbehandler")),
    "Sundhed": (("Pia Bech", "psykiatrisk sygeplejerske"), ("Søren Lauridsen", "psykolog")),
}
_STAFF_TITLES = {
    "Jobcenter": "jobkonsulent",
    "Socialafdelingen": "socialrådgiver",
    "Familieafdelingen": "familierådgiver",
    "Ydelse/Borgerservice": "sagsbehandler",
    "Sundhed": "misbrugsbehandler",
}

_FIRST_NAMES = (
    "Anja",
    "Bo",
    "Camilla",
    "Dennis",
    "Emma",
    "Frederik",
    "Gitte",
    "Henrik",
    "Ida",
    "Jakob",
    "Katrine",
    "Lasse",
    "Maja",
    "Nikolaj",
    "Oliver",
    "Pernille",
    "Rikke",
    "Simon",
    "Trine",
    "Ulrik",
    "Vibeke",
    "William",
    "Astrid",
    "Benjamin",
    "Cecilie",
    "Daniel",
    "Elias",
    "Freja",
    "Gustav",
    "Helena",
    "Isabella",
    "Jesper",
    "Karoline",
    "Louise",
    "Mads",
    "Nanna",
    "Oskar",
    "Sara",
    "Thomas",
    "Line",
    "Mikkel",
    "Stine",
)
_LAST_NAMES = (
    "Andersen",
    "Bach",
    "Christensen",
    "Dam",
    "Eriksen",
    "Frandsen",
    "Gregersen",
    "Hansen",
    "Iversen",
    "Jørgensen",
    "Kristiansen",
    "Larsen",
    "Madsen",
    "Nørgaard",
    "Olsen",
    "Poulsen",
    "Rasmussen",
    "Schmidt",
    "Thomsen",
    "Vestergaard",
    "Østergaard",
    "Aagaard",
    "Bundgaard",
    "Ebbesen",
    "Fog",
    "Holm",
    "Kirkegaard",
)
_RELATIONS = ("mor", "far", "søster", "bror", "ven", "veninde", "bisidder", "kæreste", "moster", "morfar")

_GOALS = {
    "work_education": (
        "Jeg vil gerne have et arbejde, hvor jeg kan bruge mine hænder.",
        "Jeg vil færdiggøre min uddannelse som SOSU-hjælper.",
        "Jeg vil prøve at være i praktik nogle timer om ugen.",
        "Jeg vil tage kørekort, så jeg kan søge flere job.",
    ),
    "health": (
        "Jeg vil sove bedre om natten.",
        "Jeg vil have styr på min angst, så jeg kan handle ind selv.",
        "Jeg vil drikke mindre og have flere gode dage.",
        "Jeg vil gå en tur hver dag.",
    ),
    "family": (
        "Jeg vil have mine børn hjem hver anden weekend.",
        "Jeg vil have en bedre kontakt til min søn.",
        "Jeg vil kunne hente min datter i børnehave hver dag.",
    ),
    "housing": (
        "Jeg vil have min egen lejlighed.",
        "Jeg vil have styr på rengøringen, så jeg kan have gæster.",
    ),
    "economy": (
        "Jeg vil betale min gæld af og have overblik over mine penge.",
        "Jeg vil have penge til overs til sidst på måneden.",
    ),
    "social_life": (
        "Jeg vil have en ven at gå til fodbold med.",
        "Jeg vil komme ud blandt andre mennesker en gang om ugen.",
    ),
    "daily_life": (
        "Jeg vil kunne stå op om morgenen og have en fast rytme.",
        "Jeg vil selv kunne klare mine breve fra kommunen.",
    ),
}
_ACTIONS = (
    "Ringe til lægen og bestille tid til en samtale.",
    "Finde tre praktiksteder og tage med ud og se dem.",
    "Søge om hjælp til tandbehandling.",
    "Lave et budget sammen og gennemgå regningerne.",
    "Undersøge muligheden for en mentor.",
    "Tage kontakt til boligselskabet om venteliste.",
    "Følge med til første samtale hos psykologen.",
    "Afklare, om ydelsen påvirkes af praktikken.",
    "Tilmelde sig holdet i den lokale idrætsforening.",
    "Aftale faste tider for samvær med børnene.",
    "Sende ansøgning om bostøtte.",
    "Øve busturen til praktikstedet sammen.",
    "Lave en aftale med gældsrådgivningen.",
    "Undersøge et forløb i misbrugsbehandlingen.",
)
_DECISIONS = (
    "Ydelsen fortsætter uændret under praktikken.",
    "Bostøtten fortsætter tre timer om ugen.",
    "Familiebehandlingen forlænges med tre måneder.",
    "Der søges om et mentorforløb.",
    "Næste møde holdes hjemme hos borgeren.",
)
_UNMET_NEEDS = (
    "Transport til behandling ligger uden for alle afdelingers bevillinger.",
    "Ingen afdeling kan betale for tandbehandlingen.",
    "Ventetid på psykiatrien på over et år; ingen kan hjælpe i mellemtiden.",
    "Der findes ikke et tilbud om aflastning i weekenderne.",
)
_PREPARATION = {
    "matters_most": (
        "At mine børn har det godt.",
        "At komme ud af huset og have noget at stå op til.",
        "At få ro på økonomien.",
        "At jeg selv bestemmer, hvad der skal ske.",
    ),
    "dream": (
        "At have et arbejde og en kollega at drikke kaffe med.",
        "At bo et sted med have.",
        "At tage på ferie med mine børn.",
        "At kunne klare mig uden kommunen en dag.",
    ),
    "going_well": (
        "Jeg er begyndt at gå ture igen.",
        "Jeg har haft en god kontakt med min bostøtte.",
        "Jeg har været til alle aftaler.",
        "Jeg har fået styr på nogle af regningerne.",
    ),
    "questions": (
        "Hvad sker der med min ydelse, hvis jeg starter i praktik?",
        "Hvem skal jeg ringe til, hvis det går skævt?",
        "Kan min mor komme med til møderne?",
        "Hvornår hører jeg fra boligselskabet?",
    ),
}
_PLACES = (
    "Rådhuset, mødelokale 2",
    "Jobcentret, lokale 1.14",
    "Hjemme hos borgeren",
    "Sundhedshuset, mødelokale A",
)

# The shared example (../shared/spec/example-ditte.json), exactly; tests compare the two.
_DITTE: dict[str, Any] = {
    "format": "samplan/1",
    "exported_at": "2026-11-20T12:05:00+01:00",
    "citizens": [
        {
            "ref": "c1",
            "name": "Ditte Mikkelsen",
            "birth_date": "2001-03-14",
            "phone": "+45 20 00 00 01",
            "contact_person": "p1",
            "people": [
                {
                    "ref": "p1",
                    "name": "Rasmus Holm",
                    "kind": "professional",
                    "department": "Jobcenter",
                    "title": "koordinerende sagsbehandler",
                    "email": "rasmus.holm@kommune.example",
                },
                {
                    "ref": "p2",
                    "name": "Tove Lund",
                    "kind": "professional",
                    "department": "Ydelse/Borgerservice",
                    "title": "sagsbehandler",
                },
                {
                    "ref": "p3",
                    "name": "Dorthe Bak",
                    "kind": "professional",
                    "department": "Familieafdelingen",
                    "title": "familierådgiver",
                },
                {
                    "ref": "p4",
                    "name": "Helle Friis",
                    "kind": "professional",
                    "department": "Socialafdelingen",
                    "title": "socialrådgiver",
                },
                {"ref": "p5", "name": "Lis Mikkelsen", "kind": "private", "relation": "mor"},
            ],
            "consents": [
                {
                    "ref": "k1",
                    "parties": ["Jobcenter", "Ydelse/Borgerservice", "Familieafdelingen", "Socialafdelingen"],
                    "scope": "Oplysninger om min sag, som har betydning for den fælles plan.",
                    "given_on": "2026-10-01",
                    "expires_on": "2027-10-01",
                    "form": "written",
                }
            ],
            "goals": [
                {
                    "ref": "g1",
                    "own_words": "Jeg vil være en god mor for min datter og kunne klare mig selv.",
                    "area": "family",
                    "status": "active",
                    "created_on": "2026-10-15",
                    "scores": [{"meeting": "m1", "score": 3, "note": "Morgenerne er svære."}],
                },
                {
                    "ref": "g2",
                    "own_words": "Jeg vil have styr på min angst, så jeg kan tage bussen alene.",
                    "area": "health",
                    "status": "active",
                    "created_on": "2026-10-15",
                    "scores": [{"meeting": "m1", "score": 2}],
                },
                {
                    "ref": "g3",
                    "own_words": "Jeg vil gerne i praktik i en børnehave til foråret.",
                    "area": "work_education",
                    "status": "active",
                    "created_on": "2026-10-15",
                    "scores": [{"meeting": "m1", "score": 4}],
                },
            ],
            "actions": [
                {
                    "ref": "a1",
                    "goal": "g2",
                    "text": "Finde en psykolog tæt på hjemmet og bestille første tid.",
                    "owner": "p4",
                    "due_on": "2026-11-01",
                    "status": "done",
                    "agreed_at": "m1",
                    "done_on": "2026-10-28",
                },
                {
                    "ref": "a2",
                    "goal": "g2",
                    "text": "Øve turen med bus 201 sammen med mor to gange om ugen.",
                    "owner": "citizen",
                    "due_on": "2026-12-15",
                    "status": "in_progress",
                    "agreed_at": "m1",
                },
                {
                    "ref": "a3",
                    "goal": "g3",
                    "text": "Undersøge praktikpladser i børnehaver i nærheden.",
                    "owner": "p1",
                    "due_on": "2027-01-15",
                    "status": "open",
                    "trial": True,
                    "agreed_at": "m1",
                },
                {
                    "ref": "a4",
                    "goal": "g1",
                    "text": "Aftale familiestøtte om morgenen to dage om ugen.",
                    "owner": "p3",
                    "due_on": "2026-11-15",
                    "status": "open",
                    "agreed_at": "m1",
                },
            ],
            "meetings": [
                {
                    "ref": "m1",
                    "starts_at": "2026-10-15T10:00:00+02:00",
                    "minutes": 60,
                    "place": "Rådhuset, mødelokale 2",
                    "status": "held",
                    "leader": "p1",
                    "note_taker": "p2",
                    "participants": ["p1", "p2", "p3", "p4", "p5"],
                    "citizen_present": True,
                    "preparation": {
                        "matters_most": "Min datter, min angst og at komme ud af huset.",
                        "dream": "At have et arbejde med børn.",
                        "going_well": "Jeg har en god kontakt til min mor.",
                        "questions": "Mister jeg min ydelse, hvis jeg starter i praktik?",
                    },
                    "decisions": ["Ydelsen fortsætter uændret under praktikken."],
                    "unmet_needs": ["Transport til psykolog ligger uden for alle afdelingers bevillinger."],
                },
                {
                    "ref": "m2",
                    "starts_at": "2027-02-10T10:00:00+01:00",
                    "minutes": 60,
                    "place": "Rådhuset, mødelokale 2",
                    "status": "planned",
                    "leader": "p1",
                    "note_taker": "p2",
                    "participants": ["p1", "p2", "p3", "p4", "p5"],
                },
            ],
        }
    ],
}


def ditte_document() -> dict[str, Any]:
    """The shared example document (a fresh copy)."""
    return copy.deepcopy(_DITTE)


def demo_document(
    *, on: date | None = None, seed: int = DEMO_SEED, count: int = CITIZEN_COUNT
) -> dict[str, Any]:
    """Ditte plus `count` generated citizens, with dates relative to `on` (default: today)."""
    rng = random.Random(seed)
    day = on or today()
    names = rng.sample([f"{f} {last}" for f in _FIRST_NAMES for last in _LAST_NAMES], count)
    citizens = ditte_document()["citizens"]
    citizens.extend(_citizen(rng, day, f"c{n + 2}", name) for n, name in enumerate(names))
    return {"format": FORMAT, "citizens": citizens}


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour, 0), tzinfo=COPENHAGEN).isoformat()


def _people(rng: random.Random) -> list[dict[str, Any]]:
    departments = ["Jobcenter", *rng.sample(DEPARTMENTS[1:], rng.randint(1, 3))]
    people: list[dict[str, Any]] = []
    for department in departments:
        staff = [s for s in STAFF if s.department == department and s.role == "staff"]
        if rng.random() < 0.6:  # the department's demo user is on about half the teams
            pick = rng.choice(staff)
            name, title, email = pick.full_name, _STAFF_TITLES[department], pick.email
        else:
            name, title = rng.choice(_COLLEAGUES[department])
            email = name.lower().translate(_ASCII) + "@kommune.example"
        people.append(
            {
                "ref": f"p{len(people) + 1}",
                "name": name,
                "kind": "professional",
                "department": department,
                "title": title,
                "email": email,
            }
        )
    # The first professional coordinates (Jobcenter holds the joint plan in this demo).
    people[0]["title"] = "koordinerende sagsbehandler"
    for _ in range(rng.randint(0, 2)):
        relation = rng.choice(_RELATIONS)
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        people.append({"ref": f"p{len(people) + 1}", "name": name, "kind": "private", "relation": relation})
    return people


def _citizen(rng: random.Random, day: date, ref: str, name: str) -> dict[str, Any]:
    people = _people(rng)
    pros = [p["ref"] for p in people if p["kind"] == "professional"]
    everyone = [p["ref"] for p in people]
    # Three meetings a year: newer citizens have had fewer of them.
    held_count = rng.choice((1, 2, 3, 3, 3))
    first = day - timedelta(days=120 * held_count - rng.randint(0, 30))
    meetings: list[dict[str, Any]] = []
    for n in range(held_count):
        meeting_day = first + timedelta(days=120 * n + rng.randint(-10, 10))
        if meeting_day.weekday() >= 5:
            meeting_day += timedelta(days=7 - meeting_day.weekday())
        if rng.random() < 0.1:  # cancelled and held two weeks later instead
            meetings.append(_meeting(rng, f"m{len(meetings) + 1}", meeting_day, "cancelled", pros, everyone))
            meeting_day += timedelta(days=14)
        meetings.append(_meeting(rng, f"m{len(meetings) + 1}", meeting_day, "held", pros, everyone))
    upcoming = day + timedelta(days=rng.randint(5, 100))
    if upcoming.weekday() >= 5:
        upcoming += timedelta(days=7 - upcoming.weekday())
    meetings.append(_meeting(rng, f"m{len(meetings) + 1}", upcoming, "planned", pros, everyone))
    held = [m for m in meetings if m["status"] == "held"]
    first_held_day = date.fromisoformat(held[0]["starts_at"][:10])

    goals = _goals(rng, held, first_held_day)
    actions = _actions(rng, day, held, goals, pros)
    consents = _consents(rng, day, first_held_day, people)
    contact = pros[0] if rng.random() < 0.8 else rng.choice(pros)
    birth = day - timedelta(days=rng.randint(18 * 365, 60 * 365))
    return {
        "ref": ref,
        "name": name,
        "birth_date": birth.isoformat(),
        "contact_person": contact,
        "people": people,
        "consents": consents,
        "goals": goals,
        "actions": actions,
        "meetings": meetings,
    }


def _meeting(
    rng: random.Random, ref: str, day: date, status: str, pros: list[str], everyone: list[str]
) -> dict[str, Any]:
    others = [p for p in pros if p != pros[0]]
    meeting: dict[str, Any] = {
        "ref": ref,
        "starts_at": _at(day, rng.choice((9, 10, 13))),
        "minutes": rng.choice((45, 60, 60, 90)),
        "place": rng.choice(_PLACES),
        "status": status,
        "leader": pros[0],
        "note_taker": rng.choice(others) if others else pros[0],
        "participants": list(everyone),
    }
    if status == "cancelled":
        return meeting
    meeting["preparation"] = {field: rng.choice(options) for field, options in _PREPARATION.items()}
    if status == "held":
        meeting["citizen_present"] = rng.random() < 0.9
        meeting["decisions"] = rng.sample(_DECISIONS, rng.randint(0, 2))
        meeting["unmet_needs"] = [rng.choice(_UNMET_NEEDS)] if rng.random() < 0.25 else []
    return meeting


def _goals(rng: random.Random, held: list[dict[str, Any]], created: date) -> list[dict[str, Any]]:
    areas = rng.sample(sorted(_GOALS), rng.randint(2, 4))
    goals = []
    for n, area in enumerate(areas):
        # At most three active focus areas: a fourth goal is already reached or paused.
        status = "active" if n < 3 else rng.choice(("achieved", "paused"))
        if status == "active" and len(held) == 3 and rng.random() < 0.15:
            status = "achieved"
        score = rng.randint(1, 4)
        scores = []
        for meeting in held:
            scores.append({"meeting": meeting["ref"], "score": score})
            step = rng.choice((-1, 0, 1, 1, 2, 2, 3))
            score = max(0, min(10, score + (step if status != "achieved" else 3)))
        goals.append(
            {
                "ref": f"g{n + 1}",
                "own_words": rng.choice(_GOALS[area]),
                "area": area,
                "status": status,
                "created_on": created.isoformat(),
                "scores": scores,
            }
        )
    return goals


def _actions(
    rng: random.Random, day: date, held: list[dict[str, Any]], goals: list[dict[str, Any]], pros: list[str]
) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for meeting in held:
        agreed = date.fromisoformat(meeting["starts_at"][:10])
        latest = meeting is held[-1]
        for _ in range(rng.randint(2, 3)):
            due = agreed + timedelta(days=rng.randint(14, 70))
            if latest:  # agreed at the latest meeting: due around now, before the next meeting
                due = max(agreed + timedelta(days=7), day + timedelta(days=rng.randint(-25, 45)))
            action: dict[str, Any] = {
                "ref": f"a{len(actions) + 1}",
                "text": rng.choice(_ACTIONS),
                "goal": rng.choice(goals)["ref"],
                "owner": "citizen" if rng.random() < 0.3 else rng.choice(pros),
                "due_on": due.isoformat(),
                "trial": rng.random() < 0.15,
                "agreed_at": meeting["ref"],
            }
            if due < day and rng.random() < 0.75:
                action["status"] = "done" if rng.random() < 0.9 else "cancelled"
                if action["status"] == "done":
                    action["done_on"] = min(day, due + timedelta(days=rng.randint(-10, 10))).isoformat()
            else:  # still open: overdue if the date has passed
                action["status"] = rng.choice(("open", "in_progress"))
            actions.append(action)
    return actions


def _consents(
    rng: random.Random, day: date, first_meeting: date, people: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    parties = sorted({p["department"] for p in people if p["kind"] == "professional"})
    given = first_meeting - timedelta(days=rng.randint(7, 21))
    roll = rng.random()
    # About one in seven expires within the next 30 days: someone must renew it.
    expires = day + timedelta(days=rng.randint(1, 29)) if roll < 0.15 else given + timedelta(days=730)
    consent: dict[str, Any] = {
        "ref": "k1",
        "parties": parties,
        "scope": "Oplysninger, som har betydning for den fælles plan.",
        "given_on": given.isoformat(),
        "expires_on": expires.isoformat(),
        "form": rng.choice(("written", "written", "oral")),
    }
    if 0.15 <= roll < 0.25:  # withdrawn; a narrower consent was given again later
        withdrawn = max(given + timedelta(days=1), day - timedelta(days=rng.randint(10, 60)))
        consent["withdrawn_on"] = withdrawn.isoformat()
        renewed = {
            "ref": "k2",
            "parties": parties[:2],
            "scope": "Kun oplysninger om job og ydelse.",
            "given_on": withdrawn.isoformat(),
            "expires_on": (withdrawn + timedelta(days=365)).isoformat(),
            "form": "written",
        }
        return [consent, renewed]
    return [consent]


def _add_history(session: Session, rng: random.Random, citizen_ids: list[int]) -> None:
    """What the exchange format does not carry: when each agreement was made (the meeting it
    was agreed at) and some handovers between professionals, so the leaders' figures on speed
    and owner changes show something real."""
    agreed_at = (
        select(Meeting.starts_at)
        .where(col(Meeting.id) == Action.agreed_at_meeting_id)
        .scalar_subquery()
    )
    session.execute(
        update(Action).where(col(Action.agreed_at_meeting_id).is_not(None)).values(created_at=agreed_at)
    )
    professionals: dict[int, list[int]] = {}
    for person_id, citizen_id in session.execute(
        select(Person.id, Person.citizen_id)
        .where(col(Person.citizen_id).in_(citizen_ids), Person.kind == "professional")
        .order_by(Person.id)
    ).all():
        professionals.setdefault(citizen_id, []).append(person_id)
    day = today()
    actions = session.execute(
        select(Action.id, Action.citizen_id, Action.owner_person_id, Action.created_at, Action.done_on)
        .where(col(Action.citizen_id).in_(citizen_ids), col(Action.owner_person_id).is_not(None))
        .order_by(Action.id)
    ).all()
    for action_id, citizen_id, owner_id, created_at, done_on in actions:
        others = [p for p in professionals.get(citizen_id, []) if p != owner_id]
        if not others or rng.random() >= 0.2:
            continue
        start = created_at.astimezone(COPENHAGEN).date()
        end = min(done_on or day, day)
        if end <= start:
            continue
        moment = datetime.combine(start + timedelta(days=rng.randint(1, (end - start).days)), time(11),
                                  tzinfo=COPENHAGEN)  # fmt: skip
        session.add(
            ActionEvent(
                action_id=action_id,
                at=moment,
                kind="owner_changed",
                from_value=f"person:{rng.choice(others)}",
                to_value=f"person:{owner_id}",
                note=rng.choice(_HANDOVER_REASONS),
            )
        )


_HANDOVER_REASONS = (
    "Sagsbehandleren er stoppet.",
    "Ny fordeling af sagerne i afdelingen.",
    "Sygemelding; kollegaen tager over.",
    "Opgaven hører hjemme i en anden afdeling.",
)


def _new_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: it is read off a screen
    groups = ("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
    return "demo-" + "-".join(groups)


def load_demo(*, session_url: str | None = None, seed: int = DEMO_SEED) -> DemoResult:
    """Load the demo into an empty database in one transaction; a second run changes nothing."""
    with session_scope(write=True, url=session_url) as session:
        usernames = tuple(s.username for s in STAFF)
        if session.execute(select(UserAccount.id).where(UserAccount.username == DEMO_ADMIN)).first():
            return DemoResult(usernames=usernames, password=None, citizens_created=0, already_loaded=True)
        # An administrator made on the first-run screen may exist; citizens must not.
        citizens = session.execute(select(func.count()).select_from(Citizen)).scalar_one()
        if citizens:
            raise UserError("cli.demo_not_empty")
        taken = {
            value.lower()
            for row in session.execute(select(UserAccount.username, UserAccount.email)).all()
            for value in row
            if value
        }
        imported = import_document(session=session, doc=demo_document(seed=seed), actor=None)
        _add_history(session, random.Random(seed + 1), [c.id for c in imported])
        for name in DEPARTMENTS:  # the municipality's department list, complete (issue 25)
            department_for_person(session, name)
        password = _new_password()
        created = []
        for staff in STAFF:
            if staff.username in taken or staff.email in taken:
                continue
            created.append(staff.username)
            # create_user links each account to the citizens where its e-mail appears.
            account = create_user(
                session=session,
                username=staff.username,
                full_name=staff.full_name,
                email=staff.email,
                role=staff.role,
                password=password,
            )
            if staff.leader:  # no administrator exists yet to grant it: set as the CLI would
                session.get_one(UserAccount, account.id).is_leader = True
            department_id = department_for_person(session, staff.department)
            session.get_one(UserAccount, account.id).department_id = department_id
        add_demo_rounds(session, random.Random(seed + 24), DEPARTMENTS)  # before/after (issue 24)
    return DemoResult(usernames=tuple(created), password=password, citizens_created=len(imported))
