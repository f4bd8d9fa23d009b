"""The login cookie's signature and one-time codes (models/login_cookie.py)."""

import pytest

from models import login_cookie
from models.login_cookie import issue_code, redeem_code, sign, unsign

KEY = "server-secret"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (sign("tok-en.with.dots", key=KEY), "tok-en.with.dots"),  # the last dot separates
        (sign("token", key="another-server"), None),  # signed with another key
        (sign("token", key=KEY)[:-1] + "A", None),  # a changed signature
        (sign("token", key=KEY).replace("token", "tokem"), None),  # a changed token
        ("token", None),  # no signature
        ("", None),
        (None, None),
        ("." + sign("", key=KEY).split(".")[-1], None),  # an empty token
        ("token.æøå-ikke-en-signatur", None),  # non-ASCII: refused, not a TypeError
        (sign("tøken", key=KEY), "tøken"),
    ],
)
def test_only_a_cookie_signed_with_the_key_gives_its_token(value, expected):
    assert unsign(value, key=KEY) == expected


def test_unsigned_without_a_key_is_nothing():
    assert unsign(sign("token", key=""), key="") is None


def test_a_code_gives_the_token_once_and_only_within_its_minute():
    now = [1000.0]
    code = issue_code("the-token", clock=lambda: now[0])
    assert "the-token" not in code
    assert redeem_code(code, clock=lambda: now[0]) == "the-token"
    assert redeem_code(code, clock=lambda: now[0]) is None  # used
    late = issue_code("the-token", clock=lambda: now[0])
    now[0] += login_cookie.CODE_SECONDS + 1
    assert redeem_code(late, clock=lambda: now[0]) is None  # expired
    assert redeem_code("guess", clock=lambda: now[0]) is None


def test_the_cookie_is_httponly_strict_and_secure_behind_https():
    header = login_cookie.set_cookie_header("v", secure=True)
    assert header.split("; ") == [
        "samplan_login=v", "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200", "Secure"
    ]
    assert "Secure" not in login_cookie.set_cookie_header("v", secure=False)
    assert "Max-Age=0" in login_cookie.clear_cookie_header(secure=False)
