"""Step 4 of Forberedelse: the meeting itself (time, place, who comes, roles), its confirmation,
and the written status of professionals who cannot come.

A draft is a suggestion until someone confirms it: the step says so in the words every screen
uses (models.next_meeting).
"""

from __future__ import annotations

from datetime import time

import streamlit as st

from models import invitation, meeting_edit, meetings
from models.db import session_scope
from models.formatting import local
from models.next_meeting import next_meeting_words
from ui.i18n import lang, t
from ui.prepare_shared import Prep, seen, write
from ui.safe import escape_markdown, show_text
from ui.widgets import choose, choose_many, day, form, moment


def show(prep: Prep) -> None:
    plan, cid, meeting, active, on_day, actor = (
        prep.plan, prep.cid, prep.meeting, prep.active, prep.on_day, prep.actor
    )
    labelled, names = prep.labelled, prep.names
    if not active:
        st.info(t("before.needs_people"))
    elif meeting is not None and meeting.status == "in_progress":
        st.info(t("meeting.when", when=moment(meeting.starts_at)))
    else:
        if meeting is not None:
            if meeting.status == "draft":
                words = next_meeting_words(meeting, lang())
                show_text(words.text if words else "", key="next-meeting-words")
                st.warning(t("before.meeting_status_draft"), icon="📝")
            else:
                st.success(t("before.meeting_status_planned"), icon="✅")
        suggested = meetings.suggested_day_for(plan, on=on_day)
        st.caption(t("before.suggested_day", count=plan.citizen.meetings_per_year, day=day(suggested)))
        mid = meeting.id if meeting else 0
        v = seen(f"meeting-{mid}", meeting.version if meeting else None)
        start = local(meeting.starts_at) if meeting else None
        ids = [p.id for p in active]
        chosen_before = [p.person_id for p in meeting.participants if p.person_id in ids] if meeting else []
        st.subheader(t("before.edit_meeting") if meeting else t("before.new_meeting"), anchor=False)
        with form(key=f"meeting-{cid}-{mid}-{v}"):
            col_day, col_clock, col_minutes = st.columns(3)
            m_day = col_day.date_input(
                t("before.day"),
                value=start.date() if start else suggested,
                format="DD.MM.YYYY",
                key=f"m-day-{mid}-{v}",
            )
            m_clock = col_clock.time_input(
                t("before.clock"),
                value=start.time() if start else time(10, 0),
                step=900,
                key=f"m-clock-{mid}-{v}",
            )
            m_minutes = col_minutes.number_input(
                t("before.minutes"),
                min_value=meeting_edit.MIN_MINUTES,
                max_value=meeting_edit.MAX_MINUTES,
                step=5,
                value=meeting.minutes if meeting else meeting_edit.DEFAULT_MINUTES,
                key=f"m-minutes-{mid}-{v}",
            )
            m_place = st.text_input(
                t("before.place"), value=(meeting.place or "") if meeting else "", key=f"m-place-{mid}-{v}"
            )
            m_link = st.text_input(
                t("before.video_link"),
                value=(meeting.video_link or "") if meeting else "",
                key=f"m-link-{mid}-{v}",
            )
            st.info(t("before.citizen_decides"), icon="🙋")
            m_people = st.multiselect(
                t("before.participants"),
                options=ids,
                default=chosen_before,
                format_func=labelled,
                key=f"m-people-{mid}-{v}", placeholder=choose_many(),
            )
            col_leader, col_notes = st.columns(2)
            leader_default = meeting.leader_person_id if meeting else None
            notes_default = meeting.note_taker_person_id if meeting else None
            m_leader = col_leader.selectbox(
                t("before.leader"),
                options=ids,
                format_func=labelled,
                placeholder=t("before.choose"),
                index=ids.index(leader_default) if leader_default in ids else None,
                key=f"m-leader-{mid}-{v}",
            )
            m_notes = col_notes.selectbox(
                t("before.note_taker"),
                options=ids,
                format_func=labelled,
                placeholder=t("before.choose"),
                index=ids.index(notes_default) if notes_default in ids else None,
                key=f"m-notes-{mid}-{v}",
            )
            if st.form_submit_button(t("before.save") if meeting else t("before.schedule"), type="primary"):
                values = dict(
                    day=m_day,
                    clock=m_clock,
                    minutes=m_minutes,
                    place=m_place,
                    video_link=m_link,
                    participant_ids=m_people,
                    leader_id=m_leader,
                    note_taker_id=m_notes,
                )
                if meeting is None:
                    write(
                        lambda s: meetings.schedule_meeting(
                            session=s, actor=actor, citizen_id=cid, lang=lang(), **values
                        ),
                        "before.meeting_saved",
                        forget=("seen-meeting-0",),
                        status=t("before.status_draft"),
                    )
                else:
                    write(
                        lambda s: meetings.update_meeting(
                            session=s, actor=actor, meeting_id=mid, seen_version=v, **values
                        ),
                        "before.meeting_saved",
                        forget=(f"seen-meeting-{mid}",),
                        status=t(f"before.status_{meeting.status}"),
                    )

        if meeting is not None:
            if meetings.same_leader_and_note_taker(meeting.leader_person_id, meeting.note_taker_person_id):
                st.warning(t("before.same_person_warning"), icon="⚠️")
            with session_scope() as session:
                clashes = meetings.double_bookings_in_plan(
                    session=session, actor=actor, plan=plan, meeting_id=meeting.id
                )
            for clash in clashes:
                st.warning(
                    escape_markdown(
                        t(
                            "before.clash_warning",
                            name=clash.person_name,
                            when=moment(clash.other_starts_at),
                            minutes=clash.other_minutes,
                        )
                    ),
                    icon="📅",
                )
            prep.warn_uncovered(invitation.uncovered_participants(plan, meeting, on=on_day))
            if meeting.status == "draft" and st.button(
                t("before.confirm"), type="primary", key=f"confirm-{mid}"
            ):
                write(
                    lambda s: meetings.confirm_meeting(
                        session=s, actor=actor, meeting_id=mid, seen_version=meeting.version
                    ),
                    "before.confirmed",
                    forget=(f"seen-meeting-{mid}",),
                )

            pros = [
                mp
                for mp in meeting.participants
                if (p := plan.person(mp.person_id)) is not None and p.kind == "professional"
            ]
            if pros:
                st.subheader(t("before.written_status_title"), anchor=False)
                st.caption(t("before.written_status_help"))
                for mp in pros:
                    if mp.written_status:
                        st.caption(escape_markdown(names.get(mp.person_id, "")))
                        show_text(mp.written_status)
                with form(key=f"status-{mid}"):
                    s_pid = st.selectbox(
                        t("before.written_status_person"),
                        options=[mp.person_id for mp in pros],
                        format_func=labelled,
                        key=f"status-who-{mid}", placeholder=choose(),
                    )
                    s_text = st.text_area(
                        t("before.written_status_text"), key=f"status-text-{mid}", height=100
                    )
                    if st.form_submit_button(t("before.save_written_status")):
                        write(
                            lambda s: meetings.save_written_status(
                                session=s, actor=actor, meeting_id=mid, person_id=s_pid, text=s_text
                            ),
                            "before.written_status_saved",
                            forget=(f"status-text-{mid}",),
                        )


