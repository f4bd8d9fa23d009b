"""The login gate for files that are built when a download button is clicked.

Why this exists: Streamlit runs a download button's `data=<callable>` in a worker thread when
the browser asks for the file, without running app.py, so app.py's login check does not cover
it. A tab that stayed open after its login ended (logout, the idle or absolute limit, an account
deactivated by an administrator) could still fetch the plan, the citizen's copy, the leaders'
figures or the whole database backup, and a client can even ask for an old button's file
directly. So every deferred file goes through `build_download`: it resumes the login session
from its token *at the moment of the click*, refuses and audits when that login is over, hands
the fresh actor (built from the database, so a changed role applies) to the builder, whose own
models/ call authorises the citizen, and audits the download itself (who, when, what kind).
"""

from __future__ import annotations

from collections.abc import Callable

from models.access import Actor, write_audit
from models.db import session_scope
from models.users import login_owner, resume_login_session

# The kinds of file the app offers; the audit row's action is "download.<kind>".
KINDS = frozenset(
    {"plan_docx", "citizen_copy", "invitation_ics", "invitation_docx", "overview_csv",
     "overview_xlsx", "export_all", "backup", "plan_fhir", "rc_csv", "rc_xlsx"}
)


def administrators(actor: Actor) -> bool:
    """`may` for the files only administrators get (every citizen as JSON, the database)."""
    return actor.is_admin


class DownloadRefused(Exception):
    """The login behind a download click has ended (or may not have this file): no file.

    Streamlit logs it and the button shows that the file could not be made; the next rerun
    of the tab shows the login page.
    """


def build_download(
    *,
    token: str | None,
    kind: str,
    build: Callable[[Actor], bytes],
    citizen_id: int | None = None,
    may: Callable[[Actor], bool] | None = None,
) -> bytes:
    """Resume the login of `token`, check it may have a file of `kind`, build it, audit it.

    `may` is a permission the file needs beyond a live login (administrators only, Overblik's
    leaders), asked of the actor as the database knows them at the click.

    `build` receives the actor as the database knows them now and must read citizens' data
    only through models/ functions that authorise (they raise AccessDenied and audit the
    refusal). A refused click leaves an audit row with outcome "denied" and raises
    DownloadRefused; a served one leaves "download.<kind>" with outcome "ok".
    """
    if kind not in KINDS:
        raise ValueError(f"unknown download kind {kind!r}")
    action = f"download.{kind}"
    with session_scope(write=True) as session:
        actor = resume_login_session(session=session, token=token)
        refused = actor is None or (may is not None and not may(actor))
        if refused:
            user_id = actor.user_id if actor is not None else login_owner(session=session, token=token)
            who = Actor(user_id=user_id, username="", full_name="", role="staff") if user_id else None
            write_audit(session, actor=who, action=action, citizen_id=citizen_id, outcome="denied")
    if refused or actor is None:
        raise DownloadRefused(action)
    data = build(actor)
    with session_scope(write=True) as session:
        write_audit(session, actor=actor, action=action, citizen_id=citizen_id)
    return data
