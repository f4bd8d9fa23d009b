"""The citizen's own link: their way in to their plan, without a login (issues 5 and 20).

The token is `secrets.token_urlsafe(32)` (256 random bits); only its SHA-256 is stored, so a
copy of the database cannot open any plan. A link lasts 30 days unless told otherwise and can
be revoked (or revoked and issued anew in one step: `reissue_citizen_link`). Opening it gives an
Actor with role "citizen_link" and the link's id, which models.access lets read that one
citizen's plan and make the citizen's own few writes (models/citizen_input.py), nothing else.

The token is used once per browser tab: `resolve_citizen_link` exchanges it for the link's id
(the page keeps the id in the tab's session and removes the token from the address), and every
later run asks `link_actor(link_id)`, so a revoked or expired link stops at the next click.
Every opening, and every refused token or link, is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.access import Actor, authorize, require_staff, write_audit
from models.errors import NotFound, UserError
from models.plans import JointPlan, load_joint_plan
from models.tables import Citizen, CitizenLink, UserAccount, utcnow

DEFAULT_DAYS = 30
MAX_DAYS = 365
# The lengths Planen offers for a new link (a week to a year; DEFAULT_DAYS among them).
VALIDITY_CHOICES = (7, 14, 30, 90, 180, 365)
TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
_MAX_TOKEN_LENGTH = 200  # anything longer is not one of ours: refuse before hashing
LINK_ROLE = "citizen_link"


@dataclass(frozen=True)
class CreatedLink:
    """A new link. `token` exists only here: show it once, it cannot be recovered."""

    id: int
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class LinkInfo:
    id: int
    created_at: datetime
    created_by: str | None
    expires_at: datetime
    revoked_at: datetime | None

    def is_active(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or utcnow())


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_path(token: str) -> str:
    """The query string that opens the link; the page puts the app's address in front."""
    return f"?link={token}"


def create_citizen_link(
    *, session: Session, actor: Actor, citizen_id: int, days: int = DEFAULT_DAYS
) -> CreatedLink:
    """Create a personal link for the citizen; only a staff user on the team (or an admin)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise UserError("link.days_range", max=MAX_DAYS)
    authorize(session, actor=actor, citizen_id=citizen_id, action="link.create", entity="citizen_link")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    link = CitizenLink(
        citizen_id=citizen_id,
        token_hash=hash_token(token),
        created_at=now,
        created_by_user_id=actor.user_id,
        expires_at=now + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    assert link.id is not None
    write_audit(
        session, actor=actor, action="link.created", citizen_id=citizen_id,
        entity="citizen_link", entity_id=link.id,
    )  # fmt: skip
    return CreatedLink(id=link.id, token=token, expires_at=link.expires_at)


def list_citizen_links(*, session: Session, actor: Actor, citizen_id: int) -> list[LinkInfo]:
    """All of the citizen's links, newest first (revoked and expired ones too: they are history)."""
    authorize(session, actor=actor, citizen_id=citizen_id, action="link.list", entity="citizen_link")
    return _links(session, citizen_id)


def list_citizen_links_for_plan(*, session: Session, actor: Actor, plan: JointPlan) -> list[LinkInfo]:
    """The same list for a page that has just loaded (authorised and audited) the citizen's plan:
    one statement, no second check or audit row for the same page view. A citizen's own link
    may not list links (as with list_citizen_links)."""
    require_staff(session, actor=actor, citizen_id=plan.citizen.id, action="link.list", entity="citizen_link")
    return _links(session, plan.citizen.id)


def _links(session: Session, citizen_id: int) -> list[LinkInfo]:
    rows = session.execute(
        select(CitizenLink, UserAccount.full_name)  # type: ignore[call-overload]
        .join(UserAccount, UserAccount.id == CitizenLink.created_by_user_id, isouter=True)  # type: ignore[arg-type]
        .where(CitizenLink.citizen_id == citizen_id)
        .order_by(CitizenLink.created_at.desc(), CitizenLink.id.desc())  # type: ignore[attr-defined,union-attr]
    ).all()
    return [
        LinkInfo(
            id=link.id,  # type: ignore[arg-type]
            created_at=link.created_at,
            created_by=full_name,
            expires_at=link.expires_at,
            revoked_at=link.revoked_at,
        )
        for link, full_name in rows
    ]


