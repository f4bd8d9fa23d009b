import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import event, func
from sqlmodel import SQLModel, select

from models import exchange, exchange_export
from models.access import may_access
from models.db import session_scope
from models.demo import ditte_document
from models.errors import AccessDenied, UserError
from models.exchange import (
    ImportFailed,
    export_all,
    export_citizen,
    import_document,
    validate_document,
)
from models.tables import (
    Action,
    AuditEvent,
    Citizen,
    Consent,
    Department,
    Meeting,
    Person,
    TeamMembership,
)
from tests.factories import (
    make_action,
    make_actor,
    make_citizen,
    make_consent,
    make_goal,
    make_meeting,
    make_person,
    make_user,
)

SHARED_SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec"  # next to the checkout
LOCAL_SCHEMA = Path(exchange.__file__).parent / "schema" / "samplan-exchange.schema.json"
EXAMPLE = ditte_document()  # the shared example; test_demo checks it byte for byte


def example():
    return copy.deepcopy(EXAMPLE)


def schema_validator():
    """An independent check of exports: the shared schema with both formats enforced."""
    checker = FormatChecker(formats=())
    checker.checks("date")(exchange.is_date)
    checker.checks("date-time")(exchange.is_date_time)
    return Draft202012Validator(json.loads(LOCAL_SCHEMA.read_text("utf-8")), format_checker=checker)


def assert_valid(doc):
    errors = [e.message for e in schema_validator().iter_errors(doc)]
    assert errors == []
    assert validate_document(doc) == []


def import_(doc, actor=None, on_existing="refuse"):
    with session_scope(write=True) as s:
        return import_document(session=s, doc=doc, actor=actor, on_existing=on_existing)


def export_one(citizen_id, actor=None):
    with session_scope() as s:
        return export_citizen(session=s, actor=actor, citizen_id=citizen_id)


def row_counts():
    with session_scope() as s:
        return {
            table.name: s.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
            if table.name != "audit_event"
        }


# --- the schema and the example -------------------------------------------------------


def test_the_bundled_schema_is_the_shared_spec_byte_for_byte():
    assert LOCAL_SCHEMA.is_file(), "models/schema/samplan-exchange.schema.json is missing"
    shared = SHARED_SPEC / "samplan-exchange.schema.json"
    if shared.exists():  # the shared spec is only there in the development checkout
        assert LOCAL_SCHEMA.read_bytes() == shared.read_bytes()


def test_the_example_in_this_file_is_the_shared_example():
    shared = SHARED_SPEC / "example-ditte.json"
    if shared.exists():
        assert json.loads(shared.read_text("utf-8")) == EXAMPLE
    assert validate_document(EXAMPLE) == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-02-28", True),
        ("2026-02-30", False),  # impossible day: only caught if "format" is really enforced
        ("2026-2-3", False),  # not zero-padded
        ("20260203", False),  # Python accepts the basic format; ISO 8601 extended only
        ("2026-02-03T10:00", False),  # a time where a date belongs
    ],
)
def test_date_format_is_enforced(value, ok):
    doc = example()
    doc["citizens"][0]["birth_date"] = value
    problems = validate_document(doc)
    assert (problems == []) is ok
    if not ok:
        assert [(p.path, p.key) for p in problems] == [("citizens[0].birth_date", "exchange.schema_date")]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-10-15T10:00:00+02:00", True),
        ("2026-10-15T08:00:00Z", True),
        ("2026-10-15T08:00:00.250+00:00", True),  # fractions of a second are RFC 3339
        ("2026-10-15T10:00:00", False),  # no offset: which 10 o'clock?
        ("2026-10-15 10:00:00+02:00", False),  # space instead of T
        ("2026-02-30T10:00:00+01:00", False),  # impossible day
        ("2026-10-15T25:00:00+02:00", False),  # impossible hour
        ("i morgen kl. 10", False),
    ],
)
def test_date_time_format_is_enforced_and_needs_an_offset(value, ok):
    doc = example()
    doc["citizens"][0]["meetings"][0]["starts_at"] = value
    problems = validate_document(doc)
    assert [(p.path, p.key) for p in problems] == (
        [] if ok else [("citizens[0].meetings[0].starts_at", "exchange.schema_date_time")]
    )


# --- import ---------------------------------------------------------------------------


