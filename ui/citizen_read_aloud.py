"""'Læs op': a button that reads a section aloud with the browser's own speech (issue 20).

The script is one constant: it never holds text. The text to read sits in the button's data
attribute, escaped (ui.safe.escape_html), so what someone typed can never become code. A Danish
voice is used where the browser has one (lang da-DK); without speech the button does nothing.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import lang, t
from ui.safe import escape_html

_SCRIPT = """<script>
if (!window.__samplanReadAloud) {
  window.__samplanReadAloud = true;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-read-aloud]");
    const speech = window.speechSynthesis;
    if (!button || !speech) return;
    speech.cancel();
    const said = new SpeechSynthesisUtterance(button.dataset.readAloud);
    said.lang = button.dataset.lang;
    const prefix = said.lang.slice(0, 2);
    const voice = speech.getVoices().find((v) => (v.lang || "").toLowerCase().startsWith(prefix));
    if (voice) said.voice = voice;
    speech.speak(said);
  });
}
</script>"""

_STYLE = (
    "font:inherit;font-size:1.05rem;min-height:44px;padding:0.4rem 1rem;border-radius:0.5rem;"
    "border:2px solid #1f4e79;background:#ffffff;color:#1f4e79;cursor:pointer"
)


def read_aloud_button(text: str, *, key: str) -> None:
    """The button for one section; `text` is everything the section says, in reading order."""
    voice = "da-DK" if lang() == "da" else "en-GB"
    label = escape_html(t("citizen_link.read_aloud"))
    body = (
        f'<button type="button" class="read-aloud" id="read-aloud-{escape_html(key)}" '
        f'data-read-aloud="{escape_html(text)}" data-lang="{voice}" style="{_STYLE}">🔊 {label}</button>'
    )
    st.html(body + _SCRIPT, unsafe_allow_javascript=True)
