"""Which login methods are on (models/oidc_config.py): local accounts by default, single sign-on
only when complete, the client secret from the environment only."""

from __future__ import annotations

import pytest

from models.oidc_config import CreateRule, SsoConfigError, login_methods

SSO = {
    "SAMPLAN_LOGIN_METHODS": "sso",
    "SAMPLAN_OIDC_ISSUER": "https://login.kommune.example/tenant/v2.0",
    "SAMPLAN_OIDC_CLIENT_ID": "samplan",
    "SAMPLAN_OIDC_CLIENT_SECRET": "from-the-environment",
    "SAMPLAN_OIDC_REDIRECT_URI": "https://samplan.kommune.example/_samplan/sso/callback",
    "SAMPLAN_OIDC_DISPLAY_NAME": "Aarhus Kommune",
}


def test_local_accounts_only_when_nothing_is_configured():
    methods = login_methods({})
    assert methods.local and methods.sso is None


def test_single_sign_on_alone_or_beside_local_accounts():
    alone = login_methods(SSO)
    assert not alone.local and alone.sso is not None
    assert alone.sso.app_url == "https://samplan.kommune.example/"
    assert alone.sso.login_url == "https://samplan.kommune.example/_samplan/sso/login"
    assert login_methods({**SSO, "SAMPLAN_LOGIN_METHODS": "local, sso"}).local


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"SAMPLAN_OIDC_CLIENT_SECRET": ""}, "CLIENT_SECRET"),  # the secret is required
        ({"SAMPLAN_OIDC_ISSUER": ""}, "ISSUER"),
        ({"SAMPLAN_OIDC_ISSUER": "http://login.kommune.example"}, "https"),  # codes over plain http
        ({"SAMPLAN_OIDC_REDIRECT_URI": "https://samplan.kommune.example/"}, "_samplan/sso/callback"),
        ({"SAMPLAN_OIDC_SCOPES": "profile email"}, "openid"),
        ({"SAMPLAN_OIDC_CREATE_ON_FIRST_LOGIN": "Samplan-brugere"}, "claim=value"),
        ({"SAMPLAN_LOGIN_METHODS": "ldap"}, "local"),  # an unknown method
    ],
)
def test_a_configuration_that_cannot_work_says_what_to_fix(change, complaint):
    with pytest.raises(SsoConfigError, match=complaint):
        login_methods({**SSO, **change})


def test_a_file_outside_the_repository_with_the_environment_winning_and_no_secret_in_it(tmp_path):
    file = tmp_path / "sso.toml"
    file.write_text(
        'login_methods = "local,sso"\nissuer = "https://login.kommune.example/tenant/v2.0"\n'
        'client_id = "from-file"\nredirect_uri = "https://samplan.kommune.example/_samplan/sso/callback"\n'
        'client_secret = "ignored: only the environment holds the secret"\n'
        'create_on_first_login = "groups=Samplan-brugere"\n'
    )
    env = {"SAMPLAN_SSO_CONFIG": str(file), "SAMPLAN_OIDC_CLIENT_ID": "from-env"}
    with pytest.raises(SsoConfigError, match="CLIENT_SECRET"):
        login_methods(env)
    sso = login_methods({**env, "SAMPLAN_OIDC_CLIENT_SECRET": "s"}).sso
    assert sso is not None and sso.client_id == "from-env" and sso.client_secret == "s"
    assert sso.create_rule == CreateRule(claim="groups", value="Samplan-brugere")


@pytest.mark.parametrize(
    ("claims", "matches"),
    [
        ({"groups": ["A", "Samplan-brugere"]}, True),  # one of the person's groups
        ({"groups": "Samplan-brugere"}, True),  # a single value
        ({"groups": ["Samplan-brugere-test"]}, False),  # exact names, no prefixes
        ({}, False),
    ],
)
def test_the_create_rule_matches_a_claim_value_exactly(claims, matches):
    assert CreateRule(claim="groups", value="Samplan-brugere").matches(claims) is matches
