"""departments and letters: a retirable department list, consent parties that name a department,
and the fingerprint of each downloaded invitation letter

Revision ID: c3e5a7b9d1f4
Revises: e7a9c3b5d1f2
Create Date: 2026-12-02 07:02:00+00:00

Issue 25: administrators keep the municipality's department list (a retired department stays
valid where it is already named); a consent party picked from the list keeps the department's id,
so a rename does not end the consent's coverage; and the prepare page tells when a downloaded
invitation letter is older than what it would show now.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3e5a7b9d1f4"
down_revision: str | Sequence[str] | None = "b2d4f6a8c0e1"  # chained by the lead after room links
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("consent_party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_consent_party_department_id"), ["department_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_consent_party_department_id_department"), "department", ["department_id"], ["id"]
        )
    op.create_table(
        "invitation_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fingerprint", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_invitation_letter_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_invitation_letter_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation_letter")),
    )
    with op.batch_alter_table("invitation_letter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_letter_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitation_letter_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invitation_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_letter_user_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_letter_meeting_id"))
    op.drop_table("invitation_letter")
    with op.batch_alter_table("consent_party", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_consent_party_department_id_department"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_consent_party_department_id"))
        batch_op.drop_column("department_id")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
