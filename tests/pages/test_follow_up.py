"""Opfølgning through the real app: Mine opgaver (a table per bucket, a chosen row's card with its
actions: mark, move, hand over, stale refusal; a long list a page at a time, folded sections,
search) and the coordinator's view (its own tab, run only when opened)."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bench.counting import count_statements
from models.access import Actor
from models.actions import set_action_status
from models.db import get_engine, session_scope
from models.formatting import format_day
from models.tables import Action, ActionEvent, AuditEvent, today
from tests.factories import make_action, make_citizen, make_membership, make_person, make_user
from tests.pages.conftest import (
    agreement_rows,
    block_lines,
    choice_groups,
    choose_in_group,
    choose_in_list,
    chosen_rows,
    node_lines,
)
from tests.pages.conftest import choose_agreement as choose
from tests.pages.conftest import table_rows as rows
from ui.agreement_cards import OPERATIONS

PAGE = "pages/follow_up.py"
COORDINATOR_TAB = "Koordinators overblik"


@pytest.fixture
def overdue(ditte):
    """Ditte's coordinator owns one overdue agreement (plus the fixture's one due in two weeks)."""
    with session_scope(write=True) as s:
        action = make_action(s, citizen=ditte.citizen, owner=ditte.coordinator, text="Søge om bostøtte.",
                             due_on=today() - timedelta(days=3))  # fmt: skip
    return action


def open_panel(at, action, prefix="m"):
    if prefix == "m":
        return choose(at, action)
    at.button(key=f"fu_toggle_{prefix}{action.id}").click().run()
    return at


def headings(at):
    """The subheadings as read, in the page's order: the buckets' are lines of text blocks
    (ui/text_block.py, in the bucket's colour), the coordinator's view's Streamlit subheaders."""
    from streamlit.testing.v1.element_tree import Subheader

    found = []
    for node in at._tree:  # noqa: SLF001 - every element in the page's order
        if isinstance(node, Subheader):
            found.append(re.sub(r":\w+\[(.*?)\]", r"\1", node.value))
        found += [text for kind, text in node_lines(node) if (kind or "").startswith("subheading")]
    return found


def heading_colours(at):
    """The buckets' headings' colours (ui/text_block.py kinds "subheading-<colour>"), in order."""
    lines = [line for node in at._tree for line in node_lines(node)]  # noqa: SLF001
    return [kind.removeprefix("subheading-") for kind, _ in lines if (kind or "").startswith("subheading-")]


def open_tab(at, label=COORDINATOR_TAB):
    """A click on the view's pill (it keeps the label): only the open view's content runs."""
    at.session_state["fu_tab"] = label
    return at.run()


def test_the_two_views_are_one_row_of_choices_and_a_forged_choice_opens_nothing(open_page, ditte):
    """Mine opgaver / Koordinators overblik (ui/choice_group.py): a choice opens that view only; a
    position the page did not show changes nothing; a language switch keeps the open view."""
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    reads = coordinator_reads()
    choose_in_group(at, "fu-views", 1)
    assert not at.exception, at.exception
    assert at.session_state["fu_tab"] == COORDINATOR_TAB and choice_groups(at)["fu-views"].chosen == 1
    assert coordinator_reads() == reads + 1  # the coordinator's view ran (and was audited)
    for forged in (2, -1, "0", True, None, 0.0):
        choose_in_group(at, "fu-views", forged)
        assert not at.exception, (forged, at.exception)
        assert choice_groups(at)["fu-views"].chosen == 1, forged
    at.session_state["lang"] = "en"
    at.run()
    assert choice_groups(at)["fu-views"].options == ("My follow-ups", "Coordinator's view")
    assert choice_groups(at)["fu-views"].chosen == 1


def unfold_done(at):
    at.session_state["fu_unfold_done"] = True
    return at.run()


def coordinator_reads():
    with session_scope() as s:
        return len(s.execute(select(AuditEvent).where(AuditEvent.action == "follow_up.coordinator")).all())


def test_mine_lists_overdue_first_with_words_and_citizen(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    assert not at.exception
    assert choice_groups(at)["fu-views"].options == ("Mine opgaver", "Koordinators overblik")
    assert choice_groups(at)["fu-views"].chosen == 0
    assert headings(at)[:2] == ["Overskredet (1)", "Kommende (1)"]
    assert heading_colours(at)[:2] == ["red", "blue"]  # the bucket's colour, and its words
    # A row in words, not only in colour: how urgent, what, for whom, by when.
    due = format_day(today() - timedelta(days=3), "da")
    labels = [b.label for b in agreement_rows(at)["overdue"]]
    line = f"🔴 Overskredet med 3 dage · Søge om bostøtte. · Ditte Mikkelsen · Frist: {due}"
    assert labels == [line]  # plain text: the list sets it as the button's text (ui/row_list.py)
    assert rows(at, "upcoming") == ["Undersøge praktikpladser i børnehaver i nærheden."]
    assert not [w for w in at.text_input if w.key == "fu_search"]  # every row fits: no search needed
    assert not at.text_area  # no card is open until a row is chosen
    assert "Overskredet: 1 · Denne uge: 0 · Senere: 1 · Udført de sidste 14 dage: 0" in block_lines(
        at, "text"
    )


def test_mark_done_with_a_note_moves_it_to_done(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue)
    group = choice_groups(at)[f"fu_op_m{overdue.id}"]  # one element (ui/choice_group.py)
    assert group.options[:2] == ("Markér som i gang", "Markér som udført") and group.chosen == 0
    choose_in_group(at, f"fu_op_m{overdue.id}", OPERATIONS.index("done"))
    for forged in (5, -1, "1", True, None):  # a position the card did not show changes nothing
        choose_in_group(at, f"fu_op_m{overdue.id}", forged)
        assert not at.exception and choice_groups(at)[f"fu_op_m{overdue.id}"].chosen == 1, forged
    at.text_area(key=f"fu_text_m{overdue.id}").input("Ansøgningen er sendt.").run()
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert not at.exception
    assert at.success[0].value == "Aftalen er markeret som udført."
    assert headings(at)[:2] == ["Kommende (1)", "Udført eller droppet (1)"]
    with session_scope() as s:
        action = s.get(Action, overdue.id)
        event = s.execute(select(ActionEvent).where(ActionEvent.action_id == overdue.id)).scalars().one()
    assert (action.status, action.done_on) == ("done", today())
    assert (event.kind, event.to_value, event.note) == ("status", "done", "Ansøgningen er sendt.")


def test_dropping_needs_a_reason_and_says_so_in_danish(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue)
    choose_in_group(at, f"fu_op_m{overdue.id}", OPERATIONS.index("cancelled"))
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert "Skriv kort, hvorfor aftalen droppes" in at.error[0].value
    with session_scope() as s:
        assert s.get(Action, overdue.id).status == "open"


def test_move_the_date_with_a_reason(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue)
    choose_in_group(at, f"fu_op_m{overdue.id}", OPERATIONS.index("move"))
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
    open_panel(at, overdue)
    choose_in_group(at, f"fu_op_m{overdue.id}", OPERATIONS.index("hand_over"))
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
    assert "Søge om bostøtte." not in rows(at, "overdue")  # no longer mine
    assert not [c for c in at.text if c.value == "Søge om bostøtte."]  # and its card has closed


def test_a_stale_version_is_refused_and_the_text_stays(open_page, ditte, overdue):
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue)
    choose_in_group(at, f"fu_op_m{overdue.id}", OPERATIONS.index("done"))
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
    assert choice_groups(at)["fu-views"].options[1] == COORDINATOR_TAB
    open_tab(at)
    assert choice_groups(at)["fu-views"].chosen == 1
    messages = [m.value for m in at.markdown]
    assert "Aftalen er overskredet med 3 dage." in messages
    table = at.dataframe[0].value
    assert table["Aftale"].tolist()[0] == "Søge om bostøtte."
    assert table["Hvornår"].tolist()[0] == "Overskredet med 3 dage"
    assert set(table["Afdeling"]) == {"Jobcenter", ""}  # the citizen's own agreement has no department
    # The overdue one can be followed up right here.
    open_panel(at, overdue, prefix="c")
    choose_in_group(at, f"fu_op_c{overdue.id}", OPERATIONS.index("in_progress"))
    at.button(key=f"fu_save_c{overdue.id}").click().run()
    assert at.success[0].value == "Aftalen er markeret som i gang."


def test_coordinator_view_without_a_chosen_citizen_asks_for_one(open_page, ditte):
    at = open_tab(open_page(PAGE, user=ditte.staff_user))
    assert "Vælg en borger i menuen til venstre" in " ".join(i.value for i in at.info)


def test_someone_with_no_agreements_is_told_so(open_page, ditte):
    at = open_page(PAGE, user=ditte.outsider)
    assert not at.exception
    assert at.info[0].value.startswith("Du har ingen åbne aftaler lige nu.")


def test_the_coordinators_view_runs_only_when_its_tab_is_open(open_page, ditte, overdue):
    """The start page does not load (and audit) a whole plan nobody is looking at."""
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    at.run()
    assert coordinator_reads() == 0
    assert "Kræver opmærksomhed nu" not in headings(at)
    open_tab(at)
    assert coordinator_reads() == 1
    assert "Kræver opmærksomhed nu" in headings(at)
    open_tab(at, "Mine opgaver")
    assert coordinator_reads() == 1
    assert headings(at)[0] == "Overskredet (1)"


@pytest.fixture
def busy(ditte):
    """Rasmus owns 13 overdue agreements at two citizens (plus the fixture's one due later)."""
    with session_scope(write=True) as s:
        bo = make_citizen(s, name="Bo Hansen")
        rasmus_at_bo = make_person(s, citizen=bo, name="Rasmus Holm", user=ditte.staff_user)
        make_membership(s, citizen=bo, user=ditte.staff_user, person=rasmus_at_bo)
        actions = [
            make_action(s, citizen=ditte.citizen if n % 2 else bo,
                        owner=ditte.coordinator if n % 2 else rasmus_at_bo,
                        text=f"Opgave nummer {n}", due_on=today() - timedelta(days=20 - n))
            for n in range(13)
        ]  # fmt: skip
    return actions


def overdue_rows(at):
    return [x for x in rows(at, "overdue") if x.startswith("Opgave nummer")]


def test_a_long_list_shows_a_page_of_rows_and_more_on_request(open_page, ditte, busy):
    at = open_page(PAGE, user=ditte.staff_user)
    assert not at.exception
    assert headings(at)[0] == "Overskredet (13)"
    # The oldest first, ten at a time.
    assert overdue_rows(at) == [f"Opgave nummer {n}" for n in range(10)]
    more = at.button(key="fu_more_overdue")
    assert more.label == "Vis 3 flere (3 er ikke vist endnu)"
    more.click().run()
    assert overdue_rows(at) == [f"Opgave nummer {n}" for n in range(13)]
    assert not [b for b in at.button if b.key == "fu_more_overdue"]
    # Every row still opens its card with the actions.
    open_panel(at, busy[12])
    choose_in_group(at, f"fu_op_m{busy[12].id}", OPERATIONS.index("in_progress"))
    at.button(key=f"fu_save_m{busy[12].id}").click().run()
    assert at.success[0].value == "Aftalen er markeret som i gang."


def test_search_finds_agreements_by_citizen_and_words_in_every_section(open_page, ditte, busy):
    at = open_page(PAGE, user=ditte.staff_user)
    at.text_input(key="fu_search").input("ditte").run()
    # Ditte's 6 overdue ones and her later one.
    assert "7 aftaler passer på søgningen." in block_lines(at, "caption")
    assert overdue_rows(at) == [f"Opgave nummer {n}" for n in range(1, 13, 2)]
    assert rows(at, "upcoming") == ["Undersøge praktikpladser i børnehaver i nærheden."]
    assert headings(at) == ["Overskredet (6)", "Kommende (1)"]
    at.text_input(key="fu_search").input("bo nummer 12").run()
    assert "1 aftale passer på søgningen." in block_lines(at, "caption")
    assert overdue_rows(at) == ["Opgave nummer 12"]
    open_panel(at, busy[12])
    choose_in_group(at, f"fu_op_m{busy[12].id}", OPERATIONS.index("done"))
    at.button(key=f"fu_save_m{busy[12].id}").click().run()
    assert at.success[0].value == "Aftalen er markeret som udført."


def test_done_ones_are_listed_in_one_table_when_unfolded(open_page, ditte, overdue):
    with session_scope(write=True) as s:
        make_action(s, citizen=ditte.citizen, owner=ditte.coordinator, text="Sendt ansøgningen.",
                    status="done", done_on=today() - timedelta(days=2))  # fmt: skip
    at = open_page(PAGE, user=ditte.staff_user)
    assert headings(at) == ["Overskredet (1)", "Kommende (1)", "Udført eller droppet (1)"]
    assert set(agreement_rows(at)) == {"overdue", "upcoming"}  # the finished ones are folded away
    assert len(at.dataframe) == 0
    assert at.expander[0].label == ":green[Vis de udførte og droppede aftaler]"  # words and colour
    unfold_done(at)
    table = at.dataframe[-1].value
    assert table["Aftale"].tolist() == ["Sendt ansøgningen."]
    assert table["Hvornår"].tolist() == ["🟢 Udført"]  # in words, not only green
    assert table["Borger"].tolist() == ["Ditte Mikkelsen"]


def test_an_open_panel_stays_when_a_colleague_finishes_the_agreement(open_page, ditte, overdue):
    """The agreement moves to the folded "done" section; the user's text does not vanish with it."""
    at = open_page(PAGE, user=ditte.staff_user)
    open_panel(at, overdue)
    choose_in_group(at, f"fu_op_m{overdue.id}", OPERATIONS.index("move"))
    at.text_area(key=f"fu_text_m{overdue.id}").input("Venter på svar.").run()
    with session_scope(write=True) as s:
        colleague = make_user(s, username="helle")
        make_membership(s, citizen=ditte.citizen, user=colleague)
    with session_scope(write=True) as s:
        set_action_status(session=s, actor=Actor.from_user(colleague), action_id=overdue.id,
                          seen_version=1, status="done")  # fmt: skip
    at.run()
    assert headings(at) == ["Kommende (1)", "Udført eller droppet (1)"]
    assert any("Udført" in m.value for m in at.markdown)  # the card, now green, still shown
    assert at.text_area(key=f"fu_text_m{overdue.id}").value == "Venter på svar."
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert "En anden har gemt en ændring her" in at.error[0].value
    assert at.text_area(key=f"fu_text_m{overdue.id}").value == "Venter på svar."


def test_the_page_speaks_english_too(open_page, ditte, busy):
    at = open_page(PAGE, user=ditte.staff_user, lang="en")
    assert not at.exception
    assert headings(at) == ["Overdue (13)", "Coming up (1)"]
    assert at.button(key="fu_more_overdue").label == "Show 3 more (3 not shown yet)"
    assert at.text_input(key="fu_search").label == "Search your agreements"


def test_the_start_page_reads_the_list_once_and_no_plan(open_page, ditte, busy, db_url):
    """Mine opgaver: the counts, the shown agreements (and their audit rows), however long the
    list; no citizen's plan."""
    at = open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    with count_statements(get_engine(db_url)) as log:
        at.run()
    assert [" ".join(s.split())[:30] for s in log.statements] == [
        "SELECT action.id, action.statu",
        "SELECT action.id, action.versi",
        "INSERT INTO audit_event (at, u",
        "SELECT citizen_message.id, cit",  # messages to me as a contact person (issue 20)
    ]


def test_the_coordinators_tab_reads_the_plan_once_within_the_budget(open_page, ditte, overdue, db_url):
    at = open_tab(open_page(PAGE, user=ditte.staff_user, citizen_id=ditte.citizen.id))
    with count_statements(get_engine(db_url)) as log:
        at.run()
    assert log.count <= 15, log.statements
    assert len([s for s in log.statements if s.lstrip().upper().startswith("SELECT GOAL.")]) == 1


def open_cards(at):
    return [c.key for c in at.container if re.fullmatch(r"fu-\w+-\d+", c.key or "")]


def test_choosing_a_row_opens_its_card_and_one_card_at_a_time(open_page, ditte, overdue):
    with session_scope() as s:  # the fixture's agreement due in two weeks
        later = s.execute(select(Action).where(Action.owner_person_id == ditte.coordinator.id,
                                               Action.id != overdue.id)).scalar_one()  # fmt: skip
    at = open_page(PAGE, user=ditte.staff_user)
    assert open_cards(at) == [] and chosen_rows(at) == []
    choose(at, overdue)
    assert open_cards(at) == [f"fu-overdue-{overdue.id}"]
    assert chosen_rows(at) == [overdue.id]  # shown chosen
    assert at.button(key=f"fu_toggle_m{overdue.id}").label == "Luk"
    # Another row, in another list: that card opens, the first closes and is no longer chosen.
    choose(at, later)
    assert open_cards(at) == [f"fu-later-{later.id}"]
    assert chosen_rows(at) == [later.id]
    # "Luk" closes it; so does a second click on the chosen row.
    at.button(key=f"fu_toggle_m{later.id}").click().run()
    assert open_cards(at) == [] and chosen_rows(at) == []
    choose(at, overdue)
    choose(at, overdue)
    assert open_cards(at) == [] and chosen_rows(at) == []


def test_a_row_the_list_did_not_show_opens_nothing(open_page, ditte, overdue):
    """The browser sends the chosen row's id: an id this list did not show (another list's row,
    another user's agreement, no agreement, not a number) opens no card."""
    with session_scope(write=True) as s:
        elsewhere = make_action(s, citizen=ditte.citizen, text="Ikke min aftale.", due_on=today())
    at = open_page(PAGE, user=ditte.staff_user)
    for forged in (elsewhere.id, 10**9, str(overdue.id), True, None, [overdue.id]):
        at = choose_in_list(at, "fu-rows-overdue", forged)
        assert not at.exception
        assert open_cards(at) == [] and chosen_rows(at) == [], forged
    at = choose_in_list(at, "fu-rows-overdue", overdue.id)  # the list's own row still opens
    assert open_cards(at) == [f"fu-overdue-{overdue.id}"]


def test_after_a_save_the_card_closes_and_no_row_is_chosen(open_page, ditte, overdue):
    at = choose(open_page(PAGE, user=ditte.staff_user), overdue)
    choose_in_group(at, f"fu_op_m{overdue.id}", OPERATIONS.index("in_progress"))
    at.button(key=f"fu_save_m{overdue.id}").click().run()
    assert at.success[0].value == "Aftalen er markeret som i gang."
    assert open_cards(at) == [] and chosen_rows(at) == []
    assert agreement_rows(at)["overdue"][0].label.endswith(" · I gang")


def test_the_lists_show_agreements_as_plain_text(open_page, ditte):
    """A row is a button whose words travel as JSON data and are set as its text (ui/row_list.py,
    tests/e2e/test_hostile_text.py in the browser): Markdown and HTML in an agreement stay as typed."""
    with session_scope(write=True) as s:
        hostile = make_action(s, citizen=ditte.citizen, owner=ditte.coordinator,
                              text="**fed** <b>x</b> [a](b)", due_on=today() - timedelta(days=1))  # fmt: skip
    at = open_page(PAGE, user=ditte.staff_user)
    assert rows(at, "overdue") == ["**fed** <b>x</b> [a](b)"]
    label = agreement_rows(at)["overdue"][0].label
    assert "· **fed** <b>x</b> [a](b) ·" in label  # the words as typed, never escaped or rendered
    choose(at, hostile)
    assert "**fed** <b>x</b> [a](b)" in [t.value for t in at.text]  # the card: st.text, not Markdown
