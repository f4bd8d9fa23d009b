"""Pieces several pages show the same way."""

from __future__ import annotations

from typing import Any

import streamlit as st

from models.formatting import format_day, format_moment
from models.plans import JointPlan, PersonView
from ui.i18n import lang, t
from ui.safe import show_text
from ui.text_block import Line, show_lines


def person_line(person: PersonView | None) -> str:
    """'Rasmus Holm, koordinerende sagsbehandler, Jobcenter' as plain text."""
    if person is None:
        return t("citizen.no_contact")
    parts = [person.name, person.title or person.relation or "", person.department or ""]
    return ", ".join(p for p in parts if p)


def citizen_header(plan: JointPlan, *more: Line) -> None:
    """The citizen's name and their one contact person, at the top of every citizen page, and
    `more` lines under them: one element (ui/text_block.py), drawn on every visit to the page."""
    contact = plan.contact_person
    details = [person_line(contact)]
    if contact is not None:
        details += [value for value in (contact.phone, contact.email) if value]
    show_lines([("heading", plan.citizen.name), ("caption", t("citizen.contact_person")),
                ("text", " · ".join(details)), *more], key="contact-person")  # fmt: skip


def day(value) -> str:  # noqa: ANN001 - date or datetime
    return format_day(value, lang())


def moment(value) -> str:  # noqa: ANN001
    return format_moment(value, lang())


def goal_words(text: str, *, key: str) -> None:
    """A goal in the citizen's own words, verbatim and large."""
    show_text(text, key=f"own-words-{key}")


def rows_shown(key: str, page_size: int) -> int:
    """How many rows of a long list the user has asked for: a page, and a page more per "show more"."""
    return st.session_state.get(key, page_size)


def show_more_button(label: str, *, key: str, shown_key: str, page_size: int) -> None:
    """"Vis N flere" under a long list: the next run shows `page_size` rows more."""

    def _more() -> None:
        st.session_state[shown_key] = rows_shown(shown_key, page_size) + page_size

    st.button(label, key=key, on_click=_more)


def deadline(due_on) -> str:  # noqa: ANN001 - date or None
    """"senest 12. marts 2027", or "ingen dato endnu" — never "senest ingen dato"."""
    return t("deadline.by", date=day(due_on)) if due_on else t("deadline.none")


# --- Streamlit's own words (issue 18) ---------------------------------------------------------
# What Streamlit 1.67 lets a page set, set the same way everywhere: a select box's empty text
# ("Choose an option" otherwise) and a form without Streamlit's English "Press Enter to submit
# form" hint. Date fields pass format="DD.MM.YYYY" (tests/pages/test_streamlit_words.py checks all
# three in pages/ and ui/). What no parameter reaches: ui/page_language.py.


def choose() -> str:
    """The empty text of a select box: "Vælg" / "Choose"."""
    return t("widgets.choose")


def choose_many() -> str:
    """The empty text of a multiselect."""
    return t("widgets.choose_many")


def form(key: str, **options: Any) -> Any:  # noqa: ANN401 - Streamlit's form container
    """st.form without Enter-to-submit (and so without its English hint), unless asked for: a
    keyboard user submits with the form's button. The login form keeps Enter (its hint is put
    in the user's language by ui/page_language.py)."""
    options.setdefault("enter_to_submit", False)
    return st.form(key, **options)


def unfolded(label: str, *, key: str, expanded: bool = False, icon: str | None = None,
             width: int | str = "stretch") -> Any | None:  # noqa: ANN401
    """An expander whose content is drawn only while it is open: its container when open, else None.

    Streamlit draws a plain expander's content on every rerun, folded or not, and each element
    costs the browser a millisecond or more (issue 16). Unfolding or folding this one reruns the
    page (`on_change="rerun"`); its open state lives in st.session_state under `key`.
        if (box := unfolded(t("goal.edit"), key=...)) is not None:
            with box:
                ...
    """
    box = st.expander(label, expanded=expanded, key=key, icon=icon, on_change="rerun",
                      width=width)  # type: ignore[arg-type]
    return box if box.open else None

