"""Mine borgere: the user's citizens with their next meeting and agreements, a page at a time,
with a search by name once they do not fit on one page."""

import re

import pytest

from bench.counting import count_statements
from models.citizens import CITIZENS_PER_PAGE
from models.db import get_engine, session_scope
from tests.factories import make_citizen, make_membership
from tests.pages.conftest import choose_in_list, row_lists, row_table

PAGE = "pages/home.py"


def table(at):
    """The citizens' table (ui/row_list.py): a row per citizen, the name a button."""
    return row_table(at, "home-citizens")


@pytest.fixture
def many(ditte):
    """Rasmus is on 29 more teams (30 citizens in all); one name starts with Ø."""
    with session_scope(write=True) as s:
        names = [f"Borger {n:02d} Hansen" for n in range(28)] + ["Ørjan Ørsted"]
        for name in names:
            make_membership(s, citizen=make_citizen(s, name=name), user=ditte.staff_user)
    return names


def test_lists_my_citizens_with_their_figures(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user)
    assert not at.exception
    assert at.title[0].value == "Mine borgere"
    rows = table(at)
    assert rows["Borger"].tolist() == ["Ditte Mikkelsen"]
    assert rows["Åbne aftaler"].tolist() == ["2"] and rows["Overskredne aftaler"].tolist() == ["0"]
    assert rows["Næste møde"].tolist()[0]  # the planned meeting, in words
    assert not [w for w in at.text_input if w.key == "home_search"]  # one page: no search needed
    assert not [b for b in at.button if b.key == "home_more"]


def test_someone_on_no_team_is_told_so_in_danish(open_page, ditte):
    at = open_page(PAGE, user=ditte.outsider)
    assert at.info[0].value == "Der er ingen borgere, du har adgang til."


def test_a_page_at_a_time_and_more_on_request(open_page, ditte, many):
    at = open_page(PAGE, user=ditte.staff_user)
    assert len(table(at)) == CITIZENS_PER_PAGE
    assert table(at)["Borger"].tolist()[:2] == ["Borger 00 Hansen", "Borger 01 Hansen"]  # by name
    assert "Viser 25 af 30 borgere." in [c.value for c in at.caption]
    more = at.button(key="home_more")
    assert more.label == "Vis 5 flere (5 er ikke vist endnu)"
    more.click().run()
    assert len(table(at)) == 30 and table(at)["Borger"].tolist()[-1] == "Ørjan Ørsted"
    assert not [b for b in at.button if b.key == "home_more"]


def test_search_by_name_in_any_case_danish_letters_too(open_page, ditte, many):
    at = open_page(PAGE, user=ditte.staff_user)
    at.text_input(key="home_search").input("ørsted").run()
    assert table(at)["Borger"].tolist() == ["Ørjan Ørsted"]
    at.text_input(key="home_search").input("DITTE mikk").run()
    assert table(at)["Borger"].tolist() == ["Ditte Mikkelsen"]
    at.text_input(key="home_search").input("Nogen Andre").run()
    assert at.info[0].value == "Ingen af dine borgere passer på søgningen."


def test_the_page_speaks_english_too(open_page, ditte, many):
    at = open_page(PAGE, user=ditte.staff_user, lang="en")
    assert at.title[0].value == "My citizens"
    assert at.text_input(key="home_search").label == "Search for a citizen"
    assert at.button(key="home_more").label == "Show 5 more (5 not shown yet)"


def test_the_figures_are_read_for_the_shown_citizens_only(open_page, ditte, many, db_url):
    """At most two statements for the page however many citizens: the names (read once per run,
    for the sidebar's picker and the page alike), then one page's figures."""
    at = open_page(PAGE, user=ditte.staff_user)
    with count_statements(get_engine(db_url)) as log:
        at.run()
    flat = [" ".join(s.split()) for s in log.statements]
    names = [s for s in flat if s.startswith("SELECT citizen.id, citizen.name FROM ")]
    assert len(names) <= 1 and log.count <= 2
    figures = [s for s in log.statements if "min(meeting.starts_at)" in s.lower()]
    assert len(figures) == 1
    ids = figures[0].rsplit("citizen.id IN (", 1)[1].split(") ORDER BY", 1)[0]  # the expanded ids
    assert len(re.findall(r"\?|%\(\w+\)s", ids)) == CITIZENS_PER_PAGE  # one page of them, not all 30


def test_choosing_a_citizen_in_the_table_makes_them_the_chosen_citizen(open_page, ditte, many):
    """A name in the table is a button: a click chooses that citizen for the whole app (the
    sidebar's picker shows them) and marks their row; an id the table did not show chooses no one."""
    at = open_page(PAGE, user=ditte.staff_user)
    label, rows = row_lists(at)["home-citizens"]
    assert label == "Dine borgere" and not any(row.chosen for row in rows)
    at = choose_in_list(at, "home-citizens", 10**9)
    assert "citizen_id" not in at.session_state or at.session_state["citizen_id"] is None
    assert not any(row.chosen for row in row_lists(at)["home-citizens"][1])
    second = rows[1]
    at = choose_in_list(at, "home-citizens", second.id)
    assert not at.exception
    assert at.session_state["citizen_id"] == second.id
    assert [row.id for row in row_lists(at)["home-citizens"][1] if row.chosen] == [second.id]
