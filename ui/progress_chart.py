"""Min plan's progress chart: each goal's scores over the meetings, as an SVG picture.

Why its own way to the specification (issue 16): building the Altair chart and `to_dict` (which
checks it against the Vega-Lite schema) cost ~10 ms. The chart's specification without its data
is built once per language (its column titles); each set of scores only puts its rows in it. The
picture is drawn and kept by that specification in a process of its own (ui/chart_drawer.py).

Drawn ahead: a new score means a new picture, ~50-150 ms of the converter. Mødet asks for it as
the score is saved (`draw_progress_ahead`, from the goals step), so Min plan, shown next on the
shared screen, finds it drawn instead of drawing it on its first view after the score.
The specification holds goal numbers, meeting days, scores and column titles: no name and
nothing a user typed.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

import altair as alt
import pandas as pd

from models.plans import JointPlan
from ui.chart_drawer import draw, draw_ahead
from ui.chart_image import chart_spec
from ui.i18n import t

Columns = tuple[str, str, str]  # goal, meeting, score: the titles, in the user's language
Row = tuple[str, date, int]  # "Mål 1", the meeting's day, the score


def progress_chart(frame: pd.DataFrame) -> alt.Chart:
    """A line per goal, large enough to read across the table; dashes as well as colours."""
    goal_col, meeting_col, score_col = frame.columns
    return (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=120), strokeWidth=4)
        .encode(
            x=alt.X(f"{meeting_col}:T", title=meeting_col, axis=alt.Axis(format="%d.%m.%Y", tickCount=6)),
            y=alt.Y(f"{score_col}:Q", title=score_col, scale=alt.Scale(domain=[0, 10])),
            color=alt.Color(f"{goal_col}:N", title=goal_col, scale=alt.Scale(scheme="category10")),
            strokeDash=alt.StrokeDash(f"{goal_col}:N", title=goal_col),  # not by colour alone
        )
        .properties(height=340)
        .configure_axis(labelFontSize=16, titleFontSize=16)
        .configure_legend(labelFontSize=18, titleFontSize=18, symbolSize=300)
    )


@lru_cache(maxsize=8)
def _without_data(columns: Columns) -> str:
    """The chart's specification for these column titles, its data left out: built once."""
    spec = json.loads(chart_spec(progress_chart(pd.DataFrame([], columns=list(columns)))))
    spec.pop("datasets", None)
    spec["data"] = {"values": []}
    return json.dumps(spec)


def progress_spec(columns: Columns, rows: tuple[Row, ...]) -> str:
    """The chart's Vega-Lite specification for these scores (JSON, keys in order)."""
    spec = json.loads(_without_data(columns))
    goal, meeting, score = columns
    spec["data"]["values"] = [{goal: g, meeting: day.isoformat(), score: s} for g, day, s in rows]
    return json.dumps(spec, sort_keys=True)


def progress_svg(columns: Columns, rows: tuple[Row, ...]) -> str:
    """The chart of these scores as SVG markup: drawn once per set of scores, kept."""
    return draw(progress_spec(columns, rows))


def draw_progress_ahead(plan: JointPlan) -> None:
    """Have Min plan's picture of this plan drawn now, in the user's language; returns at once."""
    columns, rows = chart_data(plan)
    if rows:
        draw_ahead(progress_spec(columns, rows))


def chart_data(plan: JointPlan) -> tuple[Columns, tuple[Row, ...]]:
    """The chart's titles in the user's language and its rows: the active goals numbered as Min
    plan numbers them, each score with its meeting's day."""
    columns = (t("planview.col_goal"), t("planview.col_meeting"), t("planview.col_score"))
    rows = tuple(
        (t("planview.goal_number", number=number), score.meeting_starts_at.date(), score.score)
        for number, goal in enumerate(plan.active_goals, start=1)
        for score in goal.scores
    )
    return columns, rows

