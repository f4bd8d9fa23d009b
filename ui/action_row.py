"""Rows of buttons (and links) drawn as one element: Mødet's speakers and "Næste punkt", a goal's
"Skalér dette mål" and "Ret målet", the room screen's link and "Afslut rumskærm".

Why (issue 16): each st.button is an element of its own, its label drawn through Streamlit's
Markdown component, and a row of them needs a block of its own to lay them out side by side. On
Mødet, a page the leader opens again and again, they were a large part of the browser's drawing on
every navigation: a bare page measured a button at ~1.8 ms of the browser's work, a whole row of
three native buttons in one `st.components.v2` element at ~0.6 ms. Here a row is that one
element: one or more groups (`<div role="group">` named by its label), each a row of native
`<button>`s, or an `<a>` for a link, drawn by a small script and kept.

- Text only: labels (and any lines of words with them) travel as JSON and are set as text
  (`textContent`), never as HTML or Markdown, so a name anyone typed is shown as typed. A link's
  address is built by our code.
- Native buttons, for everyone: Tab reaches each one, Enter and Space press it. A button that
  shows who or what is on says so with `aria-pressed`, one that unfolds something with
  `aria-expanded`; one that cannot be used now is `disabled`.
- A rerun that draws the same kinds of controls updates them in place, so the keyboard focus
  stays where the user put it; one that draws others keeps it on the same control (by its
  words) if it is still there, else leaves it to ui/page_language.py (a goal's "Skalér dette mål"
  gives way to its scale: the focus goes to the scale).
- A press sends the control's position as the component's `clicked` event; the server calls the
  action's callback only for a position this row showed, enabled (a browser could send anything).

The script is inline, as ui/choice_group.py's: Streamlit loads it as a module from a `blob:`
address, which the Content-Security-Policy allows (models/security_headers.py says why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from ui.text_block import KINDS, Line

_SCRIPT = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let row = parentElement.querySelector("div.sp-actions");
  if (!row) {
    row = document.createElement("div");
    row.className = "sp-actions";
    row.addEventListener("click", (event) => {
      const control = event.target.closest("button[data-position]");
      if (control && !control.disabled) setTriggerValue("clicked", Number(control.dataset.position));
    });
    parentElement.appendChild(row);
  }
  let lines = parentElement.querySelector("div.sp-lines");
  if (!lines) {
    lines = document.createElement("div");
    lines.className = "sp-lines";
    parentElement.insertBefore(lines, data.lines_first ? row : null);
  }
  const said = data.lines.map((line) => line.tag + "." + line.css + ":" + line.text).join("\\n");
  if (lines.dataset.said !== said) {
    lines.replaceChildren(...data.lines.map((line) => {
      const element = document.createElement(line.tag);
      element.className = line.css;
      element.textContent = line.text;
      return element;
    }));
    lines.dataset.said = said;
  }
  lines.hidden = data.lines.length === 0;
  const shape = data.groups.map((g) => g.actions.map((a) => (a.href ? "A" : "BUTTON")).join(",")).join("|");
  let focused = null;  // the words of the control that had the focus, when the row is drawn anew
  if (row.dataset.shape !== shape) {
    const active = document.activeElement && document.activeElement.closest("[data-position]");
    focused = active && row.contains(active) ? active.textContent : null;
    let position = 0;
    row.replaceChildren(...data.groups.map((group) => {
      const box = document.createElement("div");
      box.className = "sp-actions-group";
      box.setAttribute("role", "group");
      box.append(...group.actions.map((action) => {
        const control = document.createElement(action.href ? "a" : "button");
        if (!action.href) control.type = "button";
        control.dataset.position = String(position++);
        const icon = control.appendChild(document.createElement("span"));
        icon.className = "sp-action-icon";
        icon.setAttribute("aria-hidden", "true");
        control.appendChild(document.createElement("span")).className = "sp-action-text";
        return control;
      }));
      return box;
    }));
    row.dataset.shape = shape;
  }
  const flag = (control, name, value) => {
    if (value === null || value === undefined) control.removeAttribute(name);
    else control.setAttribute(name, String(value));
  };
  data.groups.forEach((group, g) => {
    const box = row.children[g];
    box.setAttribute("aria-label", group.label);
    group.actions.forEach((action, n) => {
      const control = box.children[n];
      const [icon, text] = control.children;
      if (icon.textContent !== (action.icon || "")) icon.textContent = action.icon || "";
      icon.hidden = !action.icon;
      if (text.textContent !== action.text) text.textContent = action.text;
      control.className = "sp-action" + (action.primary ? " sp-action-primary" : "");
      if (action.href) {
        control.href = action.href;
        control.target = "_blank";
        control.rel = "noopener noreferrer";
      } else {
        control.disabled = Boolean(action.disabled);
        flag(control, "aria-pressed", action.pressed);
        flag(control, "aria-expanded", action.expanded);
      }
    });
  });
  // The same control again (by its words), if it is still there; if not, ui/page_language.py
  // gives the focus to what the rerun put nearest to where it was.
  const controls = [...row.querySelectorAll("[data-position]")];
  const again = focused !== null && controls.find((control) => control.textContent === focused);
  if (again) again.focus({ preventScroll: true });
}
"""

