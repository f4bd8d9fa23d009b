"""Step 5 of Forberedelse: the agenda (with its time budget) and the roles' checklists."""

from __future__ import annotations

import streamlit as st

from models import agenda, meetings
from ui.citizen_team_view import agenda_proposals
from ui.i18n import lang, t
from ui.prepare_shared import Prep, seen, write
from ui.widgets import form


def show(prep: Prep) -> None:
    meeting, editable, actor = prep.meeting, prep.editable, prep.actor
    if meeting is None:
        st.info(t("before.needs_meeting"))
    else:
        total = agenda.agenda_total(meeting.agenda)
        over = agenda.agenda_overrun(meeting.agenda, meeting.minutes)
        st.metric(
            t("before.agenda_sum", total=total, minutes=meeting.minutes), f"{total} / {meeting.minutes}"
        )
        if over:
            st.error(t("before.agenda_over", count=over), icon="⏱️")
        st.caption(t("before.agenda_help"))
        agenda_proposals(actor, prep.plan, meeting.id, editable=editable)  # the citizen's, via the link
        v = seen(f"agenda-{meeting.id}", meeting.version)
        rows = [*meeting.agenda, None, None]
        with form(key=f"agenda-{meeting.id}-{v}"):
            entries = []
            for n, item in enumerate(rows):
                col_title, col_minutes = st.columns([5, 1])
                title = col_title.text_input(
                    t("before.agenda_title", number=n + 1),
                    value=item.title if item else "",
                    key=f"ag-title-{v}-{n}",
                )
                box = col_minutes.number_input(
                    t("before.agenda_minutes"),
                    min_value=0,
                    max_value=480,
                    step=1,
                    value=item.minutes if item else None,
                    key=f"ag-min-{v}-{n}",
                )
                entries.append((title, box))
            if st.form_submit_button(t("before.save_agenda"), type="primary", disabled=not editable):
                write(
                    lambda s: agenda.save_agenda(
                        session=s, actor=actor, meeting_id=meeting.id, seen_version=v, items=entries
                    ),
                    "before.agenda_saved",
                    forget=(f"seen-agenda-{meeting.id}",),
                )
        if editable and st.button(t("before.agenda_reset"), key=f"agenda-reset-{meeting.id}"):
            defaults = agenda.default_agenda(meeting.minutes, lang=lang())
            write(
                lambda s: agenda.save_agenda(
                    session=s,
                    actor=actor,
                    meeting_id=meeting.id,
                    seen_version=v,
                    items=[(line.title, line.minutes) for line in defaults],
                ),
                "before.agenda_saved",
                forget=(f"seen-agenda-{meeting.id}",),
            )

    st.subheader(t("before.checklists"), anchor=False)
    for column, role in zip(st.columns(len(meetings.CHECKLIST_ROLES)), meetings.CHECKLIST_ROLES, strict=True):
        with column, st.container(border=True):
            st.markdown(f"**{t(f'before.role.{role}')}**")
            for phase in meetings.CHECKLIST_PHASES:
                st.caption(t(f"before.role.{phase}"))
                st.markdown(
                    "\n".join(f"- {line}" for line in t(meetings.checklist_key(role, phase)).split("\n"))
                )
