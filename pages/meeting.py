"""Mødet: the meeting on the shared screen — the citizen's words first, every change saved at once.

Thin: reads through models.meeting_mode / models.goals, renders, and calls them to change things.
Every edit saves from its own callback (no save button to forget). The version a user saw of a
goal or agreement lives in st.session_state next to the user's text, so a save over someone
else's newer change is refused in Danish while the text stays in the field.
"""

from datetime import timedelta

import streamlit as st

from models.actions import create_agreement, update_agreement
from models.db import session_scope
from models.errors import StaleVersion, UserError
from models.goals import add_goal, previous_score, score_at, score_goal, set_goal_status, update_goal
from models.meeting_mode import (
    LOAD_WARN_AGREEMENTS,
    LOAD_WARN_PEOPLE,
    add_decision,
    add_unmet_need,
    agenda_progress,
    citizen_load,
    close_meeting,
    close_problems,
    earlier_open_agreements,
    give_word,
    load_meeting_screen,
    next_agenda_item,
    next_meeting_start,
    open_meeting,
    owner_choices,
    record_citizen_response,
    remove_decision,
    review_agreement,
    set_attendance,
    set_citizen_present,
    speaking_time,
    unfinished_agreements,
)
from models.tables import GOAL_AREAS, GOAL_STATUSES, MAX_ACTIVE_GOALS, today, utcnow
from ui.context import current_actor, require_citizen
from ui.feedback import flash, show_flash, show_user_error
from ui.i18n import lang, t
from ui.safe import escape_markdown, show_text
from ui.widgets import citizen_header, day, moment, person_line

STEPS = ("attendance", "status", "goals", "agreements", "decisions", "close")
ERROR_KEY = "meet_error"
CITIZEN = "citizen"  # the owner/speaker choice meaning the citizen herself

actor = current_actor()
citizen_id = require_citizen()


# --- saving ---------------------------------------------------------------------------------


def _write(fn, **kwargs):
    """Run one domain write in its own transaction; a UserError is kept for this run to show."""
    try:
        with session_scope(write=True) as session:
            return fn(session=session, actor=actor, **kwargs)
    except UserError as error:
        st.session_state[ERROR_KEY] = error.message(lang(), quote=escape_markdown)
        raise


def _try(fn, **kwargs):
    try:
        return _write(fn, **kwargs), True
    except UserError:
        return None, False


def _fresh(name):
    """A form widget's key with the form's generation: a new generation gives empty widgets
    (Streamlit keeps a selectbox's or date's shown value even when its state is removed)."""
    form = "goal" if name.startswith("meet_new_goal") else "ag"
    return f"{name}_{st.session_state.get(f'meet_{form}_gen', 0)}"


def _next_generation(form):
    st.session_state[f"meet_{form}_gen"] = st.session_state.get(f"meet_{form}_gen", 0) + 1


def _show_error():
    message = st.session_state.pop(ERROR_KEY, None)
    if message:
        st.error(message, icon="⚠️")


try:
    with session_scope() as _session:
        screen = load_meeting_screen(session=_session, actor=actor, citizen_id=citizen_id)
except UserError as _error:
    show_user_error(_error)
    st.stop()

plan, meeting = screen.plan, screen.meeting
people = {p.id: p for p in plan.people}

# --- options: citizen view and compact mode --------------------------------------------------

left, right = st.columns([3, 2])
with right:
    option_a, option_b = st.columns(2)
    citizen_view = option_a.toggle(
        t("meet.citizen_view"), value=True, key="meet_citizen_view", help=t("meet.citizen_view_help")
    )
    compact = option_b.toggle(t("meet.compact"), value=False, key="meet_compact", help=t("meet.compact_help"))
if compact:
    with st.container(key="meet-compact"):
        st.html("<span></span>")  # the key's class hides the sidebar and the toolbar (ui/theme.py)

show_flash()

# --- the top: the citizen, their contact person, their own prepared words --------------------

