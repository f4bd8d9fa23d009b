"""Concurrent edits (issue 8, point 2): two people edit the same goal or agreement from the version
each of them saw. The first save wins, the second is refused with StaleVersion (a Danish message;
the page keeps the text) — never a silent overwrite.

A scripted run of 1,000 refused saves (500 rounds on a goal through models.goals.update_goal and
500 on an agreement through models.actions.update_agreement; who saves first alternates), then
the same through the real page with two AppTest sessions.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from models.access import Actor
from models.actions import update_agreement
from models.db import session_scope
from models.errors import StaleVersion
from models.goals import update_goal
from models.tables import Action, Correction, Goal
from tests.factories import make_action, make_citizen, make_goal, make_membership, make_person, make_user
from tests.pages.conftest import choose_agreement, choose_in_group
from ui.agreement_cards import OPERATIONS

ROUNDS_PER_KIND = 500  # x 2 kinds = 1,000 conflicting saves that must be refused


def _save_goal(actor, goal_id, version, text):
    with session_scope(write=True) as s:
        return update_goal(session=s, actor=actor, goal_id=goal_id, seen_version=version, own_words=text,
                           area=None, professional_note=None).version  # fmt: skip


def _save_agreement(actor, action_id, version, text, owner_id):
    with session_scope(write=True) as s:
        return update_agreement(session=s, actor=actor, action_id=action_id, seen_version=version, text=text,
                                goal_id=None, owner_person_id=owner_id, owner_is_citizen=False, due_on=None,
                                trial=False).version  # fmt: skip


def test_a_thousand_conflicting_saves_are_all_refused_and_nothing_is_overwritten(db_url):
    with session_scope(write=True) as s:
        anna, bo = make_user(s, username="anna"), make_user(s, username="bo")
        citizen = make_citizen(s)
        owner = make_person(s, citizen=citizen, user=anna)
        make_membership(s, citizen=citizen, user=anna, person=owner)
        make_membership(s, citizen=citizen, user=bo)
        goal = make_goal(s, citizen=citizen, own_words="start")
        action = make_action(s, citizen=citizen, owner=owner, text="start")
    people = (Actor.from_user(anna), Actor.from_user(bo))
    saves = {
        "goal": lambda who, version, text: _save_goal(who, goal.id, version, text),
        "agreement": lambda who, version, text: _save_agreement(who, action.id, version, text, owner.id),
    }
    outcomes: Counter[str] = Counter()
    expected_text = {}
    for kind, save in saves.items():
        version = 1
        for n in range(ROUNDS_PER_KIND):
            first, second = people if n % 2 == 0 else people[::-1]
            seen = version  # both opened the same version
            version = save(first, seen, f"{kind} {n} by {first.username}")
            outcomes["first save kept"] += 1
            try:
                save(second, seen, f"{kind} {n} by {second.username} (must not win)")
            except StaleVersion as refused:
                assert "En anden har gemt" in refused.message("da")
                outcomes["second save refused"] += 1
            else:
                outcomes["SILENT OVERWRITE"] += 1
        expected_text[kind] = f"{kind} {ROUNDS_PER_KIND - 1} by {people[(ROUNDS_PER_KIND - 1) % 2].username}"

    with session_scope() as s:
        final_goal, final_action = s.get(Goal, goal.id), s.get(Action, action.id)
        corrections = s.execute(select(func.count()).select_from(Correction)).scalar_one()
    assert outcomes["SILENT OVERWRITE"] == 0
    assert outcomes["second save refused"] == 2 * ROUNDS_PER_KIND == 1_000
    # Only the winners were written: each bumped the version once and left one history row.
    assert (final_goal.version, final_action.version) == (1 + ROUNDS_PER_KIND, 1 + ROUNDS_PER_KIND)
    assert (final_goal.own_words, final_action.text) == (expected_text["goal"], expected_text["agreement"])
    assert corrections == 2 * ROUNDS_PER_KIND + 2  # + the first saves also cleared the area and the date
    print(f"conflicting saves: {dict(outcomes)}")


def test_two_browser_sessions_the_second_save_is_refused_in_danish_and_keeps_the_text(open_page, db_url):
    with session_scope(write=True) as s:
        anna, bo = make_user(s, username="anna"), make_user(s, username="bo")
        citizen = make_citizen(s)
        anna_person = make_person(s, citizen=citizen, user=anna, name="Anna Holm", department="Jobcenter")
        make_membership(s, citizen=citizen, user=anna, person=anna_person)
        make_membership(s, citizen=citizen, user=bo)
        action = make_action(s, citizen=citizen, owner=anna_person, text="Søge om bostøtte.")
    panel = f"m{action.id}"
    # Anna has the agreement open on two devices (two Streamlit sessions, one login each).
    first, second = open_page("pages/follow_up.py", user=anna), open_page("pages/follow_up.py", user=anna)
    for at in (first, second):
        choose_agreement(at, action)
    choose_in_group(first, f"fu_op_{panel}", OPERATIONS.index("in_progress"))
    choose_in_group(second, f"fu_op_{panel}", OPERATIONS.index("done"))
    second.text_area(key=f"fu_text_{panel}").input("Min lange note, skrevet på telefonen.").run()

    first.button(key=f"fu_save_{panel}").click().run()
    assert not first.exception and first.success
    second.button(key=f"fu_save_{panel}").click().run()

    assert not second.exception, second.exception
    assert "En anden har gemt en ændring her" in second.error[0].value
    assert second.text_area(key=f"fu_text_{panel}").value == "Min lange note, skrevet på telefonen."
    with session_scope() as s:
        saved = s.get(Action, action.id)
    assert (saved.status, saved.version) == ("in_progress", 2)  # the first save, and only it


def test_a_colleague_finishing_the_agreement_meanwhile_does_not_close_my_panel(open_page, db_url):
    with session_scope(write=True) as s:
        anna = make_user(s, username="anna")
        citizen = make_citizen(s)
        anna_person = make_person(s, citizen=citizen, user=anna, name="Anna Holm", department="Jobcenter")
        make_membership(s, citizen=citizen, user=anna, person=anna_person)
        action = make_action(s, citizen=citizen, owner=anna_person, text="Søge om bostøtte.")
    panel = f"m{action.id}"
    first, second = open_page("pages/follow_up.py", user=anna), open_page("pages/follow_up.py", user=anna)
    for at in (first, second):
        choose_agreement(at, action)
    choose_in_group(first, f"fu_op_{panel}", OPERATIONS.index("done"))
    first.button(key=f"fu_save_{panel}").click().run()  # done: it leaves the open list
    second.text_area(key=f"fu_text_{panel}").input("Jeg skrev noget vigtigt.").run()
    second.button(key=f"fu_save_{panel}").click().run()
    assert not second.exception
    assert "En anden har gemt en ændring her" in second.error[0].value
    assert second.text_area(key=f"fu_text_{panel}").value == "Jeg skrev noget vigtigt."
