"""Opfølgning: "Mine opgaver" (every agreement I own, overdue first) and the coordinator's view.

The start page of someone with hundreds of agreements: the overdue ones, then those coming up
(this week and later, soonest first), each section a list with a row per agreement (a page of
rows at a time, "Vis flere"); a click on a row opens that agreement's card with its actions
under the list. The finished ones are one table, folded away until asked for; a search covers
citizen, text and goal. Only the open tab's content runs.
Changes go through models.actions (authorised, sanitised, versioned, with history); a save after
someone else's save is refused with the Danish message, and what the user typed stays.
"""

import pandas as pd
import streamlit as st

from models.db import session_scope
from models.errors import UserError
from models.follow_up import (
    ROWS_PER_PAGE,
    SECTIONS,
    coordinator_view,
    my_start_page,
)
from models.overview import may_see_overview
from models.unmet_needs import answer_unmet_need
from ui.agreement_cards import (
    COLOURS,
    ICONS,
    Words,
    agreement_card,
    agreements_table,
    badge_text,
    chosen_agreement_id,
    chosen_row,
    toggle_button,
    update_panel,
)
from ui.choice_group import step_row
from ui.citizen_team_view import my_messages, voice_for_citizen
from ui.context import current_actor, selected_citizen_id
from ui.demo_offer import no_open_agreements, offer_demo
from ui.feedback import attempt, flash, show_flash, show_user_error
from ui.fragments import page_part
from ui.i18n import t
from ui.rc_survey import surveys
from ui.safe import escape_markdown, show_text
from ui.text_block import TextRun
from ui.widgets import day, form, person_line, rows_shown, show_more_button, unfolded

actor = current_actor()
st.title(t("followup.title"))
show_flash()
offer_demo(actor)  # only an administrator on a database without citizens sees it
surveys(actor)  # a relational coordination round this user is asked in (issue 24)


def shown_key(section):
    return f"fu_shown_{section}"


def open_section(section, words):
    chosen = chosen_row(section.cards, words, section=section.name)
    if chosen is not None:
        agreement_card(chosen, actor=actor, words=words)
    if section.not_shown:
        label = t("followup_more.show_more", count=min(ROWS_PER_PAGE, section.not_shown),
                  hidden=section.not_shown)  # fmt: skip
        show_more_button(label, key=f"fu_more_{section.name}", shown_key=shown_key(section.name),
                         page_size=ROWS_PER_PAGE)  # fmt: skip


def done_section(section, words, searching):
    # An open panel stays in view (a colleague may just have finished the agreement): the user's
    # text must not disappear. The rest need nothing more: one table, folded away until asked for.
    for item in section.cards:
        agreement_card(item, actor=actor, words=words)
    if searching:
        agreements_table(section.items, words)
        return
    label = f":{COLOURS['done']}[{t('followup_more.show_done')}]"  # in its colour and in words
    if (box := unfolded(label, icon=ICONS["done"], key="fu_unfold_done")) is not None:
        with box:
            agreements_table(section.items, words)


@page_part
def my_follow_ups():
    """The user's own agreements: a part that reruns alone when a row is chosen, a save is made or
    the list is searched (ui/fragments.py; issue 16), so it loads all it shows itself."""
    show_flash()  # a save in this part, on its own rerun (a full run showed it at the top already)
    open_ids = {chosen_agreement_id()} - {None}
    shown = {name: rows_shown(shown_key(name), ROWS_PER_PAGE) for name in SECTIONS}
    query = st.session_state.get("fu_search", "").strip()
    with session_scope() as session:  # only what the page shows is read (all, to search)
        page = my_start_page(session=session, actor=actor, shown=shown, open_ids=open_ids, query=query,
                             with_done=bool(st.session_state.get("fu_unfold_done")))  # fmt: skip
    # Texts that follow each other are one element each time (ui/text_block.TextRun): the intro
    # with the counts, and the hint with the first list's heading (issue 16).
    text = TextRun()
    text.add_lines([("caption", t("followup.intro_mine"))])
    text.add_lines([("text", t("followup.summary", **page.counts))], key="fu-summary")
    text.show()
    my_messages(actor)  # messages from citizens to me as their contact person (issue 20)
    open_count = page.open_count
    if not open_count:
        no_open_agreements()  # and where the citizens are (issue 19)
    if open_count > ROWS_PER_PAGE:  # a search earns its place once not every row fits on a page
        st.text_input(t("followup_more.search"), key="fu_search",
                      placeholder=t("followup_more.search_hint"))  # fmt: skip
    if query:
        text.add_lines([("caption", t("followup_more.search_result", count=page.listed))])
    if open_count:
        text.add_lines([("caption", t("followup_more.choose_row"))])
    words = Words()
    for section in page.sections:
        # The bucket's colour and its words (the rows say how urgent in words too).
        title = f"{t(f'followup.section.{section.name}')} ({section.total})"
        text.add_lines([(f"subheading-{COLOURS[section.name]}", title)])
        text.show()
        if section.name == "done":
            done_section(section, words, searching=bool(query))
        else:
            open_section(section, words)


