"""`streamlit run` with the server's own timing of every script run, for the browser benchmark.

    python -m bench.serve TIMINGS.jsonl run app.py --server.port ...

Before Streamlit's command line starts, two places of its script runner are wrapped (nothing in
the app changes): the script itself (`exec_func_with_error_handling`, what Streamlit calls to run
app.py and the page) and what the runner does after it (`_on_script_finished`: the "finished"
message, orphan clean-up and, while `runner.postScriptGC` is on, a full garbage collection).
Each run appends one JSON line: the browser session, the wall-clock time the run started and
ended (time.time(), comparable with the benchmark's process on the same machine), the script's
milliseconds, and the milliseconds after it, of them the garbage collection's.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any


def install(timings: Path) -> None:
    from streamlit.runtime.scriptrunner import script_runner

    lock = threading.Lock()
    output = timings.open("a", encoding="utf-8", buffering=1)  # a line at a time, for the reader
    local = threading.local()  # the script thread's run in progress
    original_exec = script_runner.exec_func_with_error_handling
    original_finished = script_runner.ScriptRunner._on_script_finished
    original_collect = gc.collect

    def timed_exec(func: Any, ctx: Any) -> Any:
        local.started = time.time()
        began = time.perf_counter()
        try:
            return original_exec(func, ctx)
        finally:
            local.script_ms = (time.perf_counter() - began) * 1000
            local.gc_ms = 0.0

    def timed_collect(*args: Any, **kwargs: Any) -> int:
        began = time.perf_counter()
        try:
            return original_collect(*args, **kwargs)
        finally:
            if hasattr(local, "gc_ms"):
                local.gc_ms += (time.perf_counter() - began) * 1000

    def timed_finished(self: Any, ctx: Any, event: Any, premature_stop: bool, run_descriptor: Any) -> None:
        began = time.perf_counter()
        try:
            original_finished(self, ctx, event, premature_stop, run_descriptor)
        finally:
            record = {
                "session": getattr(self, "_session_id", None),
                "started": getattr(local, "started", None),
                "ended": time.time(),
                "script_ms": getattr(local, "script_ms", None),
                "after_ms": (time.perf_counter() - began) * 1000,
                "gc_ms": getattr(local, "gc_ms", 0.0),
                "event": getattr(event, "name", str(event)),
            }
            for name in ("started", "script_ms", "gc_ms"):
                if hasattr(local, name):
                    delattr(local, name)
            with lock:
                output.write(json.dumps(record) + "\n")

    script_runner.exec_func_with_error_handling = timed_exec
    script_runner.ScriptRunner._on_script_finished = timed_finished
    gc.collect = timed_collect


def main() -> None:
    timings, arguments = Path(sys.argv[1]), sys.argv[2:]
    install(timings)
    from streamlit.web import cli

    sys.argv = ["streamlit", *arguments]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
