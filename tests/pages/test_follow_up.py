"""Opfølgning through the real app: Mine opgaver (mark, move, hand over, stale refusal) and the
coordinator's view."""

from datetime import timedelta

import pytest
from sqlmodel import select

from models.access import Actor
from models.actions import set_action_status
from models.db import session_scope
from models.tables import Action, ActionEvent, today
from tests.factories import make_action, make_membership, make_person, make_user

PAGE = "pages/follow_up.py"


@pytest.fixture
def overdue(ditte):
    """Ditte's coordinator owns one overdue agreement (plus the fixture's one due in two weeks)."""
    with session_scope(write=True) as s:
        action = make_action(s, citizen=ditte.citizen, owner=ditte.coordinator, text="Søge om bostøtte.",
                             due_on=today() - timedelta(days=3))  # fmt: skip
    return action


def open_panel(at, action_id, prefix="m"):
    at.button(key=f"fu_toggle_{prefix}{action_id}").click().run()
    return at


def test_mine_lists_overdue_first_with_words_and_citizen(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    assert not at.exception
    assert at.tabs[0].label == "Mine opgaver"
    assert [s.value for s in at.subheader][:2] == ["Overskredet (1)", "Senere (1)"]
    # The meaning in words, not only in colour.
    assert any("Overskredet med 3 dage" in m.value for m in at.markdown)  # st.badge is Markdown
    texts = [x.value for x in at.text]
    assert texts.index("Søge om bostøtte.") < texts.index("Undersøge praktikpladser i børnehaver i nærheden.")
    assert any("Ditte Mikkelsen" in c.value for c in at.caption)
    assert "1 overskredne · 0 denne uge · 1 senere · 0 udført de sidste 14 dage" in [
        m.value for m in at.markdown
    ]


def test_mark_done_with_a_note_moves_it_to_done(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue.id)
    at.radio(key=f"fu_op_m{overdue.id}").set_value("done").run()
    at.text_area(key=f"fu_text_m{overdue.id}").input("Ansøgningen er sendt.").run()
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert not at.exception
    assert at.success[0].value == "Aftalen er markeret som udført."
    assert [s.value for s in at.subheader][:2] == ["Senere (1)", "Udført eller droppet (1)"]
    with session_scope() as s:
        action = s.get(Action, overdue.id)
        event = s.execute(select(ActionEvent).where(ActionEvent.action_id == overdue.id)).scalars().one()
    assert (action.status, action.done_on) == ("done", today())
    assert (event.kind, event.to_value, event.note) == ("status", "done", "Ansøgningen er sendt.")


def test_dropping_needs_a_reason_and_says_so_in_danish(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue.id)
    at.radio(key=f"fu_op_m{overdue.id}").set_value("cancelled").run()
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert "Skriv kort, hvorfor aftalen droppes" in at.error[0].value
    with session_scope() as s:
        assert s.get(Action, overdue.id).status == "open"


def test_move_the_date_with_a_reason(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue.id)
    at.radio(key=f"fu_op_m{overdue.id}").set_value("move").run()
    new_day = today() + timedelta(days=10)
    at.date_input(key=f"fu_date_m{overdue.id}").set_value(new_day).run()
    at.text_area(key=f"fu_text_m{overdue.id}").input("Venter på svar fra boligselskabet.").run()
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert at.success[0].value == "Fristen er flyttet. Begrundelsen er gemt."
    with session_scope() as s:
        assert s.get(Action, overdue.id).due_on == new_day


def test_hand_over_to_another_person_with_a_reason(open_page, ditte, overdue):
    with session_scope(write=True) as s:
        helle = make_person(s, citizen=ditte.citizen, name="Helle Friis", department="Socialafdelingen")
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue.id)
    at.radio(key=f"fu_op_m{overdue.id}").set_value("hand_over").run()
    owner = at.selectbox(key=f"fu_owner_m{overdue.id}")
    assert owner.format_func((ditte.citizen.id, None)) == "Ditte Mikkelsen (borgeren selv)"
    owner.set_value((ditte.citizen.id, helle.id)).run()
    at.text_area(key=f"fu_text_m{overdue.id}").input("Helle har bostøtten.").run()
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert at.success[0].value == "Aftalen er givet videre. Skiftet er registreret."
    with session_scope() as s:
        assert s.get(Action, overdue.id).owner_person_id == helle.id
        kinds = s.execute(select(ActionEvent.kind).where(ActionEvent.action_id == overdue.id)).scalars().all()
    assert kinds == ["owner_changed"]
    assert "Søge om bostøtte." not in [x.value for x in at.text]  # no longer mine


def test_a_stale_version_is_refused_and_the_text_stays(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue.id)
    at.radio(key=f"fu_op_m{overdue.id}").set_value("done").run()
    at.text_area(key=f"fu_text_m{overdue.id}").input("Min lange note om det hele.").run()
    # Meanwhile a colleague on the team marks it in progress.
    with session_scope(write=True) as s:
        colleague = make_user(s, username="helle")
        make_membership(s, citizen=ditte.citizen, user=colleague)
    with session_scope(write=True) as s:
        set_action_status(session=s, actor=Actor.from_user(colleague), action_id=overdue.id,
                          seen_version=1, status="in_progress")  # fmt: skip
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert "En anden har gemt en ændring her" in at.error[0].value
    assert at.text_area(key=f"fu_text_m{overdue.id}").value == "Min lange note om det hele."
    with session_scope() as s:
        assert s.get(Action, overdue.id).status == "in_progress"
    # Having seen the change, the user may save their own version.
    at.button(key=f"fu_take_m{overdue.id}").click().run()
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert at.success[0].value == "Aftalen er markeret som udført."


def test_coordinator_view_lists_attention_and_all_agreements(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    assert not at.exception
    assert at.tabs[1].label == "Koordinators overblik"
    messages = [m.value for m in at.markdown]
    assert "Aftalen er overskredet med 3 dage." in messages
    table = at.dataframe[0].value
    assert table["Aftale"].tolist()[0] == "Søge om bostøtte."
    assert table["Hvornår"].tolist()[0] == "Overskredet med 3 dage"
    assert set(table["Afdeling"]) == {"Jobcenter", ""}  # the citizen's own agreement has no department
    # The overdue one can be followed up right here.
    open_panel(at, overdue.id, prefix="c")
    at.radio(key=f"fu_op_c{overdue.id}").set_value("in_progress").run()
    at.button(key=f"fu_save_c{overdue.id}").click().run()
    assert at.success[0].value == "Aftalen er markeret som i gang."


def test_coordinator_view_without_a_chosen_citizen_asks_for_one(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user)
    assert "Vælg en borger i menuen til venstre" in " ".join(i.value for i in at.info)


def test_someone_with_no_agreements_is_told_so(open_page, ditte):
    at = open_page(PAGE, user=ditte.outsider)
    assert not at.exception
    assert at.info[0].value == "Du har ingen åbne aftaler lige nu."
