"""Relational coordination on Overblik (issue 24): the leaders' rounds and their figures.

`relational_coordination(actor)` is the one call pages/overview.py makes (leaders and
administrators only reach it). What it shows of an ended round: the department x department
matrix of the index and of its communication and relationship halves, each dimension's mean,
the change from an earlier round, every one as a chart AND a table (the same table the files
hold), the response rate per department, and CSV and Excel behind the download gate. Figures
for fewer than 5 respondents read "< 5" everywhere (models.relational_coordination_results).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from exports.rc_spreadsheets import rc_csv, rc_frames, rc_xlsx
from models.access import Actor
from models.db import session_scope
from models.relational_coordination import DIMENSIONS
from models.relational_coordination_results import (
    MEASURES,
    SMALL,
    Comparison,
    RoundResult,
    compare,
    round_result,
)
from models.relational_coordination_rounds import may_lead_rounds
from models.tables import today
from ui.downloads import download_button
from ui.frames import as_text
from ui.i18n import lang, t
from ui.rc_rounds import rounds_panel
from ui.safe import escape_markdown
from ui.widgets import choose

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def relational_coordination(actor: Actor) -> None:
    if not may_lead_rounds(actor):
        return
    st.header(t("rc.title"), anchor=False)
    with st.container(key="rc-conversation"):
        st.info(t("rc.conversation"), icon="💬")
    rounds = rounds_panel(actor)
    ended = [r for r in rounds if r.has_ended(today())]
    st.subheader(t("rc.lead.results_title"), anchor=False)
    if not ended:
        st.info(t("rc.lead.none_ended"))
        return
    names = {r.id: r.name for r in ended}
    chosen = st.selectbox(
        t("rc.lead.choose_round"), list(names), format_func=names.get, key="rc_round", placeholder=choose()
    )
    earlier = [
        r.id
        for r in ended
        if r.id != chosen and r.starts_on <= next(x for x in ended if x.id == chosen).starts_on
    ]
    options: list[Any] = [None, *earlier]
    before_id = st.selectbox(
        t("rc.lead.compare_with"),
        options,
        index=1 if earlier else 0,
        key="rc_compare",
        format_func=lambda i: t("rc.lead.compare_none") if i is None else names[i],
        placeholder=choose(),
    )
    with session_scope() as session:
        result = round_result(session=session, actor=actor, round_id=chosen)
        before = round_result(session=session, actor=actor, round_id=before_id) if before_id else None
    comparison = compare(before, result) if before is not None else None
    frames = rc_frames(result, comparison, lang())
    _figures(result, comparison, frames)
    _downloads(chosen, before_id, result.round.name)


def _number(value: Any) -> str:
    if value is None:
        return t("lead.no_value")
    return (
        t("overview_access.small")
        if value == SMALL
        else f"{value:.2f}".replace(".", "," if lang() == "da" else ".")
    )


def _signed(value: float) -> str:
    """+1,47 in Danish, +1.47 in English (the metric's arrow says up or down as well)."""
    return f"{value:+.2f}".replace(".", "," if lang() == "da" else ".")


def _figures(result: RoundResult, comparison: Comparison | None, frames: dict[str, pd.DataFrame]) -> None:
    with st.container(key="rc-metrics"):
        cols = st.columns(3)
        for col, measure in zip(cols, MEASURES, strict=True):
            change = comparison.overall[measure][2] if comparison else None
            delta = _signed(change) if isinstance(change, float | int) else None
            col.metric(t(f"rc.half.{measure}"), _number(result.overall[measure]), delta=delta)
    st.caption(t("rc.scale_help"))

    st.markdown(f"#### {t('rc.lead.matrix_title')}")
    st.write(t("rc.lead.matrix_help"))
    measure = st.radio(
        t("rc.lead.measure"),
        list(MEASURES),
        format_func=lambda m: t(f"rc.half.{m}"),
        horizontal=True,
        key="rc_measure",
    )
    title = f"{t('rc.lead.matrix_title')}: {t(f'rc.half.{measure}')}"
    _chart(_heatmap(result, measure), title)
    st.dataframe(_for_screen(frames[f"matrix_{measure}"]), hide_index=True, key="rc_matrix_table")

    st.markdown(f"#### {t('rc.lead.dimensions_title')}")
    _chart(_dimension_bars(result, comparison), t("rc.lead.dimensions_title"))
    st.dataframe(_for_screen(frames["dimensions"]), hide_index=True, key="rc_dimensions_table")

    if comparison is not None:
        title = t("rc.lead.change_title", before=comparison.before.round.name, after=result.round.name)
        st.markdown(f"#### {escape_markdown(title)}")
        _chart(_change_map(comparison), title)
        st.dataframe(_for_screen(frames["change"]), hide_index=True, key="rc_change_table")

    st.markdown(f"#### {t('rc.lead.response_title')}")
    st.dataframe(frames["response"], hide_index=True, key="rc_response_table")


def _for_screen(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers with "< 5" among them as text, two decimals; the files keep numbers."""
    return as_text(frame, number_format="{:.2f}")


def _chart(chart: alt.Chart | alt.LayerChart | None, title: str) -> None:
    if chart is not None:
        st.altair_chart(chart, width="stretch", alt=t("rc.lead.chart_alt", title=title))


def _heatmap(result: RoundResult, measure: str) -> alt.LayerChart | None:
    """Cells coloured by the figure (1-5); a hidden one has no colour and reads "< 5"."""
    small = t("overview_access.small")
    rows = [
        {
            "a": c.row,
            "b": c.column,
            "v": c.figures[measure] if isinstance(c.figures[measure], float | int) else None,
            "label": small
            if c.figures[measure] == SMALL
            else ("" if c.figures[measure] is None else f"{c.figures[measure]:.1f}"),
        }
        for c in result.cells
    ]
    if not rows:
        return None
    data = pd.DataFrame(rows)
    base = alt.Chart(data).encode(
        x=alt.X("b:N", title=t("rc.col.about"), axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("a:N", title=t("rc.col.answered_by")),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("v:Q", scale=alt.Scale(domain=[1, 5], scheme="blues"), legend=None),
        tooltip=[
            alt.Tooltip("a:N", title=t("rc.col.answered_by")),
            alt.Tooltip("b:N", title=t("rc.col.about")),
            alt.Tooltip("label:N", title=t(f"rc.half.{measure}")),
        ],
    )
    text = base.mark_text(fontSize=14).encode(
        text="label:N", color=alt.condition("datum.v > 3.5", alt.value("white"), alt.value("black"))
    )
    return alt.layer(heat, text).properties(height=60 * max(3, len(result.departments)))


def _dimension_bars(result: RoundResult, comparison: Comparison | None) -> alt.Chart | None:
    """Each dimension's mean, for this round and the one it is compared with; no bar for "< 5"."""
    series, value, dimension = t("rc.col.series"), t("rc.col.mean"), t("rc.col.dimension")
    rounds = (
        [(comparison.before, t("rc.col.before")), (result, t("rc.col.after"))]
        if comparison
        else [(result, "")]
    )
    rows = [
        {dimension: t(f"rc.dim.{d}"), series: label or r.round.name, value: r.dimensions[d]}
        for r, label in rounds
        for d in DIMENSIONS
        if isinstance(r.dimensions[d], float | int)
    ]
    if not rows:
        return None
    order = [label or r.round.name for r, label in rounds]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y(f"{dimension}:N", sort=[t(f"rc.dim.{d}") for d in DIMENSIONS], title=None),
            x=alt.X(f"{value}:Q", scale=alt.Scale(domain=[1, 5]), title=value),
            yOffset=alt.YOffset(f"{series}:N", sort=order),
            color=alt.Color(
                f"{series}:N",
                scale=alt.Scale(domain=order, range=["#9DB4CC", "#1F4E79"][-len(order) :]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[f"{dimension}:N", f"{series}:N", alt.Tooltip(f"{value}:Q", format=".2f")],
        )
        .properties(height=alt.Step(14))
    )


def _change_map(comparison: Comparison) -> alt.LayerChart | None:
    small = t("overview_access.small")
    rows = [
        {
            "a": c.row,
            "b": c.column,
            "v": c.change if isinstance(c.change, float | int) else None,
            "label": small if c.change == SMALL else ("" if c.change is None else f"{c.change:+.1f}"),
        }
        for c in comparison.cells
    ]
    if not rows:
        return None
    base = alt.Chart(pd.DataFrame(rows)).encode(
        x=alt.X("b:N", title=t("rc.col.about"), axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("a:N", title=t("rc.col.answered_by")),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("v:Q", scale=alt.Scale(domain=[-2, 2], scheme="redblue"), legend=None),
        tooltip=["a:N", "b:N", alt.Tooltip("label:N", title=t("rc.col.change"))],
    )
    # The scale's ends are dark red and dark blue: white text there, black near the pale middle.
    text = base.mark_text(fontSize=14).encode(
        text="label:N", color=alt.condition("abs(datum.v) > 1.1", alt.value("white"), alt.value("black"))
    )
    return alt.layer(heat, text).properties(height=60 * max(3, len(comparison.after.departments)))


def _downloads(round_id: int, before_id: int | None, name: str) -> None:
    """The same figures as files, built at the click for a login that may still see Overblik
    (models.downloads); read again then, so the click's own permission and audit apply."""
    language = lang()

    def figures(who: Actor) -> tuple[RoundResult, Comparison | None]:
        with session_scope(write=True) as session:
            after = round_result(session=session, actor=who, round_id=round_id)
            before = round_result(session=session, actor=who, round_id=before_id) if before_id else None
        return after, compare(before, after) if before else None

    stem = "samplan-samarbejde-" + "".join(ch if ch.isalnum() else "-" for ch in name.lower())[:40]
    left, right = st.columns(2)
    download_button(
        t("rc.lead.download_csv"),
        kind="rc_csv",
        build=lambda who: rc_csv(*figures(who), language),
        may=may_lead_rounds,
        container=left,
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="rc_csv",
    )
    download_button(
        t("rc.lead.download_xlsx"),
        kind="rc_xlsx",
        build=lambda who: rc_xlsx(*figures(who), language),
        may=may_lead_rounds,
        container=right,
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        key="rc_xlsx",
    )
