"""Overblik's kept figures (models/overview_kept.py) equal a full count after every kind of change.

Each case: a small municipality with figures of every kind, a keeper that has counted it once,
one change made the way the app makes it, then the keeper's figures (before and after the
small-number rule) against models.overview's full count. The keeper must have counted only the
changed citizens again (full_counts stays 1), except where it cannot know (a department).
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url

from models import overview_changes
from models.access import Actor
from models.actions import create_agreement, hand_over, move_due_date, set_action_status
from models.consent import record_consent, withdraw_consent
from models.db import session_scope
from models.erasure import erase_citizen
from models.overview import build_overview, counted_figures, overview_figures
from models.overview_kept import FigureKeeper
from models.overview_lookups import Period
from models.people import remove_person
from models.tables import (
    Action,
    ActionEvent,
    Citizen,
    Consent,
    Department,
    Goal,
    GoalScore,
    Meeting,
    OverviewChange,
    Person,
    TeamMembership,
    UnmetNeed,
    today,
)
from models.team import end_team_membership
from models.unmet_needs import answer_unmet_need
from tests.factories import (
    make_action,
    make_citizen,
    make_consent,
    make_department,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_score,
    make_user,
)

DAY = today()
PERIOD = Period(DAY - timedelta(days=364), DAY)
DEPARTMENTS = ("Jobcenter", "Sundhed", "Familieafdelingen", "Psykiatri")


def at(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(DAY - timedelta(days=days_ago), time(hour), tzinfo=UTC)


@pytest.fixture
def town(session):
    """Twelve citizens with professionals from 0-3 departments, agreements in every state (some
    made after 22:00 UTC), owner changes, held meetings with scores, consents and unmet needs."""
    rnd = random.Random(16)
    s = session
    departments = [make_department(s, name=name) for name in DEPARTMENTS]
    admin = make_user(s, username="admin", role="admin")
    leader = make_user(s, username="leder")
    citizens, people = [], {}
    for n in range(12):
        citizen = make_citizen(s, name=f"Borger {n}")
        citizen.meetings_per_year = rnd.choice((2, 3, 4, 12))
        staff = [make_person(s, citizen=citizen, name=f"P{n}-{d.name}", department=d)
                 for d in rnd.sample(departments, rnd.randint(0, 3))]  # fmt: skip
        staff.append(make_person(s, citizen=citizen, name=f"Mor {n}", kind="private", relation="mor"))
        people[citizen.id] = staff
        citizens.append(citizen)
        make_membership(s, citizen=citizen, user=leader)
        for _ in range(rnd.randint(0, 2)):
            given = DAY - timedelta(days=rnd.randint(0, 400))
            lasts = timedelta(days=rnd.choice((20, 365, 400)))
            make_consent(s, citizen=citizen, given_on=given, expires_on=given + lasts)
        meetings = []
        for _ in range(rnd.randint(0, 3)):
            meetings.append(make_meeting(s, citizen=citizen, status="held", starts_at=at(rnd.randint(1, 300)),
                                         unmet_needs=("Transport.",) * rnd.randint(0, 1)))  # fmt: skip
        goal = make_goal(s, citizen=citizen)
        for meeting in meetings:
            make_score(s, goal=goal, meeting=meeting, score=rnd.randint(0, 10))
        for a in range(rnd.randint(0, 6)):
            owner = rnd.choice(staff)
            status = rnd.choice(("open", "open", "in_progress", "done", "cancelled"))
            due = DAY + timedelta(days=rnd.randint(-100, 60))
            done = due + timedelta(days=rnd.randint(-20, 20)) if status == "done" else None
            action = make_action(s, citizen=citizen, owner=owner if owner.kind == "professional" else None,
                                 owner_is_citizen=owner.kind != "professional", status=status, due_on=due,
                                 done_on=min(done, DAY) if done else None)  # fmt: skip
            action.created_at = at(rnd.randint(100, 300), hour=rnd.choice((9, 22, 23)))
            if a % 2 and len(staff) > 1:
                s.add(ActionEvent(action_id=action.id, at=at(rnd.randint(1, 200)), kind="owner_changed",
                                  from_value=f"person:{staff[0].id}", to_value="citizen"))  # fmt: skip
    s.commit()
    return {"admin": Actor.from_user(admin), "citizens": [c.id for c in citizens], "people": people,
            "departments": departments, "leader": Actor.from_user(leader)}  # fmt: skip


def assert_current(keeper, url):
    """The keeper's figures equal a full count, before and after the small-number rule."""
    kept = keeper.figures(url=url, period=PERIOD, day=DAY)
    with session_scope(url=url) as s:
        counted = counted_figures(session=s, period=PERIOD, on=DAY)
        assert keeper.unhidden(url=url, period=PERIOD, day=DAY) == counted
        assert kept.figures == overview_figures(session=s, period=PERIOD, on=DAY)
    return kept


