"""Overblik: every figure on one small hand-built municipality, answers worked out by hand.

The case (period 1 January - 30 June 2026, looked at on 1 July 2026):
- Departments: Jobcenter (J), Sundhed (S), Familieafdelingen (F: no citizens, no agreements).
- Anna: professionals from J and S (and one from F who has left: not counted). Bo: J only.
  Carl: no professionals at all.
So J has Anna and Bo, S has Anna, F has nobody; J and S share one citizen (Anna).
"""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from models.access import Actor
from models.db import session_scope
from models.overview import build_overview
from models.overview_counting import (
    agreement_load,
    citizen_consent_state,
    consents_missing_or_expiring,
    department_matrix,
    median_days_to_done,
    meetings_against_cadence,
    owner_changes_per_citizen,
    score_movement,
    share_done_on_time,
    unmet_needs_for_leaders,
)
from models.overview_lookups import NO_DEPARTMENT, OVERALL, Period
from models.tables import ActionEvent, AuditEvent, UnmetNeed
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

PERIOD = Period(date(2026, 1, 1), date(2026, 6, 30))  # 181 days
ON = date(2026, 7, 1)
EMPTY = Period(date(2020, 1, 1), date(2020, 1, 31))
J, S, F = "Jobcenter", "Sundhed", "Familieafdelingen"


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def by_department(rows):
    return {row.department: row for row in rows}


