"""The clock strip of Mødet's control panel: where the meeting is on its one timeline, its time,
who has the word, and the controls that move the one position ("Næste punkt", and the agenda's
row of steps, where a step is a way to that item).
"""

from __future__ import annotations

import functools
from datetime import timedelta

import streamlit as st

from models.meeting_mode import (
    LiveMeeting,
    agenda_progress,
    give_word,
    go_to_agenda_item,
    meeting_position,
    next_agenda_item,
    speaking_time,
)
from models.meeting_timeline import known_step, step_kinds
from models.tables import utcnow
from ui.action_row import Action, Group, action_row
from ui.choice_group import choice_group
from ui.i18n import t
from ui.meeting_common import CITIZEN, Panel, attempt
from ui.text_block import Line, show_lines

STEPS = "meet-steps"  # the agenda's row of steps: where the meeting is, and the way to any item


def _speaker_name(panel: Panel, live: LiveMeeting) -> str | None:
    talk = speaking_time(live)
    if talk.speaker_is_citizen:
        return panel.plan.citizen.name
    person = panel.people.get(talk.speaker_person_id) if talk.speaker_person_id else None
    return person.name if person else None


@st.fragment(run_every=timedelta(seconds=30))
def _clock(panel: Panel, live: LiveMeeting) -> None:
    """Re-drawn every 30 s from what was loaded (no database read): times move on the wall.

    Where the meeting is and who has the word are one element (ui/text_block.py), not two columns
    of one element each: a pair of columns is three more blocks for the browser to lay out on
    every navigation to the meeting and every tick (issue 16)."""
    now = utcnow()
    progress = agenda_progress(live, now=now)
    position = meeting_position(live)
    talk = speaking_time(live, now=now)
    # One line of where and how long, then the item's title.
    where = t("meet.agenda.current", number=position.index, count=position.count)
    total = t(
        "meet.agenda.total",
        elapsed=progress.meeting_elapsed_seconds // 60,
        planned=progress.meeting_planned_seconds // 60,
    )
    if progress.current is None:
        line: Line = ("caption", f"{where} · {t('meet.agenda.all_done')} · {total}")
    else:
        item = t(
            "meet.agenda.item_time",
            elapsed=progress.elapsed_seconds // 60,
            count=progress.time_box_seconds // 60,
        )
        if progress.over_time:
            line = ("late", f"{where} · {item} · {t('meet.agenda.over')} · {total}")
        else:
            line = ("caption", f"{where} · {item} · {total}")
    # One truth: who has the word now, else the share so far, else that nobody has spoken.
    speaker = _speaker_name(panel, live) if talk.someone_speaks else None
    words = t("meet.talk.now", name=speaker) if speaker else None
    if speaker is None and talk.nobody_yet:
        words = t("meet.talk.none")
    share = None
    if talk.citizen_share is not None:
        share = t("meet.talk.share", percent=round(talk.citizen_share * 100))
    talking = " · ".join(x for x in (t("meet.talk.title"), words, share) if x)
    show_lines([line, ("text", position.title), ("caption", talking)], key="meet-agenda")


def _give(panel: Panel, choice: object) -> None:
    if choice == CITIZEN:
        attempt(panel, give_word, meeting_id=panel.meeting.id, to_citizen=True)
    else:
        attempt(panel, give_word, meeting_id=panel.meeting.id, person_id=choice)


def _next_item(panel: Panel) -> None:
    attempt(panel, next_agenda_item, meeting_id=panel.meeting.id)


def _go_to(panel: Panel, index: int) -> None:
    attempt(panel, go_to_agenda_item, meeting_id=panel.meeting.id, index=index)


def _item_label(panel: Panel, index: int, kinds: tuple[str, ...]) -> str:
    """ "3 Mål" for an item of the routine, "4 Økonomi" for an item the leader wrote."""
    title = panel.meeting.agenda[index].title
    name = t(f"meetpanel.step_name.{kinds[index]}") if known_step(title) else title[:40]
    return f"{index + 1} {name}"


def _controls(panel: Panel, *, at_last: bool) -> None:
    """Who has the word (each person a button, the one speaking pressed) and "Næste punkt", as one
    element (ui/action_row.py): they were four buttons in two rows of their own, each button and
    row drawn anew on every navigation to the meeting (issue 16)."""
    talk = speaking_time(panel.meeting)
    speakers = []
    for choice in [CITIZEN] + [a.person_id for a in panel.screen.present]:
        current = talk.speaker_is_citizen if choice == CITIZEN else talk.speaker_person_id == choice
        name = panel.plan.citizen.name if choice == CITIZEN else panel.people[choice].name  # type: ignore[index]
        speakers.append(Action(name, functools.partial(_give, panel, choice), icon="🗣️" if current else None,
                               primary=current, pressed=current))  # fmt: skip
    speakers.append(Action(t("meet.talk.pause"), functools.partial(_give, panel, None)))
    groups = [Group(t("meet.talk.give"), tuple(speakers))]
    if panel.meeting.agenda:
        step_on = Action(t("meet.agenda.next"), functools.partial(_next_item, panel), icon="⏭️",
                         disabled=at_last)  # fmt: skip
        groups.append(Group(t("meet.agenda.move"), (step_on,)))
    action_row(groups, key="meet-controls")


def render_clock(panel: Panel) -> str:
    """The running meeting's strip and its agenda; returns the step kind to show."""
    live = panel.meeting
    position = meeting_position(live)
    # Rows are horizontal containers, not st.columns: a row of two columns is three blocks for the
    # browser, a row one (issue 16: each block costs ~1.5-2 ms of every navigation to Mødet).
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        _clock(panel, live)
        _controls(panel, at_last=position.index >= position.count)
    if not live.agenda:  # only a meeting put in progress outside open_meeting has no agenda
        return position.step
    kinds = step_kinds([item.title for item in live.agenda])
    labels = [_item_label(panel, n, kinds) for n in range(len(live.agenda))]
    # The agenda as a row of steps, the current one filled, each a radio button that moves the
    # meeting there (ui/choice_group.py, one element). It was a line to read plus a picker folded
    # under "Gå til et andet punkt" (a radio row's six options were ~16 ms of the browser's time on
    # every rerun, issue 16); as one element the row itself can be the picker. The database holds
    # the one position, whoever moved it last.
    choice_group(range(len(labels)), key=STEPS, label=t("meet.steps_label"), chosen=position.index - 1,
                 on_choose=functools.partial(_go_to, panel), format_func=lambda n: labels[n],
                 show_label=False, look="steps")  # fmt: skip
    return position.step
