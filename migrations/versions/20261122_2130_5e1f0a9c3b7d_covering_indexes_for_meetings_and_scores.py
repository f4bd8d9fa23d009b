"""covering indexes for meetings in a period and their scores (the overview)

Revision ID: 5e1f0a9c3b7d
Revises: d2358ebfb811
Create Date: 2026-11-22 21:30:00+00:00

ix_meeting_starts_at (starts_at) becomes (starts_at, status, citizen_id) and
ix_goal_score_meeting_id (meeting_id) becomes (meeting_id, goal_id, score): the overview's
meetings held and score movement then never visit the tables. Same names, wider indexes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "5e1f0a9c3b7d"
down_revision: str | Sequence[str] | None = "d2358ebfb811"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_starts_at")
        batch_op.create_index("ix_meeting_starts_at", ["starts_at", "status", "citizen_id"], unique=False)
    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_score_meeting_id")
        batch_op.create_index("ix_goal_score_meeting_id", ["meeting_id", "goal_id", "score"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.drop_index("ix_goal_score_meeting_id")
        batch_op.create_index("ix_goal_score_meeting_id", ["meeting_id"], unique=False)
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_starts_at")
        batch_op.create_index("ix_meeting_starts_at", ["starts_at"], unique=False)
