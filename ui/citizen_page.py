"""Loading the chosen citizen's joint plan for a page: authorised and audited in models/."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlmodel import Session

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.plans import JointPlan, load_joint_plan
from ui.context import require_citizen
from ui.feedback import show_user_error

T = TypeVar("T")


def load_plan_or_stop(actor: Actor, *, purpose: str) -> JointPlan:
    """The chosen citizen's plan, or a Danish refusal and the end of the page.

    A forged or stale citizen id gets the same refusal as any other: nothing is shown.
    """
    return load_plan_with_or_stop(actor, purpose=purpose, also=lambda _session, _plan: None)[0]


def load_plan_with_or_stop(
    actor: Actor, *, purpose: str, also: Callable[[Session, JointPlan], T]
) -> tuple[JointPlan, T]:
    """The plan and what `also(session, plan)` reads for the same page view, in one transaction.

    Why one: on PostgreSQL every transaction costs round trips of its own (the pool's ping,
    BEGIN, COMMIT), and Planen's three reads after the plan (the citizen's answers, the
    versions, the links) were three more transactions on every visit (issue 16). `also` reads
    through models/ functions that check the actor themselves; a refusal there is a refusal of
    the page, shown as for the plan.
    """
    citizen_id = require_citizen()
    try:
        with session_scope() as session:
            plan = load_joint_plan(session=session, actor=actor, citizen_id=citizen_id, purpose=purpose)
            return plan, also(session, plan)
    except UserError as error:
        show_user_error(error)
        st.stop()
    raise AssertionError("unreachable")
