"""Overblik for ledelsen: how fast the system acts, per department, in aggregates.

For leaders and administrators only (models.overview.may_see_overview; build_overview checks it
again in the database); everyone else reads who to ask, and nothing is counted. Figures about
fewer than 5 citizens read "< 5"; the unmet needs list only the viewer's own teams' citizens
(both decided in models/overview.py).
"""

from datetime import timedelta

import streamlit as st

from exports.spreadsheets import needs_frame, overview_xlsx
from models.db import session_scope
from models.overview import NEEDS_ON_SCREEN, SMALL, build_overview, may_see_overview
from models.overview_lookups import OVERALL, Period
from models.tables import today
from ui.context import current_actor
from ui.downloads import download_button
from ui.i18n import lang, t
from ui.overview_view import current_drawing, current_figures, forget_figures
from ui.rc_results import relational_coordination
from ui.widgets import moment

actor = current_actor()
st.title(t("lead.title"))
if not may_see_overview(actor):
    st.info(t("overview_access.leaders_only"))
    st.stop()
st.caption(t("overview_access.intro"))

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

with session_scope() as session:
    # The counts come from the minute's cache; the audit row and the unmet needs are this view's.
    overview = build_overview(
        session=session, actor=actor, period=period, on=day, figures=current_figures(period, day),
        needs_limit=NEEDS_ON_SCREEN,
    )
drawn = current_drawing(period, day, lang())


def every_need(who):
    """The Excel file lists every unmet need of the viewer's own citizens, not only the oldest
    shown here (read at the click, for the login as it is then: build_overview refuses a viewer
    whose leader permission was withdrawn since, and lists only their own teams' needs)."""
    if who == actor and overview.needs_own_total == len(overview.needs):
        return overview  # the same permissions as when the page was drawn, nothing more to read
    with session_scope(write=True) as session:
        return build_overview(session=session, actor=who, period=period, on=day, figures=overview)


def overall(rows):
    return next(r for r in rows if r.department == OVERALL)


def shown(figure, template=None, **params):
    """A dash for a figure that has nothing to count (an empty period), not a misleading 0;
    "< 5" for one the small-number rule hid."""
    if figure is None:
        return t("lead.no_value")
    if figure == SMALL:
        return t("overview_access.small")
    return t(template, **params) if template else figure


load, median, on_time = overall(overview.load), overall(overview.median_days), overall(overview.on_time)
with st.container(key="lead-metrics"):
    cols = st.columns(4)
    cols[0].metric(t("lead.metric_open"), shown(load.open_actions))
    cols[1].metric(t("lead.metric_overdue"), shown(load.overdue_actions))
    days, share = median.median_days, on_time.share
    days_text = f"{days:g}" if isinstance(days, float) else ""
    percent = round(100 * share) if isinstance(share, float) else 0
    cols[2].metric(t("lead.metric_median"), shown(days, "lead.days_value", days=days_text, count=days))
    cols[3].metric(t("lead.metric_on_time"), shown(share, "lead.percent_value", value=percent))

made, refresh = st.columns([3, 1], vertical_alignment="center")
made.caption(t("overview_kept.made_at", time=moment(drawn.made_at)))
if refresh.button(t("lead.refresh"), key="lead_refresh"):
    forget_figures()
    st.rerun()

left, right = st.columns(2)
download_button(
    t("lead.download_csv"),
    kind="overview_csv",
    # The figures this viewer already sees, if the click's login may still see Overblik.
    build=lambda who: drawn.csv,  # counts only, no text: the same for every leader
    may=may_see_overview,
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
    may=may_see_overview,
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
st.caption(t("overview_access.needs_help"))
st.caption(t("overview_access.needs_all", total=shown(overview.needs_total)))
if overview.needs:
    if overview.needs_own_total > len(overview.needs):
        st.caption(t("lead.needs_oldest", shown=len(overview.needs), total=overview.needs_own_total))
    st.dataframe(needs_frame(overview.needs, lang()), hide_index=True)
else:
    st.info(t("overview_access.needs_none_own"))

relational_coordination(actor)  # issue 24: the survey rounds between departments and their figures
