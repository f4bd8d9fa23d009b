"""The benchmark harness's plumbing: it runs from any test worker, and it meters only its own
processes."""

from __future__ import annotations

import asyncio
import os
import subprocess

from bench.browser import run_to_end
from bench.users import Meter, _rss_mb, tree_rss_mb


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_the_harness_runs_beside_an_event_loop_already_running_in_the_thread():
    """pytest-playwright's sync API keeps a loop running in a worker once a browser test ran there."""

    async def inside_a_running_loop() -> int:
        return run_to_end(_answer())  # asyncio.run would refuse here

    # The outer call meets a running loop too when a browser test ran in this worker before.
    assert run_to_end(inside_a_running_loop()) == 42
    assert run_to_end(_answer()) == 42


def test_the_meter_leaves_out_the_processes_this_one_had_before_the_benchmark():
    """A test worker's own browser is not the benchmark's: its CPU seconds are not counted."""
    earlier = subprocess.Popen(["sleep", "30"])
    try:
        meter = Meter(-1, "sqlite://", not_ours=frozenset({earlier.pid}))
        meter.start()
        meter.stop()
        assert earlier.pid not in meter.last
        counted = Meter(-1, "sqlite://")
        counted.start()
        counted.stop()
        assert counted.last[earlier.pid][0] == "playwright driver"  # without it, counted as the bench's
    finally:
        earlier.kill()
        earlier.wait()


def test_a_servers_memory_counts_the_processes_it_started():
    """The server's chart drawer (ui/chart_drawer.py) is the server's memory too."""
    child = subprocess.Popen(["sleep", "30"])
    try:
        own, its = _rss_mb(os.getpid()), _rss_mb(child.pid)
        assert its > 0
        assert tree_rss_mb(os.getpid()) >= own + its * 0.9
        assert tree_rss_mb(os.getpid(), "VmHWM") >= _rss_mb(os.getpid(), "VmHWM")
    finally:
        child.kill()
        child.wait()
