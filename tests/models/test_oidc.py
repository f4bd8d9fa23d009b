"""Single sign-on against a real OpenID Connect provider over HTTP (tests/oidc_provider.py):
discovery, PKCE, the code exchange, every check on the ID token, and the account rules
(models/oidc_client.py, models/oidc_accounts.py). The browser journey is tests/e2e/test_sso.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from sqlalchemy import select
from sqlmodel import Session

from models import oidc_accounts, oidc_client
from models.db import session_scope
from models.errors import UserError
from models.oidc_config import SsoConfig, login_methods
from models.tables import AuditEvent, UserAccount
from models.users import authenticate, end_login_session, resume_login_session
from tests.factories import make_user
from tests.oidc_provider import OidcProvider, Person

REDIRECT = "http://127.0.0.1:8501/_samplan/sso/callback"
ANNE = Person("sub-anne", "anne", "anne.holm@kommune.example", name="Anne Holm")
STRANGER = Person("sub-stranger", "fremmed", "fremmed@kommune.example", name="Frede Fremmed")
NEWCOMER = Person("sub-new", "ny", "nina.ny@kommune.example", name="Nina Ny", groups=("Samplan-brugere",))
UNVERIFIED = Person("sub-unverified", "uverificeret", "anne.holm@kommune.example", email_verified=False)


@pytest.fixture(scope="module")
def provider() -> Iterator[OidcProvider]:
    with OidcProvider(people=[ANNE, STRANGER, NEWCOMER, UNVERIFIED]) as running:
        yield running


@pytest.fixture
def config(provider: OidcProvider) -> SsoConfig:
    oidc_client.forget_cached_metadata()
    sso = login_methods(provider.environment(REDIRECT)).sso
    assert sso is not None
    return sso


def provider_login(provider: OidcProvider, config: SsoConfig, username: str) -> dict:
    """What the callback route does with the provider's answer, the browser played by requests."""
    flow = oidc_client.new_flow()
    back = provider.log_in_without_browser(oidc_client.authorization_url(config, flow), username)
    query = parse_qs(urlsplit(back).query)
    assert back.startswith(REDIRECT) and query["state"] == [flow.state]
    return oidc_client.exchange_code(config, code=query["code"][0], flow=flow)


def test_the_authorization_request_carries_state_nonce_and_an_s256_challenge_never_the_verifier(config):
    flow = oidc_client.new_flow()
    url = oidc_client.authorization_url(config, flow)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query["code_challenge"] == create_s256_code_challenge(flow.verifier)
    assert query["code_challenge_method"] == "S256"
    assert (query["state"], query["nonce"], query["response_type"]) == (flow.state, flow.nonce, "code")
    assert set(query["scope"].split()) == {"openid", "profile", "email"}
    assert flow.verifier not in url


def test_discovery_must_name_exactly_the_configured_issuer(provider):
    oidc_client.forget_cached_metadata()
    sso = login_methods(provider.environment(REDIRECT, SAMPLAN_OIDC_ISSUER=provider.issuer + "/")).sso
    assert sso is not None
    with pytest.raises(oidc_client.ProviderUnavailable, match="issuer"):
        oidc_client.discover(sso)


def test_a_code_gives_checked_claims_with_the_email_from_userinfo_once(provider, config):
    claims = provider_login(provider, config, "anne")
    assert claims["sub"] == "sub-anne" and claims["iss"] == provider.issuer
    assert claims["email"] == ANNE.email  # not in the ID token: asked at the userinfo endpoint
    assert claims["_id_token"].count(".") == 2
    sent = provider.token_requests[-1]
    assert create_s256_code_challenge(sent["code_verifier"]) and "client_secret" not in sent  # Basic auth
    flow = oidc_client.new_flow()  # the same code again, or with another verifier: no tokens
    with pytest.raises(oidc_client.ProviderUnavailable):
        oidc_client.exchange_code(config, code="used-or-made-up", flow=flow)


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        ("expired", "expired"),  # exp an hour ago: replayed or a badly set clock
        ("signature", "signature"),  # signed with a key the provider never published, same key id
        ("issuer", "issuer"),  # another provider's token
        ("audience", "audience"),  # issued to another application
        ("nonce", "nonce"),  # not for this browser's login attempt
    ],
)
def test_a_forged_or_expired_id_token_is_refused(provider, config, forge, reason):
    provider.forge = forge
    with pytest.raises(oidc_client.TokenRejected) as refused:
        provider_login(provider, config, "anne")
    assert refused.value.reason == reason


