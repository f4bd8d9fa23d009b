"""Access (issue 8, point 7): nobody off a citizen's team gets anything of that citizen.

14 entry points (reads, writes, exports, the link, a forged id on a page) x 3 kinds of user who
must get nothing of Ditte: a staff user on another citizen's team, a staff user whose membership
of Ditte's team has ended (and who is still her coordinator on paper), and the citizen link of
another citizen. 42 negative checks: each is refused (nothing returned, nothing written) and
each refusal leaves exactly one audit row with outcome "denied" about Ditte.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import (
    actions,
    citizen_links,
    consent,
    follow_up,
    goals,
    invitation,
    meeting_mode,
    people,
    preparation,
    rights,
)
from models.access import Actor
from models.db import session_scope
from models.errors import AccessDenied
from models.exchange import export_citizen, plan_for_word_export
from models.plans import load_joint_plan
from models.tables import AuditEvent, Decision, Goal, TeamMembership, today, utcnow
from tests.factories import (
    make_action,
    make_citizen,
    make_consent,
    make_goal,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Ditte-hemmelighed-7Q"


@dataclass(frozen=True)
class Scene:
    ditte_id: int
    goal_id: int
    running_meeting_id: int
    planned_meeting_id: int
    intruders: dict[str, tuple[Actor, object]]  # kind -> (actor, the user account or the link token)


@pytest.fixture
def scene(db_url) -> Scene:
    with session_scope(write=True) as s:
        own = make_user(s, username="rasmus")
        other_team = make_user(s, username="olga", full_name="Olga Andetteam")
        former = make_user(s, username="frede", full_name="Frede Tidligere")
        ditte = make_citizen(s, name=f"Ditte {SECRET}")
        bo = make_citizen(s, name="Bo Andersen")
        coordinator = make_person(s, citizen=ditte, user=own, department="Jobcenter", is_coordinator=True)
        # Frede was Ditte's coordinator; the membership ended, the person row still names him.
        frede = make_person(
            s, citizen=ditte, user=former, department="Jobcenter", name="Frede", is_coordinator=False
        )
        frede.is_deputy = True
        make_membership(s, citizen=ditte, user=own, person=coordinator)
        make_membership(s, citizen=ditte, user=former, person=frede, ended_at=utcnow())
        make_membership(s, citizen=bo, user=other_team)
        make_consent(s, citizen=ditte)
        goal = make_goal(s, citizen=ditte, own_words=SECRET)
        make_action(s, citizen=ditte, owner=coordinator, text=SECRET)
        running = make_meeting(s, citizen=ditte, status="in_progress", participants=(coordinator,))
        planned = make_meeting(s, citizen=ditte, status="planned", participants=(coordinator,))
        ids = (ditte.id, goal.id, running.id, planned.id, bo.id)
    with session_scope(write=True) as s:
        link = citizen_links.create_citizen_link(
            session=s, actor=Actor.from_user(other_team), citizen_id=ids[4]
        )
    with session_scope(write=True) as s:
        link_actor = citizen_links.resolve_citizen_link(session=s, token=link.token)
    intruders = {
        "staff on another team": (Actor.from_user(other_team), other_team),
        "staff whose membership ended": (Actor.from_user(former), former),
        "citizen link of another citizen": (link_actor, link.token),
    }
    return Scene(*ids[:4], intruders=intruders)


def _call(fn, **kwargs):
    with session_scope(write=True) as s:
        return fn(session=s, **kwargs)


ENTRY_POINTS = {
    "plans.load_joint_plan": lambda sc, a: _call(load_joint_plan, actor=a, citizen_id=sc.ditte_id),
    "exchange.export_citizen": lambda sc, a: _call(export_citizen, actor=a, citizen_id=sc.ditte_id),
    "exchange.plan_for_word_export": lambda sc, a: _call(
        plan_for_word_export, actor=a, citizen_id=sc.ditte_id
    ),
    "invitation.load_invitation": lambda sc, a: _call(
        invitation.load_invitation,
        actor=a,
        citizen_id=sc.ditte_id,
        meeting_id=sc.planned_meeting_id,
        purpose="invitation.export_ics",
    ),
    "goals.update_goal": lambda sc, a: _call(
        goals.update_goal,
        actor=a,
        goal_id=sc.goal_id,
        seen_version=1,
        own_words="overskrevet",
        area=None,
        professional_note=None,
    ),
    "actions.create_agreement": lambda sc, a: _call(
        actions.create_agreement, actor=a, citizen_id=sc.ditte_id, text="ny aftale"
    ),
    "meeting_mode.add_decision": lambda sc, a: _call(
        meeting_mode.add_decision, actor=a, meeting_id=sc.running_meeting_id, text="ny beslutning"
    ),
    "people.add_person": lambda sc, a: _call(
        people.add_person, actor=a, citizen_id=sc.ditte_id, kind="private", name="Ukendt", relation="ven"
    ),
    "consent.record_consent": lambda sc, a: _call(
        consent.record_consent,
        actor=a,
        citizen_id=sc.ditte_id,
        kind="sharing",
        parties=["Politiet"],
        scope=None,
        form="oral",
        given_on=today(),
    ),
    "preparation.save_preparation": lambda sc, a: _call(
        preparation.save_preparation, actor=a, meeting_id=sc.planned_meeting_id, seen_version=None, dream="x"
    ),
    "citizen_links.create_citizen_link": lambda sc, a: _call(
        citizen_links.create_citizen_link, actor=a, citizen_id=sc.ditte_id
    ),
    "rights.access_log": lambda sc, a: _call(rights.access_log, actor=a, citizen_id=sc.ditte_id),
    "rights.citizen_copy": lambda sc, a: _call(rights.citizen_copy, actor=a, citizen_id=sc.ditte_id),
    "follow_up.coordinator_view": lambda sc, a: _call(
        follow_up.coordinator_view, actor=a, citizen_id=sc.ditte_id
    ),
}
KINDS = ("staff on another team", "staff whose membership ended", "citizen link of another citizen")


def _denials(citizen_id: int) -> int:
    with session_scope() as s:
        return s.execute(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.outcome == "denied", AuditEvent.citizen_id == citizen_id)
        ).scalar_one()  # fmt: skip


def _written() -> tuple[int, ...]:
    with session_scope() as s:
        count = lambda model: s.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
        words = s.execute(select(Goal.own_words)).scalars().all()
        return count(Decision), count(TeamMembership), len(words), hash(tuple(words))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_nobody_off_the_team_gets_anything_and_every_refusal_is_audited(scene, entry, kind):
    actor, _ = scene.intruders[kind]
    before, written = _denials(scene.ditte_id), _written()
    with pytest.raises(AccessDenied):
        ENTRY_POINTS[entry](scene, actor)
    assert _written() == written  # nothing changed
    assert _denials(scene.ditte_id) == before + 1  # exactly one "denied" row about Ditte


@pytest.mark.parametrize("kind", ("staff on another team", "staff whose membership ended"))
@pytest.mark.parametrize("page", ("pages/plan.py", "pages/meeting.py", "pages/citizen_data.py",
                                  "pages/follow_up.py", "pages/prepare.py"))  # fmt: skip
def test_a_forged_citizen_id_on_a_page_shows_nothing_and_is_audited(open_page, scene, page, kind):
    _, user = scene.intruders[kind]
    before = _denials(scene.ditte_id)
    at = open_page(user=user)
    at.session_state["citizen_id"] = scene.ditte_id  # forged: the picker never offered it
    at.switch_page(str(ROOT / page)).run()
    if page == "pages/follow_up.py":  # the citizen's view is its second tab, run when opened
        at.session_state["fu_tab"] = "Koordinators overblik"
        at.run()
    assert not at.exception
    shown = [e.value for e in (*at.markdown, *at.text, *at.title, *at.header, *at.subheader, *at.caption)]
    assert not any(SECRET in str(value) for value in shown)
    assert at.error and "adgang" in at.error[0].value
    assert _denials(scene.ditte_id) > before


def test_another_citizens_link_with_a_forged_citizen_id_shows_only_their_own_plan(open_page, scene):
    _, token = scene.intruders["citizen link of another citizen"]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["link"] = token
    at.session_state["citizen_id"] = scene.ditte_id
    at.run()
    assert not at.exception
    shown = [str(e.value) for e in (*at.markdown, *at.text, *at.title, *at.header, *at.subheader)]
    # The citizen's own page greets them by first name (issue 20: first names only on it).
    assert any(re.search(r"\bBo\b", value) for value in shown), shown
    assert not any(SECRET in value or "Ditte" in value for value in shown), shown


def test_the_matrix_has_at_least_36_checks():
    assert len(ENTRY_POINTS) * len(KINDS) >= 36
