"""Planen: the joint plan as agreed, as Word for the citizen and the team, its history and
readability, and the citizen's own read-only link.

Thin: reads through models.plans / plan_history / citizen_links / readability, renders, and
calls models/ to create or revoke a link. Word files are built when someone clicks download
(a deferred download), so every export is authorised and audited as an export.
"""

from urllib.parse import urlsplit

import pandas as pd
import streamlit as st
from sqlmodel import Session

from exports.word_plan import DOCX_MIME, build_plan_docx, file_name
from models.access import Actor
from models.citizen_links import (
    DEFAULT_DAYS,
    VALIDITY_CHOICES,
    CreatedLink,
    LinkInfo,
    create_citizen_link,
    link_path,
    list_citizen_links_for_plan,
    reissue_citizen_link,
    revoke_citizen_link,
)
from models.citizen_team import CitizenVoice, citizen_voice_for_plan
from models.db import session_scope
from models.fhir_plan import FHIR_MIME, fhir_download, fhir_file_name
from models.next_meeting import next_meeting_words
from models.plan_history import PlanDiff, PlanVersionInfo, compare_plan_versions, list_plan_versions_for_plan
from models.plans import ActionView, JointPlan, load_plan_for_export, may_receive_plan
from models.readability import plan_readability
from ui.action_row import Action, Group, action_row, pressed
from ui.choice_group import choice_group
from ui.citizen_page import load_plan_with_or_stop
from ui.citizen_team_view import VOICE_KEY, citizen_voice_lines
from ui.context import current_actor
from ui.downloads import download_button
from ui.feedback import attempt, flash, show_flash
from ui.i18n import lang, t
from ui.text_block import Line, TextRun, lines_html, show_lines
from ui.text_table import show_table, table_html
from ui.widgets import choose, citizen_header, day, moment

actor = current_actor()
st.title(t("nav.plan"))
show_flash()


Reads = tuple[CitizenVoice, list[PlanVersionInfo], list[LinkInfo]]


def page_reads(session: Session, loaded: JointPlan) -> Reads:
    """What Planen shows besides the plan, read in the plan's own transaction (ui/citizen_page.py)."""
    return (citizen_voice_for_plan(session=session, actor=actor, plan=loaded),
            list_plan_versions_for_plan(session=session, actor=actor, plan=loaded),
            list_citizen_links_for_plan(session=session, actor=actor, plan=loaded))  # fmt: skip


plan, (voice, versions, links) = load_plan_with_or_stop(actor, purpose="plan.read", also=page_reads)
citizen_id = plan.citizen.id
readability = plan_readability(plan)
version = t("plan.version", number=plan.plan_version_number) if plan.plan_version_number else None
easy = t("planview.lix_ok", lix=f"{readability.lix:.0f}") if readability.is_easy else None
citizen_header(plan, ("caption", version), ("caption", easy))

# --- Readability and the Word files ---------------------------------------------------------

if not readability.is_easy:
    st.warning(t("planview.lix_hint", lix=f"{readability.lix:.0f}"), icon="📖")


def word_file(cid: int, variant: str, language: str):  # noqa: ANN201
    """Built on click for the login as it is then: loads the plan again, authorised and audited."""

    def build(who: Actor) -> bytes:
        with session_scope() as session:
            current = load_plan_for_export(session=session, actor=who, citizen_id=cid)
        return build_plan_docx(current, variant=variant, lang=language)

    return build


# The heading and what each file holds, as one block of text: the words were the buttons' hover
# tips, out of reach for touch and hard to find by keyboard, and each tip cost the browser an
# element more (issue 16).
show_lines([("subheading", t("word.download_title")), ("caption", t("word.download_help")),
            ("caption", t("exchange2.download_fhir_help"))], key="plan-downloads")  # fmt: skip
receives = may_receive_plan(plan, actor)
if not receives:
    st.warning(t("consent.not_covered_copy"), icon="🔒")
# One row that wraps (a horizontal container is one block; two columns were three).
downloads = st.container(horizontal=True)
for variant in ("citizen", "team"):
    download_button(
        t(f"word.download_{variant}"),
        kind="plan_docx",
        build=word_file(citizen_id, variant, lang()),
        citizen_id=citizen_id,
        container=downloads,
        file_name=file_name(plan, variant),
        mime=DOCX_MIME,
        key=f"download-{variant}",
        on_click="ignore",
        disabled=not receives,
    )
download_button(  # the same plan for other systems (HL7 FHIR), behind the same consent gate
    t("exchange2.download_fhir"), kind="plan_fhir", build=fhir_download(citizen_id), citizen_id=citizen_id,
    file_name=fhir_file_name(plan), mime=FHIR_MIME, key="download-fhir", on_click="ignore",
    container=downloads, disabled=not receives,
)

# --- The plan -------------------------------------------------------------------------------


def owner_label(action: ActionView) -> str:
    if action.owner_is_citizen:
        return t("planview.owner_citizen", name=plan.citizen.name)
    return action.owner_name or t("plan.no_owner")


