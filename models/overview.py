"""Overblik: how fast the system acts, per department and overall, in aggregates.

Who sees it: leaders (UserAccount.is_leader, granted by an administrator) and administrators;
build_overview refuses everyone else (checked against the database, not only the session).
The one list with text, the unmet needs, lists a need (its text and the citizen's name) ONLY
to a viewer with an active team membership on that citizen (administrators included: being
able to open every record is not a reason to show free text on a leaders' screen); of the
others the viewer sees how many there are. One audit row per view, without citizen ids.

The small-number rule (small_number, applied by hide_small_numbers to every figure before it
is shown, cached or exported): a figure about 1-4 citizens is shown as SMALL ("< 5"). "About"
means both the citizens the figure itself counts or is computed from (the citizens behind the
overdue agreements, the medians, the shares, a matrix cell) and the citizens of the row's
department: a department with 1-4 citizens shows "< 5" everywhere, and so do its row and
column in the matrix. A figure about no citizen at all (0, or nothing to compute) is shown.
Not covered: a hidden figure that can be worked out as the difference of two shown ones.

The figures themselves, one by one, are in models/overview_counting.py (what each counts and
the decisions behind it); the period, the department rows and the lookups they share are in
models/overview_lookups.py. This module is the page: who may see it, the small-number rule,
and every figure together (Figures, Overview, build_overview).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session

from models.access import Actor, refuse, write_audit
from models.db import session_scope, url_of
from models.errors import UserError
from models.overview_counting import (
    ConsentRow,
    LoadRow,
    MatrixCell,
    MedianRow,
    MeetingRow,
    NeedRow,
    OnTimeRow,
    OwnerChangeRow,
    ScoreRow,
    _count_unmet_needs,
    agreement_load,
    consents_missing_or_expiring,
    count_own_unmet_needs,
    department_matrix,
    median_days_to_done,
    meetings_against_cadence,
    owner_changes_per_citizen,
    score_movement,
    share_done_on_time,
    unmet_needs_for_leaders,
)
from models.overview_lookups import NO_DEPARTMENT, OVERALL, Period, _lookups_shared
from models.tables import UserAccount, today

NEEDS_ON_SCREEN = 50  # the leaders' page lists the oldest unanswered needs; Excel has them all
MIN_CITIZENS = 5  # the small-number rule: fewer citizens than this behind a figure hides it
SMALL = "< 5"  # what a hidden figure shows instead (the same in every language)

V = TypeVar("V")


def small_number(value: V, *citizens: int | None) -> V | str:
    """THE small-number rule: `value` unless any of `citizens` (the citizens the figure is about:
    its own, its department's) is 1-4; then SMALL. None: not known (the rule was applied)."""
    return SMALL if any(n is not None and 0 < n < MIN_CITIZENS for n in citizens) else value


def may_see_overview(actor: Actor) -> bool:
    """Overblik is for leaders and administrators."""
    return actor.role in ("admin", "staff") and (actor.is_admin or actor.is_leader)



# --- The whole page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Every count on the leaders' page: per department, no names and no text (safe to cache)."""

    period: Period
    on: date
    load: list[LoadRow]
    median_days: list[MedianRow]
    on_time: list[OnTimeRow]
    owner_changes: list[OwnerChangeRow]
    meetings: list[MeetingRow]
    consents: list[ConsentRow]
    matrix: list[MatrixCell]
    scores: list[ScoreRow]
    needs_total: int | str  # unmet needs raised in the period and not answered (how many, not which)
    needs_citizens: int | None = field(default=None, kw_only=True)  # the citizens they are about
    # True once hide_small_numbers has run: only such figures are shown, cached or exported.
    small_numbers_hidden: bool = field(default=False, kw_only=True)


@dataclass(frozen=True)
class Overview(Figures):
    """The figures and, for this viewer, the unmet needs of the citizens on their own teams."""

    needs: list[NeedRow]  # the oldest `needs_limit` of them (all, without a limit)
    needs_own_total: int = 0  # how many of the needs are of the viewer's own citizens


def hide_small_numbers(figures: Figures) -> Figures:
    """Every figure through small_number: with the citizens it is about and its department's.

    The department's citizens are the meetings figure's `citizens` (NO_DEPARTMENT, the citizens'
    own agreements: every citizen). Computed figures (medians, shares, means, per citizen) are
    hidden whenever a figure they are computed from is. The counts of citizens behind each
    figure are dropped (None): what is kept, cached or shown holds no number below five.
    """
    if figures.small_numbers_hidden:
        return figures
    population = {r.department: int(r.citizens) for r in figures.meetings}

    def people(department: str) -> int:
        return population.get(OVERALL if department == NO_DEPARTMENT else department, 0)

    def hide(value: V, department: str, *citizens: int | None) -> V | str:
        return small_number(value, people(department), *citizens)

    load = [
        LoadRow(r.department, hide(r.open_actions, r.department, r.open_citizens),
                hide(r.overdue_actions, r.department, r.overdue_citizens))
        for r in figures.load
    ]  # fmt: skip
    median_days = [
        MedianRow(r.department, hide(r.done, r.department, r.citizens),
                  hide(r.median_days, r.department, r.citizens))
        for r in figures.median_days
    ]  # fmt: skip
    on_time = [
        OnTimeRow(r.department, hide(r.due, r.department, r.due_citizens),
                  hide(r.on_time, r.department, r.on_time_citizens),
                  hide(r.share, r.department, r.due_citizens, r.on_time_citizens))
        for r in figures.on_time
    ]  # fmt: skip
    owner_changes = [
        OwnerChangeRow(r.department, hide(r.changes, r.department, r.change_citizens),
                       hide(r.citizens, r.department), hide(r.per_citizen, r.department, r.change_citizens))
        for r in figures.owner_changes
    ]  # fmt: skip
    meetings = [
        MeetingRow(r.department, hide(r.citizens, r.department), hide(r.held, r.department, r.held_citizens),
                   hide(r.per_citizen_per_year, r.department, r.held_citizens),
                   hide(r.cadence_per_year, r.department))
        for r in figures.meetings
    ]  # fmt: skip
    consents = [
        ConsentRow(r.department, hide(r.citizens, r.department), hide(r.missing, r.department, _n(r.missing)),
                   hide(r.expiring, r.department, _n(r.expiring)))
        for r in figures.consents
    ]  # fmt: skip
    matrix = [
        MatrixCell(c.row, c.column, small_number(c.citizens, _n(c.citizens), people(c.row), people(c.column)))
        for c in figures.matrix
    ]
    scores = [
        ScoreRow(r.department, hide(r.goals, r.department, r.citizens),
                 hide(r.up, r.department, r.up_citizens),
                 hide(r.same, r.department, r.same_citizens), hide(r.down, r.department, r.down_citizens),
                 hide(r.mean_change, r.department, r.citizens))
        for r in figures.scores
    ]  # fmt: skip
    return replace(
        figures, load=load, median_days=median_days, on_time=on_time, owner_changes=owner_changes,
        meetings=meetings, consents=consents, matrix=matrix, scores=scores,
        needs_total=small_number(figures.needs_total, figures.needs_citizens), needs_citizens=None,
        small_numbers_hidden=True,
    )  # fmt: skip


def _n(count: int | str) -> int | None:
    """A count that is itself a number of citizens (None once hidden)."""
    return count if isinstance(count, int) else None


def _may_see_overview_now(session: Session, actor: Actor) -> bool:
    """may_see_overview for the account as it is in the database now (the permission may have
    been withdrawn since the actor was built, e.g. before a download's click)."""
    if actor.user_id is None or actor.role == "citizen_link":
        return False
    user = session.get(UserAccount, actor.user_id)
    return user is not None and user.is_active and may_see_overview(Actor.from_user(user))


def build_overview(
    *,
    session: Session,
    actor: Actor,
    period: Period,
    on: date | None = None,
    figures: Figures | None = None,
    needs_limit: int | None = None,
) -> Overview:
    """The leaders' page, audited as one "overview.read" row (no citizen id); refused (and the
    refusal audited) for anyone but a leader or an administrator.

    `figures` computed a moment ago for the same period and day (the page caches them for a
    minute) are used as they are, small numbers hidden; the unmet needs are always read now,
    for this viewer (the `needs_limit` oldest on screen; the Excel file has them all).
    """
    if not _may_see_overview_now(session, actor):
        refuse(session, actor=actor, citizen_id=None, action="overview.read",
               error=UserError("overview_access.leaders_only"))  # fmt: skip
    day = on or today()
    if figures is not None and (figures.period, figures.on) != (period, day):
        raise ValueError("figures for another period or day")
    write_audit(session, actor=actor, action="overview.read")
    figures = hide_small_numbers(figures or overview_figures(session=session, period=period, on=day))
    needs = unmet_needs_for_leaders(session=session, actor=actor, period=period, limit=needs_limit)
    own_total = (
        len(needs) if needs_limit is None or len(needs) < needs_limit
        else count_own_unmet_needs(session=session, actor=actor, period=period)
    )  # fmt: skip
    counts = {f.name: getattr(figures, f.name) for f in fields(Figures)}
    return Overview(**counts, needs=needs, needs_own_total=own_total)


def overview_figures(*, session: Session, period: Period, on: date | None = None) -> Figures:
    """Every count, small numbers hidden (hide_small_numbers), counted afresh."""
    return hide_small_numbers(counted_figures(session=session, period=period, on=on))


def counted_figures(*, session: Session, period: Period, on: date | None = None) -> Figures:
    """Every count counted afresh, before the small-number rule (with the citizens behind each),
    in two halves at once: the agreements' figures on a second connection.

    The halves read different tables and each takes about half the time; on two cores (the
    smallest server we run on) the page waits for the slower half, not for both. The second
    half may see a commit the first did not: the figures are a dashboard, not a ledger.
    """
    day = on or today()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="overview") as pool:
        agreements = pool.submit(_agreement_figures, url_of(session), period, day)
        people = _people_figures(session=session, period=period, day=day)
        load, median_days, on_time = agreements.result()
    needs_total, needs_citizens = people.pop("needs")
    return Figures(period=period, on=day, load=load, median_days=median_days, on_time=on_time,
                   needs_total=needs_total, needs_citizens=needs_citizens, **people)  # fmt: skip


def _agreement_figures(
    url: str, period: Period, day: date
) -> tuple[list[LoadRow], list[MedianRow], list[OnTimeRow]]:
    with session_scope(url=url) as session:
        return _agreement_half(session=session, period=period, day=day)


@_lookups_shared
def _agreement_half(
    *, session: Session, period: Period, day: date
) -> tuple[list[LoadRow], list[MedianRow], list[OnTimeRow]]:
    return (
        agreement_load(session=session, on=day),
        median_days_to_done(session=session, period=period),
        share_done_on_time(session=session, period=period, on=day),
    )


@_lookups_shared
def _people_figures(*, session: Session, period: Period, day: date) -> dict[str, Any]:
    return {
        "owner_changes": owner_changes_per_citizen(session=session, period=period, on=day),
        "meetings": meetings_against_cadence(session=session, period=period, on=day),
        "consents": consents_missing_or_expiring(session=session, on=day, period=period),
        "matrix": department_matrix(session=session, on=day, period=period),
        "scores": score_movement(session=session, period=period),
        "needs": _count_unmet_needs(session, period),
    }
