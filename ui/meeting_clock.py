"""The clock strip of Mødet's control panel: where the meeting is on its one timeline, its time,
who has the word, and the controls that move the one position ("Næste punkt", and the picker for
any item, folded under "Gå til et andet punkt").
"""

from __future__ import annotations

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
from ui.i18n import t
from ui.meeting_common import CITIZEN, Panel, attempt
from ui.safe import escape_markdown
from ui.text_block import Line, show_lines, show_steps
from ui.widgets import fold, unfolded

PICKER = "meet_step"
PICKER_OPEN = "meet_step_open"
PICKER_WIDTH = 320  # px: the folded picker beside "Næste punkt"; unfolded, its list of items


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


def _picked(panel: Panel) -> None:
    fold(PICKER_OPEN)  # a pick folds the list again, as a menu closes
    attempt(panel, go_to_agenda_item, meeting_id=panel.meeting.id, index=st.session_state[PICKER])


def _item_label(panel: Panel, index: int, kinds: tuple[str, ...]) -> str:
    """ "3 Mål" for an item of the routine, "4 Økonomi" for an item the leader wrote."""
    title = panel.meeting.agenda[index].title
    name = t(f"meetpanel.step_name.{kinds[index]}") if known_step(title) else title[:40]
    return f"{index + 1} {name}"


def render_clock(panel: Panel) -> str:
    """The running meeting's strip and the item picker; returns the step kind to show."""
    live = panel.meeting
    # Rows are horizontal containers, not st.columns: a row of two columns is three blocks for the
    # browser, a row one (issue 16: each block costs ~1.5-2 ms of every navigation to Mødet).
    strip = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    with strip:
        _clock(panel, live)
    talk = speaking_time(live)
    speakers = [CITIZEN] + [a.person_id for a in panel.screen.present]
    with strip, st.container(key="meet-speakers", horizontal=True, width="content"):
        for choice in speakers:
            current = talk.speaker_is_citizen if choice == CITIZEN else talk.speaker_person_id == choice
            label = panel.plan.citizen.name if choice == CITIZEN else panel.people[choice].name  # type: ignore[index]
            st.button(
                escape_markdown(label),
                key=f"meet_speaker_{choice}",
                on_click=_give,
                args=(panel, choice),
                type="primary" if current else "secondary",
                icon="🗣️" if current else None,
            )
        st.button(t("meet.talk.pause"), key="meet_speaker_pause", on_click=_give, args=(panel, None))
    position = meeting_position(live)
    kinds = step_kinds([item.title for item in live.agenda])
    if not live.agenda:  # only a meeting put in progress outside open_meeting has no agenda
        return position.step
    labels = [_item_label(panel, n, kinds) for n in range(len(live.agenda))]
    # The agenda as one line to read, the current item marked (one element), "Næste punkt", and
    # the picker for any other item folded until asked for: the six options of a radio row were
    # ~16 ms of the browser's time on every rerun of the meeting (issue 16), for a jump that is
    # made now and then. The database holds the one position, whoever moved it last.
    show_steps(labels, current=position.index - 1, label=t("meet.steps_label"), key="meet-steps")
    # Under it, in one row: after a pick the focus goes to "Næste punkt".
    with st.container(key="meet-move", horizontal=True):  # top-aligned: the picker unfolds downwards
        st.button(
            t("meet.agenda.next"),
            key="meet_next_item",
            on_click=_next_item,
            args=(panel,),
            icon="⏭️",
            disabled=position.index >= position.count,
        )
        if (box := unfolded(t("meet.steps_go"), key=PICKER_OPEN, width=PICKER_WIDTH)) is not None:
            with box:
                st.session_state[PICKER] = position.index - 1
                st.radio(
                    t("meet.steps_label"),
                    list(range(len(labels))),
                    format_func=lambda n: labels[n],
                    key=PICKER,
                    on_change=_picked,
                    args=(panel,),
                    label_visibility="collapsed",
                )
    return position.step
