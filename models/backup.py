"""Backups that are consistent while the app is in use.

SQLite: sqlite3's online backup API copies a consistent snapshot page by page while other
connections keep writing (WAL lets them), unlike a file copy, which can catch a half-written
page or miss the WAL file. The copy is written next to the target and renamed into place,
switched to a single self-contained file (journal_mode DELETE) and checked with
PRAGMA integrity_check before it replaces anything.

PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`). The password travels in
the environment (PGPASSWORD), never on the command line where `ps` would show it.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from models import settings
from models.errors import UserError
from models.migrate import normalise_url

PG_DUMP_TIMEOUT_SECONDS = 3600


def _resolve(url: str | None) -> URL:
    return make_url(normalise_url(url or settings.database_url()))


def _sqlite_path(url: URL) -> Path:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise UserError("cli.backup_memory")
    return Path(database)


def backup_database(target_path: str | os.PathLike[str], url: str | None = None) -> Path:
    """Write a consistent backup of the database at `url` (default: the configured one)."""
    target = Path(target_path).expanduser().resolve()
    parsed = _resolve(url)
    if parsed.get_backend_name() == "sqlite":
        _copy_sqlite(_sqlite_path(parsed), target)
    elif parsed.get_backend_name() == "postgresql":
        _pg_dump(parsed, target)
    else:
        raise UserError("cli.backup_failed", detail=parsed.get_backend_name())
    return target


def restore_database(source: str | os.PathLike[str], url: str | None = None) -> None:
    """Replace the SQLite database at `url` with the backup in `source` (the inverse of
    backup_database). Other connections see the restored data on their next transaction."""
    parsed = _resolve(url)
    if parsed.get_backend_name() != "sqlite":
        raise UserError("cli.restore_postgres")
    source_path = Path(source).expanduser().resolve()
    if not source_path.is_file():
        raise UserError("cli.file_unreadable", path=str(source))
    target = _sqlite_path(parsed)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with closing(sqlite3.connect(source_path)) as src:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise UserError("cli.backup_integrity")
            with closing(sqlite3.connect(target, timeout=30)) as dst:
                src.backup(dst)
    except sqlite3.Error as error:  # e.g. the file is not a database at all
        raise UserError("cli.backup_failed", detail=str(error)) from error


def _copy_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise UserError("cli.file_unreadable", path=str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            # pages=-1: one step, so the copy is one snapshot even if writers commit meanwhile.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if not ok:
            raise UserError("cli.backup_integrity")
        os.chmod(partial, 0o600)  # a backup holds personal data: owner only
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise UserError("cli.backup_failed", detail=str(error)) from error
    finally:
        partial.unlink(missing_ok=True)


def find_pg_dump() -> str | None:
    """pg_dump on PATH, else the newest one in Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("pg_dump")
    if found:
        return found
    candidates = glob.glob("/usr/lib/postgresql/*/bin/pg_dump")

    def version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.parent.name
        return tuple(int(part) for part in name.split(".") if part.isdigit())

    return max(candidates, key=version) if candidates else None


def _pg_dump(url: URL, target: Path) -> None:
    program = find_pg_dump()
    if program is None:
        raise UserError("cli.pg_dump_missing")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # libpq understands postgresql:// URLs; drop the SQLAlchemy driver name and the password.
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        result = subprocess.run(
            [program, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={dsn}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=PG_DUMP_TIMEOUT_SECONDS,
            check=False,
        )
        if result.returncode != 0:
            lines = (result.stderr or "").strip().splitlines()
            raise UserError(
                "cli.backup_failed", detail=lines[-1] if lines else f"pg_dump {result.returncode}"
            )
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except subprocess.TimeoutExpired as error:
        raise UserError("cli.backup_failed", detail="pg_dump timeout") from error
    finally:
        partial.unlink(missing_ok=True)
