"""`samplan remind` at municipal scale (issue 21: 100,000 agreements, <= 10 s, each notice once).

    .venv/bin/python -m bench.remind                  # SQLite, scale 1, in a temporary folder
    .venv/bin/python -m bench.remind --url postgresql://...   # an empty PostgreSQL database

Builds the benchmark database (bench/build.py), points Samplan at a real local SMTP server
(aiosmtpd, from the test extra), lets half of the staff choose the weekly digest (due now), and
times three runs at 09:00 Copenhagen time: the first of the day (every notice recorded, the
coordinators' escalation scan, every confirmed meeting noted, every mail sent), the next cron
run five minutes later (nothing new), and the first run of the next day. Then it checks that
no recipient got the same notice twice.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

TARGET_S = 10.0


def measure(url: str, *, scale: float) -> dict[str, float | int]:
    from sqlalchemy import func, select

    from bench.build import build
    from models.db import session_scope
    from models.reminders import run_reminders
    from models.tables import COPENHAGEN, MailSettings, ReminderNotice, ReminderPreference, UserAccount, today

    os.environ["SAMPLAN_DATABASE_URL"] = url
    started = time.perf_counter()
    info = build(url, scale=scale)
    built = time.perf_counter() - started
    with session_scope(write=True) as s:
        staff = s.execute(select(UserAccount.id).where(UserAccount.role == "staff").order_by(UserAccount.id))
        day = today()
        for n, user_id in enumerate(staff.scalars()):
            if n % 2:
                s.add(
                    ReminderPreference(
                        user_id=user_id, mode="digest", digest_weekday=day.weekday(), digest_hour=7
                    )
                )
    now = datetime.combine(day, clock(9), tzinfo=COPENHAGEN)
    figures: dict[str, float | int] = {"build_s": round(built, 1), "agreements": info.rows.get("action", 0)}
    with _smtp_process() as (received, port):
        with session_scope(write=True) as s:
            s.add(
                MailSettings(
                    id=1,
                    host="127.0.0.1",
                    port=port,
                    security="none",
                    sender="samplan@kommune.example",
                    base_url="https://samplan.kommune.example",
                )
            )
        twice = 0
        for name, moment in (
            ("first_run", now),
            ("next_run", now + timedelta(minutes=5)),
            ("next_day", now + timedelta(days=1)),
        ):
            before = len(received())
            began, cpu = time.perf_counter(), time.process_time()
            summary = run_reminders(now=moment)
            figures[f"{name}_s"] = round(time.perf_counter() - began, 2)
            figures[f"{name}_cpu_s"] = round(time.process_time() - cpu, 2)  # this process only
            figures[f"{name}_sent"] = summary.sent
            figures[f"{name}_recorded"] = summary.recorded
            figures[f"{name}_failed"] = summary.failed
            # Within one run a recipient gets each kind of mail once (the next day may repeat it).
            mails = Counter(received()[before:])
            twice += sum(1 for n in mails.values() if n > 1)
        figures["mails"] = len(received())
    with session_scope() as s:
        figures["notices"] = s.execute(select(func.count()).select_from(ReminderNotice)).scalar_one()
    figures["same_mail_twice_in_a_run"] = twice
    return figures


@contextmanager
def _smtp_process() -> Iterator[tuple[Callable[[], list[str]], int]]:
    """A real SMTP server in a process of its own (as a municipality's would be: not competing
    with the run for this process's interpreter), writing "to<TAB>subject" lines to a file."""
    from tests.smtp_server import free_port

    port = free_port()
    with tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        command = [sys.executable, "-m", "bench.remind", "--serve", str(port), log.name]
        server = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1])
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)

            def received() -> list[str]:
                return Path(log.name).read_text(encoding="utf-8").splitlines()

            yield received, port
        finally:
            server.terminate()
            server.wait(timeout=10)


def _serve(port: int, path: str) -> None:
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
            message = message_from_bytes(envelope.content, policy=policy.default)
            with open(path, "a", encoding="utf-8") as out:
                out.write(f"{message['To']}\t{message['Subject']}\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM})
    controller.stop()


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--serve"]:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        _serve(int(sys.argv[2]), sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--url", help="an empty database to build in (default: SQLite in a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench-remind.db'}"
        figures = measure(url, scale=args.scale)
    for name, value in figures.items():
        print(f"{name:>22}  {value}")
    ok = float(figures["first_run_s"]) <= TARGET_S and figures["same_mail_twice_in_a_run"] == 0
    print(f"{'target':>22}  first run <= {TARGET_S:.0f} s, no mail twice in a run: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
