"""Step 4 of Mødet: the new agreements — who does what by when — with the citizen's load, edits
saved against the version this screen saw, and the add form (saves once)."""

from __future__ import annotations

import streamlit as st

from models.actions import create_agreement, update_agreement
from models.meeting_mode import LOAD_WARN_AGREEMENTS, LOAD_WARN_PEOPLE, citizen_load, owner_choices
from models.plans import ActionView
from models.tables import today
from ui.feedback import flash, show_flash
from ui.i18n import t
from ui.meeting_common import (
    CITIZEN,
    Panel,
    attempt,
    error_to_form,
    form_key,
    fresh,
    generation,
    goal_label,
    owner_label,
    saved,
    second_click,
    show_form_error,
)
from ui.meeting_goals import save_edit
from ui.safe import escape_markdown, show_text
from ui.widgets import deadline, form

NEW = ("meet_new_ag_text", "meet_new_ag_owner", "meet_new_ag_due", "meet_new_ag_goal", "meet_new_ag_trial")


def _keys(action: ActionView) -> dict[str, str]:
    names = ("text", "goal", "owner", "due", "trial", "seen", "stale")
    return {name: f"meet_ag_{action.id}_{name}" for name in names}


def _save(panel: Panel, action: ActionView) -> None:
    keys = _keys(action)
    owner = st.session_state[keys["owner"]]
    save_edit(
        panel,
        keys,
        update_agreement,
        action_id=action.id,
        text=st.session_state[keys["text"]],
        goal_id=st.session_state[keys["goal"]],
        owner_person_id=None if owner in (None, CITIZEN) else owner,
        owner_is_citizen=owner == CITIZEN,
        due_on=st.session_state[keys["due"]],
        trial=st.session_state[keys["trial"]],
        meeting_id=panel.meeting.id,
    )


def _reload(action: ActionView) -> None:
    for key in _keys(action).values():
        st.session_state.pop(key, None)


def _add(panel: Panel, gen: int) -> None:
    text = st.session_state.get(fresh("meet_new_ag_text", "ag", gen), "")
    if second_click("ag", text):
        return
    owner = st.session_state.get(fresh("meet_new_ag_owner", "ag", gen))
    _, ok = attempt(
        panel,
        create_agreement,
        citizen_id=panel.plan.citizen.id,
        text=text,
        goal_id=st.session_state.get(fresh("meet_new_ag_goal", "ag", gen)),
        owner_person_id=None if owner in (None, CITIZEN) else owner,
        owner_is_citizen=owner == CITIZEN,
        due_on=st.session_state.get(fresh("meet_new_ag_due", "ag", gen)),
        trial=st.session_state.get(fresh("meet_new_ag_trial", "ag", gen), False),
        meeting_id=panel.meeting.id,
        form_key=form_key(panel, "ag", gen),
    )
    if ok:
        saved("ag", gen, *NEW)
        flash("meet.agreement_added", at="meet-agreement")
    else:
        error_to_form("ag")


def render_load(panel: Panel) -> None:
    load = citizen_load(panel.plan)
    with st.container(key="meet-load"):
        line = t(
            "meet.load.line",
            agreements=t("count.own_agreements", count=load.agreements),
            people=t("count.different_people", count=load.people),
        )
        if load.warning:
            st.warning(
                t(
                    "meet.load.warning",
                    line=line,
                    max_agreements=LOAD_WARN_AGREEMENTS - 1,
                    max_people=LOAD_WARN_PEOPLE - 1,
                ),
                icon="🫶",
            )
        else:
            st.markdown(line)


