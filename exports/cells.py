"""The one way a spreadsheet cell is written: every CSV and Excel file goes through here.

Why: staff type department names, unmet needs and their own names. A cell that starts with
=, +, -, @, a tab or a carriage return is read by Excel and LibreOffice as a formula
(=HYPERLINK(...) sends a click to any address, =cmd|' /C calc'!A0 runs a program). OWASP's
advice ("CSV injection"): put an apostrophe in front of such a text, so it is shown as text
and still reads as what was typed. In Excel files every text cell is also written as a string
(data_type "s"): not even a text this rule missed can become a formula. Numbers stay numbers:
a negative count is written as the number it is, not as text.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet reads as the start of a formula: OWASP's list, newline and the full-width
# forms some spreadsheets also accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

Cell = str | int | float | date | datetime | None


def safe_text(text: str) -> str:
    """The text as a spreadsheet shows it without running it: an apostrophe in front of a
    possible formula (also after leading spaces, which some spreadsheets skip)."""
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_cell(value: Any) -> Cell:
    """A value ready for a cell: text made safe, numbers as numbers, a missing value as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars from pandas
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, int | float | date | datetime):
        return value
    return safe_text(str(value))


def csv_text(rows: Iterable[Sequence[Any]], *, delimiter: str = ",", number: Any = str) -> str:
    """Rows as CSV text (no BOM). `number` writes a number (e.g. with a decimal comma).

    Lines end in CR LF (RFC 4180): the csv module quotes a field only for the characters of
    its line ending, and with LF alone a carriage return in a text would start a new row, one
    that begins with whatever followed it.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        cells = []
        for value in row:
            cell = safe_cell(value)
            if cell is None:
                cells.append("")
            elif isinstance(cell, int | float):
                cells.append(number(cell))
            elif isinstance(cell, datetime | date):
                cells.append(cell.isoformat())
            else:
                cells.append(cell)
        writer.writerow(cells)
    return out.getvalue()


def write_rows(sheet: Worksheet, rows: Iterable[Sequence[Any]]) -> None:
    """Rows appended to an openpyxl sheet; every text cell a string, never a formula."""
    start = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 1
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row, start=1):
            cell_value = safe_cell(value)
            cell = sheet.cell(row=r, column=c, value=cell_value)
            if isinstance(cell_value, str):
                cell.data_type = "s"
