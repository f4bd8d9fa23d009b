"""Planen (AppTest): the plan, the Word downloads, the LIX hint, history and the citizen's link."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from models.citizen_links import load_plan_for_link
from models.db import session_scope
from models.plans import load_joint_plan, plan_to_json
from models.tables import Action, AuditEvent, CitizenLink, Goal, PlanVersion
from tests.factories import make_actor
from tests.pages.conftest import (
    action_rows,
    block_lines,
    choice_groups,
    choose_in_group,
    press,
    shown_texts,
    text_tables,
)

PAGE = "pages/plan.py"


def texts(at) -> list[str]:
    return shown_texts(at)


def test_the_plan_shows_goals_agreements_downloads_and_history(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.exception
    assert at.title[0].value == "Planen"
    assert "Jeg vil gerne i praktik i en børnehave 🌱" in texts(at)
    assert "Ditte får en mentor." in texts(at)
    assert any(text.endswith("kl. 10.00") or " kl. " in text for text in texts(at))  # next meeting, as text
    frames = text_tables(at)
    agreements = frames[0]
    assert "Ringe til børnehaven Solsikken." in list(agreements["Aftale"])
    assert "Ditte Mikkelsen selv" in list(agreements["Hvem gør det"])  # the citizen's own, marked
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == [
        "Hent borgerens udgave (Word)", "Hent teamets udgave (Word)",
        "Hent planen som FHIR (til andre systemer)",
    ]  # fmt: skip
    assert any("Der er endnu ingen gemte versioner" in line for line in block_lines(at, "caption"))
    lix = [w.value for w in at.warning] + block_lines(at, "caption")
    assert [line for line in lix if "LIX" in line]


def test_the_lix_hint_shows_above_35_and_not_below(open_page, ditte, session):
    # Ditte's plan has many long words (praktikpladser, børnehaver, nærheden): LIX above 35.
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.exception
    assert len(at.warning) == 1
    lix = int(re.search(r"svær at læse: LIX (\d+)", at.warning[0].value).group(1))
    assert lix > 35
    # The same plan in short, everyday words is "let": a quiet caption, no warning.
    for goal in session.exec(select(Goal)).all():
        goal.own_words = "Jeg vil i job. Det er godt."
    for action in session.exec(select(Action)).all():
        action.text = "Ring til dem."
    session.commit()
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.warning
    assert any(re.search(r"let at læse \(LIX \d+\)", line) for line in block_lines(at, "caption"))


def test_a_link_is_created_shown_once_and_revoked(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    days = choice_groups(at)["link-days"]
    assert days.label == "Linket virker i" and days.options[days.chosen] == "30 dage"
    assert days.options == ("7 dage", "14 dage", "30 dage", "90 dage", "180 dage", "365 dage")
    choose_in_group(at, "link-days", 0)  # 7 days: kept for the press that follows
    assert [a.text for a in action_rows(at)["link-actions"]] == ["Lav et nyt link"]  # nothing to close yet
    press(at, "link-actions", "Lav et nyt link")
    assert not at.exception
    assert "Linket er lavet" in at.success[0].value
    # The row drawn in the same run knows the new link: the way to close it is there at once.
    shown_now = [a.text for a in action_rows(at)["link-actions"]]
    assert shown_now == ["Lav et nyt link", "Luk alle links og lav et nyt"]
    url = at.code[0].value
    token = url.split("?link=", 1)[1]
    with session_scope() as s:
        assert load_plan_for_link(session=s, token=token).citizen.id == ditte.citizen.id
        link = s.exec(select(CitizenLink)).one()
        assert link.expires_at - link.created_at == timedelta(days=7)
    # The URL is shown in that one run only; after any other action it is gone for good.
    at.run()
    assert not at.code
    with session_scope() as s:  # and that later run made no second link: a press is for its own run
        assert len(s.exec(select(CitizenLink)).all()) == 1
    assert list(text_tables(at)[-1]["Status"]) == ["Aktivt"]
    at.button(key="link-revoke").click().run()
    assert not at.exception
    assert at.success[0].value == "Linket er tilbagekaldt og virker ikke mere."
    assert list(text_tables(at)[-1]["Status"]) == ["Tilbagekaldt"]
    with session_scope() as s:
        assert load_plan_for_link(session=s, token=token) is None


def test_two_versions_can_be_compared(open_page, ditte):
    actor = make_actor(ditte.staff_user)
    with session_scope(write=True) as s:
        first = load_joint_plan(session=s, actor=actor, citizen_id=ditte.citizen.id)
        s.add(PlanVersion(citizen_id=ditte.citizen.id, number=1, snapshot_json=plan_to_json(first)))
        goal = s.exec(select(Goal)).first()
        goal.status = "achieved"
        s.add(Goal(citizen_id=ditte.citizen.id, own_words="Jeg vil have en cykel.", position=99))
        action = s.exec(select(Action).where(Action.owner_is_citizen)).one()
        action.status = "done"
        s.flush()
        second = load_joint_plan(session=s, actor=actor, citizen_id=ditte.citizen.id)
        s.add(PlanVersion(citizen_id=ditte.citizen.id, number=2, snapshot_json=plan_to_json(second)))
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.exception
    assert [box.label for box in at.selectbox][:2] == ["Fra version", "Til version"]
    shown = texts(at)
    assert "• Jeg vil have en cykel." in shown  # new goal
    assert "• Jeg vil gerne i praktik i en børnehave 🌱" in shown  # reached
    assert "• Ringe til børnehaven Solsikken." in shown  # done
    bold = block_lines(at, "label")
    assert "Nye mål" in bold and "Mål nået" in bold and "Aftaler udført" in bold
    # Choosing the same version twice explains itself instead of comparing.
    at.selectbox(key="hist-older").set_value(at.selectbox(key="hist-newer").value).run()
    assert "Vælg to forskellige versioner" in at.info[0].value
    with session_scope() as s:
        actions = set(s.exec(select(AuditEvent.action)).all())
    # The version list is part of the page view (audited once, as plan.read); a comparison is its
    # own read of two snapshots and audited as such.
    assert {"plan.read", "plan.compare"} <= actions


def test_someone_outside_the_team_sees_nothing_of_the_plan(open_page, ditte):
    at = open_page(PAGE, user=ditte.outsider, citizen_id=ditte.citizen.id)
    assert not at.exception
    assert "Jeg vil gerne i praktik i en børnehave 🌱" not in texts(at)
    assert not at.get("download_button")
    assert not text_tables(at)
    # The sidebar offers only the user's own citizens, so a forged choice is simply dropped.
    assert at.info[0].value == "Vælg en borger i menuen til venstre."
