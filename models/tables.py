"""The SQLModel tables. English names; the Danish words live in locales/.

Conventions:
- Times are timezone-aware UTC (`utcnow()`; SQLModel stores them as UTC and returns them
  aware on SQLite and PostgreSQL alike); dates are plain dates. The UI shows Europe/Copenhagen.
- Every foreign key has an index (SQLModel does not add one by itself).
- Rows that people edit on shared screens carry `version` for optimistic concurrency:
  saves run `UPDATE ... WHERE id = :id AND version = :seen` (see models/db.py).
- The citizen's own words (goals, preparation) are stored verbatim after sanitising.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    event,
)
from sqlalchemy import false as sa_false
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel

from models.tables_common import (  # noqa: F401 - re-exported: everything imports them from here
    COPENHAGEN,
    _required_text_column,
    _text_column,
    today,
    utcnow,
)

# --- People who use the system -------------------------------------------------------------

ROLES = ("admin", "staff")


class Department(SQLModel, table=True):
    """A department or an outside body (e.g. Jobcenter, Familieafdelingen, a hospital).

    The municipality's list, kept by administrators (models/departments.py). A retired one is no
    longer offered, but stays valid wherever it is already named (old consents, past members).
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    is_outside_body: bool = False
    retired_at: datetime | None = None


