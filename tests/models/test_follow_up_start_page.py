"""How the start page shows a long list of agreements: cards a page at a time, finished ones
without a card, open panels kept, and the search. Pure functions: hand-built lists, no database."""

from datetime import date, timedelta

import pytest

from models.follow_up import ROWS_PER_PAGE, MyAgreement, search_agreements, start_page_sections

DAY = date(2026, 11, 23)


def agreement(n, bucket, *, citizen="Ditte Mikkelsen", text=None, goal=None):
    finished = bucket == "done"
    return MyAgreement(
        id=n, version=1, text=text or f"Aftale {n}", status="done" if finished else "open",
        due_on=DAY + timedelta(days={"overdue": -3, "due_soon": 2, "later": 30, "done": -5}[bucket]),
        done_on=DAY if finished else None, trial=False, bucket=bucket, citizen_id=1,
        citizen_name=citizen, owner_person_id=1, goal_id=None, goal_words=goal, meeting_id=None,
        meeting_starts_at=None,
    )  # fmt: skip


def many(bucket, count, start=0):
    return [agreement(start + n, bucket) for n in range(count)]


def ids(agreements):
    return [a.id for a in agreements]


def test_a_page_of_rows_per_section_and_the_rest_behind_show_more():
    items = many("overdue", 25) + many("due_soon", 3, 100) + many("later", 12, 200) + many("done", 4, 300)
    sections = start_page_sections(items)
    assert [(s.name, len(s.items), len(s.cards), s.not_shown) for s in sections] == [
        ("overdue", 25, ROWS_PER_PAGE, 25 - ROWS_PER_PAGE),
        ("upcoming", 15, ROWS_PER_PAGE, 15 - ROWS_PER_PAGE),  # this week's, then the later ones
        ("done", 4, 0, 0),  # nothing left to do: no row, no "show more"
    ]
    assert ids(sections[0].cards) == list(range(ROWS_PER_PAGE))  # in the list's order: oldest first
    assert ids(sections[1].cards) == [100, 101, 102, *range(200, 200 + ROWS_PER_PAGE - 3)]  # soonest first


@pytest.mark.parametrize(
    ("shown", "cards", "not_shown"),
    [
        ({"overdue": 20}, 20, 5),  # "show more" twice
        ({"overdue": 40}, 25, 0),  # more asked for than there are
        ({"overdue": 0}, 0, 25),  # nothing asked for: all wait
        ({"overdue": -3}, 0, 25),  # a nonsense count from the session is no count
        ({"upcoming": 99}, ROWS_PER_PAGE, 15),  # another section's count does not apply
    ],
)
def test_how_many_cards_the_user_asked_for(shown, cards, not_shown):
    [section] = start_page_sections(many("overdue", 25), shown=shown)
    assert (len(section.cards), section.not_shown) == (cards, not_shown)


@pytest.mark.parametrize(
    ("open_id", "bucket", "card_ids"),
    [
        (17, "overdue", [*range(ROWS_PER_PAGE), 17]),  # opened after "show more", still a card
        (301, "done", [301]),  # a colleague finished it while the panel was open
        (3, "overdue", list(range(ROWS_PER_PAGE))),  # already on the first page: once
    ],
)
def test_an_open_panel_stays_a_card_wherever_its_agreement_now_is(open_id, bucket, card_ids):
    items = many("overdue", 25) + many("done", 4, 300)
    sections = {s.name: s for s in start_page_sections(items, open_ids={open_id})}
    assert ids(sections[bucket].cards) == card_ids


def test_empty_sections_are_left_out():
    assert [s.name for s in start_page_sections(many("later", 2))] == ["upcoming"]
    assert start_page_sections([]) == []


ITEMS = [
    agreement(1, "overdue", citizen="Ditte Mikkelsen", text="Søge om bostøtte."),
    agreement(2, "overdue", citizen="Bo Hansen", text="Ringe til boligselskabet.", goal="Egen bolig"),
    agreement(3, "later", citizen="Ditte Mikkelsen", text="Undersøge praktikpladser."),
    agreement(4, "done", citizen="Ålice Øster", text="Sende papirer."),
]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("", [1, 2, 3, 4]),  # no search: everything
        ("   ", [1, 2, 3, 4]),  # only spaces is no search
        ("ditte", [1, 3]),  # the citizen's name, any case
        ("BOLIG", [2]),  # part of a word, any case: "boligselskabet" (and the goal "Egen bolig")
        ("egen bolig", [2]),  # the goal's words count too
        ("ditte praktik", [3]),  # every word must be there, in any order
        ("praktik ditte", [3]),
        ("ålice", [4]),  # Danish letters, any case
        ("xyz", []),  # nothing matches
    ],
)
def test_search(query, found):
    assert ids(search_agreements(ITEMS, query)) == found


def test_an_open_panel_survives_a_search_that_does_not_match_it():
    assert ids(search_agreements(ITEMS, "ditte", keep={2})) == [1, 2, 3]


@pytest.mark.parametrize(
    ("query", "texts", "expected"),
    [
        ("", ("Bo",), True),
        ("ørsted ØRJAN", ("Ørjan Ørsted",), True),
        ("bo bolig", ("Bo Hansen", "Finde en bolig", None), True),
        ("bo mentor", ("Bo Hansen", "Finde en bolig", None), False),
    ],
)
def test_one_search_rule_for_every_list(query, texts, expected):
    from models.text import matches_search

    assert matches_search(query, *texts) is expected
