"""Administration: an administrator grants and withdraws the leader permission (Overblik)."""

from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, UserAccount

PAGE = "pages/admin.py"


def is_leader(user):
    with session_scope() as s:
        return s.get(UserAccount, user.id).is_leader


def test_an_administrator_grants_and_withdraws_the_leader_permission(open_page, ditte):
    at = open_page(PAGE, user=ditte.admin)
    assert not at.exception
    assert at.dataframe[0].value["Leder"].tolist() == ["", "", ""]
    at.selectbox(key="leader_user").set_value(ditte.outsider.id)
    at.button[[b.label for b in at.button].index("Giv adgang til Overblik")].click().run()
    assert not at.exception and is_leader(ditte.outsider)
    assert "Brugeren kan nu se Overblik." in [s.value for s in at.success]
    olga = at.dataframe[0].value.set_index("Brugernavn").loc["olga"]
    assert olga["Leder"] == "Ja"
    at.selectbox(key="leader_user").set_value(ditte.outsider.id)
    at.button[[b.label for b in at.button].index("Fjern adgang til Overblik")].click().run()
    assert not at.exception and not is_leader(ditte.outsider)
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action.like("user.leader%"))).scalars().all()
    assert [(r.action, r.user_id, r.entity_id) for r in rows] == [
        ("user.leader_granted", ditte.admin.id, ditte.outsider.id),
        ("user.leader_withdrawn", ditte.admin.id, ditte.outsider.id),
    ]

