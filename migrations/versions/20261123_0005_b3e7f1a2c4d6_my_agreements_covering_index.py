"""my agreements: one covering index by owner, status and date

Revision ID: b3e7f1a2c4d6
Revises: 8a4c2d1e9f60
Create Date: 2026-11-23 00:05:00+00:00

ix_action_owner_status_due (owner_person_id, status, due_on) also holds done_on, updated_at and
citizen_id, so "Mine opgaver" counts the user's agreements from the index alone (PostgreSQL
includes the id too; SQLite indexes carry it). citizen_id comes last: as the 4th column
PostgreSQL probed the index for every (person, team) pair, 28,000 times. The plain
ix_action_owner_person_id, a prefix of it, goes (SQLite chose it over the wider one).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b3e7f1a2c4d6"
down_revision: str | Sequence[str] | None = "8a4c2d1e9f60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERED = ["owner_person_id", "status", "due_on", "done_on", "updated_at", "citizen_id"]


def upgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_owner_person_id")
        batch_op.drop_index("ix_action_owner_status_due")
        batch_op.create_index("ix_action_owner_status_due", COVERED, unique=False,
                              postgresql_include=["id"])  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_owner_status_due")
        batch_op.create_index("ix_action_owner_status_due", ["owner_person_id", "status", "due_on"], unique=False)
        batch_op.create_index("ix_action_owner_person_id", ["owner_person_id"], unique=False)
