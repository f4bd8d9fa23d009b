"""The relational coordination survey's tables (issue 24): rounds, who has answered, the answers.

Re-exported by models/tables.py, where everything imports them from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Integer
from sqlmodel import Field, SQLModel

from models.tables_common import utcnow

# --- Relational coordination between departments (issue 24) --------------------------------
# A leader's survey round (models/relational_coordination_rounds.py). Anonymity is in the schema:
# rc_answer holds no user id, no time and a random id (no order to set beside rc_respondent),
# and rc_respondent says only THAT a user has answered a round, never what.

RC_DIMENSIONS = (
    "frequent", "timely", "accurate", "problem_solving", "shared_goals", "shared_knowledge", "mutual_respect",
)  # fmt: skip


class RcRound(SQLModel, table=True):
    """A survey round: a name, a period (both days included) and its departments."""

    __tablename__ = "rc_round"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    opened_by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    opened_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None  # closed early by a leader; else it ends after ends_on


class RcRoundDepartment(SQLModel, table=True):
    __tablename__ = "rc_round_department"

    round_id: int = Field(foreign_key="rc_round.id", primary_key=True)
    department_id: int = Field(foreign_key="department.id", primary_key=True, index=True)


class RcRespondent(SQLModel, table=True):
    """That a user has answered a round (one row per user per round: the primary key), and for
    which department; never what, never when. Reminders go to those without a row."""

    __tablename__ = "rc_respondent"

    round_id: int = Field(foreign_key="rc_round.id", primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, index=True)
    department_id: int = Field(foreign_key="department.id", index=True)


class RcAnswer(SQLModel, table=True):
    """One tie: a respondent of `from_department` about `about_department`, seven answers 1-5
    (NULL: "ved ikke"). No user, no time; the id is random (on SQLite it is the rowid, so the
    rows have no insertion order either), and one respondent's ties are not linked together."""

    __tablename__ = "rc_answer"
    __table_args__ = tuple(
        CheckConstraint(f"{name} BETWEEN 1 AND 5", name=name) for name in RC_DIMENSIONS
    )

    id: int = Field(sa_column=Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False))  # fmt: skip
    round_id: int = Field(foreign_key="rc_round.id", index=True)
    from_department_id: int = Field(foreign_key="department.id", index=True)
    about_department_id: int = Field(foreign_key="department.id", index=True)
    frequent: int | None = None
    timely: int | None = None
    accurate: int | None = None
    problem_solving: int | None = None
    shared_goals: int | None = None
    shared_knowledge: int | None = None
    mutual_respect: int | None = None
