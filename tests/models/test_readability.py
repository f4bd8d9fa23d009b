"""LIX: words, long words (> 6 letters), sentences; and the text of the citizen's version."""

from __future__ import annotations

import pytest

from models.db import session_scope
from models.plans import load_joint_plan
from models.readability import (
    EASY_LIMIT,
    citizen_version_text,
    count_sentences,
    count_words,
    is_long_word,
    lix,
    plan_readability,
)
from tests.factories import (
    make_action,
    make_actor,
    make_citizen,
    make_goal,
    make_meeting,
    make_membership,
    make_user,
)


@pytest.mark.parametrize(
    ("word", "long"),
    [
        ("skole", False),
        ("bussen", False),  # six letters is not long
        ("praktik", True),  # seven is
        ("børnehave", True),  # æøå are letters
        ("2026-11-22", False),  # digits are not letters
        ("e-mail", False),  # the hyphen is not a letter
        ("sagsbehandler", True),
    ],
)
def test_long_words_have_more_than_six_letters(word, long):
    assert is_long_word(word) is long


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Jeg vil i praktik. Jeg vil sove.", 2),
        ("Hvad så? Det går! Godt:", 3),  # ? ! and : end sentences too
        ("Uden punktum", 1),
        ("Overskrift\nEn linje uden punktum\nEn med.", 3),  # each line is a sentence
        ("Flere punktummer... efter hinanden.", 2),
        ("", 0),
        ("...", 0),  # no words, no sentence
        ("Kl. 10.00 mødes vi.", 2),  # 'kl.' ends a sentence in LIX's simple count; 10.00 does not
    ],
)
def test_sentences(text, sentences):
    assert count_sentences(text) == sentences


def test_the_danish_formula_on_a_worked_example():
    # 10 words, 2 sentences, 3 long words (praktikplads, børnehave, kommunen): 10/2 + 100*3/10 = 35.
    text = "Jeg vil have en praktikplads i en børnehave. Kommunen ringer."
    result = lix(text)
    assert (result.words, result.sentences, result.long_words) == (10, 2, 3)
    assert result.lix == 35.0
    assert result.is_easy  # 35 is still "let"; the hint starts above it


def test_long_bureaucratic_text_is_not_easy():
    text = (
        "Borgeren bevilges socialpædagogisk støtte efter servicelovens bestemmelser med henblik på "
        "understøttelse af beskæftigelsesrettede indsatser i samarbejde med jobcentret"
    )
    assert lix(text).lix > EASY_LIMIT
    assert not lix(text).is_easy


def test_no_words_gives_zero():
    assert lix("  \n ").lix == 0
    assert count_words("🌱 – !") == []


def test_the_citizens_version_text_leaves_out_staff_notes_and_cancelled_agreements(db_url):
    with session_scope(write=True) as s:
        user = make_user(s)
        citizen = make_citizen(s)
        make_membership(s, citizen=citizen, user=user)
        held = make_meeting(s, citizen=citizen, status="held", decisions=("Ditte får en mentor.",),
                            unmet_needs=("Ingen betaler transporten.",))  # fmt: skip
        make_meeting(s, citizen=citizen, status="planned", preparation={"when_hard": "Jeg ringer til mor."})
        goal = make_goal(s, citizen=citizen, own_words="Jeg vil sove.", professional_note="Intern note.")
        make_goal(s, citizen=citizen, own_words="Pause-mål.", status="paused")
        make_action(s, citizen=citizen, goal=goal, owner_is_citizen=True, text="Gå i seng kl. 22.",
                    agreed_at=held)  # fmt: skip
        make_action(s, citizen=citizen, text="Aflyst.", status="cancelled")
        actor, citizen_id = make_actor(user), citizen.id
    with session_scope() as s:
        plan = load_joint_plan(session=s, actor=actor, citizen_id=citizen_id)
    text = citizen_version_text(plan)
    assert text.splitlines() == [
        "Jeg vil sove.", "Gå i seng kl. 22.", "Ditte får en mentor.", "Jeg ringer til mor.",
    ]  # fmt: skip
    assert plan_readability(plan) == lix(text)
