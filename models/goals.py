"""Goals in the citizen's own words, at most three active focus goals, and the citizen's score.

The citizen's words (`own_words`) are stored verbatim after sanitising; a professional's note is
a separate field and never replaces them. Furesø's lesson — focus on the three things that
matter most now — is a rule here, not in a page: a fourth active goal needs the caller to name
the goal to pause (the page asks the people in the room which one).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session

from models.access import Actor, authorize
from models.db import save_versioned
from models.errors import NotFound, UserError
from models.idempotency import remember, replayed
from models.plans import GoalView, ScoreView
from models.tables import (
    GOAL_AREAS,
    GOAL_STATUSES,
    MAX_ACTIVE_GOALS,
    Citizen,
    Goal,
    GoalScore,
    Meeting,
    today,
    utcnow,
)
from models.text import SHORT_MAX, clean_optional, clean_score, clean_text


@dataclass(frozen=True)
class SavedGoal:
    """What a page keeps after a save: the id and the version it now holds."""

    id: int
    citizen_id: int
    version: int
    paused_goal_id: int | None = None


@dataclass(frozen=True)
class SavedScore:
    goal_id: int
    meeting_id: int
    score: int


def _clean_words(value: object) -> str:
    words = clean_text(value, field="own_words")
    if not words.strip():
        raise UserError("goal.words_required")
    return words


def _clean_area(area: str | None) -> str | None:
    if area in (None, ""):
        return None
    if area not in GOAL_AREAS:
        raise UserError("goal.bad_area")
    return area


def _authorised_goal(session: Session, *, actor: Actor | None, goal_id: int, what: str) -> Goal:
    goal = session.get(Goal, goal_id) if isinstance(goal_id, int) else None
    if goal is None:
        raise NotFound("goal")
    authorize(session, actor=actor, citizen_id=goal.citizen_id, action=what, entity="goal", entity_id=goal_id)
    return goal


def _lock_citizen(session: Session, citizen_id: int) -> None:
    """Serialise "how many active goals" checks per citizen (SQLite: BEGIN IMMEDIATE already does)."""
    session.execute(select(Citizen.id).where(Citizen.id == citizen_id).with_for_update())


def _active_goal_ids(session: Session, citizen_id: int) -> list[int]:
    return list(
        session.execute(
            select(Goal.id).where(Goal.citizen_id == citizen_id, Goal.status == "active")
        ).scalars()
    )


def _make_room(
    session: Session, *, citizen_id: int, pause_goal_id: int | None, except_goal_id: int | None = None
) -> int | None:
    """If the citizen already has MAX_ACTIVE_GOALS focus goals, pause the one the caller named.

    Returns the id of the paused goal, or None when there was room. Raises
    UserError("goal.too_many_active") when a goal must be paused and none was named.
    """
    _lock_citizen(session, citizen_id)
    active = [gid for gid in _active_goal_ids(session, citizen_id) if gid != except_goal_id]
    if len(active) < MAX_ACTIVE_GOALS:
        return None
    if pause_goal_id is None:
        raise UserError("goal.too_many_active", max=MAX_ACTIVE_GOALS)
    if pause_goal_id not in active:
        raise UserError("goal.pause_not_active")
    # Pausing bumps the version, so an edit of that goal opened before this is refused, not lost.
    session.execute(
        update(Goal).where(Goal.id == pause_goal_id).values(status="paused", version=Goal.version + 1)
    )
    return pause_goal_id


def add_goal(
    *,
    session: Session,
    actor: Actor | None,
    citizen_id: int,
    own_words: str,
    area: str | None = None,
    professional_note: str | None = None,
    pause_goal_id: int | None = None,
    form_key: str | None = None,
) -> SavedGoal:
    """A new active focus goal in the citizen's own words. With three active goals already,
    `pause_goal_id` must name the one to pause (in the same transaction). A second call with the
    same `form_key` returns the first call's goal and changes nothing (models/idempotency.py)."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="goal.create", entity="goal")
    earlier = replayed(session, key=form_key, kind="goal")
    if earlier is not None:
        goal = session.get(Goal, earlier)
        if goal is None or goal.citizen_id != citizen_id:
            raise NotFound("goal")
        return SavedGoal(id=earlier, citizen_id=citizen_id, version=goal.version)
    words = _clean_words(own_words)
    note = clean_optional(professional_note, field="professional_note")
    area = _clean_area(area)
    paused = _make_room(session, citizen_id=citizen_id, pause_goal_id=pause_goal_id)
    last = session.execute(select(func.max(Goal.position)).where(Goal.citizen_id == citizen_id)).scalar()
    goal = Goal(
        citizen_id=citizen_id,
        own_words=words,
        professional_note=note,
        area=area,
        status="active",
        created_on=today(),
        position=(last or 0) + 1,
    )
    session.add(goal)
    session.flush()
    assert goal.id is not None
    remember(session, key=form_key, entity_id=goal.id)
    return SavedGoal(id=goal.id, citizen_id=citizen_id, version=goal.version, paused_goal_id=paused)