with st.container(key="big-meet-head"):
    citizen_header(plan)
    prep = next((m.preparation for m in plan.meetings if meeting and m.id == meeting.id), None)
    if prep is not None:
        for field in ("matters_most", "dream", "questions"):
            words = getattr(prep, field)
            if words:
                st.caption(t(f"preparation.{field}"))
                show_text(words, key=f"own-words-prep-{field}")
    if st.session_state.get("meet_step") not in ("goals", "close") and plan.active_goals:
        # The focus goals stay in sight; the goals and closing steps show them in full.
        st.caption(t("plan.what_matters"))
        for goal in plan.active_goals:
            show_text(goal.own_words, key=f"own-words-head-{goal.id}")
    if prep is not None and prep.not_to_raise and not citizen_view:
        with st.container(key="meet-staff-not-to-raise"):
            st.caption(t("meet.staff_only", what=t("preparation.not_to_raise")))
            show_text(prep.not_to_raise)

if meeting is None:
    st.info(t("meeting.none"))
    st.stop()

when = t("meet.when", when=moment(meeting.starts_at), minutes=meeting.minutes)
st.caption(escape_markdown(when + (f" · {meeting.place}" if meeting.place else "")))
_show_error()

# --- not yet open: attendance may be marked; then open ---------------------------------------


def _open():
    saved, ok = _try(open_meeting, meeting_id=meeting.id, seen_version=meeting.version)
    if ok:
        st.session_state["meet_step"] = "attendance"


if not meeting.is_running:
    st.info(t("meet.not_open", status=t(f"meet.status.{meeting.status}")))
    st.button(t("meet.open"), type="primary", key="meet_open", on_click=_open, icon="▶️")


# --- the clock strip: agenda time and speaking time -------------------------------------------


@st.fragment(run_every=timedelta(seconds=30))
def _clock(live):
    """Re-drawn every 30 s from what was loaded (no database read): times move on the wall."""
    now = utcnow()
    progress = agenda_progress(live, now=now)
    talk = speaking_time(live, now=now)
    agenda_col, talk_col = st.columns(2)
    with agenda_col, st.container(key="big-meet-agenda"):
        if progress.current is not None:
            st.caption(t("meet.agenda.current", number=progress.done_count + 1, count=progress.item_count))
            show_text(progress.current.title, key="meet-agenda-title")
            line = t(
                "meet.agenda.item_time",
                elapsed=progress.elapsed_seconds // 60,
                box=progress.time_box_seconds // 60,
            )
            if progress.over_time:
                st.markdown(f":orange[{line} · {t('meet.agenda.over')}]")
            else:
                st.markdown(line)
        elif progress.item_count:
            st.caption(t("meet.agenda.all_done"))
        st.caption(
            t(
                "meet.agenda.total",
                elapsed=progress.meeting_elapsed_seconds // 60,
                planned=progress.meeting_planned_seconds // 60,
            )
        )
    with talk_col, st.container(key="big-meet-talk"):
        share = talk.citizen_share
        st.caption(t("meet.talk.title"))
        if share is None:
            st.markdown(t("meet.talk.none"))
        else:
            st.markdown(t("meet.talk.share", percent=round(share * 100)))
            st.progress(share)
        speaker = (
            t("meet.talk.citizen_speaks", name=plan.citizen.name)
            if live.speaker_is_citizen
            else people[live.speaker_person_id].name
            if live.speaker_person_id in people
            else None
        )
        if speaker:
            st.caption(escape_markdown(t("meet.talk.now", name=speaker)))


def _give(choice):
    if choice == CITIZEN:
        _try(give_word, meeting_id=meeting.id, to_citizen=True)
    else:
        _try(give_word, meeting_id=meeting.id, person_id=choice)


def _next_item():
    _try(next_agenda_item, meeting_id=meeting.id)


if meeting.is_running:
    _clock(meeting)
    speakers = [CITIZEN] + [a.person_id for a in screen.present]
    with st.container(key="meet-speakers", horizontal=True):
        for choice in speakers:
            current = meeting.speaker_is_citizen if choice == CITIZEN else meeting.speaker_person_id == choice
            label = plan.citizen.name if choice == CITIZEN else people[choice].name
            st.button(
                escape_markdown(label),
                key=f"meet_speaker_{choice}",
                on_click=_give,
                args=(choice,),
                type="primary" if current else "secondary",
                icon="🗣️" if current else None,
            )
        st.button(t("meet.talk.pause"), key="meet_speaker_pause", on_click=_give, args=(None,))
        st.button(t("meet.agenda.next"), key="meet_next_item", on_click=_next_item, icon="⏭️")

