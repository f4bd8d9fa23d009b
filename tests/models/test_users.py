from datetime import timedelta

import pytest
from sqlmodel import select

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.tables import AuditEvent, UserAccount, utcnow
from models.users import (
    ABSOLUTE_TIMEOUT,
    IDLE_TIMEOUT,
    MAX_FAILED_LOGINS,
    authenticate,
    create_user,
    end_login_session,
    resume_login_session,
    start_login_session,
)

PASSWORD = "korrekt-hest-batteri"


def _make(username="rasmus", role="staff", email="rasmus.holm@kommune.example"):
    with session_scope(write=True) as s:
        return create_user(
            session=s, username=username, full_name="Rasmus Holm", email=email, role=role,
            password=PASSWORD,
        )


def _login(username, password):
    return authenticate(username=username, password=password)  # it opens its own transactions


def test_password_is_stored_as_argon2id_hash_never_plain(db_url):
    _make()
    with session_scope() as s:
        stored = s.exec(select(UserAccount.password_hash)).one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"password": "kort"}, "error.password_too_short"),  # under 10 characters
        ({"username": "Æble Mand"}, "error.bad_username"),  # spaces and æ not allowed
        ({"role": "root"}, "error.bad_role"),  # only admin and staff exist
        ({"email": "not-an-address"}, "error.bad_email"),
        ({"full_name": ""}, "error.required"),
    ],
)
def test_create_user_refuses_bad_input_with_a_catalogue_message(db_url, kwargs, key):
    args = {"username": "ok.user", "full_name": "Ok", "email": None, "role": "staff",
            "password": PASSWORD} | kwargs
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        create_user(session=s, **args)
    assert caught.value.key == key
    assert "{" not in caught.value.message("da")


def test_duplicate_username_and_email_are_refused(db_url):
    _make()
    with pytest.raises(UserError, match="allerede i brug"), session_scope(write=True) as s:
        create_user(session=s, username="rasmus", full_name="X", email=None, role="staff",
                    password=PASSWORD)
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        create_user(session=s, username="other", full_name="X",
                    email="RASMUS.HOLM@kommune.example", role="staff", password=PASSWORD)
    assert caught.value.key == "error.email_taken"


def test_staff_cannot_create_users(db_url):
    staff = _make()
    actor = Actor(user_id=staff.id, username="rasmus", full_name="R", role="staff")
    with pytest.raises(UserError) as caught, session_scope(write=True) as s:
        create_user(session=s, username="x1", full_name="X", email=None, role="admin",
                    password=PASSWORD, actor=actor)
    assert caught.value.key == "error.admin_only"


def test_unknown_user_and_wrong_password_get_the_same_message(db_url):
    _make()
    with pytest.raises(UserError) as unknown:
        _login("nobody", PASSWORD)
    with pytest.raises(UserError) as wrong:
        _login("rasmus", "wrong-password!")
    assert unknown.value.message("da") == wrong.value.message("da")


def test_lockout_after_five_failures_in_a_row_even_for_the_right_password(db_url):
    _make()
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(UserError):
            _login("rasmus", "wrong-password!")
    with pytest.raises(UserError):
        _login("rasmus", PASSWORD)
    with session_scope() as s:
        outcomes = s.exec(select(AuditEvent.outcome).where(AuditEvent.action == "login")).all()
    assert outcomes == ["failed"] * MAX_FAILED_LOGINS + ["locked"]


def test_success_resets_the_failure_count(db_url):
    _make()
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(UserError):
            _login("rasmus", "wrong-password!")
    assert _login("RASMUS", PASSWORD).username == "rasmus"  # user names are case-insensitive
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(UserError):
            _login("rasmus", "wrong-password!")
    assert _login("rasmus", PASSWORD).role == "staff"


def test_login_session_ends_on_logout_idle_and_absolute_timeout(db_url):
    _make()
    actor = _login("rasmus", PASSWORD)
    with session_scope(write=True) as s:
        token = start_login_session(session=s, actor=actor)
    with session_scope(write=True) as s:
        assert resume_login_session(session=s, token=token).user_id == actor.user_id
    now = utcnow()
    with session_scope(write=True) as s:
        assert resume_login_session(session=s, token=token, now=now + IDLE_TIMEOUT / 2)
    with session_scope(write=True) as s:
        # idle counts from the last request, so half the idle time later is still fine...
        assert resume_login_session(session=s, token=token, now=now + IDLE_TIMEOUT)
    with session_scope(write=True) as s:
        # ...but no activity for longer than the idle timeout ends it for good
        later = now + IDLE_TIMEOUT * 2 + timedelta(seconds=1)
        assert resume_login_session(session=s, token=token, now=later) is None
    with session_scope(write=True) as s:
        assert resume_login_session(session=s, token=token) is None

    with session_scope(write=True) as s:
        token2 = start_login_session(session=s, actor=actor)
    # Active every 25 minutes (never idle), the session still ends after 12 hours in total.
    step, moment = timedelta(minutes=25), now
    while moment + step < now + ABSOLUTE_TIMEOUT:
        moment += step
        with session_scope(write=True) as s:
            assert resume_login_session(session=s, token=token2, now=moment) is not None
    with session_scope(write=True) as s:
        assert resume_login_session(session=s, token=token2, now=moment + step) is None

    with session_scope(write=True) as s:
        token3 = start_login_session(session=s, actor=actor)
    with session_scope(write=True) as s:
        end_login_session(session=s, token=token3)
    with session_scope(write=True) as s:
        assert resume_login_session(session=s, token=token3) is None


def test_importing_the_module_hashes_nothing():
    """The dummy hash is made at the first login attempt: hashing at import cost every process
    that imports models.users (each app server, each `samplan` command) ~0.4 s of CPU."""
    import subprocess
    import sys

    probe = (
        "import argon2\n"
        "def refuse(*args, **kwargs):\n"
        "    raise SystemExit('hashed at import')\n"
        "argon2.PasswordHasher.hash = refuse\n"
        "import models.users\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
