"""The meeting's agenda: the good meeting's routine fitted to the meeting's length, the time
boxes' sum and overrun, and saving the agenda the team edits.

Its own module because the agenda has rules of its own (time boxes that add up to the meeting's
length, at most MAX_AGENDA_ITEMS items, longer than the meeting is flagged, not refused) and more
readers than the preparation page: scheduling gives a new meeting the default agenda, Mødet
(models/meeting_live.py) gives it to a meeting opened without one, and the invitation carries it.

Rules (tested in tests/models/test_meetings.py):
- the default agenda of the good meeting is scaled so its time boxes add up to the meeting's
  length. An agenda longer than the meeting is allowed and flagged;
- only a draft or planned meeting's agenda may change, under the meeting's version
  (models/meeting_edit.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col

from models.access import Actor
from models.errors import UserError
from models.i18n import translate
from models.meeting_edit import DEFAULT_MINUTES, MAX_MINUTES, MeetingSaved, bump_meeting, editable_meeting
from models.tables import AgendaItem
from models.text import SHORT_MAX, clean_text

MAX_AGENDA_ITEMS = 20

# The good meeting (Høje Taastrup's routine, Sorø's one hour): minutes for a 60-minute meeting.
# One item per step of Mødet, in the steps' order (models/meeting_timeline.py: the agenda is
# the meeting's one timeline).
AGENDA_TEMPLATE: tuple[tuple[str, int], ...] = (
    ("before.agenda.welcome", 5),
    ("before.agenda.status", 10),
    ("before.agenda.own_words", 15),
    ("before.agenda.agreements", 15),
    ("meet_panel.agenda_decisions", 10),
    ("before.agenda.next", 5),
)


@dataclass(frozen=True)
class AgendaLine:
    title: str
    minutes: int


def default_agenda(minutes: int = DEFAULT_MINUTES, *, lang: str = "da") -> tuple[AgendaLine, ...]:
    """The good meeting's agenda with time boxes that add up to exactly `minutes`.

    A meeting too short for one minute per item gets the one item that matters most."""
    if minutes < len(AGENDA_TEMPLATE):
        return (AgendaLine(translate("before.agenda.own_words", lang), max(1, minutes)),)
    base = sum(weight for _, weight in AGENDA_TEMPLATE)
    boxes = [max(1, round(weight * minutes / base)) for _, weight in AGENDA_TEMPLATE]
    # Rounding may leave a few minutes over or missing: the largest boxes absorb them.
    order = sorted(range(len(boxes)), key=lambda n: -boxes[n])
    step = 0
    while sum(boxes) != minutes:
        n = order[step % len(order)]
        if sum(boxes) < minutes:
            boxes[n] += 1
        elif boxes[n] > 1:
            boxes[n] -= 1
        step += 1
    return tuple(
        AgendaLine(translate(key, lang), box)
        for (key, _), box in zip(AGENDA_TEMPLATE, boxes, strict=True)
    )


def agenda_total(items: Sequence[AgendaLine] | Sequence[object]) -> int:
    return sum(int(getattr(item, "minutes", 0)) for item in items)


def agenda_overrun(items: Sequence[object], meeting_minutes: int) -> int:
    """Minutes the agenda runs past the meeting's end (0 when it fits)."""
    return max(0, agenda_total(items) - meeting_minutes)


def save_agenda(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    seen_version: int,
    items: Sequence[tuple[object, object]],
) -> MeetingSaved:
    """Replace the agenda (title, minutes) in order. Empty rows are skipped; longer than the
    meeting is saved and flagged, not refused (the team may choose to run over)."""
    meeting = editable_meeting(session, actor=actor, meeting_id=meeting_id, action="agenda.write")
    lines: list[AgendaLine] = []
    for title, minutes in items:
        text = clean_text(title, field="punkt", max_length=SHORT_MAX, single_line=True)
        if not text and (minutes in (None, "", 0)):
            continue
        if not text:
            raise UserError("before.error.agenda_title_required")
        try:
            box = int(minutes)  # type: ignore[call-overload]
        except (TypeError, ValueError) as exc:
            raise UserError("before.error.agenda_minutes", title=text) from exc
        if isinstance(minutes, bool) or not 1 <= box <= MAX_MINUTES:
            raise UserError("before.error.agenda_minutes", title=text)
        lines.append(AgendaLine(text, box))
    if not lines:
        raise UserError("before.error.agenda_empty")
    if len(lines) > MAX_AGENDA_ITEMS:
        raise UserError("before.error.agenda_too_long_list", max=MAX_AGENDA_ITEMS)
    citizen_id, status = meeting.citizen_id, meeting.status
    version = bump_meeting(session, meeting, seen_version)
    session.execute(delete(AgendaItem).where(col(AgendaItem.meeting_id) == meeting_id))
    session.add_all(
        AgendaItem(meeting_id=meeting_id, position=n, title=line.title, minutes=line.minutes)
        for n, line in enumerate(lines)
    )
    session.flush()
    return MeetingSaved(meeting_id, citizen_id, version, status)
