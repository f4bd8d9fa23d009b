"""Survey rounds (issue 24): who may open and close them, what a round must be, who is asked,
who has answered (for reminders) and the response rate per department."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.relational_coordination_rounds import (
    close_round,
    my_open_rounds,
    non_respondents,
    open_round,
    response_rates,
)
from models.tables import AuditEvent, Department, UserAccount, today, utcnow
from tests.factories import make_user
from tests.models.relational_coordination_fixtures import answer, make_round, make_town


def _open(user, **overrides):
    town_ids = overrides.pop("department_ids")
    values = {"name": "Før-måling", "starts_on": today(), "ends_on": today() + timedelta(days=13)} | overrides
    with session_scope(write=True) as s:
        return open_round(session=s, actor=Actor.from_user(user), department_ids=town_ids, **values)


def test_a_leader_opens_a_round_and_its_staff_see_it(db_url):
    town = make_town()
    view = _open(town.leader, department_ids=[town.departments["Jobcenter"], town.departments["Sundhed"]])
    assert [n for _, n in view.departments] == ["Jobcenter", "Sundhed"]
    with session_scope() as s:
        jobcenter = my_open_rounds(session=s, actor=Actor.from_user(town.staff["Jobcenter"][0]))
        social = my_open_rounds(session=s, actor=Actor.from_user(town.staff["Socialafdelingen"][0]))
        audit = s.exec(select(AuditEvent).where(AuditEvent.action == "rc.round_open")).all()
    assert [(m.round.id, m.my_department[1], [n for _, n in m.others]) for m in jobcenter] == [
        (view.id, "Jobcenter", ["Sundhed"])
    ]
    assert social == []  # a department not in the round is not asked
    assert [(a.user_id, a.entity_id) for a in audit] == [(town.leader.id, view.id)]


def test_staff_without_the_permission_cannot_open_a_round_and_the_refusal_is_audited(db_url):
    town = make_town()
    with pytest.raises(UserError):
        _open(town.staff["Jobcenter"][0], department_ids=list(town.departments.values()))
    with session_scope() as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action == "rc.round_open")).all()
    assert [(r.user_id, r.outcome) for r in rows] == [(town.staff["Jobcenter"][0].id, "denied")]


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"name": "  "}, "error.required"),  # a round needs a name
        ({"starts_on": None}, "rc.error.period_missing"),  # a half-chosen period
        ({"ends_on": today() - timedelta(days=1), "starts_on": today()}, "rc.error.period_backwards"),
        (
            {"starts_on": today() - timedelta(days=10), "ends_on": today() - timedelta(days=1)},
            "rc.error.period_over",
        ),
        (
            {"ends_on": today() + timedelta(days=120)},
            "rc.error.period_too_long",
        ),  # a pulse, not a standing survey
        ({"department_ids": "one"}, "rc.error.departments"),  # one department has no one to ask about
        ({"department_ids": [10_000, 10_001]}, "rc.error.departments"),  # not on the list
        ({"department_ids": "retired"}, "rc.error.departments"),  # retired departments are not offered
    ],
)
def test_a_bad_round_is_refused_with_a_danish_message_and_nothing_saved(db_url, overrides, key):
    town = make_town()
    ids = list(town.departments.values())
    if overrides.get("department_ids") == "one":
        overrides["department_ids"] = ids[:1]
    elif overrides.get("department_ids") == "retired":
        with session_scope(write=True) as s:
            s.get(Department, ids[1]).retired_at = utcnow()
        overrides["department_ids"] = ids[:2]
    with pytest.raises(UserError) as refused:
        _open(town.leader, **({"department_ids": ids} | overrides))
    assert refused.value.key == key
    assert refused.value.message("da")[0].isupper()
    with session_scope() as s:
        assert my_open_rounds(session=s, actor=Actor.from_user(town.staff["Jobcenter"][0])) == []


def test_who_is_asked_who_has_answered_and_the_response_rate(db_url):
    town = make_town(per=3)
    with session_scope(write=True) as s:
        make_user(
            s, username="gone", is_active=False, department=s.get(Department, town.departments["Sundhed"])
        )
        make_user(s, username="it", role="admin", department=s.get(Department, town.departments["Sundhed"]))
    round_id = make_round(town)
    jobcenter, sundhed = town.departments["Jobcenter"], town.departments["Sundhed"]
    answer(town.staff["Jobcenter"][0], round_id, {sundhed: 4})
    answer(town.staff["Sundhed"][1], round_id, {jobcenter: 2})
    with session_scope() as s:
        waiting = non_respondents(session=s, round_id=round_id)
        rates = {r.department: (r.answered, r.asked) for r in response_rates(session=s, round_id=round_id)}
        names = {u.id: u.username for u in s.exec(select(UserAccount)).all()}
    # Active staff only: not the deactivated account, not the administrator; the leader is staff.
    assert sorted(names[u] for u in waiting) == [
        "job1",
        "job2",
        "leder",
        "soc0",
        "soc1",
        "soc2",
        "sun0",
        "sun2",
    ]
    assert rates == {"Jobcenter": (1, 4), "Socialafdelingen": (0, 3), "Sundhed": (1, 3)}


def test_a_closed_round_asks_nobody_and_reminds_nobody(db_url):
    town = make_town(per=1)
    round_id = make_round(town)
    with session_scope(write=True) as s:
        close_round(session=s, actor=Actor.from_user(town.leader), round_id=round_id)
    with session_scope() as s:
        assert my_open_rounds(session=s, actor=Actor.from_user(town.staff["Sundhed"][0])) == []
        assert non_respondents(session=s, round_id=round_id) == []
    with pytest.raises(UserError) as refused:
        answer(town.staff["Sundhed"][0], round_id, {town.departments["Jobcenter"]: 3})
    assert refused.value.key == "rc.error.not_asked"
