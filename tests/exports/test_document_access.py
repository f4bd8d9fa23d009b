"""The Word plan and the invitation letter as a citizen with a screen reader, low vision or a
spelling checker meets them (issue 18): the document's language, contrast of every run against
its background, the citizen's goals as the strongest text, real headings, repeating table
header rows, dates that never split over two lines (in the file and as LibreOffice lays it out),
and the contact person's phone wherever the text says "ring"."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import UTC, datetime

import docx
import pytest
from sqlmodel import select

from exports.invitation import build_invitation_docx
from exports.word_plan import build_plan_docx
from models.db import session_scope
from models.plans import PreparationView
from models.tables import Meeting, Person, UnmetNeed
from tests.exports.docx_checks import contrast, default_language, languages, pdf_text, run_looks
from tests.exports.test_calendar import invitation, person
from tests.exports.test_word_plan import DISAGREEMENT, PRINTED, WHEN_HARD, arrange_plan, load, plain

GOALS = ("Jeg vil være en god mor for min datter og kunne klare mig selv.",
         "Jeg vil have styr på min angst, så jeg kan tage bussen alene.")  # fmt: skip
RASMUS = person(1, "Rasmus Holm", "rasmus@kommune.dk", is_leader=True, is_coordinator=True, phone="12345678")
MATTERS = "At bo selv med min datter"
PREP = PreparationView(MATTERS, "En lejlighed med altan", None, None, None, "Gå en tur med hunden.", 1)
MONTHS = ("januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
          "|January|February|March|April|May|June|July|August|September|October|November"
          "|December")  # fmt: skip
DATE = re.compile(rf"\d{{1,2}}\.?[ \u00a0](?:{MONTHS})[ \u00a0]\d{{4}}|\d{{2}}\.\d{{2}}\.\d{{4}}")


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture
def ditte(db_url):
    with session_scope(write=True) as session:
        arranged = arrange_plan(session, goal_words=GOALS)
        mine = (Meeting.citizen_id == arranged.citizen_id) & (Meeting.status == "held")
        held = session.exec(select(Meeting).where(mine).order_by(Meeting.starts_at.desc())).first()
        # Unmet needs end in "(fra mødet 15. oktober 2026)": with texts one character longer each,
        # some date lands where a line breaks — a date with plain spaces would split there.
        for extra in range(30):
            text = "Transport til psykolog " + "x" * (35 + extra) + " mangler"
            session.add(UnmetNeed(meeting_id=held.id, citizen_id=arranged.citizen_id, text=text))
        return arranged


def documents(ditte, lang: str = "da") -> dict[str, bytes]:
    plan = load(ditte)
    letter = invitation(preparation=PREP, contact=RASMUS, invited=(RASMUS,))
    return {
        "plan": build_plan_docx(plan, lang=lang, printed_at=PRINTED),
        "team plan": build_plan_docx(plan, variant="team", lang=lang, printed_at=PRINTED),
        "letter": build_invitation_docx(letter, lang=lang),
    }


@pytest.mark.parametrize(("lang", "tag"), [("da", "da-DK"), ("en", "en-GB")])
def test_the_documents_language_is_the_readers(ditte, lang, tag):
    for name, data in documents(ditte, lang).items():
        document = read(data)
        assert default_language(document) == tag, name  # the defaults every style inherits
        assert languages(document) == {tag}, name  # and no style or run says en-US
        assert document.core_properties.language == tag, name


def test_every_run_has_at_least_4_5_to_1_against_its_background(ditte):
    for name, data in documents(ditte).items():
        looks = run_looks(read(data))
        assert looks, name
        theme = sorted({look.colour for look in looks if look.colour.startswith("theme:")})
        assert theme == [], name  # Word would draw the theme's colour, unchecked
        ratios = [(look, contrast(look.colour, look.background)) for look in looks]
        low = [(look.text[:30], look.colour, look.background, round(r, 2)) for look, r in ratios if r < 4.5]
        assert low == [], name


def test_table_headers_repeat_and_are_readable(ditte):
    for name in ("plan", "team plan"):
        document = read(documents(ditte)[name])
        assert document.tables, name
        for table in document.tables:
            first = table.rows[0]._tr
            assert first.trPr is not None and first.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
        headers = [look for look in run_looks(document) if look.in_header_row]
        assert headers and all(contrast(h.colour, h.background) >= 7 for h in headers)  # AAA, even
        assert all(h.bold for h in headers)


@pytest.mark.parametrize(("name", "words"), [("plan", GOALS), ("letter", (MATTERS,))])
def test_the_citizens_goals_are_the_strongest_text(ditte, name, words):
    looks = run_looks(read(documents(ditte)[name]))
    goals = [look for look in looks if look.text in words]
    assert {look.text for look in goals} == set(words)
    body = [look for look in looks if not look.style.lower().startswith("heading")]
    strongest = max(contrast(look.colour, look.background) for look in looks)
    for goal in goals:
        assert goal.bold and not goal.italic  # italic is the hardest to read; it was bold italic
        assert contrast(goal.colour, goal.background) == strongest  # it was the palest (4.0:1)
        assert goal.size >= max(look.size for look in body)  # no body text is larger


def _headings(document) -> list[tuple[int, str]]:
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        assert name not in ("Title", "Subtitle"), paragraph.text  # not a heading to a screen reader
        if name.startswith("Heading"):
            found.append((int(name.split()[1]), plain(paragraph.text)))
    return found


@pytest.mark.parametrize(
    ("name", "must_be_headings"),
    [
        ("plan", ["Min plan – Ditte Mikkelsen", "Det er vigtigt for mig", "Mål 1",
                  "Samtykke til deling af oplysninger"]),  # the consent's kind was a bold line
        ("letter", ["Invitation til netværksmøde", "Hvornår og hvor", "Det vigtigste for mig lige nu",
                    "Når det bliver svært, hjælper det … og jeg ringer til"]),  # were bold lines
    ],
)  # fmt: skip
def test_every_heading_is_a_heading_style_in_outline_order(ditte, name, must_be_headings):
    headings = _headings(read(documents(ditte)[name]))
    levels = [level for level, _text in headings]
    assert levels[0] == 1 and levels.count(1) == 1  # one title
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))  # no level skipped
    texts = [text for _level, text in headings]
    assert all(text in texts for text in must_be_headings), texts


def _dates_in(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [match.group(0) for text in texts for match in DATE.finditer(text)]


def test_dates_never_split_over_two_lines(ditte):
    for name, data in documents(ditte).items():
        dates = _dates_in(read(data))
        assert dates, name
        assert [d for d in dates if " " in d] == [], name  # no-break spaces only
        # As LibreOffice lays the pages out: every date whole on one line of the PDF's text.
        laid_out = pdf_text(data, "doc").replace("\u00a0", " ")
        lines = [re.sub(r"\s+", " ", line) for line in laid_out.splitlines()]
        wanted = Counter(plain(d) for d in dates)
        whole = {d: sum(line.count(d) for line in lines) for d in wanted}
        assert whole == dict(wanted), name  # a date split over two lines is missing here


# --- "Ring" only with a number to ring --------------------------------------------------------

USER_TEXTS = (WHEN_HARD, DISAGREEMENT, "Ringe til børnehaven Solsikken.")  # typed by people


def _set_contact(ditte, **values) -> None:
    with session_scope(write=True) as s:
        rasmus = s.exec(select(Person).where(Person.name == "Rasmus Holm")).one()
        for field, value in values.items():
            setattr(rasmus, field, value)
        s.add(rasmus)


def _our_sentences(document) -> list[str]:
    """The plan's paragraphs without the ones that quote what people typed."""
    return [plain(p.text) for p in document.paragraphs if not any(u in p.text for u in USER_TEXTS)]


