"""single sign-on: staff identities at the OpenID Connect provider, and SSO logins

Revision ID: c4e6a8b0d2f5
Revises: b3d5f7a9c1e4
Create Date: 2026-12-02 12:02:00+00:00

Issue 22. sso_identity binds the provider's stable subject id (per issuer) to a Samplan account;
sso_login keeps a single sign-on login's ID token until the logout hands it to the provider.
New tables only: nothing existing changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e6a8b0d2f5"
down_revision: str | Sequence[str] | None = "b3d5f7a9c1e4"  # after relational coordination
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sso_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_sso_identity_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identity")),
        sa.UniqueConstraint("issuer", "subject", name="uq_sso_identity_issuer_subject"),
    )
    op.create_index(op.f("ix_sso_identity_user_id"), "sso_identity", ["user_id"])
    op.create_table(
        "sso_login",
        sa.Column("login_session_id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["login_session_id"], ["login_session.id"], name=op.f("fk_sso_login_login_session_id_login_session")
        ),
        sa.ForeignKeyConstraint(["identity_id"], ["sso_identity.id"], name=op.f("fk_sso_login_identity_id_sso_identity")),
        sa.PrimaryKeyConstraint("login_session_id", name=op.f("pk_sso_login")),
    )
    op.create_index(op.f("ix_sso_login_identity_id"), "sso_login", ["identity_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sso_login_identity_id"), table_name="sso_login")
    op.drop_table("sso_login")
    op.drop_index(op.f("ix_sso_identity_user_id"), table_name="sso_identity")
    op.drop_table("sso_identity")
