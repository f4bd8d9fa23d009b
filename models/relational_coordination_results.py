"""Relational coordination figures for leaders, with the small-group rule (issue 24).

The index of a tie (one respondent's department about one other department) is the mean of its
answered dimensions ("ved ikke" left out); a matrix cell (department A about department B) is
the mean of A's ties about B. The communication and relationship halves are the same over their
four and three dimensions. Each dimension's mean and the round's overall index are built only
from cells that are themselves shown.

The small-group rule, at every level (MIN_RESPONDENTS; tests in
tests/models/test_relational_coordination_results.py):
- a cell's figure is shown only when at least 5 respondents gave it (each respondent gives at
  most one tie per cell, so ties are respondents); otherwise it reads SMALL, like Overblik;
- a dimension's mean, the halves and the overall index use only cells that pass for that
  figure: a hidden cell adds nothing to any figure, so no figure stands on fewer than 5 people
  and none can be subtracted from another to reveal a hidden one;
- a change between two rounds is shown only when both figures are;
- figures exist only for a round that has ended (models.relational_coordination_rounds).
Leaders and administrators only; every view and file is audited ("rc.results_read").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from models.access import Actor, write_audit
from models.errors import UserError
from models.relational_coordination import DIMENSIONS, HALVES, tie_means
from models.relational_coordination_rounds import (
    ResponseRate,
    RoundView,
    _require_leader,
    get_round,
    response_rates,
)
from models.tables import RcAnswer, today

MIN_RESPONDENTS = 5
SMALL = "< 5"  # the same words as Overblik's small-number rule
MEASURES = ("index", "communication", "relationship")

Figure = float | str | None  # a mean, SMALL, or None (nobody answered it)


@dataclass(frozen=True)
class Cell:
    """Department `row` about department `column`: each measure's figure."""

    row: str
    column: str
    figures: dict[str, Figure]  # by MEASURES
    respondents: int | str  # SMALL under 5


@dataclass(frozen=True)
class RoundResult:
    round: RoundView
    departments: tuple[str, ...]
    cells: tuple[Cell, ...]
    dimensions: dict[str, Figure]  # each dimension's mean over the shown cells
    overall: dict[str, Figure]  # by MEASURES, over the shown cells
    response: tuple[ResponseRate, ...]

    def cell(self, row: str, column: str) -> Cell | None:
        return next((c for c in self.cells if c.row == row and c.column == column), None)


@dataclass(frozen=True)
class CellChange:
    row: str
    column: str
    before: Figure
    after: Figure
    change: Figure


@dataclass(frozen=True)
class Comparison:
    """`after` against `before` (two ended rounds), the index per cell and each dimension."""

    before: RoundResult
    after: RoundResult
    cells: tuple[CellChange, ...]
    dimensions: dict[str, tuple[Figure, Figure, Figure]]  # before, after, change
    overall: dict[str, tuple[Figure, Figure, Figure]]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _figure(values: list[float]) -> Figure:
    if not values:
        return None
    return round(_mean(values), 2) if len(values) >= MIN_RESPONDENTS else SMALL


def compute_result(
    view: RoundView, ties: list[dict[str, object]], response: list[ResponseRate]
) -> RoundResult:
    """The figures of one round from its ties (rows of rc_answer with department names as
    `row`/`column`); pure, so a small example can be checked by hand."""
    names = tuple(name for _, name in view.departments)
    by_cell: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for tie in ties:
        by_cell[(str(tie["row"]), str(tie["column"]))].append(tie)
    cells = []
    # What the shown cells contribute to the round's figures: values per measure and dimension.
    pooled: dict[str, list[float]] = defaultdict(list)
    seen: set[str] = set()  # the figures someone answered at all (hidden or not)
    for row in names:
        for column in names:
            if row == column:
                continue
            group = by_cell.get((row, column), [])
            means = [tie_means(tie) for tie in group]  # type: ignore[arg-type]
            figures: dict[str, Figure] = {}
            for measure in MEASURES:
                values = [m[measure] for m in means if m[measure] is not None]
                figures[measure] = _figure(values)  # type: ignore[arg-type]
                seen.update([measure] if values else [])
                if len(values) >= MIN_RESPONDENTS:
                    pooled[measure].extend(values)  # type: ignore[arg-type]
            for dimension in DIMENSIONS:
                answered = [float(tie[dimension]) for tie in group if tie[dimension] is not None]  # type: ignore[arg-type]
                seen.update([dimension] if answered else [])
                if len(answered) >= MIN_RESPONDENTS:
                    pooled[dimension].extend(answered)
            count = len(group)
            cells.append(
                Cell(
                    row=row,
                    column=column,
                    figures=figures,
                    respondents=count if count >= MIN_RESPONDENTS or count == 0 else SMALL,
                )
            )

    def overall(code: str) -> Figure:
        if pooled.get(code):
            return round(_mean(pooled[code]), 2)
        return SMALL if code in seen else None

    return RoundResult(
        round=view,
        departments=names,
        cells=tuple(cells),
        dimensions={d: overall(d) for d in DIMENSIONS},
        overall={m: overall(m) for m in MEASURES},
        response=tuple(response),
    )


def _ties(session: Session, view: RoundView) -> list[dict[str, object]]:
    names = dict(view.departments)
    rows = session.execute(
        select(
            RcAnswer.from_department_id,
            RcAnswer.about_department_id,
            *(getattr(RcAnswer, d) for d in DIMENSIONS),
        ).where(col(RcAnswer.round_id) == view.id)
    ).all()
    return [
        {
            "row": names.get(r[0], "?"),
            "column": names.get(r[1], "?"),
            **dict(zip(DIMENSIONS, r[2:], strict=True)),
        }
        for r in rows
    ]


def round_result(
    *, session: Session, actor: Actor | None, round_id: int, on: date | None = None
) -> RoundResult:
    """One ended round's figures (leaders and administrators; audited)."""
    _require_leader(session, actor, "rc.results_read", round_id if isinstance(round_id, int) else None)
    view = get_round(session=session, round_id=round_id)
    if not view.has_ended(on or today()):
        raise UserError("rc.error.not_ended")
    write_audit(session, actor=actor, action="rc.results_read", entity="rc_round", entity_id=view.id)
    return compute_result(view, _ties(session, view), response_rates(session=session, round_id=view.id))


def _change(before: Figure, after: Figure) -> Figure:
    if isinstance(before, float | int) and isinstance(after, float | int):
        return round(after - before, 2)
    if before == SMALL or after == SMALL:
        return SMALL
    return None


def compare(before: RoundResult, after: RoundResult) -> Comparison:
    """The change from `before` to `after`, for the departments both rounds asked."""
    both = [n for n in after.departments if n in before.departments]
    cells = []
    for row in both:
        for column in both:
            if row == column:
                continue
            old, new = before.cell(row, column), after.cell(row, column)
            b = old.figures["index"] if old else None
            a = new.figures["index"] if new else None
            cells.append(CellChange(row=row, column=column, before=b, after=a, change=_change(b, a)))
    return Comparison(
        before=before,
        after=after,
        cells=tuple(cells),
        dimensions={
            d: (before.dimensions[d], after.dimensions[d], _change(before.dimensions[d], after.dimensions[d]))
            for d in DIMENSIONS
        },
        overall={
            m: (before.overall[m], after.overall[m], _change(before.overall[m], after.overall[m]))
            for m in MEASURES
        },
    )


HALF_OF = {d: half for half, names in HALVES.items() for d in names}
