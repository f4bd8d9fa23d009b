"""Follow-up between meetings: "Mine opgaver" and the coordinator's view of one citizen.

- `my_agreements`: every agreement a user owns (through the user's Person rows) across the
  citizens the user may open (models.access.visible_citizens_filter), in one query. Each citizen
  shown gets one audit row (codes and ids only); no query per agreement or per citizen.
- `coordinator_view`: all of one citizen's agreements with owner and department, and what needs
  attention now; authorised through load_joint_plan (models.access.authorize, audited).

Buckets (decided here, tested in tests/models/test_follow_up.py):
- overdue: open or in progress with a date before today;
- due_soon: open or in progress, due today or within the next 6 days ("this week");
- later: open or in progress, due in 7 days or more, or without a date;
- done: done or dropped (only those finished in the last DONE_SHOWN_DAYS days are listed).
Changes go through models.actions (authorised, versioned, with history).

`start_page_sections` and `search_agreements` decide how the start page shows a long list: a
table row per open agreement, a page at a time, and a search over citizen, text and goal.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from models.access import Actor, visible_citizens_filter, write_audits
from models.cadence import suggest_next_meeting_date
from models.consent import ConsentStatus
from models.formatting import local
from models.plans import ActionView, JointPlan, PersonView, load_joint_plan
from models.tables import (
    COPENHAGEN,
    OPEN_ACTION_STATUSES,
    Action,
    Citizen,
    Department,
    Goal,
    Meeting,
    Person,
    today,
)
from models.text import matches_search

FINISHED_STATUSES = ("done", "cancelled")
DUE_SOON_DAYS = 7  # today + 0..6 days is "this week"
DONE_SHOWN_DAYS = 14
CONSENT_WARNING_DAYS = 30
MEETING_GRACE_DAYS = 30
BUCKETS = ("overdue", "due_soon", "later", "done")
# The start page's sections: what is late, what is coming (this week and later, by date: the
# soonest first, each row saying which in colour and words) and what is finished.
SECTIONS = {"overdue": ("overdue",), "upcoming": ("due_soon", "later"), "done": ("done",)}
ROWS_PER_PAGE = 10  # agreements shown per bucket before "show more"


def bucket_for(*, status: str, due_on: date | None, on: date) -> str:
    """Which list an agreement belongs in on day `on` (see the module notes)."""
    if status in FINISHED_STATUSES:
        return "done"
    if due_on is None:
        return "later"
    if due_on < on:
        return "overdue"
    if due_on < on + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "later"


def days_overdue(*, bucket: str, due_on: date | None, on: date | None = None) -> int:
    """How many days past its date an overdue agreement is (0 for anything else)."""
    if bucket != "overdue" or due_on is None:
        return 0
    return ((on or today()) - due_on).days


@dataclass(frozen=True)
class MyAgreement:
    id: int
    version: int
    text: str
    status: str
    due_on: date | None
    done_on: date | None
    trial: bool
    bucket: str
    citizen_id: int
    citizen_name: str
    owner_person_id: int
    goal_id: int | None
    goal_words: str | None
    meeting_id: int | None
    meeting_starts_at: datetime | None

    @property
    def days_overdue(self) -> int:
        return days_overdue(bucket=self.bucket, due_on=self.due_on)


@dataclass(frozen=True)
class OwnerChoice:
    """Someone an agreement can be handed to: a person in the citizen's network, or the citizen."""

    citizen_id: int
    person_id: int | None  # None: the citizen
    name: str
    department: str | None = None


def _sort_key(item: MyAgreement) -> tuple[int, int, int]:
    return _order(item.bucket, item.due_on, item.done_on, item.id)


def _order(bucket: str, due_on: date | None, done_on: date | None, action_id: int) -> tuple[int, int, int]:
    if bucket == "done":  # the most recently finished first
        return BUCKETS.index(bucket), -(done_on or due_on or date.min).toordinal(), action_id
    return BUCKETS.index(bucket), (due_on or date.max).toordinal(), action_id


def my_agreements(
    *, session: Session, actor: Actor, on: date | None = None, include_done: bool = True
) -> list[MyAgreement]:
    """The actor's agreements: overdue first (oldest date first), then due soon, later, done.

    One query for the list (citizen, goal and meeting joined in), whatever the number.
    """
    day = on or today()
    if actor.user_id is None:
        return []
    statement = _my_agreements_statement(actor.role, include_done=include_done)
    rows = session.execute(statement, _mine_params(actor, day)).all()
    items = sorted((_agreement(r, day) for r in rows), key=_sort_key)
    # One audit row per citizen shown (the filter above already allowed them): who saw whose list.
    write_audits(session, actor=actor, action="follow_up.read_mine",
                 citizen_ids=sorted({i.citizen_id for i in items}))
    return items


