"""Administration's single sign-on bindings (models/oidc_bindings.py, issue 22): a binding made
to the wrong account is removed by an administrator, and the person's next login binds again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import oidc_accounts
from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.oidc_bindings import UNBIND_ACTION, remove_sso_binding, sso_bindings
from models.oidc_config import SsoConfig
from models.tables import AuditEvent, SsoIdentity, UserAccount
from models.users import resume_login_session
from tests.factories import make_user

CONFIG = SsoConfig(issuer="https://login.kommune.example/realms/ansatte", client_id="samplan",
                   client_secret="hemmelig", redirect_uri="http://127.0.0.1:8501/_samplan/sso/callback",
                   display_name="kommunens login", scopes="openid email profile", email_claim="email",
                   create_rule=None)  # fmt: skip
PERSON = {"sub": "sub-anne", "email": "anne@kommune.example", "email_verified": True, "name": "Anne Holm"}


def sign_in() -> int | None:
    return sign_in_with_token()[0]


def sign_in_with_token() -> tuple[int | None, str | None]:
    with session_scope(write=True) as s:
        result = oidc_accounts.sign_in(session=s, config=CONFIG, claims=dict(PERSON), id_token="token")
    return (result.actor.user_id if result.actor else None), result.token


def test_a_wrong_binding_is_removed_and_the_next_login_binds_the_right_account(db_url, session):
    admin = make_user(session, username="admin", role="admin")
    wrong = make_user(session, username="anne.gammel", full_name="Anne Gammel", email=PERSON["email"])
    right = make_user(session, username="anne", full_name="Anne Holm")
    session.commit()
    assert sign_in() == wrong.id  # bound by the e-mail, which pointed at the old account
    # The administrator moves the address to the right account; the binding still holds.
    wrong.email, right.email = None, PERSON["email"]
    session.add_all([wrong, right])
    session.commit()
    user_id, token = sign_in_with_token()
    assert user_id == wrong.id
    with session_scope() as s:
        [binding] = sso_bindings(session=s, actor=Actor.from_user(admin))
    assert (binding.user_id, binding.username, binding.provider) == (wrong.id, "anne.gammel",
                                                                     "login.kommune.example")  # fmt: skip
    assert binding.last_login_at is not None
    with session_scope(write=True) as s:
        ended = remove_sso_binding(session=s, actor=Actor.from_user(admin), binding_id=binding.id)
    assert ended == 2  # both logins into the wrong account, still open, are ended
    with session_scope() as s:
        assert resume_login_session(session=s, token=token) is None
        assert s.get(UserAccount, wrong.id) is not None  # the account stays
        assert sso_bindings(session=s, actor=Actor.from_user(admin)) == []
        audit = s.execute(select(AuditEvent).where(AuditEvent.action == UNBIND_ACTION)).scalars().all()
    assert [(a.user_id, a.entity_id, a.outcome) for a in audit] == [(admin.id, binding.id, "ok")]
    assert sign_in() == right.id  # bound again, now to the right account


def test_only_an_administrator_sees_or_removes_bindings(db_url, session):
    staff = make_user(session, username="rasmus", email=PERSON["email"])
    session.commit()
    assert sign_in() == staff.id
    with session_scope() as s:
        binding_id = s.execute(select(SsoIdentity.id)).scalar_one()
    with session_scope() as s, pytest.raises(UserError):
        sso_bindings(session=s, actor=Actor.from_user(staff))
    with pytest.raises(UserError), session_scope(write=True) as s:
        remove_sso_binding(session=s, actor=Actor.from_user(staff), binding_id=binding_id)
    with session_scope() as s:
        assert s.get(SsoIdentity, binding_id) is not None  # nothing removed
        denied = s.execute(select(AuditEvent).where(AuditEvent.action == UNBIND_ACTION)).scalars().all()
    assert [(a.user_id, a.outcome) for a in denied] == [(staff.id, "denied")]


def test_removing_a_binding_that_is_gone_says_so(db_url, session):
    admin = make_user(session, username="admin", role="admin")
    session.commit()
    with pytest.raises(UserError) as error, session_scope(write=True) as s:
        remove_sso_binding(session=s, actor=Actor.from_user(admin), binding_id=12345)
    assert error.value.key == "error.not_found"
