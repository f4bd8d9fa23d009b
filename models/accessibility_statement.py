"""The accessibility statement's settings ("Tilgængelighedserklæring", issue 18).

The municipality that runs Samplan fills in who it is and how to reach it in a small TOML file
(config/accessibility.toml, or the file SAMPLAN_ACCESSIBILITY_FILE names; the operator who
installs Samplan edits it, like the database address). Nothing about a municipality is in the
code: a missing or broken file gives a statement that says which facts are missing. The rest of
the statement (what is known not to work and the alternatives, the complaint route) is Samplan's
own and lives in the string catalogue. config/accessibility.example.toml shows every field.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from models.settings import PROJECT_ROOT

logger = logging.getLogger("samplan.accessibility")

DEFAULT_FILE = PROJECT_ROOT / "config" / "accessibility.toml"
# Digitaliseringsstyrelsen: where a user turns when the municipality's answer is not satisfying.
COMPLAINT_URL = "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/"
REQUIRED = ("organisation", "email", "phone", "prepared_on", "reviewed_on")


@dataclass(frozen=True)
class StatementSettings:
    organisation: str | None = None  # "Eksempel Kommune"
    website: str | None = None  # the address people use, e.g. "https://samplan.eksempel.dk"
    email: str | None = None
    phone: str | None = None
    prepared_on: date | None = None  # when the statement was made
    reviewed_on: date | None = None  # its last review (at least once a year)

    @property
    def missing(self) -> tuple[str, ...]:
        """The required facts the file does not give (the page names them)."""
        return tuple(name for name in REQUIRED if getattr(self, name) is None)


def settings_file() -> Path:
    configured = os.environ.get("SAMPLAN_ACCESSIBILITY_FILE", "").strip()
    return Path(configured) if configured else DEFAULT_FILE


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def load_statement_settings(path: Path | None = None) -> StatementSettings:
    """Read the file (read on every call: an edit shows without a restart); never raises."""
    path = path or settings_file()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return StatementSettings()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        logger.warning("accessibility statement settings %s unreadable: %s", path, type(error).__name__)
        return StatementSettings()
    section = raw.get("statement", raw)
    if not isinstance(section, dict):
        return StatementSettings()
    return StatementSettings(
        organisation=_text(section.get("organisation")),
        website=_text(section.get("website")),
        email=_text(section.get("email")),
        phone=_text(section.get("phone")),
        prepared_on=_day(section.get("prepared_on")),
        reviewed_on=_day(section.get("reviewed_on")),
    )
