"""The administrator's data buttons: import, export and backup — the CLI's functions, one door more.

Uploads are limited to 5 MB by .streamlit/config.toml; the size is checked here again, because
a limit in the browser is no limit for a server.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from models.access import Actor
from models.backup import backup_database
from models.db import get_engine, is_sqlite, session_scope
from models.errors import UserError
from models.exchange import (
    ImportedCitizen,
    ImportFailed,
    Problem,
    import_document,
)
from models.exchange2_export import document2_bytes, export2_all

MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ImportOutcome:
    citizens: tuple[ImportedCitizen, ...] = ()
    problems: tuple[Problem, ...] = ()  # non-empty: nothing was imported


def import_exchange_file(
    *,
    actor: Actor | None,
    data: bytes,
    lang: str = "da",
    limit: int | None = MAX_IMPORT_BYTES,
    on_existing: str = "refuse",
) -> ImportOutcome:
    """Import a samplan/1 file in one transaction (administrators only; `actor=None` is the
    command line, which has no upload limit): all of it or nothing.

    Citizens imported before: see models.exchange_import.import_document's `on_existing`; the
    default refuses with AlreadyImported (a UserError listing them), nothing saved."""
    if limit is not None and len(data) > limit:
        raise UserError("admin.import_too_large", max=limit // (1024 * 1024))
    try:
        with session_scope(write=True) as session:
            citizens = import_document(
                session=session, doc=data, actor=actor, lang=lang, on_existing=on_existing
            )
    except ImportFailed as failed:
        return ImportOutcome(problems=tuple(failed.problems))
    return ImportOutcome(citizens=tuple(citizens))


def export_all_json(*, actor: Actor) -> bytes:
    """Every citizen the actor may open, as samplan/2: everything Samplan stores about them, so the
    file moves them to another installation whole (one audit row per citizen)."""
    with session_scope(write=True) as session:
        document = export2_all(session=session, actor=actor)
    return document2_bytes(document)


def backup_possible() -> bool:
    """The app offers a download of a SQLite backup; PostgreSQL is backed up with pg_dump."""
    return is_sqlite(get_engine())


def backup_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = backup_database(Path(folder) / "samplan-backup.db")
        return target.read_bytes()
