"""Issue 19, point 6: after loading the demo an administrator is shown where the citizens are,
and an administrator who owns no agreements is told so on Opfølgning, with the way on."""


def _admin(session):
    from tests.factories import make_user

    user = make_user(session, username="anne", role="admin")
    session.commit()
    return user


def test_after_loading_the_demo_the_admin_is_sent_to_mine_borgere(open_page, session):
    admin = _admin(session)
    at = open_page(user=admin)
    assert at.title[0].value == "Opfølgning"
    at.button(key="load_demo").click().run()
    assert not at.exception
    assert "Demodata er indlæst" in at.success[0].value
    texts = [m.value for m in at.markdown]
    assert any("Gå til Mine borgere for at se demoborgerne" in text for text in texts)
    links = [(link.proto.label, link.proto.page) for link in at.get("page_link")]
    assert any(label == "Gå til Mine borgere" and page == "home" for label, page in links), links
    assert len(links) == 1  # one way on, not one per message


def test_an_admin_who_owns_no_agreements_sees_that_and_where_the_citizens_are(open_page, session):
    from models.demo import load_demo

    admin = _admin(session)
    load_demo()  # 41 citizens, none of whose agreements the administrator owns
    at = open_page(user=admin)
    assert at.title[0].value == "Opfølgning"
    assert at.info[0].value == (
        "Du har ingen åbne aftaler lige nu. Opfølgning viser de aftaler, du selv ejer. "
        "Alle borgere, du kan åbne, står under Mine borgere."
    )
    assert any(link.proto.page == "home" for link in at.get("page_link"))
