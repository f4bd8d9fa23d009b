"""Many users on one app process against the same users split between two (issue 22, point 3).

    bash scripts/with-postgres .venv/bin/python -m bench.scaleout --scale 1 --seconds 60
    make bench ONLY=scaleout          # the same inside the whole benchmark (PostgreSQL only)

Both set-ups are what docs/deploy.md ships and `make scaleout` starts (scripts/scaleout.py):
nginx over TLS running deploy/nginx/samplan.conf in front of `streamlit run server.py`, on the
benchmark's full-scale PostgreSQL database (bench/build.py). The one-process baseline is the
same site with both backends pointing at one process, so nginx and TLS cost the same on both
sides. The users are the many-users part's (bench/users.py) over Streamlit's own websocket
(bench/protocol.py, no browsers: 30 Chromium contexts would take the two cores), each a
different staff user doing Opfølgning → choose a row → save → Mine borgere → Planen → …; nginx
gives each new websocket to the process with the fewest open ones, so 30 users split 15/15.

The two set-ups run side by side and take turns at each think time (in alternating order), so
a shared machine's drift falls on both alike. Throughput "at the same p95": a closed loop's
throughput depends on the think time, so each set-up runs the same users at several think times
(the usual 2 s ± 1 s, then shorter, down to none), which traces its curve of interactions per
second against p95. The figure compared is the throughput each set-up reaches while its p95
stays within a bound (--p95-ms; by default the p95 of one process at its highest throughput,
i.e. saturated), read off the curve (linear between measured points). Their ratio is the
scale-out (the issue asks for >= 1.8x). Per run also the CPU share of the app processes, nginx,
PostgreSQL and this client, and the clicks per second of app CPU ("/app core"): equal on both
set-ups means the processes scale with the CPU they get. On a 2-core machine the client and
PostgreSQL share the cores with the two app processes, which caps what a second process can add;
the report says how much of the machine was busy.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import websockets

from bench import users as many
from bench.browser import Sample, run_to_end
from bench.protocol import Client
from scripts.scaleout import ScaleOut, insecure_context, running

ROOT = Path(__file__).resolve().parents[1]
USERS = 30
SECONDS = 60.0
# Think times in seconds, uniform; the first is bench/users.py's, the last a saturating loop.
THINK_LEVELS = ((1.0, 3.0), (0.5, 1.5), (0.2, 0.6), (0.0, 0.0))
SEED = 20261202


class TlsClient(Client):
    """bench/protocol.py's client through nginx: wss:// and the set-up's self-signed certificate."""

    async def open(self, query_string: str = "") -> Any:
        address = self.base_url.replace("https://", "wss://").rstrip("/") + "/_stcore/stream"
        self._socket = await websockets.connect(address, subprotocols=["streamlit"], max_size=None,
                                                open_timeout=self.timeout,
                                                ssl=insecure_context())  # fmt: skip
        self.query_string = query_string
        return await self.rerun()


async def _log_in(url: str, user: many.StaffUser, password: str) -> TlsClient:
    """bench/users.py's protocol login, through the proxy."""
    return await many.log_in_over(TlsClient(url), user, password)


async def _work(client: TlsClient, url: str, user: many.StaffUser, password: str, deadline: float,
                rng: random.Random, think: tuple[float, float]) -> tuple[list[Sample], int]:  # fmt: skip
    """bench/users.py's protocol loop (same cycle and steps) with this run's think time."""
    return await many.work_over_protocol(client, lambda: _log_in(url, user, password), deadline, rng, think)


class SetupMeter(many.Meter):
    """bench/users.py's meter over every app process (as "server"), nginx, PostgreSQL and this one."""

    def __init__(self, setup: ScaleOut, database_url: str) -> None:
        super().__init__(setup.processes[0].pid, database_url)
        self.roots = {p.pid: "server" for p in setup.processes} | {setup.nginx_pid: "nginx"}

    def _sample(self) -> None:
        table = many._processes()
        roots = {**self.roots, os.getpid(): "bench"}
        if self.postmaster and self.postmaster in table:
            roots[self.postmaster] = "postgresql"
        for root, group in roots.items():
            pids = {root} if group == "bench" else many._descendants(root, table) | {root}
            for pid in pids & table.keys():
                self.first.setdefault(pid, table[pid][2])
                self.last[pid] = (group, table[pid][2])
        self.rss.append(sum(many.tree_rss_mb(pid, table=table) for pid, group in self.roots.items()
                            if group == "server"))  # fmt: skip


@dataclass
class _Server:  # what bench/users.py's _outcome needs to read the logs
    log: Path


