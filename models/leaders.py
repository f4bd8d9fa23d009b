"""The leader permission: who may see Overblik, the leaders' overview (security issue 15).

Only an administrator grants or withdraws it; every change is audited ("user.leader_granted" /
"user.leader_withdrawn", the account as entity), and a refusal is audited too. Administrators
see Overblik without it. The permission is read from the database on every page run
(Actor.from_user) and again by models.overview.build_overview.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.access import Actor, refuse, write_audit
from models.errors import UserError
from models.tables import UserAccount


def set_leader(*, session: Session, actor: Actor, user_id: int, leader: bool) -> bool:
    """Grant (`leader` True) or withdraw the permission; returns whether anything changed."""
    action = "user.leader_granted" if leader else "user.leader_withdrawn"
    if not actor.is_admin:
        entity_id = user_id if isinstance(user_id, int) else None
        refuse(session, actor=actor, citizen_id=None, action=action, entity="user_account",
               entity_id=entity_id, error=UserError("error.admin_only"))  # fmt: skip
    user = session.get(UserAccount, user_id)
    if user is None:
        raise UserError("error.not_found")
    if user.is_leader == bool(leader):
        return False
    user.is_leader = bool(leader)
    write_audit(session, actor=actor, action=action, entity="user_account", entity_id=user_id)
    return True


def leader_ids(*, session: Session, actor: Actor) -> set[int]:
    """The accounts with the permission (for the administrators' list of users)."""
    if not actor.is_admin:
        raise UserError("error.admin_only")
    return set(session.execute(select(col(UserAccount.id)).where(col(UserAccount.is_leader))).scalars())


def set_leader_from_command_line(*, session: Session, username: str, leader: bool) -> bool:
    """The command line's door (`samplan user add --leader`): whoever runs it owns the server.
    Audited without a user, like every command-line change."""
    found = session.execute(select(UserAccount).where(col(UserAccount.username) == username))
    user = found.scalar_one_or_none()
    if user is None:
        raise UserError("error.not_found")
    if user.is_leader == bool(leader):
        return False
    user.is_leader = bool(leader)
    action = "user.leader_granted" if leader else "user.leader_withdrawn"
    write_audit(session, actor=None, action=action, entity="user_account", entity_id=user.id)
    return True
