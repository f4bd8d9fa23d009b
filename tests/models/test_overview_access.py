"""Overblik is for leaders and administrators, and no figure about fewer than 5 citizens is shown.

The small-number case: one department ("Jobcenter") with N citizens, each with the same history
(one professional from the department, an overdue open agreement, an agreement done on time in
the period, an owner change, a held meeting, no consent, a goal scored up, an unmet need). At
N = 4 every figure about them reads "< 5"; at N = 5 every figure is the number it is.
"""

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from sqlmodel import select

from exports.spreadsheets import overview_csv, overview_xlsx
from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.leaders import leader_ids, set_leader
from models.overview import (
    SMALL,
    build_overview,
    hide_small_numbers,
    overview_figures,
    small_number,
)
from models.overview_lookups import OVERALL, Period
from models.tables import ActionEvent, AuditEvent, UnmetNeed, UserAccount
from tests.factories import (
    make_action,
    make_citizen,
    make_department,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_score,
    make_user,
)

PERIOD = Period(date(2026, 1, 1), date(2026, 6, 30))
ON = date(2026, 7, 1)
J, S = "Jobcenter", "Sundhed"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def make_citizens(s, n, *, department=J, prefix="Borger"):
    """n citizens with one of everything the overview counts, all under `department`."""
    made = []
    for i in range(n):
        citizen = make_citizen(s, name=f"{prefix} {i}")
        pro = make_person(s, citizen=citizen, name=f"Fagperson {prefix} {i}", department=department)
        other = make_person(s, citizen=citizen, name=f"Kollega {prefix} {i}", department=department)
        first = make_meeting(s, citizen=citizen, status="held", starts_at=utc(2026, 2, 1, 9))
        second = make_meeting(s, citizen=citizen, status="held", starts_at=utc(2026, 4, 1, 9))
        late = make_action(s, citizen=citizen, owner=pro, due_on=date(2026, 6, 1))  # open, overdue
        done = make_action(s, citizen=citizen, owner=pro, due_on=date(2026, 3, 1), status="done",
                           done_on=date(2026, 2, 20))  # fmt: skip
        done.created_at = utc(2026, 2, 1, 10)
        s.add(ActionEvent(action_id=late.id, at=utc(2026, 3, 1, 12), kind="owner_changed",
                          from_value=f"person:{other.id}"))  # fmt: skip
        goal = make_goal(s, citizen=citizen)
        make_score(s, goal=goal, meeting=first, score=3)
        make_score(s, goal=goal, meeting=second, score=6)
        s.add(UnmetNeed(meeting_id=first.id, citizen_id=citizen.id, text=f"Hemmeligt behov {prefix} {i}."))
        made.append(citizen)
    return made


def figures_for(n):
    with session_scope(write=True) as s:
        make_department(s, name=J)
        make_citizens(s, n)
    with session_scope() as s:
        return overview_figures(session=s, period=PERIOD, on=ON)


def row(rows, department=J):
    return next(r for r in rows if r.department == department)


# Every kind of figure, read off the figures: (what, how to read it).
FIGURES = [
    ("open agreements", lambda f, d: row(f.load, d).open_actions),
    ("overdue agreements", lambda f, d: row(f.load, d).overdue_actions),
    ("agreements done", lambda f, d: row(f.median_days, d).done),
    ("median days (computed)", lambda f, d: row(f.median_days, d).median_days),
    ("agreements due", lambda f, d: row(f.on_time, d).due),
    ("done on time", lambda f, d: row(f.on_time, d).on_time),
    ("share on time (computed)", lambda f, d: row(f.on_time, d).share),
    ("owner changes", lambda f, d: row(f.owner_changes, d).changes),
    ("owner changes: citizens", lambda f, d: row(f.owner_changes, d).citizens),
    ("owner changes per citizen (computed)", lambda f, d: row(f.owner_changes, d).per_citizen),
    ("meetings: citizens", lambda f, d: row(f.meetings, d).citizens),
    ("meetings held", lambda f, d: row(f.meetings, d).held),
    ("meetings per citizen per year (computed)", lambda f, d: row(f.meetings, d).per_citizen_per_year),
    ("cadence (computed)", lambda f, d: row(f.meetings, d).cadence_per_year),
    ("consents: citizens", lambda f, d: row(f.consents, d).citizens),
    ("consent missing", lambda f, d: row(f.consents, d).missing),
    ("scored goals", lambda f, d: row(f.scores, d).goals),
    ("scores up", lambda f, d: row(f.scores, d).up),
    ("mean change (computed)", lambda f, d: row(f.scores, d).mean_change),
    ("matrix cell", lambda f, d: next(c.citizens for c in f.matrix if (c.row, c.column) == (J, J))),
    ("unmet needs (how many)", lambda f, d: f.needs_total),
]


