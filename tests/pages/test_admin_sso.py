"""Administration: single sign-on's bindings, and removing a wrong one (ui/admin_sso.py)."""

from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, SsoIdentity, utcnow

PAGE = "pages/admin.py"
TITLE = "Kommunens login (enkeltlogon)"


def bind(user, subject="sub-rasmus"):
    with session_scope(write=True) as s:
        identity = SsoIdentity(user_id=user.id, issuer="https://login.kommune.example/realms/ansatte",
                               subject=subject, last_login_at=utcnow())  # fmt: skip
        s.add(identity)
        s.flush()
        return identity.id


def test_without_single_sign_on_and_bindings_the_section_is_not_there(open_page, ditte, monkeypatch):
    monkeypatch.delenv("SAMPLAN_LOGIN_METHODS", raising=False)
    at = open_page(PAGE, user=ditte.admin)
    assert not at.exception
    assert TITLE not in [h.value for h in at.subheader]


def test_an_administrator_removes_a_binding(open_page, ditte, monkeypatch):
    monkeypatch.delenv("SAMPLAN_LOGIN_METHODS", raising=False)
    binding = bind(ditte.staff_user)
    at = open_page(PAGE, user=ditte.admin)
    assert not at.exception
    assert TITLE in [h.value for h in at.subheader]
    table = next(d.value for d in at.dataframe if "Login-udbyder" in d.value.columns)
    assert table["Bruger"].tolist() == ["Rasmus Holm (rasmus)"]
    assert table["Login-udbyder"].tolist() == ["login.kommune.example"]  # the host, no subject id
    assert at.button(key="sso_unbind").disabled  # nothing chosen yet
    at.selectbox(key="sso_unbind_choice").set_value(binding).run()
    at.button(key="sso_unbind").click().run()
    assert not at.exception
    assert any(s.value.startswith("Bindingen er fjernet") for s in at.success)
    assert TITLE not in [h.value for h in at.subheader]  # single sign-on is off and no binding is left
    with session_scope() as s:
        assert s.get(SsoIdentity, binding) is None
        audit = s.execute(select(AuditEvent).where(AuditEvent.action == "sso.unbind")).scalars().all()
    assert [(a.user_id, a.entity_id) for a in audit] == [(ditte.admin.id, binding)]


def test_with_single_sign_on_on_and_no_binding_yet_it_says_so(open_page, ditte, monkeypatch):
    monkeypatch.setenv("SAMPLAN_LOGIN_METHODS", "local,sso")  # incomplete settings count as on too
    at = open_page(PAGE, user=ditte.admin)
    assert not at.exception
    assert TITLE in [h.value for h in at.subheader]
    assert "Ingen brugere er bundet til kommunens login endnu." in [c.value for c in at.caption]
