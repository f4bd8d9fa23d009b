"""Mine indstillinger (issue 21): a user chooses how reminders come; and Administration → E-mail:
the SMTP settings, a test mail through a real SMTP server and the send log without bodies."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.mail_settings import load_preference, load_settings, save_settings
from models.tables import AuditEvent, MailLog, UserAccount
from tests.smtp_server import smtp_server

PAGE = "pages/my_settings.py"
ADMIN = "pages/admin.py"


def click(at, label):  # noqa: ANN001, ANN201
    return at.button[[b.label for b in at.button].index(label)].click().run()


def test_a_user_chooses_the_weekly_digest_in_english(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user)
    assert not at.exception
    assert at.title[0].value == "Mine indstillinger"
    # No address on the account: the page says mails cannot reach the user.
    assert any("ingen e-mailadresse" in w.value for w in at.warning)
    at.radio(key="rs-mode").set_value("digest")
    at.selectbox(key="rs-weekday").set_value(4)
    at.selectbox(key="rs-hour").set_value(8)
    at.checkbox(key="rs-escalation").uncheck()
    at.radio(key="rs-language").set_value("en")
    click(at, "Gem indstillinger")
    assert not at.exception
    assert "Dine indstillinger er gemt." in [s.value for s in at.success]
    with session_scope() as s:
        chosen = load_preference(s, ditte.staff_user.id)
        audited = s.execute(
            select(AuditEvent.action, AuditEvent.user_id).where(AuditEvent.action == "reminder.preference")
        ).all()
    assert (chosen.mode, chosen.digest_weekday, chosen.digest_hour, chosen.escalation, chosen.language) == (
        "digest",
        4,
        8,
        False,
        "en",
    )
    assert audited == [("reminder.preference", ditte.staff_user.id)]


def test_the_page_in_english(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user, lang="en")
    assert not at.exception and at.title[0].value == "My settings"


def test_an_administrator_sets_the_server_up_and_sends_a_test_mail(open_page, ditte):
    with session_scope(write=True) as s:
        s.get(UserAccount, ditte.admin.id).email = "anne@kommune.example"
    with smtp_server() as (server, port):
        at = open_page(ADMIN, user=ditte.admin)
        assert not at.exception
        at.text_input(key="mail-host").input("127.0.0.1")
        at.number_input(key="mail-port").set_value(port)
        at.radio(key="mail-security").set_value("none")
        at.text_input(key="mail-sender").input("samplan@kommune.example")
        at.text_input(key="mail-url").input("https://samplan.kommune.example")
        click(at, "Gem e-mailindstillinger")
        assert not at.exception
        assert "E-mailindstillingerne er gemt." in [s.value for s in at.success]
        with session_scope() as s:
            assert load_settings(s).host == "127.0.0.1" and load_settings(s).port == port
        at.text_input(key="mail-test-to").input("anne@kommune.example")
        click(at, "Send testmail")
        assert not at.exception
        assert "Testmailen er sendt til anne@kommune.example." in [s.value for s in at.success]
        [mail] = server.messages
        assert mail["Subject"] == "Samplan: testmail" and mail["To"] == "anne@kommune.example"
        server.reply = "550 5.1.1 no such user"
        at.text_input(key="mail-test-to").input("nobody@kommune.example")
        click(at, "Send testmail")
        assert any("5xx 550" in e.value for e in at.error)
    at.run()
    [log] = [d.value for d in at.dataframe if "Resultat" in d.value.columns]  # the send log
    assert log["Resultat"].tolist() == ["fejlede", "sendt"]
    assert log["Hvorfor"].tolist()[0].startswith("5xx 550")
    with session_scope() as s:
        assert s.execute(select(MailLog.address)).scalars().all() == [
            "anne@kommune.example",
            "nobody@kommune.example",
        ]


def test_a_bad_port_or_sender_is_refused_and_nothing_saved(open_page, ditte):
    at = open_page(ADMIN, user=ditte.admin)
    at.text_input(key="mail-host").input("smtp.kommune.example")
    at.text_input(key="mail-sender").input("not an address")
    click(at, "Gem e-mailindstillinger")
    assert not at.exception and at.error
    with session_scope() as s:
        assert load_settings(s).host is None
    # An empty server name is allowed: it switches sending off.
    at.text_input(key="mail-host").input("")
    at.text_input(key="mail-sender").input("")
    click(at, "Gem e-mailindstillinger")
    assert not at.exception and not at.error
    with session_scope() as s:
        assert not load_settings(s).is_configured


def test_only_an_administrator_may_change_the_mail_settings(ditte):
    actor = Actor.from_user(ditte.staff_user)
    with pytest.raises(UserError) as refused, session_scope(write=True) as s:
        save_settings(
            session=s,
            actor=actor,
            host="smtp.evil.example",
            port=25,
            security="none",
            username="",
            password_env="",
            sender="x@evil.example",
            base_url="",
            escalation_days=7,
        )
    assert refused.value.key == "error.admin_only"
    with session_scope() as s:
        assert load_settings(s).host is None
        assert s.execute(
            select(AuditEvent.outcome).where(AuditEvent.action == "mail.settings")
        ).scalars().all() == ["denied"]