def test_import_the_example_creates_ditte_with_everything(db_url):
    with session_scope(write=True) as s:
        rasmus = make_user(s, username="rasmus", email="RASMUS.HOLM@kommune.example")
    (ditte,) = import_(example())
    assert ditte.name == "Ditte Mikkelsen"
    with session_scope() as s:
        citizen = s.get(Citizen, ditte.id)
        contact = s.get(Person, citizen.contact_person_id)
        assert (contact.name, contact.user_id, contact.is_coordinator) == ("Rasmus Holm", rasmus.id, True)
        departments = s.exec(select(Department.name)).all()
        assert sorted(departments) == sorted(
            ["Jobcenter", "Ydelse/Borgerservice", "Familieafdelingen", "Socialafdelingen"]
        )
        consent = s.exec(select(Consent)).one()
        assert (consent.kind, consent.given_on) == ("sharing", date(2026, 10, 1))
        meeting = s.exec(select(Meeting).order_by(Meeting.starts_at)).first()
        assert meeting.starts_at == datetime(2026, 10, 15, 8, 0, tzinfo=UTC)
        owners = s.exec(select(Action.owner_is_citizen).order_by(Action.id)).all()
        assert owners == [False, True, False, False]
        membership = s.exec(select(TeamMembership)).one()
        assert (membership.user_id, membership.person_id) == (rasmus.id, contact.id)
        assert may_access(s, actor=make_actor(rasmus), citizen_id=ditte.id, action="plan.read")
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "citizen.import")).all()
    assert [(a.citizen_id, a.user_id, a.outcome) for a in audit] == [(ditte.id, None, "ok")]


def test_import_reuses_departments_and_accepts_the_raw_file_bytes(db_url):
    with session_scope(write=True) as s:
        admin = make_actor(make_user(s, role="admin"))
    raw = json.dumps(example(), ensure_ascii=False).encode("utf-8")
    import_(raw, actor=admin)
    # a byte-order mark is harmless (the same citizen again: a copy on purpose)
    import_("\ufeff" + raw.decode("utf-8"), actor=admin, on_existing="new")
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Department)).scalar_one() == 4
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 2
        audit = s.exec(select(AuditEvent.user_id).where(AuditEvent.action == "citizen.import")).all()
    assert audit == [admin.user_id, admin.user_id]


def test_only_an_administrator_may_import(db_url):
    with session_scope(write=True) as s:
        staff = make_actor(make_user(s))
    with pytest.raises(UserError) as caught:
        import_(example(), actor=staff)
    assert caught.value.key == "error.admin_only"
    assert row_counts()["citizen"] == 0
    with session_scope() as s:
        assert s.exec(select(AuditEvent.outcome).where(AuditEvent.action == "citizen.import")).all() == [
            "denied"
        ]


