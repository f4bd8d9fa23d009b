"""Mine opgaver and the coordinator's view: hand-built cases, answers worked out by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from models.access import Actor
from models.db import get_engine, session_scope
from models.errors import AccessDenied, StaleVersion
from models.follow_up import (
    TARGET_PAGES,
    bucket_counts,
    bucket_for,
    coordinator_view,
    goal_is_stuck,
    handover_choices,
    meeting_missing,
    my_agreements,
)
from models.tables import AuditEvent, UnmetNeed, utcnow
from tests.factories import (
    make_action,
    make_citizen,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_score,
    make_user,
)

DAY = date(2026, 11, 23)  # a Monday


def days(n):
    return DAY + timedelta(days=n)


@pytest.mark.parametrize(
    ("status", "due_on", "expected"),
    [
        ("open", days(-1), "overdue"),  # yesterday: late
        ("in_progress", days(-40), "overdue"),  # in progress does not excuse it
        ("open", DAY, "due_soon"),  # due today is not late yet
        ("open", days(6), "due_soon"),  # last day of "this week"
        ("open", days(7), "later"),  # a week from now is later
        ("open", None, "later"),  # no date (unfinished at a meeting): not overdue
        ("done", days(-10), "done"),  # done wins over the date
        ("cancelled", days(-10), "done"),  # dropped is finished too
    ],
)
def test_bucket_for(status, due_on, expected):
    assert bucket_for(status=status, due_on=due_on, on=DAY) == expected


@pytest.mark.parametrize(
    ("scores", "stuck"),
    [
        ([], False),  # never scored
        ([4, 4], False),  # unchanged at one meeting only
        ([4, 4, 4], True),  # unchanged at the two latest meetings
        ([2, 4, 4, 4], True),  # moved earlier, then stood still twice
        ([4, 4, 5], False),  # moved at the latest meeting
        ([5, 4, 4], False),  # went down, then still once
    ],
)
def test_goal_is_stuck(scores, stuck):
    assert goal_is_stuck(scores) is stuck


@pytest.mark.parametrize(
    ("due", "coming", "missing"),
    [
        (days(60), [], False),  # the cadence date is far off: nothing to do yet
        (days(20), [], True),  # due in 20 days and nothing planned
        (days(20), [days(15)], False),  # planned before the date
        (days(20), [days(25)], True),  # planned, but after the date
        (days(-10), [], True),  # overdue and nothing planned
        (days(-10), [days(8)], False),  # overdue; planned soon
        (days(-10), [days(45)], True),  # overdue; planned too late
        (days(-10), [days(-2)], True),  # a "planned" meeting in the past
    ],
)
def test_meeting_missing(due, coming, missing):
    assert meeting_missing(due=due, coming=coming, on=DAY) is missing


@pytest.fixture
def caseload(db_url):
    """Rasmus owns agreements for Anna and Bo; he has left Carl's team; Lise owns one for Anna."""
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus", full_name="Rasmus Holm")
        lise_user = make_user(s, username="lise", full_name="Lise Berg")
        anna = make_citizen(s, name="Anna Hansen")
        bo = make_citizen(s, name="Bo Jensen")
        carl = make_citizen(s, name="Carl Olsen")
        r_anna = make_person(s, citizen=anna, name="Rasmus Holm", user=user, department="Jobcenter")
        r_bo = make_person(s, citizen=bo, name="Rasmus Holm", user=user, department="Jobcenter")
        r_carl = make_person(s, citizen=carl, name="Rasmus Holm", user=user, department="Jobcenter")
        lise = make_person(s, citizen=anna, name="Lise Berg", user=lise_user, department="Sundhed")
        mother = make_person(s, citizen=anna, name="Lone Hansen", kind="private", relation="mor")
        make_membership(s, citizen=anna, user=user, person=r_anna)
        make_membership(s, citizen=bo, user=user, person=r_bo)
        make_membership(s, citizen=carl, user=user, person=r_carl, ended_at=utcnow())
        make_membership(s, citizen=anna, user=lise_user, person=lise)
        goal = make_goal(s, citizen=anna, own_words="Jeg vil have et arbejde.")
        held = make_meeting(s, citizen=anna, status="held", starts_at=datetime(2026, 10, 1, 8, tzinfo=UTC))
        a = {
            "anna_overdue": make_action(s, citizen=anna, owner=r_anna, goal=goal, agreed_at=held,
                                        due_on=days(-3), text="Ringe til lægen"),
            "anna_later": make_action(s, citizen=anna, owner=r_anna, due_on=days(20)),
            "bo_soon": make_action(s, citizen=bo, owner=r_bo, due_on=days(2),
                                   status="in_progress"),
            "bo_old_overdue": make_action(s, citizen=bo, owner=r_bo, due_on=days(-30)),
            "anna_done": make_action(s, citizen=anna, owner=r_anna, status="done",
                                     due_on=days(-8), done_on=days(-5)),
            "anna_done_long_ago": make_action(s, citizen=anna, owner=r_anna, status="done",
                                              due_on=days(-60), done_on=days(-30)),
            "carl_overdue": make_action(s, citizen=carl, owner=r_carl, due_on=days(-1)),
            "lise_overdue": make_action(s, citizen=anna, owner=lise, due_on=days(-1)),
            "citizen_owns": make_action(s, citizen=anna, owner_is_citizen=True, due_on=days(-1)),
        }  # fmt: skip
    return {"actor": Actor.from_user(user), "anna": anna, "bo": bo, "carl": carl, "actions": a,
            "mother": mother, "lise": lise, "goal": goal, "held": held}  # fmt: skip


