"""audit_event is append-only (a trigger on SQLite and PostgreSQL)

Revision ID: 7c1d2e3f4a5b
Revises: 045512e2e5d0
Create Date: 2026-11-22 19:00:00+00:00
"""

from collections.abc import Sequence

from alembic import op

from models import audit_guard

revision: str = "7c1d2e3f4a5b"
down_revision: str | Sequence[str] | None = "045512e2e5d0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    audit_guard.install(op.get_bind())


def downgrade() -> None:
    audit_guard.uninstall(op.get_bind())
