"""The citizen's own page through their link (AppTest, issue 20): the token leaves the address,
the page shows only the citizen's own plan, and each action is saved as the citizen."""

from __future__ import annotations

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from models.citizen_links import revoke_citizen_link
from models.db import session_scope
from models.tables import (
    Action,
    AgendaProposal,
    AuditEvent,
    CitizenMessage,
    CitizenPlanAnswer,
    Goal,
    Meeting,
    Preparation,
    UnmetNeed,
)
from tests.factories import make_actor
from tests.pages.conftest import APP, TIMEOUT, shown_texts
from tests.pages.test_my_plan import make_link

GOAL = "Jeg vil gerne i praktik i en børnehave 🌱"


def open_link(token: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if token is not None:
        at.query_params["link"] = token
    at.run()
    return at


def shown(at: AppTest) -> str:
    return "\n".join(shown_texts(at) + [e.value for e in at.markdown] + [e.value for e in at.title])


def test_the_token_is_exchanged_for_the_tabs_session_and_leaves_the_address(ditte):
    token, link_id = make_link(ditte)
    at = open_link(token)
    assert not at.exception
    assert at.title[0].value == "Hej Ditte"
    assert dict(at.query_params) == {"link": "opened"}  # the token is gone from the address
    assert at.session_state["_citizen_link_id"] == link_id
    assert token not in str(at.query_params)
    at.run()  # the next click: the page goes on without the token
    assert at.title[0].value == "Hej Ditte" and not at.exception
    with session_scope() as s:
        views = s.exec(select(AuditEvent).where(AuditEvent.action == "link.view")).all()
    assert [(v.outcome, v.citizen_id, v.entity_id) for v in views] == [("ok", ditte.citizen.id, link_id)]


def test_a_reload_without_the_token_asks_to_open_the_link_again(ditte):
    at = open_link("opened")
    assert not at.exception
    assert at.title[0].value == "Åbn linket fra din sms eller mail igen."
    assert "Ditte" not in str(at)


def test_the_page_shows_the_citizens_plan_and_no_professional_only_content(ditte):
    with session_scope(write=True) as s:
        s.exec(select(Goal)).first().professional_note = "Kun til teamet."
        held = s.exec(select(Meeting).where(Meeting.status == "held")).one()
        s.add(UnmetNeed(meeting_id=held.id, citizen_id=ditte.citizen.id, text="Et uløst behov."))
        coming = s.exec(select(Meeting).where(Meeting.status == "planned")).one()
        s.exec(
            select(Preparation).where(Preparation.meeting_id == coming.id)
        ).one().not_to_raise = "Hemmeligt"
    token, _ = make_link(ditte)
    at = open_link(token)
    text = shown(at)
    assert GOAL in text
    assert "Rasmus, koordinerende sagsbehandler: Undersøge praktikpladser" in text  # first name and role
    assert "Holm" not in str(at) and "Mikkelsen" not in str(at)  # no surnames
    assert "Kun til teamet." not in str(at) and "Et uløst behov." not in str(at)
    assert "Ikke startet endnu." in text  # the others' progress in words
    # The citizen's own "not to raise" is theirs to see and change (it never reaches the room).
    assert [a.value for a in at.text_area if a.key.startswith("cp-nr")] == ["Hemmeligt"]


def test_a_revoked_link_stops_at_the_next_click(ditte):
    token, link_id = make_link(ditte)
    at = open_link(token)
    with session_scope(write=True) as s:
        revoke_citizen_link(session=s, actor=make_actor(ditte.staff_user), citizen_id=ditte.citizen.id,
                            link_id=link_id)  # fmt: skip
    at.run()
    assert at.title[0].value == "Linket virker ikke mere. Spørg din kontaktperson om et nyt link."
    assert GOAL not in shown(at) and "_citizen_link_id" not in at.session_state


def test_a_wrong_token_shows_how_to_get_a_new_link_and_nothing_else(ditte):
    token, _ = make_link(ditte)
    for wrong in ("et-gæt", token[:-1]):
        at = open_link(wrong)
        assert at.title[0].value.startswith("Linket virker ikke mere.")
        assert "Ditte" not in str(at) and not at.text_input


def test_each_citizen_action_is_saved_as_the_citizen(ditte):
    token, link_id = make_link(ditte)
    at = open_link(token)
    at.text_input(key="cp-mm0-1").input("At få en praktikplads")
    at.text_area(key="cp-who-1").input("Min mor")
    next(b for b in at.button if b.label == "Gem").click().run()
    assert not at.exception
    assert "Tak. Det er gemt. Teamet kan se det nu." in [s.value for s in at.success]
    at.text_input(key="citizen-agenda-text").input("Min bolig")
    next(b for b in at.button if b.label == "Send punktet").click().run()
    goal_id = next(
        r.key for r in at.radio if r.key.startswith("citizen-answer-choice-") and r.key[-1].isdigit()
    )
    at.radio(key=goal_id).set_value("Det er ikke sådan, jeg vil sige det")
    number = goal_id.rsplit("-", 1)[1]
    at.text_area(key=f"citizen-answer-words-{number}").input("Jeg vil arbejde med børn.")
    [b for b in at.button if b.label == "Gem svar"][0].click().run()
    tick = next(b for b in at.button if b.label == "Det har jeg gjort")
    tick.click().run()
    at.text_area(key="citizen-message-text").input("Jeg har brug for at tale med dig.")
    next(b for b in at.button if b.label == "Send besked").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        prep = s.exec(select(Preparation).where(Preparation.matters_most == "At få en praktikplads")).one()
        assert prep.who_to_invite == "Min mor"
        assert s.exec(select(AgendaProposal.text)).all() == ["Min bolig"]
        answer = s.exec(select(CitizenPlanAnswer)).one()
        assert (answer.agrees, answer.words) == (False, "Jeg vil arbejde med børn.")
        assert s.exec(select(Action).where(Action.owner_is_citizen)).one().status == "done"
        assert s.exec(select(CitizenMessage.text)).all() == ["Jeg har brug for at tale med dig."]
        writes = s.exec(select(AuditEvent.action).where(AuditEvent.link_id == link_id,
                                                        AuditEvent.user_id.is_(None))).all()  # fmt: skip
    assert {"preparation.write", "agenda.propose", "plan.answer", "action.tick_off", "message.send"} <= set(
        writes
    )
    text = shown(at)
    assert "Mødelederen har ikke svaret endnu." in text
    assert "Det har du gjort." in text
    assert "Du har svaret: Det er ikke sådan, jeg vil sige det." in text
