"""The follow-up page's pieces: a section's list of agreements (a row each), the card of the one
chosen with its update panel, and the compact table of finished agreements. Only
pages/follow_up.py uses them.

Widget keys name the panel: "m12" is agreement 12 in "Mine opgaver", "c12" the same agreement
in the coordinator's view. The version the user saw is kept per panel when it opens; a save
after someone else's save is refused (models.actions), and what the user typed stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import streamlit as st

from models.access import Actor
from models.actions import hand_over, move_due_date, set_action_status
from models.db import session_scope
from models.follow_up import MyAgreement, days_overdue, handover_choices
from models.formatting import format_day
from models.i18n import translate
from models.tables import today
from ui.choice_group import choice_group
from ui.feedback import attempt_in_callback, flash, set_field_error, show_field_error
from ui.i18n import lang, t
from ui.row_list import row_list
from ui.safe import escape_markdown, show_text
from ui.widgets import choose

# Colour and words say the same thing: the badge text is the meaning, the colour repeats it.
COLOURS = {"overdue": "red", "due_soon": "orange", "later": "blue", "upcoming": "blue", "done": "green"}
DOTS = {"overdue": "🔴", "due_soon": "🟠", "later": "🔵", "done": "🟢"}  # the colour inside a table
ICONS = {"overdue": ":material/error:", "due_soon": ":material/schedule:", "later": ":material/event:",
         "done": ":material/check_circle:"}  # fmt: skip
OPERATIONS = ("in_progress", "done", "cancelled", "move", "hand_over")
SELECTED = "fu_selected"  # the one panel open ("m12" / "c12")
STALE = "fu_stale"


class Words:
    """This render's strings in the user's language, looked up once: a card says five or six
    things, and a page of cards would otherwise ask the session for the language each time."""

    def __init__(self) -> None:
        self.language = lang()

    def __call__(self, key: str, **params: Any) -> str:
        return translate(key, self.language, **params)

    def day(self, value) -> str:  # noqa: ANN001 - date or datetime
        return format_day(value, self.language)


def badge_text(bucket: str, status: str, due_on: date | None, words: Words | None = None) -> str:
    """The bucket in words ("Overskredet med 3 dage"): what the colour says, for everyone."""
    say = words or Words()
    if bucket == "overdue":
        days = days_overdue(bucket=bucket, due_on=due_on)
        return say("followup.badge.overdue", count=days)
    if bucket == "done":
        return say(f"followup.badge.{'cancelled' if status == 'cancelled' else 'done'}")
    return say(f"followup.badge.{bucket}")


def clear_panel(panel: str) -> None:
    """Forget a panel's draft and the version seen (after a save, or when it is closed)."""
    for name in ("op", "opcode", "text", "date", "owner", "seen"):
        st.session_state.pop(f"fu_{name}_{panel}", None)
    if st.session_state.get(SELECTED) == panel:
        st.session_state.pop(SELECTED, None)


def _save(actor, op, action_id, seen, text, new_date, owner):  # noqa: ANN001, ANN202
    with session_scope(write=True) as session:
        common = {"session": session, "actor": actor, "action_id": action_id, "seen_version": seen}
        if op in ("in_progress", "done", "cancelled"):
            return set_action_status(**common, status=op, note=text)
        if op == "move":
            return move_due_date(**common, due_on=new_date, reason=text)
        person_id = None if owner is None or owner[1] is None else owner[1]
        return hand_over(**common, owner_person_id=person_id, owner_is_citizen=owner is not None and
                         owner[1] is None, reason=text)  # fmt: skip


