"""A row of choices (radio buttons) drawn as one element: Mødet's 0-10 scale and who is here,
Forberedelse's steps, Opfølgning's two views.

Why (issue 16): st.radio draws each option's label through Streamlit's Markdown component, inside
containers of its own. Mødet's 0-10 scale is eleven of them on every visit to the goals step, and
the attendance step four per person. Forberedelse's seven steps were st.tabs, ~25 ms of the
browser's drawing on every visit (measured side by side: median 154 -> 127 ms). Here a group is
one Streamlit component (`st.components.v2`): a `<fieldset>` whose `<legend>` names the group,
and a native `<input type="radio">` in a `<label>` per option, that a small script draws and keeps.

- Text only: the legend and the options travel as JSON and are set as text (`textContent`),
  never as HTML or Markdown, so a name anyone typed is shown as typed.
- Native radio buttons, for everyone: Tab reaches the group (its chosen option, else the first),
  the arrow keys move and choose, as in any radio group, and a screen reader reads the legend
  and "n of m". Each choice is sent, as st.radio did (an arrow key that chooses saves).
- A rerun that changes only which option is chosen updates the inputs in place, so the keyboard
  focus stays where the user put it; when a rerun put the group where the focused control was,
  ui/page_language.py gives it the focus once it is drawn.
- A choice sends the option's position as the component's `chosen` event; `on_choose` gets the
  option's value only for a position this group showed (a browser could send anything).

The script is inline, as ui/row_list.py's: Streamlit loads it as a module from a `blob:` address,
which the Content-Security-Policy allows (models/security_headers.py says why).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import streamlit as st

from models.i18n import LANGUAGES, translate
from ui.i18n import t

_SCRIPT = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let group = parentElement.querySelector("fieldset.sp-choices");
  if (!group) {
    group = document.createElement("fieldset");
    group.className = "sp-choices";
    group.appendChild(document.createElement("legend"));
    group.appendChild(document.createElement("div")).className = "sp-choices-options";
    group.addEventListener("change", (event) => {
      const input = event.target;
      if (input.matches("input[type=radio]") && input.checked) {
        setTriggerValue("chosen", Number(input.dataset.position));
      }
    });
    parentElement.appendChild(group);
  }
  const legend = group.querySelector("legend");
  if (legend.textContent !== data.label) legend.textContent = data.label;
  legend.classList.toggle("sp-visually-hidden", !data.show_label);
  group.classList.toggle("sp-choices-steps", data.look === "steps");
  const box = group.querySelector(".sp-choices-options");
  const labels = data.options;
  const same = box.children.length === labels.length
    && [...box.children].every((label, n) => label.textContent === labels[n]);
  if (!same) {
    const focused = box.contains(document.activeElement) ? document.activeElement.dataset.position : null;
    box.replaceChildren(...labels.map((text, n) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = data.name;
      input.dataset.position = String(n);
      label.appendChild(input);
      label.appendChild(document.createElement("span")).textContent = text;
      return label;
    }));
    const again = focused !== null && box.querySelector(`input[data-position="${focused}"]`);
    if (again) again.focus({ preventScroll: true });
  }
  box.querySelectorAll("input").forEach((input, n) => {
    const chosen = n === data.chosen;
    if (input.checked !== chosen) input.checked = chosen;
  });
}
"""

_CHOICES = st.components.v2.component("samplan_choices", js=_SCRIPT, isolate_styles=False)


def choice_group(options: Sequence[Any], *, key: str, label: str, chosen: Any | None,  # noqa: ANN401
                 on_choose: Callable[[Any], None], format_func: Callable[[Any], str] = str,
                 show_label: bool = True, look: Literal["radios", "steps"] = "radios") -> None:  # fmt: skip
    """Draw `options` as one group of radio buttons named `label` (shown above them, or only to
    screen readers with `show_label=False`), `chosen` checked; a choice calls `on_choose(option)`
    before the rerun (a callback, as st.radio's on_change).

    `look="steps"` draws each option as a pill in a row of steps (Forberedelse's seven), the
    chosen one filled: the same radio buttons for the keyboard and a screen reader."""
    shown = list(options)

    def _chosen() -> None:
        position = (st.session_state.get(key) or {}).get("chosen")
        if isinstance(position, int) and not isinstance(position, bool) and 0 <= position < len(shown):
            on_choose(shown[position])

    data = {"label": label, "show_label": show_label, "name": key, "look": look,
            "options": [format_func(option) for option in shown],
            "chosen": shown.index(chosen) if chosen in shown else None}  # fmt: skip
    _CHOICES(key=key, data=data, on_chosen_change=_chosen)


def step_row(names: Sequence[str], *, key: str, kept_in: str, label: str,
             catalogue: Callable[[str], str]) -> str:  # fmt: skip
    """A row of steps or views (look="steps"; Forberedelse's steps, Opfølgning's views), one of
    them open; returns the open one's name. `catalogue(name)` is the catalogue key of its label.

    The open one is kept as the label it showed, under st.session_state[kept_in] (a button
    elsewhere may open one by setting that label); a label in either language counts, so a
    language switch keeps it. Nothing kept, or nothing known: the first."""
    kept = st.session_state.get(kept_in)
    labels = {name: {translate(catalogue(name), code) for code in LANGUAGES} for name in names}
    open_name = next((name for name in names if kept in labels[name]), names[0])

    def _open(name: str) -> None:
        st.session_state[kept_in] = t(catalogue(name))

    choice_group(names, key=key, label=label, chosen=open_name, on_choose=_open,
                 format_func=lambda name: t(catalogue(name)), show_label=False, look="steps")  # fmt: skip
    return open_name