def _first(model, **where):
    with session_scope() as s:
        return s.execute(select(model).filter_by(**where).order_by(model.id)).scalars().first()


def agreement_created(town):
    citizen = town["citizens"][1]
    owner = next(p for p in town["people"][citizen] if p.kind == "professional")
    with session_scope(write=True) as s:
        create_agreement(session=s, actor=town["admin"], citizen_id=citizen, text="Ny aftale.",
                         owner_person_id=owner.id, due_on=DAY - timedelta(days=3))  # fmt: skip


def _open_action():
    with session_scope() as s:
        return s.execute(select(Action).where(Action.status == "open", Action.owner_person_id.is_not(None))
                         .order_by(Action.id)).scalars().first()  # fmt: skip


def status_changed(town):
    action = _open_action()
    with session_scope(write=True) as s:
        set_action_status(session=s, actor=town["admin"], action_id=action.id, seen_version=action.version,
                          status="done")  # fmt: skip


def due_date_moved(town):
    action = _open_action()
    with session_scope(write=True) as s:
        move_due_date(session=s, actor=town["admin"], action_id=action.id, seen_version=action.version,
                      due_on=DAY - timedelta(days=200), reason="Venter på svar.")  # fmt: skip


def owner_changed(town):
    action = _open_action()
    other = next(p for p in town["people"][action.citizen_id] if p.kind == "private")
    with session_scope(write=True) as s:
        hand_over(session=s, actor=town["admin"], action_id=action.id, seen_version=action.version,
                  owner_person_id=None, owner_is_citizen=True, reason=f"Til {other.relation}.")  # fmt: skip


def citizen_erased(town):
    citizen = town["citizens"][2]
    with session_scope(write=True) as s:
        erase_citizen(session=s, actor=town["admin"], citizen_id=citizen, confirm_name="Borger 2")


def meeting_held(town):
    with session_scope(write=True) as s:
        meeting = make_meeting(s, citizen=s.get(Citizen, town["citizens"][3]), status="planned",
                               starts_at=at(1))  # fmt: skip
    with session_scope(write=True) as s:
        s.get(Meeting, meeting.id).status = "held"
        goal = s.execute(select(Goal).where(Goal.citizen_id == town["citizens"][3])).scalars().first()
        make_score(s, goal=goal, meeting=s.get(Meeting, meeting.id), score=9)


def consent_given(town):
    with session_scope(write=True) as s:
        record_consent(session=s, actor=town["admin"], citizen_id=town["citizens"][4], kind="sharing",
                       parties=["Jobcenter"], scope="Planen.", form="written", given_on=DAY,
                       expires_on=DAY + timedelta(days=10))  # fmt: skip


def consent_expired(town):
    consent = _first(Consent, withdrawn_on=None)
    with session_scope(write=True) as s:
        withdraw_consent(session=s, actor=town["admin"], consent_id=consent.id, withdrawn_on=DAY)
    with session_scope(write=True) as s:  # and one that runs out today (an edit of its date)
        other = s.execute(select(Consent).where(Consent.id != consent.id)).scalars().first()
        other.expires_on = DAY


def unmet_need_answered(town):
    need = _first(UnmetNeed)
    with session_scope(write=True) as s:
        answer_unmet_need(session=s, actor=town["admin"], need_id=need.id, answer="Kommunen betaler.")


def membership_ended(town):
    membership = _first(TeamMembership)
    with session_scope(write=True) as s:
        end_team_membership(session=s, actor=town["admin"], membership_id=membership.id, reason="Stopper.")