def action_table(actions: list[ActionView]) -> str:
    return table_html(
        {
            t("plan.col_action"): [a.text for a in actions],
            t("plan.col_owner"): [owner_label(a) for a in actions],
            t("plan.col_due"): [day(a.due_on) for a in actions],
            t("plan.col_status"): [t(f"action.status_{a.status}") for a in actions],
            t("planview.col_trial"): [t("planview.yes") if a.trial else "" for a in actions],
        }
    )


# Each goal is one element: its number, the citizen's words, its area and score, its agreements
# (ui/text_block.py, ui/text_table.py); as elements of their own they were ~40 per visit, each
# laid out by the browser on every visit (issue 16).
numbers = {goal.id: n for n, goal in enumerate(plan.active_goals, start=1)}
heading: list[Line] = [("subheading", t("plan.what_matters"))]
if not plan.active_goals:
    show_lines(heading)
    st.info(t("plan.no_goals"))
# The goals, the other agreements, the next meeting, the citizen's answers and the history's
# heading follow each other: one element (ui/text_block.TextRun), each block keyed as before.
text = TextRun()
for goal in plan.active_goals:
    facts = [t(f"planview.area_{goal.area}")] if goal.area else []
    if goal.latest_score is not None:
        facts.append(t("plan.latest_score", score=goal.latest_score))
    lines: list[Line] = [*heading, ("label", t("planview.goal_number", number=numbers[goal.id])),
                         ("words", goal.own_words), ("caption", " · ".join(facts))]  # fmt: skip
    heading = []
    actions = [a for a in plan.actions_for_goal(goal.id) if a.status != "cancelled"]
    text.add(lines_html(lines) + (action_table(actions) if actions else ""), key=f"plan-goal-{goal.id}")

others = [
    a for a in plan.actions if (a.goal_id is None or a.goal_id not in numbers) and a.status != "cancelled"
]
if others:
    text.add(lines_html([("subheading", t("planview.other_actions"))]) + action_table(others),
             key="plan-actions-other")  # fmt: skip

held = plan.last_held_meeting
decisions: list[Line] = []
if held is not None and held.decisions:
    decisions = [("subheading", t("plan.decisions")), *(("text", decision) for decision in held.decisions)]
coming = plan.next_meeting
words = next_meeting_words(coming, lang())
place = coming.place if coming is not None and words is not None and not words.is_suggestion else None
text.add_lines([*decisions, ("subheading", t("plan.next_meeting")),
               ("text", words.text if words else t("prepare.no_meeting")), ("text", place)],
              key="next-meeting-words")  # fmt: skip


# The citizen's own answers through their link (issue 20): beside the goals' words, never in them.
text.add_lines(citizen_voice_lines(voice), key=VOICE_KEY)


# --- History --------------------------------------------------------------------------------


def show_diff(diff: PlanDiff) -> None:
    """What changed between two versions, as one element (ui/text_block.py)."""
    title: Line = ("label", t("history.heading", older=diff.older, newer=diff.newer))
    if diff.is_empty:
        show_lines([title])
        st.info(t("history.no_changes"))
        return

    def status(value: str | None) -> str:
        return t(f"history.goal_status_{value}") if value else t("history.removed")

    def action_state(value: str | None) -> str:
        return t(f"action.status_{value}") if value else t("history.removed")

    def when(value: str | None) -> str:
        return day(pd.Timestamp(value).date()) if value else t("history.nothing")

    def change(text: str, before: str, after: str) -> str:
        return f"{text} ({t('history.change', before=before, after=after)})"

    def owner(value: str | None) -> str:
        return value or t("plan.no_owner")

    groups = (
        ("history.goals_added", diff.goals_added, lambda c: c.own_words),
        ("history.goals_reached", diff.goals_reached, lambda c: c.own_words),
        ("history.goals_paused", diff.goals_paused, lambda c: c.own_words),
        ("history.goals_other", diff.goals_other,
         lambda c: change(c.own_words, status(c.before), status(c.after))),
        ("history.actions_new", diff.actions_new, lambda c: c.text),
        ("history.actions_done", diff.actions_done, lambda c: c.text),
        ("history.actions_moved", diff.actions_moved,
         lambda c: change(c.text, when(c.before), when(c.after))),
        ("history.actions_new_owner", diff.actions_new_owner,
         lambda c: change(c.text, owner(c.before), owner(c.after))),
        ("history.actions_other", diff.actions_other,
         lambda c: change(c.text, action_state(c.before), action_state(c.after))),
    )  # fmt: skip
    lines: list[Line] = [title]
    for key, changes, line in groups:
        if changes:
            lines += [("label", t(key)), *(("text", "• " + line(change)) for change in changes)]
    show_lines(lines, key="plan-diff")


text.add_lines([("subheading", t("history.title")), ("caption", None if versions else t("history.none"))],
               key="plan-history")  # fmt: skip
