"""overview change log: which citizens each committed transaction changed, for Overblik

Revision ID: e7a9c3b5d1f2
Revises: c5d8e2f4a6b1
Create Date: 2026-11-25 10:00:00+00:00

The leaders' overview keeps its figures current instead of counting everything again after
every change (issue 16, target 4): each transaction that changes something the figures count
writes the citizens it changed here, and every app process recounts only those citizens
(models/overview_kept.py). Empty at first: each process counts everything once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e7a9c3b5d1f2"
down_revision: str | Sequence[str] | None = "c5d8e2f4a6b1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "overview_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("tag", sa.BigInteger(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overview_change")),
    )
    with op.batch_alter_table("overview_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_overview_change_seq"), ["seq"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("overview_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overview_change_seq"))
    op.drop_table("overview_change")
