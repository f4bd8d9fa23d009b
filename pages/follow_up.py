"""Opfølgning: "Mine opgaver" (every agreement I own, overdue first) and the coordinator's view.

Changes go through models.actions (authorised, sanitised, versioned, with history). The version
the user saw is kept per agreement when its panel opens; a save after someone else's save is
refused with the Danish message, and what the user typed stays in the form.
"""

from datetime import timedelta

import pandas as pd
import streamlit as st

from models.actions import hand_over, move_due_date, set_action_status
from models.db import session_scope
from models.errors import UserError
from models.follow_up import (
    BUCKETS,
    bucket_counts,
    coordinator_view,
    days_overdue,
    handover_choices,
    my_agreements,
)
from models.tables import today
from models.unmet_needs import answer_unmet_need
from ui.context import current_actor, selected_citizen_id
from ui.demo_offer import offer_demo
from ui.feedback import attempt, flash, show_flash, show_user_error
from ui.i18n import t
from ui.safe import escape_markdown, show_text
from ui.widgets import day as format_date
from ui.widgets import person_line

# Colour and words say the same thing: the badge text is the meaning, the colour repeats it.
COLOURS = {"overdue": "red", "due_soon": "orange", "later": "blue", "done": "green"}
ICONS = {"overdue": ":material/error:", "due_soon": ":material/schedule:", "later": ":material/event:",
         "done": ":material/check_circle:"}  # fmt: skip
OPERATIONS = ("in_progress", "done", "cancelled", "move", "hand_over")
_DATES: dict = {}  # this render's formatted dates: hundreds of agreements share a few dozen days


def day(value) -> str:  # noqa: ANN001 - date or datetime
    """ui.widgets.day, with Babel asked once per distinct date in a render (not once per row)."""
    text = _DATES.get(value)
    if text is None:
        text = _DATES[value] = format_date(value)
    return text
SELECTED = "fu_selected"
actor = current_actor()
st.title(t("followup.title"))
show_flash()
offer_demo(actor)  # only an administrator on a database without citizens sees it


def badge_text(bucket, status, due_on):
    if bucket == "overdue":
        days = days_overdue(bucket=bucket, due_on=due_on)
        return t("followup.badge.overdue_one") if days == 1 else t("followup.badge.overdue", days=days)
    if bucket == "done":
        return t(f"followup.badge.{'cancelled' if status == 'cancelled' else 'done'}")
    return t(f"followup.badge.{bucket}")


def _clear_panel(panel):
    for name in ("op", "text", "date", "owner", "seen"):
        st.session_state.pop(f"fu_{name}_{panel}", None)
    st.session_state.pop(SELECTED, None)


def _save(op, action_id, seen, text, new_date, owner):
    with session_scope(write=True) as session:
        common = {"session": session, "actor": actor, "action_id": action_id, "seen_version": seen}
        if op in ("in_progress", "done", "cancelled"):
            return set_action_status(**common, status=op, note=text)
        if op == "move":
            return move_due_date(**common, due_on=new_date, reason=text)
        person_id = None if owner is None or owner[1] is None else owner[1]
        return hand_over(**common, owner_person_id=person_id, owner_is_citizen=owner is not None and
                         owner[1] is None, reason=text)  # fmt: skip