@pytest.fixture
def town(db_url, session):
    s = session
    for name in (J, S, F):
        make_department(s, name=name)
    anna = make_citizen(s, name="Anna Hansen")
    bo = make_citizen(s, name="Bo Jensen")
    carl = make_citizen(s, name="Carl Olsen")
    bo.meetings_per_year = 4
    a_j = make_person(s, citizen=anna, name="Jens", department=J)
    a_s = make_person(s, citizen=anna, name="Sara", department=S)
    make_person(s, citizen=anna, name="Fie", department=F, removed_on=date(2025, 12, 1))
    make_person(s, citizen=anna, name="Lone", kind="private", relation="mor")
    b_j = make_person(s, citizen=bo, name="Jonna", department=J)
    make_person(s, citizen=carl, name="Ven", kind="private", relation="ven")

    # Meetings. Bo's third one starts 30 June 22:30 UTC = 1 July in Copenhagen: outside the period.
    a_m1 = make_meeting(s, citizen=anna, status="held", starts_at=utc(2026, 2, 1, 9))
    make_meeting(s, citizen=anna, status="cancelled", starts_at=utc(2026, 3, 1, 9))
    a_m2 = make_meeting(s, citizen=anna, status="held", starts_at=utc(2026, 5, 1, 9))
    a_m3 = make_meeting(s, citizen=anna, status="planned", starts_at=utc(2026, 8, 1, 9))
    b_m1 = make_meeting(s, citizen=bo, status="held", starts_at=utc(2026, 1, 15, 9))
    b_m2 = make_meeting(s, citizen=bo, status="held", starts_at=utc(2026, 3, 15, 9))
    b_m3 = make_meeting(s, citizen=bo, status="held", starts_at=utc(2026, 6, 30, 22, 30))

    # Open agreements on 1 July.
    a1 = make_action(s, citizen=anna, owner=a_j, due_on=date(2026, 6, 15))  # overdue, J
    make_action(s, citizen=anna, owner=a_s, due_on=date(2026, 7, 10), status="in_progress")  # S
    a3 = make_action(s, citizen=bo, owner=b_j, due_on=date(2026, 6, 30))  # overdue, J
    make_action(s, citizen=anna, owner_is_citizen=True, due_on=date(2026, 5, 1))  # overdue, citizen
    # Finished ones. d2 was agreed 28 Feb 23:30 UTC = 1 March in Copenhagen.
    done = [
        (a_j, utc(2026, 2, 1, 10), date(2026, 2, 15), date(2026, 2, 11)),  # 10 days, on time
        (b_j, utc(2026, 2, 28, 23, 30), date(2026, 3, 20), date(2026, 3, 31)),  # 30 days, late
        (a_s, utc(2026, 4, 1, 8), date(2026, 4, 5), date(2026, 4, 5)),  # 4 days, on its date
        (a_j, utc(2025, 12, 1, 8), date(2025, 12, 25), date(2025, 12, 20)),  # before the period
    ]
    for owner, created, due, finished in done:
        action = make_action(s, citizen=anna if owner is not b_j else bo, owner=owner, due_on=due,
                             status="done", done_on=finished)  # fmt: skip
        action.created_at = created
    make_action(s, citizen=anna, owner=a_j, due_on=date(2026, 3, 1), status="cancelled")  # left out

    # Owner changes: who handed over, and when (Copenhagen dates).
    for action, from_value, at, kind in (
        (a1, f"person:{a_s.id}", utc(2026, 3, 10, 12), "owner_changed"),  # S
        (a3, f"person:{b_j.id}", utc(2026, 5, 5, 12), "owner_changed"),  # J
        (a1, f"person:{a_j.id}", utc(2026, 6, 1, 12), "owner_changed"),  # J
        (a1, f"person:{a_j.id}", utc(2025, 12, 31, 23, 30), "owner_changed"),  # 1 Jan local: J
        (a1, "citizen", utc(2026, 6, 30, 22, 30), "owner_changed"),  # 1 July local: outside
        (a1, "2026-06-01", utc(2026, 4, 1, 12), "due_moved"),  # not an owner change
    ):
        s.add(ActionEvent(action_id=action.id, at=at, kind=kind, from_value=from_value))

    # Consents on 1 July: Anna's ends 20 July (within 30 days), Bo's runs to 2027, Carl has none.
    make_consent(s, citizen=anna, given_on=date(2026, 1, 1), expires_on=date(2026, 7, 20))
    make_consent(s, citizen=bo, given_on=date(2026, 1, 1), expires_on=date(2027, 1, 1))

    # Unmet needs.
    sundhed = make_department(s, name=S)
    s.add(UnmetNeed(meeting_id=a_m1.id, citizen_id=anna.id, text="Transport til behandling.",
                    department_id=sundhed.id))  # fmt: skip
    s.add(UnmetNeed(meeting_id=a_m2.id, citizen_id=anna.id, text="Tandlæge.", answer="Sundhed betaler."))
    s.add(UnmetNeed(meeting_id=b_m1.id, citizen_id=bo.id, text="Aflastning i weekenden."))
    s.add(UnmetNeed(meeting_id=a_m3.id, citizen_id=anna.id, text="Efter perioden."))

    # Scores: Anna's g1 3 -> 6 (+3), g2 5 -> 5 (0); Bo's g3 4 -> 2 (-2) in the period (9 is after).
    g1, g2 = make_goal(s, citizen=anna), make_goal(s, citizen=anna)
    g3 = make_goal(s, citizen=bo)
    for goal, meeting, score in ((g1, a_m1, 3), (g1, a_m2, 6), (g2, a_m1, 5), (g2, a_m2, 5),
                                 (g3, b_m1, 4), (g3, b_m2, 2), (g3, b_m3, 9)):  # fmt: skip
        make_score(s, goal=goal, meeting=meeting, score=score)

    viewer = make_user(s, username="leder")
    viewer.is_leader = True
    make_membership(s, citizen=anna, user=viewer)
    make_membership(s, citizen=bo, user=viewer, ended_at=utc(2026, 6, 1))
    admin = make_user(s, username="admin", role="admin")
    s.commit()
    return {"viewer": Actor.from_user(viewer), "admin": Actor.from_user(admin), "anna": anna, "bo": bo}


