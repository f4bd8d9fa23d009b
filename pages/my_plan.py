"""Min plan: the citizen's current plan, read-only, in plain language and large type.

A staff user shows it on the shared screen for the chosen citizen. The citizen's own link opens
pages/citizen_link.py instead (issue 20: the citizen's own page, where they can also write).
"""

import streamlit as st

from models.contact_words import how_to_reach
from models.next_meeting import next_meeting_words
from models.phone import phone_for_reading
from models.plans import ActionView, JointPlan
from models.readability import latest_when_hard
from ui.chart_image import show_svg
from ui.citizen_page import load_plan_or_stop
from ui.context import current_actor
from ui.i18n import lang, t
from ui.progress_chart import chart_data, progress_svg
from ui.text_block import Line, show_lines
from ui.text_table import show_table
from ui.widgets import day, person_line


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


def goal_lines() -> list[Line]:
    """Each goal: its number, the citizen's own words, today's score."""
    if not plan.active_goals:
        return [("text", t("planview.no_goals"))]
    lines: list[Line] = []
    for goal in plan.active_goals:
        score = goal.latest_score
        lines += [
            ("label", t("planview.goal_number", number=numbers[goal.id])),
            ("words", goal.own_words),
            ("text", t("planview.score", score=score) if score is not None else t("planview.no_score")),
        ]
    return lines


def who_does_what_lines() -> list[Line]:
    """What I do, what the others do, when it is hard, my contact person, the next meeting."""
    open_actions = [a for a in plan.actions if a.is_open]
    mine = [a for a in open_actions if a.owner_is_citizen]
    theirs = [a for a in open_actions if not a.owner_is_citizen]
    reach = how_to_reach(plan.contact_person, lang(), occasion="when_hard")  # "ring" only with a number
    contact = plan.contact_person
    if contact is None:
        contact_text = t("planview.no_contact")
    else:
        details = (phone_for_reading(contact.phone), contact.email)
        contact_text = "\n".join([person_line(contact), *(v for v in details if v)])
    coming = plan.next_meeting
    words = next_meeting_words(coming, lang())
    if coming is None or words is None:
        meeting_text = t("planview.no_next_meeting")
    elif words.is_suggestion:  # not agreed yet: no place either
        meeting_text = words.text
    else:
        meeting_text = "\n".join(v for v in (words.text, coming.place) if v)
    i_do = "\n".join("• " + action_line(a, with_owner=False) for a in mine)
    others_do = "\n".join("• " + action_line(a, with_owner=True) for a in theirs)
    return [
        ("subheading", t("planview.i_do")),
        ("text", i_do or t("planview.nothing_i_do")),
        ("subheading", t("planview.others_do")),
        ("text", others_do or t("planview.nothing_others_do")),
        ("subheading", t("planview.when_hard")),
        ("text", f"{latest_when_hard(plan) or t('planview.when_hard_none')}\n{reach}"),
        ("subheading", t("planview.contact")),
        ("text", contact_text),
        ("subheading", t("planview.next_meeting")),
        ("text", meeting_text),
    ]  # fmt: skip


# The plan is read, large, on the shared screen: its lines are a few elements (ui/text_block.py),
# not one per line, and the chart is a picture (ui/chart_image.py) kept per set of scores
# (ui/progress_chart.py); each was ~40-50 ms of every visit in the browser (issue 16).
with st.container(key="big-my-plan"):
    st.title(t("planview.title"), anchor=False)
    show_lines([("heading", plan.citizen.name), ("caption", t("planview.read_only")),
                ("subheading", t("planview.my_goals")), *goal_lines(),
                ("subheading", t("planview.progress"))], key="my-plan-goals")  # fmt: skip
    columns, rows = chart_data(plan)
    if not rows:
        show_lines([("text", t("planview.progress_none"))])
    else:
        show_svg(progress_svg(columns, rows), alt=t("planview.chart_alt"))
        # The text alternative: the same numbers in sentences and as a plain table.
        series = [
            ("text", t("planview.score_series", number=numbers[goal.id], scores=", ".join(
                t("planview.score_at", score=s.score, date=day(s.meeting_starts_at)) for s in goal.scores)))
            for goal in plan.active_goals
            if goal.scores
        ]  # fmt: skip
        show_lines([("caption", t("planview.chart_in_words")), *series], key="my-plan-in-words")
        show_table({columns[0]: [goal for goal, _, _ in rows], columns[1]: [day(when) for _, when, _ in rows],
                    columns[2]: [score for _, _, score in rows]}, key="my-plan-scores")  # fmt: skip
    show_lines(who_does_what_lines(), key="my-plan-who")
