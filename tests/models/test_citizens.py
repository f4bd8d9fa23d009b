"""Mine borgere's list (models/citizens.py): a page of citizens, the figures of the shown only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.access import Actor
from models.citizens import citizen_summaries, citizens_page
from models.db import session_scope
from models.tables import today
from tests.factories import make_action, make_citizen, make_membership, make_person, make_user


@pytest.fixture
def rasmus(db_url):
    """Rasmus is on the teams of Anna, Bo and Cecilie Ærø; Dorte is someone else's citizen. Bo has
    one overdue and one open agreement."""
    with session_scope(write=True) as s:
        user, other = make_user(s, username="rasmus"), make_user(s, username="helle")
        for name in ("Cecilie Ærø", "Anna Holm", "Bo Berg"):
            citizen = make_citizen(s, name=name)
            person = make_person(s, citizen=citizen, name="Rasmus Holm", user=user)
            make_membership(s, citizen=citizen, user=user, person=person)
            if name == "Bo Berg":
                make_action(s, citizen=citizen, owner=person, due_on=today() - timedelta(days=2))
                make_action(s, citizen=citizen, owner=person, due_on=today() + timedelta(days=9))
        make_membership(s, citizen=make_citizen(s, name="Dorte Dahl"), user=other)
    return Actor.from_user(user)


def page(actor, **kwargs):
    with session_scope() as s:
        return citizens_page(session=s, actor=actor, **kwargs)


def names(result):
    return [c.name for c in result.summaries]


def test_my_citizens_by_name_with_their_figures(rasmus):
    result = page(rasmus)
    assert names(result) == ["Anna Holm", "Bo Berg", "Cecilie Ærø"]  # never Dorte
    assert (result.total, result.matching) == (3, 3)
    bo = result.summaries[1]
    assert (bo.open_actions, bo.overdue_actions) == (2, 1)


@pytest.mark.parametrize(
    ("shown", "expected"),
    [(2, ["Anna Holm", "Bo Berg"]), (0, []), (99, ["Anna Holm", "Bo Berg", "Cecilie Ærø"])],
)
def test_only_the_first_shown_are_read(rasmus, shown, expected):
    result = page(rasmus, shown=shown)
    assert names(result) == expected
    assert (result.total, result.matching) == (3, 3)  # the counts are of all of them


@pytest.mark.parametrize(
    ("query", "expected"),
    [("ærø", ["Cecilie Ærø"]), ("  BO  berg ", ["Bo Berg"]), ("holm anna", ["Anna Holm"]), ("dorte", [])],
)
def test_search_every_word_in_the_name_in_any_case(rasmus, query, expected):
    result = page(rasmus, query=query)
    assert names(result) == expected
    assert (result.total, result.matching) == (3, len(expected))


def test_summaries_of_given_ids_never_reach_past_what_the_actor_may_open(rasmus):
    with session_scope() as s:
        everyone = citizen_summaries(session=s, actor=Actor(None, "x", "x", "admin"))
        dorte = next(c.id for c in everyone if c.name == "Dorte Dahl")
        mine = citizen_summaries(session=s, actor=rasmus, ids=[dorte, *(c.id for c in everyone)])
    assert [c.name for c in mine] == ["Anna Holm", "Bo Berg", "Cecilie Ærø"]
