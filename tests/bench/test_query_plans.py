"""The hot queries use indexes, not scans (SQLite's EXPLAIN QUERY PLAN; no timing here).

Each hot read runs against a small benchmark database while its SELECTs are captured, then
every captured statement is explained with its own parameters. The plan must SEARCH (an
index or the primary key) wherever it reads rows for one user, one citizen or one period.
The test always uses its own SQLite file: EXPLAIN QUERY PLAN is SQLite's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from bench.build import Sizes, fill
from models import db
from models.access import Actor
from models.db import session_scope
from models.follow_up import my_agreements
from models.migrate import upgrade_database
from models.overview import build_overview
from models.overview_lookups import Period
from models.plans import load_joint_plan
from models.tables import UserAccount

DAY = date(2026, 11, 23)

# The overview counts over everyone: these whole-table reads are the figure itself (every
# professional's department, every citizen's cadence and consent), not a missing index.
OVERVIEW_WHOLE_TABLE = {"person", "citizen", "consent", "department", "action"}  # action: see below


# With ANALYZE statistics (as the benchmark leaves it) and without (a database nobody analysed:
# SQLite then guesses, and an index on a column like status can lure it into reading every row).
@pytest.fixture(scope="module", params=["analysed", "no_statistics"])
def bench_db(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    url = f"sqlite:///{tmp_path_factory.mktemp('plans')}/bench.db"
    upgrade_database(url)
    info = fill(url, Sizes(citizens=60, staff=5), on=DAY)
    if request.param == "no_statistics":
        with db.get_engine(url).begin() as connection:
            connection.exec_driver_sql("DELETE FROM sqlite_stat1")
        db.dispose_engines()  # statistics are read when a connection opens
    with session_scope(url=url) as s:
        staff = Actor.from_user(s.get(UserAccount, info.bench_user_id))
    yield url, info, staff
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def _plans(url: str, run: Callable[[], object]) -> list[tuple[str, list[str]]]:
    engine = db.get_engine(url)
    captured: list[tuple[str, object]] = []

    def before(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert captured
    with engine.connect() as connection:
        return [
            (statement, [row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                                        parameters).all()])
            for statement, parameters in captured
        ]


def _scans(lines: list[str]) -> set[str]:
    """Tables read from start to end ('SCAN x', but not 'SCAN CONSTANT ROW')."""
    return {m.group(1) for line in lines if (m := re.match(r"SCAN (\w+)", line)) and m.group(1) != "CONSTANT"}


def test_my_follow_ups_use_indexes(bench_db):
    url, _info, staff = bench_db

    def run():
        with session_scope(write=True, url=url) as s:
            assert my_agreements(session=s, actor=staff, on=DAY)

    plans = _plans(url, run)
    for statement, lines in plans:
        assert not _scans(lines), (statement, lines)
    # The agreements are found through their owner or their citizen (a few hundred rows), never
    # through their status or dates (tens of thousands at municipal scale).
    main = next(lines for statement, lines in plans if "FROM action" in statement)
    assert any(re.match(r"SEARCH action USING (COVERING )?INDEX ix_action_(owner|citizen)", line)
               for line in main), main
    assert not any("ix_action_d" in line for line in main), main


def test_one_citizens_plan_uses_indexes(bench_db):
    url, info, staff = bench_db

    def run():
        with session_scope(write=True, url=url) as s:
            load_joint_plan(session=s, actor=staff, citizen_id=info.citizen_id)

    plans = _plans(url, run)
    assert len(plans) >= 10  # people, consents, meetings, goals, agreements ... all checked
    for statement, lines in plans:
        assert not _scans(lines), (statement, lines)
        assert any(line.startswith("SEARCH") for line in lines), (statement, lines)


def test_the_overview_reads_periods_and_statuses_through_indexes(bench_db):
    url, _info, staff = bench_db
    period = Period(DAY - timedelta(days=364), DAY)
    with session_scope(write=True, url=url) as s:  # Overblik is for leaders: make the bench user one
        s.get(UserAccount, staff.user_id).is_leader = True
    leader = replace(staff, is_leader=True)

    def run():
        with session_scope(write=True, url=url) as s:
            build_overview(session=s, actor=leader, period=period, on=DAY)

    plans = _plans(url, run)
    for statement, lines in plans:
        # A statement's own intermediate results (per_owner, department_sets ...) are small and
        # read whole by design; the tables beneath them are what must not be scanned.
        intermediate = set(re.findall(r"(?:WITH|,)\s*(\w+) AS\s*\(", statement))
        intermediate |= set(re.findall(r"\)\s*AS\s+(\w+)", statement))
        assert _scans(lines) - intermediate <= OVERVIEW_WHOLE_TABLE, (statement, lines)
    # Agreements done or due in the period are found by date; the open load (every open
    # agreement, by definition) reads an index that covers it, never the table itself.
    agreement_reads = [(statement, lines) for statement, lines in plans
                       if "FROM action\n" in statement or "FROM action " in statement]
    # The open load, agreements done in the period (totals, and per citizen for the median days
    # since issue 15's small-number rule), agreements due in the period.
    assert len(agreement_reads) == 4, [(st[:300], ln) for st, ln in agreement_reads]
    for statement, lines in agreement_reads:
        if "action.done_on >=" in statement or "action.due_on >=" in statement:
            assert any(re.match(r"SEARCH action USING (COVERING )?INDEX ix_action_d(one|ue)_on", line)
                       for line in lines), lines
        else:
            assert any(re.match(r"(SCAN|SEARCH) action USING COVERING INDEX", line) for line in lines), lines
    whole = [lines for _statement, lines in plans if "SCAN action" in " ".join(lines)]
    assert all("COVERING INDEX" in " ".join(lines) for lines in whole)
    # Scores are read from the meetings in the period, then each meeting's scores, both covered.
    scores = next(lines for statement, lines in plans if "goal_score" in statement)
    assert any(re.match(r"SEARCH meeting USING COVERING INDEX ix_meeting_starts_at", line) for line in scores)
    assert any(re.match(r"SEARCH goal_score USING COVERING INDEX", line) for line in scores), scores