class UserAccount(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'staff')", name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=100, unique=True)
    full_name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254, unique=True)
    role: str = Field(default="staff", max_length=10)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    # May see Overblik, the leaders' overview (granted and withdrawn by an administrator).
    is_leader: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class LoginSession(SQLModel, table=True):
    """A server-side login, so logout and idle/absolute timeouts are enforced by the app."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class LoginThrottle(SQLModel, table=True):
    """Failed logins per typed user name, whether or not such an account exists (issue 15).

    The account's own counter (UserAccount.failed_logins) cannot cover names that do not exist;
    this row can, and being in the database it holds across processes. Keyed by a hash of the
    normalised name, never the name itself: a password typed into the name field must not be
    stored. A row lives at most LOCKOUT after its last failure (the next attempt deletes it).
    """

    __tablename__ = "login_throttle"

    name_hash: str = Field(max_length=64, primary_key=True)
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow, index=True)
    locked_until: datetime | None = None


# --- The citizen and the people around them ------------------------------------------------


class Citizen(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    birth_date: date | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    # The one person the citizen chose to call ("én indgang"). use_alter breaks the FK cycle.
    contact_person_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("person.id", use_alter=True, name="fk_citizen_contact_person_id_person"),
            nullable=True,
            index=True,
        ),
    )
    meetings_per_year: int = 3
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1
    # Who the citizen is in an exchange file, set at import (models/exchange_identity.py): the
    # next import of the same citizen is recognised instead of making a second one.
    exchange_identity: str | None = Field(default=None, max_length=64, index=True)


PERSON_KINDS = ("professional", "private")


class Person(SQLModel, table=True):
    """Someone in a citizen's team (a professional) or private network (family, supporter)."""

    __table_args__ = (CheckConstraint("kind IN ('professional', 'private')", name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    title: str | None = Field(default=None, max_length=200)
    relation: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    is_coordinator: bool = False
    is_deputy: bool = False
    added_on: date = Field(default_factory=today)
    removed_on: date | None = None
    version: int = 1


# Who is on a citizen's team now, by kind and department (the overview's matrix and counts).
Index(
    "ix_person_citizen_kind",
    Person.citizen_id,  # type: ignore[arg-type]
    Person.kind,  # type: ignore[arg-type]
    Person.removed_on,  # type: ignore[arg-type]
    Person.department_id,  # type: ignore[arg-type]
)


class TeamMembership(SQLModel, table=True):
    """Which user accounts work on which citizen, and when. Grants access; ends keep history."""

    __tablename__ = "team_membership"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    end_reason: str | None = Field(default=None, max_length=300)


Index(
    "ix_team_membership_user_active",
    TeamMembership.user_id,  # type: ignore[arg-type]
    TeamMembership.citizen_id,  # type: ignore[arg-type]
    TeamMembership.ended_at,  # type: ignore[arg-type]
)


CONSENT_KINDS = ("joint_plan", "sharing")
CONSENT_FORMS = ("written", "oral")


class Consent(SQLModel, table=True):
    """A consent as given. Never overwritten: withdrawal sets withdrawn_on; a new consent is a new row."""

    __table_args__ = (
        CheckConstraint("kind IN ('joint_plan', 'sharing')", name="kind"),
        CheckConstraint("form IS NULL OR form IN ('written', 'oral')", name="form"),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    kind: str = Field(default="sharing", max_length=20)
    scope: str | None = Field(default=None, sa_column=_text_column())
    given_on: date
    expires_on: date | None = None
    withdrawn_on: date | None = None
    form: str | None = Field(default=None, max_length=10)
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)


class ConsentParty(SQLModel, table=True):
    """A department or outside body a consent covers, by name as the citizen gave it.

    `department_id` is the list's department the name was picked from (or matched, case and
    spacing ignored) when the consent was recorded: a later rename keeps the consent covering
    the same department. NULL for an outside body typed by hand.
    """

    __tablename__ = "consent_party"

    id: int | None = Field(default=None, primary_key=True)
    consent_id: int = Field(foreign_key="consent.id", index=True)
    name: str = Field(max_length=200)
    position: int = 0
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)


# --- Goals and actions --------------------------------------------------------------------

GOAL_AREAS = (
    "work_education",
    "health",
    "family",
    "housing",
    "economy",
    "social_life",
    "daily_life",
    "other",
)
GOAL_STATUSES = ("active", "achieved", "paused", "dropped")
MAX_ACTIVE_GOALS = 3


class Goal(SQLModel, table=True):
    """A goal in the citizen's own words (never paraphrased); 'active' means a focus goal."""

    __table_args__ = (
        CheckConstraint(
            "status IN ('active', 'achieved', 'paused', 'dropped')", name="status"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    own_words: str = Field(sa_column=_required_text_column())
    professional_note: str | None = Field(default=None, sa_column=_text_column())
    area: str | None = Field(default=None, max_length=30)
    status: str = Field(default="active", max_length=10)
    created_on: date = Field(default_factory=today)
    position: int = 0
    version: int = 1


class GoalScore(SQLModel, table=True):
    """The citizen's own 0-10 rating of a goal at one meeting."""

    __tablename__ = "goal_score"
    __table_args__ = (
        UniqueConstraint("goal_id", "meeting_id", name="uq_goal_score_meeting"),
        CheckConstraint("score >= 0 AND score <= 10", name="range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id")  # indexed below, covering the overview
    score: int
    note: str | None = Field(default=None, sa_column=_text_column())
    next_step: str | None = Field(default=None, sa_column=_text_column())
    recorded_at: datetime = Field(default_factory=utcnow)


# The overview's score movement reads meetings in a period, then their scores: covered here.
Index(
    "ix_goal_score_meeting_id",
    GoalScore.meeting_id,  # type: ignore[arg-type]
    GoalScore.goal_id,  # type: ignore[arg-type]
    GoalScore.score,  # type: ignore[arg-type]
)


ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
OPEN_ACTION_STATUSES = ("open", "in_progress")  # still to be done: followed up, carried forward


class Action(SQLModel, table=True):
    """An agreement ("aftale"): something one owner will do by a date.

    Exactly one owner: a person from the network, or the citizen (owner_is_citizen). While a
    meeting is running an agreement may still lack owner or date; it is then 'unfinished'.
    """

    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'cancelled')", name="status"
        ),
        CheckConstraint(
            "NOT (owner_is_citizen AND owner_person_id IS NOT NULL)", name="one_owner"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id")  # indexed below (citizen, status, date)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    text: str = Field(sa_column=_required_text_column())
    owner_person_id: int | None = Field(default=None, foreign_key="person.id")  # ix_action_owner_status_due
    owner_is_citizen: bool = False
    due_on: date | None = None
    status: str = Field(default="open", max_length=12)
    trial: bool = False
    agreed_at_meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = 1


# A citizen's open agreements and their dates (lists of one's citizens, the plan): covered.
Index(
    "ix_action_citizen_id",
    Action.citizen_id,  # type: ignore[arg-type]
    Action.status,  # type: ignore[arg-type]
    Action.due_on,  # type: ignore[arg-type]
)
# "Mine opgaver": one person's agreements by status and date, with what tells whether a finished
# one is recent and whose they are, so the list is read from the index alone. citizen_id comes
# last: as the 4th column PostgreSQL probed the index for every (person, team) pair instead. The
# id is in every SQLite index already; PostgreSQL includes it.
Index(
    "ix_action_owner_status_due",
    Action.owner_person_id,  # type: ignore[arg-type]
    Action.status,  # type: ignore[arg-type]
    Action.due_on,  # type: ignore[arg-type]
    Action.done_on,  # type: ignore[arg-type]
    Action.updated_at,  # type: ignore[arg-type]
    Action.citizen_id,  # type: ignore[arg-type]
    postgresql_include=["id"],
)

# The leaders' overview reads agreements done or due in a period. Not (status, ...): without
# ANALYZE statistics SQLite then answered "my follow-ups" from every open agreement.
# Led by the date and covering what the overview counts, so its aggregates never visit the table.
Index(
    "ix_action_done_on",
    Action.done_on,  # type: ignore[arg-type]
    Action.status,  # type: ignore[arg-type]
    Action.owner_person_id,  # type: ignore[arg-type]
    Action.created_at,  # type: ignore[arg-type]
)
Index(
    "ix_action_due_on",
    Action.due_on,  # type: ignore[arg-type]
    Action.status,  # type: ignore[arg-type]
    Action.done_on,  # type: ignore[arg-type]
    Action.owner_person_id,  # type: ignore[arg-type]
)

ACTION_EVENT_KINDS = ("created", "status", "due_moved", "owner_changed", "edited")


class ActionEvent(SQLModel, table=True):
    """Status history of an agreement: what changed, when, by whom, why. Owner changes are measured."""

    __tablename__ = "action_event"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=20)
    from_value: str | None = Field(default=None, max_length=200)
    to_value: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, sa_column=_text_column())
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    by_link_id: int | None = None  # the citizen ticked it off through their own link (issue 20)


# Owner changes in a period (the overview) without reading every event.
Index("ix_action_event_kind_at", ActionEvent.kind, ActionEvent.at)  # type: ignore[arg-type]


# --- Meetings -----------------------------------------------------------------------------

MEETING_STATUSES = ("draft", "planned", "in_progress", "held", "cancelled")


class Meeting(SQLModel, table=True):
    """A network meeting. draft -> planned (confirmed, invitations may go) -> in_progress -> held."""

    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'planned', 'in_progress', 'held', 'cancelled')",
            name="status",
        ),
        CheckConstraint("minutes >= 5 AND minutes <= 480", name="minutes"),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id")  # indexed below (citizen, status, date)
    starts_at: datetime  # aware; stored as UTC. Indexed below
    minutes: int = 60
    place: str | None = Field(default=None, max_length=300)
    video_link: str | None = Field(default=None, max_length=500)
    status: str = Field(default="draft", max_length=12)
    leader_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    note_taker_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    citizen_present: bool | None = None
    current_agenda_position: int | None = None
    speaker_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    speaker_is_citizen: bool = False
    speaker_since: datetime | None = None
    citizen_speaking_seconds: int = 0
    total_speaking_seconds: int = 0
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    citizen_agrees: bool | None = None
    citizen_disagreement: str | None = Field(default=None, sa_column=_text_column())
    version: int = 1


