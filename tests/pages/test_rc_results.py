"""Relational coordination on Overblik through the real app (issue 24): a leader starts a round,
reads an ended one against an earlier one (charts and tables, "< 5" where fewer answered, the
response rate, the files), and the plain statement that the figures are no ranking of people."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.db import session_scope
from models.tables import AuditEvent, RcAnswer, RcRound, today
from tests.models.relational_coordination_fixtures import make_town, past_round

PAGE = "pages/overview.py"


def table(at, *columns):
    """The first table with these columns (AppTest does not expose a plain table's key)."""
    return next(d for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_a_leader_reads_before_and_after_with_small_groups_hidden(open_page, db_url):
    town = make_town(per=5)
    past_round(town, "Før", 200, 2)
    after = past_round(town, "Efter", 30, 4)
    with session_scope(write=True) as s:  # one of Sundhed's five answers about Jobcenter is gone
        sundhed, jobcenter = town.departments["Sundhed"], town.departments["Jobcenter"]
        row = s.exec(
            select(RcAnswer).where(
                RcAnswer.round_id == after,
                RcAnswer.from_department_id == sundhed,
                RcAnswer.about_department_id == jobcenter,
            )
        ).first()
        s.delete(row)
    at = open_page(PAGE, user=town.leader)
    assert not at.exception
    assert "Samarbejde mellem afdelinger (relationel koordinering)" in [h.value for h in at.header]
    assert any("ikke en rangering af personer" in i.value for i in at.info)
    assert at.selectbox(key="rc_round").value == after  # the newest ended round, against the one before
    metrics = {m.label: (m.value, m.delta) for m in at.metric}
    assert metrics["Samlet indeks"] == ("4,00", "+2,00")
    matrix = table(at, "Afdeling, der svarede", "Sundhed").value
    row = matrix[matrix["Afdeling, der svarede"] == "Sundhed"].iloc[0]
    assert row["Jobcenter"] == "< 5" and row["Socialafdelingen"] == "4.00"
    change = table(at, "Om afdeling", "Ændring").value
    assert change[(change["Afdeling, der svarede"] == "Sundhed") & (change["Om afdeling"] == "Jobcenter")][
        "Ændring"
    ].tolist() == ["< 5"]
    response = table(at, "Svarprocent").value
    assert response["Svarprocent"].tolist() == [83, 100, 100]  # Jobcenter: the leader did not answer
    assert len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")) >= 8  # Overblik's 5 + our 3
    labels = [b.label for b in at.get("download_button")]
    assert labels[-2:] == ["Hent samarbejdstallene som CSV", "Hent samarbejdstallene som Excel"]

    at.radio(key="rc_measure").set_value("relationship").run()
    assert not at.exception
    with session_scope() as s:
        reads = s.exec(select(AuditEvent).where(AuditEvent.action == "rc.results_read")).all()
    assert {r.user_id for r in reads} == {town.leader.id} and len(reads) == 4  # two rounds, two runs


def test_a_leader_starts_a_round_and_a_bad_one_is_refused_in_danish(open_page, db_url):
    town = make_town(per=1)
    at = open_page(PAGE, user=town.leader)
    assert "Der er ingen runder endnu. Start en ovenfor." in [i.value for i in at.info]
    at.session_state["rc_open_unfold"] = True
    at.run()
    at.text_input(key="rc_new_name").input("Før-måling")
    at.multiselect(key="rc_new_departments").set_value([town.departments["Jobcenter"]])
    at.get("form_submit_button")[0].click().run()
    assert "Vælg mindst 2 afdelinger fra listen." in [e.value for e in at.error]
    at.multiselect(key="rc_new_departments").set_value(list(town.departments.values()))
    at.date_input(key="rc_new_period").set_value((today(), today() + timedelta(days=6)))
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert any("er startet" in s.value for s in at.success)
    with session_scope() as s:
        rounds = s.exec(select(RcRound)).all()
    assert [(r.name, r.ends_on) for r in rounds] == [("Før-måling", today() + timedelta(days=6))]
    assert table(at, "Runde", "Status").value["Status"].tolist() == ["Åben"]
    at.button(key=f"rc_close_{rounds[0].id}").click().run()
    assert table(at, "Runde", "Status").value["Status"].tolist() == ["Slut"]
