"""Is a downloaded invitation letter still what the letter would say now?

At every download (inside the download's build callable, after the login check) the letter's
fingerprint is stored: one short hash per part a person would notice (the time, the place, who
comes, the citizen's preparation, the rest: agenda and contact). The prepare page compares the
latest stored fingerprint with the current one and names the parts that changed. Only hashes
are stored, never the letter's text.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from models.access import Actor, require_staff
from models.invitation import Invitation
from models.plans import JointPlan
from models.tables import InvitationLetter

PARTS = ("time", "place", "participants", "preparation", "other")


def _hash(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def fingerprint(invitation: Invitation) -> dict[str, str]:
    """One hash per part of what the letter shows (exports/invitation.py)."""
    prep = invitation.preparation
    people = [
        (p.name, p.title, p.relation, p.department, p.is_leader, p.is_note_taker, p.is_coordinator)
        for p in invitation.invited
    ]
    return {
        "time": _hash([invitation.starts_at.isoformat(), invitation.minutes]),
        "place": _hash([invitation.place, invitation.video_link]),
        "participants": _hash([people, [(p.name, p.department) for p in invitation.left_out]]),
        # What is not to be raised is never printed, only whether there is such a wish.
        "preparation": _hash(
            None
            if prep is None
            else [prep.matters_most, prep.dream, prep.going_well, prep.questions, prep.when_hard,
                  bool(prep.not_to_raise)]
        ),
        "other": _hash([
            [(a.title, a.minutes) for a in invitation.agenda],
            None if invitation.contact is None else (invitation.contact.name, invitation.contact.phone),
        ]),
    }


def remember_download(*, session: Session, actor: Actor | None, invitation: Invitation) -> None:
    """Store what the downloaded letter shows (called by the download itself)."""
    session.add(
        InvitationLetter(
            meeting_id=invitation.meeting_id,
            user_id=actor.user_id if actor else None,
            fingerprint=json.dumps(fingerprint(invitation), sort_keys=True),
        )
    )
    session.flush()


@dataclass(frozen=True)
class LetterState:
    downloaded_at: datetime
    changed: tuple[str, ...]  # parts of PARTS that differ now; () when the letter is current

    @property
    def is_stale(self) -> bool:
        return bool(self.changed)


def letter_state(
    *, session: Session, actor: Actor | None, plan: JointPlan, invitation: Invitation
) -> LetterState | None:
    """The latest downloaded letter of the meeting compared with `invitation` (built from a plan
    the page has just loaded, authorised and audited); None when no letter was downloaded."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="invitation.read",
                  entity="meeting", entity_id=invitation.meeting_id)
    row = session.execute(
        select(InvitationLetter)
        .where(col(InvitationLetter.meeting_id) == invitation.meeting_id)
        .order_by(col(InvitationLetter.downloaded_at).desc(), col(InvitationLetter.id).desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    try:
        stored = json.loads(row.fingerprint)
    except ValueError:
        stored = {}
    now = fingerprint(invitation)
    return LetterState(
        downloaded_at=row.downloaded_at, changed=tuple(p for p in PARTS if stored.get(p) != now.get(p))
    )
