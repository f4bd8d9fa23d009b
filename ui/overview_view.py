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

import functools
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from exports.spreadsheets import department_label, overview_csv, overview_frames
from models.i18n import translate
from models.overview import Figures, Overview
from models.overview_kept import KEEPER, KeptFigures
from models.overview_lookups import OVERALL, Period
from models.settings import database_url
from ui.frames import as_text, mixed_columns


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
    """The Vega-Lite specifications with this view's counts in them. The specifications' shape is
    made once per language by Altair (_chart_shapes); only the values are filled in here, so the
    first view after a change does not pay Altair's validation (~60 ms of its ~100 ms, issue 16)."""
    shapes, labels = _chart_shapes(lang)
    department, series, count = labels

    def bars(rows, named_series) -> list[dict]:  # noqa: ANN001 - figure rows
        """One record per department and series; a figure the small-number rule hid has no bar
        (the table says "< 5")."""
        return [
            {department: department_label(r.department, lang), series: label, count: value(r)}
            for r in rows
            if r.department != OVERALL
            for label, value in named_series
            if not isinstance(value(r), str)
        ]

    values = {
        "load": bars(figures.load, [
            (shapes["load"]["series"][0], lambda r: r.open_actions),
            (shapes["load"]["series"][1], lambda r: r.overdue_actions),
        ]),
        "meetings": bars(figures.meetings, [
            (shapes["meetings"]["series"][0], lambda r: _rounded(r.per_citizen_per_year)),
            (shapes["meetings"]["series"][1], lambda r: _rounded(r.cadence_per_year)),
        ]),
        "consents": bars(figures.consents, [
            (shapes["consents"]["series"][0], lambda r: r.missing),
            (shapes["consents"]["series"][1], lambda r: r.expiring),
        ]),
        "scores": bars(figures.scores, [
            (shapes["scores"]["series"][0], lambda r: r.up),
            (shapes["scores"]["series"][1], lambda r: r.same),
            (shapes["scores"]["series"][2], lambda r: r.down),
        ]),
    }  # fmt: skip
    # A hidden cell (small-number rule) has no colour and reads "< 5"; a dark cell white text.
    shown = [c.citizens for c in figures.matrix if not isinstance(c.citizens, str)]
    peak = max(shown, default=0)
    small = translate("overview_access.small", lang)
    if figures.matrix:
        values["matrix"] = [
            {"a": c.row, "b": c.column, count: None if isinstance(c.citizens, str) else c.citizens,
             "label": small if isinstance(c.citizens, str) else str(c.citizens),
             "dark": not isinstance(c.citizens, str) and c.citizens > peak / 2}
            for c in figures.matrix
        ]  # fmt: skip
    return {code: {**shapes[code]["spec"], "data": {"values": rows}} for code, rows in values.items()}


@functools.lru_cache(maxsize=4)
def _chart_shapes(lang: str) -> tuple[dict[str, dict[str, Any]], tuple[str, str, str]]:
    """Each chart's Vega-Lite specification without its values (data named "table", filled in
    by _charts), and its series' labels, per language: built and validated by Altair once.
    Treat as read-only: _charts copies the top level only."""

    def t(key: str) -> str:
        return translate(key, lang)

    department, series, count = t("lead.col.department"), t("lead.col.series"), t("lead.col.count")
    table = alt.NamedData("table")

    def bars(named_series: list[tuple[str, str]], *, stacked: bool = False) -> dict[str, Any]:
        """Grouped (or stacked) bars per department; `named_series` is (label, colour)."""
        order = [label for label, _ in named_series]
        chart = (
            alt.Chart(table)
            .mark_bar()
            .encode(
                y=alt.Y(f"{department}:N", sort=None, title=None),
                x=alt.X(f"{count}:Q", title=None, stack="zero" if stacked else None),
                color=alt.Color(
                    f"{series}:N",
                    scale=alt.Scale(domain=order, range=[colour for _, colour in named_series]),
                    legend=alt.Legend(orient="bottom", title=None),
                ),
                tooltip=[f"{department}:N", f"{series}:N", f"{count}:Q"],
            )
        )
        if not stacked:
            chart = chart.encode(yOffset=alt.YOffset(f"{series}:N", sort=order))
        spec = chart.properties(height=alt.Step(24 if stacked else 14)).to_dict()
        return {"spec": spec, "series": order}

    shapes = {
        "load": bars([(t("lead.series_open"), "#1F4E79"), (t("lead.series_overdue"), "#B00020")]),
        "meetings": bars([(t("lead.series_held"), "#1F4E79"), (t("lead.series_cadence"), "#9DB4CC")]),
        "consents": bars([(t("lead.series_missing"), "#B00020"), (t("lead.series_expiring"), "#E08E0B")],
                         stacked=True),
        "scores": bars([(t("lead.series_up"), "#2E7D32"), (t("lead.series_same"), "#9E9E9E"),
                        (t("lead.series_down"), "#B00020")], stacked=True),
    }  # fmt: skip
    base = alt.Chart(table).encode(
        x=alt.X("b:N", title=None, axis=alt.Axis(labelAngle=-30)), y=alt.Y("a:N", title=None)
    )
    heat = base.mark_rect().encode(
        color=alt.Color(f"{count}:Q", scale=alt.Scale(scheme="blues"), legend=None),
        tooltip=["a:N", "b:N", alt.Tooltip("label:N", title=count)],
    )
    labels = base.mark_text(fontSize=14).encode(
        text="label:N", color=alt.condition("datum.dark", alt.value("white"), alt.value("black"))
    )
    matrix = alt.layer(heat, labels, data=table).properties(height=260).to_dict()
    shapes["matrix"] = {"spec": matrix, "series": []}
    return shapes, (department, series, count)


def _for_screen(frame: pd.DataFrame) -> pd.DataFrame:
    """A column with "< 5" among its numbers as text; the others as they are."""
    mixed = mixed_columns(frame)
    return as_text(frame, number_format="{:g}", columns=mixed) if mixed else frame


def _rounded(value: float | str | None) -> float | str:
    """A per-year figure to one decimal; a hidden one stays hidden (no bar)."""
    return value if isinstance(value, str) else round(value or 0, 1)