async def _run(setup: ScaleOut, database_url: str, staff: list[many.StaffUser], think: tuple[float, float],
               seconds: float, seed: int) -> dict[str, Any]:  # fmt: skip
    from bench.build import BENCH_PASSWORD

    access_log = Path(setup.workdir) / "access.log"
    logged_before = access_log.stat().st_size if access_log.exists() else 0
    clients = [await _log_in(setup.url, user, BENCH_PASSWORD) for user in staff]
    before = many._last_event_id(database_url)
    meter = SetupMeter(setup, database_url)
    meter.start()
    deadline = time.monotonic() + seconds
    metering = asyncio.create_task(meter.run(deadline))
    done = await asyncio.gather(*(
        _work(client, setup.url, user, BENCH_PASSWORD, deadline, random.Random(seed * 1000 + n), think)
        for n, (client, user) in enumerate(zip(clients, staff, strict=True))
    ), return_exceptions=True)  # fmt: skip
    machine = meter.stop()
    metering.cancel()
    logs = [many._log_errors(Path(p.log)) for p in setup.processes]
    excerpt = [line for x in logs for line in x["excerpt"]][:8]
    log = {"lines": sum(x["lines"] for x in logs), "excerpt": excerpt}
    result = many._outcome(database_url, staff, seconds, done, before, log, machine)
    result["think_seconds"] = list(think)
    # How nginx split the users: each websocket is one access log line when it closes.
    with access_log.open(encoding="utf-8") as log_file:
        log_file.seek(logged_before)
        streams = [line.rsplit(" ", 1)[-1].strip() for line in log_file if "/_stcore/stream" in line]
    result["websockets_per_process"] = {addr: streams.count(addr) for addr in sorted(set(streams))}
    result["throughput_per_second"] = result["ms"].get("n", 0) / seconds
    # Clicks per second of app CPU: equal on both set-ups means the processes scale with the CPU
    # they get, whatever else the machine is doing.
    app_cores = result["cpu_seconds"].get("server", 0.0) / max(1e-9, result["measured_seconds"])
    result["throughput_per_app_core"] = result["throughput_per_second"] / max(1e-9, app_cores)
    result["load_after"] = os.getloadavg()
    return result


def capacity_at(points: list[tuple[float, float]], bound_ms: float) -> float | None:
    """The throughput a set-up reaches with p95 <= bound, from its measured (p95, throughput)
    points: the best measured point within the bound, or the line between the last point within
    it and the first beyond it where that line crosses the bound. None if no point is within."""
    ordered = sorted(points, key=lambda point: point[1])
    best = None
    for (p95_a, tput_a), (p95_b, tput_b) in zip(ordered, ordered[1:] + [(float("inf"), 0.0)], strict=True):
        if p95_a > bound_ms:
            continue
        best = max(best or 0.0, tput_a)
        if p95_b > bound_ms and p95_b != float("inf") and tput_b > tput_a:
            best = max(best, tput_a + (tput_b - tput_a) * (bound_ms - p95_a) / (p95_b - p95_a))
    return best


def measure_scaleout(database_url: str, *, users: int = USERS, seconds: float = SECONDS,
                     think_levels: tuple[tuple[float, float], ...] = THINK_LEVELS,
                     p95_bound_ms: float | None = None, seed: int = SEED) -> dict[str, Any]:  # fmt: skip
    """One process and two, at every think level, on `database_url` (PostgreSQL). Both set-ups
    run side by side (the idle one costs nothing) and take turns at each level, in alternating
    order, so a machine that gets busier or quieter over the run affects both alike."""
    staff = many.staff_users(database_url, users)
    result: dict[str, Any] = {"users": len(staff), "seconds": seconds, "cores": os.cpu_count(),
                              "load_before": os.getloadavg(), "setups": {"1": [], "2": []}}
    workdir = Path(tempfile.mkdtemp(prefix="samplan-bench-scaleout-"))
    with contextlib.ExitStack() as stack:
        setups = {n: stack.enter_context(running(database_url, processes=n, workdir=workdir / f"p{n}"))
                  for n in (1, 2)}  # fmt: skip
        for level, think in enumerate(think_levels):
            for processes in (1, 2) if level % 2 == 0 else (2, 1):
                print(f"[scaleout] {processes} process(es), {len(staff)} users, think {think} s ...",
                      file=sys.stderr, flush=True)  # fmt: skip
                try:
                    run = run_to_end(_run(setups[processes], database_url, staff, think, seconds, seed))
                except Exception as error:  # noqa: BLE001 - a failed run is reported, not fatal
                    run = {"think_seconds": list(think), "failed": f"{type(error).__name__}: {error}"[:400]}
                result["setups"][str(processes)].append(run)
    one = [r for r in result["setups"]["1"] if "failed" not in r and r["ms"]]
    two = [r for r in result["setups"]["2"] if "failed" not in r and r["ms"]]
    busiest = max(one, key=lambda r: r["throughput_per_second"], default=None)
    bound = p95_bound_ms if p95_bound_ms is not None else (busiest["ms"]["p95"] if busiest else None)
    result["p95_bound_ms"] = bound
    if bound is not None:
        single = capacity_at([(r["ms"]["p95"], r["throughput_per_second"]) for r in one], bound)
        double = capacity_at([(r["ms"]["p95"], r["throughput_per_second"]) for r in two], bound)
        result["throughput_at_bound"] = {"1": single, "2": double}
        result["ratio"] = double / single if single and double else None
    return result


