"""A few lines to read as one element: a heading, captions, text people typed, the citizen's words.

Why: Mødet is one leader's control panel redrawn on every click, and each st.caption, st.text or
st.header is an element of its own that Streamlit's browser code lays out, wraps in containers and
(captions, headings) renders through its Markdown component: ~1.5 ms of the browser's time per
element on every rerun. Navigating to Mødet spent most of its ~150 ms in the browser, not in the
script (issue 16). Lines that belong together (the citizen's name and the meeting's time; a goal's
words and the line under it; the citizen's own words beside the steps) are one st.html here.

Safety: every line goes through ui/safe.escape_html (one sanitiser), so user text is never
Markdown or HTML; Streamlit's DOMPurify runs over the whole as for any st.html. A line keeps its
line breaks (white-space: pre-wrap), as st.text did. The look is in ui/theme.py (.sp-lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

from ui.safe import escape_html

# kind -> (tag, CSS class); the classes are styled in ui/theme.py
KINDS = {
    "heading": ("h2", "sp-heading"),  # a page's subject (Mødet: the citizen's name)
    "subheading": ("h3", "sp-subheading"),  # a step's title, as st.subheader
    "caption": ("p", "sp-caption"),  # a small grey line, as st.caption
    "label": ("p", "sp-label"),  # a bold line that names what follows ("Mål 1"), as **bold** Markdown
    "late": ("p", "sp-late"),  # a caption that warns (over time): dark orange, bold
    "text": ("p", "sp-text"),  # user text, as st.text: verbatim, its line breaks kept
    "words": ("p", "sp-words"),  # the citizen's own words: large, on the calm tint with its bar
    "code": ("p", "room-code"),  # a short code to type on another PC: large, spaced, monospace
    # A subheading in a colour that says what follows (Opfølgning's buckets, as :red[...] did);
    # the words say it too.
    **{f"subheading-{colour}": ("h3", f"sp-subheading sp-colour-{colour}") for colour in
       ("red", "orange", "blue", "green")},  # fmt: skip
}

Line = tuple[str, object]  # (kind, text)


def lines_html(lines: Iterable[Line]) -> str:
    """The block's HTML; a line whose text is None or empty is left out."""
    out = []
    for kind, text in lines:
        if text is None or text == "":
            continue
        tag, css = KINDS[kind]
        out.append(f'<{tag} class="{css}">{escape_html(text)}</{tag}>')
    return '<div class="sp-lines">' + "".join(out) + "</div>"


_KEY = re.compile(r"[a-z0-9_-]+")


def key_class(key: str) -> str:
    """The CSS class that names a block shown with `key` (tests, the benchmark and ui/theme.py find it)."""
    if not _KEY.fullmatch(key):  # keys are made in code, never from user text; a class must stay one word
        raise ValueError(f"not a block key: {key!r}")
    return f"sp-key-{key}"


def keyed(markup: str, key: str | None) -> str:
    """The markup named by `key`: a class on a wrapping <div> (key_class), not a keyed
    st.container: each container is a block Streamlit's browser code lays out and redraws on every
    rerun (Mødet had 54 blocks; its ten keyed containers for text were ~15-20 ms of each
    navigation to it, issue 16)."""
    return markup if key is None else f'<div class="{key_class(key)}">{markup}</div>'


def show_html(markup: str, *, key: str | None = None) -> None:
    """Markup built here or in ui/text_table.py (every text in it escaped) as one st.html."""
    st.html(keyed(markup, key))


class TextRun:
    """Text blocks that follow each other on a page, drawn as one st.html when shown.

    Each block keeps its key (its own wrapping <div>), so tests, the benchmark and the style sheet
    find it as before; the browser lays out one element instead of one per block (Planen's goals,
    next meeting, the citizen's answers and the history heading were seven, issue 16). Call
    `show()` before anything that is not text is drawn: what was added is drawn in its place."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def add(self, markup: str, *, key: str | None = None) -> None:
        self._parts.append(keyed(markup, key))

    def add_lines(self, lines: Iterable[Line], *, key: str | None = None) -> None:
        self.add(lines_html(lines), key=key)

    def show(self) -> None:
        """Draw what was added as one element (nothing if nothing was), and start again."""
        if self._parts:
            st.html("".join(self._parts))
        self._parts = []


def show_lines(lines: Iterable[Line], *, key: str | None = None) -> None:
    """Show the lines as one element."""
    show_html(lines_html(lines), key=key)

