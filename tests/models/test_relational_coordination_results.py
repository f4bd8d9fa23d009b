"""Relational coordination figures (issue 24): the index by hand, the < 5 rule at every level
(cell, halves, dimension means, change, CSV and Excel), the change between two rounds, and who
may see them when."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from exports.rc_spreadsheets import rc_csv, rc_xlsx
from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.relational_coordination import DIMENSIONS
from models.relational_coordination_results import SMALL, compare, compute_result, round_result
from models.relational_coordination_rounds import RoundView
from models.tables import AuditEvent
from tests.models.relational_coordination_fixtures import answer, make_round, make_town, past_round

VIEW = RoundView(
    id=1,
    name="Efter",
    starts_on=date(2027, 3, 1),
    ends_on=date(2027, 3, 14),
    closed_at=None,
    departments=((1, "A"), (2, "B")),
)
N = None  # "ved ikke"


def ties(row: str, column: str, *answers: tuple) -> list[dict]:
    return [{"row": row, "column": column, **dict(zip(DIMENSIONS, a, strict=True))} for a in answers]


# Five respondents of A about B; the order of a tuple is DIMENSIONS (4 communication, 3 relationship).
A_ABOUT_B = ties(
    "A",
    "B",
    (4, 4, 4, 4, 4, 4, 4),  # index 4, communication 4, relationship 4
    (2, 2, 2, 2, 3, 3, 3),  # index 17/7, communication 2, relationship 3
    (5, N, N, N, N, N, N),  # index 5 (only what was answered), communication 5, no relationship figure
    (1, 2, 3, 4, 5, 4, 3),  # index 22/7, communication 10/4, relationship 4
    (3, 3, 3, 3, 3, 3, 3),  # index 3
)
# Four of B about A: too few, hidden, and adding nothing to any other figure.
B_ABOUT_A = ties("B", "A", *[(5,) * 7] * 4)


def test_the_index_of_a_small_example_computed_by_hand():
    result = compute_result(VIEW, A_ABOUT_B + B_ABOUT_A, [])
    cell = result.cell("A", "B")
    assert cell.figures["index"] == round((4 + 17 / 7 + 5 + 22 / 7 + 3) / 5, 2) == 3.51
    assert cell.figures["communication"] == round((4 + 2 + 5 + 2.5 + 3) / 5, 2) == 3.3
    assert cell.figures["relationship"] == SMALL  # only four gave a relationship answer
    assert cell.respondents == 5
    # The round's figures stand only on cells that are shown: B's four fives are not in them.
    assert result.overall == {"index": 3.51, "communication": 3.3, "relationship": SMALL}
    # frequent: 4, 2, 5, 1, 3 from five people; every other dimension has a "ved ikke" among them.
    assert result.dimensions == {"frequent": 3.0, **dict.fromkeys(DIMENSIONS[1:], SMALL)}


def test_a_cell_with_fewer_than_five_shows_no_figure_and_no_count():
    cell = compute_result(VIEW, A_ABOUT_B + B_ABOUT_A, []).cell("B", "A")
    assert cell.figures == {"index": SMALL, "communication": SMALL, "relationship": SMALL}
    assert cell.respondents == SMALL


def test_nothing_answered_is_no_figure_rather_than_a_small_one():
    result = compute_result(VIEW, [], [])
    assert result.cell("A", "B").figures["index"] is None and result.overall["index"] is None


def test_the_change_between_two_rounds():
    before = compute_result(VIEW, ties("A", "B", *[(2,) * 7] * 5) + ties("B", "A", *[(1,) * 7] * 6), [])
    after = compute_result(VIEW, A_ABOUT_B + B_ABOUT_A, [])
    change = compare(before, after)
    cells = {(c.row, c.column): (c.before, c.after, c.change) for c in change.cells}
    assert cells == {
        ("A", "B"): (2.0, 3.51, 1.51),
        ("B", "A"): (1.0, SMALL, SMALL),
    }  # hidden after: no change
    assert change.dimensions["frequent"] == (1.45, 3.0, 1.55)  # before: (5 x 2 + 6 x 1) / 11
    assert change.dimensions["timely"] == (1.45, SMALL, SMALL)  # after: a "ved ikke" leaves four
    assert change.overall["index"][2] == round(3.51 - 1.45, 2)


@pytest.fixture
def two_rounds(db_url):
    """Before: 6 of each department answer 2 about every other; after: 4s, but only 4 of Sundhed."""
    town = make_town(per=6)
    before = past_round(town, "Før", 200, 2)
    after = past_round(town, "Efter", 30, 4)
    with session_scope(write=True) as s:  # Sundhed's 5th and 6th answers never came
        from models.tables import RcAnswer, RcRespondent

        sundhed = town.departments["Sundhed"]
        for about in (town.departments["Jobcenter"], town.departments["Socialafdelingen"]):
            for row in s.exec(
                select(RcAnswer).where(
                    RcAnswer.round_id == after,
                    RcAnswer.from_department_id == sundhed,
                    RcAnswer.about_department_id == about,
                )
            ).all()[:2]:
                s.delete(row)
        for row in s.exec(
            select(RcRespondent).where(RcRespondent.round_id == after, RcRespondent.department_id == sundhed)
        ).all()[:2]:
            s.delete(row)
    return town, before, after


def test_a_leader_reads_an_ended_round_and_the_files_hide_what_the_screen_hides(two_rounds):
    town, before_id, after_id = two_rounds
    leader = Actor.from_user(town.leader)
    with session_scope() as s:
        before = round_result(session=s, actor=leader, round_id=before_id)
        after = round_result(session=s, actor=leader, round_id=after_id)
    assert after.cell("Jobcenter", "Sundhed").figures["index"] == 4.0
    assert after.cell("Sundhed", "Jobcenter").figures["index"] == SMALL
    change = compare(before, after)
    assert {(c.row, c.column): c.change for c in change.cells}[("Jobcenter", "Sundhed")] == 2.0
    assert [(r.department, r.answered, r.asked) for r in after.response] == [
        ("Jobcenter", 6, 7),
        ("Socialafdelingen", 6, 6),
        ("Sundhed", 4, 6),
    ]  # the leader has not answered

    text = rc_csv(after, change).decode("utf-8-sig")
    lines = [line.split(";") for line in text.splitlines()]
    matrix = {(r[1], r[2]): r[4] for r in lines if r[0] == "Indeks"}
    assert matrix[("Sundhed", "Jobcenter")] == "< 5" and matrix[("Jobcenter", "Sundhed")] == "4,0"
    changes = {(r[1], r[2], r[3]): r[4] for r in lines if r[0] == "Ændring"}
    assert changes[("Sundhed", "Jobcenter", "Ændring")] == "< 5"
    assert changes[("Sundhed", "Jobcenter", "Efter")] == "< 5"

    book = openpyxl.load_workbook(io.BytesIO(rc_xlsx(after, change)))
    assert book.sheetnames == [
        "Om tallene",
        "Indeks",
        "Kommunikation",
        "Relationer",
        "Dimensioner",
        "Ændring",
        "Svarprocent",
    ]
    sheet = [[c.value for c in row] for row in book["Indeks"].iter_rows()]
    assert sheet[0] == ["Afdeling, der svarede", "Jobcenter", "Socialafdelingen", "Sundhed"]
    assert sheet[3] == ["Sundhed", "< 5", "< 5", None]
    assert "rangering" in str([[c.value for c in row] for row in book["Om tallene"].iter_rows()])


def test_figures_wait_for_the_round_to_end_and_are_for_leaders_only(db_url):
    town = make_town(per=5)
    round_id = make_round(town)
    answer(town.staff["Jobcenter"][0], round_id, {town.departments["Sundhed"]: 3})
    with session_scope() as s, pytest.raises(UserError) as early:
        round_result(session=s, actor=Actor.from_user(town.leader), round_id=round_id)
    assert early.value.key == "rc.error.not_ended"  # while it runs, before/after one answer would tell it
    staff = town.staff["Sundhed"][0]
    with pytest.raises(UserError), session_scope() as s:
        round_result(session=s, actor=Actor.from_user(staff), round_id=round_id)
    with session_scope() as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action == "rc.results_read")).all()
    assert [(r.user_id, r.outcome) for r in rows] == [(staff.id, "denied")]