def professional_left(town):
    person = _first(Person, kind="professional")
    with session_scope(write=True) as s:
        remove_person(session=s, actor=town["admin"], person_id=person.id, on=DAY)


def person_changed_department(town):
    person = _first(Person, kind="professional")
    with session_scope(write=True) as s:
        s.get(Person, person.id).department_id = town["departments"][-1].id


def cadence_changed(town):
    with session_scope(write=True) as s:
        s.get(Citizen, town["citizens"][5]).meetings_per_year = 52


def citizen_added(town):
    with session_scope(write=True) as s:
        citizen = make_citizen(s, name="Ny Borger")
        make_person(s, citizen=citizen, department=town["departments"][0])


def score_and_agreement_deleted(town):
    with session_scope(write=True) as s:
        action = s.execute(select(Action).order_by(Action.id.desc())).scalars().first()
        s.execute(delete(Action).where(Action.id == -1))  # reaches nobody
        s.execute(delete(ActionEvent).where(ActionEvent.action_id == action.id))
        s.delete(action)
        s.execute(delete(GoalScore).where(GoalScore.id == s.execute(select(func.min(GoalScore.id))).scalar()))


def department_renamed(town):
    with session_scope(write=True) as s:
        s.get(Department, town["departments"][0].id).name = "Beskæftigelse"


CHANGES = [  # (change, whether the keeper can count only the changed citizens again)
    (agreement_created, True),
    (status_changed, True),  # save_versioned: an UPDATE statement, not the ORM
    (due_date_moved, True),
    (owner_changed, True),  # an owner_changed event: through its agreement
    (citizen_erased, True),  # bulk DELETE statements by citizen
    (meeting_held, True),
    (consent_given, True),
    (consent_expired, True),
    (unmet_need_answered, True),  # an UPDATE statement
    (membership_ended, True),  # not counted at all: nothing to do
    (professional_left, True),  # the department sets change
    (person_changed_department, True),
    (cadence_changed, True),
    (citizen_added, True),
    (score_and_agreement_deleted, True),  # goal_score through its goal; a DELETE that reaches nobody
    (department_renamed, False),  # every row and column: counted afresh
]


@pytest.mark.parametrize(("change", "incremental"), CHANGES, ids=[c.__name__ for c, _ in CHANGES])
def test_kept_figures_equal_a_full_count_after_each_kind_of_change(town, db_url, change, incremental):
    keeper = FigureKeeper()
    before = assert_current(keeper, db_url)
    with session_scope() as s:
        seen = s.execute(select(func.max(OverviewChange.seq))).scalar_one()  # the town's own rows
    change(town)
    after = assert_current(keeper, db_url)
    assert keeper.full_counts == (1 if incremental else 2)
    with session_scope() as s:  # one log row per changed citizen, or one for "everything"
        logged = s.execute(select(OverviewChange.citizen_id).where(OverviewChange.seq > seen)).scalars().all()
    assert (None in logged) == (not incremental)
    assert (after.key != before.key) == (change is not membership_ended) == bool(logged)


def test_a_view_or_a_rolled_back_change_writes_no_log_row(town, db_url):
    keeper = FigureKeeper()
    assert_current(keeper, db_url)
    with session_scope(write=True) as s:  # a read and its audit row
        build_overview(session=s, actor=town["admin"], period=PERIOD, on=DAY)
    with pytest.raises(RuntimeError), session_scope(write=True) as s:
        s.execute(select(Action)).scalars().first().status = "done"
        s.flush()
        raise RuntimeError("rolled back")
    with session_scope() as s:  # only the town's own commit
        assert s.execute(select(func.count()).select_from(OverviewChange)).scalar_one() == 1
    assert keeper.figures(url=db_url, period=PERIOD, day=DAY).key == "1:1"  # the town's commit


def test_several_changes_and_transactions_are_counted_once_each(town, db_url):
    keeper = FigureKeeper()
    assert_current(keeper, db_url)
    for change in (status_changed, due_date_moved, meeting_held):
        change(town)
    assert_current(keeper, db_url)
    with session_scope() as s:
        seqs = s.execute(select(OverviewChange.seq).distinct().order_by(OverviewChange.seq)).scalars().all()
    assert seqs == list(range(1, len(seqs) + 1))  # one per transaction, no gaps
    assert keeper.full_counts == 1


