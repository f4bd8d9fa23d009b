"""Step 3 of Mødet: the citizen's goals in their own words, today's score and the next step,
edits saved against the version this screen saw, and the add form (saves once)."""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from models.errors import StaleVersion, UserError
from models.goals import add_goal, previous_score, score_at, score_goal, set_goal_status, update_goal
from models.plans import GoalView
from models.tables import GOAL_AREAS, GOAL_STATUSES, MAX_ACTIVE_GOALS
from ui.action_row import Action, Group, action_row
from ui.choice_group import choice_group
from ui.feedback import flash, show_flash
from ui.i18n import t
from ui.meeting_common import (
    Panel,
    attempt,
    error_to_form,
    form_key,
    fresh,
    generation,
    goal_label,
    saved,
    second_click,
    show_form_error,
    staff_only,
    write,
)
from ui.progress_chart import draw_progress_ahead
from ui.safe import show_text
from ui.text_block import show_lines
from ui.widgets import choose, day, form, unfolded

SCORING = "meet_scoring_goal"  # the goal whose scale is drawn (see scoring_goal_id)
NEW = ("meet_new_goal_words", "meet_new_goal_area", "meet_new_goal_note", "meet_new_goal_pause")


def _keys(goal: GoalView) -> dict[str, str]:
    return {name: f"meet_goal_{name}_{goal.id}" for name in ("words", "note", "area", "seen", "stale")}


def save_edit(panel: Panel, keys: dict[str, str], fn: Any, **values: Any) -> None:
    """Save an edit against the version this screen saw. Someone else's newer save marks the
    edit stale (the typed text stays in the field); a success moves the seen version on."""
    try:
        result = write(panel, fn, seen_version=st.session_state[keys["seen"]], **values)
    except StaleVersion:
        st.session_state[keys["stale"]] = True
        return
    except UserError:
        return
    st.session_state[keys["seen"]] = result.version
    st.session_state.pop(keys["stale"], None)


def _save_goal(panel: Panel, goal: GoalView) -> None:
    keys = _keys(goal)
    save_edit(
        panel,
        keys,
        update_goal,
        goal_id=goal.id,
        own_words=st.session_state[keys["words"]],
        area=st.session_state.get(keys["area"], goal.area),
        professional_note=st.session_state.get(keys["note"], goal.professional_note),
    )


def _take_theirs(goal: GoalView) -> None:
    """Show the saved version (the other person's) in the field; the user's text is discarded."""
    keys = _keys(goal)
    st.session_state[keys["words"]] = goal.own_words
    st.session_state[keys["seen"]] = goal.version
    st.session_state.pop(keys["stale"], None)


def _keep_mine(panel: Panel, goal: GoalView) -> None:
    """Save the user's text over the newer version, knowingly."""
    keys = _keys(goal)
    st.session_state[keys["seen"]] = goal.version
    st.session_state.pop(keys["stale"], None)
    _save_goal(panel, goal)


def _status_changed(panel: Panel, goal: GoalView) -> None:
    attempt(
        panel,
        set_goal_status,
        goal_id=goal.id,
        seen_version=goal.version,
        status=st.session_state[f"meet_goal_status_{goal.id}"],
    )
    st.session_state.pop(_keys(goal)["seen"], None)
    st.session_state.pop(_keys(goal)["words"], None)


def _save_score(panel: Panel, goal: GoalView, score: object) -> None:
    attempt(
        panel,
        score_goal,
        goal_id=goal.id,
        meeting_id=panel.meeting.id,
        score=score,
        next_step=st.session_state.get(f"meet_step_up_{goal.id}"),
    )


def _score_changed(panel: Panel, goal: GoalView, score: int) -> None:
    st.session_state[SCORING] = goal.id  # the scale stays on the goal being scored
    _save_score(panel, goal, score)


def _step_up_changed(panel: Panel, goal: GoalView) -> None:
    """The next step of today's score, saved with it (the field is drawn only once there is one)."""
    now = score_at(goal, panel.meeting.id)
    _save_score(panel, goal, now.score if now else None)


def _score_this(goal_id: int) -> None:
    st.session_state[SCORING] = goal_id


def scoring_goal_id(panel: Panel) -> int | None:
    """The one goal whose 0-10 scale is drawn: the one the leader picked ("Skalér dette mål"),
    else the first focus goal not scored at this meeting yet, else the first focus goal.

    One scale at a time, not one per goal: each of its eleven options is drawn through Streamlit's
    Markdown component, and three scales were ~45 ms of every rerun of the goals step (161 -> 115
    ms median without them, issue 16). The room scores one goal at a time anyway. The scale stays
    where it is after a score, so a keyboard user's arrow keys (each one saves) keep their place.
    """
    ids = {g.id for g in panel.plan.goals}
    picked = st.session_state.get(SCORING)
    if picked in ids:
        return picked
    active = panel.plan.active_goals
    unscored = [g for g in active if score_at(g, panel.meeting.id) is None]
    first = unscored or active
    return first[0].id if first else None


