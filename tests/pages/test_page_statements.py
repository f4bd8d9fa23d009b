"""The citizen pages' SQL budget (issue 9): at most 15 statements per render, none repeated per row,
and the plan loaded once per render (its audit row written once). Counts, never times."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bench.counting import count_statements
from models.db import get_engine, session_scope
from models.tables import AuditEvent

BUDGET = 15
PAGES = ("pages/prepare.py", "pages/plan.py", "pages/citizen_data.py", "pages/meeting.py",
         "pages/follow_up.py")


def _open(open_page, ditte, page):
    at = open_page(page, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    if page == "pages/follow_up.py":  # its tabs run lazily: the plan is read on the coordinator's tab
        at.session_state["fu_tab"] = "Koordinators overblik"
        at.run()
    return at


def _audit_rows(citizen_id: int) -> list[str]:
    with session_scope() as s:
        return list(s.execute(select(AuditEvent.action).where(AuditEvent.citizen_id == citizen_id)
                              .order_by(AuditEvent.id)).scalars())


@pytest.mark.parametrize("page", PAGES)
def test_a_rerun_stays_within_the_statement_budget(open_page, ditte, db_url, page):
    at = _open(open_page, ditte, page)
    assert not at.exception
    before = _audit_rows(ditte.citizen.id)
    with count_statements(get_engine(db_url)) as log:
        at.run()
    assert not at.exception
    assert log.count <= BUDGET, "\n".join(log.statements)
    assert not log.repeated(at_least=2) or all("audit_event" in sql for sql in log.repeated(at_least=2)), \
        log.repeated(at_least=2)
    new = _audit_rows(ditte.citizen.id)[len(before):]
    # The plan is authorised and audited once per render (the access log's own read is audited too).
    plan_reads = [a for a in new if a.endswith((".read", ".coordinator"))]
    assert plan_reads, new
    assert len(plan_reads) == len(set(plan_reads)), new


@pytest.mark.parametrize("page", PAGES)
def test_the_plan_is_read_once_per_render(open_page, ditte, db_url, page):
    at = _open(open_page, ditte, page)
    with count_statements(get_engine(db_url)) as log:
        at.run()
    goal_reads = [sql for sql in log.statements if sql.lstrip().upper().startswith("SELECT GOAL.")]
    # models.access.authorize's team check (my follow-ups' list filter also reads team_membership)
    team_checks = [s for s in log.statements if "EXISTS (SELECT * FROM team_membership"
                   in " ".join(s.split())]
    assert len(goal_reads) == 1
    assert len(team_checks) == 1  # one authorisation (and audit row) for the page view
