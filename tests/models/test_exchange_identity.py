"""Importing the same citizens twice: recognised, then refused, updated or copied on purpose."""

import copy
from datetime import date

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.db import session_scope
from models.demo import ditte_document
from models.exchange import import_document
from models.exchange_identity import AlreadyImported, citizen_identity
from models.tables import Action, ActionEvent, Citizen, Correction, Goal, GoalScore, Meeting, Person
from tests.factories import make_actor, make_citizen, make_user

EXAMPLE = ditte_document()  # the shared spec's example-ditte.json


def example():
    return copy.deepcopy(EXAMPLE)


def import_(doc, on_existing="refuse", actor=None):
    with session_scope(write=True) as s:
        return import_document(session=s, doc=doc, actor=actor, on_existing=on_existing)


def count(model, *where):
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("Ditte Mikkelsen", date(2001, 3, 14)), ("Ditte Mikkelsen", date(2001, 3, 14)), True),
        # case, spacing and Unicode composition do not make another person
        (("Ditte Mikkelsen", date(2001, 3, 14)), ("  ditte   MIKKELSEN ", date(2001, 3, 14)), True),
        (("Søren Ærø", None), ("So\u0308ren Ærø", None), False),  # o + diaeresis is not ø
        (("Åse Ås", None), ("A\u030ase A\u030as", None), True),  # NFKC composes Å
        # another birth date is another person, and no birth date is not "any"
        (("Ditte Mikkelsen", date(2001, 3, 14)), ("Ditte Mikkelsen", date(2001, 3, 15)), False),
        (("Ditte Mikkelsen", date(2001, 3, 14)), ("Ditte Mikkelsen", None), False),
    ],
)
def test_the_identity_is_the_name_and_birth_date(a, b, same):
    assert (citizen_identity(*a) == citizen_identity(*b)) is same
    assert len(citizen_identity(*a)) == 64


def test_the_same_file_twice_is_refused_with_the_list_and_nothing_is_saved(db_url):
    first = import_(example())
    doc = example()
    other = copy.deepcopy(doc["citizens"][0])
    other.update(ref="c2", name="Ny Borger", birth_date="1990-01-01")
    doc["citizens"].append(other)  # one new citizen beside the known one: all or nothing
    with pytest.raises(AlreadyImported) as refused:
        import_(doc)
    assert [(k.position, k.name, k.existing_ids) for k in refused.value.known] == [
        (0, "Ditte Mikkelsen", (first[0].id,))
    ]
    message = refused.value.message("da")
    assert "Ditte Mikkelsen (født 14.03.2001) er allerede borger" in message
    assert "--update" in message and "--as-new" in message and "Intet er gemt" in message
    assert count(Citizen) == 1


def test_a_newer_samplan_export_of_the_same_citizen_is_recognised(db_url):
    """Samplan's export renumbers the citizen (c1 in every one-citizen file): not the identity."""
    from models.exchange import export_all

    first = import_(example())
    make = example()["citizens"][0]
    make.update(ref="c1", name="Anden Borger", birth_date="1980-05-05")
    import_({"format": "samplan/1", "citizens": [make]})
    with session_scope(write=True) as s:
        exported = export_all(session=s, actor=None)  # Ditte is c1 here, the other c2
    exported["citizens"].reverse()  # and the order of a file is no identity either
    with pytest.raises(AlreadyImported) as refused:
        import_(exported)
    assert sorted(k.existing_ids[0] for k in refused.value.known) == sorted([first[0].id, first[0].id + 1])


def test_as_new_imports_copies_that_are_never_the_one_recognised(db_url):
    first = import_(example())
    copy_ = import_(example(), on_existing="new")
    assert copy_[0].id != first[0].id and not copy_[0].updated
    assert count(Citizen) == 2
    with session_scope() as s:
        assert s.get(Citizen, copy_[0].id).exchange_identity is None
    with pytest.raises(AlreadyImported) as refused:
        import_(example())
    assert refused.value.known[0].existing_ids == (first[0].id,)


def test_a_citizen_renamed_in_the_app_is_still_recognised_by_the_file(db_url):
    first = import_(example())
    with session_scope(write=True) as s:
        s.get(Citizen, first[0].id).name = "Ditte M."
    with pytest.raises(AlreadyImported):
        import_(example())


def test_citizens_made_in_the_app_are_not_matched(db_url):
    with session_scope(write=True) as s:
        make_citizen(s, name="Ditte Mikkelsen")
    assert len(import_(example())) == 1
    assert count(Citizen) == 2


