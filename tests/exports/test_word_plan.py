"""The joint plan as Word, read back with python-docx: every section, both variants, tricky text."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import docx
import pytest
from sqlmodel import select

from exports.word_plan import build_plan_docx, file_name, word_safe
from models.db import session_scope
from models.plans import JointPlan, load_joint_plan, plan_to_json
from models.tables import Citizen, Meeting, Person, PlanVersion, today, utcnow
from tests.factories import (
    make_action,
    make_actor,
    make_citizen,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_score,
    make_user,
)

PRINTED = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
WHEN_HARD = "Når jeg ikke kan sove, ringer jeg til min mor Lone.\nOg så går jeg en tur."
DISAGREEMENT = "Jeg vil ikke have, at jobcentret ringer til min mor."


@dataclass
class Arranged:
    citizen_id: int
    actor: object
    goals: list[str]


def arrange_plan(
    session, *, name: str = "Ditte Mikkelsen", goal_words: tuple[str, ...] | None = None,
    action_text: str = "Ringe til børnehaven Solsikken.",
) -> Arranged:  # fmt: skip
    """A demo-like citizen with every section of the plan filled in."""
    user = make_user(session, full_name="Rasmus Holm")
    citizen = make_citizen(session, name=name)
    rasmus = make_person(
        session, citizen=citizen, name="Rasmus Holm", department="Jobcenter",
        title="koordinerende sagsbehandler", user=user, is_coordinator=True,
        phone="12 34 56 78", email="rasmus.holm@kommune.example",
    )  # fmt: skip
    helle = make_person(session, citizen=citizen, name="Helle Friis", department="Socialafdelingen",
                        title="socialrådgiver")  # fmt: skip
    mother = make_person(session, citizen=citizen, name="Lone Mikkelsen", kind="private", relation="mor")
    citizen.contact_person_id = rasmus.id
    session.add(citizen)
    make_membership(session, citizen=citizen, user=user, person=rasmus)
    make_consent(session, citizen=citizen, parties=("Jobcenter", "Socialafdelingen"))
    first = make_meeting(session, citizen=citizen, status="held",
                         starts_at=utcnow() - timedelta(days=120), participants=(rasmus,))  # fmt: skip
    held = make_meeting(
        session, citizen=citizen, status="held", starts_at=datetime(2026, 10, 15, 8, 0, tzinfo=UTC),
        participants=(rasmus, helle, mother), leader=rasmus,
        decisions=("Ditte får en mentor fra januar.",),
        unmet_needs=("Transport til psykolog ligger uden for alle afdelingers bevillinger.",),
        preparation={"when_hard": WHEN_HARD},
    )  # fmt: skip
    held_row = session.get(Meeting, held.id)
    held_row.citizen_agrees = False
    held_row.citizen_disagreement = DISAGREEMENT
    session.add(held_row)
    make_meeting(session, citizen=citizen, status="planned", place="Rådhuset, mødelokale 2",
                 starts_at=datetime(2027, 2, 10, 9, 0, tzinfo=UTC))  # fmt: skip
    words = goal_words or (
        "Jeg vil være en god mor for min datter og kunne klare mig selv.",
        "Jeg vil have styr på min angst, så jeg kan tage bussen alene.",
    )
    goals = []
    for n, text in enumerate(words):
        goal = make_goal(session, citizen=citizen, own_words=text, area="family" if n == 0 else "health",
                         professional_note="Kun til teamet: overvej § 85." if n == 0 else None)  # fmt: skip
        make_score(session, goal=goal, meeting=first, score=3)
        make_score(session, goal=goal, meeting=held, score=5, note="Morgenerne er svære.")
        goals.append(goal)
    make_goal(session, citizen=citizen, own_words="Et gammelt mål, der er nået.", status="achieved")
    make_action(session, citizen=citizen, goal=goals[0], owner_is_citizen=True, text=action_text)
    make_action(session, citizen=citizen, goal=goals[0], owner=helle, trial=True,
                text="Prøve en mentor to timer om ugen.")  # fmt: skip
    make_action(session, citizen=citizen, goal=goals[1], owner=rasmus, status="done",
                text="Finde en psykolog tæt på hjemmet.")  # fmt: skip
    make_action(session, citizen=citizen, goal=goals[1], owner=rasmus, status="cancelled",
                text="Aflyst aftale om kursus.")  # fmt: skip
    make_action(session, citizen=citizen, owner=mother, text="Lone kører Ditte til tandlægen.")
    unfinished = make_action(session, citizen=citizen, text="Aftale uden ansvarlig.")
    unfinished.due_on = None  # as while a meeting is running: no owner, no date yet
    session.add(unfinished)
    session.flush()
    plan = load_joint_plan(session=session, actor=make_actor(user), citizen_id=citizen.id)
    session.add(PlanVersion(citizen_id=citizen.id, meeting_id=held.id, number=1,
                            snapshot_json=plan_to_json(plan)))  # fmt: skip
    session.flush()
    return Arranged(citizen_id=citizen.id, actor=make_actor(user), goals=list(words))


def load(arranged: Arranged) -> JointPlan:
    with session_scope() as session:
        return load_joint_plan(session=session, actor=arranged.actor, citizen_id=arranged.citizen_id)


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def plain(text: str) -> str:
    """Dates are written with no-break spaces and hyphens (they never wrap); read them plainly."""
    return text.replace("\u00a0", " ").replace("\u2011", "-")


def all_text(document) -> str:
    """Every paragraph and table cell, in order (tables after the body text is fine here)."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return plain("\n".join(parts))


