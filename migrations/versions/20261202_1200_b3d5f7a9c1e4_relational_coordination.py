"""relational coordination: survey rounds between departments, anonymous answers

Revision ID: b3d5f7a9c1e4
Revises: e6a8c0d2f4b7
Create Date: 2026-12-02 12:00:00+00:00

Issue 24. A leader's survey round (rc_round, its departments), the record that a user has
answered (rc_respondent: one per user per round, no time) and the answers (rc_answer: no user
id, no time, a random id that is SQLite's rowid, so no insertion order either).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3d5f7a9c1e4"
down_revision: str | Sequence[str] | None = "e6a8c0d2f4b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIMENSIONS = (
    "frequent", "timely", "accurate", "problem_solving", "shared_goals", "shared_knowledge", "mutual_respect",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "rc_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("opened_by_user_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_rc_round_period")),
        sa.ForeignKeyConstraint(
            ["opened_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_rc_round_opened_by_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rc_round")),
    )
    op.create_index(op.f("ix_rc_round_opened_by_user_id"), "rc_round", ["opened_by_user_id"])

    op.create_table(
        "rc_round_department",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rc_round.id"], name=op.f("fk_rc_round_department_round_id_rc_round")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_rc_round_department_department_id_department")
        ),
        sa.PrimaryKeyConstraint("round_id", "department_id", name=op.f("pk_rc_round_department")),
    )
    op.create_index(op.f("ix_rc_round_department_department_id"), "rc_round_department", ["department_id"])

    op.create_table(
        "rc_respondent",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rc_round.id"], name=op.f("fk_rc_respondent_round_id_rc_round")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_rc_respondent_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_rc_respondent_department_id_department")
        ),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_rc_respondent")),
    )
    op.create_index(op.f("ix_rc_respondent_user_id"), "rc_respondent", ["user_id"])
    op.create_index(op.f("ix_rc_respondent_department_id"), "rc_respondent", ["department_id"])

    op.create_table(
        "rc_answer",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("from_department_id", sa.Integer(), nullable=False),
        sa.Column("about_department_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in DIMENSIONS),
        *(
            sa.CheckConstraint(f"{name} BETWEEN 1 AND 5", name=op.f(f"ck_rc_answer_{name}"))
            for name in DIMENSIONS
        ),
        sa.ForeignKeyConstraint(["round_id"], ["rc_round.id"], name=op.f("fk_rc_answer_round_id_rc_round")),
        sa.ForeignKeyConstraint(
            ["from_department_id"], ["department.id"], name=op.f("fk_rc_answer_from_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["about_department_id"],
            ["department.id"],
            name=op.f("fk_rc_answer_about_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rc_answer")),
    )
    op.create_index(op.f("ix_rc_answer_round_id"), "rc_answer", ["round_id"])
    op.create_index(op.f("ix_rc_answer_from_department_id"), "rc_answer", ["from_department_id"])
    op.create_index(op.f("ix_rc_answer_about_department_id"), "rc_answer", ["about_department_id"])


def downgrade() -> None:
    op.drop_table("rc_answer")
    op.drop_table("rc_respondent")
    op.drop_table("rc_round_department")
    op.drop_table("rc_round")