def test_my_agreements_are_mine_on_my_teams_overdue_first(caseload):
    a = caseload["actions"]
    with session_scope(write=True) as s:
        items = my_agreements(session=s, actor=caseload["actor"], on=DAY)
    # Overdue (oldest date first), due soon, later, done in the last 14 days. Not Carl's (left
    # the team), not Lise's, not the citizen's own, not the one done 30 days ago.
    assert [i.id for i in items] == [
        a["bo_old_overdue"].id, a["anna_overdue"].id, a["bo_soon"].id, a["anna_later"].id, a["anna_done"].id,
    ]  # fmt: skip
    assert [i.bucket for i in items] == ["overdue", "overdue", "due_soon", "later", "done"]
    first = items[1]
    assert (first.citizen_name, first.goal_words, first.text) == (
        "Anna Hansen", "Jeg vil have et arbejde.", "Ringe til lægen",
    )  # fmt: skip
    assert first.meeting_id == caseload["held"].id
    assert first.meeting_starts_at == datetime(2026, 10, 1, 8, tzinfo=UTC)
    assert bucket_counts(items) == {"overdue": 2, "due_soon": 1, "later": 1, "done": 1}


def test_my_agreements_without_done_and_for_someone_without_agreements(caseload, session):
    with session_scope(write=True) as s:
        open_only = my_agreements(session=s, actor=caseload["actor"], on=DAY, include_done=False)
        nobody = make_user(s, username="nobody")
    assert len(open_only) == 4 and all(i.bucket != "done" for i in open_only)
    with session_scope(write=True) as s:
        assert my_agreements(session=s, actor=Actor.from_user(nobody), on=DAY) == []


def test_my_agreements_audits_one_row_per_citizen_and_runs_one_query(caseload, db_url):
    statements = []

    def count(*_args):
        statements.append(1)

    engine = get_engine(db_url)
    with session_scope(write=True) as s:
        s.connection()  # BEGIN first, so only the list's own statements are counted
        event.listen(engine, "before_cursor_execute", count)
        try:
            my_agreements(session=s, actor=caseload["actor"], on=DAY)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
    with session_scope() as s:
        rows = (
            s.execute(select(AuditEvent.citizen_id).where(AuditEvent.action == "follow_up.read_mine"))
            .scalars()
            .all()
        )
    assert sorted(rows) == sorted([caseload["anna"].id, caseload["bo"].id])


def test_handover_choices_are_the_active_network_and_the_citizen(caseload):
    with session_scope() as s:
        choices = handover_choices(session=s, actor=caseload["actor"],
                                   citizen_ids=[caseload["anna"].id, caseload["carl"].id])  # fmt: skip
    anna = [(c.person_id, c.name) for c in choices if c.citizen_id == caseload["anna"].id]
    assert anna[0] == (None, "Anna Hansen")  # the citizen herself first
    assert {name for _pid, name in anna[1:]} == {"Rasmus Holm", "Lise Berg", "Lone Hansen"}
    assert not [c for c in choices if c.citizen_id == caseload["carl"].id]  # no longer on Carl's team


