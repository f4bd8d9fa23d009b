"""Overblik for leaders through the real app: figures, period filter, no text about others' citizens.

Overblik is for leaders and administrators; `town` makes Rasmus (on Ditte's team) and Olga (on
no team) leaders and adds four citizens with a Jobcenter professional and an open agreement
each, so that the overall figures are about five citizens and shown (fewer read "< 5").
"""

from datetime import timedelta

import pytest
from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, UserAccount, today
from tests.factories import (
    make_action,
    make_actor,
    make_citizen,
    make_meeting,
    make_membership,
    make_person,
    make_user,
)
from tests.pages.conftest import ROOT

PAGE = "pages/overview.py"


def make_leader(user):
    with session_scope(write=True) as s:
        s.get(UserAccount, user.id).is_leader = True


@pytest.fixture
def town(ditte):
    make_leader(ditte.staff_user)
    make_leader(ditte.outsider)
    with session_scope(write=True) as s:
        for n in range(4):
            citizen = make_citizen(s, name=f"Naboborger {n}")
            pro = make_person(s, citizen=citizen, name=f"Jobkonsulent {n}", department="Jobcenter")
            make_action(s, citizen=citizen, owner=pro, text=f"Aftale {n}.")
    return ditte


def test_overview_shows_the_figures_and_audits_one_row(open_page, town):
    ditte = town
    at = open_page(PAGE, user=ditte.outsider)
    assert not at.exception
    assert at.title[0].value == "Overblik for ledelsen"
    metrics = {m.label: m.value for m in at.metric}
    # Ditte's two agreements are open, due in two weeks: none overdue, nothing done yet.
    # Ditte's two agreements and one for each of the four others are open, due later: none
    # overdue (a zero about five citizens is shown), nothing done yet.
    assert metrics == {"Åbne aftaler": "6", "Overskredne aftaler": "0", "Mediandage til udført": "–",
                       "Udført til tiden": "–"}  # fmt: skip
    assert len(at.get("vega_lite_chart")) == 5
    assert [b.label for b in at.get("download_button")] == ["Hent tallene som CSV", "Hent tallene som Excel"]
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == "overview.read")).scalars().all()
    assert [(r.user_id, r.citizen_id) for r in rows] == [(ditte.outsider.id, None)]


def test_the_charts_are_valid_vega_lite_with_the_shown_counts(open_page, town):
    """The charts' shape is made once per language and only their values filled in (issue 16):
    each specification still validates against Vega-Lite's schema and carries the page's counts;
    Jobcenter's five open agreements are a bar, the departments under five citizens have none."""
    import json

    import altair as alt
    import pyarrow as pa

    at = open_page(PAGE, user=town.outsider)
    charts = at.get("vega_lite_chart")
    values = [pa.ipc.open_stream(c.proto.data.data).read_all().to_pylist() for c in charts]
    for chart, rows in zip(charts, values, strict=True):
        spec = {**json.loads(chart.proto.spec), "data": {"values": rows}}  # Streamlit sends the data apart
        (alt.LayerChart if "layer" in spec else alt.Chart).from_dict(spec)  # raises when invalid
    bars = {(r["Afdeling"], r["Serie"]): r["Antal"] for r in values[0]}
    assert (bars[("Jobcenter", "Åbne")], bars[("Jobcenter", "Overskredne")]) == (5, 0)
    assert ("Borgeren selv / uden afdeling", "Åbne") not in bars  # under five citizens: "< 5" in the table


