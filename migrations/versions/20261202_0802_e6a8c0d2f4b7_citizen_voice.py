"""citizen voice: the citizen prepares, proposes, answers, ticks off and writes through the link

Revision ID: e6a8c0d2f4b7
Revises: d5f7a9c1e3b5
Create Date: 2026-12-02 08:02:00+00:00

Issue 20. New tables for what the citizen writes through their personal link (their own
preparation history, agenda proposals, yes/no to the plan, a message to the contact person);
columns for who acted (audit_event.link_id, action_event.by_link_id), the citizen's wish of who
to invite (preparation.who_to_invite) and the link's hourly write count (citizen_link.window_*).
Plain ADD COLUMN, no batch mode: audit_event keeps its append-only trigger on SQLite.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e6a8c0d2f4b7"
down_revision: str | Sequence[str] | None = "d5f7a9c1e3b5"  # chained by the lead after the exchange identity
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("link_id", sa.Integer(), nullable=True))
    op.add_column("action_event", sa.Column("by_link_id", sa.Integer(), nullable=True))
    op.add_column("preparation", sa.Column("who_to_invite", sa.Text(), nullable=True))
    op.add_column("citizen_link", sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "citizen_link", sa.Column("window_writes", sa.Integer(), server_default="0", nullable=False)
    )

    op.create_table(
        "citizen_preparation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("preparation_version", sa.Integer(), nullable=False),
        sa.Column("matters_most", sa.Text(), nullable=True),
        sa.Column("dream", sa.Text(), nullable=True),
        sa.Column("going_well", sa.Text(), nullable=True),
        sa.Column("questions", sa.Text(), nullable=True),
        sa.Column("not_to_raise", sa.Text(), nullable=True),
        sa.Column("when_hard", sa.Text(), nullable=True),
        sa.Column("who_to_invite", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_citizen_preparation_citizen_id_citizen")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_citizen_preparation_meeting_id_meeting")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_preparation")),
    )
    op.create_index(op.f("ix_citizen_preparation_citizen_id"), "citizen_preparation", ["citizen_id"])
    op.create_index(op.f("ix_citizen_preparation_meeting_id"), "citizen_preparation", ["meeting_id"])

    op.create_table(
        "agenda_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'moved', 'declined')", name=op.f("ck_agenda_proposal_status")
        ),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_agenda_proposal_citizen_id_citizen")),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"], ["user_account.id"],
            name=op.f("fk_agenda_proposal_decided_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_proposal_meeting_id_meeting")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_proposal")),
    )
    op.create_index(op.f("ix_agenda_proposal_citizen_id"), "agenda_proposal", ["citizen_id"])
    op.create_index(op.f("ix_agenda_proposal_meeting_id"), "agenda_proposal", ["meeting_id"])
    op.create_index(op.f("ix_agenda_proposal_decided_by_user_id"), "agenda_proposal", ["decided_by_user_id"])

    op.create_table(
        "citizen_plan_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("plan_version_number", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_citizen_plan_answer_citizen_id_citizen")),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_citizen_plan_answer_goal_id_goal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_plan_answer")),
    )
    op.create_index(op.f("ix_citizen_plan_answer_citizen_id"), "citizen_plan_answer", ["citizen_id"])
    op.create_index(op.f("ix_citizen_plan_answer_goal_id"), "citizen_plan_answer", ["goal_id"])

    op.create_table(
        "citizen_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("to_person_id", sa.Integer(), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_citizen_message_citizen_id_citizen")),
        sa.ForeignKeyConstraint(
            ["read_by_user_id"], ["user_account.id"], name=op.f("fk_citizen_message_read_by_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(["to_person_id"], ["person.id"], name=op.f("fk_citizen_message_to_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_message")),
    )
    op.create_index(op.f("ix_citizen_message_citizen_id"), "citizen_message", ["citizen_id"])
    op.create_index(op.f("ix_citizen_message_to_person_id"), "citizen_message", ["to_person_id"])
    op.create_index(op.f("ix_citizen_message_read_by_user_id"), "citizen_message", ["read_by_user_id"])


def downgrade() -> None:
    op.drop_table("citizen_message")
    op.drop_table("citizen_plan_answer")
    op.drop_table("agenda_proposal")
    op.drop_table("citizen_preparation")
    # Plain DROP COLUMN (SQLite 3.35+), not batch mode: rebuilding audit_event would lose its
    # append-only trigger on SQLite.
    op.drop_column("citizen_link", "window_writes")
    op.drop_column("citizen_link", "window_started_at")
    op.drop_column("preparation", "who_to_invite")
    op.drop_column("action_event", "by_link_id")
    op.drop_column("audit_event", "link_id")
