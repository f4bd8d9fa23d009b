"""Start-up rules for an installation with several app processes (issue 22, point 3).

Two or more Samplan processes behind a proxy must sign the login cookie (models/login_cookie.py)
and Streamlit's own cookies with one shared secret: a login made through one process is then
recognised by the other after a reload or when the first one stops. Streamlit makes up a random
secret per process when none is configured, which is fine for one process (`make run`) and wrong
for several: so with SAMPLAN_PROCESSES above 1 a missing or weak `server.cookieSecret`
(STREAMLIT_SERVER_COOKIE_SECRET) refuses the start with a sentence saying what to do.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

PROCESSES_VARIABLE = "SAMPLAN_PROCESSES"
SECRET_VARIABLE = "STREAMLIT_SERVER_COOKIE_SECRET"
MIN_SECRET_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12
PLACEHOLDERS = ("change", "secret", "example", "samplan", "password", "xxxx", "todo")
MAKE_ONE = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


class UnsafeStart(RuntimeError):
    """The configuration would let this process start in an unsafe way."""


def processes(environ: Mapping[str, str] | None = None) -> int:
    """How many app processes serve this installation (SAMPLAN_PROCESSES, default 1)."""
    raw = (os.environ if environ is None else environ).get(PROCESSES_VARIABLE, "").strip() or "1"
    try:
        count = int(raw)
    except ValueError:
        raise UnsafeStart(f"{PROCESSES_VARIABLE}={raw!r} is not a whole number of app processes.") from None
    if count < 1:
        raise UnsafeStart(f"{PROCESSES_VARIABLE} must be 1 or more, not {count}.")
    return count


def weak_secret_reason(secret: str) -> str | None:
    """Why `secret` is too weak to sign logins with, or None when it will do."""
    if len(secret) < MIN_SECRET_LENGTH:
        return f"it has {len(secret)} characters; at least {MIN_SECRET_LENGTH} are needed"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return "it repeats a few characters; use a random value"
    lowered = secret.lower()
    if word := next((w for w in PLACEHOLDERS if w in lowered), None):
        return f"it contains the placeholder word {word!r}; use a random value"
    return None


def cookie_secret_problem(secret: str | None, *, explicitly_set: bool, process_count: int) -> str | None:
    """The sentence that stops the start, or None. One process may use Streamlit's random
    per-process secret (logins then end at a restart); several may not."""
    if process_count <= 1:
        return None
    if not explicitly_set or not secret:
        return (f"Samplan will not start: {PROCESSES_VARIABLE}={process_count} but no cookie secret is "
                f"set, so each process would sign logins with its own random key and a login would not "
                f"hold on the other process. Set the same random value for every process in "
                f"{SECRET_VARIABLE} (or server.cookieSecret), e.g. from: {MAKE_ONE}")
    if reason := weak_secret_reason(secret):
        return (f"Samplan will not start: the cookie secret ({SECRET_VARIABLE} / server.cookieSecret) "
                f"is weak: {reason}. Make one with: {MAKE_ONE}")
    return None