def coordinators_view():
    citizen_id = selected_citizen_id()
    if citizen_id is None:
        st.info(t("followup.choose_citizen"))
        return
    try:
        with session_scope() as session:
            view = coordinator_view(session=session, actor=actor, citizen_id=citizen_id)
    except UserError as error:
        show_user_error(error)
        return
    st.header(escape_markdown(view.citizen_name), anchor=False)
    with st.container(key="contact-person"):
        st.caption(t("citizen.contact_person"))
        show_text(person_line(view.contact_person))
    if view.next_meeting_due:
        st.caption(t("followup.next_meeting_due", date=day(view.next_meeting_due)))
    st.subheader(t("followup.attention_title"), anchor=False)
    if not view.attention:
        st.success(t("followup.attention_none"))
    agreements = {a.id: a for a in view.agreements}
    for n, item in enumerate(view.attention):
        with st.container(border=True, key=f"attention-{item.kind}-{n}"):
            days = item.days  # the count picks "1 dag" or "3 dage"
            st.write(t(f"followup.attention.{item.kind}", days=days, count=days, date=day(item.due_on)))
            if item.text:
                show_text(item.text)
            fixed_here = item.kind == "overdue_action" and item.entity_id in agreements
            if fixed_here:
                # Fixed right here: the coordinator may follow up on any of the citizen's agreements.
                agreement = agreements[item.entity_id]
                if toggle_button(f"c{agreement.id}"):
                    update_panel(actor=actor, panel=f"c{agreement.id}", action_id=agreement.id,
                                 citizen_id=view.citizen_id, version=agreement.version,
                                 owner_person_id=agreement.owner_person_id,
                                 due_on=agreement.due_on)  # fmt: skip
            elif item.kind == "unmet_need":
                with form(f"answer-need-{item.entity_id}"):
                    answer = st.text_area(t("followup.need_answer"), key=f"need_answer_{item.entity_id}")
                    if st.form_submit_button(t("followup.need_answer_save")):

                        def _answer(need_id=item.entity_id, text=answer):
                            with session_scope(write=True) as session:
                                answer_unmet_need(session=session, actor=actor, need_id=need_id, answer=text)
                            return True

                        if attempt(_answer):
                            flash("followup.need_answered")
                            st.rerun()
            # Only a page this user has in the menu: a link to one they lack (Overblik, for
            # leaders) stopped the whole view with Streamlit's "page not found".
            if not fixed_here and (item.target_page != "pages/overview.py" or may_see_overview(actor)):
                st.page_link(item.target_page, label=t(f"followup.fix.{item.kind}"))
    voice_for_citizen(actor, view.citizen_id, view.citizen_name)  # answers, ticks, messages (issue 20)
    st.subheader(t("followup.all_agreements"), anchor=False)
    if not view.agreements:
        st.info(t("followup.no_agreements"))
        return
    owner_words = {True: t("followup.owner_citizen")}
    no_owner = t("followup.no_owner")
    rows = view.agreements
    st.dataframe(
        pd.DataFrame(
            {
                t("followup.col_when"): [badge_text(a.bucket, a.status, a.due_on) for a in rows],
                t("followup.col_agreement"): [a.text for a in rows],
                t("followup.col_owner"): [
                    owner_words.get(a.owner_is_citizen) or a.owner_name or no_owner for a in rows
                ],
                t("followup.col_department"): [a.department or "" for a in rows],
                t("followup.col_due"): [day(a.due_on) for a in rows],
                t("followup.col_status"): [t(f"action.status_{a.status}") for a in rows],
                t("followup.col_goal"): [a.goal_words or "" for a in rows],
            }
        ),
        hide_index=True,
    )


# Only the open view runs: the coordinator's view loads (and audits) a whole plan, which the
# start page does not need until someone opens it. The two views are one row of choices
# (ui/choice_group.step_row), not st.tabs (issue 16: median 10-16 ms less per visit, measured
# side by side); the open view's label is kept under VIEW_KEY.
VIEW_KEY = "fu_tab"
VIEWS = {"mine": my_follow_ups, "citizen": coordinators_view}
view = step_row(list(VIEWS), key="fu-views", kept_in=VIEW_KEY, label=t("followup.views_label"),
                catalogue=lambda name: f"followup.tab_{name}")  # fmt: skip
VIEWS[view]()
