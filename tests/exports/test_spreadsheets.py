"""The overview as CSV and Excel: opened again and checked against hand-computed figures."""

import io
from datetime import date

import openpyxl
import pandas as pd

from exports.spreadsheets import overview_csv, overview_frames, overview_xlsx, sheet_title
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
from models.overview_lookups import NO_DEPARTMENT, OVERALL, Period

J, S = "Jobcenter", "Sundhed"


def small_overview(needs=()):
    """Two departments; numbers chosen so every column can be recognised in the files."""
    return Overview(
        period=Period(date(2026, 1, 1), date(2026, 6, 30)),
        on=date(2026, 7, 1),
        load=[LoadRow(OVERALL, 4, 3), LoadRow(J, 2, 2), LoadRow(S, 1, 0), LoadRow(NO_DEPARTMENT, 1, 1)],
        median_days=[MedianRow(OVERALL, 3, 10.0), MedianRow(J, 2, 20.0), MedianRow(S, 0, None)],
        on_time=[OnTimeRow(OVERALL, 6, 2, 1 / 3), OnTimeRow(J, 4, 1, 0.25), OnTimeRow(S, 0, 0, None)],
        owner_changes=[OwnerChangeRow(OVERALL, 4, 3, 4 / 3), OwnerChangeRow(J, 3, 2, 1.5)],
        meetings=[MeetingRow(OVERALL, 3, 4, 2.6888, 10 / 3), MeetingRow(S, 0, 0, None, None)],
        consents=[ConsentRow(OVERALL, 3, 1, 1), ConsentRow(J, 2, 0, 1)],
        matrix=[MatrixCell(J, J, 2), MatrixCell(J, S, 1), MatrixCell(S, J, 1), MatrixCell(S, S, 1)],
        needs=list(needs),
        needs_total=len(needs),
        scores=[ScoreRow(OVERALL, 3, 1, 1, 1, 1 / 3), ScoreRow(S, 0, 0, 0, 0, None)],
    )


def test_frames_have_danish_headings_and_rounded_values():
    frames = overview_frames(small_overview())
    load = frames["load"]
    assert list(load.columns) == ["Afdeling", "Åbne", "Overskredne"]
    assert load.values.tolist() == [
        ["I alt", 4, 3],
        [J, 2, 2],
        [S, 1, 0],
        ["Borgeren selv / uden afdeling", 1, 1],
    ]
    assert frames["on_time"]["Andel til tiden (%)"].tolist()[:2] == [33.3, 25.0]
    assert frames["matrix"].values.tolist() == [[J, 2, 1], [S, 1, 1]]
    assert frames["needs"].empty and list(frames["needs"].columns)[1] == "Behov"


def test_excel_has_one_sheet_per_figure_and_the_numbers():
    need = NeedRow(7, "Transport til behandling.", date(2026, 2, 1), S, 3, "Anna Hansen")
    data = overview_xlsx(small_overview(needs=[need]))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Om udtrækket", "Åbne aftaler", "Dage til udført", "Udført til tiden", "Ejerskift", "Møder",
        "Samtykker", "Borgere x afdelinger", "Skaleringer", "Uløste behov",
    ]  # fmt: skip
    assert [c.value for c in book["Åbne aftaler"][2]] == ["I alt", 4, 3]
    assert [c.value for c in book["Dage til udført"][4]] == [S, 0, None]  # nothing done: empty, not 0
    assert book["Uløste behov"]["B2"].value == "Transport til behandling."
    assert book["Uløste behov"]["D2"].value == "Anna Hansen"
    assert book["Om udtrækket"]["B2"].value == "2026-01-01"


def test_csv_is_one_long_table_with_danish_decimals():
    data = overview_csv(small_overview())
    assert data.startswith("\ufeff".encode())  # a BOM, so Excel reads æøå
    frame = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns) == ["Nøgletal", "Afdeling", "Anden afdeling", "Mål", "Værdi"]
    rows = {(r[0], r[1], r[2], r[3]): r[4] for r in frame.values.tolist()}
    assert rows[("Åbne aftaler", "I alt", "", "Overskredne")] == "3"
    assert rows[("Dage til udført", J, "", "Mediandage fra aftale til udført")] == "20,0"
    assert rows[("Borgere x afdelinger", J, S, "")] == "1"
    assert rows[("Dage til udført", S, "", "Mediandage fra aftale til udført")] == ""
    assert not any(figure == "Uløste behov" for figure, *_ in rows)  # text stays in the Excel file


def test_sheet_titles_fit_excel():
    assert all(len(sheet_title(code, "en")) <= 31 for code in ("about", "matrix", "needs"))
