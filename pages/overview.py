"""Overblik for ledelsen: how fast the system acts, per department, in aggregates.

Every logged-in user sees the figures (they hold no names); the unmet needs list names a
citizen only for a viewer on that citizen's team (decided in models/overview.py).
"""

from datetime import timedelta

import altair as alt
import pandas as pd
import streamlit as st

from exports.spreadsheets import department_label, overview_csv, overview_frames, overview_xlsx
from models.db import session_scope
from models.overview import OVERALL, Period, build_overview
from models.tables import today
from ui.context import current_actor
from ui.i18n import lang, t

actor = current_actor()
st.title(t("lead.title"))
st.caption(t("lead.intro"))

day = today()
chosen = st.date_input(
    t("lead.period"),
    value=(day - timedelta(days=364), day),
    max_value=day,
    format="DD.MM.YYYY",
    help=t("lead.period_help"),
    key="lead_period",
)
if not isinstance(chosen, tuple) or len(chosen) != 2:
    st.info(t("lead.period_incomplete"))
    st.stop()
period = Period(chosen[0], chosen[1])

with session_scope(write=True) as session:
    overview = build_overview(session=session, actor=actor, period=period, on=day)
frames = overview_frames(overview, lang())


def overall(rows):
    return next(r for r in rows if r.department == OVERALL)


def dep(name):
    return department_label(name, lang())


def no_value(figure, template, **params):
    """A dash for a figure that has nothing to count (an empty period), not a misleading 0."""
    return t("lead.no_value") if figure is None else t(template, **params)


load, median, on_time = overall(overview.load), overall(overview.median_days), overall(overview.on_time)
with st.container(key="lead-metrics"):
    cols = st.columns(4)
    cols[0].metric(t("lead.metric_open"), load.open_actions)
    cols[1].metric(t("lead.metric_overdue"), load.overdue_actions)
    cols[2].metric(
        t("lead.metric_median"),
        no_value(median.median_days, "lead.days_value", days=f"{median.median_days or 0:g}"),
    )
    cols[3].metric(
        t("lead.metric_on_time"),
        no_value(on_time.share, "lead.percent_value", value=round(100 * (on_time.share or 0))),
    )

left, right = st.columns(2)
left.download_button(
    t("lead.download_csv"),
    data=overview_csv(overview, lang()),
    file_name=f"samplan-overblik-{period.start}-{period.end}.csv",
    mime="text/csv",
    key="lead_csv",
)
right.download_button(
    t("lead.download_xlsx"),
    # Made only when someone clicks (openpyxl takes ~100 ms; the page reruns on every widget).
    # The callable holds what the bytes held before: the figures this viewer already sees.
    data=lambda: overview_xlsx(overview, lang()),
    file_name=f"samplan-overblik-{period.start}-{period.end}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="lead_xlsx",
)

DEPARTMENT = t("lead.col.department")
SERIES = t("lead.col.series")
COUNT = t("lead.col.count")


def long_frame(rows, series):
    """Rows per department (overall left out of the bars) x named series, for grouped bars."""
    records = [
        {DEPARTMENT: dep(r.department), SERIES: label, COUNT: value(r)}
        for r in rows
        if r.department != OVERALL
        for label, value in series
    ]
    return pd.DataFrame(records, columns=[DEPARTMENT, SERIES, COUNT])


def grouped_bars(frame, colours, *, stacked=False):
    order = [label for label, _ in colours]
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{DEPARTMENT}:N", sort=None, title=None),
            x=alt.X(f"{COUNT}:Q", title=None, stack="zero" if stacked else None),
            color=alt.Color(
                f"{SERIES}:N",
                scale=alt.Scale(domain=order, range=[c for _, c in colours]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[DEPARTMENT, SERIES, COUNT],
        )
    )
    if not stacked:
        chart = chart.encode(yOffset=alt.YOffset(f"{SERIES}:N", sort=order))
    return chart.properties(height=alt.Step(14 if not stacked else 24))


def bars(rows, series, *, stacked=False):
    """One chart per figure: `series` is (label, value of a row, colour), said once each."""
    frame = long_frame(rows, [(label, value) for label, value, _ in series])
    chart = grouped_bars(frame, [(label, colour) for label, _, colour in series], stacked=stacked)
    st.altair_chart(chart, width="stretch")


def table(code):
    st.dataframe(frames[code], hide_index=True)


st.subheader(t("lead.load_title"), anchor=False)
bars(
    overview.load,
    [
        (t("lead.series_open"), lambda r: r.open_actions, "#1F4E79"),
        (t("lead.series_overdue"), lambda r: r.overdue_actions, "#B00020"),
    ],
)
table("load")

st.subheader(t("lead.speed_title"), anchor=False)
left, right = st.columns(2)
with left:
    table("median_days")
with right:
    table("on_time")

st.subheader(t("lead.owner_title"), anchor=False)
table("owner_changes")

st.subheader(t("lead.meetings_title"), anchor=False)
bars(
    overview.meetings,
    [
        (t("lead.series_held"), lambda r: round(r.per_citizen_per_year or 0, 1), "#1F4E79"),
        (t("lead.series_cadence"), lambda r: round(r.cadence_per_year or 0, 1), "#9DB4CC"),
    ],
)
table("meetings")

st.subheader(t("lead.consents_title"), anchor=False)
bars(
    overview.consents,
    [
        (t("lead.series_missing"), lambda r: r.missing, "#B00020"),
        (t("lead.series_expiring"), lambda r: r.expiring, "#E08E0B"),
    ],
    stacked=True,
)
table("consents")

st.subheader(t("lead.matrix_title"), anchor=False)
st.caption(t("lead.matrix_help"))
cells = pd.DataFrame(
    [{"a": c.row, "b": c.column, COUNT: c.citizens} for c in overview.matrix], columns=["a", "b", COUNT]
)
if not cells.empty:
    base = alt.Chart(cells).encode(
        x=alt.X("b:N", title=None, axis=alt.Axis(labelAngle=-30)), y=alt.Y("a:N", title=None)
    )
    heat = base.mark_rect().encode(
        color=alt.Color(f"{COUNT}:Q", scale=alt.Scale(scheme="blues"), legend=None),
        tooltip=["a", "b", COUNT],
    )
    labels = base.mark_text(fontSize=14).encode(
        text=f"{COUNT}:Q",
        color=alt.condition(
            alt.datum[COUNT] > cells[COUNT].max() / 2, alt.value("white"), alt.value("black")
        ),
    )
    st.altair_chart((heat + labels).properties(height=260), width="stretch")

st.subheader(t("lead.scores_title"), anchor=False)
bars(
    overview.scores,
    [
        (t("lead.series_up"), lambda r: r.up, "#2E7D32"),
        (t("lead.series_same"), lambda r: r.same, "#9E9E9E"),
        (t("lead.series_down"), lambda r: r.down, "#B00020"),
    ],
    stacked=True,
)
table("scores")

st.subheader(t("lead.needs_title"), anchor=False)
st.caption(t("lead.needs_help"))
if overview.needs:
    table("needs")
else:
    st.info(t("lead.needs_none"))