def _edit(panel: Panel, action: ActionView, keys: dict[str, str]) -> None:
    st.text_area(t("meet.agreement_text"), key=keys["text"], on_change=_save, args=(panel, action))
    if st.session_state.get(keys["stale"]):
        st.warning(t("error.stale_version"), icon="⚠️")
        st.caption(t("goal.saved_version"))
        show_text(action.text)
        st.button(t("goal.take_theirs"), key=f"meet_ag_reload_{action.id}", on_click=_reload, args=(action,))
    owners = [CITIZEN] + [a.person_id for a in owner_choices(panel.screen, keep=[action.owner_person_id])]
    cols = st.columns([4, 3, 3, 2], vertical_alignment="bottom")
    cols[0].selectbox(
        t("meet.owner"),
        owners,
        key=keys["owner"],
        format_func=lambda o: owner_label(panel, o),
        on_change=_save,
        args=(panel, action),
        placeholder=t("meet.pick_owner"),
    )
    cols[1].date_input(
        t("meet.due"), key=keys["due"], on_change=_save, args=(panel, action), format="DD.MM.YYYY"
    )
    cols[2].selectbox(
        t("meet.serves_goal"),
        [None] + [g.id for g in panel.plan.active_goals],
        key=keys["goal"],
        format_func=lambda g: goal_label(panel, g) if g else t("meet.no_goal"),
        placeholder=t("meet.no_goal"),
        on_change=_save,
        args=(panel, action),
    )
    cols[3].checkbox(
        t("meet.trial"), key=keys["trial"], on_change=_save, args=(panel, action), help=t("meet.trial_help")
    )


def render_agreement(panel: Panel, action: ActionView) -> None:
    keys = _keys(action)
    if keys["text"] not in st.session_state:
        owner = CITIZEN if action.owner_is_citizen else action.owner_person_id
        st.session_state.update(
            {
                keys["text"]: action.text,
                keys["goal"]: action.goal_id,
                keys["owner"]: owner,
                keys["due"]: action.due_on,
                keys["trial"]: action.trial,
                keys["seen"]: action.version,
            }
        )
    with st.container(border=True, key=f"meet-agreement-{action.id}"):
        text_col, who_col = st.columns([3, 2])
        with text_col, st.container(key=f"meet-agreement-text-{action.id}"):
            show_text(action.text)
        who = action.owner_name or t("plan.no_owner")
        due = deadline(action.due_on)
        with who_col:
            # Who and when as plainly as the agreement itself.
            st.markdown(
                escape_markdown(t("meet.owner_due", owner=who, due=due))
                + (f" · {t('meet.trial')}" if action.trial else "")
            )
            if action.is_unfinished:
                st.markdown(f":orange[{t('meet.unfinished')}]")
        with st.expander(t("meet.agreement_edit"), expanded=action.is_unfinished):
            _edit(panel, action, keys)


def _add_form(panel: Panel) -> None:
    gen = generation("ag")
    show_flash(at="meet-agreement")  # the confirmation by the form that saved (issue 18)
    with form("meet_new_agreement", border=True):
        st.markdown(f"**{t('meet.agreement_add_title')}**")
        st.text_area(t("meet.agreement_text"), key=fresh("meet_new_ag_text", "ag"), height=68)
        owners = [CITIZEN] + [a.person_id for a in owner_choices(panel.screen)]
        cols = st.columns([4, 3, 3, 2], vertical_alignment="bottom")
        cols[0].selectbox(
            t("meet.owner"),
            owners,
            index=None,
            key=fresh("meet_new_ag_owner", "ag"),
            format_func=lambda o: owner_label(panel, o),
            placeholder=t("meet.pick_owner"),
        )
        cols[1].date_input(
            t("meet.due"),
            value=None,
            key=fresh("meet_new_ag_due", "ag"),
            format="DD.MM.YYYY",
            min_value=today(),
        )
        cols[2].selectbox(
            t("meet.serves_goal"),
            [g.id for g in panel.plan.active_goals],
            index=None,
            key=fresh("meet_new_ag_goal", "ag"),
            format_func=lambda g: goal_label(panel, g),
            placeholder=t("meet.no_goal"),
        )
        cols[3].checkbox(t("meet.trial"), key=fresh("meet_new_ag_trial", "ag"), help=t("meet.trial_help"))
        show_form_error("ag")
        st.form_submit_button(t("meet.agreement_add"), on_click=_add, args=(panel, gen), type="primary")


def render_agreements(panel: Panel) -> None:
    st.subheader(t("meet.step.agreements"), anchor=False)
    render_load(panel)
    meeting_id = panel.meeting.id
    for action in panel.plan.actions:
        if action.agreed_at_meeting_id == meeting_id and action.status != "cancelled":
            render_agreement(panel, action)
    _add_form(panel)
