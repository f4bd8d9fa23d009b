"""Configuration read from the environment.

Read on every call (it is cheap) so tests and the CLI can point the app at another
database by setting SAMPLAN_DATABASE_URL before they start.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "samplan.db"
TIME_ZONE = "Europe/Copenhagen"


def database_url() -> str:
    """The database to use: SAMPLAN_DATABASE_URL, or the embedded SQLite file in data/."""
    url = os.environ.get("SAMPLAN_DATABASE_URL", "").strip()
    if url:
        # psycopg 3 is the driver we ship; accept the common short spelling too.
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        elif url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"