# A citizen's next meeting (a status, the earliest start): covered.
Index(
    "ix_meeting_citizen_id",
    Meeting.citizen_id,  # type: ignore[arg-type]
    Meeting.status,  # type: ignore[arg-type]
    Meeting.starts_at,  # type: ignore[arg-type]
)
Index(
    "ix_meeting_citizen_starts",
    Meeting.citizen_id,  # type: ignore[arg-type]
    Meeting.starts_at,  # type: ignore[arg-type]
)
# Meetings in a period; covers what the overview counts per citizen (held, scored) from it.
Index(
    "ix_meeting_starts_at",
    Meeting.starts_at,  # type: ignore[arg-type]
    Meeting.status,  # type: ignore[arg-type]
    Meeting.citizen_id,  # type: ignore[arg-type]
)

ATTENDANCE = ("invited", "present", "apologies", "absent")


class MeetingParticipant(SQLModel, table=True):
    """Someone invited to a meeting, with attendance and a written status if they cannot come."""

    __tablename__ = "meeting_participant"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", name="uq_meeting_person"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    attendance: str = Field(default="invited", max_length=12)
    written_status: str | None = Field(default=None, sa_column=_text_column())
    position: int = 0


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int = 0
    title: str = Field(max_length=300)
    minutes: int = 10
    started_at: datetime | None = None
    ended_at: datetime | None = None


