"""Single sign-on's tables (issue 22): a staff member's identity at the provider, and a login
made through it.

Re-exported by models/tables.py, where everything imports them from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.tables_common import _text_column, utcnow

# --- Single sign-on (issue 22) ---------------------------------------------------------------


class SsoIdentity(SQLModel, table=True):
    """A staff member's identity at the municipality's OpenID Connect provider: the provider
    (issuer) and its stable subject id for the person, bound to one Samplan account at their
    first single sign-on (models/oidc_accounts.py). `sub` is unique only per issuer, hence both."""

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject", name="uq_sso_identity_issuer_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    issuer: str = Field(max_length=500)
    subject: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class SsoLogin(SQLModel, table=True):
    """A login made through single sign-on, and its ID token until "Log ud" hands it to the
    provider's logout (id_token_hint); then the token is removed."""

    __tablename__ = "sso_login"

    login_session_id: int = Field(foreign_key="login_session.id", primary_key=True)
    identity_id: int = Field(foreign_key="sso_identity.id", index=True)
    id_token: str | None = Field(default=None, sa_column=_text_column())