@pytest.mark.parametrize("citizens", [4, 5])
@pytest.mark.parametrize(("what", "read"), FIGURES, ids=[w for w, _ in FIGURES])
@pytest.mark.parametrize("department", [J, OVERALL])
def test_every_figure_about_fewer_than_five_citizens_reads_less_than_five(db_url, citizens, what, read,
                                                                         department):  # fmt: skip
    figures = figures_for(citizens)
    value = read(figures, department)
    if citizens == 4:
        assert value == SMALL, what
    else:
        assert value != SMALL and value is not None, what
        assert isinstance(value, int | float)


@pytest.mark.parametrize("citizens", [4, 5])
def test_the_exports_read_less_than_five_too(db_url, citizens):
    figures = figures_for(citizens)
    with session_scope(write=True) as s:
        admin = Actor.from_user(make_user(s, username="admin", role="admin"))
    with session_scope(write=True) as s:
        overview = build_overview(session=s, actor=admin, period=PERIOD, on=ON, figures=figures)
    text = overview_csv(overview).decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(overview_xlsx(overview)))
    matrix = book["Borgere x afdelinger"]
    load = [[c.value for c in r] for r in book["Åbne aftaler"].iter_rows(min_row=2)]
    if citizens == 4:
        assert ";< 5\r\n" in text and f";{citizens}\r\n" not in text
        assert matrix["B2"].value == "< 5" and ["I alt", "< 5", "< 5"] in load
    else:
        assert "< 5" not in text
        assert matrix["B2"].value == 5 and ["I alt", 5, 5] in load


def test_a_big_department_hides_a_figure_about_few_of_its_citizens(db_url):
    """Five citizens in Jobcenter, but only one of them shared with Sundhed (5 citizens of its
    own): the matrix cell is about one citizen; Sundhed's own counts are shown."""
    with session_scope(write=True) as s:
        jobcenter = make_citizens(s, 5)
        make_citizens(s, 5, department=S, prefix="Sundhed")
        make_person(s, citizen=jobcenter[0], name="Sygeplejerske", department=S)
    with session_scope() as s:
        figures = overview_figures(session=s, period=PERIOD, on=ON)
    cells = {(c.row, c.column): c.citizens for c in figures.matrix}
    assert cells[(J, S)] == cells[(S, J)] == SMALL
    assert cells[(J, J)] == 5 and cells[(S, S)] == 6


@pytest.mark.parametrize(
    ("value", "citizens", "shown"),
    [
        (7, (4,), SMALL),  # four citizens behind it
        (7, (5,), 7),  # five: shown
        (0, (0,), 0),  # about nobody: nothing to hide
        (0, (10, 3), SMALL),  # a zero about a department of three says something about all three
        (None, (2,), SMALL),  # even "nothing to compute" about two citizens
        (2.5, (None, 6), 2.5),  # None: not known (the rule already ran)
    ],
)
def test_small_number(value, citizens, shown):
    assert small_number(value, *citizens) == shown


def test_hiding_twice_changes_nothing_and_drops_the_counts_behind(db_url):
    figures = figures_for(4)
    assert figures.small_numbers_hidden and hide_small_numbers(figures) is figures
    assert all(r.open_citizens is None and r.overdue_citizens is None for r in figures.load)
    assert figures.needs_citizens is None


# --- Who may see it ----------------------------------------------------------------------------


@pytest.fixture
def people(db_url):
    with session_scope(write=True) as s:
        make_department(s, name=J)
        citizens = make_citizens(s, 5)
        staff = make_user(s, username="staff")
        leader = make_user(s, username="leder")
        leader.is_leader = True
        team_leader = make_user(s, username="teamleder")
        team_leader.is_leader = True
        make_membership(s, citizen=citizens[0], user=team_leader)
        admin = make_user(s, username="admin", role="admin")
    users = {"staff": staff, "leader": leader, "team_leader": team_leader, "admin": admin}
    return {name: Actor.from_user(user) for name, user in users.items()}


def overview_reads():
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == "overview.read")).scalars()
        return [(r.user_id, r.outcome) for r in rows]


