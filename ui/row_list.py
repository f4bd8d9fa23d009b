"""A list of rows to choose from, each a real button, drawn as one element (Opfølgning's lists).

Why (issue 16): the lists were one `st.button` per agreement. Each is a React element of its own
whose label goes through Streamlit's Markdown component, and the start page shows up to three
lists of ten: measured in Chromium at full scale, the 30 buttons were ~34 ms of every visit to
Opfølgning (navigation median 142 -> 108 ms, p95 164 -> 134, with the rows as plain HTML), and as
much of every click on a row. Here the whole list is one Streamlit component
(`st.components.v2`): a `<ul>` of `<button>`s that a small script draws and keeps.

- Text only: the rows' words travel as JSON and are set as the buttons' text (`textContent`),
  never as HTML or Markdown, so what anyone typed is shown as typed.
- A real control for everyone: each row is a `<button type="button">` in a list with a name
  (`aria-label`); the chosen one is `aria-pressed="true"` (and drawn as before, ui/theme.py).
  Tab reaches every row, Enter or Space chooses it. A rerun that only changes which row is chosen
  updates the buttons in place, so the keyboard focus stays on the row the user chose.
- A click sends the row's id to the server as the component's `chosen` event; `on_choose` gets
  it only if it is one of the ids this list showed (a browser could send anything).

The script is inline: Streamlit loads it as a module from a `blob:` address, which the
Content-Security-Policy allows (models/security_headers.py says why that adds nothing a script
on the page could not already do).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

_SCRIPT = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let list = parentElement.querySelector("ul.sp-rows");
  if (!list) {
    list = document.createElement("ul");
    list.className = "sp-rows";
    list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-row]");
      if (button && list.contains(button)) setTriggerValue("chosen", Number(button.dataset.row));
    });
    parentElement.appendChild(list);
  }
  list.setAttribute("aria-label", data.label);
  const rows = data.rows;
  const buttons = [...list.querySelectorAll("button[data-row]")];
  const same = buttons.length === rows.length
    && buttons.every((button, n) => button.dataset.row === String(rows[n].id));
  if (!same) {
    const focused = list.contains(document.activeElement) ? document.activeElement.dataset.row : null;
    list.replaceChildren(...rows.map((row) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.row = String(row.id);
      item.appendChild(button);
      return item;
    }));
    const again = focused && list.querySelector(`button[data-row="${CSS.escape(focused)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
  list.querySelectorAll("button[data-row]").forEach((button, n) => {
    if (button.textContent !== rows[n].text) button.textContent = rows[n].text;
    button.setAttribute("aria-pressed", rows[n].chosen ? "true" : "false");
  });
}
"""

_ROWS = st.components.v2.component("samplan_rows", js=_SCRIPT, isolate_styles=False)


def row_list(rows: Sequence[tuple[int, str]], *, chosen: int | None, key: str, label: str,
             on_choose: Callable[[int], None]) -> None:  # fmt: skip
    """Draw `rows` (id, words) as one list; a click on a row calls `on_choose(id)` before the
    rerun (a callback: the rerun then draws what the choice opened)."""
    shown = {row_id for row_id, _ in rows}

    def _chosen() -> None:
        value = (st.session_state.get(key) or {}).get("chosen")
        if isinstance(value, int) and not isinstance(value, bool) and value in shown:
            on_choose(value)

    _ROWS(
        key=key,
        data={"label": label, "rows": [{"id": i, "text": text, "chosen": i == chosen} for i, text in rows]},
        on_chosen_change=_chosen,
    )
