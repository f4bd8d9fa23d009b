"""The login page with single sign-on configured (ui/sso.py): the link, the sentence for a login
that came back refused, SSO alone without the password form, and a configuration that cannot
work. The provider itself is not needed here (tests/e2e/test_sso.py goes through one)."""

from __future__ import annotations

import pytest

from tests.factories import make_user

SSO = {
    "SAMPLAN_OIDC_ISSUER": "https://login.kommune.example/v2.0",
    "SAMPLAN_OIDC_CLIENT_ID": "samplan",
    "SAMPLAN_OIDC_CLIENT_SECRET": "secret",
    "SAMPLAN_OIDC_REDIRECT_URI": "https://samplan.kommune.example/_samplan/sso/callback",
    "SAMPLAN_OIDC_DISPLAY_NAME": "Aarhus Kommune",
}


@pytest.fixture
def logged_out(session, monkeypatch):
    make_user(session, username="rasmus")
    session.commit()
    for name, value in SSO.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def link_html(at) -> str:
    return " ".join(str(element.proto.body) for element in at.get("html"))


@pytest.mark.parametrize(
    ("methods", "form_shown"),
    [("local,sso", True), ("sso", False)],  # beside local accounts, or alone: no password form
)
def test_the_login_page_offers_the_municipality_login(open_page, logged_out, methods, form_shown):
    logged_out.setenv("SAMPLAN_LOGIN_METHODS", methods)
    at = open_page()
    assert not at.exception
    html = link_html(at)
    assert "Log ind med Aarhus Kommune" in html
    assert 'href="https://samplan.kommune.example/_samplan/sso/login"' in html
    assert [t.key for t in at.text_input] == (["login_username", "login_password"] if form_shown else [])


def test_a_refused_single_sign_on_is_said_in_danish_once(open_page, logged_out):
    logged_out.setenv("SAMPLAN_LOGIN_METHODS", "local,sso")
    at = open_page()
    at.query_params["sso"] = "refused"
    at.run()
    assert [e.value for e in at.error] == [
        "Kommunens login kender dig, men du har ingen bruger i Samplan. Bed en administrator i Samplan "
        "om at oprette dig med din arbejdsmail, og prøv så igen."
    ]
    assert "sso" not in at.query_params


def test_a_configuration_that_cannot_work_offers_no_login_and_says_so(open_page, logged_out):
    logged_out.setenv("SAMPLAN_LOGIN_METHODS", "sso")
    logged_out.delenv("SAMPLAN_OIDC_CLIENT_SECRET")
    at = open_page()
    assert at.error[0].value.startswith("Log ind er ikke sat rigtigt op")
    assert not at.text_input and "Log ind med" not in link_html(at)
