"""The app's own CSS: readable sizes for text people typed, and the large meeting view.

A constant style sheet (no user text ever goes in here). Containers opt in by key:
st.container(key="big-...") gets the class "st-key-big-..." that these rules target.
"""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
/* User text is shown with st.text (never Markdown); make it read like prose, not code. */
[data-testid="stText"] { font-family: inherit; white-space: pre-wrap; overflow-wrap: anywhere;
  font-size: 1.05rem; line-height: 1.5; }
/* The citizen's own words: larger, on a calm tint. */
[class*="st-key-own-words"] [data-testid="stText"] { font-size: 1.35rem; font-weight: 500; }
[class*="st-key-own-words"] { background: #F1F4F8; border-left: 6px solid #1F4E79;
  padding: 0.6rem 1rem; border-radius: 4px; }
/* Projector view: readable from three metres. */
[class*="st-key-big"] [data-testid="stText"] { font-size: 2rem; line-height: 1.35; }
[class*="st-key-big"] h1, [class*="st-key-big"] h2 { font-size: 2.6rem; }
[class*="st-key-contact"] [data-testid="stText"] { font-size: 1.2rem; font-weight: 600; }
</style>
"""


def apply_theme() -> None:
    st.html(_CSS)
