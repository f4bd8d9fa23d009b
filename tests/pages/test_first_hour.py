"""Issue 19, point 6: after loading the demo an administrator is shown where the citizens are,
and an administrator who owns no agreements is told so on Opfølgning, with the way on. Point 3:
Administration's upload offers the command line's three choices for citizens imported before."""

import json


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


def _upload(at, doc, choice=None):
    at.file_uploader(key="import_file").set_value(
        ("ditte.json", json.dumps(doc, ensure_ascii=False).encode(), "application/json")
    )
    at.run()
    if choice is not None:
        at.radio(key="import_again").set_value(choice)
    at.button(key="import_run").click().run()
    assert not at.exception
    return at


def test_the_administration_upload_offers_refuse_update_and_copies(open_page, session):
    from sqlalchemy import func
    from sqlmodel import select

    from models.db import session_scope
    from models.demo import ditte_document
    from models.tables import Citizen, Correction

    admin = _admin(session)
    at = open_page("pages/admin.py", user=admin)
    _upload(at, ditte_document())
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 1

    at = open_page("pages/admin.py", user=admin)
    at.file_uploader(key="import_file").set_value(
        ("ditte.json", json.dumps(ditte_document()).encode(), "application/json")
    )
    at.run()
    assert at.radio(key="import_again").options == [
        "Afvis filen og vis, hvem det er (intet gemmes)",
        "Opdatér dem med filens oplysninger",
        "Indlæs dem som nye borgere (kopier) med vilje",
    ]
    assert at.radio(key="import_again").value == "refuse"  # the default saves nothing
    at.button(key="import_run").click().run()
    assert at.warning[0].value.startswith("Filen indeholder 1 borger, der allerede er indlæst:")
    [table] = [d.value for d in at.dataframe if "Navn i filen" in d.value.columns]
    assert list(table.iloc[0]) == ["Ditte Mikkelsen", "14.03.2001", "1"]

    newer = ditte_document()
    newer["citizens"][0]["goals"][0]["own_words"] = "Jeg vil klare morgenerne selv."
    at = _upload(open_page("pages/admin.py", user=admin), newer, choice="update")
    assert "Opdateret fra filen: 1 borger." in [s.value for s in at.success]
    assert any("Mål 1: ordene er ændret" in text.value for text in at.text)

    _upload(open_page("pages/admin.py", user=admin), ditte_document(), choice="new")
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Citizen)).scalar_one() == 2  # one copy, on purpose
        assert s.execute(select(func.count()).select_from(Correction)).scalar_one() >= 1