_ACTIONS = st.components.v2.component("samplan_actions", js=_SCRIPT, isolate_styles=False)


@dataclass(frozen=True)
class Action:
    """One control of a row: a button that calls `on_click` (before the rerun, as st.button's
    on_click), or, with `href`, a link opened in a new window."""

    text: str
    on_click: Callable[[], None] | None = None
    href: str | None = None
    icon: str | None = None  # an emoji before the text, hidden from screen readers (the text says it)
    primary: bool = False  # filled in the accent colour: the one to press, or who is on
    pressed: bool | None = None  # a toggle's state (aria-pressed), None for a plain button
    expanded: bool | None = None  # what it unfolds is shown (aria-expanded), None if it unfolds nothing
    disabled: bool = False


@dataclass(frozen=True)
class Group:
    """Controls that belong together, named for a screen reader (`label`)."""

    label: str
    actions: tuple[Action, ...]


def _shown(action: Action) -> dict[str, object]:
    """What the browser gets of an action: everything but its callback."""
    return {name: getattr(action, name) for name in ("text", "href", "icon", "primary", "pressed", "expanded",
                                                     "disabled")}  # fmt: skip


def pressed(groups: Sequence[Group], *, key: str) -> Action | None:
    """The button of the row keyed `key` pressed in this run, if the row drawn last showed it, as
    `groups` (the same actions in the same order), enabled, and not a link; else None.

    For a page that acts on a press in its script, after the login check of app.py, rather than
    in a callback before it (Planen's new link): the press is a trigger, there only in the run it
    starts, so a run that a click elsewhere cut short leaves nothing to act on later."""
    shown = [action for group in groups for action in group.actions]
    position = (st.session_state.get(key) or {}).get("clicked")
    if isinstance(position, int) and not isinstance(position, bool) and 0 <= position < len(shown):
        action = shown[position]
        if action.href is None and not action.disabled:
            return action
    return None


def action_row(groups: Sequence[Group], *, key: str, lines: Iterable[Line] = (), lines_first: bool = False,
               width: int | Literal["stretch", "content"] = "stretch") -> None:  # fmt: skip
    """Draw the groups side by side as one element; a press calls the action's `on_click`.

    `lines` (ui/text_block.py's kinds and look, set as text) are shown under the row, or above it
    with `lines_first`: words that belong to the buttons stay in the same element."""

    def _clicked() -> None:
        action = pressed(groups, key=key)
        if action is not None and action.on_click is not None:
            action.on_click()

    data = {
        "lines_first": lines_first,
        "lines": [
            {"tag": KINDS[kind][0], "css": KINDS[kind][1], "text": str(text)}
            for kind, text in lines
            if text is not None and text != ""
        ],  # fmt: skip
        "groups": [
            {"label": group.label, "actions": [_shown(a) for a in group.actions]} for group in groups
        ],  # fmt: skip
    }
    _ACTIONS(key=key, data=data, width=width, on_clicked_change=_clicked)
