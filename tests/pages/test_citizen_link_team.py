"""The team sees what the citizen did through their link (AppTest, issue 20): Forberedelse,
Planen and Opfølgning; the leader answers proposals and re-issues the link in one click."""

from __future__ import annotations

from sqlmodel import select

from models import citizen_input as ci
from models.citizen_links import resolve_citizen_link
from models.db import session_scope
from models.preparation import save_preparation
from models.tables import Action, AgendaItem, AgendaProposal, CitizenLink, CitizenMessage, Goal, Meeting
from tests.factories import make_actor
from tests.pages.conftest import press
from tests.pages.test_citizen_link import open_link, shown
from tests.pages.test_my_plan import make_link
from tests.pages.test_prepare import open_step


def citizen_acts(ditte) -> tuple[int, int]:
    token, _ = make_link(ditte)
    with session_scope() as s:
        link = resolve_citizen_link(session=s, token=token).link_id
    with session_scope() as s:
        meeting = s.exec(select(Meeting).where(Meeting.status == "planned")).one()
        goal = s.exec(select(Goal)).one()
        mine = s.exec(select(Action).where(Action.owner_is_citizen)).one()
    with session_scope(write=True) as s:
        ci.save_own_preparation(
            session=s,
            link_id=link,
            meeting_id=meeting.id,
            seen_version=1,
            matters_most=["Min egen tekst"],
            who_to_invite="Min mor",
        )
        ci.propose_agenda_item(session=s, link_id=link, text="Min bolig")
        ci.answer_goal(
            session=s, link_id=link, goal_id=goal.id, agrees=False, words="Jeg vil arbejde med børn."
        )
        ci.answer_plan(session=s, link_id=link, agrees=False, words="Der mangler noget om min søn.")
        ci.tick_off(session=s, link_id=link, action_id=mine.id, seen_version=mine.version)
        ci.send_message(session=s, link_id=link, text="Jeg har brug for at tale med dig.")
    return meeting.id, link


def test_planen_shows_the_citizens_yes_and_no_beside_the_goals_words(open_page, ditte):
    citizen_acts(ditte)
    at = open_page("pages/plan.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    text = shown(at)
    assert "Mål 1: Det er ikke sådan, jeg vil sige det" in text
    assert "Jeg vil arbejde med børn." in text and "Der mangler noget om min søn." in text
    assert "Borgeren er ikke enig i planen" in text
    assert "Jeg vil gerne i praktik i en børnehave 🌱" in text  # the goal's own words are unchanged


def test_opfolgning_shows_the_message_to_the_contact_person_who_marks_it_read(open_page, ditte):
    citizen_acts(ditte)
    at = open_page("pages/follow_up.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert "Jeg har brug for at tale med dig." in shown(at)
    next(b for b in at.button if b.label == "Læst").click().run()
    assert not at.exception
    with session_scope() as s:
        message = s.exec(select(CitizenMessage)).one()
    assert message.read_at is not None and message.read_by_user_id == ditte.staff_user.id
    assert "Beskeden er markeret som læst." in [e.value for e in at.success]


def test_forberedelse_shows_who_wrote_it_and_keeps_the_citizens_version_after_an_edit(open_page, ditte):
    meeting_id, _ = citizen_acts(ditte)
    with session_scope(write=True) as s:  # Rasmus changes it afterwards
        save_preparation(session=s, actor=make_actor(ditte.staff_user), meeting_id=meeting_id, seen_version=2,
                         matters_most=["Rasmus' ord"])  # fmt: skip
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    open_step(at, "6 · Borgerens forberedelse")
    text = shown(at) + "\n".join(i.value for i in at.info)
    assert "Borgeren skrev selv forberedelsen via sit link" in text
    assert "Rasmus Holm rettede den" in text
    assert "Min egen tekst" in text and "Min mor" in text


def test_the_leader_accepts_a_proposal_and_the_citizen_sees_it(open_page, ditte):
    meeting_id, link = citizen_acts(ditte)
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    open_step(at, "5 · Dagsorden og roller")
    assert "Min bolig" in shown(at)
    next(b for b in at.button if b.label == "Gem svar").click().run()  # "Tag med" is the default
    assert not at.exception and not at.error, [e.value for e in at.error]
    with session_scope() as s:
        assert s.exec(select(AgendaProposal.status)).one() == "accepted"
        assert (
            "Min bolig" in s.exec(select(AgendaItem.title).where(AgendaItem.meeting_id == meeting_id)).all()
        )
    citizen = open_link("opened")
    citizen.session_state["_citizen_link_id"] = link
    citizen.run()
    assert "Det er med på mødet." in shown(citizen)


def test_declining_needs_a_reason_the_citizen_reads(open_page, ditte):
    citizen_acts(ditte)
    at = open_page("pages/prepare.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    open_step(at, "5 · Dagsorden og roller")
    choice = next(r for r in at.radio if r.key.startswith("proposal-choice-"))
    choice.set_value("declined")
    next(b for b in at.button if b.label == "Gem svar").click().run()
    assert "Skriv en kort grund. Borgeren ser den." in [e.value for e in at.error]
    with session_scope() as s:
        assert s.exec(select(AgendaProposal.status)).one() == "proposed"


def test_the_leader_reissues_the_link_in_one_click(open_page, ditte):
    token, old_id = make_link(ditte)
    at = open_page("pages/plan.py", user=ditte.staff_user, citizen_id=ditte.citizen.id)
    press(at, "link-actions", "Luk alle links og lav et nyt")
    assert not at.exception
    with session_scope() as s:
        links = s.exec(select(CitizenLink).order_by(CitizenLink.id)).all()
    assert [link.revoked_at is not None for link in links] == [True, False]
    assert open_link(token).title[0].value.startswith("Linket virker ikke mere.")
    new_url = at.code[0].value
    assert open_link(new_url.split("?link=", 1)[1]).title[0].value == "Hej Ditte"