def headings(document) -> list[str]:
    return [plain(p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]


@pytest.fixture
def ditte(db_url) -> Arranged:
    with session_scope(write=True) as session:
        return arrange_plan(session)


def test_the_citizens_version_has_every_section(ditte):
    document = read(build_plan_docx(load(ditte), printed_at=PRINTED))  # the default variant
    text = all_text(document)
    assert headings(document) == [
        "Min plan – Ditte Mikkelsen",
        "Det er vigtigt for mig", "Mål 1", "Mål 2",
        "Det gør vi", "Aftaler til mål 1", "Aftaler til mål 2", "Andre aftaler",
        "Det besluttede vi", "Hvis det bliver svært", "Din kontaktperson", "Næste møde",
        "Med på mødet 15. oktober 2026", "Samtykke", "Samtykke til deling af oplysninger",
        "Er du enig i planen?",
    ]  # fmt: skip
    # Header: the meeting's date, the plan version and the date it was printed.
    assert "Aftalt på mødet 15. oktober 2026 · Planversion 1 · Udskrevet 22. november 2026" in text
    # What matters: the goals verbatim, with life area, latest score and its change.
    for words in ditte.goals:
        assert words in [p.text for p in document.paragraphs]
    assert "Livsområde: Familie · Sådan går det nu: 5 af 10 (2 op siden sidst)" in text
    assert "Et gammelt mål, der er nået." not in text  # only the active goals
    # Decisions, contact person, next meeting, participants with department, consent.
    assert "Ditte får en mentor fra januar." in text
    assert "Rasmus Holm" in text and "Telefon: 12 34 56 78" in text
    assert "E-mail: rasmus.holm@kommune.example" in text
    assert "Hvornår: 10. februar 2027 kl. 10.00 (60 minutter)" in text
    assert "Hvor: Rådhuset, mødelokale 2" in text
    assert "Må tale sammen: Jobcenter, Socialafdelingen" in text
    assert re.search(r"Gyldighed: gyldigt til \d+\. \w+ \d{4} \(Gyldigt\)", text)
    # If things get hard: the citizen's own words, line break and all; then the contact person.
    assert WHEN_HARD in text
    assert "Du kan altid ringe til din kontaktperson, Rasmus Holm, på 12 34 56 78." in text
    # The agreement line from the last held meeting, with the disagreement verbatim.
    assert "Ditte Mikkelsen er ikke enig i alt i planen (sagt på mødet)." in text
    assert DISAGREEMENT in text
    assert any(p.text.startswith("Underskrift:") for p in document.paragraphs)


def test_the_citizens_version_leaves_out_what_is_for_the_team_only(ditte):
    text = all_text(read(build_plan_docx(load(ditte), variant="citizen")))
    for staff_only in ("Kun til teamet: overvej § 85.", "Morgenerne er svære.", "Transport til psykolog",
                       "Aflyst aftale om kursus.", "Uløste behov"):  # fmt: skip
        assert staff_only not in text


def test_the_teams_version_has_the_notes_and_the_unmet_needs(ditte):
    document = read(build_plan_docx(load(ditte), variant="team", printed_at=PRINTED))
    text = all_text(document)
    assert document.core_properties.title == "Fælles plan for Ditte Mikkelsen – teamets udgave"
    assert "Note fra teamet: Kun til teamet: overvej § 85." in text
    assert "Note til skaleringen: Morgenerne er svære." in text
    assert "Transport til psykolog ligger uden for alle afdelingers bevillinger." in text
    assert "Aflyst aftale om kursus." in text
    assert "Uløste behov (kun til teamet)" in headings(document)
    assert "Ditte Mikkelsen (borgeren selv)" in text  # not "Dig selv": the team reads this one


def test_one_table_per_goal_and_one_for_agreements_without_a_goal(ditte):
    document = read(build_plan_docx(load(ditte)))
    action_tables = [t for t in document.tables if t.rows[0].cells[0].text == "Aftale"]
    rows = [[[c.text for c in row.cells] for row in table.rows[1:]] for table in action_tables]
    assert len(action_tables) == 3  # goal 1, goal 2, the rest
    goal_1, goal_2, others = rows
    # The citizen's own agreement is marked as theirs, in bold; the trial action is marked.
    assert goal_1[0][:2] == ["Ringe til børnehaven Solsikken.", "Dig selv"]
    own_cell = action_tables[0].rows[1].cells[1].paragraphs[0]
    assert all(run.bold for run in own_cell.runs)
    assert goal_1[1][:2] == ["Prøvehandling: Prøve en mentor to timer om ugen.", "Helle Friis"]
    assert action_tables[0].rows[2].cells[0].paragraphs[0].runs[0].bold
    assert goal_2 == [["Finde en psykolog tæt på hjemmet.", "Rasmus Holm", goal_2[0][2], "Udført"]]
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", goal_2[0][2])
    assert others[0][:2] == ["Lone kører Ditte til tandlægen.", "Lone Mikkelsen"]
    assert others[1] == ["Aftale uden ansvarlig.", "Mangler ansvarlig", "Ingen dato", "Ikke startet"]
    # The participants with role and department.
    people = next(t for t in document.tables if t.rows[0].cells[0].text == "Navn")
    assert [c.text for c in people.rows[2].cells][:3] == ["Helle Friis", "socialrådgiver", "Socialafdelingen"]


def test_a4_page_numbers_title_and_date_in_the_properties(ditte):
    document = read(build_plan_docx(load(ditte), printed_at=PRINTED))
    for section in document.sections:
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
        footer_xml = section.footer._element.xml
        assert "PAGE" in re.findall(r"<w:instrText[^>]*>\s*(\w+)\s*</w:instrText>", footer_xml)
    properties = document.core_properties
    assert properties.title == "Min plan – Ditte Mikkelsen"
    assert properties.created == PRINTED
    assert properties.language == "da-DK"


def test_english_is_available_for_the_same_plan(ditte):
    document = read(build_plan_docx(load(ditte), lang="en"))
    assert "What matters to me" in headings(document)
    assert document.core_properties.title == "My plan – Ditte Mikkelsen"


def test_an_unknown_variant_is_refused(ditte):
    with pytest.raises(ValueError):
        build_plan_docx(load(ditte), variant="secret")


LONG_GOAL = ("Jeg vil gerne kunne sove om natten. " * 300)[:10_000]
TRICKY_GOALS = (
    "Jeg vil have <b>fed</b> & <script>alert(1)</script> ud af mit liv",  # HTML stays literal
    "**Mit mål** _med_ [link](http://x.example) # ikke en overskrift\n- punkt",  # Markdown too
    "Jeg vil gå ture 🌱🚶‍♀️ med min hund 🐕 – æøå ÆØÅ",  # emoji, ZWJ sequence, Danish letters
)


def test_tricky_text_comes_out_verbatim(db_url):
    rtl_name = "مريم الحسيني"
    with session_scope(write=True) as session:
        arranged = arrange_plan(
            session, name=rtl_name, goal_words=(LONG_GOAL, *TRICKY_GOALS),
            action_text="Ring\x01 til\x0b Solsikken\x1f ️",  # control characters from an old import
        )
    document = read(build_plan_docx(load(arranged)))
    paragraphs = [p.text for p in document.paragraphs]
    assert LONG_GOAL in paragraphs  # 10,000 characters, not cut
    for words in TRICKY_GOALS:
        assert words in all_text(document)
    assert document.core_properties.title == f"Min plan – {rtl_name}"
    assert paragraphs[0] == f"Min plan – {rtl_name}"
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Ring til Solsikken ️" in cells  # only the characters Word cannot hold are gone


def test_characters_no_word_file_can_hold_are_left_out(ditte):
    # NUL and lone surrogates cannot even reach the database; an in-memory plan can hold them.
    plan = load(ditte)
    goal = replace(plan.goals[0], own_words="før\x00efter\ud800 og \ufffeslut\tmed tab")
    broken = replace(plan, goals=(goal, *plan.goals[1:]))
    document = read(build_plan_docx(broken, variant="team"))
    assert "føreefter og slut\tmed tab" not in all_text(document)
    assert "førefter og slut\tmed tab" in all_text(document)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("æøå 🌱", "æøå 🌱"),  # nothing to do
        ("a\x00b\x08c\x0bd\x0ce\x1ff", "abcdef"),  # C0 controls
        ("linje 1\nlinje 2\ttab\r", "linje 1\nlinje 2\ttab\r"),  # the three Word can hold
        ("x\ud83dy\ufffez\uffff", "xyz"),  # lone surrogate and the two non-characters
        (None, ""),
    ],
)
def test_word_safe(raw, expected):
    assert word_safe(raw) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ditte Mikkelsen", "plan-ditte-mikkelsen-min-plan.docx"),
        # issue 19: the Danish letters stay (they used to become hyphens: kasper-b-kgaard-lgaard)
        ("Kasper Bøkgaard Ølgaard", "plan-kasper-bøkgaard-ølgaard-min-plan.docx"),
        ("ÆBLE Åse Ærø", "plan-æble-åse-ærø-min-plan.docx"),
        ("A\u030ase", "plan-åse-min-plan.docx"),  # a decomposed å is composed first
        ("Zoë Müller-Ørsted", "plan-zoë-müller-ørsted-min-plan.docx"),
        ("../../etc/passwd", "plan-etc-passwd-min-plan.docx"),  # no path in a file name
        ("Eva\u202egnp.exe", "plan-eva-gnp-exe-min-plan.docx"),  # no direction override
        ("مريم", "plan-7-min-plan.docx"),  # no Latin letters: the citizen's id
    ],
)
def test_file_names_keep_the_danish_letters(ditte, name, expected):
    plan = load(ditte)
    named = replace(plan, citizen=replace(plan.citizen, name=name, id=7))
    assert file_name(named, "citizen") == expected
    assert file_name(named, "team") == expected.replace("min-plan", "teamets-udgave")


