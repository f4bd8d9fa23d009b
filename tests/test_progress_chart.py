"""ui/progress_chart.py: Min plan's chart is drawn once per set of scores, and can be drawn ahead."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import pandas as pd

from ui import chart_drawer, chart_image, progress_chart

COLUMNS = ("Mål", "Møde", "Skalering")
ROWS = (("Mål 1", date(2026, 9, 1), 3), ("Mål 1", date(2026, 10, 6), 5), ("Mål 2", date(2026, 10, 6), 7))


def test_a_new_score_or_language_is_a_new_picture_and_no_chart_is_built_for_it(monkeypatch):
    progress_chart._without_data.cache_clear()
    built = []
    real = progress_chart.progress_chart
    monkeypatch.setattr(progress_chart, "progress_chart", lambda frame: built.append(frame) or real(frame))
    first = progress_chart.progress_svg(COLUMNS, ROWS)
    assert first.startswith("<svg") and "Skalering" in first and "Mål 2" in first
    assert progress_chart.progress_svg(COLUMNS, ROWS) is first  # kept
    moved = (*ROWS[:2], ("Mål 2", date(2026, 10, 6), 8))
    assert progress_chart.progress_svg(COLUMNS, moved) != first
    assert len(built) == 1  # the chart is built once per language, not per set of scores
    english = progress_chart.progress_svg(("Goal", "Meeting", "Score"), ROWS)
    assert "Score" in english and english != first
    assert len(built) == 2


def test_the_specification_is_the_altair_charts_with_these_rows():
    """The rows put into the chart built once draw the very picture the chart built for them does."""
    frame = pd.DataFrame(list(ROWS), columns=list(COLUMNS))
    direct = chart_image.chart_spec(progress_chart.progress_chart(frame))
    made = progress_chart.progress_spec(COLUMNS, ROWS)
    assert chart_drawer.draw(made) == chart_drawer.draw(direct)
    assert json.loads(made)["data"]["values"][2] == {"Mål": "Mål 2", "Møde": "2026-10-06", "Skalering": 7}


def test_the_goals_step_has_the_picture_drawn_ahead(monkeypatch):
    asked = []
    monkeypatch.setattr(progress_chart, "draw_ahead", asked.append)
    plan = _plan([(date(2026, 9, 1), 3)])
    progress_chart.draw_progress_ahead(plan)
    assert asked == [progress_chart.progress_spec(*progress_chart.chart_data(plan))]
    progress_chart.draw_progress_ahead(_plan([]))  # no scores: no picture
    assert len(asked) == 1


def _plan(*goals: list[tuple[date, int]]) -> SimpleNamespace:
    return SimpleNamespace(active_goals=[
        SimpleNamespace(scores=[SimpleNamespace(meeting_starts_at=datetime.combine(day, time(9), UTC),
                                                score=score) for day, score in scores])
        for scores in goals])  # fmt: skip


def test_the_rows_number_the_active_goals_as_min_plan_does():
    columns, rows = progress_chart.chart_data(_plan([(date(2026, 9, 1), 3), (date(2026, 10, 6), 5)], [],
                                                    [(date(2026, 10, 6), 7)]))  # fmt: skip
    assert columns == ("Mål", "Møde", "Skalering (0–10)")
    assert rows == (("Mål 1", date(2026, 9, 1), 3), ("Mål 1", date(2026, 10, 6), 5),
                    ("Mål 3", date(2026, 10, 6), 7))  # fmt: skip

