"""A list or a table of rows to choose from, each row's first words a real button, drawn as one
element (Opfølgning's lists of agreements, Mine borgere's citizens).

Why (issue 16): Opfølgning's lists were one `st.button` per agreement. Each is a React element of
its own whose label goes through Streamlit's Markdown component, and the start page shows up to
three lists of ten: measured in Chromium at full scale, the 30 buttons were ~34 ms of every visit
to Opfølgning (navigation median 142 -> 108 ms, p95 164 -> 134, with the rows as plain HTML), and
as much of every click on a row. Mine borgere's citizens were Streamlit's data grid, a canvas
with its own measuring and scroll machinery (~35 ms of each visit) that holds a chosen row back
150 ms for a second click. Here the whole list is one Streamlit component (`st.components.v2`):
a `<ul>` of `<button>`s, or a `<table>` whose row headers are `<button>`s, that a small script
draws and keeps.

- Text only: the words travel as JSON and are set as the cells' and buttons' text
  (`textContent`), never as HTML or Markdown, so what anyone typed is shown as typed.
- A real control for everyone: each row's button is a `<button type="button">` in a list or table
  with a name (`aria-label`); the chosen one is `aria-pressed="true"` (and drawn so, ui/theme.py).
  Tab reaches every row, Enter or Space chooses it. A rerun that only changes which row is chosen
  updates the rows in place, so the keyboard focus stays on the row the user chose.
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
  const table = Array.isArray(data.columns);
  let root = parentElement.querySelector(table ? "table.sp-rows-table" : "ul.sp-rows");
  if (!root) {
    root = document.createElement(table ? "table" : "ul");
    root.className = table ? "sp-table sp-rows-table" : "sp-rows";
    root.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-row]");
      if (button && root.contains(button)) setTriggerValue("chosen", Number(button.dataset.row));
    });
    parentElement.appendChild(root);
  }
  root.setAttribute("aria-label", data.label);
  let body = root;
  if (table) {
    const head = root.tHead || root.createTHead();
    const headRow = head.rows[0] || head.insertRow();
    if ([...headRow.cells].map((cell) => cell.textContent).join("\\n") !== data.columns.join("\\n")) {
      headRow.replaceChildren(...data.columns.map((name) => {
        const cell = document.createElement("th");
        cell.scope = "col";
        cell.textContent = name;
        return cell;
      }));
    }
    body = root.tBodies[0] || root.createTBody();
  }
  const rows = data.rows;
  const items = [...body.children];
  const same = items.length === rows.length && items.every((item, n) =>
    item.dataset.row === String(rows[n].id) && (!table || item.cells.length === rows[n].cells.length));
  if (!same) {
    const focused = root.contains(document.activeElement) ? document.activeElement.dataset.row : null;
    body.replaceChildren(...rows.map((row) => {
      const item = document.createElement(table ? "tr" : "li");
      item.dataset.row = String(row.id);
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.row = String(row.id);
      if (table) {
        const header = document.createElement("th");
        header.scope = "row";
        header.appendChild(button);
        item.appendChild(header);
        for (let n = 1; n < row.cells.length; n++) item.appendChild(document.createElement("td"));
      } else {
        item.appendChild(button);
      }
      return item;
    }));
    const again = focused && body.querySelector(`button[data-row="${CSS.escape(focused)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
  [...body.children].forEach((item, n) => {
    const row = rows[n];
    const button = item.querySelector("button[data-row]");
    if (button.textContent !== row.cells[0]) button.textContent = row.cells[0];
    button.setAttribute("aria-pressed", row.chosen ? "true" : "false");
    if (table) {
      item.querySelectorAll("td").forEach((cell, k) => {
        if (cell.textContent !== row.cells[k + 1]) cell.textContent = row.cells[k + 1];
      });
    }
  });
}
"""

_ROWS = st.components.v2.component("samplan_rows", js=_SCRIPT, isolate_styles=False)


def row_list(rows: Sequence[tuple[int, Sequence[str]]], *, chosen: int | None, key: str, label: str,
             on_choose: Callable[[int], None], columns: Sequence[str] | None = None) -> None:  # fmt: skip
    """Draw `rows` (id, words) as one list, or with `columns` (their headings) as one table whose
    first column holds the buttons; a click on a row calls `on_choose(id)` before the rerun (a
    callback: the rerun then draws what the choice opened)."""
    shown = {row_id for row_id, _ in rows}

    def _chosen() -> None:
        value = (st.session_state.get(key) or {}).get("chosen")
        if isinstance(value, int) and not isinstance(value, bool) and value in shown:
            on_choose(value)

    listed = [{"id": row_id, "cells": list(cells), "chosen": row_id == chosen} for row_id, cells in rows]
    data: dict[str, object] = {"label": label, "rows": listed}
    if columns is not None:
        data["columns"] = list(columns)
    _ROWS(key=key, data=data, on_chosen_change=_chosen)