# The lists' statements are built once per shape and run with the user's and the day's values
# as parameters (_mine_params): building and caching a statement of this size took longer than
# running it.
def _mine_params(actor: Actor, day: date) -> dict[str, Any]:
    finished_since = day - timedelta(days=DONE_SHOWN_DAYS)
    return {"user_id": actor.user_id, "day": day, "week": day + timedelta(days=DUE_SOON_DAYS),
            "finished_since": finished_since, "finished_since_at": _start_of(finished_since)}  # fmt: skip


def _mine_filter(role: str, *, include_done: bool) -> ColumnElement[bool]:
    """The user's agreements: owned through the user's Person rows, on citizens the user may
    open, open (or finished since :finished_since, DONE_SHOWN_DAYS ago)."""
    user_id = bindparam("user_id")
    status_filter: ColumnElement[bool] = col(Action.status).in_(OPEN_ACTION_STATUSES)
    if include_done:
        status_filter = or_(
            status_filter,
            (col(Action.status) == "done") & (col(Action.done_on) >= bindparam("finished_since")),
            (col(Action.status) == "cancelled") & (col(Action.updated_at) >= bindparam("finished_since_at")),
        )
    mine = select(Person.id).where(Person.user_id == user_id, col(Person.removed_on).is_(None))
    visible = visible_citizens_filter(Actor(None, "", "", role), Action.citizen_id, user_id=user_id)
    return and_(col(Action.owner_person_id).in_(mine), visible, status_filter)


@cache
def _my_agreements_statement(role: str, *, include_done: bool) -> Any:
    return _with_details(_mine_filter(role, include_done=include_done))


@cache
def _my_dates_statement(role: str) -> Any:
    """Ids, statuses and due dates of all the user's agreements, by date (undated last, as in
    _order): enough to count them per bucket and pick each open bucket's first."""
    due = col(Action.due_on)
    return (
        select(Action.id, Action.status, due)
        .where(_mine_filter(role, include_done=True))
        .order_by(due.is_(None), due, Action.id)
    )


@cache
def _details_statement() -> Any:
    return _with_details(col(Action.id).in_(bindparam("ids", expanding=True)))


def _with_details(where: ColumnElement[bool]) -> Any:
    return (
        select(  # type: ignore[call-overload, misc]
            Action.id,
            Action.version,
            Action.text,
            Action.status,
            Action.due_on,
            Action.done_on,
            Action.trial,
            Action.citizen_id,
            Citizen.name.label("citizen_name"),  # type: ignore[attr-defined]
            Action.owner_person_id,
            Action.goal_id,
            Goal.own_words,
            Action.agreed_at_meeting_id,
            Meeting.starts_at,
        )
        .join(Citizen, col(Citizen.id) == Action.citizen_id)
        .outerjoin(Goal, col(Goal.id) == Action.goal_id)
        .outerjoin(Meeting, col(Meeting.id) == Action.agreed_at_meeting_id)
        .where(where)
    )


def _agreement(r: Any, day: date) -> MyAgreement:
    return MyAgreement(
        id=r.id,
        version=r.version,
        text=r.text,
        status=r.status,
        due_on=r.due_on,
        done_on=r.done_on,
        trial=r.trial,
        bucket=bucket_for(status=r.status, due_on=r.due_on, on=day),
        citizen_id=r.citizen_id,
        citizen_name=r.citizen_name,
        owner_person_id=r.owner_person_id,
        goal_id=r.goal_id,
        goal_words=r.own_words,
        meeting_id=r.agreed_at_meeting_id,
        meeting_starts_at=r.starts_at,
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=COPENHAGEN)


def bucket_counts(items: list[MyAgreement]) -> dict[str, int]:
    counts = dict.fromkeys(BUCKETS, 0)
    for item in items:
        counts[item.bucket] += 1
    return counts


@dataclass(frozen=True)
class StartPageSection:
    """One section of "Mine opgaver" (SECTIONS) as the start page shows it."""

    name: str  # overdue, upcoming or done
    items: tuple[MyAgreement, ...]  # every agreement in the section (that was read)
    cards: tuple[MyAgreement, ...]  # shown, each can be opened for its actions (see below)
    not_shown: int  # open agreements waiting behind "show more"
    total: int = 0  # how many agreements the section holds (read or not)


