"""Showing user text safely: always as text, never as Markdown or HTML.

Streamlit renders Markdown in st.write/st.markdown/st.error and in widget labels. Content
typed by people goes through `show_text` (st.text: no parsing at all); where a label or a
message must hold user text, `escape_markdown` turns every Markdown character into a literal;
where a screen is built as HTML (the room screen, ui/room_view.py), `escape_html` makes every
character of user text literal (then Streamlit's DOMPurify runs over the whole).
"""

from __future__ import annotations

import html
import re

import streamlit as st

# Every ASCII punctuation character can be backslash-escaped in CommonMark; escaping all of
# them also defuses Streamlit's extras (:emoji:, :red[colour], $LaTeX$) and raw HTML.
_MARKDOWN_CHARS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&\"'=/@%^;?,])")


# GFM turns bare addresses into links *after* parsing (on the text, escapes already undone), so
# escaping cannot stop it: an invisible word joiner inside "://", "www." and "@" does.
_AUTOLINK = re.compile(r"(?i)(:)(?=//)|(?<![\w.])(www)(?=\.)|(@)")
_JOINER = "\u2060"


def escape_markdown(text: object) -> str:
    """A string that Streamlit's Markdown shows exactly as typed (one line, for labels); no
    address in it becomes a clickable link."""
    value = "" if text is None else str(text)
    value = value.replace("\n", " ").replace("\t", " ")
    value = _AUTOLINK.sub(lambda m: _JOINER + m.group(0) if m.group(3) else m.group(0) + _JOINER, value)
    return _MARKDOWN_CHARS.sub(r"\\\1", value)


def escape_html(text: object) -> str:
    """User text for an HTML screen: shown exactly as typed, quotes included (safe in attributes)."""
    return html.escape("" if text is None else str(text), quote=True)


def show_text(text: object, *, key: str | None = None) -> None:
    """User text, verbatim, with its line breaks. Nothing is interpreted."""
    if key is None:
        st.text("" if text is None else str(text))
    else:
        with st.container(key=key):
            st.text("" if text is None else str(text))