# --- steps -----------------------------------------------------------------------------------

steps = STEPS if meeting.is_running else ("attendance",)
if st.session_state.get("meet_step") not in steps:
    st.session_state["meet_step"] = steps[0]
step = st.radio(
    t("meet.steps_label"),
    steps,
    format_func=lambda s: t(f"meet.step.{s}"),
    horizontal=True,
    key="meet_step",
    label_visibility="collapsed",
)
st.divider()


def _owner_label(option):
    if option == CITIZEN:
        return t("meet.owner_citizen", name=plan.citizen.name)
    person = people.get(option)
    return person_line(person) if person else "?"


def _goal_label(goal_id):
    goal = next((g for g in plan.goals if g.id == goal_id), None)
    return goal.own_words.replace("\n", " ")[:80] if goal else "?"


# Step 1: attendance ---------------------------------------------------------------------------


def _attendance_changed(person_id):
    value = st.session_state[f"meet_att_{person_id}"]
    _try(set_attendance, meeting_id=meeting.id, person_id=person_id, attendance=value)


def _written_status_changed(person_id):
    text = st.session_state[f"meet_ws_{person_id}"]
    _try(
        set_attendance,
        meeting_id=meeting.id,
        person_id=person_id,
        attendance="apologies",
        written_status=text,
    )


def _citizen_present_changed():
    _try(set_citizen_present, meeting_id=meeting.id, present=st.session_state["meet_citizen_present"])


def render_attendance():
    st.subheader(t("meet.step.attendance"), anchor=False)
    st.session_state.setdefault("meet_citizen_present", meeting.citizen_present is not False)
    st.toggle(
        t("meet.citizen_present", name=escape_markdown(plan.citizen.name)),
        key="meet_citizen_present",
        on_change=_citizen_present_changed,
    )
    options = ("present", "apologies", "absent", "invited")
    for attendee in screen.attendees:
        with st.container(border=True, key=f"meet-attendee-{attendee.person_id}"):
            name_col, choice_col = st.columns([2, 3])
            with name_col:
                show_text(attendee.name)
                st.caption(
                    escape_markdown(
                        ", ".join(x for x in (attendee.role, attendee.department) if x)
                        or t(f"person.kind_{attendee.kind}")
                    )
                )
            key = f"meet_att_{attendee.person_id}"
            st.session_state.setdefault(key, attendee.attendance or "invited")
            choice_col.radio(
                t("meet.attendance_label"),
                options,
                format_func=lambda a: t(f"meet.attendance.{a}"),
                horizontal=True,
                key=key,
                on_change=_attendance_changed,
                args=(attendee.person_id,),
                label_visibility="collapsed",
            )
            if st.session_state[key] == "apologies":
                ws_key = f"meet_ws_{attendee.person_id}"
                st.session_state.setdefault(ws_key, attendee.written_status or "")
                st.text_area(
                    t("meet.written_status"),
                    key=ws_key,
                    on_change=_written_status_changed,
                    args=(attendee.person_id,),
                    height=80,
                )


# Step 2: status round on earlier agreements -----------------------------------------------


def _review(action):
    prefix = f"meet_rv_{action.id}"
    outcome = st.session_state.get(f"{prefix}_outcome")
    owner = st.session_state.get(f"{prefix}_owner", action.owner_person_id)
    saved, ok = _try(
        review_agreement, meeting_id=meeting.id, action_id=action.id,
        seen_version=st.session_state.get(f"{prefix}_seen", action.version), outcome=outcome,
        note=st.session_state.get(f"{prefix}_note"), new_due_on=st.session_state.get(f"{prefix}_due"),
        text=st.session_state.get(f"{prefix}_text", action.text),
        owner_person_id=None if owner == CITIZEN else owner, owner_is_citizen=owner == CITIZEN,
        goal_id=action.goal_id, trial=action.trial,
    )  # fmt: skip
    if ok:
        for suffix in ("_outcome", "_note", "_seen", "_text"):
            st.session_state.pop(prefix + suffix, None)