def _set(path, value):
    """A change to the example: set the value at a path like ("citizens", 0, "name")."""

    def change(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
        return doc

    return change


def _delete(path):
    def change(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
        return doc

    return change


C = ("citizens", 0)

IMPORT_ERRORS = [
    # (why, change, raw bytes instead of a document, expected path, expected key)
    ("schema: a required field is missing", _delete(C + ("name",)), None,
     "citizens[0].name", "exchange.schema_required"),
    ("schema: wrong type", _set(C + ("goals", 0, "scores", 0, "score"), "3"), None,
     "citizens[0].goals[0].scores[0].score", "exchange.type_integer"),
    ("schema: a field samplan/1 does not have", _set(C + ("cpr",), "010101-1234"), None,
     "citizens[0].cpr", "exchange.schema_unknown_field"),
    ("schema: score out of range", _set(C + ("goals", 1, "scores", 0, "score"), 11), None,
     "citizens[0].goals[1].scores[0].score", "exchange.schema_maximum"),
    ("schema: unknown enum value", _set(C + ("meetings", 0, "status"), "in_progress"), None,
     "citizens[0].meetings[0].status", "exchange.schema_enum"),
    ("bad date", _set(C + ("consents", 0, "given_on"), "2026-02-30"), None,
     "citizens[0].consents[0].given_on", "exchange.schema_date"),
    ("time without an offset", _set(C + ("meetings", 1, "starts_at"), "2027-02-10T10:00:00"), None,
     "citizens[0].meetings[1].starts_at", "exchange.schema_date_time"),
    ("duplicate ref across kinds (the later one is reported)", _set(C + ("actions", 3, "ref"), "k1"), None,
     "citizens[0].actions[3].ref", "exchange.ref_duplicate"),
    ("duplicate citizen ref", lambda d: d["citizens"].append(copy.deepcopy(d["citizens"][0])) or d, None,
     "citizens[1].ref", "exchange.ref_duplicate"),
    ("a person may not be called 'citizen' (that is the citizen as owner)",
     lambda d: d["citizens"][0]["people"].append({"ref": "citizen", "name": "Ditte", "kind": "private"}) or d,
     None, "citizens[0].people[5].ref", "exchange.ref_reserved"),
    ("unknown owner", _set(C + ("actions", 2, "owner"), "p404"), None,
     "citizens[0].actions[2].owner", "exchange.ref_missing_person"),
    ("owner pointing at a goal", _set(C + ("actions", 2, "owner"), "g1"), None,
     "citizens[0].actions[2].owner", "exchange.ref_not_person"),
    ("goal pointing at a person", _set(C + ("actions", 0, "goal"), "p1"), None,
     "citizens[0].actions[0].goal", "exchange.ref_not_goal"),
    ("agreed_at unknown", _set(C + ("actions", 3, "agreed_at"), "m9"), None,
     "citizens[0].actions[3].agreed_at", "exchange.ref_missing_meeting"),
    ("score meeting unknown", _set(C + ("goals", 2, "scores", 0, "meeting"), "m9"), None,
     "citizens[0].goals[2].scores[0].meeting", "exchange.ref_missing_meeting"),
    ("duplicate score for goal and meeting",
     lambda d: d["citizens"][0]["goals"][0]["scores"].append({"meeting": "m1", "score": 5}) or d, None,
     "citizens[0].goals[0].scores[1].meeting", "exchange.score_duplicate"),
    ("contact person unknown", _set(C + ("contact_person",), "p9"), None,
     "citizens[0].contact_person", "exchange.ref_missing_person"),
    ("meeting leader is a meeting", _set(C + ("meetings", 1, "leader"), "m1"), None,
     "citizens[0].meetings[1].leader", "exchange.ref_not_person"),
    ("participant listed twice (the database allows one row per person)",
     _set(C + ("meetings", 0, "participants"), ["p1", "p2", "p1"]), None,
     "citizens[0].meetings[0].participants[2]", "exchange.participant_twice"),
    ("text over 10,000 characters", _set(C + ("goals", 0, "own_words"), "æ" * 10_001), None,
     "citizens[0].goals[0].own_words", "exchange.schema_too_long"),
    ("under 10,000 in the file, over after Unicode normalisation (NFC expands U+FB2C)",
     _set(C + ("actions", 0, "text"), "\ufb2c" * 4_000), None,
     "citizens[0].actions[0].text", "error.too_long"),
    ("a name of spaces only", _set(C + ("people", 1, "name"), "   "), None,
     "citizens[0].people[1].name", "error.required"),
    ("an e-mail address the forms refuse: a second attendee in the calendar file",
     _set(C + ("people", 0, "email"), "a@x.example,mailto:evil@evil.example"), None,
     "citizens[0].people[0].email", "error.bad_email"),
    ("four active goals: at most three focus areas",
     lambda d: d["citizens"][0]["goals"].append({"ref": "g4", "own_words": "Flytte", "status": "active"})
     or d,
     None, "citizens[0].goals[3].status", "exchange.too_many_active_goals"),
    ("not JSON at all", None, b"Ditte;Mikkelsen;2001-03-14", "$", "exchange.not_json"),
    ("not UTF-8", None, "Æ".encode("latin-1"), "$", "exchange.not_utf8"),
    ("JSON but not an object", None, b"[1, 2, 3]", "$", "exchange.type_object"),
    ("JSON text that is a string", None, b'"samplan/1"', "$", "exchange.type_object"),
    ("wrong format", _set(("format",), "samplan/3"), None, "format", "exchange.schema_const"),
]


def problems_for(change, raw, lang):
    """What validation says about a case, without a database."""
    if raw is not None:
        try:
            doc = exchange.parse_document(raw, lang=lang)
        except ImportFailed as failed:
            return failed.problems
    else:
        doc = change(example())
    return validate_document(doc, lang=lang)


@pytest.mark.parametrize(
    ("change", "raw", "path", "key"),
    [case[1:] for case in IMPORT_ERRORS],
    ids=[case[0] for case in IMPORT_ERRORS],
)
def test_every_kind_of_bad_file_is_refused_and_imports_nothing(db_url, change, raw, path, key):
    before = row_counts()
    with pytest.raises(ImportFailed) as caught:
        import_(raw if raw is not None else change(example()))
    problems = caught.value.problems
    assert [(p.path, p.key) for p in problems] == [(path, key)]
    assert row_counts() == before
    assert caught.value.message("da") == "Filen blev ikke indlæst: 1 fejl. Intet er gemt."


@pytest.mark.parametrize(
    ("change", "raw", "path", "key"),
    [case[1:] for case in IMPORT_ERRORS],
    ids=[case[0] for case in IMPORT_ERRORS],
)
def test_every_problem_reads_as_a_sentence_in_danish_and_english(change, raw, path, key):
    danish, english = problems_for(change, raw, "da"), problems_for(change, raw, "en")
    assert [(p.path, p.key) for p in danish] == [(p.path, p.key) for p in english] == [(path, key)]
    for problem in (*danish, *english):
        assert "{" not in problem.message and "}" not in problem.message  # every placeholder filled
        assert problem.message != key  # the key exists in the catalogue
    assert danish[0].message != english[0].message


def test_the_english_message_for_an_unknown_owner_reads_naturally():
    doc = _set(C + ("actions", 2, "owner"), "p404")(example())
    (problem,) = validate_document(doc, lang="en")
    assert str(problem) == "citizens[0].actions[2].owner: no person with ref “p404”"
    (problem,) = validate_document(doc)
    assert problem.message == "Ingen person har ref »p404«."


def test_every_problem_comes_back_at_once_in_document_order():
    doc = example()
    ditte = doc["citizens"][0]
    ditte["contact_person"] = "p9"  # 1
    ditte["consents"][0]["ref"] = "p1"  # 2 (duplicate)
    ditte["goals"][0]["scores"][0]["meeting"] = "m9"  # 4
    ditte["goals"][0]["own_words"] = ""  # 3 (a goal needs words; own_words comes before scores)
    ditte["actions"][2]["owner"] = "g1"  # 5
    ditte["actions"][2]["due_on"] = "2026-13-01"  # 6
    ditte["meetings"][1]["minutes"] = 1  # 7
    doc["citizens"].append({"ref": "c2", "name": ""})  # 8
    problems = validate_document(doc)
    assert [p.path for p in problems] == [
        "citizens[0].contact_person",
        "citizens[0].consents[0].ref",
        "citizens[0].goals[0].own_words",
        "citizens[0].goals[0].scores[0].meeting",
        "citizens[0].actions[2].owner",
        "citizens[0].actions[2].due_on",
        "citizens[0].meetings[1].minutes",
        "citizens[1].name",
    ]


def test_a_broken_structure_is_reported_not_crashed_on():
    doc = {"format": "samplan/1", "citizens": [
        "Ditte",
        {"ref": 7, "name": ["x"], "people": {"p1": {}}, "goals": [None, {"ref": "g1"}],
         "actions": [{"ref": "a1", "text": "x", "owner": 5, "goal": None}],
         "meetings": [{"ref": "m1", "starts_at": 12, "participants": "p1", "preparation": []}]},
    ]}
    problems = validate_document(doc)
    paths = [p.path for p in problems]
    assert paths == sorted(paths, key=lambda p: paths.index(p))  # stable and complete
    assert "citizens[0]" in paths and "citizens[1].people" in paths and "citizens[1].goals[0]" in paths
    assert "citizens[1].meetings[0].starts_at" in paths and "citizens[1].actions[0].owner" in paths


# --- round trips ----------------------------------------------------------------------


def _lower(email):
    """Addresses are stored in lower case, as the forms store them (models.text.clean_email)."""
    return email.lower() if isinstance(email, str) else email


def canonical(doc):
    """A document with refs replaced by what they point at, and defaults filled in.

    People, consents, goals and actions are compared in file order; meetings by start time
    (the export orders them chronologically), with times compared as instants.
    """
    out = []
    for citizen in doc["citizens"]:
        people = {p["ref"]: ("person", i) for i, p in enumerate(citizen.get("people", []))}
        goals = {g["ref"]: ("goal", i) for i, g in enumerate(citizen.get("goals", []))}
        meetings = {
            m["ref"]: ("meeting", datetime.fromisoformat(m["starts_at"]).astimezone(UTC).isoformat())
            for m in citizen.get("meetings", [])
        }
        owner = {**people, "citizen": "citizen"}
        out.append({
            "name": citizen["name"],
            **{k: citizen.get(k) for k in ("birth_date", "phone")},
            "email": _lower(citizen.get("email")),
            "contact_person": people.get(citizen.get("contact_person")),
            "people": [
                {k: _lower(v) if k == "email" else v for k, v in p.items() if k != "ref"}
                for p in citizen.get("people", [])
            ],
            "consents": [{k: v for k, v in c.items() if k != "ref"} for c in citizen.get("consents", [])],
            "goals": [
                {
                    "own_words": g["own_words"], "area": g.get("area"), "status": g.get("status", "active"),
                    "created_on": g.get("created_on"),
                    "scores": sorted(
                        ({"meeting": meetings[s["meeting"]], "score": s["score"], "note": s.get("note")}
                         for s in g.get("scores", [])),
                        key=lambda s: s["meeting"],
                    ),
                }
                for g in citizen.get("goals", [])
            ],
            "actions": [
                {
                    "text": a["text"], "goal": goals.get(a.get("goal")), "owner": owner[a["owner"]],
                    "due_on": a.get("due_on"), "status": a.get("status", "open"),
                    "trial": a.get("trial", False),
                    "agreed_at": meetings.get(a.get("agreed_at")), "done_on": a.get("done_on"),
                }
                for a in citizen.get("actions", [])
            ],
            "meetings": sorted(
                (
                    {
                        "starts_at": meetings[m["ref"]], "minutes": m.get("minutes", 60),
                        "place": m.get("place"), "status": m.get("status", "planned"),
                        "leader": people.get(m.get("leader")), "note_taker": people.get(m.get("note_taker")),
                        "participants": [people[p] for p in m.get("participants", [])],
                        "citizen_present": m.get("citizen_present"),
                        "preparation": m.get("preparation"),
                        "decisions": m.get("decisions", []), "unmet_needs": m.get("unmet_needs", []),
                    }
                    for m in citizen.get("meetings", [])
                ),
                key=lambda m: m["starts_at"],
            ),
        })
    return out


def assert_round_trip(doc):
    imported = import_(copy.deepcopy(doc))
    assert [c.name for c in imported] == [c["name"] for c in doc["citizens"]]
    with session_scope() as s:
        exported = export_all(session=s, actor=None)
    assert_valid(exported)
    expected, actual = canonical(doc), canonical(exported)
    assert len(actual) == len(expected)
    for want, got in zip(expected, actual, strict=True):
        for name in want:  # field by field, so a failure names the field
            assert got[name] == want[name], name
    return exported


def test_the_example_survives_import_and_export(db_url):
    exported = assert_round_trip(example())
    ditte = exported["citizens"][0]
    # the export names refs itself; Copenhagen time with the offset of the day
    assert [m["starts_at"] for m in ditte["meetings"]] == [
        "2026-10-15T10:00:00+02:00", "2027-02-10T10:00:00+01:00"
    ]
    assert [p["ref"] for p in ditte["people"]] == ["p1", "p2", "p3", "p4", "p5"]
    exported_at = datetime.fromisoformat(exported["exported_at"])
    assert abs(exported_at - datetime.now(UTC)) < timedelta(minutes=1)


LONG = "Å" * 9_993 + " 😀 ø\tæ\n"  # exactly 10,000 characters: the limit, not over it


def tricky_document():
    """Everything that tends to break a text pipeline, in every kind of text field."""
    assert len(LONG) == 10_000
    html = "<script>alert(1)</script>"
    markdown = "[x](javascript:alert(1)) **bold** _kursiv_ `kode`"
    return {
        "format": "samplan/1",
        "citizens": [
            {
                "ref": "dunya",
                "name": "دنيا الحسيني",
                "birth_date": "1990-02-28",
                "phone": "+45 ٢٠ ٠٠ ٠٠ ٠٢",
                "email": "دنيا@example.dk",
                "contact_person": "sarah",
                "people": [
                    {"ref": "sarah", "name": "שרה כהן", "kind": "professional", "department": "Sundhed 🏥",
                     "title": html, "email": "Sarah.Cohen@Kommune.Example", "phone": "+45 11 22 33 44"},
                    {"ref": "mor", "name": "Ærlige Øjvind Åberg 👨‍👩‍👧", "kind": "private",
                     "relation": markdown},
                    {"ref": "x" * 64, "name": "N" * 200, "kind": "professional", "department": "D" * 200},
                ],
                "consents": [
                    {"ref": "ok", "parties": ["Sundhed 🏥", html, "P" * 200], "scope": LONG,
                     "given_on": "2025-01-01", "expires_on": "2026-01-01", "withdrawn_on": "2025-06-30",
                     "form": "oral"},
                    {"ref": "ok2", "parties": ["Jobcenter"], "given_on": "2026-01-02"},
                ],
                "goals": [
                    {"ref": "mål", "own_words": LONG, "area": "other", "status": "paused",
                     "created_on": "2025-01-01",
                     "scores": [{"meeting": "sommer", "score": 10, "note": LONG},
                                {"meeting": "vinter", "score": 0, "note": markdown}]},
                    {"ref": "g2", "own_words": "  leading and trailing spaces are the citizen's  ",
                     "status": "achieved", "created_on": "2025-02-01", "scores": []},
                ],
                "actions": [
                    {"ref": "a", "text": LONG, "goal": "mål", "owner": "citizen", "due_on": "2025-03-01",
                     "status": "cancelled", "trial": True, "agreed_at": "vinter", "done_on": "2025-02-01"},
                    {"ref": "b", "text": html, "owner": "x" * 64, "status": "open", "trial": False},
                ],
                "meetings": [
                    {"ref": "sommer", "starts_at": "2026-07-01T08:00:00Z", "minutes": 480, "place": "S" * 300,
                     "status": "cancelled", "leader": "sarah", "note_taker": "x" * 64,
                     "participants": ["sarah", "mor"], "citizen_present": False,
                     "preparation": {"matters_most": LONG, "dream": "🌈" * 10_000, "going_well": html,
                                     "questions": markdown},
                     "decisions": [LONG, html], "unmet_needs": [markdown, LONG]},
                    {"ref": "vinter", "starts_at": "2026-01-15T09:30:00.5+01:00", "minutes": 5,
                     "status": "held", "preparation": {"dream": "Kun en drøm"}},
                ],
            },
            {"ref": "c2", "name": "Ib"},  # the least a citizen can be
        ],
    }


def test_tricky_text_survives_import_and_export_unchanged(db_url):
    exported = assert_round_trip(tricky_document())
    dunya = exported["citizens"][0]
    summer = next(m for m in dunya["meetings"] if m["status"] == "cancelled")
    assert summer["starts_at"] == "2026-07-01T10:00:00+02:00"  # Z in, Copenhagen summer time out
    assert dunya["goals"][0]["own_words"] == LONG
    assert exported["citizens"][1] == {
        "ref": "c2", "name": "Ib", "people": [], "consents": [], "goals": [], "actions": [], "meetings": []
    }


def test_the_sanitiser_runs_on_import(db_url):
    doc = example()
    ditte = doc["citizens"][0]
    ditte["name"] = "Ditte\u202e Mikkelsen\x00"  # a bidi override and a NUL
    ditte["goals"][0]["own_words"] = "Linje 1\r\nLinje 2\x07"
    ditte["people"][0]["title"] = "koordinerende\nsagsbehandler"
    ditte["goals"][1]["own_words"] = "Cafe\u0301"  # decomposed é becomes one character (NFC)
    (imported,) = import_(doc)
    exported = export_one(imported.id)["citizens"][0]
    assert exported["name"] == "Ditte Mikkelsen"
    assert exported["goals"][0]["own_words"] == "Linje 1\nLinje 2"
    assert exported["people"][0]["title"] == "koordinerende sagsbehandler"
    assert exported["goals"][1]["own_words"] == "Café"


# --- export ---------------------------------------------------------------------------


def test_export_maps_what_samplan_1_cannot_hold_and_stays_valid(db_url):
    with session_scope(write=True) as s:
        citizen = make_citizen(s, name="Anna Jensen")
        pro = make_person(s, citizen=citizen, department="Jobcenter")
        draft = make_meeting(s, citizen=citizen, status="draft", participants=(pro,))
        running = make_meeting(s, citizen=citizen, status="in_progress",
                               starts_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
        goal = make_goal(s, citizen=citizen)
        make_action(s, citizen=citizen, owner=pro, goal=goal, agreed_at=running)
        make_action(s, citizen=citizen, text="Ingen ejer endnu")  # unfinished: no owner yet
        make_consent(s, citizen=citizen, kind="joint_plan", parties=())  # no parties: cannot be held
        make_consent(s, citizen=citizen)
        assert draft.id and running.id
    doc = export_one(citizen.id)
    assert_valid(doc)
    anna = doc["citizens"][0]
    assert [m["status"] for m in anna["meetings"]] == ["planned", "planned"]
    assert [a["text"] for a in anna["actions"]] == ["Undersøge praktikpladser i børnehaver i nærheden."]
    assert len(anna["consents"]) == 1
    assert anna["actions"][0]["agreed_at"] == "m1" and anna["meetings"][0]["starts_at"].endswith("+01:00")


def test_export_of_a_citizen_needs_access_and_is_audited(db_url):
    with session_scope(write=True) as s:
        staff = make_user(s)
        citizen = make_citizen(s)
    with pytest.raises(AccessDenied):
        export_one(citizen.id, actor=make_actor(staff))
    with session_scope(write=True) as s:
        from models.team import add_team_member

        admin = make_actor(make_user(s, role="admin"))
        add_team_member(session=s, actor=admin, citizen_id=citizen.id, user_id=staff.id)
    assert export_one(citizen.id, actor=make_actor(staff))["citizens"][0]["name"] == "Ditte Mikkelsen"
    export_one(citizen.id)  # the command line
    with session_scope() as s:
        rows = s.exec(
            select(AuditEvent.user_id, AuditEvent.outcome)
            .where(AuditEvent.action == "citizen.export_json")
            .order_by(AuditEvent.id)
        ).all()
    assert rows == [(staff.id, "denied"), (staff.id, "ok"), (None, "ok")]


def test_export_all_holds_only_the_citizens_the_actor_may_see(db_url):
    with session_scope(write=True) as s:
        staff = make_user(s)
        mine, theirs = make_citizen(s, name="Mine"), make_citizen(s, name="Theirs")
        from tests.factories import make_membership

        make_membership(s, citizen=mine, user=staff)
        make_membership(s, citizen=theirs, user=staff, ended_at=datetime(2026, 1, 1, tzinfo=UTC))
    with session_scope() as s:
        doc = export_all(session=s, actor=make_actor(staff))
    assert [c["name"] for c in doc["citizens"]] == ["Mine"]
    with session_scope() as s:
        everyone = export_all(session=s, actor=None)
    assert [c["name"] for c in everyone["citizens"]] == ["Mine", "Theirs"]
    assert [c["ref"] for c in everyone["citizens"]] == ["c1", "c2"]


def big_document(count):
    """`count` citizens with a year of plan each (3 meetings, 3 goals with scores, 6 actions)."""
    citizens = []
    for n in range(count):
        meetings = [
            {"ref": f"m{i}", "starts_at": f"2026-0{2 + 4 * i // 2}-1{i}T10:00:00+01:00", "minutes": 60,
             "status": "held", "leader": "p1", "participants": ["p1", "p2", "p3"],
             "decisions": ["Beslutning"], "preparation": {"dream": "En drøm"}}
            for i in range(3)
        ]
        citizens.append({
            "ref": f"c{n}", "name": f"Borger {n}", "contact_person": "p1",
            "people": [{"ref": f"p{i}", "name": f"Fagperson {i}", "kind": "professional",
                        "department": f"Afdeling {i}"} for i in range(1, 4)],
            "consents": [{"ref": "k1", "parties": ["Afdeling 1", "Afdeling 2"], "given_on": "2026-01-01"}],
            "goals": [{"ref": f"g{i}", "own_words": f"Mål {i}", "scores": [
                {"meeting": f"m{j}", "score": j + i} for j in range(3)]} for i in range(3)],
            "actions": [{"ref": f"a{i}", "text": f"Aftale {i}", "owner": f"p{1 + i % 3}", "goal": f"g{i % 3}",
                         "agreed_at": f"m{i % 3}", "due_on": "2026-12-01"} for i in range(6)],
            "meetings": meetings,
        })
    return {"format": "samplan/1", "citizens": citizens}


def test_export_all_takes_a_fixed_number_of_queries_not_one_per_row(db_url, engine, monkeypatch):
    monkeypatch.setattr(exchange_export, "EXPORT_BATCH", 50)
    doc = big_document(60)  # more than one batch
    assert validate_document(doc) == []
    import_(doc)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope() as s:
            exported = export_all(session=s, actor=None)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(exported["citizens"]) == 60
    assert exported["citizens"][59]["actions"][5]["agreed_at"] == "m3"
    # the citizen list + 2 batches x 13 tables; never one per citizen (the audit rows, one per
    # exported citizen, are the only writes)
    assert len(statements) <= 1 + 2 * 13, len(statements)  # (its time is make bench's figure)


@pytest.mark.parametrize(
    "doc",
    [example(), tricky_document(), big_document(2)]
    + [case[1](example()) for case in IMPORT_ERRORS if case[1] is not None],
)
def test_the_faster_inlined_schema_judges_exactly_like_the_original(doc):
    def errors(validator):
        return sorted((list(e.absolute_path), e.validator, e.message) for e in validator.iter_errors(doc))

    assert errors(exchange.schema_validator()) == errors(schema_validator())


def test_the_word_export_gets_the_plan_with_the_same_access_rules(db_url):
    (ditte,) = import_(example())
    with session_scope(write=True) as s:
        stranger = make_actor(make_user(s))
    with pytest.raises(AccessDenied), session_scope() as s:
        exchange.plan_for_word_export(session=s, actor=stranger, citizen_id=ditte.id)
    with session_scope() as s:  # the command line
        plan = exchange.plan_for_word_export(session=s, actor=None, citizen_id=ditte.id)
    assert plan.citizen.name == "Ditte Mikkelsen" and len(plan.goals) == 3
    with session_scope() as s:
        rows = s.exec(
            select(AuditEvent.user_id, AuditEvent.outcome).where(AuditEvent.action == "plan.export_docx")
        ).all()
    assert sorted(rows, key=str) == sorted([(stranger.user_id, "denied"), (None, "ok")], key=str)


# --- e-mail addresses: the forms' rule (models.text.clean_email) -------------------------

HOSTILE_EMAILS = [
    "a@x.example,mailto:evil@evil.example",  # a second ATTENDEE after a comma
    "a@x.example,evil.example",  # a comma without a second @
    "a@x.example;mailto:evil@evil.example",  # a semicolon: a list separator in mail headers
    "a@x.example\r\nATTENDEE:mailto:evil@evil.example",  # a line break: a new property
    "mailto:evil@evil.example",  # a URI scheme inside the address
    "a@x.example?cc=evil%40evil.example",  # mailto header fields: a hidden copy
    '"a,b"@x.example',  # quoting
    "Eva <evil@evil.example>",  # a display name around another address
    "a@x.example:evil",  # a colon
    "evil.example",  # no @ at all
    "a@localhost",  # no domain: nobody's address
    "a" * 250 + "@x.example",  # over 254 characters
]


@pytest.mark.parametrize("email", HOSTILE_EMAILS)
@pytest.mark.parametrize(
    ("where", "path"),
    [(("email",), "citizens[0].email"), (("people", 2, "email"), "citizens[0].people[2].email")],
    ids=["citizen", "person"],
)
def test_an_address_the_forms_refuse_fails_the_whole_import(db_url, email, where, path):
    before = row_counts()
    doc = _set(C + where, email)(example())
    doc["citizens"].append(copy_of_ditte("c2"))  # a valid citizen beside it is not imported either
    with pytest.raises(ImportFailed) as caught:
        import_(doc)
    expected = "exchange.schema_too_long" if len(email) > 254 else "error.bad_email"
    assert [(p.path, p.key) for p in caught.value.problems] == [(path, expected)]
    assert "\n" not in caught.value.problems[0].message  # one line on the command line
    assert row_counts() == before


def copy_of_ditte(ref):
    citizen = copy.deepcopy(example()["citizens"][0])
    return {**citizen, "ref": ref, "name": "Anden Borger"}


@pytest.mark.parametrize(
    ("email", "stored"),
    [
        ("Rasmus.Holm@Kommune.Example", "rasmus.holm@kommune.example"),  # lower case, as the forms
        ("  lone@example.dk ", "lone@example.dk"),  # spaces around are trimmed
        ("o'brien+samplan@kommune.example", "o'brien+samplan@kommune.example"),  # ' and + are fine
        ("søren.æblø@kommune.dk", "søren.æblø@kommune.dk"),  # Danish letters
        ("دنيا@example.dk", "دنيا@example.dk"),  # other scripts
        ("", None),  # empty is no address
    ],
)
def test_a_valid_address_is_stored_as_the_forms_store_it(db_url, email, stored):
    doc = _set(C + ("people", 0, "email"), email)(example())
    (imported,) = import_(doc)
    with session_scope() as s:
        people = s.exec(select(Person).where(Person.citizen_id == imported.id).order_by(Person.id)).all()
    assert people[0].email == stored