def test_unmet_needs_name_the_citizen_only_for_her_team(open_page, town):
    ditte = town
    with session_scope(write=True) as s:
        bo = make_citizen(s, name="Bo Hemmelig")
        make_person(s, citizen=bo, name="Jonna", department="Sundhed")
        make_meeting(s, citizen=bo, status="held", starts_at=ditte.citizen.created_at - timedelta(days=3),
                     unmet_needs=("Aflastning i weekenden.",))  # fmt: skip
        make_meeting(s, citizen=ditte.citizen, status="held", unmet_needs=("Transport til psykolog.",),
                     starts_at=ditte.citizen.created_at - timedelta(days=2))  # fmt: skip
    at = open_page(PAGE, user=ditte.staff_user)
    needs = at.dataframe[-1].value
    assert needs["Behov"].tolist() == ["Transport til psykolog."]  # Bo's need is not his team's
    assert needs["Borger (kun dine egne)"].tolist() == ["Ditte Mikkelsen"]
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "Bo Hemmelig" not in shown and "Aflastning" not in shown
    assert "Ubesvarede behov i perioden hos alle borgere: < 5." in [c.value for c in at.caption]
    outsider = open_page(PAGE, user=ditte.outsider)  # a leader on no team: no text at all
    assert "Aflastning" not in str([df.value.to_dict() for df in outsider.dataframe])
    assert "Transport til psykolog." not in str([df.value.to_dict() for df in outsider.dataframe])


def test_an_empty_period_shows_zeros_not_errors(open_page, town):
    ditte = town
    at = open_page(PAGE, user=ditte.staff_user)
    far = today() - timedelta(days=3000)
    at.date_input(key="lead_period").set_value((far, far + timedelta(days=10))).run()
    assert not at.exception
    assert "Der er ingen ubesvarede uløste behov i perioden hos borgere, hvis team du er med i." in [
        i.value for i in at.info
    ]


def test_a_half_chosen_period_asks_for_the_end_date(open_page, town):
    ditte = town
    at = open_page(PAGE, user=ditte.staff_user)
    at.date_input(key="lead_period").set_value((today(),)).run()
    assert not at.exception
    assert at.info[0].value == "Vælg både en start- og en slutdato."


def test_a_leader_without_citizens_sees_aggregates_too(open_page, town):
    with session_scope(write=True) as s:
        newcomer = make_user(s, username="ny")
        newcomer.is_leader = True
        make_membership(
            s, citizen=make_citizen(s, name="Tom"), user=newcomer, ended_at=town.citizen.created_at
        )
    at = open_page(PAGE, user=newcomer)
    assert not at.exception and at.metric[0].value == "6"


def test_a_change_made_here_or_in_another_process_shows_at_once(open_page, town, db_url):
    """The figures are kept current: a commit that changes an agreement, here or through
    another engine (as another server process would), shows at the next view, and only that
    citizen is counted again (models/overview_kept.py)."""
    from sqlalchemy.engine import make_url
    from sqlmodel import Session

    from models.db import make_engine
    from models.overview_kept import KEEPER
    from models.tables import Action

    at = open_page(PAGE, user=town.staff_user)
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "6"
    assert any(c.value.startswith("Tallene følger med, hver gang") for c in at.caption)
    full_counts = KEEPER.full_counts
    with session_scope(write=True) as s:
        action = s.execute(select(Action).where(Action.citizen_id == town.citizen.id)).scalars().first()
        action.status = "done"
    at.run()
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "5"
    other = make_engine(make_url(db_url).render_as_string(hide_password=False))
    try:
        with Session(other) as s:  # another process's engine, its own commit
            s.get(Action, action.id).status = "open"  # opened again
            s.commit()
    finally:
        other.dispose()
    at.run()
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "6"
    assert KEEPER.full_counts == full_counts  # counted again for the one citizen, not afresh


def test_the_counts_are_kept_and_recount_now_counts_afresh(open_page, town, engine):
    """A write that bypasses a Session (a raw connection: no app code does this) is not seen
    until "Regn tallene igen nu"; every view is audited, cached or not."""
    from sqlalchemy import text

    at = open_page(PAGE, user=town.staff_user)
    with engine.begin() as connection:  # not through a Session: like another process's commit
        connection.execute(text("UPDATE action SET status = 'done' WHERE id = (SELECT MIN(id) FROM action "
                                "WHERE citizen_id = :c)"), {"c": town.citizen.id})  # fmt: skip
    at.run()
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "6"  # kept
    at.button(key="lead_refresh").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "5"
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == "overview.read")).scalars().all()
    assert len(rows) >= 3  # the first view, the click's rerun and the rerun after it: each audited