@pytest.fixture
def attention_case(db_url):
    """One citizen with exactly one of each attention item (and near misses that must not show)."""
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s, name="Anna Hansen")
        rasmus = make_person(s, citizen=citizen, user=user, department="Jobcenter")
        helle = make_person(s, citizen=citizen, name="Helle Friis", department="Socialafdelingen")
        make_membership(s, citizen=citizen, user=user, person=rasmus)
        # Two valid consents, both ending within 30 days: the sooner one is named (10 days left).
        make_consent(s, citizen=citizen, given_on=days(-300), expires_on=days(10))
        make_consent(s, citizen=citizen, given_on=days(-20), expires_on=days(25))
        m1, m2, m3 = (
            make_meeting(s, citizen=citizen, status="held", starts_at=datetime(2026, month, 2, 9, tzinfo=UTC))
            for month in (1, 4, 6)
        )
        stuck = make_goal(s, citizen=citizen, own_words="Jeg vil sove bedre.")
        moving = make_goal(s, citizen=citizen, own_words="Jeg vil have et job.")
        for meeting, a, b in ((m1, 4, 3), (m2, 4, 4), (m3, 4, 4)):
            make_score(s, goal=stuck, meeting=meeting, score=a)
            make_score(s, goal=moving, meeting=meeting, score=b)
        s.add(UnmetNeed(meeting_id=m3.id, citizen_id=citizen.id, text="Transport til behandling."))
        s.add(UnmetNeed(meeting_id=m3.id, citizen_id=citizen.id, text="Tandlæge.", answer="Sundhed betaler."))
        overdue = make_action(s, citizen=citizen, owner=helle, due_on=days(-4), text="Søge bostøtte")
        make_action(s, citizen=citizen, owner=rasmus, due_on=days(-9), status="done", done_on=days(-9))
        make_action(s, citizen=citizen, owner=rasmus, due_on=days(3))
    return {"actor": Actor.from_user(user), "citizen": citizen, "overdue": overdue, "stuck": stuck}


def test_coordinator_view_lists_what_needs_attention(attention_case):
    with session_scope(write=True) as s:
        view = coordinator_view(session=s, actor=attention_case["actor"],
                                citizen_id=attention_case["citizen"].id, on=DAY)  # fmt: skip
    kinds = [(i.kind, i.text, i.days) for i in view.attention]
    # Last held meeting 2 June 2026 + 121 days = 1 October 2026 (a Thursday): 53 days ago.
    assert kinds == [
        ("overdue_action", "Søge bostøtte", 4),
        ("consent_expiring", None, 10),
        ("no_meeting", None, -53),
        ("goal_not_moving", "Jeg vil sove bedre.", 4),
        ("unmet_need", "Transport til behandling.", None),
    ]
    assert view.next_meeting_due == date(2026, 10, 1)
    assert all(i.target_page == TARGET_PAGES[i.kind] for i in view.attention)
    assert view.attention[0].entity_id == attention_case["overdue"].id
    # All three agreements, across both departments, overdue first.
    assert [(a.bucket, a.department) for a in view.agreements] == [
        ("overdue", "Socialafdelingen"), ("due_soon", "Jobcenter"), ("done", "Jobcenter"),
    ]  # fmt: skip