def test_a_plan_without_meetings_goals_or_contact_still_exports(db_url):
    with session_scope(write=True) as session:
        user = make_user(session)
        citizen = make_citizen(session, name="Anna Ny")
        make_membership(session, citizen=citizen, user=user)
        arranged = Arranged(citizen_id=citizen.id, actor=make_actor(user), goals=[])
    text = all_text(read(build_plan_docx(load(arranged))))
    for line in (
        "Planen har endnu ikke været på et møde",
        "Der er endnu ingen mål i planen.",
        "Der er ikke valgt en kontaktperson endnu.",
        "Der er ikke aftalt et nyt møde endnu.",
        "Der er ikke registreret et gyldigt samtykke.",
        "Det blev ikke skrevet ned på mødet.",
    ):
        assert line in text


def test_the_demo_citizen_exports_every_section(db_url):
    from models.demo import load_demo
    from models.exchange import plan_for_word_export

    load_demo()
    with session_scope() as session:
        citizen_id = session.execute(select(Citizen.id).where(Citizen.name == "Ditte Mikkelsen")).scalar_one()
        plan = plan_for_word_export(session=session, actor=None, citizen_id=citizen_id)
        contact = session.get(Person, plan.citizen.contact_person_id)
    for variant in ("citizen", "team"):
        document = read(build_plan_docx(plan, variant=variant))
        found = headings(document)
        for heading in (
            "Det er vigtigt for mig", "Det gør vi", "Andre aftaler", "Det besluttede vi",
            "Hvis det bliver svært", "Næste møde", "Samtykke", "Er du enig i planen?",
        ):  # fmt: skip
            assert heading in found
        assert [h for h in found if h.startswith("Mål ")] == ["Mål 1", "Mål 2", "Mål 3"]
        assert contact.name in all_text(document)
        for goal in plan.active_goals:
            assert goal.own_words in [p.text for p in document.paragraphs]
    assert today()  # the demo is relative to today: nothing above depends on a fixed date


def test_a_suggested_next_meeting_is_printed_as_a_suggestion(ditte):
    """Issue 25: a draft nobody confirmed is not a date on paper: no clock time, place or link."""
    plan = load(ditte)
    coming = plan.next_meeting
    meetings = tuple(replace(m, status="draft") if m is coming else m for m in plan.meetings)
    draft = replace(plan, meetings=meetings)
    data = build_plan_docx(draft, printed_at=PRINTED)
    text = all_text(read(data))
    assert "Hvornår: Forslag: næste møde omkring 10. februar 2027 — ikke aftalt endnu" in text
    assert "10. februar 2027 kl. 10.00" not in text and "Hvor: Rådhuset, mødelokale 2" not in text
    confirmed = all_text(read(build_plan_docx(plan, printed_at=PRINTED)))
    assert "Hvornår: 10. februar 2027 kl. 10.00 (60 minutter)" in confirmed and "Forslag" not in confirmed