@pytest.mark.parametrize(
    ("phone", "email", "expected"),
    [
        ("12345678", "rasmus.holm@kommune.example",
         "Du kan altid ringe til din kontaktperson, Rasmus Holm, på 12 34 56 78."),
        (None, "rasmus.holm@kommune.example",
         "Du kan altid skrive til din kontaktperson, Rasmus Holm, på rasmus.holm@kommune.example."),
        (None, None, "Du kan altid kontakte din kontaktperson, Rasmus Holm. "
                     "Spørg ved næste møde, hvordan du bedst får fat i Rasmus Holm."),
    ],
)  # fmt: skip
def test_the_plan_says_ring_only_with_the_number(ditte, phone, email, expected):
    _set_contact(ditte, phone=phone, email=email)
    for variant in ("citizen", "team"):
        sentences = _our_sentences(read(build_plan_docx(load(ditte), variant=variant)))
        assert expected in sentences
        ringing = [s for s in sentences if re.search(r"\bring", s, re.IGNORECASE)]
        assert all("12 34 56 78" in s for s in ringing), ringing


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        (RASMUS, "Ring til Rasmus Holm på 12 34 56 78, hvis du har spørgsmål."),
        (person(1, "Rasmus Holm", "rasmus@kommune.dk"),
         "Skriv til Rasmus Holm på rasmus@kommune.dk, hvis du har spørgsmål."),
        (person(1, "Rasmus Holm", None),
         "Har du spørgsmål, så spørg Rasmus Holm. Du kan også stille dem på mødet."),
    ],
)  # fmt: skip
def test_the_letter_says_ring_only_with_the_number(contact, expected):
    document = read(build_invitation_docx(invitation(contact=contact, preparation=None)))
    sentences = [plain(p.text) for p in document.paragraphs]
    assert expected in sentences
    assert all("12 34 56 78" in s for s in sentences if re.search(r"\bring", s, re.IGNORECASE))


def test_the_phone_in_the_contact_section_is_one_unbreakable_number(ditte):
    _set_contact(ditte, phone="+4512345678")
    document = read(build_plan_docx(load(ditte), printed_at=datetime(2026, 11, 22, tzinfo=UTC)))
    assert "Telefon: +45\u00a012\u00a034\u00a056\u00a078" in [p.text for p in document.paragraphs]
