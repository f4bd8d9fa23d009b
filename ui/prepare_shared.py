"""What every step of Forberedelse shares: the loaded plan with its consent flags, the save
helper, the versions a form started from, and the department pickers.

Every form is an st.form whose widget keys carry the version the user saw, so a refused save
keeps what was typed; every save goes through `write` -> ui.feedback.attempt -> models/
(authorised, audited, sanitised).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from models import consent as consent_rules
from models import departments, meeting_edit
from models.access import Actor
from models.db import session_scope
from models.plans import JointPlan, MeetingView, PersonView
from ui.feedback import attempt, flash
from ui.i18n import t
from ui.safe import escape_markdown
from ui.widgets import person_line

STEP_KEY = "prepare-step"  # the open step's label
STEP_NAMES = ("citizen", "consent", "team", "meeting", "agenda", "preparation", "invitations")


@dataclass(frozen=True)
class Prep:
    """One run's view of the chosen citizen, shared by the steps (read once, never mutated)."""

    actor: Actor
    plan: JointPlan
    uncovered_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def cid(self) -> int:
        return self.plan.citizen.id

    @property
    def on_day(self) -> date:
        return self.plan.loaded_on

    @property
    def active(self) -> list[PersonView]:
        return [p for p in self.plan.people if p.is_active]

    @property
    def names(self) -> dict[int, str]:
        return {p.id: p.name for p in self.plan.people}

    @property
    def meeting(self) -> MeetingView | None:
        return self.plan.next_meeting

    @property
    def editable(self) -> bool:
        return self.meeting is not None and self.meeting.status in meeting_edit.EDITABLE_STATUSES

    def flag(self, person: PersonView) -> str:
        if person.kind != "professional":
            return t("before.flag_private")
        return t("before.flag_uncovered") if person.id in self.uncovered_ids else t("before.flag_covered")

    def labelled(self, person_id: int | None) -> str:
        """A person in a picker: name, role and the consent flag (options are plain text)."""
        person = self.plan.person(person_id)
        if person is None:
            return ""
        text = person_line(person)
        if person.kind == "professional" and person.id in self.uncovered_ids:
            text += f" · {t('before.flag_uncovered')}"
        return text

    def warn_uncovered(self, ids: set[int] | frozenset[int]) -> None:
        if ids:
            names = self.names
            listed = ", ".join(names[i] for i in ids if i in names)
            st.warning(escape_markdown(t("before.uncovered_warning", names=listed)), icon="⚠️")


def prep_for(actor: Actor, plan: JointPlan) -> Prep:
    active = [p for p in plan.people if p.is_active]
    uncovered = consent_rules.uncovered_people(people=active, consents=plan.consents, on=plan.loaded_on)
    return Prep(actor=actor, plan=plan, uncovered_ids=frozenset(p.id for p in uncovered))


def write(
    work: Callable, done_key: str, *, forget: tuple[str, ...] = (), fresh: str | None = None, **params: object
) -> None:
    """Run one save in a write transaction; on success confirm it after a rerun. `forget` drops
    the remembered versions, `fresh` gives an add-form new, empty widgets (only on success)."""

    def action() -> object:
        with session_scope(write=True) as session:
            result = work(session)
        return True if result is None else result

    result = attempt(action)
    if result is None:
        return  # the error is shown; the form keeps what was typed
    for key in forget:
        st.session_state.pop(key, None)
    if fresh:
        next_nonce(fresh)
    flash(done_key, at="prepare-step", **params)  # shown in the open step, by its forms
    st.rerun()


def seen(name: str, version: int | None) -> int:
    """The version the user saw when the form first opened (0: nothing saved yet). Kept until a
    save succeeds, so a refused save keeps the user's text in the same widgets."""
    return st.session_state.setdefault(f"seen-{name}", version or 0)


def nonce(name: str) -> int:
    return st.session_state.get(f"nonce-{name}", 0)


def next_nonce(name: str) -> None:
    st.session_state[f"nonce-{name}"] = nonce(name) + 1


def step_catalogue_key(name: str) -> str:
    return f"before.tab_{name}"


def step_label(name: str) -> str:
    return t(step_catalogue_key(name))


def go_to_step(name: str) -> None:
    """A button callback: open another step (runs before the steps are drawn again)."""
    st.session_state[STEP_KEY] = step_label(name)



def department_names(*, keep: str | None = None) -> list[str]:
    """The list's departments by name (not retired), plus `keep` (a person's current one, even
    retired), for a picker."""
    with session_scope() as session:
        names = [d.name for d in departments.list_departments(session=session)]
    if keep and departments.name_key(keep) not in {departments.name_key(n) for n in names}:
        names.append(keep)
    return names


def department_picker(
    *, key: str, current: str | None = None, disabled: bool = False
) -> tuple[str | None, str]:
    """A professional's department: picked from the list, or typed under "Andet (skriv selv)".
    Returns (picked, typed); models.departments decides which department that is."""
    options = department_names(keep=current)
    picked = st.selectbox(
        t("before.department"),
        options=options,
        index=options.index(current) if current in options else None,
        placeholder=t("prep25.department_choose"),
        key=key,
        disabled=disabled,
    )
    typed = st.text_input(t("prep25.department_other"), key=f"{key}-other", disabled=disabled)
    return picked, typed


def chosen_department(picked: str | None, typed: str) -> str | None:
    """What the picker means: a typed name wins over the picked one (the user went on to type)."""
    return typed if typed and typed.strip() else picked
