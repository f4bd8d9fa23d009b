"""Step 6 of Forberedelse: the citizen's own preparation, in their own words."""

from __future__ import annotations

import streamlit as st

from models import preparation
from ui.citizen_team_view import preparation_author
from ui.i18n import t
from ui.prepare_shared import Prep, seen, write
from ui.widgets import form


def show(prep: Prep) -> None:
    meeting, editable, actor = prep.meeting, prep.editable, prep.actor
    if meeting is None:
        st.info(t("before.needs_meeting"))
    else:
        st.caption(t("before.prep_help"))
        preparation_author(actor, prep.plan, meeting.id)  # the citizen's own, through their link
        prep = meeting.preparation
        v = seen(f"prep-{meeting.id}", prep.version if prep else None)
        things = preparation.split_matters_most(prep.matters_most if prep else None)
        with form(key=f"prep-{meeting.id}-{v}"):
            matters = [
                st.text_input(
                    t("before.matters_most", number=n + 1),
                    value=things[n] if n < len(things) else "",
                    key=f"prep-mm{n}-{meeting.id}-{v}",
                )
                for n in range(preparation.MAX_MATTERS_MOST)
            ]
            texts = {
                name: st.text_area(
                    t(f"preparation.{name}"),
                    value=(getattr(prep, name) or "") if prep else "",
                    help=t("before.not_to_raise_help") if name == "not_to_raise" else None,
                    key=f"prep-{name}-{meeting.id}-{v}",
                    height=100,
                )
                for name in ("dream", "going_well", "questions", "not_to_raise", "when_hard")
            }
            if st.form_submit_button(t("before.save_preparation"), type="primary", disabled=not editable):
                write(
                    lambda s: preparation.save_preparation(
                        session=s,
                        actor=actor,
                        meeting_id=meeting.id,
                        seen_version=v or None,
                        matters_most=matters,
                        **texts,
                    ),
                    "before.preparation_saved",
                    forget=(f"seen-prep-{meeting.id}",),
                )
