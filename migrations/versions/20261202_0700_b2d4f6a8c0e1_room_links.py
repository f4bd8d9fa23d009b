"""room links: the room screen's link and short code for one running meeting (issue 17)

Revision ID: b2d4f6a8c0e1
Revises: e7a9c3b5d1f2
Create Date: 2026-12-02 07:00:00+00:00

A meeting-room PC or a projector window opens the room screen with a 256-bit token or an
8-character code, both stored only as SHA-256 hashes. A link is usable while its meeting is in
progress and it has not been ended; the rows go with their meeting (ON DELETE CASCADE), so
erasing a citizen needs no extra step.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2d4f6a8c0e1"
down_revision: str | Sequence[str] | None = "e7a9c3b5d1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "room_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_room_link_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_room_link_created_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_room_link_token_hash")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_room_link_code_hash")),
    )
    with op.batch_alter_table("room_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_room_link_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_room_link_created_by_user_id"), ["created_by_user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("room_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_room_link_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_room_link_meeting_id"))
    op.drop_table("room_link")
