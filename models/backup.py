"""Backups that are consistent while the app is in use.

SQLite: sqlite3's online backup API copies a consistent snapshot page by page while other
connections keep writing (WAL lets them), unlike a file copy, which can catch a half-written
page or miss the WAL file. The copy is switched to a single self-contained file (journal_mode
DELETE) and checked with PRAGMA integrity_check before it replaces anything.

The target goes through models.safe_output like every file the command line writes: never the
database itself or its -wal/-shm/-journal file (a backup written over the live database left
it malformed at the next start), never over an existing file unless `force`, written to a
temporary file in the same folder and renamed into place.

A backup holds every citizen's data: `create_backup` (the command line) leaves an audit row
"backup.create" (who: NULL for the command line; when); record_backup writes such a row for
other doors.

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
from sqlmodel import Session

from models import settings
from models.access import Actor, write_audit
from models.errors import UserError
from models.migrate import normalise_url
from models.safe_output import database_files, replacing, sqlite_file

PG_DUMP_TIMEOUT_SECONDS = 3600
BACKUP_ACTIONS = {"create": "backup.create", "download": "backup.download"}


def _resolve(url: str | None) -> URL:
    return make_url(normalise_url(url or settings.database_url()))


def _sqlite_path(url: URL) -> Path:
    path = sqlite_file(url.render_as_string(hide_password=False))
    if path is None:
        raise UserError("cli.backup_memory")
    return path


def backup_database(
    target_path: str | os.PathLike[str], url: str | None = None, *, force: bool = False
) -> Path:
    """Write a consistent backup of the database at `url` (default: the configured one) to
    `target_path` (see models.safe_output: an existing file only with `force`). Returns the
    real path written. Not audited: see create_backup and record_backup."""
    parsed = _resolve(url)
    if parsed.get_backend_name() == "sqlite":
        source = _sqlite_path(parsed)
        if not source.is_file():
            raise UserError("cli.file_unreadable", path=str(source))
        protect = database_files(parsed.render_as_string(hide_password=False))
        with replacing(target_path, force=force, protect=protect) as output:
            _copy_sqlite(source, output.temporary)
    elif parsed.get_backend_name() == "postgresql":
        program = find_pg_dump()
        if program is None:
            raise UserError("cli.pg_dump_missing")
        with replacing(target_path, force=force) as output:
            _pg_dump(program, parsed, output.temporary)
    else:
        raise UserError("cli.backup_failed", detail=parsed.get_backend_name())
    return output.target


def record_backup(session: Session, *, actor: Actor | None, kind: str = "create") -> None:
    """One audit row for a backup of the whole database, in the caller's transaction: who
    (user_id NULL for the command line), when, and which kind ("create": written to a file by
    the command line; "download": sent to a browser). No citizen id: it is every citizen."""
    write_audit(session, actor=actor, action=BACKUP_ACTIONS[kind], entity="database")


def create_backup(
    target_path: str | os.PathLike[str],
    *,
    actor: Actor | None,
    force: bool = False,
    url: str | None = None,
) -> Path:
    """`samplan backup`: backup_database, then its audit row in the database backed up."""
    from models.db import session_scope

    target = backup_database(target_path, url, force=force)
    with session_scope(write=True, url=url) as session:
        record_backup(session, actor=actor, kind="create")
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


def _copy_sqlite(source: Path, partial: Path) -> None:
    """A consistent copy of `source` into the (empty) file `partial`."""
    try:
        with (
            closing(sqlite3.connect(source, timeout=30)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            # pages=-1: one step, so the copy is one snapshot even if writers commit meanwhile.
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.Error as error:
        raise UserError("cli.backup_failed", detail=str(error)) from error
    if not ok:
        raise UserError("cli.backup_integrity")


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


def _pg_dump(program: str, url: URL, partial: Path) -> None:
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # libpq understands postgresql:// URLs; drop the SQLAlchemy driver name and the password.
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    try:
        result = subprocess.run(
            [program, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={dsn}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=PG_DUMP_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise UserError("cli.backup_failed", detail="pg_dump timeout") from error
    if result.returncode != 0:
        lines = (result.stderr or "").strip().splitlines()
        raise UserError("cli.backup_failed", detail=lines[-1] if lines else f"pg_dump {result.returncode}")
