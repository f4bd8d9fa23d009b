"""Overblik's figures, tables and charts: current with every change, drawn once per change.

The figures come from models.overview_kept (counted once per process, period and day, then kept
current as agreements, meetings and consents change, in any process: only the changed citizens
are counted again). What is drawn from them (tables, the CSV, Vega-Lite chart specifications:
Altair takes ~30 ms to validate them) is cached per figures' key and language, so a rerun
without a change draws nothing. Only counts are kept: per department, no names, no text, small
numbers already hidden. The unmet needs are text and are read for each viewer on every run,
never cached. Only leaders and administrators reach this (pages/overview.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime

import altair as alt
import pandas as pd
import streamlit as st

from exports.spreadsheets import department_label, overview_csv, overview_frames
from models.i18n import translate
from models.overview import OVERALL, Figures, Overview, Period
from models.overview_kept import KEEPER, KeptFigures
from models.settings import database_url


@dataclass(frozen=True)
class Drawn:
    """What the page shows from the figures, in one language."""

    made_at: datetime  # when the figures were last counted from scratch
    frames: dict[str, pd.DataFrame]  # every figure's table except the unmet needs
    csv: bytes
    charts: dict[str, dict]  # Vega-Lite specifications by figure code


def _kept(period: Period, day: date) -> KeptFigures:
    return KEEPER.figures(url=database_url(), period=period, day=day)


def current_figures(period: Period, day: date) -> Figures:
    return _kept(period, day).figures


def current_drawing(period: Period, day: date, lang: str) -> Drawn:
    kept = _kept(period, day)
    drawn = _drawn(database_url(), kept.key, period.start, period.end, day, lang, kept.figures)
    return replace(drawn, made_at=kept.counted_at)


def forget_figures() -> None:
    """"Beregn igen": the next view counts afresh (for everyone; the figures are shared)."""
    KEEPER.forget()
    _drawn.clear()


@st.cache_data(max_entries=32, show_spinner=False)
def _drawn(url: str, key: str, start: date, end: date, day: date, lang: str, _figures: Figures) -> Drawn:
    """Drawn once per figures' key (kept.key changes whenever the figures may have)."""
    counts = {f.name: getattr(_figures, f.name) for f in fields(Figures)}
    without_needs = Overview(**counts, needs=[])
    frames = {code: _for_screen(frame) for code, frame in overview_frames(without_needs, lang).items()}
    del frames["needs"]
    return Drawn(datetime.min, frames, overview_csv(without_needs, lang), _charts(_figures, lang))


def _charts(figures: Figures, lang: str) -> dict[str, dict]:
    def t(key: str) -> str:
        return translate(key, lang)

    department, series, count = t("lead.col.department"), t("lead.col.series"), t("lead.col.count")

    def bars(rows, named_series, *, stacked=False) -> dict:  # noqa: ANN001 - figure rows
        """Grouped (or stacked) bars per department; `named_series` is (label, value, colour).
        A figure the small-number rule hid has no bar (the table says "< 5")."""
        frame = pd.DataFrame(
            [
                {department: department_label(r.department, lang), series: label, count: value(r)}
                for r in rows
                if r.department != OVERALL
                for label, value, _ in named_series
                if not isinstance(value(r), str)
            ],
            columns=[department, series, count],
        )
        order = [label for label, _, _ in named_series]
        chart = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                y=alt.Y(f"{department}:N", sort=None, title=None),
                x=alt.X(f"{count}:Q", title=None, stack="zero" if stacked else None),
                color=alt.Color(
                    f"{series}:N",
                    scale=alt.Scale(domain=order, range=[colour for _, _, colour in named_series]),
                    legend=alt.Legend(orient="bottom", title=None),
                ),
                tooltip=[f"{department}:N", f"{series}:N", f"{count}:Q"],
            )
        )
        if not stacked:
            chart = chart.encode(yOffset=alt.YOffset(f"{series}:N", sort=order))
        return chart.properties(height=alt.Step(24 if stacked else 14)).to_dict()

    charts = {
        "load": bars(figures.load, [
            (t("lead.series_open"), lambda r: r.open_actions, "#1F4E79"),
            (t("lead.series_overdue"), lambda r: r.overdue_actions, "#B00020"),
        ]),
        "meetings": bars(figures.meetings, [
            (t("lead.series_held"), lambda r: _rounded(r.per_citizen_per_year), "#1F4E79"),
            (t("lead.series_cadence"), lambda r: _rounded(r.cadence_per_year), "#9DB4CC"),
        ]),
        "consents": bars(figures.consents, [
            (t("lead.series_missing"), lambda r: r.missing, "#B00020"),
            (t("lead.series_expiring"), lambda r: r.expiring, "#E08E0B"),
        ], stacked=True),
        "scores": bars(figures.scores, [
            (t("lead.series_up"), lambda r: r.up, "#2E7D32"),
            (t("lead.series_same"), lambda r: r.same, "#9E9E9E"),
            (t("lead.series_down"), lambda r: r.down, "#B00020"),
        ], stacked=True),
    }  # fmt: skip
    # A hidden cell (small-number rule) has no colour and reads "< 5".
    cells = pd.DataFrame(
        [{"a": c.row, "b": c.column, count: None if isinstance(c.citizens, str) else c.citizens,
          "label": t("overview_access.small") if isinstance(c.citizens, str) else str(c.citizens)}
         for c in figures.matrix],
        columns=["a", "b", count, "label"],
    )  # fmt: skip
    if not cells.empty:
        base = alt.Chart(cells).encode(
            x=alt.X("b:N", title=None, axis=alt.Axis(labelAngle=-30)), y=alt.Y("a:N", title=None)
        )
        heat = base.mark_rect().encode(
            color=alt.Color(f"{count}:Q", scale=alt.Scale(scheme="blues"), legend=None),
            tooltip=["a:N", "b:N", alt.Tooltip("label:N", title=count)],
        )
        labels = base.mark_text(fontSize=14).encode(
            text="label:N",
            color=alt.condition(
                alt.datum[count] > _peak(cells[count]) / 2, alt.value("white"), alt.value("black")
            ),
        )
        charts["matrix"] = (heat + labels).properties(height=260).to_dict()
    return charts


def _for_screen(frame: pd.DataFrame) -> pd.DataFrame:
    """A column with "< 5" among its numbers as text (a table column on screen has one type);
    the files keep the numbers as numbers."""
    mixed = [
        c for c in frame.columns
        if frame[c].dtype == object and {type(v) for v in frame[c] if v is not None} - {str} and
        any(isinstance(v, str) for v in frame[c])
    ]  # fmt: skip
    if not mixed:
        return frame
    shown = frame.copy()
    for c in mixed:
        shown[c] = ["" if v is None or (isinstance(v, float) and pd.isna(v)) else f"{v:g}"
                    if isinstance(v, float) else str(v) for v in frame[c]]  # fmt: skip
    return shown


def _peak(counts: pd.Series) -> float:
    """The largest shown count (0 when every cell is hidden)."""
    peak = counts.max()
    return 0.0 if pd.isna(peak) else float(peak)


def _rounded(value: float | str | None) -> float | str:
    """A per-year figure to one decimal; a hidden one stays hidden (no bar)."""
    return value if isinstance(value, str) else round(value or 0, 1)