def _unsigned(claims: dict) -> str:
    part = lambda data: base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")  # noqa: E731
    return f"{part({'alg': 'none', 'kid': 'provider-key-1'})}.{part(claims)}."


def test_an_unsigned_token_is_refused_and_a_good_one_passes(provider, config):
    metadata = oidc_client.discover(config)
    good = provider.id_token(ANNE, nonce="n-1")
    assert (
        oidc_client.verify_id_token(good, config=config, metadata=metadata, nonce="n-1")["sub"] == "sub-anne"
    )
    claims = {"iss": provider.issuer, "aud": config.client_id, "sub": "sub-anne", "nonce": "n-1",
              "iat": 2_000_000_000, "exp": 2_000_000_600}  # fmt: skip
    with pytest.raises(oidc_client.TokenRejected):
        oidc_client.verify_id_token(_unsigned(claims), config=config, metadata=metadata, nonce="n-1")
    with pytest.raises(oidc_client.TokenRejected) as refused:  # a made-up nonce that is not ASCII
        oidc_client.verify_id_token(
            provider.id_token(ANNE, nonce="nøgle"), config=config, metadata=metadata, nonce="n-1"
        )
    assert refused.value.reason == "nonce"


@pytest.mark.parametrize(
    ("change", "opened"),
    [
        (lambda v: v, True),  # as sealed
        (lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"), False),  # signature changed
        (lambda v: "x" + v, False),  # payload changed
        (lambda v: "", False),
        (lambda v: v[:-1] + "æ", False),  # not ASCII: refused, not an error
    ],
)
def test_the_flow_cookie_opens_only_unchanged_with_the_key_and_in_time(change, opened):
    flow = oidc_client.new_flow(clock=lambda: 1000.0)
    sealed = oidc_client.seal_flow(flow, key="k")
    assert (oidc_client.open_flow(change(sealed), key="k", clock=lambda: 1010.0) == flow) is opened
    assert oidc_client.open_flow(sealed, key="other", clock=lambda: 1010.0) is None
    late = 1000.0 + oidc_client.FLOW_SECONDS + 1
    assert oidc_client.open_flow(sealed, key="k", clock=lambda: late) is None


# --- who the person is in Samplan -------------------------------------------------------------


def sign_in(config: SsoConfig, claims: dict) -> oidc_accounts.SsoResult:
    id_token = claims.pop("_id_token", "id-token")
    with session_scope(write=True) as s:
        return oidc_accounts.sign_in(session=s, config=config, claims=claims, id_token=id_token)


def sso_audit(session: Session) -> list[tuple[int | None, str]]:
    rows = session.execute(select(AuditEvent).where(AuditEvent.action == "login.sso").order_by(AuditEvent.id))
    return [(row.user_id, row.outcome) for row in rows.scalars()]


def test_first_login_binds_by_email_then_the_subject_holds_when_the_email_changes(
    db_url, session, provider, config
):
    anne = make_user(session, username="anne", full_name="Anne Holm", email=ANNE.email, role="admin")
    session.commit()
    result = sign_in(config, provider_login(provider, config, "anne"))
    assert result.actor is not None and result.actor.user_id == anne.id and result.actor.role == "admin"
    with session_scope() as s:
        assert oidc_accounts.bound_subject(session=s, user_id=anne.id, issuer=provider.issuer) == "sub-anne"
        assert resume_login_session(session=s, token=result.token).user_id == anne.id
    anne.email = "anne.ny@kommune.example"
    session.add(anne)
    session.commit()
    again = sign_in(config, provider_login(provider, config, "anne"))
    assert again.actor is not None and again.actor.user_id == anne.id  # the subject id, not the e-mail
    assert sso_audit(session) == [(anne.id, "ok"), (anne.id, "ok")]


def test_an_unknown_person_is_refused_with_an_audit_row_and_no_account(db_url, session, provider, config):
    make_user(session, username="rasmus", email="rasmus@kommune.example")
    session.commit()
    result = sign_in(config, provider_login(provider, config, "fremmed"))
    assert (result.actor, result.token, result.refusal) == (None, None, "unknown")
    assert session.execute(select(UserAccount.username)).scalars().all() == ["rasmus"]
    assert sso_audit(session) == [(None, "denied")]


def test_create_on_first_login_only_for_the_configured_claim(db_url, session, provider):
    oidc_client.forget_cached_metadata()
    rule = {"SAMPLAN_OIDC_CREATE_ON_FIRST_LOGIN": "groups=Samplan-brugere"}
    config = login_methods(provider.environment(REDIRECT, **rule)).sso
    assert config is not None
    outside = sign_in(config, provider_login(provider, config, "fremmed"))  # not in the group
    assert outside.refusal == "unknown"
    created = sign_in(config, provider_login(provider, config, "ny"))
    assert created.actor is not None and created.actor.role == "staff" and not created.actor.is_leader
    account = session.get(UserAccount, created.actor.user_id)
    assert (account.username, account.full_name, account.email) == ("nina.ny", "Nina Ny", NEWCOMER.email)
    with pytest.raises(UserError) as refused:  # an account made by single sign-on has no password
        authenticate(username="nina.ny", password=oidc_accounts.SSO_ONLY_PASSWORD)
    assert refused.value.key == "error.login_failed"
    actions = session.execute(select(AuditEvent.action, AuditEvent.outcome).order_by(AuditEvent.id)).all()
    assert [tuple(a) for a in actions if a[0] in ("user.create", "login.sso")] == [
        ("login.sso", "denied"), ("user.create", "ok"), ("login.sso", "ok"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("arrange", "username", "refusal"),
    [
        # A deactivated account stays out, whatever the provider says.
        (lambda s: make_user(s, username="anne", email=ANNE.email, is_active=False), "anne", "inactive"),
        # The provider itself says the e-mail is unverified: not enough to take over Anne's account.
        (lambda s: make_user(s, username="anne", email=ANNE.email), "uverificeret", "unverified_email"),
    ],
)
def test_no_login_for_a_deactivated_account_or_an_unverified_email(
    db_url, session, provider, config, arrange, username, refusal
):
    arrange(session)
    session.commit()
    assert sign_in(config, provider_login(provider, config, username)).refusal == refusal
    assert [outcome for _, outcome in sso_audit(session)] == ["denied"]


def test_an_account_bound_to_one_subject_is_not_taken_over_by_another_with_its_email(
    db_url, session, provider, config
):
    make_user(session, username="anne", email=ANNE.email)
    session.commit()
    assert sign_in(config, provider_login(provider, config, "anne")).actor is not None
    impostor = {"sub": "sub-someone-else", "email": ANNE.email, "email_verified": True}
    assert sign_in(config, impostor).refusal == "conflict"


def test_the_provider_logout_hint_is_given_once_and_only_after_the_login_ended(
    db_url, session, provider, config
):
    make_user(session, username="anne", email=ANNE.email)
    session.commit()
    claims = provider_login(provider, config, "anne")
    id_token = claims["_id_token"]
    result = sign_in(config, claims)
    with session_scope(write=True) as s:
        assert oidc_accounts.take_logout_hint(session=s, token=result.token) is None  # still live
        end_login_session(session=s, token=result.token)
    with session_scope(write=True) as s:
        assert oidc_accounts.take_logout_hint(session=s, token=result.token) == id_token
    with session_scope(write=True) as s:
        assert oidc_accounts.take_logout_hint(session=s, token=result.token) is None  # used
    url = oidc_client.end_session_url(config, id_token=id_token)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{provider.issuer}/logout?")
    assert query == {"client_id": config.client_id, "post_logout_redirect_uri": "http://127.0.0.1:8501/",
                     "id_token_hint": id_token}  # fmt: skip
