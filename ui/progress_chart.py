"""Min plan's progress chart: each goal's scores over the meetings, as an SVG picture.

Why a module with a cache of its own (issue 16): the picture was cached by the chart's
specification (ui/chart_image.py), but building that specification (the Altair chart, and
`to_dict`, which checks it against the Vega-Lite schema) cost ~10 ms of every visit to Min plan
even when the picture was already drawn. Here the picture is cached by what it shows: the column
titles (the language) and each score's goal number, meeting date and value. A visit with the
same scores builds nothing. The cache holds no name and nothing a user typed, and it is bounded.

Not drawn ahead: a new score means a new picture, ~60-150 ms of the converter on the first view
of Min plan after it. Drawing it in the background as the score is saved was tried and dropped:
the converter holds Python's interpreter lock while it draws (another thread ran at 3 % of its
speed meanwhile), so the score's own click waited for it instead (measured: 252 ms against
~110). A drawing process of its own would need multiprocessing's start-up to re-import the
server's main module, which differs between `streamlit run`, the tests and the benchmark.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import altair as alt
import pandas as pd

from models.plans import JointPlan
from ui.chart_image import chart_svg
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


@lru_cache(maxsize=256)
def progress_svg(columns: Columns, rows: tuple[Row, ...]) -> str:
    """The chart of these scores as SVG markup, built and drawn once per set of scores."""
    return chart_svg(progress_chart(pd.DataFrame(list(rows), columns=list(columns))))


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

