"""The administrator's view of single sign-on's bindings (issue 22): which Samplan account each
person at the provider is bound to, and removing a binding that is wrong.

A binding is made once, at the person's first single sign-on (models/oidc_accounts.py, rule 2:
the account with the same e-mail). If that e-mail pointed at the wrong account (a shared or
reused address, an account renamed since), only an administrator can undo it. Removing the
binding keeps the account, and ends the logins made through the binding that are still open:
if the binding was wrong, someone is logged in to another person's account right now. The
person's next single sign-on binds again by the rules. Both the list and the removal are for
administrators only; a refusal and a removal each leave an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from models.access import Actor, refuse, write_audit
from models.errors import UserError
from models.tables import LoginSession, SsoIdentity, SsoLogin, UserAccount, utcnow

UNBIND_ACTION = "sso.unbind"


@dataclass(frozen=True)
class SsoBinding:
    id: int
    user_id: int
    username: str
    full_name: str
    provider: str  # the issuer's host: enough to tell providers apart, no path or subject id
    bound_at: datetime
    last_login_at: datetime | None


def sso_bindings(*, session: Session, actor: Actor) -> list[SsoBinding]:
    """Every binding, by account name (for Administration)."""
    if not actor.is_admin:
        raise UserError("error.admin_only")
    rows = session.execute(
        select(SsoIdentity, UserAccount)
        .join(UserAccount, col(UserAccount.id) == col(SsoIdentity.user_id))
        .order_by(col(UserAccount.full_name), col(SsoIdentity.id))
    ).all()
    return [
        SsoBinding(id=identity.id, user_id=user.id, username=user.username, full_name=user.full_name,
                   provider=urlsplit(identity.issuer).netloc or identity.issuer,
                   bound_at=identity.created_at, last_login_at=identity.last_login_at)  # fmt: skip
        for identity, user in rows
    ]


def remove_sso_binding(*, session: Session, actor: Actor, binding_id: int) -> int:
    """Remove one binding and end the logins still open through it (returns how many)."""
    entity_id = binding_id if isinstance(binding_id, int) else None
    if not actor.is_admin:
        refuse(session, actor=actor, citizen_id=None, action=UNBIND_ACTION, entity="sso_identity",
               entity_id=entity_id, error=UserError("error.admin_only"))  # fmt: skip
    identity = session.get(SsoIdentity, binding_id) if entity_id is not None else None
    if identity is None:
        raise UserError("error.not_found")
    logins = select(SsoLogin.login_session_id).where(col(SsoLogin.identity_id) == binding_id)
    ended = session.execute(
        update(LoginSession)
        .where(col(LoginSession.id).in_(logins), col(LoginSession.ended_at).is_(None))
        .values(ended_at=utcnow())
    ).rowcount
    session.execute(delete(SsoLogin).where(col(SsoLogin.identity_id) == binding_id))
    session.delete(identity)
    write_audit(session, actor=actor, action=UNBIND_ACTION, entity="sso_identity", entity_id=binding_id)
    return ended