def update_panel(*, panel, action_id, citizen_id, version, owner_person_id, due_on):
    """What the user can do with one agreement. The version seen is fixed when the panel opens.

    `panel` names the widgets ("m12": Mine opgaver, "c12": the coordinator's view)."""
    seen_key = f"fu_seen_{panel}"
    st.session_state.setdefault(seen_key, version)
    op = st.radio(
        t("followup.what"),
        OPERATIONS,
        format_func=lambda code: t(f"followup.op.{code}"),
        key=f"fu_op_{panel}",
        horizontal=True,
    )
    label = t("followup.note_done") if op in ("in_progress", "done") else t("followup.reason")
    text = st.text_area(label, key=f"fu_text_{panel}", height=80)
    new_date, owner = None, None
    if op == "move":
        new_date = st.date_input(
            t("followup.new_due"),
            value=max(today(), due_on or today()) + timedelta(days=14),
            format="DD.MM.YYYY",
            key=f"fu_date_{panel}",
        )
    if op == "hand_over":
        with session_scope() as session:
            choices = [
                c
                for c in handover_choices(session=session, actor=actor, citizen_ids=[citizen_id])
                if c.person_id != owner_person_id
            ]
        if not choices:
            st.info(t("followup.no_other_owner"))
        options = {(c.citizen_id, c.person_id): c for c in choices}

        def owner_label(key):
            choice = options[key]
            if choice.person_id is None:
                return t("followup.citizen_owner", name=choice.name)
            return ", ".join(x for x in (choice.name, choice.department) if x)

        owner = st.selectbox(
            t("followup.new_owner"), list(options), format_func=owner_label, index=None,
            key=f"fu_owner_{panel}",
        )  # fmt: skip
    if st.button(t("followup.save"), type="primary", key=f"fu_save_{panel}"):
        if op == "hand_over" and owner is None:
            show_user_error(UserError("agreement.owner_required"))
            return
        saved = attempt(lambda: _save(op, action_id, st.session_state[seen_key], text, new_date, owner))
        if saved is not None:
            _clear_panel(panel)
            flash(f"followup.saved_{op}")
            st.rerun()
        elif st.session_state[seen_key] != version:
            st.session_state["fu_stale"] = panel
    # The card above now shows the other person's save; the user decides, the text stays.
    stale = st.session_state.get("fu_stale") == panel and st.session_state[seen_key] != version
    if stale and st.button(t("followup.take_new_version"), key=f"fu_take_{panel}"):
        st.session_state[seen_key] = version
        st.session_state.pop("fu_stale", None)
        st.rerun()


def toggle_button(panel):
    is_open = st.session_state.get(SELECTED) == panel

    def _toggle():
        if is_open:
            _clear_panel(panel)
        else:
            st.session_state[SELECTED] = panel

    st.button(
        t("followup.close_panel") if is_open else t("followup.open_panel"),
        key=f"fu_toggle_{panel}",
        on_click=_toggle,
    )
    return is_open


mine, coordinator = st.tabs([t("followup.tab_mine"), t("followup.tab_citizen")])

with mine:
    st.caption(t("followup.intro_mine"))
    with session_scope(write=True) as session:
        items = my_agreements(session=session, actor=actor)
    counts = bucket_counts(items)
    with st.container(key="fu-summary"):
        st.write(t("followup.summary", **counts))
    if not [i for i in items if i.bucket != "done"]:
        st.info(t("followup.none_mine"))
    for bucket in BUCKETS:
        group = [i for i in items if i.bucket == bucket]
        if not group:
            continue
        st.subheader(f"{t(f'followup.bucket.{bucket}')} ({len(group)})", anchor=False)
        for item in group:
            with st.container(border=True, key=f"fu-{bucket}-{item.id}"):
                text_col, button_col = st.columns([5, 1])
                with text_col:
                    st.badge(badge_text(bucket, item.status, item.due_on), color=COLOURS[bucket],
                             icon=ICONS[bucket])  # fmt: skip
                    show_text(item.text)
                    facts = [
                        item.citizen_name,
                        t("followup.due", date=day(item.due_on)) if item.due_on else t("followup.no_due"),
                        t("followup.status", status=t(f"action.status_{item.status}")),
                        t("followup.meeting", date=day(item.meeting_starts_at))
                        if item.meeting_starts_at
                        else t("followup.no_meeting"),
                    ]
                    if item.trial:
                        facts.append(t("followup.trial"))
                    st.caption(escape_markdown(" · ".join(facts)))
                    if item.goal_words:
                        st.caption(escape_markdown(f"{t('followup.goal')}: {item.goal_words}"))
                with button_col:
                    # A panel the user has open stays open when a colleague finishes the agreement
                    # meanwhile: their save is then refused as stale, and their text stays.
                    editing = st.session_state.get(SELECTED) == f"m{item.id}"
                    is_open = (bucket != "done" or editing) and toggle_button(f"m{item.id}")
                if is_open:
                    update_panel(
                        panel=f"m{item.id}",
                        action_id=item.id,
                        citizen_id=item.citizen_id,
                        version=item.version,
                        owner_person_id=item.owner_person_id,
                        due_on=item.due_on,
                    )

