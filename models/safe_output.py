"""The one door every file the command line writes goes through (exports and backups).

Rules, checked in this order before anything is read from the database:
- never a file of the database: the configured database or its -wal, -shm or -journal file.
  Real paths are compared (relative paths and symlinks resolved) and, for files that exist,
  the files themselves (a hard link). Replacing any of them under a running app leaves a
  malformed database at the next start;
- never a folder, never anything but a regular file (`/dev/null` would be replaced, not
  written to), and never into a folder that does not exist: a typo creates no folders;
- never over an existing file unless `force`: a slip of the keyboard must not replace last
  night's backup. Without `force` the file is put in place with a hard link, which fails if
  someone created the name meanwhile, so there is no window between the check and the write;
- the data goes to a temporary file in the target's folder (owner-only permissions: exports
  and backups hold personal data), is flushed to disk and renamed into place (os.replace), so
  the target is the old file or the whole new one, never half a file; the temporary file is
  gone afterwards whatever happened.
A refusal is TargetRefused (the command line exits with 2, wrong use) and nothing is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from models import settings
from models.errors import UserError
from models.migrate import normalise_url

DATABASE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")


class TargetRefused(UserError):
    """A file Samplan will not write to. Nothing was written."""


@dataclass(frozen=True)
class Output:
    temporary: Path  # write here; it becomes `target` when the block ends without an error
    target: Path  # the real path (symlinks resolved) that will be replaced


def sqlite_file(url: str | None = None) -> Path | None:
    """The file of the SQLite database at `url` (default: the configured one); None for
    PostgreSQL and for a database in memory."""
    parsed = make_url(normalise_url(url or settings.database_url()))
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):  # an SQLite URI filename: file:/path/x.db or file:x.db
        name = database.removeprefix("file:").split("?", 1)[0]
        if name.startswith("//"):  # file://host/path: the host part is empty or localhost
            name = "/" + name[2:].split("/", 1)[-1]
        if not name or name.startswith(":memory:") or parsed.query.get("mode") == "memory":
            return None
        return Path(name)
    return Path(database)


def database_files(url: str | None = None) -> list[Path]:
    """The database at `url` (default: the configured one) and the files SQLite keeps beside it."""
    database = sqlite_file(url)
    if database is None:
        return []
    return [database.with_name(database.name + suffix) for suffix in DATABASE_FILE_SUFFIXES]


def _real(path: Path) -> Path:
    # realpath follows symlinks, a dangling one too, and makes a relative path absolute.
    return Path(os.path.realpath(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def check_target(name: str | os.PathLike[str], *, force: bool, protect: Iterable[Path] = ()) -> Path:
    """The real path to write `name` to, or TargetRefused (see the module's rules).

    The configured database's files are always protected; `protect` adds more (a backup's
    source database given by URL)."""
    shown = os.fspath(name)
    given = Path(shown).expanduser()
    target = _real(given)
    for protected in (*database_files(), *protect):
        if _real(protected) == target or _same_file(protected, target):
            raise TargetRefused("output.target_is_database", path=shown)
    if target.is_dir():
        raise TargetRefused("output.target_is_folder", path=shown)
    if not target.parent.is_dir():
        raise TargetRefused("output.folder_missing", folder=os.fspath(given.parent))
    if target.exists() and not target.is_file():
        raise TargetRefused("output.target_not_a_file", path=shown)
    if target.exists() and not force:
        raise TargetRefused("output.target_exists", path=shown)
    return target


@contextmanager
def replacing(
    name: str | os.PathLike[str], *, force: bool = False, protect: Iterable[Path] = ()
) -> Iterator[Output]:
    """Write to `Output.temporary` inside the block; on success it becomes the target."""
    shown = os.fspath(name)
    target = check_target(name, force=force, protect=protect)
    try:
        handle, temporary_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )  # mode 0600
    except OSError:
        raise UserError("cli.file_unwritable", path=shown) from None
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        yield Output(temporary=temporary, target=target)
        _flush_to_disk(temporary)
        _put_in_place(temporary, target, force=force, shown=shown)
        _flush_folder(target.parent)
    except OSError as error:
        raise UserError("cli.file_unwritable", path=shown) from error
    finally:
        temporary.unlink(missing_ok=True)


def _write_bytes(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)


def write_file(
    name: str | os.PathLike[str], data: bytes, *, force: bool = False, protect: Iterable[Path] = ()
) -> Path:
    """`data` as the file `name`, whole or not at all (the module's rules apply)."""
    with replacing(name, force=force, protect=protect) as output:
        _write_bytes(output.temporary, data)
    return output.target


def _flush_to_disk(path: Path) -> None:
    handle = os.open(path, os.O_RDWR)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _put_in_place(temporary: Path, target: Path, *, force: bool, shown: str) -> None:
    if force:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # refuses an existing name atomically; `finally` drops the temp
    except FileExistsError:
        raise TargetRefused("output.target_exists", path=shown) from None
    except OSError:  # a filesystem without hard links: check, then rename
        if target.exists():
            raise TargetRefused("output.target_exists", path=shown) from None
        os.replace(temporary, target)


def _flush_folder(folder: Path) -> None:
    """The rename itself is durable only when the folder is flushed (not possible everywhere)."""
    with suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
