"""overview indexes on the dates agreements were done and are due

Revision ID: 97d81dd0c630
Revises: 81620e60d232
Create Date: 2026-11-22 19:28:46.871337+00:00

The leaders' overview selects agreements done in a period (median days to done) and due in a
period (share done on time); with 100,000 agreements both were full scans. Indexes only: no
table is copied, no data changes.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "97d81dd0c630"
down_revision: str | Sequence[str] | None = "81620e60d232"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index("ix_action_due_on", ["due_on"], unique=False)
        batch_op.create_index("ix_action_done_on", ["done_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_done_on")
        batch_op.drop_index("ix_action_due_on")
