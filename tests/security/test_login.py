"""Login (issue 8, point 6), beyond tests/models/test_users.py and tests/pages/test_shell.py:
every kind of attempt audited without the typed name, the timeouts enforced by the app itself
(not only by the model), logout ending the session on the server, and Streamlit's config.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from models.db import session_scope
from models.errors import UserError
from models.tables import AuditEvent, LoginSession
from models.users import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, MAX_FAILED_LOGINS, authenticate, resume_login_session
from tests.factories import PASSWORD, make_user
from tests.pages.conftest import login_token

ROOT = Path(__file__).resolve().parents[2]
LOGIN_TITLE = "Log ind i Samplan"


def _login(username, password):
    return authenticate(username=username, password=password)  # it opens its own transactions


def test_every_attempt_is_audited_with_one_message_and_never_the_typed_name(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
    messages = set()
    attempts = (
        [("nobody-probe-x", PASSWORD), ("rasmus", "forkert-kode-1")]
        + [("rasmus", "forkert")] * (MAX_FAILED_LOGINS - 1)
        + [("rasmus", PASSWORD)]
    )  # the last one is right, but the account is locked by then
    for name, password in attempts:
        with pytest.raises(UserError) as refused:
            _login(name, password)
        messages.add(refused.value.message("da"))
    assert len(messages) == 1  # unknown user, wrong password and lockout read the same
    with session_scope() as s:
        rows = (
            s.execute(select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.id))
            .scalars()
            .all()
        )
    assert [(r.user_id, r.outcome) for r in rows] == [(None, "failed")] + [
        (user.id, "failed")
    ] * MAX_FAILED_LOGINS + [(user.id, "locked")]
    assert len(rows) == len(attempts)  # every attempt, none missing
    assert all("probe" not in f"{r.action}{r.entity}{r.outcome}" for r in rows)


def test_a_successful_login_is_audited(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
    _login("rasmus", PASSWORD)
    with session_scope() as s:
        rows = s.execute(
            select(AuditEvent.user_id, AuditEvent.outcome).where(AuditEvent.action == "login")
        ).all()
    assert rows == [(user.id, "ok")]


def _age_session(token: str, **moved) -> None:
    """Move a login session's clock back as if time had passed (the app checks on every run)."""
    from models.users import _token_hash

    with session_scope(write=True) as s:
        row = s.execute(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        ).scalar_one()
        s.execute(
            update(LoginSession)
            .where(LoginSession.id == row.id)
            .values(**{column: getattr(row, column) - delta for column, delta in moved.items()})
        )


@pytest.mark.parametrize(
    "moved",
    [
        # idle: nothing for just over 30 minutes
        {"last_seen_at": IDLE_TIMEOUT + timedelta(seconds=5)},
        # absolute: active a minute ago, but logged in more than 12 hours ago
        {"created_at": ABSOLUTE_TIMEOUT + timedelta(seconds=5), "last_seen_at": timedelta(minutes=1)},
    ],
    ids=["idle-30-min", "absolute-12-h"],
)
def test_the_app_sends_a_timed_out_session_back_to_the_login_page(open_page, ditte, moved):
    token = login_token(ditte.staff_user)
    assert open_page(token=token).title[0].value != LOGIN_TITLE  # fresh: logged in
    _age_session(token, **moved)
    at = open_page(token=token)
    assert not at.exception
    assert at.title[0].value == LOGIN_TITLE
    assert not any("Ditte" in str(e.value) for e in at.markdown)
    with session_scope(write=True) as s:  # and it stays ended: coming back later does not revive it
        assert resume_login_session(session=s, token=token) is None


def test_just_inside_the_idle_time_the_session_lives(open_page, ditte):
    token = login_token(ditte.staff_user)
    _age_session(token, last_seen_at=IDLE_TIMEOUT - timedelta(minutes=1))
    assert open_page(token=token).title[0].value != LOGIN_TITLE


def test_logout_ends_the_session_on_the_server_for_every_tab(open_page, ditte):
    token = login_token(ditte.staff_user)
    first, second = open_page(token=token), open_page(token=token)  # two tabs, one login
    first.sidebar.button(key="logout").click().run()
    with session_scope() as s:
        from models.users import _token_hash

        row = s.execute(
            select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
        ).scalar_one()
    assert row.ended_at is not None
    second.run()  # the other tab's next request
    assert open_page(token=token).title[0].value == LOGIN_TITLE


# --- .streamlit/config.toml -----------------------------------------------------------------


@pytest.fixture(scope="module")
def config() -> dict:
    with open(ROOT / ".streamlit" / "config.toml", "rb") as handle:
        return tomllib.load(handle)


def test_xsrf_protection_is_on(config):
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True  # not switched off either


def test_error_details_are_hidden_from_users(config):
    assert config["client"]["showErrorDetails"] in ("none", False)


def test_uploads_are_size_limited(config):
    assert 1 <= config["server"]["maxUploadSize"] <= 10  # megabytes
    assert config["server"].get("maxMessageSize", 200) <= 200


def test_streamlit_reads_the_same_settings(config):
    """The file is not only well-formed: Streamlit itself picks the values up."""
    from streamlit import config as st_config

    st_config.get_config_options(force_reparse=True, options_from_flags={})
    assert st_config.get_option("server.enableXsrfProtection") is True
    assert st_config.get_option("client.showErrorDetails") in ("none", False)
    assert st_config.get_option("server.maxUploadSize") == config["server"]["maxUploadSize"]


def test_tables_offer_no_unaudited_csv_download(config):
    """st.dataframe's own toolbar would export any table as CSV in the browser: unaudited, and
    with user text as live spreadsheet formulas. Samplan's files go through ui/downloads.py."""
    from streamlit import config as st_config

    assert config["client"]["disableDataExport"] is True
    st_config.get_config_options(force_reparse=True, options_from_flags={})
    assert st_config.get_option("client.disableDataExport") is True