def start_page_sections(
    items: list[MyAgreement], *, shown: Mapping[str, int] | None = None, open_ids: Collection[int] = ()
) -> list[StartPageSection]:
    """Which of the user's agreements (`items`, in my_agreements' order) the start page shows,
    so that a list of hundreds stays a page a person can work through.

    - open agreements: the first `shown[section]` of the section (ROWS_PER_PAGE unless said
      otherwise) are `cards`, a row each in the section's table; the rest wait behind "show more";
    - done and dropped: none (nothing is left to do; the page lists `items` in a folded table);
    - an agreement whose panel is open (`open_ids`) stays shown wherever it now is: a colleague
      may just have finished or moved it, and what the user typed must stay on the screen.
    Sections without agreements are left out.
    """
    shown = shown or {}
    sections = []
    for name, buckets in SECTIONS.items():
        group = tuple(i for i in items if i.bucket in buckets)
        if not group:
            continue
        limit = 0 if name == "done" else max(0, shown.get(name, ROWS_PER_PAGE))
        cards = tuple(i for n, i in enumerate(group) if n < limit or i.id in open_ids)
        not_shown = 0 if name == "done" else len(group) - len(cards)
        sections.append(StartPageSection(name, group, cards, not_shown, len(group)))
    return sections


@dataclass(frozen=True)
class StartPage:
    counts: dict[str, int]  # every agreement of the user's per bucket (BUCKETS, not SECTIONS)
    sections: list[StartPageSection]  # items: only what the page shows (see my_start_page)

    @property
    def open_count(self) -> int:
        """The user's open agreements (all of them, whatever a search shows)."""
        return sum(n for bucket, n in self.counts.items() if bucket != "done")

    @property
    def listed(self) -> int:
        """How many agreements the sections hold (those a search found, or all)."""
        return sum(section.total for section in self.sections)


def my_start_page(
    *,
    session: Session,
    actor: Actor,
    on: date | None = None,
    shown: Mapping[str, int] | None = None,
    open_ids: Collection[int] = (),
    with_done: bool = False,
    query: str = "",
) -> StartPage:
    """"Mine opgaver" as start_page_sections shows it, reading only what is shown.

    Without a search: the ids and dates of all the user's agreements give the counts; the details
    are read for the first `shown[section]` of each open section (and any whose panel is open), and
    for the finished ones only `with_done` (their table is folded away otherwise). So the start
    page of someone with 300 agreements reads, and audits, the few dozen it shows. (Counting and
    picking in SQL was tried: slower on both databases than sorting ~300 small rows here.) A `query`
    searches all of them (search_agreements), so all are read. Sections' `items` hold the read ones.
    """
    day = on or today()
    shown = shown or {}
    if actor.user_id is None:
        return StartPage(dict.fromkeys(BUCKETS, 0), [])
    if query.strip():
        everything = my_agreements(session=session, actor=actor, on=day)
        found = search_agreements(everything, query, keep=open_ids)
        sections = start_page_sections(found, shown=shown, open_ids=open_ids)
        return StartPage(bucket_counts(everything), sections)
    # First what there is (ids and dates only: no text, no names, in date order), then the details
    # of the shown. Plain Core rows on the session's connection: the ORM's result machinery cost
    # more than the query for ~300 rows.
    connection = session.connection()
    every = connection.execute(_my_dates_statement(actor.role), _mine_params(actor, day)).all()
    buckets: dict[str, list[int]] = {b: [] for b in BUCKETS}
    for action_id, status, due_on in every:  # in date order: each bucket's list is in order too
        buckets[bucket_for(status=status, due_on=due_on, on=day)].append(action_id)
    counts = {b: len(found) for b, found in buckets.items()}
    wanted = set(buckets["done"]) if with_done else set()
    for name, parts in SECTIONS.items():
        if name != "done":  # the sections' buckets follow each other in date order
            in_order = [action_id for bucket in parts for action_id in buckets[bucket]]
            wanted.update(in_order[: max(0, shown.get(name, ROWS_PER_PAGE))])
    wanted |= set(open_ids) & {row[0] for row in every}
    rows = connection.execute(_details_statement(), {"ids": sorted(wanted)}).all() if wanted else []
    items = sorted((_agreement(r, day) for r in rows), key=_sort_key)
    write_audits(session, actor=actor, action="follow_up.read_mine",
                 citizen_ids=sorted({i.citizen_id for i in items}))
    read = {s.name: s for s in start_page_sections(items, shown=shown, open_ids=open_ids)}
    sections = []
    for name, parts in SECTIONS.items():  # every section with agreements, read or not (done: folded)
        total = sum(counts[bucket] for bucket in parts)
        if total:
            section = read.get(name) or StartPageSection(name, (), (), 0)
            not_shown = 0 if name == "done" else max(0, total - len(section.cards))
            sections.append(StartPageSection(name, section.items, section.cards, not_shown, total))
    return StartPage(counts, sections)


