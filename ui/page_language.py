"""The page's language and Streamlit's own words, for screen readers, on every page (issue 18).

Streamlit writes `<html lang="en">` and a few fixed English words that no parameter reaches:
the "Skip to main content" link and the key hints under text fields ("Press Enter to submit
form", "Press Ctrl+Enter to apply"). One constant script per language (app.py adds it to every
page, the room screen included) sets `lang` and puts those words in the user's language. The words
come from the string catalogue, JSON-encoded into the script: nothing anyone typed goes in.

The same script keeps a saved form's confirmation within reach (ui/feedback.py): a rerun may
drop the keyboard focus to the page body; then the confirmation next to the form takes the focus
(a screen reader reads it out), and its text is also copied into one live region that lives as
long as the tab, so it is announced even when the focus stayed on the button.

And it keeps the keyboard focus where it was when a rerun draws the focused control anew (a
row of Opfølgning's lists turns from a plain into the chosen button and back: Streamlit replaces
the element, and the focus fell to the page body, so a keyboard user had to start over from the
top). Only then: the control that had the focus is gone from the page, nothing else has it, and
a control with the same key is there again, or else the nearest keyed container that held it
(a goal's "Skalér dette mål" button gives way to the goal's scale: the focus goes to the scale).
"""

from __future__ import annotations

import json

import streamlit as st

from models.i18n import LANGUAGES, translate
from ui.i18n import lang

# Streamlit 1.67's fixed words (static/js, InputInstructions and the skip link) -> catalogue key.
STREAMLIT_WORDS = {
    "Skip to main content": "streamlit_words.skip",
    "Press Enter to submit form": "streamlit_words.enter_submit",
    "Press Enter to apply": "streamlit_words.enter_apply",
    "Press Ctrl+Enter to submit form": "streamlit_words.ctrl_enter_submit",
    "Press Ctrl+Enter to apply": "streamlit_words.ctrl_enter_apply",
    "Press ⌘+Enter to submit form": "streamlit_words.cmd_enter_submit",
    "Press ⌘+Enter to apply": "streamlit_words.cmd_enter_apply",
}

_SCRIPT = """<script>
(() => {
  const settings = %(settings)s;
  document.documentElement.lang = settings.lang;
  window.__samplanWords = settings.words;
  if (window.__samplanObserver) { window.__samplanFix(); return; }
  // One live region for the whole tab: present before any message, so a message is announced.
  // It sits in a closed shadow root: read by screen readers, invisible, and not a second copy of
  // the words for anything that searches the page's text.
  const host = document.createElement("div");
  host.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);";
  const live = document.createElement("div");
  live.setAttribute("role", "status");
  live.setAttribute("aria-live", "polite");
  host.attachShadow({ mode: "closed" }).appendChild(live);
  document.body.appendChild(host);
  const seen = new WeakSet();
  let lastFocused = null, lastKeys = [], lastInRow = false;
  document.addEventListener("focusin", (event) => {
    lastFocused = event.target;
    lastInRow = Boolean(event.target.closest && event.target.closest(".sp-actions"));
    lastKeys = [];  // the keys of the focused control's keyed containers, innermost first
    for (let el = event.target.closest ? event.target.closest('[class*="st-key-"]') : null; el;
         el = el.parentElement && el.parentElement.closest('[class*="st-key-"]')) {
      const key = [...el.classList].find((c) => c.startsWith("st-key-"));
      if (key) lastKeys.push(key);
    }
  });
  const keepFocus = () => {
    const active = document.activeElement;
    if ((active && active !== document.body) || !lastFocused || lastFocused.isConnected) return;
    // The same control again, else the first control of the nearest container still there (a
    // goal's "Skalér dette mål" gives way to its scale: the focus goes to the scale's choice).
    for (const [index, key] of lastKeys.entries()) {
      const again = document.querySelector("." + CSS.escape(key));
      if (!again) continue;
      // A container stands in for the control only once the rerun is over: a rerun draws its
      // elements one by one as they arrive, so while it runs the scale that replaces "Skalér dette
      // mål" may not be there yet, and the focus went to the container's first other button (seen
      // on a busy machine). The end of the run is an attribute change, which calls this again.
      const state = document.querySelector('[data-testid="stApp"]')?.getAttribute("data-test-script-state");
      if (index > 0 && (state === "running" || state === "rerunRequested")) return;
      // A component in it (ui/choice_group.py, ui/row_list.py) draws its controls a moment after
      // the rerun: until it has, wait; its drawing is a mutation, which calls this again.
      const components = [...again.querySelectorAll('[data-testid^="stBidiComponent"]')];
      if (components.some((el) => !el.querySelector("input, button, a[href]"))) return;
      // A row of buttons (ui/action_row.py) is one element of several controls, and it keeps the
      // focus on the same control itself: when the focused one is gone, what replaced it is
      // looked for in the container around the row, outside such rows first.
      if (lastInRow && again.matches('[data-testid="stElementContainer"]')) continue;
      const controls = [...again.querySelectorAll("button, input, textarea, select, a[href], summary")];
      const control = again.querySelector("input:checked")
        || controls.find((c) => !c.closest(".sp-actions")) || controls[0];
      if (control) control.focus({ preventScroll: true });
      return;
    }
  };
  const fix = () => {
    const words = window.__samplanWords;
    // Only the text nodes' values change: React keeps its nodes and may set them again.
    const hosts = '[data-testid="stSkipToContent"], [data-testid="InputInstructions"]';
    for (const host of document.querySelectorAll(hosts)) {
      const walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const wanted = words[node.nodeValue.trim()];
        if (wanted && node.nodeValue !== wanted) node.nodeValue = wanted;
      }
    }
    const confirmations = '[class*="st-key-confirm-"] [data-testid="stAlertContainer"]';
    for (const box of document.querySelectorAll(confirmations)) {
      if (seen.has(box)) continue;
      seen.add(box);
      live.textContent = box.textContent;
      const active = document.activeElement;
      if (!active || active === document.body) {
        box.setAttribute("tabindex", "-1");
        box.focus({ preventScroll: false });
      }
    }
    keepFocus();
  };
  window.__samplanFix = fix;
  window.__samplanObserver = new MutationObserver(fix);
  window.__samplanObserver.observe(document.body, {
    subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ["data-test-script-state"],
  });
  fix();
})();
</script>"""


def language_script(code: str) -> str:
    """The constant script for one language (tested: it carries no text but the catalogue's)."""
    words = {english: translate(key, code) for english, key in STREAMLIT_WORDS.items()}
    settings = json.dumps({"lang": code, "words": words}, ensure_ascii=False).replace("</", "<\\/")
    return _SCRIPT % {"settings": settings}


SCRIPTS = {code: language_script(code) for code in LANGUAGES}


def set_page_language() -> None:
    """`<html lang>` and Streamlit's own words in the user's language; call once per run."""
    st.html(SCRIPTS[lang()], unsafe_allow_javascript=True)
