"""The relational coordination survey on Opfølgning through the real app (issue 24): a staff
user of a department in an open round answers for the departments they work with, once."""

from __future__ import annotations

from sqlmodel import func, select

from models.db import session_scope
from models.relational_coordination import DIMENSIONS
from models.tables import RcAnswer, RcRespondent
from tests.models.relational_coordination_fixtures import make_round, make_town

PAGE = "pages/follow_up.py"


def _unfolded(open_page, user, round_id):
    at = open_page(PAGE, user=user)
    assert not at.exception
    at.session_state[f"rc_unfold_{round_id}"] = True
    return at.run()


def test_staff_answer_the_survey_once_and_it_thanks_them(open_page, db_url):
    town = make_town(per=1)
    round_id = make_round(town, name="Før-måling")
    user = town.staff["Jobcenter"][0]
    at = _unfolded(open_page, user, round_id)
    assert "Kort spørgeskema: samarbejdet mellem afdelingerne" in [s.value for s in at.subheader]
    assert "Vælg mindst én afdeling ovenfor, så kommer spørgsmålene." in [i.value for i in at.info]
    sundhed = town.departments["Sundhed"]
    at.multiselect(key=f"rc_with_{round_id}").set_value([sundhed]).run()
    radios = [r for r in at.radio if r.key.startswith(f"rc_{round_id}_")]
    assert len(radios) == 7
    assert radios[0].label.startswith("Vi taler nok sammen med Sundhed")
    assert radios[0].options[-1] == "Ved ikke"

    for n, dimension in enumerate(DIMENSIONS[:-1]):  # one question left out: nothing is saved
        at.radio(key=f"rc_{round_id}_{sundhed}_{dimension}").set_value(1 + n % 5)
    at.get("form_submit_button")[0].click().run()
    assert "Svar på alle spørgsmål" in at.error[0].value
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(RcRespondent)).scalar_one() == 0

    at.radio(key=f"rc_{round_id}_{sundhed}_{DIMENSIONS[-1]}").set_value("dont_know")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert at.success[0].value == "Tak for dine svar. De er gemt uden dit navn."
    with session_scope() as s:
        stored = s.execute(select(RcAnswer)).scalars().all()
        assert s.execute(select(RcRespondent.user_id)).scalars().all() == [user.id]
    assert [(a.frequent, a.mutual_respect) for a in stored] == [(1, None)]  # "Ved ikke" is stored as nothing

    again = open_page(PAGE, user=user)  # the next visit: no second survey
    assert "Kort spørgeskema: samarbejdet mellem afdelingerne" not in [s.value for s in again.subheader]


def test_nobody_outside_the_round_sees_it(open_page, db_url):
    town = make_town(per=1)
    make_round(town, departments=("Jobcenter", "Sundhed"))
    at = open_page(PAGE, user=town.staff["Socialafdelingen"][0])
    assert not at.exception
    assert "Kort spørgeskema: samarbejdet mellem afdelingerne" not in [s.value for s in at.subheader]
