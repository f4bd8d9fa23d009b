"""Overblik for leaders through the real app: figures, period filter, no names of others' citizens."""

from datetime import timedelta

from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, today
from tests.factories import make_citizen, make_meeting, make_membership, make_person, make_user

PAGE = "pages/overview.py"


def test_overview_shows_the_figures_and_audits_one_row(open_page, ditte):
    at = open_page(PAGE, user=ditte.outsider)
    assert not at.exception
    assert at.title[0].value == "Overblik for ledelsen"
    metrics = {m.label: m.value for m in at.metric}
    # Ditte's two agreements are open, due in two weeks: none overdue, nothing done yet.
    assert metrics == {"Åbne aftaler": "2", "Overskredne aftaler": "0", "Mediandage til udført": "–",
                       "Udført til tiden": "–"}  # fmt: skip
    assert len(at.get("vega_lite_chart")) == 5
    assert [b.label for b in at.get("download_button")] == ["Hent tallene som CSV", "Hent tallene som Excel"]
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == "overview.read")).scalars().all()
    assert [(r.user_id, r.citizen_id) for r in rows] == [(ditte.outsider.id, None)]


def test_unmet_needs_name_the_citizen_only_for_her_team(open_page, ditte):
    with session_scope(write=True) as s:
        bo = make_citizen(s, name="Bo Hemmelig")
        make_person(s, citizen=bo, name="Jonna", department="Sundhed")
        make_meeting(s, citizen=bo, status="held", starts_at=ditte.citizen.created_at - timedelta(days=3),
                     unmet_needs=("Aflastning i weekenden.",))  # fmt: skip
        make_meeting(s, citizen=ditte.citizen, status="held", unmet_needs=("Transport til psykolog.",),
                     starts_at=ditte.citizen.created_at - timedelta(days=2))  # fmt: skip
    at = open_page(PAGE, user=ditte.staff_user)
    needs = at.dataframe[-1].value
    assert needs["Behov"].tolist() == ["Aflastning i weekenden.", "Transport til psykolog."]
    assert needs["Borger (kun dine egne)"].tolist() == ["", "Ditte Mikkelsen"]
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "Bo Hemmelig" not in shown


def test_an_empty_period_shows_zeros_not_errors(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user)
    far = today() - timedelta(days=3000)
    at.date_input(key="lead_period").set_value((far, far + timedelta(days=10))).run()
    assert not at.exception
    assert "Der er ingen ubesvarede uløste behov i perioden." in [i.value for i in at.info]


def test_a_half_chosen_period_asks_for_the_end_date(open_page, ditte):
    at = open_page(PAGE, user=ditte.staff_user)
    at.date_input(key="lead_period").set_value((today(),)).run()
    assert not at.exception
    assert at.info[0].value == "Vælg både en start- og en slutdato."


def test_a_user_without_citizens_sees_aggregates_too(open_page, ditte):
    with session_scope(write=True) as s:
        newcomer = make_user(s, username="ny")
        make_membership(
            s, citizen=make_citizen(s, name="Tom"), user=newcomer, ended_at=ditte.citizen.created_at
        )
    at = open_page(PAGE, user=newcomer)
    assert not at.exception and at.metric[0].value == "2"


def test_a_change_made_here_shows_at_once_and_the_figures_say_when_they_were_counted(open_page, ditte):
    """The counts are kept for a minute, but a commit in this process that changes an agreement
    starts them afresh: the leader never sees the old number after a save."""
    from models.tables import Action

    at = open_page(PAGE, user=ditte.staff_user)
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "2"
    assert any(c.value.startswith("Tallene er fra ") for c in at.caption)
    with session_scope(write=True) as s:
        action = s.execute(select(Action).where(Action.citizen_id == ditte.citizen.id)).scalars().first()
        action.status = "done"
    at.run()
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "1"


def test_the_counts_are_kept_and_recount_now_counts_afresh(open_page, ditte, engine):
    """A change this process did not make (another server, a script) shows after "Regn tallene
    igen nu" (or the minute); every view is audited, cached or not."""
    from sqlalchemy import text

    at = open_page(PAGE, user=ditte.staff_user)
    with engine.begin() as connection:  # not through a Session: like another process's commit
        connection.execute(text("UPDATE action SET status = 'done' WHERE citizen_id = :c"),
                           {"c": ditte.citizen.id})  # fmt: skip
    at.run()
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "2"  # kept
    at.button(key="lead_refresh").click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Åbne aftaler"] == "0"
    with session_scope() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == "overview.read")).scalars().all()
    assert len(rows) >= 3  # the first view, the click's rerun and the rerun after it: each audited


def test_many_unmet_needs_show_the_oldest_fifty_and_say_how_many(open_page, ditte):
    with session_scope(write=True) as s:
        make_meeting(s, citizen=ditte.citizen, status="held",
                     starts_at=ditte.citizen.created_at - timedelta(days=2),
                     unmet_needs=tuple(f"Behov nummer {n}." for n in range(1, 53)))  # fmt: skip
    at = open_page(PAGE, user=ditte.staff_user)
    assert not at.exception
    assert "Viser de 50 ældste af 52 ubesvarede behov" in " ".join(c.value for c in at.caption)
    needs = at.dataframe[-1].value
    assert len(needs) == 50 and needs["Behov"].iloc[0] == "Behov nummer 1."
