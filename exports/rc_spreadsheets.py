"""Relational coordination figures as tables, CSV and Excel: data in, bytes out (issue 24).

The page shows the same tables (rc_frames), so screen and files agree, and the small-group rule
(models.relational_coordination_results) has already hidden what it hides: a hidden figure
reads "< 5" here too, in every file. Cells go through exports.cells (no text becomes a formula).
CSV: one long table (figure, department, about, measure, value), semicolon-separated with a BOM
so Danish Excel opens it as is, like Overblik's CSV.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook

from exports.cells import csv_text, write_rows
from models.i18n import translate
from models.relational_coordination import DIMENSIONS
from models.relational_coordination_results import HALF_OF, MEASURES, SMALL, Comparison, Figure, RoundResult

CODES = ("matrix_index", "matrix_communication", "matrix_relationship", "dimensions", "change", "response")


def _shown(value: Figure, lang: str) -> Any:
    return translate("overview_access.small", lang) if value == SMALL else value


def _matrix(result: RoundResult, measure: str, lang: str) -> pd.DataFrame:
    """Answering department down, the department asked about across; the diagonal is empty."""
    corner = translate("rc.col.answered_by", lang)
    names = list(result.departments)
    rows = []
    for row in names:
        record: dict[str, Any] = {corner: row}
        for column in names:
            cell = result.cell(row, column)
            record[column] = _shown(cell.figures[measure], lang) if cell else None
        rows.append(record)
    return pd.DataFrame(rows, columns=[corner, *names], dtype=object)


def rc_frames(
    result: RoundResult, comparison: Comparison | None = None, lang: str = "da"
) -> dict[str, pd.DataFrame]:
    """One table per figure, keyed by CODES ("change" only with a comparison)."""

    def col(key: str) -> str:
        return translate(f"rc.col.{key}", lang)

    frames = {f"matrix_{m}": _matrix(result, m, lang) for m in MEASURES}
    dims = (
        comparison.dimensions if comparison else {d: (None, result.dimensions[d], None) for d in DIMENSIONS}
    )
    frames["dimensions"] = pd.DataFrame(
        [
            [
                translate(f"rc.dim.{d}", lang),
                translate(f"rc.half.{HALF_OF[d]}", lang),
                *(_shown(v, lang) for v in (dims[d] if comparison else (result.dimensions[d],))),
            ]
            for d in DIMENSIONS
        ]
        + [
            [
                translate(f"rc.half.{m}", lang),
                "",
                *(_shown(v, lang) for v in (comparison.overall[m] if comparison else (result.overall[m],))),
            ]
            for m in MEASURES
        ],
        columns=[
            col("dimension"),
            col("half"),
            *((col("before"), col("after"), col("change")) if comparison else (col("mean"),)),
        ],
        dtype=object,
    )
    if comparison is not None:
        frames["change"] = pd.DataFrame(
            [
                [c.row, c.column, _shown(c.before, lang), _shown(c.after, lang), _shown(c.change, lang)]
                for c in comparison.cells
            ],
            columns=[col("answered_by"), col("about"), col("before"), col("after"), col("change")],
            dtype=object,
        )
    frames["response"] = pd.DataFrame(
        [
            [r.department, r.answered, r.asked, None if r.share is None else round(100 * r.share)]
            for r in result.response
        ],
        columns=[col("department"), col("answered"), col("asked"), col("rate")],
        dtype=object,
    )
    return frames


def _rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [
        list(frame.columns),
        *([None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False, name=None)),
    ]


def _title(code: str, lang: str) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    return "".join(ch for ch in translate(f"rc.sheet.{code}", lang) if ch not in "[]:*?/\\")[:31]


def rc_xlsx(result: RoundResult, comparison: Comparison | None = None, lang: str = "da") -> bytes:
    """One sheet per figure after a sheet that names the round(s) and says what the figures are."""
    book = Workbook()
    about = book.active
    assert about is not None
    about.title = _title("about", lang)
    lines = [
        [translate("lead.col.measure", lang), translate("lead.col.value", lang)],
        [translate("rc.col.round", lang), result.round.name],
        [translate("lead.period_from", lang), result.round.starts_on.isoformat()],
        [translate("lead.period_to", lang), result.round.ends_on.isoformat()],
    ]
    if comparison is not None:
        lines.append([translate("rc.col.compared_with", lang), comparison.before.round.name])
    lines.append([translate("rc.col.note", lang), translate("rc.conversation", lang)])
    write_rows(about, lines)
    for code, frame in rc_frames(result, comparison, lang).items():
        write_rows(book.create_sheet(_title(code, lang)), _rows(frame))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rc_long(result: RoundResult, comparison: Comparison | None = None, lang: str = "da") -> list[list[Any]]:
    """Every figure as one row: figure, department, about, measure, value (heading first)."""
    out: list[list[Any]] = [
        [translate(f"rc.col.{c}", lang) for c in ("figure", "answered_by", "about", "measure", "value")]
    ]
    for code, frame in rc_frames(result, comparison, lang).items():
        figure = translate(f"rc.sheet.{code}", lang)
        rows = _rows(frame)[1:]
        heads = list(frame.columns)
        for row in rows:
            if code.startswith("matrix_"):
                out += [
                    [figure, row[0], heads[i], "", v] for i, v in enumerate(row) if i and heads[i] != row[0]
                ]
            elif code == "change":
                out += [[figure, row[0], row[1], heads[i], row[i]] for i in range(2, len(row))]
            else:
                out += [
                    [figure, row[0], "", heads[i], row[i]]
                    for i in range(1, len(row))
                    if not (code == "dimensions" and i == 1)
                ]
    return out


def rc_csv(result: RoundResult, comparison: Comparison | None = None, lang: str = "da") -> bytes:
    decimal = "," if lang == "da" else "."
    number = (lambda v: str(v).replace(".", decimal)) if decimal != "." else str
    return csv_text(rc_long(result, comparison, lang), delimiter=";", number=number).encode("utf-8-sig")
