"""Keep every core busy while a test runs, to see how the code behaves on a loaded machine.

A production server is rarely idle: concurrency bugs that hide on an idle developer machine
(a lock waited for longer than the timeout, a thread starved between two statements) show up
when the cores are shared. `burning_cpus()` starts busy-looping processes (one per core unless
told otherwise) and always stops them, even when the test fails; each process also ends by
itself after `limit_s`, so a killed pytest cannot leave them spinning.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _spin(limit_s: float) -> None:
    """Busy-loop until `limit_s` seconds have passed (a bound, in case nobody stops us)."""
    end = time.monotonic() + limit_s
    n = 0
    while time.monotonic() < end:
        for _ in range(10_000):
            n = (n * 31 + 7) % 1_000_003


@contextmanager
def burning_cpus(processes: int | None = None, *, limit_s: float = 300.0) -> Iterator[int]:
    """Run the body while `processes` busy loops (default: one per core) compete for the CPU.

    Yields the number of processes started. Separate processes, not threads: a thread would
    only compete for the GIL, not for the cores.
    """
    count = processes or os.cpu_count() or 2
    context = multiprocessing.get_context("spawn")  # no copy of pytest's state, no fork in threads
    burners = [context.Process(target=_spin, args=(limit_s,), daemon=True) for _ in range(count)]
    try:
        for burner in burners:
            burner.start()
        yield count
    finally:
        for burner in burners:
            if burner.pid is not None:
                burner.terminate()
        for burner in burners:
            if burner.pid is not None:
                burner.join(timeout=5)
                if burner.is_alive():
                    burner.kill()
                    burner.join(timeout=5)
