"""models.downloads.build_download: a file is built only for a login that is live at the click.

Each way a login ends is a case: logout, the idle limit, the absolute limit, an account an
administrator deactivated, a token nobody issued. A refused click builds nothing and leaves an
audit row; a served one leaves "download.<kind>" with who and when.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.access import Actor
from models.db import session_scope
from models.downloads import DownloadRefused, administrators, build_download
from models.tables import AuditEvent, LoginSession, UserAccount, utcnow
from models.users import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, end_login_session, start_login_session
from tests.factories import make_user


def _login(user: UserAccount) -> str:
    with session_scope(write=True) as session:
        return start_login_session(session=session, actor=Actor.from_user(user))


def _audits(kind: str) -> list[tuple[int | None, str, int | None]]:
    with session_scope() as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action == f"download.{kind}")).all()
        return [(row.user_id, row.outcome, row.citizen_id) for row in rows]


def _age_login(token_owner: int, *, idle: timedelta, total: timedelta) -> None:
    with session_scope(write=True) as session:
        row = session.exec(select(LoginSession).where(LoginSession.user_id == token_owner)).one()
        row.last_seen_at = utcnow() - idle
        row.created_at = utcnow() - total
        session.add(row)


def _log_out(user: UserAccount, token: str) -> None:
    with session_scope(write=True) as session:
        end_login_session(session=session, token=token)


def _deactivate(user: UserAccount, token: str) -> None:
    with session_scope(write=True) as session:
        account = session.get(UserAccount, user.id)
        account.is_active = False
        session.add(account)


def _idle(user: UserAccount, token: str) -> None:
    _age_login(user.id, idle=IDLE_TIMEOUT + timedelta(minutes=1), total=IDLE_TIMEOUT * 2)


def _too_old(user: UserAccount, token: str) -> None:
    _age_login(user.id, idle=timedelta(minutes=1), total=ABSOLUTE_TIMEOUT + timedelta(minutes=1))


ENDINGS: list[tuple[str, Callable[[UserAccount, str], None]]] = [
    ("logout", _log_out),  # "Log ud" in this tab (its token is ended in the database)
    ("idle", _idle),  # 30 minutes without a request
    ("absolute", _too_old),  # 12 hours after logging in, however busy
    ("deactivated", _deactivate),  # an administrator closed the account meanwhile
]


@pytest.fixture
def admin(session: Session) -> UserAccount:
    user = make_user(session, username="anne", full_name="Anne Admin", role="admin")
    session.commit()
    return user


def test_a_live_login_gets_the_file_built_for_the_actor_as_the_database_knows_it(admin):
    token = _login(admin)
    seen: list[Actor] = []

    def build(who: Actor) -> bytes:
        seen.append(who)
        return b"the file"

    assert build_download(token=token, kind="backup", build=build, may=administrators) == b"the file"
    assert [who.user_id for who in seen] == [admin.id]
    assert _audits("backup") == [(admin.id, "ok", None)]  # who, and what kind; `at` is set


@pytest.mark.parametrize(("ending", "end"), ENDINGS, ids=[name for name, _ in ENDINGS])
def test_an_ended_login_gets_no_file_and_the_refusal_is_audited(admin, ending, end):
    token = _login(admin)
    end(admin, token)
    built: list[Actor] = []
    with pytest.raises(DownloadRefused):
        build_download(token=token, kind="plan_docx", build=lambda who: built.append(who) or b"x",
                       citizen_id=7)
    assert built == []  # the builder never ran: nothing was read for the file
    assert _audits("plan_docx") == [(admin.id, "denied", 7)]


@pytest.mark.parametrize("token", [None, "", "made-up-token"])
def test_no_login_or_an_unknown_token_gets_no_file(admin, token):
    with pytest.raises(DownloadRefused):
        build_download(token=token, kind="export_all", build=lambda who: b"x")
    assert _audits("export_all") == [(None, "denied", None)]


def test_an_administrators_file_is_refused_to_staff(session):
    staff = make_user(session, username="rasmus")
    session.commit()
    with pytest.raises(DownloadRefused):
        build_download(token=_login(staff), kind="backup", build=lambda who: b"db", may=administrators)
    assert _audits("backup") == [(staff.id, "denied", None)]


def test_a_role_changed_after_the_page_was_drawn_applies_at_the_click(session):
    user = make_user(session, username="anne", role="admin")
    session.commit()
    token = _login(user)  # the page was drawn for an administrator
    user.role = "staff"
    session.add(user)
    session.commit()
    with pytest.raises(DownloadRefused):
        build_download(token=token, kind="backup", build=lambda who: b"db", may=administrators)


def test_a_failing_builder_leaves_no_ok_row(admin):
    def build(who: Actor) -> bytes:
        raise RuntimeError("the plan could not be read")

    with pytest.raises(RuntimeError):
        build_download(token=_login(admin), kind="citizen_copy", build=build, citizen_id=3)
    assert _audits("citizen_copy") == []


def test_the_click_counts_as_activity_for_the_idle_limit(admin):
    token = _login(admin)
    _age_login(admin.id, idle=IDLE_TIMEOUT - timedelta(minutes=1), total=IDLE_TIMEOUT)
    build_download(token=token, kind="overview_csv", build=lambda who: b"csv")
    with session_scope() as session:
        row = session.exec(select(LoginSession).where(LoginSession.user_id == admin.id)).one()
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_an_unknown_kind_is_a_programming_error(admin):
    with pytest.raises(ValueError):
        build_download(token=_login(admin), kind="anything", build=lambda who: b"x")


def test_a_leader_permission_withdrawn_after_the_page_was_drawn_applies_at_the_click(session):
    from models.overview import may_see_overview

    user = make_user(session, username="mette")
    user.is_leader = True
    session.add(user)
    session.commit()
    token = _login(user)  # Overblik was drawn for a leader
    assert build_download(token=token, kind="overview_csv", build=lambda who: b"csv", may=may_see_overview)
    user.is_leader = False
    session.add(user)
    session.commit()
    with pytest.raises(DownloadRefused):
        build_download(token=token, kind="overview_csv", build=lambda who: b"csv", may=may_see_overview)
    assert _audits("overview_csv") == [(user.id, "ok", None), (user.id, "denied", None)]