def test_period_days_and_bounds():
    assert PERIOD.days == 181
    assert date(2026, 6, 30) in PERIOD and date(2026, 7, 1) not in PERIOD
    first, after = PERIOD.utc_bounds
    assert first == utc(2025, 12, 31, 23) and after == utc(2026, 6, 30, 22)  # CET, then CEST
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_open_and_overdue_agreements(town):
    with session_scope() as s:
        rows = by_department(agreement_load(session=s, on=ON))
    assert {k: (r.open_actions, r.overdue_actions) for k, r in rows.items()} == {
        OVERALL: (4, 3), J: (2, 2), S: (1, 0), F: (0, 0), NO_DEPARTMENT: (1, 1),
    }  # fmt: skip


def test_median_days_from_agreement_to_done(town):
    with session_scope() as s:
        rows = by_department(median_days_to_done(session=s, period=PERIOD))
        empty = by_department(median_days_to_done(session=s, period=EMPTY))
    # J: 10 and 30 days -> 20; S: 4; overall 10, 30, 4 -> 10. F did nothing.
    assert {k: (r.done, r.median_days) for k, r in rows.items()} == {
        OVERALL: (3, 10.0), J: (2, 20.0), S: (1, 4.0), F: (0, None), NO_DEPARTMENT: (0, None),
    }  # fmt: skip
    assert all(r.done == 0 and r.median_days is None for r in empty.values())


def test_share_done_by_their_date(town):
    with session_scope() as s:
        rows = by_department(share_done_on_time(session=s, period=PERIOD, on=ON))
        empty = by_department(share_done_on_time(session=s, period=EMPTY, on=ON))
    # J: a1, a3 (open, late), d1 (on time), d2 (late) -> 1 of 4. S: d3 on its very date -> 1 of 1.
    # The citizen's own (due 1 May, open) -> 0 of 1. The dropped one is left out.
    assert {k: (r.due, r.on_time, r.share) for k, r in rows.items()} == {
        OVERALL: (6, 2, pytest.approx(1 / 3)), J: (4, 1, 0.25), S: (1, 1, 1.0), F: (0, 0, None),
        NO_DEPARTMENT: (1, 0, 0.0),
    }  # fmt: skip
    assert empty[OVERALL].due == 0 and empty[OVERALL].share is None


def test_owner_changes_per_citizen(town):
    with session_scope() as s:
        rows = by_department(owner_changes_per_citizen(session=s, period=PERIOD))
        empty = by_department(owner_changes_per_citizen(session=s, period=EMPTY))
    # Four changes in the period (one on 1 Jan local time counts, one on 1 July does not):
    # J handed over 3 (2 citizens -> 1.5), S 1 (1 citizen), overall 4 over 3 citizens.
    assert {k: (r.changes, r.citizens, r.per_citizen) for k, r in rows.items()} == {
        OVERALL: (4, 3, pytest.approx(4 / 3)), J: (3, 2, 1.5), S: (1, 1, 1.0), F: (0, 0, None),
        NO_DEPARTMENT: (0, 3, 0.0),
    }  # fmt: skip
    assert empty[OVERALL].changes == 0 and empty[OVERALL].per_citizen == 0.0


def test_meetings_held_per_citizen_per_year_against_the_cadence(town):
    with session_scope() as s:
        rows = by_department(meetings_against_cadence(session=s, period=PERIOD))
        empty = by_department(meetings_against_cadence(session=s, period=EMPTY))
    # Held in the period: Anna 2 (the cancelled and the planned ones do not count), Bo 2 (the
    # third is on 1 July local time), Carl 0. A year is 365/181 periods.
    year = 365 / 181
    assert {k: (r.citizens, r.held) for k, r in rows.items()} == {
        OVERALL: (3, 4),
        J: (2, 4),
        S: (1, 2),
        F: (0, 0),
    }
    assert rows[OVERALL].per_citizen_per_year == pytest.approx(4 / 3 * year)  # 2.69
    assert rows[J].per_citizen_per_year == pytest.approx(2 * year)  # 4.03
    assert rows[S].per_citizen_per_year == pytest.approx(2 * year)
    assert rows[F].per_citizen_per_year is None and rows[F].cadence_per_year is None
    assert rows[OVERALL].cadence_per_year == pytest.approx(10 / 3)  # 3, 4 and 3 a year
    assert rows[J].cadence_per_year == 3.5
    assert empty[OVERALL].held == 0 and empty[OVERALL].per_citizen_per_year == 0.0