def render_status():
    st.subheader(t("meet.status_round.title"), anchor=False)
    for attendee in screen.apologies:
        with st.container(key=f"meet-ws-{attendee.person_id}"):
            st.caption(escape_markdown(t("meet.status_round.written_from", name=attendee.name)))
            show_text(attendee.written_status or t("meet.status_round.no_written"))
    earlier = earlier_open_agreements(plan, meeting.id)
    reviewed = [a for a in plan.actions if a.id in meeting.reviewed_action_ids and not a.is_open]
    if not earlier:
        st.info(t("meet.status_round.none"))
    for action in earlier:
        prefix = f"meet_rv_{action.id}"
        with st.container(border=True, key=f"meet-review-{action.id}"):
            with st.container(key=f"big-meet-action-{action.id}"):
                show_text(action.text)
            who = action.owner_name or t("plan.no_owner")
            due = day(action.due_on) if action.due_on else t("meet.no_date")
            st.caption(escape_markdown(t("meet.owner_due", owner=who, due=due)))
            if action.id in meeting.reviewed_action_ids:
                st.caption(t("meet.status_round.reviewed"))
            st.session_state.setdefault(f"{prefix}_seen", action.version)
            with st.form(f"meet_review_form_{action.id}", border=False):
                st.radio(
                    t("meet.review.label"),
                    ("done", "running", "changed", "dropped"),
                    index=None,
                    format_func=lambda o: t(f"meet.review.{o}"),
                    horizontal=True,
                    key=f"{prefix}_outcome",
                )
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
                    owners = [CITIZEN] + [
                        a.person_id for a in owner_choices(screen, keep=[action.owner_person_id])
                    ]
                    current = CITIZEN if action.owner_is_citizen else action.owner_person_id
                    st.selectbox(
                        t("meet.owner"),
                        owners,
                        index=owners.index(current) if current in owners else None,
                        format_func=_owner_label,
                        key=f"{prefix}_owner",
                    )
                st.form_submit_button(t("meet.review.save"), on_click=_review, args=(action,))
    if reviewed:
        st.caption(t("meet.status_round.closed_now"))
        for action in reviewed:
            show_text(f"✓ {action.text} — {t('action.status_' + action.status)}")


# Step 3: goals ---------------------------------------------------------------------------


def _goal_edit_keys(goal):
    return {
        "words": f"meet_goal_words_{goal.id}",
        "note": f"meet_goal_note_{goal.id}",
        "area": f"meet_goal_area_{goal.id}",
        "seen": f"meet_goal_seen_{goal.id}",
        "stale": f"meet_goal_stale_{goal.id}",
    }


def _save_edit(keys, fn, **values):
    """Save an edit against the version this screen saw. Someone else's newer save marks the
    edit stale (the typed text stays in the field); a success moves the seen version on."""
    try:
        saved = _write(fn, seen_version=st.session_state[keys["seen"]], **values)
    except StaleVersion:
        st.session_state[keys["stale"]] = True
        return
    except UserError:
        return
    st.session_state[keys["seen"]] = saved.version
    st.session_state.pop(keys["stale"], None)


def _save_goal(goal):
    keys = _goal_edit_keys(goal)
    _save_edit(
        keys,
        update_goal,
        goal_id=goal.id,
        own_words=st.session_state[keys["words"]],
        area=st.session_state.get(keys["area"], goal.area),
        professional_note=st.session_state.get(keys["note"], goal.professional_note),
    )


def _take_theirs(goal):
    """Show the saved version (the other person's) in the field; the user's text is discarded."""
    keys = _goal_edit_keys(goal)
    st.session_state[keys["words"]] = goal.own_words
    st.session_state[keys["seen"]] = goal.version
    st.session_state.pop(keys["stale"], None)


def _keep_mine(goal):
    """Save the user's text over the newer version, knowingly."""
    keys = _goal_edit_keys(goal)
    st.session_state[keys["seen"]] = goal.version
    st.session_state.pop(keys["stale"], None)
    _save_goal(goal)


def _goal_status_changed(goal):
    _try(
        set_goal_status,
        goal_id=goal.id,
        seen_version=goal.version,
        status=st.session_state[f"meet_goal_status_{goal.id}"],
    )
    st.session_state.pop(_goal_edit_keys(goal)["seen"], None)
    st.session_state.pop(_goal_edit_keys(goal)["words"], None)


