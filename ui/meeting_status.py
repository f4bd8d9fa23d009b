"""Step 2 of Mødet: the status round on earlier agreements, with the written statuses of those
who sent apologies. Nothing open from before silently vanishes."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from models.meeting_mode import earlier_open_agreements, owner_choices, review_agreement
from models.plans import ActionView
from models.tables import today
from ui.feedback import set_field_error, show_field_error
from ui.i18n import t
from ui.meeting_common import CITIZEN, Panel, attempt, owner_label
from ui.safe import escape_markdown, show_text
from ui.widgets import choose, deadline, form

OUTCOMES = ("done", "running", "changed", "dropped")


def _review(panel: Panel, action: ActionView) -> None:
    prefix = f"meet_rv_{action.id}"
    owner = st.session_state.get(f"{prefix}_owner", action.owner_person_id)
    if st.session_state.get(f"{prefix}_outcome") is None:
        # The one required choice: said under it, instead of a general error at the top.
        set_field_error(f"{prefix}_outcome", "a11y_forms.outcome_required")
        return
    _, ok = attempt(
        panel,
        review_agreement,
        meeting_id=panel.meeting.id,
        action_id=action.id,
        seen_version=st.session_state.get(f"{prefix}_seen", action.version),
        outcome=st.session_state.get(f"{prefix}_outcome"),
        note=st.session_state.get(f"{prefix}_note"),
        new_due_on=st.session_state.get(f"{prefix}_due"),
        text=st.session_state.get(f"{prefix}_text", action.text),
        owner_person_id=None if owner == CITIZEN else owner,
        owner_is_citizen=owner == CITIZEN,
        goal_id=action.goal_id,
        trial=action.trial,
    )
    if ok:
        for suffix in ("_outcome", "_note", "_seen", "_text"):
            st.session_state.pop(prefix + suffix, None)


def _review_form(panel: Panel, action: ActionView) -> None:
    prefix = f"meet_rv_{action.id}"
    st.session_state.setdefault(f"{prefix}_seen", action.version)
    with form(f"meet_review_form_{action.id}", border=False):
        st.radio(
            t("meet.review.label"),
            OUTCOMES,
            index=None,
            format_func=lambda o: t(f"meet.review.{o}"),
            horizontal=True,
            key=f"{prefix}_outcome",
        )
        show_field_error(f"{prefix}_outcome")
        note_col, due_col = st.columns([3, 1])
        note_col.text_input(t("meet.review.note"), key=f"{prefix}_note")
        due_col.date_input(
            t("meet.review.new_date"),
            value=action.due_on,
            key=f"{prefix}_due",
            min_value=today() - timedelta(days=365),
            format="DD.MM.YYYY",
        )
        with st.expander(t("meet.review.change_details")):
            st.text_area(t("meet.agreement_text"), value=action.text, key=f"{prefix}_text")
            choices = owner_choices(panel.screen, keep=[action.owner_person_id])
            owners = [CITIZEN] + [a.person_id for a in choices]
            current = CITIZEN if action.owner_is_citizen else action.owner_person_id
            st.selectbox(
                t("meet.owner"),
                owners,
                index=owners.index(current) if current in owners else None,
                format_func=lambda o: owner_label(panel, o),
                key=f"{prefix}_owner",
                placeholder=choose(),
            )
        st.form_submit_button(t("meet.review.save"), on_click=_review, args=(panel, action))


def render_status(panel: Panel) -> None:
    plan, meeting = panel.plan, panel.meeting
    st.subheader(t("meet.status_round.title"), anchor=False)
    for attendee in panel.screen.apologies:
        with st.container(key=f"meet-ws-{attendee.person_id}"):
            st.caption(escape_markdown(t("meet.status_round.written_from", name=attendee.name)))
            show_text(attendee.written_status or t("meet.status_round.no_written"))
    earlier = earlier_open_agreements(plan, meeting.id)
    if not earlier:
        st.info(t("meet.status_round.none"))
    for action in earlier:
        with st.container(border=True, key=f"meet-review-{action.id}"):
            with st.container(key=f"meet-action-{action.id}"):
                show_text(action.text)
            who = action.owner_name or t("plan.no_owner")
            due = deadline(action.due_on)
            st.caption(escape_markdown(t("meet.owner_due", owner=who, due=due)))
            if action.id in meeting.reviewed_action_ids:
                st.caption(t("meet.status_round.reviewed"))
            _review_form(panel, action)
    reviewed = [a for a in plan.actions if a.id in meeting.reviewed_action_ids and not a.is_open]
    if reviewed:
        st.caption(t("meet.status_round.closed_now"))
        for action in reviewed:
            show_text(f"✓ {action.text} — {t('action.status_' + action.status)}")
