"""The leaders' overview as spreadsheets: data in (models.overview.Overview), bytes out.

- `overview_frames`: one pandas table per figure, headings in the reader's language; the pages
  show the same tables, so screen and file agree.
- `overview_xlsx`: one sheet per figure (openpyxl).
Every cell of both files is written by exports.cells (no text can become a formula).
- `overview_csv`: every numeric figure in one long table (figure, department, other
  department, measure, value), semicolon-separated with a BOM so Danish Excel opens it as is.
  The unmet needs are text, not figures: they are in the Excel file only.
No citizen names except those the model already allowed (the viewer's own citizens); figures
the small-number rule hid (models.overview.SMALL) read "< 5" here too.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook

from exports.cells import csv_text, write_rows
from models.i18n import translate
from models.overview import SMALL, Overview
from models.overview_counting import NeedRow
from models.overview_lookups import NO_DEPARTMENT, OVERALL

SHEETS = (
    "load",
    "median_days",
    "on_time",
    "owner_changes",
    "meetings",
    "consents",
    "matrix",
    "scores",
    "needs",
)


def department_label(name: str, lang: str = "da") -> str:
    if name == OVERALL:
        return translate("lead.overall", lang)
    if name == NO_DEPARTMENT:
        return translate("lead.no_department", lang)
    return name


def _round(value: float | str | None, digits: int = 2) -> float | str | None:
    return value if value is None or isinstance(value, str) else round(value, digits)


def _percent(share: float | str | None) -> float | str | None:
    return share if share is None or isinstance(share, str) else round(100 * share, 1)


def overview_frames(overview: Overview, lang: str = "da") -> dict[str, pd.DataFrame]:
    """One table per figure, keyed by the figure's code (see SHEETS)."""

    def col(key: str) -> str:
        return translate(f"lead.col.{key}", lang)

    def dep(name: str) -> str:
        return department_label(name, lang)

    def frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=[col(c) for c in columns])

    def table(items: list[Any], fields: dict[str, Any]) -> pd.DataFrame:
        rows = [{col(k): _small(get(item), lang) for k, get in fields.items()} for item in items]
        return frame(rows, list(fields))

    return {
        "load": table(overview.load, {
            "department": lambda r: dep(r.department), "open": lambda r: r.open_actions,
            "overdue": lambda r: r.overdue_actions,
        }),
        "median_days": table(overview.median_days, {
            "department": lambda r: dep(r.department), "done": lambda r: r.done,
            "median_days": lambda r: r.median_days,
        }),
        "on_time": table(overview.on_time, {
            "department": lambda r: dep(r.department), "due": lambda r: r.due,
            "on_time": lambda r: r.on_time,
            "share": lambda r: _percent(r.share),
        }),
        "owner_changes": table(overview.owner_changes, {
            "department": lambda r: dep(r.department), "changes": lambda r: r.changes,
            "citizens": lambda r: r.citizens, "per_citizen": lambda r: _round(r.per_citizen),
        }),
        "meetings": table(overview.meetings, {
            "department": lambda r: dep(r.department), "citizens": lambda r: r.citizens,
            "held": lambda r: r.held, "per_year": lambda r: _round(r.per_citizen_per_year, 1),
            "cadence": lambda r: _round(r.cadence_per_year, 1),
        }),
        "consents": table(overview.consents, {
            "department": lambda r: dep(r.department), "citizens": lambda r: r.citizens,
            "missing": lambda r: r.missing, "expiring": lambda r: r.expiring,
        }),
        "matrix": _matrix(overview, lang),
        "scores": table(overview.scores, {
            "department": lambda r: dep(r.department), "goals": lambda r: r.goals,
            "up": lambda r: r.up, "same": lambda r: r.same, "down": lambda r: r.down,
            "mean_change": lambda r: _round(r.mean_change),
        }),
        "needs": needs_frame(overview.needs, lang),
    }  # fmt: skip