def _score_changed(goal):
    _try(
        score_goal,
        goal_id=goal.id,
        meeting_id=meeting.id,
        score=st.session_state[f"meet_score_{goal.id}"],
        next_step=st.session_state.get(f"meet_step_up_{goal.id}"),
    )


def _add_goal():
    words = st.session_state.get("meet_new_goal_words", "")
    saved, ok = _try(
        add_goal,
        citizen_id=plan.citizen.id,
        own_words=words,
        area=st.session_state.get(_fresh("meet_new_goal_area")),
        professional_note=st.session_state.get("meet_new_goal_note"),
        pause_goal_id=st.session_state.get(_fresh("meet_new_goal_pause")),
    )
    if ok:
        for key in ("meet_new_goal_words", "meet_new_goal_note"):
            st.session_state.pop(key, None)
        _next_generation("goal")
        flash("meet.goal_added")


def render_goal(goal):
    keys = _goal_edit_keys(goal)
    if keys["words"] not in st.session_state:  # the text and the version the user sees, together
        st.session_state[keys["words"]] = goal.own_words
        st.session_state[keys["seen"]] = goal.version
    with st.container(border=True, key=f"meet-goal-{goal.id}"):
        with st.container(key=f"big-meet-goal-{goal.id}"):
            show_text(goal.own_words, key=f"own-words-goal-{goal.id}")
        area = t(f"goal.area.{goal.area}") if goal.area else ""
        st.caption(" · ".join(x for x in (area, t(f"goal.status.{goal.status}")) if x))
        if goal.professional_note and not citizen_view:
            st.caption(t("meet.staff_only", what=t("goal.professional_note")))
            show_text(goal.professional_note)
        now_score, before = score_at(goal, meeting.id), previous_score(goal, meeting.id)
        score_col, step_col = st.columns([3, 2])
        with score_col:
            st.session_state.setdefault(f"meet_score_{goal.id}", now_score.score if now_score else None)
            st.radio(
                t("goal.score_label"),
                list(range(11)),
                key=f"meet_score_{goal.id}",
                horizontal=True,
                on_change=_score_changed,
                args=(goal,),
            )
            st.caption(
                t("goal.previous_score", score=before.score, when=day(before.meeting_starts_at))
                if before
                else t("goal.no_previous_score")
            )
        with step_col:
            st.session_state.setdefault(
                f"meet_step_up_{goal.id}", (now_score.next_step if now_score else "") or ""
            )
            st.text_input(
                t("goal.next_step"),
                key=f"meet_step_up_{goal.id}",
                on_change=_score_changed,
                args=(goal,),
                disabled=now_score is None,
                help=t("goal.next_step_help"),
            )
        with st.expander(t("goal.edit")):
            st.text_area(t("goal.own_words"), key=keys["words"], on_change=_save_goal, args=(goal,))
            if st.session_state.get(keys["stale"]):
                st.warning(t("error.stale_version"), icon="⚠️")
                st.caption(t("goal.saved_version"))
                show_text(goal.own_words)
                take, keep = st.columns(2)
                take.button(
                    t("goal.take_theirs"), key=f"meet_take_{goal.id}", on_click=_take_theirs, args=(goal,)
                )
                keep.button(
                    t("goal.keep_mine"), key=f"meet_keep_{goal.id}", on_click=_keep_mine, args=(goal,)
                )
            areas = [None, *GOAL_AREAS]
            st.session_state.setdefault(keys["area"], goal.area)
            st.selectbox(
                t("goal.area_label"),
                areas,
                key=keys["area"],
                on_change=_save_goal,
                args=(goal,),
                format_func=lambda a: t(f"goal.area.{a}") if a else t("goal.no_area"),
                placeholder=t("goal.no_area"),
            )
            if not citizen_view:
                st.session_state.setdefault(keys["note"], goal.professional_note or "")
                st.text_area(
                    t("goal.professional_note"),
                    key=keys["note"],
                    on_change=_save_goal,
                    args=(goal,),
                    help=t("goal.professional_note_help"),
                )
            st.session_state.setdefault(f"meet_goal_status_{goal.id}", goal.status)
            st.selectbox(
                t("goal.status_label"),
                GOAL_STATUSES,
                key=f"meet_goal_status_{goal.id}",
                format_func=lambda s: t(f"goal.status.{s}"),
                on_change=_goal_status_changed,
                args=(goal,),
            )


