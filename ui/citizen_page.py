"""Loading the chosen citizen's joint plan for a page: authorised and audited in models/."""

from __future__ import annotations

import streamlit as st

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.plans import JointPlan, load_joint_plan
from ui.context import require_citizen
from ui.feedback import show_user_error


def load_plan_or_stop(actor: Actor, *, purpose: str) -> JointPlan:
    """The chosen citizen's plan, or a Danish refusal and the end of the page.

    A forged or stale citizen id gets the same refusal as any other: nothing is shown.
    """
    citizen_id = require_citizen()
    try:
        with session_scope() as session:
            return load_joint_plan(session=session, actor=actor, citizen_id=citizen_id, purpose=purpose)
    except UserError as error:
        show_user_error(error)
        st.stop()
    raise AssertionError("unreachable")
