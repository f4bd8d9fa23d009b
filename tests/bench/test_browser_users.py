"""The benchmark's browser and users parts run end to end at a tiny scale (bench/browser.py,
bench/users.py): a real `streamlit run`, Debian's chromium, the bench's own users.

No figure is checked against a clock (a benchmark is never a timed test): these tests check that
every interaction was seen through to its expected element with no error, that the timeline and
the server's own timing were captured, that the saves a user saw confirmed are in the database,
and that the table prints.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from bench.browser import NAVIGATION
from bench.build import Sizes, build, fill
from bench.run import table
from bench.users import measure_users, staff_users

TINY = 0.01  # 100 citizens, 5 staff: the typical user has more citizens than a page, so a search
# Seconds between a user's steps (the bench's own 1-3 s is for figures; these tests time nothing).
THINK = (0.1, 0.3)


def _info(built) -> dict:
    return {k: v for k, v in asdict(built).items() if k != "rows"}


@pytest.mark.e2e  # SQLite files of its own, like tests/e2e (the users test below runs on both)
def test_the_browser_part_sees_every_interaction_through_on_both_databases(tmp_path: Path) -> None:
    from bench.browser import measure_browser

    full = _info(build(f"sqlite:///{tmp_path}/full.db", scale=TINY))
    one = _info(build(f"sqlite:///{tmp_path}/one.db", scale=TINY, citizens=1))

    result = measure_browser(full, one, runs=1, warmup=0)

    assert "failed" not in result, result
    figures = result["interactions"]
    expected = {f"navigate to {title}" for _, title, _ in NAVIGATION} | {
        "choose a row in Opfølgning", "save an agreement", "score in Mødet", "search in Mine borgere"}
    assert set(figures) == expected
    for name, item in figures.items():
        assert item["full"]["errors"] == 0, (name, item["full"])
        assert item["full"]["ms"]["n"] == 1
        phases = item["full"]["phases_median_ms"]
        assert phases["script_ms"] > 0, (name, phases)  # the server's own timing of the same run
        assert {"to_request_ms", "server_side_ms", "render_ms", "settle_ms"} <= set(phases)
        if name != "search in Mine borgere":  # one citizen: no search box (it fits on a page)
            assert item["one"]["errors"] == 0, (name, item["one"])
            assert item["ratio_p95"] > 0
    assert result["server_log_errors"]["full"]["lines"] == 0, result["server_log_errors"]
    printed = table({"scale": TINY, "runs": 1, "machine": {"cores": 2},
                     "backends": {"sqlite": {"build_seconds": 0, "browser": result}}})
    assert "save an agreement" in printed and "median click" in printed


def test_the_users_part_runs_two_users_and_every_confirmed_save_arrives(db_url: str) -> None:
    """On SQLite, and on PostgreSQL under scripts/with-postgres (db_url)."""
    fill(db_url, Sizes(citizens=100, staff=5))
    users = staff_users(db_url, 2)
    assert len({u.username for u in users}) == 2 and "bench-staff" not in {u.username for u in users}

    # 2 s: each user starts a step within the first 0.3 s, and a step started is seen through.
    result = measure_users(db_url, levels=(2,), seconds=2, think=THINK)

    level = result["levels"]["2"]
    assert "failed" not in level, level
    assert level["errors"] == 0, level["error_samples"]  # (a renderer crash is reported apart)
    assert level["server_log_errors"]["lines"] == 0, level["server_log_errors"]
    assert level["interactions"] >= 2  # each user's first step starts within the first 0.3 s
    assert level["saves_in_database"] == level["saves_confirmed"] and level["saves_lost"] == 0
    assert level["cpu_seconds"]["server"] > 0 and level["cpu_seconds"]["chromium"] > 0
    assert level["server_rss_mb"]["hwm"] > 0
    printed = table({"scale": TINY, "runs": 1, "machine": {"cores": 2},
                     "backends": {"sqlite": {"build_seconds": 0, "users": result}}})
    assert "users at once" in printed


def test_the_wire_part_plays_the_same_users_without_browsers(db_url: str) -> None:
    """bench/protocol.py speaks Streamlit's websocket: it logs in through the form, chooses a row,
    saves it (the save is in the database) and navigates, with no error on the page or in the log.
    Enough seconds for each user to go round the whole cycle once (5 steps, 0.1-0.3 s of thinking),
    and for the room screen's five polls a second apart after it has opened."""
    fill(db_url, Sizes(citizens=100, staff=5))

    result = measure_users(db_url, levels=(2,), seconds=10, client="protocol", room_screens=1, think=THINK)

    level = result["levels"]["2"]
    assert "failed" not in level, level
    assert level["errors"] == 0, level["error_samples"]
    assert level["server_log_errors"]["lines"] == 0, level["server_log_errors"]
    kinds = set(level["per_kind_p95_ms"])
    assert {"choose a row in Opfølgning", "save an agreement", "navigate to Mine borgere",
            "navigate to Planen"} <= kinds, kinds  # fmt: skip
    assert level["saves_confirmed"] >= 2 and level["saves_in_database"] == level["saves_confirmed"]
    assert level["cpu_seconds"]["server"] > 0 and "chromium" not in level["cpu_seconds"]
    # A room screen followed a meeting in progress beside them: its fragment polled, no error.
    rooms = level["room_screens"]
    assert rooms["screens"] == 1 and rooms["polls"] >= 5 and rooms["errors"] == 0, rooms
    printed = table({"scale": TINY, "runs": 1, "machine": {"cores": 2},
                     "backends": {"sqlite": {"build_seconds": 0, "wire": result}}})
    assert "over the websocket" in printed and "room screens:" in printed
