"""a citizen's agreements and meetings: indexes cover status and date

Revision ID: 8a4c2d1e9f60
Revises: 5e1f0a9c3b7d
Create Date: 2026-11-22 22:30:00+00:00

ix_action_citizen_id (citizen_id) becomes (citizen_id, status, due_on) and ix_meeting_citizen_id
(citizen_id) becomes (citizen_id, status, starts_at): "Mine borgere" counts open and overdue
agreements and finds the next meeting for ~170 citizens without visiting the tables.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8a4c2d1e9f60"
down_revision: str | Sequence[str] | None = "5e1f0a9c3b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_citizen_id")
        batch_op.create_index("ix_action_citizen_id", ["citizen_id", "status", "due_on"], unique=False)
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_citizen_id")
        batch_op.create_index("ix_meeting_citizen_id", ["citizen_id", "status", "starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_citizen_id")
        batch_op.create_index("ix_meeting_citizen_id", ["citizen_id"], unique=False)
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_citizen_id")
        batch_op.create_index("ix_action_citizen_id", ["citizen_id"], unique=False)
