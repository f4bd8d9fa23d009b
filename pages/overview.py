"""Overblik: how fast the system acts, in aggregates (no citizen names)."""

import pandas as pd
import streamlit as st

from models.db import session_scope
from models.overview import agreements_by_department
from ui.context import current_actor
from ui.i18n import t

actor = current_actor()
st.title(t("nav.overview"))
st.caption(t("overview.intro"))
with session_scope(write=True) as session:
    loads = agreements_by_department(session=session, actor=actor)
if not loads:
    st.info(t("overview.empty"))
else:
    total_open = sum(d.open_actions for d in loads)
    total_overdue = sum(d.overdue_actions for d in loads)
    left, right = st.columns(2)
    left.metric(t("overview.open"), total_open)
    right.metric(t("overview.overdue"), total_overdue)
    st.dataframe(
        pd.DataFrame(
            {
                t("overview.col_department"): [d.department or t("overview.no_department") for d in loads],
                t("overview.open"): [d.open_actions for d in loads],
                t("overview.overdue"): [d.overdue_actions for d in loads],
            }
        ),
        hide_index=True,
    )
