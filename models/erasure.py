"""Erasing a citizen, where the municipality allows it: none of their text stays behind.

Administrators only. Every row that holds the citizen's data goes, in one transaction, children
before parents; the audit trail stays (it holds ids and codes only, never text). Afterwards
`compact_database` rewrites the SQLite file (VACUUM) and empties the WAL, so the deleted text is
not left in free pages either (SQLite also runs with secure_delete=ON, see models/db.py).
"""

from __future__ import annotations

from sqlalchemy import delete, select, text, update
from sqlmodel import Session, col

from models.access import Actor, authorize, write_audit
from models.db import get_engine, is_sqlite
from models.errors import NotFound, UserError
from models.tables import (
    Action,
    ActionEvent,
    AgendaItem,
    AgendaProposal,
    Citizen,
    CitizenLink,
    CitizenMessage,
    CitizenPlanAnswer,
    CitizenPreparation,
    Consent,
    ConsentParty,
    Correction,
    Decision,
    Goal,
    GoalScore,
    InvitationLetter,
    Meeting,
    MeetingParticipant,
    Person,
    PlanVersion,
    Preparation,
    TeamMembership,
    UnmetNeed,
)


def erase_citizen(*, session: Session, actor: Actor, citizen_id: int, confirm_name: str) -> None:
    """Delete everything about one citizen. `confirm_name` must be the citizen's name as shown,
    so a slip of the mouse erases nothing."""
    if not actor.is_admin:
        raise UserError("error.admin_only")
    authorize(session, actor=actor, citizen_id=citizen_id, action="citizen.erase", entity="citizen",
              entity_id=citizen_id)
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound("citizen")
    if (confirm_name or "").strip() != citizen.name.strip():
        raise UserError("rights.erase_confirm_mismatch")

    meetings = select(Meeting.id).where(Meeting.citizen_id == citizen_id)
    actions = select(Action.id).where(Action.citizen_id == citizen_id)
    goals = select(Goal.id).where(Goal.citizen_id == citizen_id)
    consents = select(Consent.id).where(Consent.citizen_id == citizen_id)
    preparations = select(Preparation.id).where(col(Preparation.meeting_id).in_(meetings))
    session.execute(
        delete(Correction).where(
            (Correction.citizen_id == citizen_id)
            | ((Correction.table_name == "preparation") & col(Correction.row_id).in_(preparations))
            | ((Correction.table_name == "citizen") & (Correction.row_id == citizen_id))
        )
    )
    # What the citizen wrote through their link (issue 20) refers to meetings, goals and people.
    for own in (CitizenPreparation, AgendaProposal, CitizenPlanAnswer, CitizenMessage):
        session.execute(delete(own).where(own.citizen_id == citizen_id))  # type: ignore[attr-defined]
    session.execute(delete(ActionEvent).where(col(ActionEvent.action_id).in_(actions)))
    session.execute(delete(GoalScore).where(col(GoalScore.goal_id).in_(goals)))
    session.execute(delete(Action).where(Action.citizen_id == citizen_id))
    session.execute(delete(UnmetNeed).where(UnmetNeed.citizen_id == citizen_id))
    for child in (Decision, AgendaItem, Preparation, MeetingParticipant, InvitationLetter):
        session.execute(delete(child).where(col(child.meeting_id).in_(meetings)))  # type: ignore[attr-defined]
    session.execute(delete(PlanVersion).where(PlanVersion.citizen_id == citizen_id))
    session.execute(delete(Meeting).where(Meeting.citizen_id == citizen_id))
    session.execute(delete(Goal).where(Goal.citizen_id == citizen_id))
    session.execute(delete(ConsentParty).where(col(ConsentParty.consent_id).in_(consents)))
    session.execute(delete(Consent).where(Consent.citizen_id == citizen_id))
    session.execute(delete(CitizenLink).where(CitizenLink.citizen_id == citizen_id))
    session.execute(delete(TeamMembership).where(TeamMembership.citizen_id == citizen_id))
    session.execute(update(Citizen).where(Citizen.id == citizen_id).values(contact_person_id=None))
    session.execute(delete(Person).where(Person.citizen_id == citizen_id))
    session.execute(delete(Citizen).where(Citizen.id == citizen_id))
    write_audit(session, actor=actor, action="citizen.erased", citizen_id=citizen_id)


def compact_database(url: str | None = None) -> None:
    """Rewrite the database file so deleted text is gone from it, not just unreachable."""
    engine = get_engine(url)
    if is_sqlite(engine):
        # VACUUM cannot run inside a transaction, and SQLAlchemy always opens one: use the
        # driver connection directly (its isolation_level is None, i.e. autocommit; db.py).
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()
        return
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM"))
