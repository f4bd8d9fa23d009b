"""Charts are drawn in a process of their own, so that a drawing never stalls the server.

Why (issue 16): vl-convert draws a chart in ~50-150 ms and holds Python's interpreter lock while
it does (another thread ran at 3 % of its speed meanwhile). In the server that stalls every
session's run, and a picture cannot be drawn ahead in a thread: the click that asked for it
waited instead (252 ms against ~110). In a process of its own the drawing runs on the other core
while the server goes on; the server waits for a picture only when a page needs one that is not
drawn yet, and then it waits without holding the lock.

So Min plan's first view after a new score no longer draws: Mødet asks for the picture as the
score is saved (`draw_ahead`), and Min plan finds it drawn (`draw`).

One long-lived child (`python -m ui.chart_drawer`) reads one JSON line per specification on its
standard input and answers one JSON line per picture. Its standard input is its only tie to the
server: when the server ends, however it ends, the child reads the end of its input and exits.
concurrent.futures' process pool was not used: its workers hold both ends of their own queue, so
they would outlive a server that is killed, and its start re-runs the server's main module in
each worker. The child runs at a lower priority (nice 10): a picture drawn ahead takes a core
nobody else needs rather than slowing the click that asked for it. It is given none of Samplan's
or Streamlit's settings (no database address or secret) and reads nothing but specifications.

Pictures are kept by their specification (the data is in it), bounded; the specification holds
goal numbers, dates, scores and titles, never a name or anything a user typed. If the child
cannot start, dies or does not answer in time, the picture is drawn here, as before: a picture
is never lost to this.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from pathlib import Path
from typing import IO

KEPT = 256  # pictures kept, the newest
WAIT_SECONDS = 10.0  # a page waits this long for the child before drawing the picture itself
RESTART_AFTER_SECONDS = 30.0  # a child that died is started again after this, not at once
_ROOT = Path(__file__).resolve().parent.parent


class DrawingFailed(Exception):
    """The converter refused this specification (its message): drawn here, it would too."""


class _NotDrawn(Exception):
    """No child to draw it: it could not start, or it ended before it answered."""


_HERE_LOCK = threading.Lock()


def _convert(spec: object) -> str:
    """Draw in this process: the fallback, and what the child itself runs."""
    import vl_convert

    with _HERE_LOCK:  # one converter call at a time in a process (the converter is one engine)
        return vl_convert.vegalite_to_svg(spec)


def _child_environment() -> dict[str, str]:
    """The server's environment without Samplan's and Streamlit's settings: the drawing process
    needs no database address, mail password, single sign-on or cookie secret, so it gets none."""
    ours = ("SAMPLAN_", "STREAMLIT_")
    return {name: value for name, value in os.environ.items() if not name.startswith(ours)}


class _Drawer:
    """The child process, the pictures asked for (futures, by specification) and the answers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._child: subprocess.Popen[str] | None = None
        self._died_at = -RESTART_AFTER_SECONDS
        self._waiting: dict[int, Future[str]] = {}
        self._next_id = 0
        self._pictures: OrderedDict[str, Future[str]] = OrderedDict()

    def picture(self, spec_json: str) -> Future[str]:
        """The picture of this specification: kept, being drawn, or asked for now."""
        with self._lock:
            kept = self._pictures.get(spec_json)
            if kept is not None:
                self._pictures.move_to_end(spec_json)
                return kept
            future: Future[str] = Future()
            self._pictures[spec_json] = future
            while len(self._pictures) > KEPT:
                self._pictures.popitem(last=False)
            if not self._send(spec_json, future):
                future.set_exception(_NotDrawn())
            return future

    def replace(self, spec_json: str, failed: Future[str], svg: str) -> None:
        """Keep a picture drawn here in place of one the child did not deliver."""
        with self._lock:
            if self._pictures.get(spec_json) is failed:
                done: Future[str] = Future()
                done.set_result(svg)
                self._pictures[spec_json] = done

    def _send(self, spec_json: str, future: Future[str]) -> bool:
        child = self._child if self._child is not None and self._child.poll() is None else self._start()
        if child is None:
            return False
        self._next_id += 1
        self._waiting[self._next_id] = future
        try:
            assert child.stdin is not None
            child.stdin.write(f'{{"id": {self._next_id}, "spec": {spec_json}}}\n')
            child.stdin.flush()
        except (OSError, ValueError):
            self._waiting.pop(self._next_id, None)
            return False
        return True

    def _start(self) -> subprocess.Popen[str] | None:
        if time.monotonic() - self._died_at < RESTART_AFTER_SECONDS:
            return None
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "ui.chart_drawer"], cwd=_ROOT, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1, env=_child_environment(),
            )  # fmt: skip
        except OSError:
            self._died_at = time.monotonic()
            return None
        self._child = child
        threading.Thread(target=self._read, args=(child,), name="chart-drawer", daemon=True).start()
        return child

    def _read(self, child: subprocess.Popen[str]) -> None:
        """The child's answers, one per line, until it ends; then whatever it owed fails."""
        assert child.stdout is not None
        for line in child.stdout:
            answer = json.loads(line)
            with self._lock:
                future = self._waiting.pop(answer["id"], None)
            if future is None:
                continue
            if "svg" in answer:
                future.set_result(answer["svg"])
            else:
                future.set_exception(DrawingFailed(answer.get("error", "")))
        with self._lock:
            if self._child is child:
                self._child = None
                self._died_at = time.monotonic()
            owed, self._waiting = self._waiting, {}
            for spec, kept in list(self._pictures.items()):
                if not kept.done():
                    del self._pictures[spec]
        for future in owed.values():
            future.set_exception(_NotDrawn())
        child.wait()  # reaped: no zombie left behind


_DRAWER = _Drawer()


def draw(spec_json: str) -> str:
    """The picture (SVG markup) of this Vega-Lite specification: kept, or drawn by the child."""
    future = _DRAWER.picture(spec_json)
    try:
        return future.result(timeout=WAIT_SECONDS)
    except (_NotDrawn, TimeoutError):
        pass
    svg = _convert(json.loads(spec_json))
    _DRAWER.replace(spec_json, future, svg)
    return svg


def draw_ahead(spec_json: str) -> None:
    """Have the picture drawn now, for a page that will show it later; returns at once."""
    _DRAWER.picture(spec_json)


def _serve(requests: IO[str], answers: IO[str]) -> None:
    """The child: draw each specification read, answer with its picture or the error."""
    with contextlib.suppress(OSError):  # not allowed here: draw at the same priority
        os.nice(10)
    for line in requests:
        request = json.loads(line)
        try:
            answer = {"id": request["id"], "svg": _convert(request["spec"])}
        except Exception as error:  # noqa: BLE001 - the converter's own errors: told to the server
            answer = {"id": request["id"], "error": str(error) or type(error).__name__}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    _serve(sys.stdin, sys.stdout)