def test_staff_without_the_permission_are_refused_and_it_is_audited(people):
    with pytest.raises(UserError) as refused, session_scope(write=True) as s:
        build_overview(session=s, actor=people["staff"], period=PERIOD, on=ON)
    assert refused.value.key == "overview_access.leaders_only"
    assert overview_reads() == [(people["staff"].user_id, "denied")]


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_leaders_and_administrators_may_see_it(people, who):
    with session_scope(write=True) as s:
        overview = build_overview(session=s, actor=people[who], period=PERIOD, on=ON)
    assert row(overview.load, OVERALL).open_actions == 5
    assert overview_reads() == [(people[who].user_id, "ok")]


def test_a_withdrawn_permission_holds_at_once_even_for_an_actor_built_before(people):
    """A download is built at a click, with an actor from earlier: the database decides."""
    with session_scope(write=True) as s:
        s.get(UserAccount, people["leader"].user_id).is_leader = False
    with pytest.raises(UserError), session_scope(write=True) as s:
        build_overview(session=s, actor=people["leader"], period=PERIOD, on=ON)


def test_free_text_only_for_the_leaders_own_teams(people):
    with session_scope(write=True) as s:
        outsider = build_overview(session=s, actor=people["leader"], period=PERIOD, on=ON)
        on_team = build_overview(session=s, actor=people["team_leader"], period=PERIOD, on=ON)
        admin = build_overview(session=s, actor=people["admin"], period=PERIOD, on=ON)
    assert outsider.needs == [] and outsider.needs_own_total == 0 and outsider.needs_total == 5
    assert admin.needs == []  # no team of their own
    assert [(n.text, n.citizen_name) for n in on_team.needs] == [("Hemmeligt behov Borger 0.", "Borger 0")]
    assert "Hemmeligt" not in repr(outsider) and "Hemmeligt" not in repr(admin)


# --- Granting and withdrawing ---------------------------------------------------------------------


def leader_audits():
    with session_scope() as s:
        stmt = select(AuditEvent).where(AuditEvent.action.like("user.leader%")).order_by(AuditEvent.id)
        return [(r.action, r.user_id, r.entity_id, r.outcome) for r in s.execute(stmt).scalars()]


def test_an_administrator_grants_and_withdraws_and_both_are_audited(people):
    admin, staff = people["admin"], people["staff"]
    with session_scope(write=True) as s:
        assert set_leader(session=s, actor=admin, user_id=staff.user_id, leader=True) is True
    with session_scope(write=True) as s:
        assert set_leader(session=s, actor=admin, user_id=staff.user_id, leader=True) is False  # already
        assert staff.user_id in leader_ids(session=s, actor=admin)
        assert Actor.from_user(s.get(UserAccount, staff.user_id)).is_leader
    with session_scope(write=True) as s:
        assert set_leader(session=s, actor=admin, user_id=staff.user_id, leader=False) is True
    with session_scope() as s:
        assert staff.user_id not in leader_ids(session=s, actor=admin)
    assert leader_audits() == [
        ("user.leader_granted", admin.user_id, staff.user_id, "ok"),
        ("user.leader_withdrawn", admin.user_id, staff.user_id, "ok"),
    ]


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_only_an_administrator_may_grant_and_a_refusal_is_audited(people, who):
    actor = people[who]
    with pytest.raises(UserError) as refused, session_scope(write=True) as s:
        set_leader(session=s, actor=actor, user_id=actor.user_id, leader=True)
    assert refused.value.key == "error.admin_only"
    with session_scope() as s:
        assert s.get(UserAccount, people["staff"].user_id).is_leader is False
        with pytest.raises(UserError):
            leader_ids(session=s, actor=actor)
    assert leader_audits() == [("user.leader_granted", actor.user_id, actor.user_id, "denied")]


def test_the_demo_has_a_leader_so_overblik_shows_in_the_demo(db_url):
    from models.demo import STAFF, load_demo

    load_demo()
    with session_scope() as s:
        leaders = set(s.execute(select(UserAccount.username).where(UserAccount.is_leader)).scalars())
    assert leaders == {staff.username for staff in STAFF if staff.leader} == {"mette"}


def test_the_command_line_grants_without_a_user_and_is_audited(people):
    from models.leaders import set_leader_from_command_line

    with session_scope(write=True) as s:
        assert set_leader_from_command_line(session=s, username="staff", leader=True) is True
        assert set_leader_from_command_line(session=s, username="staff", leader=True) is False
    with pytest.raises(UserError), session_scope(write=True) as s:
        set_leader_from_command_line(session=s, username="nobody", leader=True)
    assert leader_audits() == [("user.leader_granted", None, people["staff"].user_id, "ok")]
