"""The app shell: first run, login, navigation, the citizen picker and the language."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, UserAccount
from tests.factories import PASSWORD, make_user
from tests.pages.conftest import ROOT, block_lines

CITIZEN_PAGES = ["pages/prepare.py", "pages/meeting.py", "pages/plan.py", "pages/follow_up.py"]
ALL_PAGES = ["pages/home.py", *CITIZEN_PAGES, "pages/overview.py", "pages/admin.py"]


def test_a_fresh_database_shows_the_first_run_screen(open_page):
    at = open_page()
    assert not at.exception
    assert at.title[0].value == "Velkommen til Samplan"


def test_first_run_creates_an_administrator_and_logs_in(open_page):
    at = open_page()
    at.text_input(key="first_full_name").input("Anne Admin")
    at.text_input(key="first_username").input("anne")
    at.text_input(key="first_password").input(PASSWORD)
    at.text_input(key="first_repeat").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["login_token"]
    with session_scope() as s:
        assert s.execute(select(UserAccount.role)).scalars().all() == ["admin"]
    # The next request (AppTest reruns only the page; a fresh run goes through app.py).
    after = open_page(token=at.session_state["login_token"])
    assert after.title[0].value == "Opfølgning"  # the default page: my follow-ups
    assert after.button(key="load_demo").label == "Indlæs demodata"


def test_first_run_keeps_the_typing_and_explains_a_short_password_in_danish(open_page):
    at = open_page()
    at.text_input(key="first_full_name").input("Anne Admin")
    at.text_input(key="first_username").input("anne")
    at.text_input(key="first_password").input("kort")
    at.text_input(key="first_repeat").input("kort")
    at.button[0].click().run()
    assert "Adgangskoden skal være på mindst 10 tegn." in at.error[0].value
    assert at.text_input(key="first_full_name").value == "Anne Admin"


def test_login_with_a_wrong_password_says_so_in_danish(open_page, session):
    make_user(session, username="rasmus")
    session.commit()
    at = open_page()
    assert at.title[0].value == "Log ind i Samplan"
    at.text_input(key="login_username").input("rasmus")
    at.text_input(key="login_password").input("forkert-kodeord")
    at.button[0].click().run()
    assert "Forkert brugernavn eller adgangskode" in at.error[0].value


def test_login_with_the_right_password_opens_the_start_page(open_page, session):
    make_user(session, username="rasmus")
    session.commit()
    at = open_page()
    at.text_input(key="login_username").input("rasmus")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    after = open_page(token=at.session_state["login_token"])
    assert after.title[0].value == "Opfølgning"


@pytest.mark.parametrize("page_path", ALL_PAGES)
def test_every_page_renders_for_a_team_member(open_page, ditte, page_path):
    # Administration and Overblik are offered to administrators (Overblik also to leaders) only.
    admins_only = page_path in ("pages/admin.py", "pages/overview.py")
    at = open_page(page_path, user=ditte.admin if admins_only else ditte.staff_user,
                   citizen_id=ditte.citizen.id)
    assert not at.exception, at.exception


@pytest.mark.parametrize("page_path", ALL_PAGES)
def test_logged_out_every_page_shows_only_the_login(open_page, ditte, page_path):
    at = open_page()
    # Without a login the navigation has only the login page: any other page is unreachable.
    assert at.title[0].value == "Log ind i Samplan"
    assert not at.exception


@pytest.mark.parametrize("page_path", CITIZEN_PAGES)
def test_a_citizen_page_shows_the_goal_in_the_citizens_own_words(open_page, ditte, page_path):
    at = open_page(page_path, user=ditte.staff_user, citizen_id=ditte.citizen.id)
    if page_path == "pages/follow_up.py":  # the citizen's view is its second tab, run when opened
        at.session_state["fu_tab"] = "Koordinators overblik"
        at.run()
    texts = [t.value for t in at.text] + block_lines(at)  # st.text, or a text block (ui/text_block.py)
    if page_path in ("pages/meeting.py", "pages/plan.py"):
        assert "Jeg vil gerne i praktik i en børnehave 🌱" in texts
    assert any("Rasmus Holm" in t for t in texts)  # the contact person, at the top


@pytest.mark.parametrize("page_path", CITIZEN_PAGES)
def test_a_forged_citizen_id_gets_nothing_and_is_audited(open_page, ditte, page_path):
    # The sidebar drops an id the user may not pick; a forged one that reaches the page anyway
    # (session or URL) must still be refused by models/ and audited.
    at = open_page(user=ditte.outsider)
    at.session_state["citizen_id"] = ditte.citizen.id
    at.switch_page(str(ROOT / page_path)).run()
    if page_path == "pages/follow_up.py":  # the citizen's view is its second tab, run when opened
        at.session_state["fu_tab"] = "Koordinators overblik"
        at.run()
    assert not at.exception
    assert "Du har ikke adgang til denne borger" in at.error[0].value
    assert all("Ditte" not in t.value for t in at.text)
    with session_scope() as s:
        denied = s.execute(
            select(AuditEvent).where(AuditEvent.outcome == "denied", AuditEvent.user_id == ditte.outsider.id)
        ).scalars().all()
    assert len(denied) == 1 and denied[0].citizen_id == ditte.citizen.id


def test_the_citizen_picker_lists_only_the_users_own_citizens(open_page, ditte, session):
    from tests.factories import make_citizen, make_membership

    other = make_citizen(session, name="Bo Andersen")
    make_membership(session, citizen=other, user=ditte.outsider)
    session.commit()
    at = open_page(user=ditte.staff_user)
    assert at.sidebar.selectbox(key="citizen_picker").options == ["Ditte Mikkelsen"]


def test_english_is_available(open_page, ditte):
    at = open_page("pages/plan.py", user=ditte.staff_user, citizen_id=ditte.citizen.id, lang="en")
    assert at.title[0].value == "The plan"


def test_logout_ends_the_session_on_the_server(open_page, ditte):
    at = open_page(user=ditte.staff_user)
    token = at.session_state["login_token"]
    at.sidebar.button(key="logout").click().run()
    assert "login_token" not in at.session_state
    assert open_page(token=token).title[0].value == "Log ind i Samplan"
    with session_scope() as s:
        assert s.execute(select(AuditEvent.action).where(AuditEvent.action == "logout")).scalars().all()


def test_the_picker_follows_a_citizen_chosen_on_a_page(open_page, ditte):
    at = open_page(user=ditte.staff_user)
    assert at.sidebar.selectbox(key="citizen_picker").value is None
    at.session_state["citizen_id"] = ditte.citizen.id  # as a page does after creating a citizen
    fresh = open_page(token=at.session_state["login_token"], citizen_id=ditte.citizen.id)
    assert fresh.sidebar.selectbox(key="citizen_picker").value == ditte.citizen.id


@pytest.mark.parametrize("ending", ["logout", "idle"])
def test_an_ended_login_leaves_nothing_of_its_user_in_the_tab(open_page, ditte, ending):
    """The next person at the same browser must not start with the previous user's citizen."""
    from datetime import timedelta

    from models.tables import LoginSession, utcnow
    from models.users import IDLE_TIMEOUT, end_login_session
    from tests.pages.conftest import login_token

    token = login_token(ditte.staff_user)
    at = open_page(token=token, citizen_id=ditte.citizen.id)
    assert at.session_state["citizen_id"] == ditte.citizen.id
    at.session_state["a-draft"] = "tekst om borgeren"  # a page's draft, kept in the tab
    with session_scope(write=True) as s:
        if ending == "logout":
            end_login_session(session=s, token=token)
        else:
            row = s.execute(select(LoginSession)).scalar_one()
            row.last_seen_at = utcnow() - IDLE_TIMEOUT - timedelta(minutes=1)
            s.add(row)
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import APP, TIMEOUT

    # The same tab's next request, through app.py (a fresh AppTest with the tab's state).
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key in ("login_token", "citizen_id", "a-draft"):
        again.session_state[key] = at.session_state[key]
    again.query_params["citizen"] = str(ditte.citizen.id)
    again.run()
    assert again.title[0].value == "Log ind i Samplan"
    for key in ("login_token", "citizen_id", "a-draft"):
        assert key not in again.session_state
    assert "citizen" not in again.query_params