def render_goals():
    st.subheader(t("meet.step.goals"), anchor=False)
    st.caption(t("goal.focus_hint", max=MAX_ACTIVE_GOALS))
    for goal in plan.active_goals:
        render_goal(goal)
    others = [g for g in plan.goals if g.status != "active"]
    if others:
        with st.expander(t("goal.others", count=len(others))):
            for goal in others:
                render_goal(goal)
    with st.form("meet_new_goal", border=True):
        st.markdown(f"**{t('goal.add_title')}**")
        st.text_area(t("goal.own_words"), key="meet_new_goal_words", help=t("goal.own_words_help"))
        st.selectbox(
            t("goal.area_label"),
            list(GOAL_AREAS),
            index=None,
            key=_fresh("meet_new_goal_area"),
            format_func=lambda a: t(f"goal.area.{a}"),
            placeholder=t("goal.no_area"),
        )
        if not citizen_view:
            st.text_area(
                t("goal.professional_note"), key="meet_new_goal_note", help=t("goal.professional_note_help")
            )
        if len(plan.active_goals) >= MAX_ACTIVE_GOALS:
            st.selectbox(
                t("goal.pause_which", max=MAX_ACTIVE_GOALS),
                [g.id for g in plan.active_goals],
                index=None,
                key=_fresh("meet_new_goal_pause"),
                format_func=_goal_label,
            )
        st.form_submit_button(t("goal.add"), on_click=_add_goal, type="primary")


# Step 4: new agreements --------------------------------------------------------------------


def _agreement_keys(action):
    base = f"meet_ag_{action.id}"
    return {name: f"{base}_{name}" for name in ("text", "goal", "owner", "due", "trial", "seen", "stale")}


def _save_agreement(action):
    keys = _agreement_keys(action)
    owner = st.session_state[keys["owner"]]
    _save_edit(
        keys,
        update_agreement,
        action_id=action.id,
        text=st.session_state[keys["text"]],
        goal_id=st.session_state[keys["goal"]],
        owner_person_id=None if owner in (None, CITIZEN) else owner,
        owner_is_citizen=owner == CITIZEN,
        due_on=st.session_state[keys["due"]],
        trial=st.session_state[keys["trial"]],
        meeting_id=meeting.id,
    )


def _reload_agreement(action):
    for key in _agreement_keys(action).values():
        st.session_state.pop(key, None)


def _add_agreement():
    owner = st.session_state.get(_fresh("meet_new_ag_owner"))
    saved, ok = _try(
        create_agreement,
        citizen_id=plan.citizen.id,
        text=st.session_state.get("meet_new_ag_text", ""),
        goal_id=st.session_state.get(_fresh("meet_new_ag_goal")),
        owner_person_id=None if owner in (None, CITIZEN) else owner,
        owner_is_citizen=owner == CITIZEN,
        due_on=st.session_state.get(_fresh("meet_new_ag_due")),
        trial=st.session_state.get(_fresh("meet_new_ag_trial"), False),
        meeting_id=meeting.id,
    )
    if ok:
        st.session_state.pop("meet_new_ag_text", None)
        _next_generation("ag")
        flash("meet.agreement_added")


def render_load():
    load = citizen_load(plan)
    with st.container(key="big-meet-load"):
        line = t("meet.load.line", agreements=load.agreements, people=load.people)
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


