"""ui/chart_drawer.py: charts are drawn in a process of their own, kept by their specification,
drawn ahead on request, and never lost when that process is gone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ui import chart_drawer

ROOT = Path(__file__).resolve().parent.parent


def _spec(values: list[int], title: str = "Skalering") -> str:
    return json.dumps({
        "data": {"values": [{"møde": i, title: v} for i, v in enumerate(values)]},
        "mark": "line", "width": 300,
        "encoding": {"x": {"field": "møde", "type": "quantitative"},
                     "y": {"field": title, "type": "quantitative"}},
    }, sort_keys=True)  # fmt: skip


@pytest.fixture
def drawer(monkeypatch):
    """A drawer of this test's own (its own child and pictures), ended after the test."""
    fresh = chart_drawer._Drawer()
    monkeypatch.setattr(chart_drawer, "_DRAWER", fresh)
    yield fresh
    if fresh._child is not None:
        fresh._child.kill()
        fresh._child.wait()


def _not_here(*_: object) -> str:
    raise AssertionError("drawn in the server's process")


def test_the_picture_is_drawn_by_the_child_and_kept(drawer, monkeypatch):
    monkeypatch.setattr(chart_drawer, "_convert", _not_here)  # the test process never draws
    svg = chart_drawer.draw(_spec([3, 4, 6]))
    assert svg.startswith("<svg") and "Skalering" in svg and "<script" not in svg.lower()
    assert drawer._child is not None and drawer._child.pid != os.getpid()
    assert chart_drawer.draw(_spec([3, 4, 6])) is svg  # kept: the same picture, not drawn again
    assert chart_drawer.draw(_spec([3, 4, 7])) != svg  # a new score: a new picture


def test_a_picture_drawn_ahead_is_there_when_a_page_asks(drawer, monkeypatch):
    monkeypatch.setattr(chart_drawer, "_convert", _not_here)
    began = time.perf_counter()
    chart_drawer.draw_ahead(_spec([1, 2]))
    assert time.perf_counter() - began < 0.5  # returns at once (the child starts and draws)
    kept = drawer._pictures[_spec([1, 2])]
    assert kept.result(timeout=30).startswith("<svg")
    assert chart_drawer.draw(_spec([1, 2])) is kept.result()


def test_the_pictures_kept_are_bounded(drawer, monkeypatch):
    monkeypatch.setattr(chart_drawer, "KEPT", 3)
    for score in range(5):
        chart_drawer.draw(_spec([score]))
    assert list(drawer._pictures) == [_spec([2]), _spec([3]), _spec([4])]


def test_when_the_child_dies_the_picture_is_drawn_here_and_a_new_child_starts_later(drawer, monkeypatch):
    chart_drawer.draw(_spec([5]))
    first = drawer._child
    first.kill()
    first.wait()
    deadline = time.monotonic() + 10
    while drawer._child is not None and time.monotonic() < deadline:  # the reader saw it end
        time.sleep(0.02)
    assert drawer._child is None
    assert chart_drawer.draw(_spec([6])).startswith("<svg")  # drawn here: not lost, no wait
    assert drawer._child is None  # not started again at once (a child that keeps dying)
    monkeypatch.setattr(chart_drawer, "RESTART_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(chart_drawer, "_convert", _not_here)
    assert chart_drawer.draw(_spec([7])).startswith("<svg")
    assert drawer._child is not None and drawer._child.pid != first.pid


def test_a_child_that_does_not_answer_in_time_leaves_the_drawing_here(drawer, monkeypatch):
    monkeypatch.setattr(chart_drawer, "WAIT_SECONDS", 0.0)
    assert chart_drawer.draw(_spec([8, 9])).startswith("<svg")
    assert drawer._pictures[_spec([8, 9])].done()  # the picture drawn here is kept


def test_a_specification_the_converter_refuses_is_an_error_not_a_wait(drawer):
    with pytest.raises(chart_drawer.DrawingFailed):
        chart_drawer.draw(json.dumps({"mark": "no-such-mark", "data": {"values": []}}))


def test_the_child_draws_at_a_lower_priority_and_ends_with_its_input():
    child = subprocess.Popen([sys.executable, "-m", "ui.chart_drawer"], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        child.stdin.write(json.dumps({"id": 1, "spec": json.loads(_spec([2, 3]))}) + "\n")
        child.stdin.flush()
        answer = json.loads(child.stdout.readline())
        assert answer["id"] == 1 and answer["svg"].startswith("<svg")
        assert os.getpriority(os.PRIO_PROCESS, child.pid) >= min(os.getpriority(os.PRIO_PROCESS, 0) + 1, 19)
        child.stdin.close()  # the server is gone, however it ended
        assert child.wait(timeout=10) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_a_killed_server_leaves_no_drawing_process_behind():
    """The server process killed outright (no clean-up runs): its drawing child ends by itself."""
    server = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom ui import chart_drawer\n"
         f"chart_drawer.draw({_spec([1, 5])!r})\n"
         "print(chart_drawer._DRAWER._child.pid, flush=True)\ntime.sleep(60)\n"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        child_pid = int(server.stdout.readline())
        os.kill(child_pid, 0)  # it is there, drawing for the server
        server.kill()
        server.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(child_pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        pytest.fail(f"the drawing process {child_pid} outlived its killed server")
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_the_child_is_given_none_of_samplans_or_streamlits_settings(drawer, monkeypatch):
    """No database address, mail password, single sign-on or cookie secret in the drawing process."""
    monkeypatch.setenv("SAMPLAN_SMTP_PASSWORD", "hemmeligt")
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", "postgresql://samplan:hemmeligt@db/samplan")
    monkeypatch.setenv("STREAMLIT_SERVER_COOKIE_SECRET", "hemmeligt" * 8)
    chart_drawer.draw(_spec([2, 9]))
    environment = Path(f"/proc/{drawer._child.pid}/environ").read_bytes().split(b"\0")
    assert not [entry for entry in environment if entry.startswith((b"SAMPLAN_", b"STREAMLIT_"))]
    assert any(entry.startswith(b"PATH=") for entry in environment)  # the rest is as the server's