@pytest.mark.parametrize(
    ("consents", "state"),
    [
        ([], "missing"),  # never given
        ([(date(2026, 1, 1), date(2026, 7, 1), None)], "missing"),  # expired on the day itself
        ([(date(2026, 1, 1), None, date(2026, 6, 1))], "missing"),  # withdrawn
        ([(date(2026, 1, 1), date(2026, 7, 31), None)], "expiring"),  # ends in 30 days
        ([(date(2026, 1, 1), date(2026, 8, 1), None)], "ok"),  # ends in 31 days
        ([(date(2026, 1, 1), date(2026, 7, 5), None), (date(2026, 6, 1), None, None)], "ok"),  # renewed
    ],
)
def test_citizen_consent_state(consents, state):
    assert citizen_consent_state(consents, on=ON) == state


def test_consents_missing_or_expiring(town):
    with session_scope() as s:
        rows = by_department(consents_missing_or_expiring(session=s, on=ON))
    assert {k: (r.citizens, r.missing, r.expiring) for k, r in rows.items()} == {
        OVERALL: (3, 1, 1), J: (2, 0, 1), S: (1, 0, 1), F: (0, 0, 0),
    }  # fmt: skip


def test_citizens_by_departments_matrix(town):
    with session_scope() as s:
        cells = {(c.row, c.column): c.citizens for c in department_matrix(session=s)}
    assert cells == {
        (F, F): 0, (F, J): 0, (F, S): 0,
        (J, F): 0, (J, J): 2, (J, S): 1,
        (S, F): 0, (S, J): 1, (S, S): 1,
    }  # fmt: skip


def test_unmet_needs_are_listed_only_for_the_viewers_own_citizens(town):
    with session_scope() as s:
        mine = unmet_needs_for_leaders(session=s, actor=town["viewer"], period=PERIOD)
        admin = unmet_needs_for_leaders(session=s, actor=town["admin"], period=PERIOD)
        empty = unmet_needs_for_leaders(session=s, actor=town["viewer"], period=EMPTY)
    # Unanswered and raised in the period, oldest first; the viewer has left Bo's team, so Bo's
    # need (free text about him) is not read at all.
    assert [(n.text, n.raised_on, n.department, n.citizen_name) for n in mine] == [
        ("Transport til behandling.", date(2026, 2, 1), S, "Anna Hansen"),
    ]
    assert admin == []  # no team, no text: opening every record is not a reason to list it here
    assert empty == []


def test_score_movement(town):
    with session_scope() as s:
        rows = by_department(score_movement(session=s, period=PERIOD))
        empty = by_department(score_movement(session=s, period=EMPTY))
    assert {k: (r.goals, r.up, r.same, r.down) for k, r in rows.items()} == {
        OVERALL: (3, 1, 1, 1), J: (3, 1, 1, 1), S: (2, 1, 1, 0), F: (0, 0, 0, 0),
    }  # fmt: skip
    assert rows[OVERALL].mean_change == pytest.approx(1 / 3)  # (+3 + 0 - 2) / 3
    assert rows[S].mean_change == 1.5 and rows[F].mean_change is None
    assert empty[OVERALL].goals == 0 and empty[OVERALL].mean_change is None


def test_an_empty_database_gives_zero_rows_not_errors(db_url):
    with session_scope(write=True) as s:
        actor = Actor.from_user(make_user(s, username="leder", role="admin"))
    with session_scope(write=True) as s:
        overview = build_overview(session=s, actor=actor, period=PERIOD, on=ON)
    assert [(r.department, r.open_actions) for r in overview.load] == [(OVERALL, 0), (NO_DEPARTMENT, 0)]
    assert overview.matrix == [] and overview.needs == []
    assert overview.meetings[0].citizens == 0 and overview.meetings[0].per_citizen_per_year is None


