"""Counts and missing values in Mødet read as Danish (issue 18): "1 aftale", not "1 aftaler";
"ingen dato endnu", not "senest ingen dato"."""

from __future__ import annotations

import pytest

from models.db import session_scope
from models.meeting_read import citizen_load
from models.plans import load_joint_plan
from tests.factories import make_actor
from tests.pages.conftest import block_lines
from tests.pages.test_meeting import PAGE, _add_agreement, _start, _step


@pytest.fixture
def at(open_page, ditte):
    page = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not page.exception
    return page


def _shown(at) -> list[str]:
    return [e.value for e in (*at.markdown, *at.warning, *at.caption, *at.text)] + block_lines(at)


def test_the_load_line_and_an_undated_agreement_read_as_danish(at, ditte):
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=make_actor(ditte.staff_user), citizen_id=ditte.citizen.id)
    load = citizen_load(plan)
    assert (load.agreements, load.people) == (1, 1)  # the fixture: one of each, the case that went wrong
    _start(at)
    _step(at, "agreements")
    shown = " ".join(_shown(at))
    assert "Borgeren har 1 aftale selv og skal have med 1 person at gøre de næste fire uger." in shown
    assert "1 aftaler" not in shown and "1 forskellige" not in shown
    _add_agreement(at, "Søge om cykelhjelm")  # no owner, no date yet
    shown = " ".join(_shown(at))
    assert "Mangler ansvarlig · ingen dato endnu" in shown
    assert "senest ingen dato" not in shown
