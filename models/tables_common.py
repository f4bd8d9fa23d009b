"""What every table module shares: the constraint naming convention, the clock and the few column
helpers. Its own module so that the table modules of one concept each (models/tables.py and the
tables_*.py beside it) import it without importing one another."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Text
from sqlmodel import SQLModel

# Named constraints, so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Aware UTC: SQLModel refuses naive datetimes, and UTC compares the same everywhere."""
    return datetime.now(UTC)


COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def today() -> date:
    """Today's date where the municipality is (Europe/Copenhagen), not in UTC."""
    return datetime.now(COPENHAGEN).date()


def _text_column() -> Column:  # type: ignore[type-arg]
    return Column(Text, nullable=True)


def _required_text_column() -> Column:  # type: ignore[type-arg]
    return Column(Text, nullable=False)
