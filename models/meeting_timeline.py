"""One timeline: the meeting's agenda items ARE its steps.

Each agenda item has a step kind (attendance, status, goals, agreements, decisions, close); the
control panel shows the step of the current item, the room screen shows the current item, and
"Næste punkt" or picking an item in the panel moves the one position both read
(`Meeting.current_agenda_position`).

The kind is worked out from the item's title, not stored: the preparation page saves the agenda
as (title, minutes) lines, so a stored kind would be lost at every save. A title from the default
agenda (Danish or English, today's or the earlier routine's) has its kind; an item the leader
added belongs to the step it sits in (the kind of the item before it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from models.i18n import LANGUAGES, translate

if TYPE_CHECKING:
    from models.meeting_read import LiveMeeting

STEP_KINDS = ("attendance", "status", "goals", "agreements", "decisions", "close")

# The catalogue key of each default agenda title and the step it is. The earlier routine's
# "own words" and "goals and scaling" items are both the goals step.
TITLE_KINDS: tuple[tuple[str, str], ...] = (
    ("before.agenda.welcome", "attendance"),
    ("before.agenda.status", "status"),
    ("before.agenda.own_words", "goals"),
    ("before.agenda.goals", "goals"),
    ("before.agenda.agreements", "agreements"),
    ("meet_panel.agenda_decisions", "decisions"),
    ("before.agenda.next", "close"),
)
# The title an item gets when the meeting opens without a step of that kind.
STEP_TITLE_KEYS = {
    "attendance": "before.agenda.welcome",
    "status": "before.agenda.status",
    "goals": "before.agenda.own_words",
    "agreements": "before.agenda.agreements",
    "decisions": "meet_panel.agenda_decisions",
    "close": "before.agenda.next",
}


@dataclass(frozen=True)
class MeetingPosition:
    """Where the meeting is: the current agenda item (1-based `index` of `count`) and its step."""

    step: str  # one of STEP_KINDS
    title: str  # the agenda item's title, as the room reads it
    index: int
    count: int


@cache
def _known_titles() -> dict[str, str]:
    return {
        translate(key, lang).strip().casefold(): kind for key, kind in TITLE_KINDS for lang in LANGUAGES
    }


def known_step(title: str) -> str | None:
    """The step of a default agenda title; None for an item the leader wrote."""
    return _known_titles().get(title.strip().casefold())


def step_kinds(titles: Sequence[str]) -> tuple[str, ...]:
    """The step kind of each agenda item, in order (see the module docstring)."""
    kinds: list[str] = []
    for title in titles:
        kind = known_step(title)
        kinds.append(kind or (kinds[-1] if kinds else STEP_KINDS[0]))
    return tuple(kinds)


def missing_steps(titles: Sequence[str]) -> tuple[tuple[int, str], ...]:
    """(insert before index, kind) for each step the agenda has no item for, so that every step
    can be reached from the timeline. A missing step goes after the last item of an earlier step."""
    kinds = list(step_kinds(titles))
    inserts = []
    for kind in STEP_KINDS:
        if kind in kinds:
            continue
        rank = STEP_KINDS.index(kind)
        at = max((n + 1 for n, k in enumerate(kinds) if STEP_KINDS.index(k) < rank), default=0)
        kinds.insert(at, kind)
        inserts.append((at, kind))
    return tuple(inserts)


def meeting_position(meeting: LiveMeeting) -> MeetingPosition:
    """The one position of the meeting on its timeline.

    A meeting not yet open is at its first item; a running meeting whose items are all done,
    and a held meeting, are at the last (the read-back). An agenda without items (only possible
    for meetings that never opened) falls back to the six steps.
    """
    agenda = meeting.agenda
    if not agenda:
        kind = "close" if meeting.status == "held" else STEP_KINDS[0]
        number = STEP_KINDS.index(kind) + 1
        return MeetingPosition(kind, translate(STEP_TITLE_KEYS[kind]), number, len(STEP_KINDS))
    kinds = step_kinds([item.title for item in agenda])
    found = next(
        (n for n, item in enumerate(agenda) if item.position == meeting.current_agenda_position), None
    )
    if found is None:
        done = meeting.status in ("in_progress", "held") and meeting.opened_at is not None
        found = len(agenda) - 1 if done else 0
    return MeetingPosition(kinds[found], agenda[found].title, found + 1, len(agenda))


def still_at_step(meeting: LiveMeeting | None, step: str) -> bool:
    """Whether the meeting is running and its one position is still on `step`.

    Why: a step that reruns alone (pages/meeting.py) was drawn for one position; when another
    device moved the meeting on or ended it meanwhile, the whole page must be drawn again."""
    return meeting is not None and meeting.is_running and meeting_position(meeting).step == step
