"""form submissions: add forms in Mødet save once (issue 17, point 6)

Revision ID: a1c3e5f7b9d2
Revises: c3e5a7b9d1f4
Create Date: 2026-12-02 07:01:00+00:00

Each generation of an add form (goal, agreement, decision, unmet need) carries a random key;
the row it created is remembered under that key, so a double click or a resubmitted form gets
the same row back (models/idempotency.py). The meeting's one timeline (agenda items = steps)
needs no schema change: the step kind is read from the item's title (models/meeting_timeline.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1c3e5f7b9d2"
down_revision: str | Sequence[str] | None = "c3e5a7b9d1f4"  # chained after c3e5a7b9d1f4 (one head)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "form_submission",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_form_submission")),
    )


def downgrade() -> None:
    op.drop_table("form_submission")