def test_coordinator_view_of_a_citizen_in_good_order_has_nothing_to_flag(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        make_membership(s, citizen=citizen, user=user, person=make_person(s, citizen=citizen, user=user))
        make_consent(s, citizen=citizen, given_on=days(-5), expires_on=days(31))
        make_meeting(s, citizen=citizen, status="held", starts_at=datetime(2026, 10, 1, 9, tzinfo=UTC))
        make_meeting(s, citizen=citizen, status="planned", starts_at=datetime(2027, 1, 20, 9, tzinfo=UTC))
    with session_scope(write=True) as s:
        view = coordinator_view(session=s, actor=Actor.from_user(user), citizen_id=citizen.id, on=DAY)
    assert view.attention == () and view.agreements == ()


def test_coordinator_view_flags_a_missing_consent(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        make_membership(s, citizen=citizen, user=user)
        make_consent(s, citizen=citizen, given_on=days(-50), withdrawn_on=days(-1))
    with session_scope(write=True) as s:
        view = coordinator_view(session=s, actor=Actor.from_user(user), citizen_id=citizen.id, on=DAY)
    assert "consent_missing" in [i.kind for i in view.attention]


def test_coordinator_view_refuses_someone_outside_the_team_and_audits_it(attention_case):
    with session_scope(write=True) as s:
        outsider = Actor.from_user(make_user(s, username="olga"))
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        coordinator_view(session=s, actor=outsider, citizen_id=attention_case["citizen"].id, on=DAY)
    with session_scope() as s:
        outcomes = (
            s.execute(select(AuditEvent.outcome).where(AuditEvent.action == "follow_up.coordinator"))
            .scalars()
            .all()
        )
    assert outcomes == ["denied"]


def test_an_unmet_need_is_answered_once_and_leaves_the_attention_list(db_url):
    from models.unmet_needs import answer_unmet_need
    from tests.factories import make_citizen, make_meeting, make_membership, make_user

    with session_scope(write=True) as s:
        user = make_user(s, username="need.user")
        citizen = make_citizen(s, name="Behov Borger")
        make_membership(s, citizen=citizen, user=user)
        meeting = make_meeting(s, citizen=citizen, status="held", unmet_needs=("Bolig tæt på skolen",))
        need_id = s.execute(select(UnmetNeed.id).where(UnmetNeed.meeting_id == meeting.id)).scalar_one()
    actor = Actor.from_user(user)
    with session_scope(write=True) as s:
        answer_unmet_need(session=s, actor=actor, need_id=need_id, answer="Ledelsen finder en bolig")
    with pytest.raises(StaleVersion), session_scope(write=True) as s:  # a second answer is refused
        answer_unmet_need(session=s, actor=actor, need_id=need_id, answer="Noget andet")
    with session_scope(write=True) as s:
        view = coordinator_view(session=s, actor=actor, citizen_id=citizen.id)
        assert s.get(UnmetNeed, need_id).answer == "Ledelsen finder en bolig"
    assert [item for item in view.attention if item.kind == "unmet_need"] == []


def test_the_start_page_reads_what_it_shows_and_counts_the_rest(caseload):
    """my_start_page: the same buckets, counts and order as my_agreements + start_page_sections,
    but only the shown agreements are read and audited."""
    from models.follow_up import my_start_page, start_page_sections

    a, actor = caseload["actions"], caseload["actor"]
    with session_scope(write=True) as s:
        every = my_agreements(session=s, actor=actor, on=DAY)
    with session_scope(write=True) as s:
        full = my_start_page(session=s, actor=actor, on=DAY, with_done=True)
    assert full.counts == bucket_counts(every)
    assert full.sections == start_page_sections(every)

    with session_scope(write=True) as s:
        first = s.execute(select(func.max(AuditEvent.id))).scalar_one()
        one = my_start_page(session=s, actor=actor, on=DAY, shown={"overdue": 1, "upcoming": 0})
    assert one.counts == {"overdue": 2, "due_soon": 1, "later": 1, "done": 1}
    by_section = {s.name: s for s in one.sections}
    assert [i.id for i in by_section["overdue"].cards] == [a["bo_old_overdue"].id]
    assert by_section["overdue"].not_shown == 1 and by_section["upcoming"].not_shown == 2
    assert by_section["upcoming"].total == 2
    assert by_section["done"].items == ()  # folded: not read
    with session_scope() as s:
        audited = s.execute(select(AuditEvent.citizen_id).where(AuditEvent.id > first)).scalars().all()
    assert audited == [caseload["bo"].id]  # only Bo's agreement was shown

    with session_scope(write=True) as s:  # an open panel stays, wherever its agreement is now
        kept = my_start_page(session=s, actor=actor, on=DAY, shown={"upcoming": 0},
                             open_ids={a["anna_later"].id})  # fmt: skip
    upcoming = next(s for s in kept.sections if s.name == "upcoming")
    assert [i.id for i in upcoming.cards] == [a["anna_later"].id] and upcoming.not_shown == 1