def newer_export():
    """Ditte's file a month later: new words for goal 1, an agreement done, one new agreement, a
    new meeting with a score, a new phone number."""
    doc = example()
    ditte = doc["citizens"][0]
    ditte["phone"] = "+45 20 00 00 99"
    ditte["goals"][0]["own_words"] = "Jeg vil være en god mor og klare hverdagen selv."
    ditte["goals"][0]["scores"].append({"meeting": "m2", "score": 5})
    ditte["meetings"][1]["status"] = "held"
    ditte["actions"][1].update(status="done", done_on="2026-12-10")
    ditte["actions"].append(
        {"ref": "a5", "goal": "g3", "text": "Besøge børnehaven Mælkebøtten.", "owner": "citizen",
         "due_on": "2027-03-01", "status": "open", "agreed_at": "m2"}
    )  # fmt: skip
    ditte["people"].append({"ref": "p6", "name": "Jonas Bak", "kind": "private", "relation": "ven"})
    return doc


def test_update_changes_what_changed_keeps_history_and_makes_no_duplicate(db_url):
    with session_scope(write=True) as s:
        admin = make_actor(make_user(s, role="admin"))
    first = import_(example())[0]
    counts = {m: count(m) for m in (Goal, Action, Meeting, Person, GoalScore)}

    result = import_(newer_export(), on_existing="update", actor=admin)

    assert [(c.id, c.updated) for c in result] == [(first.id, True)]
    assert count(Citizen) == 1
    assert count(Goal) == counts[Goal] and count(Meeting) == counts[Meeting]  # matched, not added
    assert count(Action) == counts[Action] + 1 and count(Person) == counts[Person] + 1
    assert count(GoalScore) == counts[GoalScore] + 1
    with session_scope() as s:
        goal = s.exec(select(Goal).where(Goal.citizen_id == first.id).order_by(Goal.position)).first()
        assert goal.own_words == "Jeg vil være en god mor og klare hverdagen selv."
        history = s.exec(
            select(Correction.old_value, Correction.user_id)
            .where(Correction.table_name == "goal", Correction.row_id == goal.id)
        ).all()  # fmt: skip
        assert history == [("Jeg vil være en god mor for min datter og kunne klare mig selv.", admin.user_id)]
        assert s.get(Citizen, first.id).phone == "+45 20 00 00 99"
        bus = s.exec(select(Action).where(Action.text.startswith("Øve turen"))).one()
        assert (bus.status, bus.done_on) == ("done", date(2026, 12, 10))
        events = s.exec(select(ActionEvent.kind, ActionEvent.from_value, ActionEvent.to_value)
                        .where(ActionEvent.action_id == bus.id)).all()  # fmt: skip
        assert events == [("status", "in_progress", "done")]
        assert s.exec(select(Meeting.status).where(Meeting.citizen_id == first.id)).all().count("held") == 2
    summary = "\n".join(result[0].changes)
    assert "Borgerens telefon er ændret." in summary
    assert "Mål 1: ordene er ændret" in summary
    assert "1 ny aftale." in summary and "1 aftale har fået ny status eller dato" in summary
    assert "1 ny person i team eller netværk." in summary


def test_update_with_the_same_file_changes_nothing_and_says_so(db_url):
    import_(example())
    result = import_(example(), on_existing="update")
    assert result[0].changes == ("Intet er ændret: filen siger det samme som Samplan.",)
    assert count(Correction) == 0 and count(Citizen) == 1


def test_update_imports_the_citizens_not_seen_before_and_updates_the_others(db_url):
    first = import_(example())[0]
    doc = newer_export()
    other = copy.deepcopy(example()["citizens"][0])
    other.update(ref="c2", name="Ny Borger", birth_date="1990-01-01")
    doc["citizens"].insert(0, other)
    result = import_(doc, on_existing="update")
    assert [(c.name, c.updated) for c in result] == [("Ny Borger", False), ("Ditte Mikkelsen", True)]
    assert result[1].id == first.id and count(Citizen) == 2
    with pytest.raises(AlreadyImported) as refused:  # and the new one is recognised next time
        import_(doc)
    assert len(refused.value.known) == 2


def test_an_update_only_an_administrator_may_do(db_url):
    """The import's own rule (administrators only) holds before anything is looked up."""
    import_(example())
    with session_scope(write=True) as s:
        staff = make_actor(make_user(s))
    with pytest.raises(Exception) as refused:
        import_(newer_export(), on_existing="update", actor=staff)
    assert getattr(refused.value, "key", "") == "error.admin_only"
    assert count(Correction) == 0
