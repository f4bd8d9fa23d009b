"""Forberedelse: everything that must be ready before a network meeting, step by step.

The steps follow the good meeting's routine: citizen, consent, team and network, the meeting,
agenda and roles, the citizen's own preparation, invitations; each lives in its own
ui/prepare_*.py module (what they share: ui/prepare_shared.py). Only the open step runs.
"""

import streamlit as st

from ui import (
    prepare_agenda,
    prepare_citizen,
    prepare_consent,
    prepare_invitations,
    prepare_meeting,
    prepare_preparation,
    prepare_team,
)
from ui.choice_group import step_row
from ui.citizen_page import load_plan_or_stop
from ui.context import current_actor, selected_citizen_id
from ui.feedback import show_flash
from ui.i18n import t
from ui.prepare_shared import STEP_KEY, STEP_NAMES, prep_for, step_catalogue_key
from ui.widgets import citizen_header

actor = current_actor()
st.title(t("nav.prepare"))
show_flash()

if selected_citizen_id() is None:
    st.info(t("before.no_citizen"))
    st.subheader(t("before.new_citizen"), anchor=False)
    prepare_citizen.new_citizen_form(actor)
    st.stop()

plan = load_plan_or_stop(actor, purpose="prepare.read")
# Only the open step is built (below), so a step that is left takes any unsaved text in its
# forms with it: say so where the steps begin (one element with the header, ui/text_block.py).
citizen_header(plan, ("caption", f"{t('before.intro')} {t('prepare_tabs.unsaved_hint')}"))
prep = prep_for(actor, plan)

# Only the open step runs. Each step is a few dozen widgets and every widget call costs Streamlit
# about a millisecond of session-state bookkeeping, so building all seven on every rerun made each
# click slow. The open step is kept in st.session_state[STEP_KEY] (its label), not in the URL:
# the labels are translated, so a shared link would point nowhere after a language switch.
STEPS = {
    "citizen": prepare_citizen.show,
    "consent": prepare_consent.show,
    "team": prepare_team.show,
    "meeting": prepare_meeting.show,
    "agenda": prepare_agenda.show,
    "preparation": prepare_preparation.show,
    "invitations": prepare_invitations.show,
}
# The steps are one row of choices (ui/choice_group.step_row): st.tabs cost the browser ~25 ms of
# every visit (issue 16). A choice keeps the step's label under STEP_KEY and reruns the page.
step = step_row(STEP_NAMES, key="prepare-steps", kept_in=STEP_KEY, label=t("before.steps_label"),
                catalogue=step_catalogue_key)  # fmt: skip
show_flash(at="prepare-step")  # a step's save is confirmed in the step (issue 18)
STEPS[step](prep)