def update_panel(*, actor: Actor, panel: str, action_id: int, citizen_id: int, version: int,
                 owner_person_id: int | None, due_on: date | None) -> None:  # fmt: skip
    """What the user can do with one agreement. The version seen is fixed when the panel opens."""
    seen_key = f"fu_seen_{panel}"
    st.session_state.setdefault(seen_key, version)
    # One element (ui/choice_group.py), not st.radio: its five labels were five Markdown elements
    # in containers of their own, drawn on every click in the open card (issue 16).
    op_key = f"fu_opcode_{panel}"
    op = st.session_state.get(op_key, OPERATIONS[0])

    def _choose(code: str) -> None:
        st.session_state[op_key] = code

    choice_group(OPERATIONS, key=f"fu_op_{panel}", label=t("followup.what"), chosen=op, on_choose=_choose,
                 format_func=lambda code: t(f"followup.op.{code}"))  # fmt: skip
    label = t("followup.note_done") if op in ("in_progress", "done") else t("followup.reason")
    st.text_area(label, key=f"fu_text_{panel}", height=80)
    if op == "move":
        st.date_input(
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

        def owner_label(key):  # noqa: ANN001, ANN202
            choice = options[key]
            if choice.person_id is None:
                return t("followup.citizen_owner", name=choice.name)
            return ", ".join(x for x in (choice.name, choice.department) if x)

        st.selectbox(
            t("followup.new_owner"), list(options), format_func=owner_label, index=None,
            key=f"fu_owner_{panel}", placeholder=choose(),
        )  # fmt: skip
    st.button(t("followup.save"), type="primary", key=f"fu_save_{panel}", on_click=_save_panel,
              args=(actor, panel, action_id))  # fmt: skip
    show_field_error(f"fu_save_{panel}")
    # The card above now shows the other person's save; the user decides, the text stays.
    if st.session_state.get(STALE) == panel and st.session_state[seen_key] != version:
        st.button(t("followup.take_new_version"), key=f"fu_take_{panel}", on_click=_take_new_version,
                  args=(panel, version))  # fmt: skip


def _save_panel(actor: Actor, panel: str, action_id: int) -> None:
    """"Gem" (its callback): save what the panel holds; the page is then drawn once, with the
    card gone or changed and the confirmation, or the Danish reason under the button."""
    state = st.session_state
    op = state.get(f"fu_opcode_{panel}", OPERATIONS[0])
    owner = state.get(f"fu_owner_{panel}") if op == "hand_over" else None
    if op == "hand_over" and owner is None:
        set_field_error(f"fu_save_{panel}", "agreement.owner_required")
        return
    new_date = state.get(f"fu_date_{panel}") if op == "move" else None
    text, seen = state.get(f"fu_text_{panel}", ""), state[f"fu_seen_{panel}"]
    saved = attempt_in_callback(lambda: _save(actor, op, action_id, seen, text, new_date, owner),
                                place=f"fu_save_{panel}")  # fmt: skip
    if saved is None:  # if someone else saved first, the card now shows theirs: "take new version"
        state[STALE] = panel
        return
    clear_panel(panel)
    flash(f"followup.saved_{op}")


def _take_new_version(panel: str, version: int) -> None:
    st.session_state[f"fu_seen_{panel}"] = version
    st.session_state.pop(STALE, None)


def toggle_button(panel: str) -> bool:
    """"Opdatér" / "Luk" for a card in a list; True while this card's panel is open."""
    is_open = st.session_state.get(SELECTED) == panel

    def _toggle() -> None:
        if is_open:
            clear_panel(panel)
        else:
            st.session_state[SELECTED] = panel

    st.button(
        t("followup.close_panel") if is_open else t("followup.open_panel"),
        key=f"fu_toggle_{panel}",
        on_click=_toggle,
    )
    return is_open


def _due_words(item: MyAgreement, say: Words) -> str:
    """"Frist: 3. december 2026", or "Ingen frist": the card and its row say it alike."""
    return say("followup.due", date=say.day(item.due_on)) if item.due_on else say("followup.no_due")


def _facts(item: MyAgreement, say: Words) -> str:
    """Citizen, date, status and meeting on one line (goal on a second), as escaped Markdown."""
    facts = [
        item.citizen_name,
        _due_words(item, say),
        say("followup.status", status=say(f"action.status_{item.status}")),
        say("followup.meeting", date=say.day(item.meeting_starts_at)) if item.meeting_starts_at
        else say("followup.no_meeting"),
    ]  # fmt: skip
    if item.trial:
        facts.append(say("followup.trial"))
    line = escape_markdown(" · ".join(facts))
    if item.goal_words:
        line += "  \n" + escape_markdown(f"{say('followup.goal')}: {item.goal_words}")
    return line


def agreement_card(item: MyAgreement, *, actor: Actor, words: Words) -> None:
    """One of my agreements: what it says, when, in colour and words; "Opdatér" opens the panel."""
    panel = f"m{item.id}"
    with st.container(border=True, key=f"fu-{item.bucket}-{item.id}"):
        st.badge(badge_text(item.bucket, item.status, item.due_on, words), color=COLOURS[item.bucket],
                 icon=ICONS[item.bucket])  # fmt: skip
        show_text(item.text)
        st.caption(_facts(item, words))
        if toggle_button(panel):
            update_panel(actor=actor, panel=panel, action_id=item.id, citizen_id=item.citizen_id,
                         version=item.version, owner_person_id=item.owner_person_id,
                         due_on=item.due_on)  # fmt: skip


def agreements_table(items: Iterable[MyAgreement], words: Words) -> None:
    """Many agreements as one compact, sortable table to read (the finished ones): one element
    however many rows, so a page of them costs what a page of three does."""
    rows = list(items)
    when, due = words("followup.col_when"), words("followup.col_due")
    # An Arrow table, as Streamlit sends it: a pandas frame in between cost more than the rows.
    frame = pa.table(
        {
            when: [f"{DOTS[i.bucket]} {badge_text(i.bucket, i.status, i.due_on, words)}" for i in rows],
            words("followup.col_agreement"): [i.text for i in rows],
            words("followup.citizen"): [i.citizen_name for i in rows],
            # Text, not a date column: Streamlit's grid writes an empty date as "None" (English, no
            # setting reaches it). ÅÅÅÅ-MM-DD (the Danish standard form) still sorts by date.
            due: [i.due_on.isoformat() if i.due_on else words("deadline.none") for i in rows],
            words("followup.col_status"): [words(f"action.status_{i.status}") for i in rows],
            words("followup.col_goal"): [i.goal_words or "" for i in rows],
        }
    )
    st.dataframe(frame, hide_index=True)


def chosen_agreement_id() -> int | None:
    """The agreement whose card is open in "Mine opgaver" (None: no card is open)."""
    panel = st.session_state.get(SELECTED) or ""
    return int(panel[1:]) if panel.startswith("m") else None


def row_label(item: MyAgreement, say: Words) -> str:
    """One agreement on one line, in the order the eye needs it: how urgent (the colour's dot and
    its words), what, for whom, by when, and "I gang" if it is. Plain text, shown as text (ui/row_list.py)."""
    parts = [f"{DOTS[item.bucket]} {badge_text(item.bucket, item.status, item.due_on, say)}", item.text,
             item.citizen_name, _due_words(item, say)]  # fmt: skip
    if item.status == "in_progress":
        parts.append(say("action.status_in_progress"))
    return " · ".join(parts)


def chosen_row(rows: tuple[MyAgreement, ...], words: Words, *, section: str) -> MyAgreement | None:
    """A section's agreements as a list, a row each, and the chosen agreement (to show its card
    under the list), or None. A row is one button: a click opens that agreement's card and closes
    any other; a click on the open one closes it. The chosen row is drawn pressed. The whole list is
    one element (ui/row_list.py says why).

    Buttons, not a table whose rows can be chosen: Streamlit's data grid holds every selection
    back 150 ms (it waits for a second click) before it even asks for the rerun, more than the
    whole rerun of this page takes. A button asks at once (issue 16, choosing a row in the
    browser at full scale: 262 -> 115 ms median). A button is also a real control for the
    keyboard and a screen reader, where the grid is a canvas."""
    chosen = chosen_agreement_id()
    row_list([(item.id, [row_label(item, words)]) for item in rows], chosen=chosen, key=f"fu-rows-{section}",
             label=words(f"followup.section.{section}"), on_choose=_row_clicked)  # fmt: skip
    return next((item for item in rows if item.id == chosen), None)


def _row_clicked(agreement_id: int) -> None:
    """A click on a row: open its card (closing any other), or close it if it was the open one."""
    if chosen_agreement_id() == agreement_id:
        clear_panel(f"m{agreement_id}")
    else:
        st.session_state[SELECTED] = f"m{agreement_id}"
