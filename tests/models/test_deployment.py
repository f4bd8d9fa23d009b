"""The start-up rule for several app processes: a shared, strong cookie secret (issue 22)."""

from __future__ import annotations

import hashlib
import secrets

import pytest

from models.deployment import UnsafeStart, cookie_secret_problem, processes, weak_secret_reason

# Random-looking and the same in every xdist worker (a parameter's id must not change).
STRONG = hashlib.sha256(b"not a real secret: test only").hexdigest()


@pytest.mark.parametrize(
    ("secret", "explicitly_set", "count", "refused"),
    [
        ("", False, 1, None),  # make run: one process, Streamlit's random secret is fine
        ("short", True, 1, None),  # one process: a weak secret costs nothing across processes
        ("", False, 2, "no cookie secret is set"),  # two processes, each with its own random key
        ("random-per-process-" * 3, False, 2, "no cookie secret is set"),  # Streamlit's default, not set
        ("short", True, 2, "at least 32"),  # too short to sign logins with
        ("a" * 40, True, 2, "repeats"),  # long but no randomness
        ("change-me-change-me-change-me-0123456789", True, 2, "placeholder"),  # copied from a guide
        (STRONG, True, 2, None),  # what docs/deploy.md tells you to make
        (STRONG, True, 8, None),
    ],
)
def test_several_processes_need_a_strong_shared_secret(secret: str, explicitly_set: bool, count: int,
                                                       refused: str | None) -> None:  # fmt: skip
    problem = cookie_secret_problem(secret, explicitly_set=explicitly_set, process_count=count)
    if refused is None:
        assert problem is None
    else:
        assert problem is not None and refused in problem
        assert "STREAMLIT_SERVER_COOKIE_SECRET" in problem
        assert not secret or secret not in problem  # the secret itself is never printed


@pytest.mark.parametrize(("raw", "count"), [("", 1), ("1", 1), (" 2 ", 2), ("4", 4)])
def test_processes_reads_the_setting(raw: str, count: int) -> None:
    assert processes({"SAMPLAN_PROCESSES": raw}) == count


@pytest.mark.parametrize("raw", ["two", "0", "-1", "1.5"])
def test_a_wrong_process_count_is_refused(raw: str) -> None:
    with pytest.raises(UnsafeStart, match="SAMPLAN_PROCESSES"):
        processes({"SAMPLAN_PROCESSES": raw})


def test_a_random_token_is_strong() -> None:
    assert weak_secret_reason(secrets.token_hex(32)) is None
