from datetime import date

from sqlmodel import select

from models.access import Actor
from models.actions import create_agreement, update_agreement
from models.db import session_scope
from models.tables import Correction
from tests.factories import make_citizen, make_membership, make_person, make_user


def test_a_correction_keeps_who_when_and_the_old_value(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        citizen = make_citizen(s)
        owner = make_person(s, citizen=citizen, user=user)
        make_membership(s, citizen=citizen, user=user, person=owner)
    actor = Actor.from_user(user)
    with session_scope(write=True) as s:
        saved = create_agreement(session=s, actor=actor, citizen_id=citizen.id, text="Ringe til lægen",
                                 owner_person_id=owner.id, due_on=date(2026, 12, 1))
    with session_scope(write=True) as s:
        update_agreement(session=s, actor=actor, action_id=saved.id, seen_version=saved.version,
                         text="Ringe til psykologen", goal_id=None, owner_person_id=owner.id,
                         owner_is_citizen=False, due_on=date(2026, 12, 8), trial=False)
    with session_scope() as s:
        rows = s.execute(select(Correction).order_by(Correction.column_name)).scalars().all()
    # Only what changed; unchanged fields (owner, goal, trial) and bookkeeping leave no row.
    assert [(r.column_name, r.old_value) for r in rows] == [
        ("due_on", "2026-12-01"), ("text", "Ringe til lægen")
    ]
    assert {(r.user_id, r.citizen_id, r.table_name, r.row_id) for r in rows} == {
        (user.id, citizen.id, "action", saved.id)
    }