def search_agreements(
    items: list[MyAgreement], query: str, *, keep: Collection[int] = ()
) -> list[MyAgreement]:
    """The agreements whose citizen's name, text or goal holds every word of `query`, in any
    case and in any order ("ditte bolig"); all of them for an empty query. Those in `keep` (an
    open panel, with what the user typed) stay whatever the search."""
    return [i for i in items if i.id in keep or matches_search(query, i.citizen_name, i.text, i.goal_words)]


def handover_choices(*, session: Session, actor: Actor, citizen_ids: list[int]) -> list[OwnerChoice]:
    """Who each of these citizens' agreements may be handed to (active people, and the citizen).

    One query for the people; only citizens the actor may open. The handover itself is
    authorised again in models.actions.hand_over.
    """
    if not citizen_ids:
        return []
    rows = session.execute(
        select(  # type: ignore[call-overload]
            Person.id, Person.citizen_id, Person.name, col(Department.name).label("department")
        )
        .join(Citizen, col(Citizen.id) == Person.citizen_id)
        .outerjoin(Department, col(Department.id) == Person.department_id)
        .where(
            col(Person.citizen_id).in_(citizen_ids),
            col(Person.removed_on).is_(None),
            visible_citizens_filter(actor),
        )
        .order_by(Person.citizen_id, Person.kind, Person.name)
    ).all()
    names: dict[int, str] = dict(
        session.execute(
            select(col(Citizen.id), col(Citizen.name)).where(
                col(Citizen.id).in_(citizen_ids), visible_citizens_filter(actor)
            )
        ).all()
    )
    choices = [OwnerChoice(cid, None, name) for cid, name in sorted(names.items())]
    choices += [OwnerChoice(r.citizen_id, r.id, r.name, r.department) for r in rows]
    return choices


# --- The coordinator's view of one citizen ---------------------------------------------------

ATTENTION_KINDS = (
    "overdue_action",
    "consent_missing",
    "consent_expiring",
    "no_meeting",
    "goal_not_moving",
    "unmet_need",
)
# Where each kind of item is fixed (the UI links there with the citizen chosen).
TARGET_PAGES = {
    "overdue_action": "pages/follow_up.py",
    "consent_missing": "pages/prepare.py",
    "consent_expiring": "pages/prepare.py",
    "no_meeting": "pages/meeting.py",
    "goal_not_moving": "pages/plan.py",
    "unmet_need": "pages/overview.py",
}


@dataclass(frozen=True)
class AttentionItem:
    """One thing that needs attention now. `text` is user text (show it as text, never Markdown)."""

    kind: str
    target_page: str
    entity_id: int | None = None
    text: str | None = None
    due_on: date | None = None  # the date that was missed or is coming (agreement, consent, cadence)
    days: int | None = None  # days overdue / days left


@dataclass(frozen=True)
class CoordinatorAgreement:
    id: int
    version: int
    text: str
    status: str
    bucket: str
    due_on: date | None
    done_on: date | None
    owner_name: str | None
    owner_is_citizen: bool
    department: str | None
    goal_words: str | None
    owner_person_id: int | None = None


@dataclass(frozen=True)
class CoordinatorView:
    citizen_id: int
    citizen_name: str
    agreements: tuple[CoordinatorAgreement, ...]
    attention: tuple[AttentionItem, ...]
    next_meeting_due: date | None  # the date the cadence points to
    contact_person: PersonView | None = None  # the one person the citizen calls


def goal_is_stuck(scores: list[int]) -> bool:
    """A goal has not moved in two meetings: its last three scores are the same (unchanged at
    the two most recent meetings). Fewer than three scores: too early to tell."""
    return len(scores) >= 3 and len(set(scores[-3:])) == 1


def meeting_missing(*, due: date, coming: list[date], on: date) -> bool:
    """No meeting held or planned within the cadence.

    `due` is the date the cadence points to (models.cadence). Nothing to do while it is more than
    MEETING_GRACE_DAYS away. Otherwise a meeting must be planned on or before `due`; once `due`
    has passed, a meeting within the next MEETING_GRACE_DAYS days is the fix.
    """
    if (due - on).days > MEETING_GRACE_DAYS:
        return False
    deadline = due if due >= on else on + timedelta(days=MEETING_GRACE_DAYS)
    return not any(on <= day <= deadline for day in coming)


