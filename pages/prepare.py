"""Forberedelse: everything that must be ready before a network meeting."""

import pandas as pd
import streamlit as st

from ui.citizen_page import load_plan_or_stop
from ui.context import current_actor
from ui.i18n import t
from ui.safe import show_text
from ui.widgets import citizen_header, day, moment

actor = current_actor()
st.title(t("nav.prepare"))
plan = load_plan_or_stop(actor, purpose="prepare.read")
citizen_header(plan)

st.subheader(t("prepare.team"), anchor=False)
active_people = [p for p in plan.people if p.is_active]
if active_people:
    st.dataframe(
        pd.DataFrame(
            {
                t("prepare.col_name"): [p.name for p in active_people],
                t("prepare.col_kind"): [t(f"person.kind_{p.kind}") for p in active_people],
                t("prepare.col_role"): [p.title or p.relation or "" for p in active_people],
                t("prepare.col_department"): [p.department or "" for p in active_people],
            }
        ),
        hide_index=True,
    )
else:
    st.info(t("prepare.no_people"))

st.subheader(t("prepare.consents"), anchor=False)
if plan.consents:
    st.dataframe(
        pd.DataFrame(
            {
                t("prepare.col_consent_kind"): [t(f"consent.kind_{c.kind}") for c in plan.consents],
                t("prepare.col_parties"): [", ".join(c.parties) for c in plan.consents],
                t("prepare.col_given"): [day(c.given_on) for c in plan.consents],
                t("prepare.col_expires"): [day(c.expires_on) for c in plan.consents],
                t("prepare.col_status"): [
                    t(f"consent.status_{c.status(plan.loaded_on)}") for c in plan.consents
                ],
            }
        ),
        hide_index=True,
    )
else:
    st.warning(t("prepare.no_consent"))

st.subheader(t("prepare.next_meeting"), anchor=False)
meeting = plan.next_meeting
if meeting is None:
    st.info(t("prepare.no_meeting"))
else:
    st.write(t("prepare.meeting_when", when=moment(meeting.starts_at), minutes=meeting.minutes))
    if meeting.place:
        show_text(meeting.place)
    if meeting.agenda:
        st.dataframe(
            pd.DataFrame(
                {
                    t("prepare.col_agenda_item"): [a.title for a in meeting.agenda],
                    t("prepare.col_minutes"): [a.minutes for a in meeting.agenda],
                }
            ),
            hide_index=True,
        )
    if meeting.preparation is not None:
        st.subheader(t("prepare.citizen_preparation"), anchor=False)
        for field in ("matters_most", "dream", "going_well", "questions", "when_hard"):
            value = getattr(meeting.preparation, field)
            if value:
                st.caption(t(f"preparation.{field}"))
                show_text(value)
