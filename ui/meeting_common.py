"""What every step of Mødet's control panel shares: the loaded meeting, saving, and add forms.

Each step module (ui/meeting_<step>.py) renders from a `Panel` and saves through `write`/`attempt`:
one domain call in its own transaction; a UserError is kept for this run and shown in Danish
near the top, while the user's text stays in its field.

Add forms (goal, agreement, decision, unmet need) have a generation: their widgets' keys carry
it, so a new generation is an empty form, and the form key sent to models/ carries it too, so a
double click or a resubmitted form of one generation saves once (models/idempotency.py). Only a
successful save starts the next generation; a refused one keeps the text.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from models.access import Actor
from models.db import session_scope
from models.errors import UserError
from models.meeting_mode import LiveMeeting, MeetingScreen
from models.plans import JointPlan, PersonView
from ui.feedback import show_flash
from ui.i18n import lang, t
from ui.safe import escape_markdown
from ui.widgets import person_line

ERROR_KEY = "meet_error"
CITIZEN = "citizen"  # the owner/speaker choice meaning the citizen herself
FORMS = ("goal", "ag", "decision", "need")
JUST_SAVED_SECONDS = 5.0  # an empty submit this soon after a save is the second click of a double click


@dataclass(frozen=True)
class Panel:
    actor: Actor
    screen: MeetingScreen

    @property
    def plan(self) -> JointPlan:
        return self.screen.plan

    @property
    def meeting(self) -> LiveMeeting:
        assert self.screen.meeting is not None
        return self.screen.meeting

    @property
    def people(self) -> dict[int, PersonView]:
        return {p.id: p for p in self.plan.people}


def write(panel: Panel, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run one domain write in its own transaction; a UserError is kept for this run to show."""
    try:
        with session_scope(write=True) as session:
            return fn(session=session, actor=panel.actor, **kwargs)
    except UserError as error:
        st.session_state[ERROR_KEY] = error.message(lang(), quote=escape_markdown)
        raise


def attempt(panel: Panel, fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, bool]:
    try:
        return write(panel, fn, **kwargs), True
    except UserError:
        return None, False


def show_messages(key: str = "meet-messages") -> None:
    """This run's error or confirmation, in a slot that is always there: an alert appearing above
    the steps must not shift them (an open "Ret målet" would close, taking the user's text).
    A step that reruns alone (pages/meeting.py) has its own slot, `key`, at its top."""
    with st.container(key=key):
        show_flash()
        message = st.session_state.pop(ERROR_KEY, None)
        if message:
            st.error(message, icon="⚠️")


def error_to_form(form: str) -> None:
    """A refused add form: its error goes inside that form, by its fields and button (issue 18),
    not into the slot at the top, out of sight of a keyboard or screen reader user."""
    message = st.session_state.pop(ERROR_KEY, None)
    if message:
        st.session_state[f"{ERROR_KEY}_{form}"] = message


def show_form_error(form: str) -> None:
    message = st.session_state.pop(f"{ERROR_KEY}_{form}", None)
    if message:
        with st.container(key=f"field-error-meet-{form}"):
            st.error(message, icon="⚠️")


# --- add forms --------------------------------------------------------------------------------


def generation(form: str) -> int:
    return st.session_state.get(f"meet_{form}_gen", 0)


def fresh(name: str, form: str, gen: int | None = None) -> str:
    """A form widget's key in the form's generation (a new generation: empty widgets; Streamlit
    keeps a widget's shown value even when its state is removed)."""
    return f"{name}_{generation(form) if gen is None else gen}"


def form_key(panel: Panel, form: str, gen: int) -> str:
    """The key models/ remembers one submission by: this browser session, this meeting, this
    form, this generation."""
    token = st.session_state.setdefault("meet_form_token", uuid.uuid4().hex)
    return f"{token}-{panel.meeting.id}-{form}-{gen}"


def saved(form: str, gen: int, *names: str) -> None:
    """A successful save: the next generation (an empty form) and the old widgets' state dropped."""
    for name in names:
        st.session_state.pop(fresh(name, form, gen), None)
    st.session_state[f"meet_{form}_gen"] = gen + 1
    st.session_state[f"meet_{form}_saved_at"] = time.monotonic()


def second_click(form: str, text: object) -> bool:
    """An empty submit right after a save: the double click's second click, landing on the new
    empty form. Ignored (the first click saved) instead of answered with "write something"."""
    at = st.session_state.get(f"meet_{form}_saved_at")
    empty = not (isinstance(text, str) and text.strip())
    return empty and at is not None and time.monotonic() - at < JUST_SAVED_SECONDS


# --- labels -----------------------------------------------------------------------------------


def owner_label(panel: Panel, option: object) -> str:
    if option == CITIZEN:
        return t("meet.owner_citizen", name=panel.plan.citizen.name)
    person = panel.people.get(option)  # type: ignore[arg-type]
    return person_line(person) if person else "?"


def goal_label(panel: Panel, goal_id: object) -> str:
    goal = next((g for g in panel.plan.goals if g.id == goal_id), None)
    return goal.own_words.replace("\n", " ")[:80] if goal else "?"


def staff_only(what: str) -> None:
    """The caption over professional-only content: never on the room screen, only here."""
    st.caption(t("meet.staff_only", what=what))


# The panel is a laptop screen: less empty space above the meeting than a reading page has.
_CSS = """<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
[class*="st-key-meet-side"] [data-testid="stText"],
[class*="st-key-meet-side"] .sp-words { font-size: 1.1rem; }
</style>"""


def panel_style() -> None:
    st.html(_CSS)