def render_agreement(action):
    keys = _agreement_keys(action)
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
        with st.container(key=f"big-meet-agreement-{action.id}"):
            show_text(action.text)
        who = action.owner_name or t("plan.no_owner")
        due = day(action.due_on) if action.due_on else t("meet.no_date")
        st.caption(
            escape_markdown(t("meet.owner_due", owner=who, due=due))
            + (f" · {t('meet.trial')}" if action.trial else "")
        )
        if action.is_unfinished:
            st.markdown(f":orange[{t('meet.unfinished')}]")
        with st.expander(t("meet.agreement_edit"), expanded=action.is_unfinished):
            st.text_area(
                t("meet.agreement_text"), key=keys["text"], on_change=_save_agreement, args=(action,)
            )
            if st.session_state.get(keys["stale"]):
                st.warning(t("error.stale_version"), icon="⚠️")
                st.caption(t("goal.saved_version"))
                show_text(action.text)
                st.button(
                    t("goal.take_theirs"),
                    key=f"meet_ag_reload_{action.id}",
                    on_click=_reload_agreement,
                    args=(action,),
                )
            owners = [CITIZEN] + [a.person_id for a in owner_choices(screen, keep=[action.owner_person_id])]
            cols = st.columns([3, 2, 2, 1])
            cols[0].selectbox(
                t("meet.owner"),
                owners,
                key=keys["owner"],
                format_func=_owner_label,
                on_change=_save_agreement,
                args=(action,),
                placeholder=t("meet.pick_owner"),
            )
            cols[1].date_input(
                t("meet.due"), key=keys["due"], on_change=_save_agreement, args=(action,), format="DD.MM.YYYY"
            )
            cols[2].selectbox(
                t("meet.serves_goal"),
                [None] + [g.id for g in plan.active_goals],
                key=keys["goal"],
                format_func=lambda g: _goal_label(g) if g else t("meet.no_goal"),
                placeholder=t("meet.no_goal"),
                on_change=_save_agreement,
                args=(action,),
            )
            cols[3].checkbox(
                t("meet.trial"),
                key=keys["trial"],
                on_change=_save_agreement,
                args=(action,),
                help=t("meet.trial_help"),
            )


def render_agreements():
    st.subheader(t("meet.step.agreements"), anchor=False)
    render_load()
    mine = [a for a in plan.actions if a.agreed_at_meeting_id == meeting.id and a.status != "cancelled"]
    for action in mine:
        render_agreement(action)
    with st.form("meet_new_agreement", border=True):
        st.markdown(f"**{t('meet.agreement_add_title')}**")
        st.text_area(t("meet.agreement_text"), key="meet_new_ag_text")
        owners = [CITIZEN] + [a.person_id for a in owner_choices(screen)]
        cols = st.columns([3, 2, 2, 1])
        cols[0].selectbox(
            t("meet.owner"),
            owners,
            index=None,
            key=_fresh("meet_new_ag_owner"),
            format_func=_owner_label,
            placeholder=t("meet.pick_owner"),
        )
        cols[1].date_input(
            t("meet.due"), value=None, key=_fresh("meet_new_ag_due"), format="DD.MM.YYYY", min_value=today()
        )
        cols[2].selectbox(
            t("meet.serves_goal"),
            [g.id for g in plan.active_goals],
            index=None,
            key=_fresh("meet_new_ag_goal"),
            format_func=_goal_label,
            placeholder=t("meet.no_goal"),
        )
        cols[3].checkbox(t("meet.trial"), key=_fresh("meet_new_ag_trial"), help=t("meet.trial_help"))
        st.form_submit_button(t("meet.agreement_add"), on_click=_add_agreement, type="primary")


# Step 5: decisions and unmet needs -------------------------------------------------------


def _add_decision():
    _, ok = _try(add_decision, meeting_id=meeting.id, text=st.session_state.get("meet_new_decision", ""))
    if ok:
        st.session_state.pop("meet_new_decision", None)


def _remove_decision(decision_id):
    _try(remove_decision, meeting_id=meeting.id, decision_id=decision_id)


def _add_need():
    _, ok = _try(add_unmet_need, meeting_id=meeting.id, text=st.session_state.get("meet_new_need", ""))
    if ok:
        st.session_state.pop("meet_new_need", None)


def render_decisions():
    st.subheader(t("meet.decisions.title"), anchor=False)
    for decision in meeting.decisions:
        text_col, remove_col = st.columns([8, 1])
        with text_col, st.container(key=f"big-meet-decision-{decision.id}"):
            show_text(decision.text)
        remove_col.button(
            t("meet.decisions.remove"),
            key=f"meet_rm_decision_{decision.id}",
            on_click=_remove_decision,
            args=(decision.id,),
        )
    with st.form("meet_decision_form", border=True):
        st.text_area(t("meet.decisions.new"), key="meet_new_decision")
        st.form_submit_button(t("meet.decisions.add"), on_click=_add_decision, type="primary")
    if citizen_view:
        st.caption(t("meet.needs.hidden"))
        return
    st.subheader(t("meet.needs.title"), anchor=False)
    st.caption(t("meet.needs.help"))
    for need in meeting.unmet_needs:
        show_text(need.text)
    with st.form("meet_need_form", border=True):
        st.text_area(t("meet.needs.new"), key="meet_new_need")
        st.form_submit_button(t("meet.needs.add"), on_click=_add_need)


