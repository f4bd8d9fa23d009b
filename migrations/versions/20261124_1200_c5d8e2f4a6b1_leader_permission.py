"""leader permission: user_account.is_leader

Revision ID: c5d8e2f4a6b1
Revises: 0c65a0fdc25e
Create Date: 2026-11-24 12:00:00+00:00

Overblik (the leaders' overview) is for leaders and administrators only (security issue 15).
An administrator grants and withdraws the permission (models.leaders.set_leader, audited).
Every existing account starts without it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c5d8e2f4a6b1"
down_revision: str | Sequence[str] | None = "0c65a0fdc25e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_leader", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("is_leader")