def test_build_overview_audits_one_row_without_a_citizen(town):
    with session_scope(write=True) as s:
        overview = build_overview(session=s, actor=town["viewer"], period=PERIOD, on=ON)
    assert by_department(overview.load)[OVERALL].overdue_actions == "< 5"  # 3 citizens: hidden
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == "overview.read")).scalars().all()
    assert [(r.citizen_id, r.outcome) for r in rows] == [(None, "ok")]


def test_sql_edge_cases_late_evening_dates_and_odd_owner_values(db_url, session):
    """The SQL versions of two rules: a moment from 22:00 UTC may be the next Copenhagen day
    (summer: from 22:00, winter: from 23:00), and an owner change whose from_value is not
    "person:<digits>" counts under NO_DEPARTMENT instead of failing (PostgreSQL's CAST)."""
    s = session
    make_department(s, name=J)
    anna = make_citizen(s, name="Anna Hansen")
    jens = make_person(s, citizen=anna, name="Jens", department=J)
    cases = [  # created (UTC), done on -> days, worked out by hand
        (utc(2026, 6, 9, 22, 30), date(2026, 6, 20)),  # 10 June 00:30 CEST -> 10 days
        (utc(2026, 1, 9, 22, 30), date(2026, 1, 20)),  # 9 Jan 23:30 CET -> 11 days
        (utc(2026, 3, 1, 23, 0), date(2026, 3, 2)),  # 2 March 00:00 CET -> 0 days
        (utc(2026, 5, 1, 21, 59), date(2026, 5, 3)),  # 1 May 23:59 CEST -> 2 days
    ]
    actions = []
    for created, finished in cases:
        action = make_action(s, citizen=anna, owner=jens, due_on=finished, status="done", done_on=finished)
        action.created_at = created
        actions.append(action)
    for value in ("person:", "person:abc", "person:12x", "person:99999999999999999999", f"person:{jens.id}"):
        s.add(ActionEvent(action_id=actions[0].id, at=utc(2026, 2, 1, 12), kind="owner_changed",
                          from_value=value))  # fmt: skip
    s.commit()
    with session_scope() as s:
        median = by_department(median_days_to_done(session=s, period=PERIOD))
        changes = by_department(owner_changes_per_citizen(session=s, period=PERIOD, on=ON))
    assert (median[J].done, median[J].median_days) == (4, 6.0)  # 0, 2, 10, 11 -> (2 + 10) / 2
    assert {k: r.changes for k, r in changes.items()} == {OVERALL: 5, J: 1, NO_DEPARTMENT: 4}


def test_cached_figures_must_be_for_the_same_period_and_day(town):
    from models.overview import overview_figures

    with session_scope() as s:
        figures = overview_figures(session=s, period=PERIOD, on=ON)
    with session_scope(write=True) as s:
        again = build_overview(session=s, actor=town["viewer"], period=PERIOD, on=ON, figures=figures)
        assert again.load == figures.load and [n.text for n in again.needs]
        with pytest.raises(ValueError):
            build_overview(session=s, actor=town["viewer"], period=EMPTY, on=ON, figures=figures)


def test_the_oldest_unmet_needs_and_how_many_there_are(town):
    from models.overview_counting import count_unmet_needs

    with session_scope(write=True) as s:
        every = unmet_needs_for_leaders(session=s, actor=town["viewer"], period=PERIOD)
        oldest = unmet_needs_for_leaders(session=s, actor=town["viewer"], period=PERIOD, limit=1)
        assert count_unmet_needs(session=s, period=PERIOD) == 2  # Anna's and Bo's
        assert len(every) == 1 and oldest == every[:1]  # the viewer's own: Anna's
        shown = build_overview(session=s, actor=town["viewer"], period=PERIOD, on=ON, needs_limit=1)
    assert shown.needs == every[:1] and shown.needs_own_total == 1
    assert shown.needs_total == "< 5"  # two needs of two citizens: the small-number rule
