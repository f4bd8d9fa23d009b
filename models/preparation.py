"""The citizen's preparation for a meeting: the up to three things that matter most, the dream,
what goes well, questions, what not to raise in front of everyone and what helps when it is hard.

Its own module because it is the citizen's own text, saved through one function whether the
citizen writes it through their link (models/citizen_input.py) or the meeting leader on the
preparation page, and read on the plan, the citizen's pages and the invitation letter: its rules
are about keeping those words, not about when or with whom the meeting is.

Rules (tested in tests/models/test_meetings.py):
- the preparation is saved verbatim (through models/text), with optimistic concurrency;
- only a draft or planned meeting's preparation may change (models/meeting_edit.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlmodel import Session

from models.access import Actor
from models.errors import StaleVersion, UserError
from models.meeting_edit import editable_meeting
from models.tables import Preparation
from models.text import TEXT_MAX, clean_optional, clean_text

PREPARATION_FIELDS = ("matters_most", "dream", "going_well", "questions", "not_to_raise", "when_hard")
MAX_MATTERS_MOST = 3


def split_matters_most(text: str | None) -> list[str]:
    """The up to three things that matter most, stored one per line."""
    return [line for line in (text or "").split("\n") if line.strip()]


def save_preparation(
    *,
    session: Session,
    actor: Actor | None,
    meeting_id: int,
    seen_version: int | None,
    matters_most: Sequence[object] = (),
    dream: object = None,
    going_well: object = None,
    questions: object = None,
    not_to_raise: object = None,
    when_hard: object = None,
) -> int:
    """Save what the citizen prepared, verbatim. `seen_version` None means "there was none when
    I opened it"; if someone saved in the meantime, StaleVersion (the page keeps the text).
    Returns the new version."""
    meeting = editable_meeting(session, actor=actor, meeting_id=meeting_id, action="preparation.write")
    things = [
        clean_text(value, field="det vigtigste", max_length=1000, single_line=True) for value in matters_most
    ]
    things = [thing for thing in things if thing]
    if len(things) > MAX_MATTERS_MOST:
        raise UserError("before.error.too_many_things", max=MAX_MATTERS_MOST)
    values = {
        "matters_most": "\n".join(things) or None,
        "dream": clean_optional(dream, field="drøm eller håb", max_length=TEXT_MAX),
        "going_well": clean_optional(going_well, field="det går godt med", max_length=TEXT_MAX),
        "questions": clean_optional(questions, field="spørgsmål", max_length=TEXT_MAX),
        "not_to_raise": clean_optional(not_to_raise, field="ikke tale om foran alle", max_length=TEXT_MAX),
        "when_hard": clean_optional(when_hard, field="når det er svært", max_length=TEXT_MAX),
    }
    existing = session.execute(
        select(Preparation).where(Preparation.meeting_id == meeting.id)
    ).scalar_one_or_none()
    if existing is None:
        if seen_version is not None:
            raise StaleVersion()
        row = Preparation(meeting_id=meeting.id, **values)  # type: ignore[arg-type]
        session.add(row)
        session.flush()
        return row.version
    if seen_version is None:
        raise StaleVersion()
    from models.db import save_versioned

    version = save_versioned(session, Preparation, row_id=existing.id, seen_version=seen_version, **values)
    session.expire(existing)
    return version