# Step 6: read-back and close ---------------------------------------------------------------


def _save_response():
    agrees = st.session_state.get("meet_response") == "agree"
    saved, ok = _try(
        record_citizen_response,
        meeting_id=meeting.id,
        seen_version=st.session_state.get("meet_response_seen", meeting.version),
        agrees=agrees,
        disagreement=st.session_state.get("meet_disagreement"),
    )
    if ok:
        st.session_state["meet_response_seen"] = saved.version


def _close():
    closed, ok = _try(close_meeting, meeting_id=meeting.id)
    if ok:
        flash("meet.closed", number=closed.plan_version_number, when=moment(closed.next_starts_at))
        for key in [
            k
            for k in st.session_state
            if str(k).startswith("meet_") and k not in ("meet_citizen_view", "meet_compact")
        ]:
            del st.session_state[key]


def render_close():
    st.subheader(t("meet.readback.title"), anchor=False)
    with st.container(key="big-meet-readback"):
        st.markdown(f"**{t('plan.what_matters')}**")
        for goal in plan.active_goals:
            now_score = score_at(goal, meeting.id)
            show_text(goal.own_words, key=f"own-words-readback-{goal.id}")
            if now_score is not None:
                st.caption(t("goal.score_now", score=now_score.score))
        st.markdown(f"**{t('meet.readback.agreements')}**")
        for action in [a for a in plan.actions if a.is_open]:
            who = action.owner_name or t("plan.no_owner")
            due = day(action.due_on) if action.due_on else t("meet.no_date")
            show_text(f"• {action.text}\n   {t('meet.owner_due', owner=who, due=due)}")
        if meeting.decisions:
            st.markdown(f"**{t('plan.decisions')}**")
            for decision in meeting.decisions:
                show_text(f"• {decision.text}")
        st.markdown(f"**{t('plan.next_meeting')}**")
        later = [
            m.starts_at
            for m in plan.meetings
            if m.status in ("draft", "planned") and m.starts_at > meeting.starts_at
        ]
        upcoming = (
            later[0] if later else next_meeting_start(meeting.starts_at, plan.citizen.meetings_per_year)
        )
        st.markdown(escape_markdown(moment(upcoming)))
    unfinished = unfinished_agreements(plan, meeting.id)
    if unfinished:
        st.warning(t("meet.readback.unfinished", count=len(unfinished)), icon="✋")
    st.session_state.setdefault("meet_response_seen", meeting.version)
    current = None if meeting.citizen_agrees is None else ("agree" if meeting.citizen_agrees else "disagree")
    with st.form("meet_response_form", border=True):
        st.radio(
            t("meet.readback.question", name=escape_markdown(plan.citizen.name)),
            ("agree", "disagree"),
            index=None if current is None else ("agree", "disagree").index(current),
            format_func=lambda r: t(f"meet.readback.{r}"),
            key="meet_response",
            horizontal=True,
        )
        st.text_area(
            t("meet.readback.disagreement"),
            value=meeting.citizen_disagreement or "",
            key="meet_disagreement",
            help=t("meet.readback.disagreement_help"),
        )
        st.form_submit_button(t("meet.readback.save"), on_click=_save_response)
    if meeting.citizen_agrees is not None:
        st.caption(t("meet.readback.agreed") if meeting.citizen_agrees else t("meet.readback.disagreed"))
    problems = close_problems(plan, meeting)
    for problem in problems:
        st.caption(t(problem, count=len(unfinished)))
    st.button(
        t("meet.close"), type="primary", key="meet_close", on_click=_close, disabled=bool(problems), icon="🔒"
    )


if step == "attendance":
    render_attendance()
elif step == "status":
    render_status()
elif step == "goals":
    render_goals()
elif step == "agreements":
    render_agreements()
elif step == "decisions":
    render_decisions()
elif step == "close":
    render_close()