with coordinator:
    citizen_id = selected_citizen_id()
    if citizen_id is None:
        st.info(t("followup.choose_citizen"))
    else:
        view = None
        try:
            with session_scope(write=True) as session:
                view = coordinator_view(session=session, actor=actor, citizen_id=citizen_id)
        except UserError as error:
            show_user_error(error)
        if view is not None:
            st.header(escape_markdown(view.citizen_name), anchor=False)
            with st.container(key="contact-person"):
                st.caption(t("citizen.contact_person"))
                show_text(person_line(view.contact_person))
            if view.next_meeting_due:
                st.caption(t("followup.next_meeting_due", date=day(view.next_meeting_due)))
            st.subheader(t("followup.attention_title"), anchor=False)
            if not view.attention:
                st.success(t("followup.attention_none"))
            agreements = {a.id: a for a in view.agreements}
            for n, item in enumerate(view.attention):
                with st.container(border=True, key=f"attention-{item.kind}-{n}"):
                    st.write(t(f"followup.attention.{item.kind}", days=item.days, date=day(item.due_on)))
                    if item.text:
                        show_text(item.text)
                    if item.kind == "overdue_action" and item.entity_id in agreements:
                        # Fixed right here: the coordinator may follow up on any of the citizen's agreements.
                        agreement = agreements[item.entity_id]
                        if toggle_button(f"c{agreement.id}"):
                            update_panel(panel=f"c{agreement.id}", action_id=agreement.id,
                                         citizen_id=view.citizen_id, version=agreement.version,
                                         owner_person_id=agreement.owner_person_id,
                                         due_on=agreement.due_on)  # fmt: skip
                    elif item.kind == "unmet_need":
                        with st.form(f"answer-need-{item.entity_id}"):
                            answer = st.text_area(
                                t("followup.need_answer"), key=f"need_answer_{item.entity_id}"
                            )
                            if st.form_submit_button(t("followup.need_answer_save")):

                                def _answer(need_id=item.entity_id, text=answer):
                                    with session_scope(write=True) as session:
                                        answer_unmet_need(session=session, actor=actor, need_id=need_id,
                                                          answer=text)
                                    return True

                                if attempt(_answer):
                                    flash("followup.need_answered")
                                    st.rerun()
                        st.page_link(item.target_page, label=t(f"followup.fix.{item.kind}"))
                    else:
                        st.page_link(item.target_page, label=t(f"followup.fix.{item.kind}"))
            st.subheader(t("followup.all_agreements"), anchor=False)
            if not view.agreements:
                st.info(t("followup.no_agreements"))
            else:
                owner_words = {True: t("followup.owner_citizen")}
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("followup.col_when"): [
                                badge_text(a.bucket, a.status, a.due_on) for a in view.agreements
                            ],
                            t("followup.col_agreement"): [a.text for a in view.agreements],
                            t("followup.col_owner"): [
                                owner_words.get(a.owner_is_citizen) or a.owner_name or t("followup.no_owner")
                                for a in view.agreements
                            ],
                            t("followup.col_department"): [a.department or "" for a in view.agreements],
                            t("followup.col_due"): [day(a.due_on) for a in view.agreements],
                            t("followup.col_status"): [
                                t(f"action.status_{a.status}") for a in view.agreements
                            ],
                            t("followup.col_goal"): [a.goal_words or "" for a in view.agreements],
                        }
                    ),
                    hide_index=True,
                )