def revoke_citizen_link(*, session: Session, actor: Actor, citizen_id: int, link_id: int) -> None:
    """Revoke one of the citizen's links at once. Revoking twice changes nothing."""
    authorize(
        session, actor=actor, citizen_id=citizen_id, action="link.revoke",
        entity="citizen_link", entity_id=link_id,
    )  # fmt: skip
    link = session.get(CitizenLink, link_id)
    if link is None or link.citizen_id != citizen_id:
        raise NotFound("citizen_link")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        session.add(link)
        session.flush()


def _aware(moment: datetime) -> datetime:
    # SQLite may hand back a naive value for an aware column in some drivers: it is UTC.
    from datetime import UTC

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def resolve_citizen_link(*, session: Session, token: object) -> Actor | None:
    """The read-only actor for a valid token; None for an unknown, expired or revoked one.

    Both outcomes are audited (codes and ids only; never the token or its hash).
    """
    link = None
    # Our tokens are URL-safe base64 (ASCII); anything else (a NUL, a lone surrogate) is not one.
    ours = isinstance(token, str) and 0 < len(token) <= _MAX_TOKEN_LENGTH and token.isascii()
    if ours and "\x00" not in token:  # type: ignore[operator]
        link = session.execute(
            select(CitizenLink).where(CitizenLink.token_hash == hash_token(token))  # type: ignore[arg-type]
        ).scalar_one_or_none()
    if link is None:
        write_audit(session, actor=None, action="link.view", outcome="denied", entity="citizen_link")
        return None
    usable = link.revoked_at is None and _aware(link.expires_at) > utcnow()
    citizen = session.get(Citizen, link.citizen_id) if usable else None
    if citizen is None:
        write_audit(
            session, actor=None, action="link.view", citizen_id=link.citizen_id, outcome="denied",
            entity="citizen_link", entity_id=link.id,
        )  # fmt: skip
        return None
    actor = _actor(link, citizen)
    write_audit(
        session, actor=actor, action="link.view", citizen_id=link.citizen_id,
        entity="citizen_link", entity_id=link.id,
    )  # fmt: skip
    return actor


def _actor(link: CitizenLink, citizen: Citizen) -> Actor:
    return Actor(
        user_id=None,
        username=f"link-{link.id}",
        full_name=citizen.name,
        role=LINK_ROLE,
        link_citizen_id=link.citizen_id,
        link_id=link.id,
    )


def link_actor(*, session: Session, link_id: object) -> Actor | None:
    """The actor for a link this tab already opened, checked again now: None (and a 'denied'
    audit row) once the link is revoked or expired, or the citizen is gone."""
    is_id = isinstance(link_id, int) and not isinstance(link_id, bool)
    link = session.get(CitizenLink, link_id) if is_id else None
    usable = link is not None and link.revoked_at is None and _aware(link.expires_at) > utcnow()
    citizen = session.get(Citizen, link.citizen_id) if usable and link is not None else None
    if link is None or citizen is None:
        write_audit(
            session, actor=None, action="link.view", outcome="denied",
            citizen_id=link.citizen_id if link is not None else None,
            entity="citizen_link", entity_id=link.id if link is not None else None,
        )  # fmt: skip
        return None
    return _actor(link, citizen)


def reissue_citizen_link(
    *, session: Session, actor: Actor, citizen_id: int, days: int = DEFAULT_DAYS
) -> CreatedLink:
    """Revoke every usable link of the citizen and create a new one, in one transaction (the
    leader's one click when a phone is lost or the wrong person has the link). Both audited."""
    created = create_citizen_link(session=session, actor=actor, citizen_id=citizen_id, days=days)
    for link in _links(session, citizen_id):
        if link.id != created.id and link.revoked_at is None:
            revoke_citizen_link(session=session, actor=actor, citizen_id=citizen_id, link_id=link.id)
    return created


def load_plan_for_link(*, session: Session, token: object) -> JointPlan | None:
    """The citizen's current plan for a valid link, or None: the caller shows a neutral message."""
    actor = resolve_citizen_link(session=session, token=token)
    if actor is None or actor.link_citizen_id is None:
        return None
    return load_joint_plan(
        session=session, actor=actor, citizen_id=actor.link_citizen_id, purpose="view.plan_by_link"
    )
