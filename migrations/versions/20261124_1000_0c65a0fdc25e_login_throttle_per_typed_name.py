"""login throttle: failed logins per typed user name, also for names that do not exist

Revision ID: 0c65a0fdc25e
Revises: b3e7f1a2c4d6
Create Date: 2026-11-24 10:00:00+00:00

The account's failed_logins cannot slow down guesses at names that have no account, and a
limit kept in one process's memory does not hold across processes. One row per hash of the
normalised typed name (never the name: it may be a mistyped password), with an atomic counter
and a lock time; rows older than the lockout are deleted by the next login attempt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0c65a0fdc25e"
down_revision: str | Sequence[str] | None = "b3e7f1a2c4d6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("name_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name_hash", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_throttle_last_failure_at"), ["last_failure_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttle_last_failure_at"))
    op.drop_table("login_throttle")