text.show()
if versions:
    show_table(
        {
            t("history.col_number"): [v.number for v in versions],
            t("history.col_created"): [moment(v.created_at) for v in versions],
            t("history.col_by"): [v.created_by or "" for v in versions],
        },
        key="plan-versions",
    )
    if len(versions) > 1:
        labels = {v.id: t("history.option", number=v.number, date=day(v.created_at)) for v in versions}
        ids = list(labels)
        first, second = st.columns(2)
        older = first.selectbox(t("history.older"), ids, index=1, format_func=labels.get, key="hist-older",
                                placeholder=choose())  # fmt: skip
        newer = second.selectbox(t("history.newer"), ids, index=0, format_func=labels.get, key="hist-newer",
                                 placeholder=choose())  # fmt: skip
        if older == newer:
            st.info(t("history.same"))
        else:
            with session_scope() as session:
                diff = compare_plan_versions(
                    session=session, actor=actor, citizen_id=citizen_id, older_id=older, newer_id=newer
                )
            show_diff(diff)


# --- The citizen's own link -----------------------------------------------------------------


def app_root() -> str:
    """The app's address as the browser sees it, so the link works when pasted elsewhere."""
    parts = urlsplit(st.context.url or "")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    if not parts.netloc:
        return "/"
    return f"{parts.scheme}://{parts.netloc}/" + (f"{base}/" if base else "")


def create_link(days: int) -> CreatedLink:
    with session_scope(write=True) as session:
        return create_citizen_link(session=session, actor=actor, citizen_id=citizen_id, days=days)


def reissue_link(days: int) -> CreatedLink:
    with session_scope(write=True) as session:
        return reissue_citizen_link(session=session, actor=actor, citizen_id=citizen_id, days=days)


def revoke_link(link_id: int) -> bool:
    with session_scope(write=True) as session:
        revoke_citizen_link(session=session, actor=actor, citizen_id=citizen_id, link_id=link_id)
    return True


DAYS_KEY = "_plan_link_days"  # the validity chosen for a new link, kept in this tab


def keep_days(days: int) -> None:
    st.session_state[DAYS_KEY] = days


def link_row() -> tuple[Group, ...]:
    """A new link, and once there is one, all closed and a new one (the phone is lost, or the wrong
    person has the link): one row of buttons (ui/action_row.py)."""
    create = Action(t("link.create"), primary=True)
    return (Group(t("link.title"), (create, Action(t("citizen_team.reissue"))) if links else (create,)),)


days = st.session_state.get(DAYS_KEY, DEFAULT_DAYS)
made, press = None, pressed(link_row(), key="link-actions")
reissue = press is not None and press.text == t("citizen_team.reissue")
if press is not None:
    # Made in this run, after app.py's login check, and before the row and the list are drawn, so
    # both show the new link at once.
    made = attempt(lambda: (reissue_link if reissue else create_link)(days))
    if made is not None:
        with session_scope() as session:
            links = list_citizen_links_for_plan(session=session, actor=actor, plan=plan)

show_lines([("subheading", t("link.title")), ("caption", t("citizen_team.link_intro"))], key="plan-link")
# How long a new link works, as a choice of usual lengths (a number field and its form were two
# elements more on every visit, issue 16); the model still refuses anything outside 1-MAX_DAYS.
choice_group(VALIDITY_CHOICES, key="link-days", label=t("link.days"), chosen=days, on_choose=keep_days,
             format_func=lambda n: t("link.days_option", count=n))  # fmt: skip
action_row(link_row(), key="link-actions",
           lines=[("caption", t("citizen_team.reissue_help") if links else None)])  # fmt: skip
if made is not None:
    # Shown once, in this run only: the token is stored nowhere but in the citizen's hands.
    done = "citizen_team.reissued" if reissue else "link.created"
    st.success(t(done, date=day(made.expires_at)), icon="🔗")
    st.code(app_root() + link_path(made.token), language=None, wrap_lines=True)
if not links:
    show_lines([("caption", t("link.none"))], key="plan-links-none")
else:

    def link_status(link) -> str:  # noqa: ANN001
        if link.revoked_at is not None:
            return t("link.status_revoked")
        return t("link.status_active") if link.is_active() else t("link.status_expired")

    show_table(
        {
            t("link.col_created"): [moment(link.created_at) for link in links],
            t("link.col_by"): [link.created_by or "" for link in links],
            t("link.col_expires"): [moment(link.expires_at) for link in links],
            t("link.col_status"): [link_status(link) for link in links],
        },
        key="plan-links",
    )
    active = {
        link.id: t("link.option", created=moment(link.created_at), expires=day(link.expires_at))
        for link in links
        if link.is_active()
    }
    if active:
        chosen = st.selectbox(t("link.revoke_choose"), list(active), format_func=active.get, key="link-pick",
                              placeholder=choose())  # fmt: skip
        revoke = st.button(t("link.revoke"), key="link-revoke")
        if revoke and chosen is not None and attempt(lambda: revoke_link(chosen)):
            flash("link.revoked")
            st.rerun()