def update_goal(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: int,
    seen_version: int,
    own_words: str,
    area: str | None,
    professional_note: str | None,
) -> SavedGoal:
    """Edit the words, life area and professional note — only if nobody saved the goal since
    the user loaded `seen_version` (StaleVersion otherwise; the page keeps the user's text)."""
    goal = _authorised_goal(session, actor=actor, goal_id=goal_id, what="goal.write")
    words = _clean_words(own_words)
    note = clean_optional(professional_note, field="professional_note")
    version = save_versioned(
        session, Goal, row_id=goal_id, seen_version=seen_version,
        own_words=words, area=_clean_area(area), professional_note=note,
    )  # fmt: skip
    return SavedGoal(id=goal_id, citizen_id=goal.citizen_id, version=version)


def set_goal_status(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: int,
    seen_version: int,
    status: str,
    pause_goal_id: int | None = None,
) -> SavedGoal:
    """Pause, reach, drop or re-activate a goal. Re-activating a fourth goal needs `pause_goal_id`."""
    if status not in GOAL_STATUSES:
        raise UserError("goal.bad_status")
    goal = _authorised_goal(session, actor=actor, goal_id=goal_id, what="goal.status")
    paused = None
    if status == "active" and goal.status != "active":
        paused = _make_room(
            session, citizen_id=goal.citizen_id, pause_goal_id=pause_goal_id, except_goal_id=goal_id
        )
    version = save_versioned(session, Goal, row_id=goal_id, seen_version=seen_version, status=status)
    return SavedGoal(id=goal_id, citizen_id=goal.citizen_id, version=version, paused_goal_id=paused)


def score_goal(
    *,
    session: Session,
    actor: Actor | None,
    goal_id: int,
    meeting_id: int,
    score: object,
    next_step: str | None = None,
    note: str | None = None,
) -> SavedScore:
    """The citizen's own 0-10 score for this meeting, and what one step up would look like.
    One score per goal and meeting: scoring again at the same meeting replaces it."""
    goal = _authorised_goal(session, actor=actor, goal_id=goal_id, what="goal.score")
    meeting = session.get(Meeting, meeting_id) if isinstance(meeting_id, int) else None
    if meeting is None or meeting.citizen_id != goal.citizen_id:
        raise NotFound("meeting")
    value = clean_score(score)
    step = clean_optional(next_step, field="next_step", max_length=SHORT_MAX * 3)
    why = clean_optional(note, field="note", max_length=SHORT_MAX * 3)
    row = session.execute(
        select(GoalScore).where(GoalScore.goal_id == goal_id, GoalScore.meeting_id == meeting_id)
    ).scalar_one_or_none()
    if row is None:
        row = GoalScore(goal_id=goal_id, meeting_id=meeting_id, score=value)
    row.score, row.next_step, row.note, row.recorded_at = value, step, why, utcnow()
    session.add(row)
    session.flush()
    return SavedScore(goal_id=goal_id, meeting_id=meeting_id, score=value)


def score_at(goal: GoalView, meeting_id: int) -> ScoreView | None:
    """The score given at this meeting, if any."""
    return next((s for s in goal.scores if s.meeting_id == meeting_id), None)


def previous_score(goal: GoalView, meeting_id: int) -> ScoreView | None:
    """The latest score from an earlier meeting (the one to show next to today's)."""
    current = score_at(goal, meeting_id)
    earlier = [
        s
        for s in goal.scores
        if s.meeting_id != meeting_id
        and (current is None or s.meeting_starts_at <= current.meeting_starts_at)
    ]
    return earlier[-1] if earlier else None
