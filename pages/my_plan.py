"""Min plan: the citizen's current plan, read-only, in plain language and large type.

A staff user shows it on the shared screen for the chosen citizen. The citizen's own link opens
pages/citizen_link.py instead (issue 20: the citizen's own page, where they can also write).
"""

import altair as alt
import pandas as pd
import streamlit as st

from models.contact_words import how_to_reach
from models.next_meeting import next_meeting_words
from models.phone import phone_for_reading
from models.plans import ActionView, JointPlan
from models.readability import latest_when_hard
from ui.chart_image import show_chart
from ui.citizen_page import load_plan_or_stop
from ui.context import current_actor
from ui.i18n import lang, t
from ui.safe import escape_markdown, show_text
from ui.text_table import show_table
from ui.widgets import day, goal_words, person_line


def plan_for_visitor() -> JointPlan:
    return load_plan_or_stop(current_actor(), purpose="plan.read_my_plan")


def action_line(action: ActionView, *, with_owner: bool) -> str:
    owner = action.owner_name or t("plan.no_owner")
    text = (t("planview.trial_prefix") if action.trial else "") + action.text
    if with_owner:
        if action.due_on:
            return t("planview.action_line_owner", owner=owner, text=text, date=day(action.due_on))
        return t("planview.action_line_owner_no_date", owner=owner, text=text)
    if action.due_on:
        return t("planview.action_line", text=text, date=day(action.due_on))
    return t("planview.action_line_no_date", text=text)


plan = plan_for_visitor()
numbers = {goal.id: n for n, goal in enumerate(plan.active_goals, start=1)}

with st.container(key="big-my-plan"):
    st.title(t("planview.title"), anchor=False)
    st.header(escape_markdown(plan.citizen.name), anchor=False)
    st.caption(t("planview.read_only"))

    st.subheader(t("planview.my_goals"), anchor=False)
    if not plan.active_goals:
        show_text(t("planview.no_goals"))
    for goal in plan.active_goals:
        st.markdown(f"**{t('planview.goal_number', number=numbers[goal.id])}**")
        goal_words(goal.own_words, key=f"my-{goal.id}")
        score = goal.latest_score
        show_text(t("planview.score", score=score) if score is not None else t("planview.no_score"))

    st.subheader(t("planview.progress"), anchor=False)
    rows = [
        {
            t("planview.col_goal"): t("planview.goal_number", number=numbers[goal.id]),
            t("planview.col_meeting"): s.meeting_starts_at.date(),
            t("planview.col_score"): s.score,
        }
        for goal in plan.active_goals
        for s in goal.scores
    ]
    if not rows:
        show_text(t("planview.progress_none"))
    else:
        frame = pd.DataFrame(rows)
        goal_col, meeting_col, score_col = frame.columns
        chart = (
            alt.Chart(frame)
            .mark_line(point=alt.OverlayMarkDef(size=120), strokeWidth=4)
            .encode(
                x=alt.X(f"{meeting_col}:T", title=meeting_col, axis=alt.Axis(format="%d.%m.%Y", tickCount=6)),
                y=alt.Y(f"{score_col}:Q", title=score_col, scale=alt.Scale(domain=[0, 10])),
                color=alt.Color(f"{goal_col}:N", title=goal_col, scale=alt.Scale(scheme="category10")),
                strokeDash=alt.StrokeDash(f"{goal_col}:N", title=goal_col),  # not by colour alone
            )
            .properties(height=340)
            .configure_axis(labelFontSize=16, titleFontSize=16)
            .configure_legend(labelFontSize=18, titleFontSize=18, symbolSize=300)
        )
        show_chart(chart, alt=t("planview.chart_alt"))
        # The text alternative: the same numbers in sentences and as a plain table.
        st.caption(t("planview.chart_in_words"))
        for goal in plan.active_goals:
            if goal.scores:
                steps = ", ".join(
                    t("planview.score_at", score=s.score, date=day(s.meeting_starts_at)) for s in goal.scores
                )
                show_text(t("planview.score_series", number=numbers[goal.id], scores=steps))
        frame[meeting_col] = [day(value) for value in frame[meeting_col]]
        show_table({name: list(frame[name]) for name in frame.columns}, key="my-plan-scores")

    open_actions = [a for a in plan.actions if a.is_open]
    mine = [a for a in open_actions if a.owner_is_citizen]
    theirs = [a for a in open_actions if not a.owner_is_citizen]
    st.subheader(t("planview.i_do"), anchor=False)
    show_text("\n".join("• " + action_line(a, with_owner=False) for a in mine) or t("planview.nothing_i_do"))
    st.subheader(t("planview.others_do"), anchor=False)
    show_text(
        "\n".join("• " + action_line(a, with_owner=True) for a in theirs) or t("planview.nothing_others_do")
    )

    st.subheader(t("planview.when_hard"), anchor=False)
    reach = how_to_reach(plan.contact_person, lang(), occasion="when_hard")  # "ring" only with a number
    show_text(f"{latest_when_hard(plan) or t('planview.when_hard_none')}\n{reach}", key="my-plan-reach")

    st.subheader(t("planview.contact"), anchor=False)
    contact = plan.contact_person
    if contact is None:
        show_text(t("planview.no_contact"))
    else:
        details = (phone_for_reading(contact.phone), contact.email)
        show_text("\n".join([person_line(contact), *(v for v in details if v)]))

    st.subheader(t("planview.next_meeting"), anchor=False)
    coming = plan.next_meeting
    words = next_meeting_words(coming, lang())
    if coming is None or words is None:
        show_text(t("planview.no_next_meeting"))
    elif words.is_suggestion:  # not agreed yet: no place either
        show_text(words.text, key="next-meeting-words")
    else:
        show_text("\n".join(v for v in (words.text, coming.place) if v), key="next-meeting-words")