class Preparation(SQLModel, table=True):
    """What the citizen prepared before a meeting, in their own words (kept verbatim)."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", unique=True, index=True)
    matters_most: str | None = Field(default=None, sa_column=_text_column())
    dream: str | None = Field(default=None, sa_column=_text_column())
    going_well: str | None = Field(default=None, sa_column=_text_column())
    questions: str | None = Field(default=None, sa_column=_text_column())
    not_to_raise: str | None = Field(default=None, sa_column=_text_column())
    when_hard: str | None = Field(default=None, sa_column=_text_column())
    who_to_invite: str | None = Field(default=None, sa_column=_text_column())  # the citizen's wish
    version: int = 1


class InvitationLetter(SQLModel, table=True):
    """A downloaded invitation letter: when, by whom, and a fingerprint of what it showed.

    The fingerprint is a few short hashes (one per part: time, place, participants, the
    citizen's preparation, the rest), never the text itself: the prepare page compares it with
    what the letter would show now and says when a downloaded letter is out of date.
    """

    __tablename__ = "invitation_letter"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    downloaded_at: datetime = Field(default_factory=utcnow)
    fingerprint: str = Field(max_length=400)


class Decision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(sa_column=_required_text_column())
    position: int = 0


class UnmetNeed(SQLModel, table=True):
    """A need no department has the legal basis or budget to meet; goes to the leaders."""

    __tablename__ = "unmet_need"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    text: str = Field(sa_column=_required_text_column())
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    answer: str | None = Field(default=None, sa_column=_text_column())
    answered_at: datetime | None = None
    position: int = 0


class PlanVersion(SQLModel, table=True):
    """An immutable snapshot of the joint plan, taken when a meeting closes."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("citizen_id", "number", name="uq_plan_version_number"),)

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    number: int
    created_at: datetime = Field(default_factory=utcnow)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    snapshot_json: str = Field(sa_column=_required_text_column())


class CitizenLink(SQLModel, table=True):
    """A personal read-only link for the citizen. Only the SHA-256 of the token is stored."""

    __tablename__ = "citizen_link"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    expires_at: datetime
    revoked_at: datetime | None = None
    # The citizen's writes through the link in the current hour (models/citizen_quota.py).
    window_started_at: datetime | None = None
    window_writes: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class RoomLink(SQLModel, table=True):
    """The room screen's link and short code for one meeting (issue 17). Only SHA-256 hashes of
    the token and the code are stored. Usable while the meeting is in progress and ended_at is
    empty: closing the meeting ends it with no write here. Holds no text; goes with its meeting."""

    __tablename__ = "room_link"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(
        sa_column=Column(Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    token_hash: str = Field(max_length=64, unique=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    ended_at: datetime | None = None


class Correction(SQLModel, table=True):
    """The value a field had before someone changed it: corrections keep history (who, when, old).

    Written by models.db.save_versioned for every field a versioned save changes. Holds the old
    text itself, so erasing a citizen erases these rows too (models/erasure.py).
    """

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, index=True)  # no FK: history outlives accounts
    citizen_id: int | None = Field(default=None, index=True)
    table_name: str = Field(max_length=40)
    row_id: int = Field(index=True)
    column_name: str = Field(max_length=40)
    old_value: str | None = Field(default=None, sa_column=_text_column())


# --- Audit --------------------------------------------------------------------------------


class AuditEvent(SQLModel, table=True):
    """Who did what to which citizen's data, and whether it was allowed.

    Append-only. Holds codes and ids only: no free text from the citizen's record ever goes here.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, index=True)  # no FK: the trail outlives accounts
    action: str = Field(max_length=60)
    citizen_id: int | None = Field(default=None, index=True)  # no FK: kept after erasure
    outcome: str = Field(max_length=12)  # "ok" | "denied" | "failed"
    entity: str | None = Field(default=None, max_length=40)
    entity_id: int | None = None
    link_id: int | None = None  # "borger via link <id>": the citizen acted through their link


@event.listens_for(AuditEvent.__table__, "after_create")
def _audit_append_only(_table: object, connection: Connection, **_kw: object) -> None:
    """create_all (tests) gets the same append-only trigger as the migrated databases."""
    from models import audit_guard

    audit_guard.install(connection)


# --- What the leaders' overview must count again ------------------------------------------


class OverviewChange(SQLModel, table=True):
    """The citizens a committed transaction changed something about that Overblik counts.

    Written in the same transaction as the change (models/overview_kept.py), read by every app
    process to bring its kept figures up to date. `seq` is one number per transaction, handed
    out in commit order (under the table's lock); `tag` is random per transaction, so a process
    can tell that the row it last read is gone (pruned, or another database). citizen_id NULL:
    count everything again. Ids only, no FK (kept after erasure until pruned).
    """

    __tablename__ = "overview_change"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)
    tag: int = Field(sa_type=BigInteger)
    citizen_id: int | None = None


# --- Add forms that must not save twice (issue 17) -----------------------------------------


class FormSubmission(SQLModel, table=True):
    """One submitted add form (a goal, an agreement, a decision, an unmet need): the key the
    form generation carried and the row it created (models/idempotency.py). A double click, a
    resubmitted form or a rerun with the same key gets that row back instead of a second one.
    The key is random per form generation; no text, no FK (ids only, kept after erasure)."""

    __tablename__ = "form_submission"

    key: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=20)
    entity_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


# --- The citizen's own voice between meetings (issue 20) ------------------------------------
# Written by the citizen through their personal link (models/citizen_input.py). link_id is an id
# without a foreign key: the text outlives a revoked link; erasing the citizen erases the rows.


class CitizenPreparation(SQLModel, table=True):
    """One save of the preparation by the citizen, as they wrote it (append-only history).

    The same text is also saved into Preparation, which the team and the room screen read; a
    professional's later edit changes Preparation, never these rows."""

    __tablename__ = "citizen_preparation"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    link_id: int
    written_at: datetime = Field(default_factory=utcnow)
    preparation_version: int
    matters_most: str | None = Field(default=None, sa_column=_text_column())
    dream: str | None = Field(default=None, sa_column=_text_column())
    going_well: str | None = Field(default=None, sa_column=_text_column())
    questions: str | None = Field(default=None, sa_column=_text_column())
    not_to_raise: str | None = Field(default=None, sa_column=_text_column())
    when_hard: str | None = Field(default=None, sa_column=_text_column())
    who_to_invite: str | None = Field(default=None, sa_column=_text_column())


PROPOSAL_STATUSES = ("proposed", "accepted", "moved", "declined")


class AgendaProposal(SQLModel, table=True):
    """An agenda item the citizen proposed; the meeting leader accepts, moves or declines it."""

    __tablename__ = "agenda_proposal"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'accepted', 'moved', 'declined')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    link_id: int
    text: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    status: str = Field(default="proposed", max_length=10)
    reason: str | None = Field(default=None, max_length=300)
    decided_at: datetime | None = None
    decided_by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)


class CitizenPlanAnswer(SQLModel, table=True):
    """The citizen's yes or no to one goal (goal_id) or to the whole plan (goal_id NULL), with
    their own correction or reason. Append-only: the newest answer counts. Never changes the
    goal's words."""

    __tablename__ = "citizen_plan_answer"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    link_id: int
    agrees: bool
    words: str | None = Field(default=None, sa_column=_text_column())
    plan_version_number: int | None = None
    answered_at: datetime = Field(default_factory=utcnow)


class CitizenMessage(SQLModel, table=True):
    """A short message from the citizen to their contact person. No thread, no attachments."""

    __tablename__ = "citizen_message"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    to_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    link_id: int
    text: str = Field(max_length=500)
    sent_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    read_by_user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)


# The tables of three later concepts live in modules of their own; everything imports them from here.
# Every process that imports the tables writes overview_change rows with its commits (the
# listeners are registered on import; the module needs the classes above, hence at the end).
from models import overview_changes  # noqa: E402,F401
from models.tables_mail import (  # noqa: E402,F401
    REMINDER_MODES,
    SMTP_SECURITY,
    MailLog,
    MailSettings,
    MeetingCalendar,
    ReminderNotice,
    ReminderPreference,
)
from models.tables_sso import SsoIdentity, SsoLogin  # noqa: E402,F401
from models.tables_survey import RC_DIMENSIONS, RcAnswer, RcRespondent, RcRound, RcRoundDepartment  # noqa: E402,F401
