"""A small table to read, as plain HTML: the plan's agreements, its versions, the team, consents.

Why not st.dataframe: Streamlit's data grid is a canvas with its own measuring, resize observers
and scroll machinery; on Planen its three small grids were ~55 ms of every navigation to the page
(156 -> 98 ms median without them, issue 16), while a plan's table holds a handful of rows that
nobody sorts. Why not st.table: it renders every cell as Markdown, and user text is never
Markdown. Here every cell and heading goes through ui/safe.escape_html (one sanitiser), and
Streamlit's DOMPurify runs over the whole as for any st.html.

A real <table> with <th scope="col"> headings is also what a screen reader reads best (the grid
is announced as a canvas with its own keyboard model). Text wraps at spaces inside its cell (no
scrolling region); on a narrow screen (a phone) a long word, an e-mail address, may break too,
so the table is never wider than the page.
Big lists that people sort or pick from (Mine borgere, the finished agreements, the audit log,
Overblik) stay data grids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ui.safe import escape_html
from ui.text_block import show_html

CSS_CLASS = "sp-table"


def table_html(columns: Mapping[str, Sequence[object]], *, caption: str | None = None) -> str:
    """The table's HTML: one column per key, its cells in order; None is an empty cell."""
    heads = "".join(f'<th scope="col">{escape_html(name)}</th>' for name in columns)
    cells = list(columns.values())
    count = max((len(values) for values in cells), default=0)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape_html(_cell(values, n))}</td>" for values in cells) + "</tr>"
        for n in range(count)
    )
    title = f"<caption>{escape_html(caption)}</caption>" if caption else ""
    return f'<table class="{CSS_CLASS}">{title}<thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>'


def _cell(values: Sequence[object], n: int) -> object:
    value = values[n] if n < len(values) else None
    return "" if value is None else value


def show_table(columns: Mapping[str, Sequence[object]], *, caption: str | None = None,
               key: str | None = None) -> None:  # fmt: skip
    """Show the table; `key` names it (ui/text_block.key_class: for tests and CSS)."""
    show_html(table_html(columns, caption=caption), key=key)
