"""App servers for the browser tests, forked from a parent that has already imported the app.

Why: every `streamlit run server.py` spent ~1.7 s of CPU importing Streamlit, SQLAlchemy, SQLModel
and this app's models before it answered, and its first page runs imported the pages' modules
on top; the suite starts about a hundred servers, two at a time on a two-core machine. One
parent per pytest worker (started on the first request) imports those modules once and then
forks a server per request: the child is `streamlit run server.py` exactly as the command line
runs it (the same `streamlit.web.cli.main`, arguments, working directory and environment), only
without the imports.

What keeps a forked server the same as a started one:
- The parent only imports: no engine, thread, event loop, file or Streamlit setting exists in it
  before a fork (Streamlit reads its settings in `cli.main`, in the child, from the child's
  environment and flags). If the parent has more than one thread (a library started one), it
  says so and the tests start servers the old way.
- The child gets its own session (its process group, which `stop()` signals), its own standard
  output (the test's log), the environment the test asked for, and SIGTERM when the parent ends;
  the parent gets SIGTERM when this pytest worker ends (Linux PR_SET_PDEATHSIG both times).
- Nothing of the pages' heavy libraries (pandas, pyarrow, Altair, the chart converter) is
  imported in the parent: some start threads of their own, which a fork does not copy.

`SAMPLAN_E2E_FORK=0` starts every server the old way (`python -m streamlit run`).
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 120.0

# The parent: imports, reports, then forks one server per request line (JSON) on its standard
# input and answers each with the child's pid. Its children are reaped by the kernel (SIGCHLD
# ignored in the parent, restored in each child, whose own subprocesses it waits for).
_PARENT = r"""
import ctypes, importlib, json, os, pkgutil, signal, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: end with the pytest worker
if os.getppid() != int(sys.argv[1]):
    sys.exit("pytest is gone")
root = sys.argv[2]
sys.path.insert(0, root)
os.chdir(root)
# Libraries that start threads of their own when imported (numpy's BLAS) or that the pages load
# with them are not imported here: a module of this app that needs one at import is left to the
# child (its import fails here and is forgotten). Neither this app nor these imports swallow
# such an ImportError.
LEFT = ("numpy", "pandas", "pyarrow", "altair", "vl_convert", "narwhals", "polars")
class Leave:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in LEFT:
            raise ImportError(f"{name} is imported by the server itself")
        return None
sys.meta_path.insert(0, Leave())
for name in ("streamlit", "streamlit.web.cli", "streamlit.web.bootstrap", "streamlit.runtime",
             "uvicorn", "starlette.applications", "sqlalchemy", "sqlmodel", "alembic.command", "argon2"):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
for package in ("models", "ui", "exports"):
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__, package + "."):
        try:
            importlib.import_module(info.name)
        except ImportError:
            pass
sys.meta_path.remove(next(finder for finder in sys.meta_path if isinstance(finder, Leave)))
heavy = sorted(n for n in LEFT if n in sys.modules)
tasks = len(os.listdir("/proc/self/task"))
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
print(json.dumps({"ready": True, "tasks": tasks, "threads": threading.active_count(), "heavy": heavy}),
      flush=True)
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.setsid()
            libc.prctl(1, signal.SIGTERM)  # end with the parent
            log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.close(log)
            nothing = os.open(os.devnull, os.O_RDONLY)
            os.dup2(nothing, 0)
            os.close(nothing)
            sys.stdout.reconfigure(line_buffering=True)
            sys.stderr.reconfigure(line_buffering=True)
            os.environ.clear()
            os.environ.update(request["env"])
            os.chdir(request["cwd"])
            sys.argv = ["streamlit", *request["args"]]
            from streamlit.web import cli
            cli.main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except BaseException:
            import traceback
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
"""


class ForkedServer:
    """What the tests use of subprocess.Popen, for a server this process did not start itself:
    `pid` (its process group too), `poll()` and `wait()`. Its exit status is not known here (the
    kernel reaps it), so an exit shows as returncode -1."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1
            except PermissionError:  # a pid taken again by someone else's process: ours is gone
                self.returncode = -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"streamlit (pid {self.pid})", timeout or 0.0)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]


class _Parent:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self.refused: str | None = None  # why forking is not used in this worker

    def _start(self) -> subprocess.Popen | None:
        process = subprocess.Popen(
            [sys.executable, "-c", _PARENT, str(os.getpid()), str(ROOT)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        assert process.stdout is not None
        line = _read_line(process, READY_SECONDS)
        report = json.loads(line) if line else {}
        if not report.get("ready") or report.get("tasks") != 1 or report.get("heavy"):
            self.refused = f"the parent could not be used: {report or 'no answer'}"
            _end(process)
            return None
        atexit.register(_end, process)
        return process

    def fork(self, args: list[str], env: dict[str, str], cwd: Path, log: Path) -> ForkedServer | None:
        with self._lock:
            if self.refused is not None:
                return None
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
                if self._process is None:
                    return None
            assert self._process.stdin is not None
            request = {"args": args, "env": env, "cwd": str(cwd), "log": str(log)}
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = _read_line(self._process, READY_SECONDS)
            if not line:
                self.refused = "the parent did not answer"
                _end(self._process)
                return None
            return ForkedServer(json.loads(line)["pid"])


def _read_line(process: subprocess.Popen, seconds: float) -> str:
    """One line of the parent's answer, or "" if it ended or took longer than `seconds`."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(seconds)
    return result[0] if result else ""


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


_parent = _Parent()


def fork_server(args: list[str], env: dict[str, str], log: Path) -> ForkedServer | None:
    """`streamlit <args>` in ROOT with exactly `env`, output to `log`: a forked server, or None
    when forking is off (SAMPLAN_E2E_FORK=0) or not possible here (then start it the old way)."""
    if os.environ.get("SAMPLAN_E2E_FORK", "1") == "0" or sys.platform != "linux":
        return None
    return _parent.fork(args, env, ROOT, log)
