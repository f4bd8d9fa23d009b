"""ui/progress_chart.py: Min plan's chart is built and drawn once per set of scores."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from ui import progress_chart

COLUMNS = ("Mål", "Møde", "Skalering")
ROWS = (("Mål 1", date(2026, 9, 1), 3), ("Mål 1", date(2026, 10, 6), 5), ("Mål 2", date(2026, 10, 6), 7))


def test_the_same_scores_build_nothing_and_a_new_score_or_language_draws_anew(monkeypatch):
    progress_chart.progress_svg.cache_clear()
    built = []
    real = progress_chart.progress_chart
    monkeypatch.setattr(progress_chart, "progress_chart", lambda frame: built.append(frame) or real(frame))
    first = progress_chart.progress_svg(COLUMNS, ROWS)
    assert first.startswith("<svg") and "Skalering" in first and "Mål 2" in first
    assert progress_chart.progress_svg(COLUMNS, ROWS) is first
    assert len(built) == 1  # the second visit built no chart at all
    moved = (*ROWS[:2], ("Mål 2", date(2026, 10, 6), 8))
    assert progress_chart.progress_svg(COLUMNS, moved) != first
    english = progress_chart.progress_svg(("Goal", "Meeting", "Score"), ROWS)
    assert "Score" in english and english != first
    assert len(built) == 3
    assert list(built[0].columns) == list(COLUMNS) and built[0].shape == (3, 3)
    assert progress_chart.progress_svg.cache_info().maxsize == 256  # bounded


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

