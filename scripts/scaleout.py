"""Several Samplan processes behind nginx on one PostgreSQL, started locally without root.

    make scaleout                      # scripts/with-postgres + this: https://127.0.0.1:8443/
    python -m scripts.scaleout --help

What it starts, and stops again on Ctrl-C or SIGTERM (issue 22, point 3; docs/deploy.md):
- the database: SAMPLAN_DATABASE_URL if it names PostgreSQL, otherwise the database
  `samplan_scaleout` on the server SAMPLAN_TEST_POSTGRES_URL names (scripts/with-postgres);
  migrated once before the processes start;
- PROCESSES × `streamlit run server.py` on 127.0.0.1, each with the same cookie secret
  (STREAMLIT_SERVER_COOKIE_SECRET if set, otherwise a random one made for this run and kept in
  no file), SAMPLAN_PROCESSES and SAMPLAN_BEHIND_TLS=1, as deploy/systemd/samplan@.service does;
- nginx as the calling user with everything under a temporary prefix (`-p`, its pid file, logs
  and temp paths there, ports above 1024) running deploy/nginx/samplan.conf itself — only the
  ports, the name and the certificate (a self-signed one made here) replaced, and each
  replacement must match, so a change to the shipped file cannot leave the tests behind.

It writes a JSON state file (--state) once everything answers: the https address, the database,
each app process's port, pid and route. tests/e2e/test_scaleout.py and bench/scaleout.py use
`running()` directly.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx" / "samplan.conf"
NGINX = Path(os.environ.get("SAMPLAN_NGINX", "/usr/sbin/nginx"))
SHIPPED_PORTS = ("8501", "8502")  # the app ports in the shipped site, in route order "1", "2"
START_SECONDS = 120.0
STOP_SECONDS = 10.0
SCRATCH_DATABASE = "samplan_scaleout"

NGINX_MAIN = """\
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    default_type application/octet-stream;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/samplan.conf;
}}
"""


@dataclass
class AppProcess:
    route: str  # "1", "2": the samplan_route cookie nginx gives browsers it sends here
    port: int
    pid: int
    log: str


@dataclass
class ScaleOut:
    url: str  # https://127.0.0.1:PORT/ (nginx, TLS)
    http_url: str  # nginx's plain-HTTP listener: redirects to https
    database_url: str
    workdir: str
    nginx_pid: int
    processes: list[AppProcess] = field(default_factory=list)
    _popen: dict[int, subprocess.Popen] = field(default_factory=dict, repr=False)

    def kill(self, route: str) -> None:
        """SIGKILL one app process (and anything it started), as a crash would."""
        process = next(p for p in self.processes if p.route == route)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        self._popen[process.pid].wait(timeout=STOP_SECONDS)

    def state(self) -> dict[str, object]:
        return {"url": self.url, "http_url": self.http_url, "database_url": self.database_url,
                "workdir": self.workdir, "nginx_pid": self.nginx_pid,
                "processes": [asdict(p) for p in self.processes]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def render_site(*, app_ports: Sequence[int], https_port: int, http_port: int, certificate: Path,
                key: Path, access_log: Path) -> str:  # fmt: skip
    """deploy/nginx/samplan.conf with local ports, name and certificate. With one app port, both
    shipped backends point at it (the one-process baseline of the benchmark)."""
    ports = [str(p) for p in app_ports] * (2 if len(app_ports) == 1 else 1)
    if len(ports) != len(SHIPPED_PORTS):
        raise ValueError(f"the shipped site has {len(SHIPPED_PORTS)} app processes, not {len(app_ports)}")
    site = SITE.read_text(encoding="utf-8")
    replacements = [
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("server_name samplan.kommune.example;", "server_name 127.0.0.1 localhost;"),
        ("/etc/ssl/certs/samplan.kommune.example.pem", str(certificate)),
        ("/etc/ssl/private/samplan.kommune.example.key", str(key)),
        ("/var/log/nginx/samplan.access.log", str(access_log)),
    ]
    for shipped, port in zip(SHIPPED_PORTS, ports, strict=True):
        replacements += [(f"127.0.0.1:{shipped}", f"127.0.0.1:{port}"), (f'"~:{shipped}$"', f'"~:{port}$"')]
    for old, new in replacements:
        if old not in site:
            raise ValueError(f"{SITE.relative_to(ROOT)} no longer holds {old!r}: update scripts/scaleout.py")
        site = site.replace(old, new)
    if len(app_ports) == 1:  # one process: no backup of itself; the same map entry twice is harmless
        site = site.replace(f"    server 127.0.0.1:{ports[0]} backup;\n", "")
        site = site.replace(f"    server 127.0.0.1:{ports[0]} max_fails=1 fail_timeout=10s;\n", "", 1)
    return site


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "tls.pem", directory / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key),
         "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def postgres_url() -> str:
    """The PostgreSQL database to use (see the module docstring); created when missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    own = os.environ.get("SAMPLAN_DATABASE_URL", "").strip()
    if own.startswith(("postgresql", "postgres:")):
        return own
    admin = os.environ.get("SAMPLAN_TEST_POSTGRES_URL", "").strip()
    if not admin:
        raise SystemExit("scaleout needs PostgreSQL: set SAMPLAN_DATABASE_URL=postgresql://... or run it "
                         "through scripts/with-postgres (make scaleout does).")
    admin_url = make_url(admin).set(drivername="postgresql+psycopg")
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": SCRATCH_DATABASE}).first()  # fmt: skip
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{SCRATCH_DATABASE}"'))
    engine.dispose()
    return admin_url.set(database=SCRATCH_DATABASE).render_as_string(hide_password=False)


