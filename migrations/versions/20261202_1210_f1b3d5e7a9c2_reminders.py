"""reminders: preferences, the SMTP settings, the ledger of notices, the send log, calendar state

Revision ID: f1b3d5e7a9c2
Revises: c4e6a8b0d2f5
Create Date: 2026-12-02 12:10:00+00:00

Issue 21. `samplan remind` sends due-soon and overdue notices, weekly digests, the coordinator's
daily escalation and calendar updates for moved or cancelled meetings. None of these tables
holds text from a citizen's record.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f1b3d5e7a9c2"
down_revision: str | Sequence[str] | None = "c4e6a8b0d2f5"  # after single sign-on
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminder_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("due_soon_days", sa.Integer(), nullable=False),
        sa.Column("digest_weekday", sa.Integer(), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=False),
        sa.Column("escalation", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('each', 'digest', 'none')", name=op.f("ck_reminder_preference_mode")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_reminder_preference_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reminder_preference")),
    )
    op.create_table(
        "mail_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("security", sa.String(length=10), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=True),
        sa.Column("password_env", sa.String(length=100), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=True),
        sa.Column("base_url", sa.String(length=300), nullable=True),
        sa.Column("escalation_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("security IN ('starttls', 'tls', 'none')", name=op.f("ck_mail_settings_security")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_settings")),
    )
    op.create_table(
        "reminder_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_notice")),
        sa.UniqueConstraint("key", name=op.f("uq_reminder_notice_key")),
    )
    op.create_index(op.f("ix_reminder_notice_created_at"), "reminder_notice", ["created_at"])
    op.create_index("ix_reminder_notice_status", "reminder_notice", ["status", "recipient"])
    op.create_table(
        "mail_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("error", sa.String(length=200), nullable=True),
        sa.Column("notices", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_log")),
    )
    op.create_index(op.f("ix_mail_log_at"), "mail_log", ["at"])
    op.create_table(
        "meeting_calendar",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_meeting_calendar")),
    )


def downgrade() -> None:
    op.drop_table("meeting_calendar")
    op.drop_index(op.f("ix_mail_log_at"), table_name="mail_log")
    op.drop_table("mail_log")
    op.drop_index("ix_reminder_notice_status", table_name="reminder_notice")
    op.drop_index(op.f("ix_reminder_notice_created_at"), table_name="reminder_notice")
    op.drop_table("reminder_notice")
    op.drop_table("mail_settings")
    op.drop_table("reminder_preference")