def test_many_unmet_needs_show_the_oldest_fifty_and_say_how_many(open_page, town):
    with session_scope(write=True) as s:
        make_meeting(s, citizen=town.citizen, status="held",
                     starts_at=town.citizen.created_at - timedelta(days=2),
                     unmet_needs=tuple(f"Behov nummer {n}." for n in range(1, 53)))  # fmt: skip
    at = open_page(PAGE, user=town.staff_user)
    assert not at.exception
    assert "Viser de 50 ældste af 52 ubesvarede behov" in " ".join(c.value for c in at.caption)
    needs = at.dataframe[-1].value
    assert len(needs) == 50 and needs["Behov"].iloc[0] == "Behov nummer 1."


def test_staff_without_the_permission_are_not_offered_overblik(open_page, ditte):
    with pytest.raises(ValueError, match="Known pages"):  # app.py does not list the page for them
        open_page(PAGE, user=ditte.outsider)
    leader_at = open_page(user=ditte.admin)
    leader_at.switch_page(str(ROOT / PAGE)).run()  # an administrator is offered it
    assert not leader_at.exception


def test_staff_who_reach_the_page_anyway_read_who_to_ask_and_nothing_is_counted(ditte):
    """The page checks too (a bookmark, a stale tab): not only the navigation decides."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
    at.session_state["_actor"] = make_actor(ditte.outsider)
    at.run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Overblik er kun for ledere og administratorer. Spørg en administrator i Samplan, hvis du skal "
        "have adgang som leder."
    ]
    assert not at.metric and not at.dataframe and not at.get("download_button")
    assert not at.get("vega_lite_chart") and not at.date_input
    with session_scope() as s:
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "overview.read")).first() is None


def test_an_administrator_sees_the_figures(open_page, town):
    at = open_page(PAGE, user=town.admin)
    assert not at.exception and at.metric[0].value == "6"
    assert len(at.get("download_button")) == 2


def test_figures_about_fewer_than_five_citizens_read_less_than_five_on_screen(open_page, ditte):
    """Only Ditte: every figure is about one citizen, in the metrics, the tables and the charts."""
    make_leader(ditte.staff_user)
    at = open_page(PAGE, user=ditte.staff_user)
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {
        "Åbne aftaler": "< 5", "Overskredne aftaler": "< 5", "Mediandage til udført": "< 5",
        "Udført til tiden": "< 5",
    }  # fmt: skip
    load = at.dataframe[0].value
    assert load.iloc[0].tolist() == ["I alt", "< 5", "< 5"]
    assert "1" not in [str(v) for df in at.dataframe[:-1] for v in df.value.to_numpy().ravel()]


def test_the_cached_figures_hold_no_small_number_and_no_text(open_page, ditte):
    """What the page keeps for a minute (shared by every user) is the hidden figures, no need."""
    from ui.overview_view import current_drawing, current_figures

    with session_scope(write=True) as s:
        make_meeting(s, citizen=ditte.citizen, status="held", unmet_needs=("Transport til psykolog.",),
                     starts_at=ditte.citizen.created_at - timedelta(days=2))  # fmt: skip
    make_leader(ditte.staff_user)
    at = open_page(PAGE, user=ditte.staff_user)
    assert "Transport til psykolog." in str(at.dataframe[-1].value.to_dict())  # her own citizen
    period = at.session_state["lead_period"]
    from models.overview_lookups import Period

    figures = current_figures(Period(*period), today())
    drawn = current_drawing(Period(*period), today(), "da")
    kept = repr(figures) + repr(drawn.frames) + drawn.csv.decode("utf-8-sig") + repr(drawn.charts)
    assert "Transport til psykolog." not in kept and "Ditte" not in kept
    assert figures.small_numbers_hidden and figures.needs_total == "< 5"
    assert {r.open_actions for r in figures.load} <= {"< 5", 0}