def _answers(url: str, context: ssl.SSLContext | None = None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5, context=context) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, ssl.SSLError):
        return False


def _wait(url: str, popen: subprocess.Popen, log: Path, context: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not _answers(url, context):
        if popen.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{url} did not answer (exit {popen.poll()}):\n{tail}")
        time.sleep(0.1)


def _stop(popen: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(popen.pid, sig)
        try:
            popen.wait(timeout=STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


def insecure_context() -> ssl.SSLContext:
    """For talking to the local set-up's self-signed certificate (never for anything else)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@contextlib.contextmanager
def running(database_url: str, *, processes: int = 2, workdir: Path | None = None, https_port: int = 0,
            launcher: Sequence[str] = (),
            app_command: Sequence[str] = ("-m", "streamlit", "run", "server.py"),
            extra_env: dict[str, str] | None = None) -> Iterator[ScaleOut]:  # fmt: skip
    """Migrate once, start `processes` app processes and nginx, yield the set-up, stop it all.
    `launcher` goes before the app's arguments (the tests' parent-death launcher); `app_command`
    replaces `-m streamlit run server.py` (the benchmark's timed server)."""
    from models.migrate import upgrade_database

    own_dir = workdir is None
    work = Path(tempfile.mkdtemp(prefix="samplan-scaleout-")) if workdir is None else workdir
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    upgrade_database(database_url)  # once, before the processes (they would take turns anyway)
    secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_urlsafe(48)
    popens: list[subprocess.Popen] = []
    try:
        setup_ports = [free_port() for _ in range(processes)]
        https_port = https_port or free_port()
        http_port = free_port()
        env = {**os.environ, **(extra_env or {}), "SAMPLAN_DATABASE_URL": database_url,
               "STREAMLIT_SERVER_COOKIE_SECRET": secret, "SAMPLAN_PROCESSES": str(processes),
               "SAMPLAN_BEHIND_TLS": "1", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}  # fmt: skip
        apps = []
        for number, port in enumerate(setup_ports, start=1):
            log = work / f"app-{number}.log"
            command = [sys.executable, *launcher, *app_command, "--server.headless", "true",
                       "--server.address", "127.0.0.1", "--server.port", str(port),
                       "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]  # fmt: skip
            with log.open("wb") as output:
                popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                         start_new_session=True)  # fmt: skip
            popens.append(popen)
            apps.append(AppProcess(str(number), port, popen.pid, str(log)))
        certificate, key = self_signed_certificate(work)
        (work / "samplan.conf").write_text(render_site(
            app_ports=setup_ports, https_port=https_port, http_port=http_port, certificate=certificate,
            key=key, access_log=work / "access.log"), encoding="utf-8")  # fmt: skip
        user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # root: workers stay this user
        (work / "nginx.conf").write_text(NGINX_MAIN.format(prefix=work, user=user), encoding="utf-8")
        if not NGINX.exists():
            raise RuntimeError(f"{NGINX} not found: apt-get install -y nginx (as .ci/run does)")
        nginx_command = [str(NGINX), "-p", str(work), "-c", str(work / "nginx.conf"),
                         "-e", str(work / "error.log")]  # fmt: skip
        checked = subprocess.run([*nginx_command, "-t", "-q"], capture_output=True, text=True, check=False)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {checked.stderr}")
        with (work / "nginx.out").open("wb") as output:
            nginx = subprocess.Popen([*nginx_command, "-g", "daemon off;"], stdout=output,
                                     stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        popens.append(nginx)
        for app, popen in zip(apps, popens, strict=False):
            _wait(f"http://127.0.0.1:{app.port}/_stcore/health", popen, Path(app.log))
        _wait(f"https://127.0.0.1:{https_port}/_stcore/health", nginx, work / "error.log",
              insecure_context())  # fmt: skip
        setup = ScaleOut(f"https://127.0.0.1:{https_port}/", f"http://127.0.0.1:{http_port}/", database_url,
                         str(work), nginx.pid, apps, {p.pid: p for p in popens})  # fmt: skip
        yield setup
    finally:
        for popen in reversed(popens):
            _stop(popen)
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.scaleout",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--processes", type=int, default=2, help="app processes (the shipped site has 2)")
    parser.add_argument("--port", type=int, default=8443, help="nginx's https port (> 1024: no root needed)")
    parser.add_argument("--state", type=Path, help="write the set-up as JSON here once it answers")
    parser.add_argument("--demo", action="store_true", help="load the fictional demo data first")
    args = parser.parse_args(argv)
    url = postgres_url()
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, frame: stopping.append(number))
    if args.demo:
        from models.migrate import upgrade_database

        upgrade_database(url)
        subprocess.run([str(ROOT / ".venv" / "bin" / "samplan"), "demo"], cwd=ROOT, check=False,
                       env={**os.environ, "SAMPLAN_DATABASE_URL": url})  # fmt: skip
    with running(url, processes=args.processes, https_port=args.port) as setup:
        if args.state:
            args.state.write_text(json.dumps(setup.state(), indent=2) + "\n", encoding="utf-8")
        print(f"Samplan: {setup.url} (nginx, self-signed certificate) -> "
              + ", ".join(f"process {p.route} on 127.0.0.1:{p.port}" for p in setup.processes)
              + f"; logs in {setup.workdir}. Ctrl-C stops it all.", flush=True)  # fmt: skip
        try:
            while not stopping:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
