"""exchange identity: a citizen imported from a samplan/1 file is recognised on the next import

Revision ID: d5f7a9c1e3b5
Revises: a1c3e5f7b9d2
Create Date: 2026-12-02 08:00:00+00:00

Issue 19, point 3. citizen.exchange_identity holds a hash of what identifies the citizen in the
file (models/exchange_identity.py), written at import; NULL for citizens made in the app and for
copies imported on purpose (--as-new). Indexed, not unique: the lookup is "who has this one".
Plain ADD COLUMN and CREATE INDEX, no batch mode.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5f7a9c1e3b5"
down_revision: str | Sequence[str] | None = "a1c3e5f7b9d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("citizen", sa.Column("exchange_identity", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_citizen_exchange_identity"), "citizen", ["exchange_identity"])


def downgrade() -> None:
    op.drop_index(op.f("ix_citizen_exchange_identity"), table_name="citizen")
    op.drop_column("citizen", "exchange_identity")  # SQLite 3.35+: no table copy