def _cadence_due(plan: JointPlan) -> date:
    last = plan.last_held_meeting
    start = local(last.starts_at).date() if last is not None else _plan_start(plan)
    return suggest_next_meeting_date(last_meeting=start, meetings_per_year=plan.citizen.meetings_per_year)


def _plan_start(plan: JointPlan) -> date:
    """No meeting held yet: the cadence runs from the first goal, consent or the team's start."""
    dates = [g.created_on for g in plan.goals] + [c.given_on for c in plan.consents]
    dates += [p.added_on for p in plan.people]
    return min(dates) if dates else plan.loaded_on


def attention_items(plan: JointPlan, *, on: date) -> list[AttentionItem]:
    """What needs attention now, from the loaded plan (no further queries)."""
    items: list[AttentionItem] = []
    for action in sorted(plan.actions, key=lambda a: (a.due_on or date.max, a.id)):
        if action.is_open and action.due_on is not None and action.due_on < on:
            items.append(
                AttentionItem("overdue_action", TARGET_PAGES["overdue_action"], action.id, action.text,
                              action.due_on, (on - action.due_on).days)
            )  # fmt: skip
    valid = [c for c in plan.consents if c.status(on) == ConsentStatus.VALID]
    if not valid:
        items.append(AttentionItem("consent_missing", TARGET_PAGES["consent_missing"]))
    else:
        # Only when no other valid consent runs beyond the warning window.
        horizon = on + timedelta(days=CONSENT_WARNING_DAYS)
        if all(c.expires_on is not None and c.expires_on <= horizon for c in valid):
            soonest = min(valid, key=lambda c: c.expires_on or date.max)
            assert soonest.expires_on is not None
            items.append(
                AttentionItem("consent_expiring", TARGET_PAGES["consent_expiring"], soonest.id, None,
                              soonest.expires_on, (soonest.expires_on - on).days)
            )  # fmt: skip
    due = _cadence_due(plan)
    if meeting_missing(
        due=due,
        coming=[
            local(m.starts_at).date()
            for m in plan.meetings
            if m.status in ("draft", "planned", "in_progress")
        ],
        on=on,
    ):
        items.append(
            AttentionItem("no_meeting", TARGET_PAGES["no_meeting"], None, None, due, (due - on).days)
        )
    for goal in plan.active_goals:
        if goal_is_stuck([s.score for s in goal.scores]):
            items.append(AttentionItem("goal_not_moving", TARGET_PAGES["goal_not_moving"], goal.id,
                                       goal.own_words, None, goal.scores[-1].score))  # fmt: skip
    for meeting in plan.meetings:
        for need in meeting.unmet_needs:
            if not (need.answer or "").strip():
                items.append(AttentionItem("unmet_need", TARGET_PAGES["unmet_need"], need.id, need.text))
    return items


def _coordinator_agreement(plan: JointPlan, action: ActionView, on: date) -> CoordinatorAgreement:
    owner = plan.person(action.owner_person_id)
    goal = next((g for g in plan.goals if g.id == action.goal_id), None)
    return CoordinatorAgreement(
        id=action.id,
        version=action.version,
        text=action.text,
        status=action.status,
        bucket=bucket_for(status=action.status, due_on=action.due_on, on=on),
        due_on=action.due_on,
        done_on=action.done_on,
        owner_name=action.owner_name,
        owner_is_citizen=action.owner_is_citizen,
        department=owner.department if owner else None,
        goal_words=goal.own_words if goal else None,
        owner_person_id=action.owner_person_id,
    )


def coordinator_view(
    *, session: Session, actor: Actor, citizen_id: int, on: date | None = None
) -> CoordinatorView:
    """All the citizen's agreements across departments, and what needs attention now.

    Authorised and audited as "follow_up.coordinator" (raises AccessDenied otherwise).
    """
    day = on or today()
    plan = load_joint_plan(
        session=session, actor=actor, citizen_id=citizen_id, purpose="follow_up.coordinator"
    )
    agreements = sorted(
        (_coordinator_agreement(plan, a, day) for a in plan.actions),
        key=lambda a: (BUCKETS.index(a.bucket), a.due_on or date.max, a.id),
    )
    return CoordinatorView(
        citizen_id=plan.citizen.id,
        citizen_name=plan.citizen.name,
        agreements=tuple(agreements),
        attention=tuple(attention_items(plan, on=day)),
        next_meeting_due=_cadence_due(plan),
        contact_person=plan.contact_person,
    )