def test_a_keeper_behind_the_pruned_log_or_on_another_database_counts_everything(town, db_url, monkeypatch):
    keeper = FigureKeeper()
    assert_current(keeper, db_url)
    status_changed(town)
    assert_current(keeper, db_url)  # caught up with the status change's row
    monkeypatch.setattr(overview_changes, "PRUNE_EVERY", 1)
    monkeypatch.setattr(overview_changes, "KEEP_TRANSACTIONS", 1)
    due_date_moved(town)  # prunes every older row: the one the keeper read last too
    assert_current(keeper, db_url)
    assert keeper.full_counts == 2
    with session_scope(write=True) as s:  # "another database": the same seqs again, other tags
        s.execute(delete(OverviewChange))
    for _ in range(3):
        cadence_changed(town)
    assert_current(keeper, db_url)
    assert keeper.full_counts == 3
    with session_scope(write=True) as s:
        s.get(Citizen, town["citizens"][6]).meetings_per_year = 1
        overview_changes.note_everything_changed(s)  # a write it could not see would say so
    assert_current(keeper, db_url)
    assert keeper.full_counts == 4


def _second_process_url(url: str) -> str:
    """The same database through another engine (another pool), as a second process has."""
    parsed = make_url(url)
    extra = {"timeout": "5"} if parsed.get_backend_name() == "sqlite" else {"application_name": "second"}
    return parsed.update_query_dict(extra).render_as_string(hide_password=False)


def test_concurrent_writers_in_two_processes_lose_no_change(town, db_url):
    """24 writers (half through a second engine) change agreements, consents and meetings of
    the same few citizens while two keepers (two "processes") keep catching up; at the end both
    equal a full count, having counted only changed citizens again."""
    urls = [db_url, _second_process_url(db_url)]
    keepers = [FigureKeeper(), FigureKeeper()]
    for keeper, url in zip(keepers, urls, strict=True):
        keeper.figures(url=url, period=PERIOD, day=DAY)
    with session_scope() as s:
        actions = s.execute(select(Action.id)).scalars().all()
    errors: list[BaseException] = []
    writing = threading.Barrier(24)
    done = threading.Event()

    def write(n: int) -> None:
        rnd = random.Random(n)
        url = urls[n % 2]
        try:
            writing.wait()
            for _ in range(6):
                with session_scope(write=True, url=url) as s:
                    action = s.get(Action, rnd.choice(actions))
                    action.due_on = DAY + timedelta(days=rnd.randint(-30, 30))
                    action.status = rnd.choice(("open", "done", "in_progress"))
                    action.done_on = DAY if action.status == "done" else None
                    if rnd.random() < 0.3:
                        citizen = s.get(Citizen, action.citizen_id)
                        citizen.meetings_per_year = rnd.randint(1, 12)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def read(n: int) -> None:
        try:
            while not done.is_set():
                keepers[n].figures(url=urls[n], period=PERIOD, day=DAY)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    readers = [threading.Thread(target=read, args=(n,)) for n in (0, 1)]
    writers = [threading.Thread(target=write, args=(n,)) for n in range(24)]
    for thread in (*readers, *writers):
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in readers:
        thread.join()
    assert not errors, errors
    for keeper, url in zip(keepers, urls, strict=True):
        assert_current(keeper, url)
        assert keeper.full_counts == 1


def test_a_process_that_never_looks_at_overblik_still_writes_down_its_changes(town, db_url):
    """The listeners come with models.tables: a CLI or import process writes the rows too."""
    import subprocess
    import sys

    script = (
        "import sys; from models.db import session_scope; from models.tables import Citizen\n"
        "assert 'models.overview_kept' not in sys.modules\n"
        f"with session_scope(write=True, url={db_url!r}) as s:\n"
        f"    s.get(Citizen, {town['citizens'][7]}).meetings_per_year = 7\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    with session_scope() as s:
        newest = s.execute(select(OverviewChange.citizen_id).order_by(OverviewChange.seq.desc())).first()
    assert newest == (town["citizens"][7],)
