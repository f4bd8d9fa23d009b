"""Overblik for ledelsen: how fast the system acts, per department, in aggregates.

Every logged-in user sees the figures (they hold no names); the unmet needs list names a
citizen only for a viewer on that citizen's team (decided in models/overview.py).
"""

from datetime import timedelta

import streamlit as st

from exports.spreadsheets import needs_frame, overview_xlsx
from models.db import session_scope
from models.overview import NEEDS_ON_SCREEN, OVERALL, Period, build_overview
from models.tables import today
from ui.context import current_actor
from ui.downloads import download_button
from ui.i18n import lang, t
from ui.overview_view import current_drawing, current_figures, forget_figures
from ui.widgets import moment

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
    # The counts come from the minute's cache; the audit row and the unmet needs are this view's.
    overview = build_overview(
        session=session, actor=actor, period=period, on=day, figures=current_figures(period, day),
        needs_limit=NEEDS_ON_SCREEN,
    )
drawn = current_drawing(period, day, lang())


def every_need(who):
    """The Excel file lists every unmet need, not only the oldest shown here (read at the click,
    for the login as it is then)."""
    if overview.needs_total == len(overview.needs):
        return overview
    with session_scope(write=True) as session:
        return build_overview(session=session, actor=who, period=period, on=day, figures=overview)


def overall(rows):
    return next(r for r in rows if r.department == OVERALL)


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

made, refresh = st.columns([3, 1], vertical_alignment="center")
made.caption(t("lead.made_at", time=moment(drawn.made_at)))
if refresh.button(t("lead.refresh"), key="lead_refresh"):
    forget_figures()
    st.rerun()

left, right = st.columns(2)
download_button(
    t("lead.download_csv"),
    kind="overview_csv",
    # The figures this viewer already sees; the click only checks the login is still live.
    build=lambda who: drawn.csv,
    container=left,
    file_name=f"samplan-overblik-{period.start}-{period.end}.csv",
    mime="text/csv",
    key="lead_csv",
)
download_button(
    t("lead.download_xlsx"),
    kind="overview_xlsx",
    # Made only when someone clicks (openpyxl takes ~100 ms; the page reruns on every widget).
    build=lambda who: overview_xlsx(every_need(who), lang()),
    container=right,
    file_name=f"samplan-overblik-{period.start}-{period.end}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="lead_xlsx",
)


def chart(code, title):
    if code in drawn.charts:
        st.vega_lite_chart(drawn.charts[code], width="stretch", alt=title)


def table(code):
    st.dataframe(drawn.frames[code], hide_index=True)


st.subheader(t("lead.load_title"), anchor=False)
chart("load", t("lead.load_title"))
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
chart("meetings", t("lead.meetings_title"))
table("meetings")

st.subheader(t("lead.consents_title"), anchor=False)
chart("consents", t("lead.consents_title"))
table("consents")

st.subheader(t("lead.matrix_title"), anchor=False)
st.caption(t("lead.matrix_help"))
chart("matrix", t("lead.matrix_title"))

st.subheader(t("lead.scores_title"), anchor=False)
chart("scores", t("lead.scores_title"))
table("scores")

st.subheader(t("lead.needs_title"), anchor=False)
st.caption(t("lead.needs_help"))
if overview.needs:
    if overview.needs_total > len(overview.needs):
        st.caption(t("lead.needs_oldest", shown=len(overview.needs), total=overview.needs_total))
    st.dataframe(needs_frame(overview.needs, lang()), hide_index=True)
else:
    st.info(t("lead.needs_none"))
