"""Opfølgning: the chosen citizen's agreements and how far they have come."""

import pandas as pd
import streamlit as st

from ui.citizen_page import load_plan_or_stop
from ui.context import current_actor
from ui.i18n import t
from ui.widgets import citizen_header, day

actor = current_actor()
st.title(t("nav.follow_up"))
plan = load_plan_or_stop(actor, purpose="follow_up.read")
citizen_header(plan)
if plan.actions:
    st.dataframe(
        pd.DataFrame(
            {
                t("plan.col_action"): [a.text for a in plan.actions],
                t("plan.col_owner"): [a.owner_name or t("plan.no_owner") for a in plan.actions],
                t("plan.col_due"): [day(a.due_on) for a in plan.actions],
                t("plan.col_status"): [t(f"action.status_{a.status}") for a in plan.actions],
            }
        ),
        hide_index=True,
    )
else:
    st.info(t("follow_up.none"))