def _add_goal(panel: Panel, gen: int) -> None:
    words = st.session_state.get(fresh("meet_new_goal_words", "goal", gen), "")
    if second_click("goal", words):
        return
    added, ok = attempt(
        panel,
        add_goal,
        citizen_id=panel.plan.citizen.id,
        own_words=words,
        area=st.session_state.get(fresh("meet_new_goal_area", "goal", gen)),
        professional_note=st.session_state.get(fresh("meet_new_goal_note", "goal", gen)),
        pause_goal_id=st.session_state.get(fresh("meet_new_goal_pause", "goal", gen)),
        form_key=form_key(panel, "goal", gen),
    )
    if ok:
        saved("goal", gen, *NEW)
        flash("meet.goal_added", at="meet-goal")
        st.session_state[SCORING] = added.id  # a new goal is scored next
    else:
        error_to_form("goal")


def _edit(panel: Panel, goal: GoalView, keys: dict[str, str]) -> None:
    st.text_area(t("goal.own_words"), key=keys["words"], on_change=_save_goal, args=(panel, goal))
    if st.session_state.get(keys["stale"]):
        st.warning(t("error.stale_version"), icon="⚠️")
        st.caption(t("goal.saved_version"))
        show_text(goal.own_words)
        take, keep = st.columns(2)
        take.button(t("goal.take_theirs"), key=f"meet_take_{goal.id}", on_click=_take_theirs, args=(goal,))
        keep.button(t("goal.keep_mine"), key=f"meet_keep_{goal.id}", on_click=_keep_mine, args=(panel, goal))
    area_col, status_col = st.columns(2)
    st.session_state.setdefault(keys["area"], goal.area)
    area_col.selectbox(
        t("goal.area_label"),
        [None, *GOAL_AREAS],
        key=keys["area"],
        on_change=_save_goal,
        args=(panel, goal),
        placeholder=t("goal.no_area"),
        format_func=lambda a: t(f"goal.area.{a}") if a else t("goal.no_area"),
    )
    st.session_state.setdefault(f"meet_goal_status_{goal.id}", goal.status)
    status_col.selectbox(
        t("goal.status_label"),
        GOAL_STATUSES,
        key=f"meet_goal_status_{goal.id}",
        format_func=lambda s: t(f"goal.status.{s}"),
        on_change=_status_changed,
        args=(panel, goal),
        placeholder=choose(),
    )
    st.session_state.setdefault(keys["note"], goal.professional_note or "")
    st.text_area(
        t("meetpanel2.professional_note"),
        key=keys["note"],
        on_change=_save_goal,
        args=(panel, goal),
        help=t("meetpanel2.professional_note_help"),
    )


def _toggle_edit(key: str) -> None:
    st.session_state[key] = not st.session_state.get(key, False)