def scaleout_table(scaleout: dict[str, Any] | None) -> list[str]:
    """The scale-out part as lines for bench/run.py's table."""
    if not scaleout:
        return []
    lines = [f"  scale-out: {scaleout['users']} users over the websocket through nginx (TLS), one app "
             f"process vs two ({scaleout['seconds']:.0f} s per run, {scaleout['cores']} cores)",
             f"  {'procs':>5} {'think s':>8} {'clicks/s':>8} {'p50':>7} {'p95':>7} {'errors':>6} "
             f"{'saved':>9} {'/app core':>9} {'CPU: app':>8} {'nginx':>5} {'pg':>4} {'client':>6} "
             f"{'machine':>7}  split"]  # fmt: skip
    for processes, runs in scaleout["setups"].items():
        for run in runs:
            think = "-".join(f"{t:g}" for t in run["think_seconds"])
            if "failed" in run:
                lines.append(f"  {processes:>5} {think:>8} FAILED: {run['failed'][:150]}")
                continue
            ms, share = run["ms"], run["share_of_machine"]
            lines.append(f"  {processes:>5} {think:>8} {run['throughput_per_second']:>8.1f} "
                         f"{ms.get('p50', float('nan')):>5.0f}ms {ms.get('p95', float('nan')):>5.0f}ms "
                         f"{run['errors']:>6} {run['saves_in_database']:>4}/{run['saves_confirmed']:<4} "
                         f"{run.get('throughput_per_app_core', float('nan')):>9.1f} "
                         f"{share.get('server', 0):>8.0%} {share.get('nginx', 0):>5.0%} "
                         f"{share.get('postgresql', 0):>4.0%} {share.get('bench', 0):>6.0%} "
                         f"{run['machine_busy_share']:>7.0%}  "
                         f"{'/'.join(map(str, run.get('websockets_per_process', {}).values()))}")  # fmt: skip
    at = scaleout.get("throughput_at_bound") or {}
    ratio = scaleout.get("ratio")
    if scaleout.get("p95_bound_ms") is not None:
        def fmt(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f}/s"
        bound = scaleout["p95_bound_ms"]
        lines.append(f"  throughput with p95 <= {bound:.0f} ms: one process {fmt(at.get('1'))}, "
                     f"two {fmt(at.get('2'))}: x{ratio:.2f} (target >= 1.8)" if ratio else
                     f"  throughput with p95 <= {bound:.0f} ms: one {fmt(at.get('1'))}, "
                     f"two {fmt(at.get('2'))}")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="database size (bench/build.py)")
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="per run")
    parser.add_argument("--p95-ms", type=float, help="the p95 bound (default: one process saturated)")
    parser.add_argument("--reuse", help="an already built database URL (skips the build)")
    args = parser.parse_args(argv)
    if args.reuse:
        url = args.reuse
    else:
        from sqlalchemy.engine import make_url

        from bench.build import build

        admin = os.environ.get("SAMPLAN_TEST_POSTGRES_URL", "")
        if not admin:
            raise SystemExit("run it through scripts/with-postgres (the set-up is PostgreSQL)")
        url = make_url(admin).set(drivername="postgresql+psycopg", database="bench_scaleout")
        url = url.render_as_string(hide_password=False)
        print(f"[scaleout] building the database (scale {args.scale}) ...", file=sys.stderr, flush=True)
        build(url, scale=args.scale)
    result = measure_scaleout(url, users=args.users, seconds=args.seconds, p95_bound_ms=args.p95_ms)
    result["scale"] = args.scale
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    path = out / f"scaleout-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print("\n".join(scaleout_table(result)))
    print(f"\nFigures written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