def needs_frame(needs: list[NeedRow], lang: str = "da") -> pd.DataFrame:
    """The unmet needs as a table (text: shown as plain cells, never as Markdown)."""
    columns = {
        "raised_on": lambda n: n.raised_on, "need": lambda n: n.text,
        "department": lambda n: n.department or "", "citizen": lambda n: n.citizen_name or "",
    }  # fmt: skip
    labels = [translate(f"lead.col.{key}", lang) for key in columns]
    return pd.DataFrame([[get(n) for get in columns.values()] for n in needs], columns=labels)


def _matrix(overview: Overview, lang: str) -> pd.DataFrame:
    """Departments down and across; each cell the number of citizens both have."""
    corner = translate("lead.col.department", lang)
    names = list(dict.fromkeys(cell.row for cell in overview.matrix))
    values = {(c.row, c.column): _small(c.citizens, lang) for c in overview.matrix}
    rows = [{corner: a, **{b: values[(a, b)] for b in names}} for a in names]
    return pd.DataFrame(rows, columns=[corner, *names])


def _small(value: Any, lang: str) -> Any:
    """A figure the small-number rule hid, in the reader's words; any other value as it is."""
    return translate("overview_access.small", lang) if isinstance(value, str) and value == SMALL else value


def sheet_title(code: str, lang: str = "da") -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    title = translate(f"lead.sheet.{code}", lang)
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]


def overview_xlsx(overview: Overview, lang: str = "da") -> bytes:
    """One sheet per figure, written cell by cell through exports.cells (no cell is a formula)."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = sheet_title("about", lang)
    write_rows(about, [
        [translate("lead.col.measure", lang), translate("lead.col.value", lang)],
        [translate("lead.period_from", lang), overview.period.start.isoformat()],
        [translate("lead.period_to", lang), overview.period.end.isoformat()],
        [translate("lead.as_of", lang), overview.on.isoformat()],
    ])  # fmt: skip
    for code, frame in overview_frames(overview, lang).items():
        write_rows(book.create_sheet(sheet_title(code, lang)), _frame_rows(frame))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _frame_rows(frame: pd.DataFrame) -> list[list[Any]]:
    """The heading row and the values of a table, as plain lists."""
    return [list(frame.columns), *(list(row) for row in frame.itertuples(index=False, name=None))]


def overview_long(overview: Overview, lang: str = "da") -> pd.DataFrame:
    """Every numeric figure as one row: figure, department, other department, measure, value."""
    rows: list[dict[str, Any]] = []
    frames = overview_frames(overview, lang)
    department = translate("lead.col.department", lang)
    for code in SHEETS:
        if code == "needs":
            continue
        figure = translate(f"lead.sheet.{code}", lang)
        for record in frames[code].to_dict("records"):
            if code == "matrix":
                for other, value in record.items():
                    if other != department:
                        rows.append(_long(figure, record[department], other, department, value))
                continue
            for measure, value in record.items():
                if measure != department:
                    rows.append(_long(figure, record[department], "", measure, value))
    columns = [
        translate(f"lead.col.{c}", lang) for c in ("figure", "department", "other", "measure", "value")
    ]
    return pd.DataFrame(
        [[r["figure"], r["department"], r["other"], r["measure"], r["value"]] for r in rows],
        columns=columns,
        dtype=object,  # counts stay whole numbers next to medians and shares
    )


def _long(figure: str, department: str, other: str, measure: str, value: object) -> dict[str, object]:
    if other:
        measure = ""
    return {"figure": figure, "department": department, "other": other, "measure": measure,
            "value": None if pd.isna(value) else value}  # type: ignore[arg-type]  # fmt: skip


def overview_csv(overview: Overview, lang: str = "da") -> bytes:
    """Semicolon-separated with a BOM (Danish Excel opens it as is), cells through exports.cells."""
    decimal = "," if lang == "da" else "."
    text = csv_text(
        _frame_rows(overview_long(overview, lang)), delimiter=";",
        number=lambda v: _csv_number(v, decimal),
    )  # fmt: skip
    return text.encode("utf-8-sig")


def _csv_number(value: float, decimal: str) -> str:
    """Whole numbers as they are, others with the reader's decimal mark."""
    if isinstance(value, float):
        return str(value).replace(".", decimal)
    return str(value)