def render_goal(panel: Panel, goal: GoalView, *, scoring: bool) -> None:
    keys = _keys(goal)
    if keys["words"] not in st.session_state:  # the text and the version the user sees, together
        st.session_state[keys["words"]] = goal.own_words
        st.session_state[keys["seen"]] = goal.version
    meeting_id = panel.meeting.id
    with st.container(border=True, key=f"meet-goal-{goal.id}"):
        now_score, before = score_at(goal, meeting_id), previous_score(goal, meeting_id)
        # The words, then area, status and last time's score on one line under them, then what the
        # leader can do with the goal ("Skalér dette mål", "Ret målet"): one element
        # (ui/action_row.py), not a block of text, a button and an expander: each element is drawn
        # anew on every rerun of the meeting (issue 16). Then the score (0-10) and the next step.
        last = (t("goal.previous_score", score=before.score, when=day(before.meeting_starts_at)) if before
                else t("goal.no_previous_score"))  # fmt: skip
        area = t(f"goal.area.{goal.area}") if goal.area else ""
        today = ""  # a drawn scale shows today's score itself
        if not scoring:
            today = t("goal.score_now", score=now_score.score) if now_score else t("goal.not_scored_today")
        about = " · ".join(x for x in (area, t(f"goal.status.{goal.status}"), today, last) if x)
        edit_key = f"meet_goal_edit_{goal.id}"
        editing = bool(st.session_state.get(edit_key))
        actions = []
        if not scoring:
            label = t("goal.score_change" if now_score else "goal.score_this")
            actions.append(Action(label, functools.partial(_score_this, goal.id)))
        # The goal's own fields are drawn only while "Ret målet" is on: folded, its five fields were
        # a quarter of the goals step's script and elements on every rerun (issue 16). They start
        # from the saved goal.
        actions.append(Action(t("goal.edit"), functools.partial(_toggle_edit, edit_key), expanded=editing))
        action_row([Group(t("goal.actions_label"), tuple(actions))], key=f"meet-goal-words-{goal.id}",
                   lines=[("words", goal.own_words), ("caption", about)], lines_first=True)  # fmt: skip
        if editing:
            with st.container(border=True, key=f"meet-goal-edit-{goal.id}"):
                _edit(panel, goal, keys)
        if goal.professional_note:
            with st.container(key=f"meet-staff-note-{goal.id}"):
                staff_only(t("meetpanel2.note_caption"))
                show_text(goal.professional_note)
        if scoring:
            choice_group(range(11), key=f"meet_score_{goal.id}", label=t("goal.score_label"),
                         chosen=now_score.score if now_score else None,
                         on_choose=functools.partial(_score_changed, panel, goal))  # fmt: skip
        # The next step belongs to today's score: its field comes with the score (a field that
        # cannot be used yet is only noise on the leader's screen, and one more input to draw).
        if now_score is not None:
            st.session_state.setdefault(f"meet_step_up_{goal.id}", now_score.next_step or "")
            st.text_input(
                t("goal.next_step"),
                key=f"meet_step_up_{goal.id}",
                on_change=_step_up_changed,
                args=(panel, goal),
                help=t("goal.next_step_help"),
            )


def _add_form(panel: Panel) -> None:
    show_flash(at="meet-goal")  # the confirmation by the form that saved (issue 18)
    # Folded, and drawn only when unfolded, as a goal's edit fields are: its two text areas and
    # two select boxes were the heaviest part of the goals step, drawn anew on every rerun of the
    # meeting, while the room mostly scores the goals it has (issue 16). A citizen without goals
    # when the step is first shown finds it unfolded, and it stays so after the first save, for the
    # next goal (the default is kept: a changed default would make it a new, folded expander).
    first_key = f"meet_new_goal_first_{panel.plan.citizen.id}"
    first = st.session_state.setdefault(first_key, not panel.plan.goals)
    if (box := unfolded(t("goal.add_title"), key="meet_new_goal_open", expanded=first)) is not None:
        with box:
            _add_fields(panel)


def _add_fields(panel: Panel) -> None:
    gen = generation("goal")
    with form("meet_new_goal", border=False):  # the expander frames it
        st.text_area(
            t("goal.own_words"), key=fresh("meet_new_goal_words", "goal"), help=t("goal.own_words_help")
        )
        area_col, note_col = st.columns(2)
        area_col.selectbox(
            t("goal.area_label"),
            list(GOAL_AREAS),
            index=None,
            key=fresh("meet_new_goal_area", "goal"),
            format_func=lambda a: t(f"goal.area.{a}"),
            placeholder=t("goal.no_area"),
        )
        note_col.text_area(
            t("meetpanel2.professional_note"),
            key=fresh("meet_new_goal_note", "goal"),
            height=68,
            help=t("meetpanel2.professional_note_help"),
        )
        active = panel.plan.active_goals
        if len(active) >= MAX_ACTIVE_GOALS:
            st.selectbox(
                t("goal.pause_which", max=MAX_ACTIVE_GOALS),
                [g.id for g in active],
                index=None,
                key=fresh("meet_new_goal_pause", "goal"),
                format_func=lambda g: goal_label(panel, g),
                placeholder=choose(),
            )
        show_form_error("goal")
        st.form_submit_button(t("goal.add"), on_click=_add_goal, args=(panel, gen), type="primary")


def render_goals(panel: Panel) -> None:
    hint = t("goal.focus_hint", max=MAX_ACTIVE_GOALS)
    show_lines([("subheading", t("meet.step.goals")), ("caption", hint)])
    scoring = scoring_goal_id(panel)
    for goal in panel.plan.active_goals:
        render_goal(panel, goal, scoring=goal.id == scoring)
    others = [g for g in panel.plan.goals if g.status != "active"]
    box = unfolded(t("goal.others", count=len(others)), key="meet_goal_others") if others else None
    if box is not None:
        with box:
            for goal in others:
                render_goal(panel, goal, scoring=goal.id == scoring)
    _add_form(panel)
    # Min plan is shown next on the shared screen: its picture of these scores is drawn now, in a
    # process of its own, rather than on its first view after a score (ui/progress_chart.py).
    draw_progress_ahead(panel.plan)
