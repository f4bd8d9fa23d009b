"""initial schema

Revision ID: 045512e2e5d0
Revises:
Create Date: 2026-11-22 14:14:49.105335+00:00

Review before committing: autogenerate misses renames (it drops and adds), CHECK constraint
changes and data moves. SQLite runs ALTERs through op.batch_alter_table (a table copy).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "045512e2e5d0"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "citizen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("contact_person_id", sa.Integer(), nullable=True),
        sa.Column("meetings_per_year", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen")),
    )
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizen_contact_person_id"), ["contact_person_id"], unique=False)

    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_outside_body", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("name", name=op.f("uq_department_name")),
    )
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("own_words", sa.Text(), nullable=False),
        sa.Column("professional_note", sa.Text(), nullable=True),
        sa.Column("area", sa.String(length=30), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('active', 'achieved', 'paused', 'dropped')", name=op.f("ck_goal_status")
        ),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_goal_citizen_id_citizen")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_citizen_id"), ["citizen_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'staff')", name=op.f("ck_user_account_role")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_user_account_department_id_department")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_department_id"), ["department_id"], unique=False)

    op.create_table(
        "citizen_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_citizen_link_citizen_id_citizen")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_citizen_link_created_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_citizen_link_token_hash")),
    )
    with op.batch_alter_table("citizen_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizen_link_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_citizen_link_created_by_user_id"), ["created_by_user_id"], unique=False
        )

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.Text(), nullable=True),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("form", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("form IS NULL OR form IN ('written', 'oral')", name=op.f("ck_consent_form")),
        sa.CheckConstraint("kind IN ('joint_plan', 'sharing')", name=op.f("ck_consent_kind")),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_consent_citizen_id_citizen")),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_consent_recorded_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consent_recorded_by_user_id"), ["recorded_by_user_id"], unique=False
        )

    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_login_session_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("relation", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("is_coordinator", sa.Boolean(), nullable=False),
        sa.Column("is_deputy", sa.Boolean(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('professional', 'private')", name=op.f("ck_person_kind")),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_person_citizen_id_citizen")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_person_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_person_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_user_id"), ["user_id"], unique=False)

    # citizen.contact_person_id -> person.id closes a cycle (person.citizen_id -> citizen.id),
    # so it is added once both tables exist. Batch mode: ALTER on PostgreSQL, copy on SQLite.
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_citizen_contact_person_id_person", "person", ["contact_person_id"], ["id"]
        )

    op.create_table(
        "consent_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_consent_party_consent_id_consent")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_party")),
    )
    with op.batch_alter_table("consent_party", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_party_consent_id"), ["consent_id"], unique=False)

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("video_link", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("leader_person_id", sa.Integer(), nullable=True),
        sa.Column("note_taker_person_id", sa.Integer(), nullable=True),
        sa.Column("citizen_present", sa.Boolean(), nullable=True),
        sa.Column("current_agenda_position", sa.Integer(), nullable=True),
        sa.Column("speaker_person_id", sa.Integer(), nullable=True),
        sa.Column("speaker_is_citizen", sa.Boolean(), nullable=False),
        sa.Column("speaker_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("citizen_speaking_seconds", sa.Integer(), nullable=False),
        sa.Column("total_speaking_seconds", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("citizen_agrees", sa.Boolean(), nullable=True),
        sa.Column("citizen_disagreement", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'planned', 'in_progress', 'held', 'cancelled')",
            name=op.f("ck_meeting_status"),
        ),
        sa.CheckConstraint("minutes >= 5 AND minutes <= 480", name=op.f("ck_meeting_minutes")),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_meeting_citizen_id_citizen")),
        sa.ForeignKeyConstraint(
            ["leader_person_id"], ["person.id"], name=op.f("fk_meeting_leader_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["note_taker_person_id"], ["person.id"], name=op.f("fk_meeting_note_taker_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["speaker_person_id"], ["person.id"], name=op.f("fk_meeting_speaker_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index("ix_meeting_citizen_starts", ["citizen_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_leader_person_id"), ["leader_person_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_note_taker_person_id"), ["note_taker_person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_speaker_person_id"), ["speaker_person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "team_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_team_membership_citizen_id_citizen")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_team_membership_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_team_membership_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_membership")),
    )
    with op.batch_alter_table("team_membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_membership_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_membership_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ix_team_membership_user_active", ["user_id", "citizen_id", "ended_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_team_membership_user_id"), ["user_id"], unique=False)

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("owner_is_citizen", sa.Boolean(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("trial", sa.Boolean(), nullable=False),
        sa.Column("agreed_at_meeting_id", sa.Integer(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'cancelled')", name=op.f("ck_action_status")
        ),
        sa.CheckConstraint(
            "NOT (owner_is_citizen AND owner_person_id IS NOT NULL)", name=op.f("ck_action_one_owner")
        ),
        sa.ForeignKeyConstraint(
            ["agreed_at_meeting_id"], ["meeting.id"], name=op.f("fk_action_agreed_at_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(["citizen_id"], ["citizen.id"], name=op.f("fk_action_citizen_id_citizen")),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_action_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["owner_person_id"], ["person.id"], name=op.f("fk_action_owner_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
    )
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_agreed_at_meeting_id"), ["agreed_at_meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_owner_person_id"), ["owner_person_id"], unique=False)
        batch_op.create_index(
            "ix_action_owner_status_due", ["owner_person_id", "status", "due_on"], unique=False
        )

    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_item_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agenda_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_decision_meeting_id_meeting")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "goal_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 10", name=op.f("ck_goal_score_range")),
        sa.ForeignKeyConstraint(["goal_id"], ["goal.id"], name=op.f("fk_goal_score_goal_id_goal")),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_goal_score_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_score")),
        sa.UniqueConstraint("goal_id", "meeting_id", name="uq_goal_score_meeting"),
    )
    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_score_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_score_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.String(length=12), nullable=False),
        sa.Column("written_status", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_participant_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_meeting_participant_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_participant")),
        sa.UniqueConstraint("meeting_id", "person_id", name="uq_meeting_person"),
    )
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_participant_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_participant_person_id"), ["person_id"], unique=False)

    op.create_table(
        "plan_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_plan_version_citizen_id_citizen")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_plan_version_created_by_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_plan_version_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_version")),
        sa.UniqueConstraint("citizen_id", "number", name="uq_plan_version_number"),
    )
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_version_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_plan_version_created_by_user_id"), ["created_by_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_version_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "preparation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("matters_most", sa.Text(), nullable=True),
        sa.Column("dream", sa.Text(), nullable=True),
        sa.Column("going_well", sa.Text(), nullable=True),
        sa.Column("questions", sa.Text(), nullable=True),
        sa.Column("not_to_raise", sa.Text(), nullable=True),
        sa.Column("when_hard", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_preparation_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preparation")),
    )
    with op.batch_alter_table("preparation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preparation_meeting_id"), ["meeting_id"], unique=True)

    op.create_table(
        "unmet_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_unmet_need_citizen_id_citizen")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_unmet_need_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_unmet_need_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmet_need")),
    )
    with op.batch_alter_table("unmet_need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unmet_need_citizen_id"), ["citizen_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unmet_need_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_unmet_need_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "action_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_value", sa.String(length=200), nullable=True),
        sa.Column("to_value", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"], name=op.f("fk_action_event_action_id_action")),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["user_account.id"], name=op.f("fk_action_event_by_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_action_event_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_event")),
    )
    with op.batch_alter_table("action_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_event_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_event_by_user_id"), ["by_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_event_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_constraint("fk_citizen_contact_person_id_person", type_="foreignkey")

    with op.batch_alter_table("action_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_event_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_action_event_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_action_event_at"))
        batch_op.drop_index(batch_op.f("ix_action_event_action_id"))

    op.drop_table("action_event")
    with op.batch_alter_table("unmet_need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unmet_need_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_unmet_need_department_id"))
        batch_op.drop_index(batch_op.f("ix_unmet_need_citizen_id"))

    op.drop_table("unmet_need")
    with op.batch_alter_table("preparation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preparation_meeting_id"))

    op.drop_table("preparation")
    with op.batch_alter_table("plan_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_version_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_plan_version_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_plan_version_citizen_id"))

    op.drop_table("plan_version")
    with op.batch_alter_table("meeting_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_participant_person_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_participant_meeting_id"))

    op.drop_table("meeting_participant")
    with op.batch_alter_table("goal_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_score_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_goal_score_goal_id"))

    op.drop_table("goal_score")
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_meeting_id"))

    op.drop_table("decision")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_item_meeting_id"))

    op.drop_table("agenda_item")
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_index("ix_action_owner_status_due")
        batch_op.drop_index(batch_op.f("ix_action_owner_person_id"))
        batch_op.drop_index(batch_op.f("ix_action_goal_id"))
        batch_op.drop_index(batch_op.f("ix_action_citizen_id"))
        batch_op.drop_index(batch_op.f("ix_action_agreed_at_meeting_id"))

    op.drop_table("action")
    with op.batch_alter_table("team_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_membership_user_id"))
        batch_op.drop_index("ix_team_membership_user_active")
        batch_op.drop_index(batch_op.f("ix_team_membership_person_id"))
        batch_op.drop_index(batch_op.f("ix_team_membership_citizen_id"))

    op.drop_table("team_membership")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meeting_speaker_person_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_note_taker_person_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_leader_person_id"))
        batch_op.drop_index("ix_meeting_citizen_starts")
        batch_op.drop_index(batch_op.f("ix_meeting_citizen_id"))

    op.drop_table("meeting")
    with op.batch_alter_table("consent_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_party_consent_id"))

    op.drop_table("consent_party")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_user_id"))
        batch_op.drop_index(batch_op.f("ix_person_department_id"))
        batch_op.drop_index(batch_op.f("ix_person_citizen_id"))

    op.drop_table("person")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_user_id"))

    op.drop_table("login_session")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_recorded_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_consent_citizen_id"))

    op.drop_table("consent")
    with op.batch_alter_table("citizen_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_link_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_citizen_link_citizen_id"))

    op.drop_table("citizen_link")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_department_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_citizen_id"))

    op.drop_table("goal")
    op.drop_table("department")
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_contact_person_id"))

    op.drop_table("citizen")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_citizen_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))

    op.drop_table("audit_event")
