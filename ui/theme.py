"""The app's own CSS: readable sizes for text people typed, and the large meeting view.

A constant style sheet (no user text ever goes in here). Containers opt in by key:
st.container(key="big-...") gets the class "st-key-big-..." that these rules target.
"""

from __future__ import annotations

import streamlit as st

_CSS = """
<style>
/* WCAG AA (issue 18): captions at 7:1 on white and on the sidebar's tint (Streamlit's faded
   grey is 3.6:1), and the day/month/year boxes of a date field (hour/minute of a time field)
   at least 24 x 24 px. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: #4A4A4A; opacity: 1; }
[data-testid="stDateInput"] [role="spinbutton"], [data-testid="stTimeInput"] [role="spinbutton"] {
  display: inline-block; min-width: 24px;
  min-height: 24px; line-height: 24px; text-align: center; }
/* A visible focus ring on every control (issue 18, WCAG 2.4.7/2.4.11): 3 px in the accent colour
   #1F4E79 with a 2 px gap, on white 9.0:1 and on the sidebar's tint 8.3:1. Radio buttons,
   checkboxes and switches hide their real input: the ring goes on the visible label instead;
   text fields, date fields and select boxes get it on their visible box. */
:focus-visible { outline: 3px solid #1F4E79 !important; outline-offset: 2px !important; }
[data-testid="stSidebarNav"] a:focus-visible { outline-offset: -3px !important; }
label:has(> input:focus-visible), label:has(input[type="checkbox"]:focus-visible),
label:has(input[type="radio"]:focus-visible) { outline: 3px solid #1F4E79; outline-offset: 2px;
  border-radius: 4px; }
[data-baseweb="input"]:has(input:focus-visible), [data-baseweb="textarea"]:has(textarea:focus-visible),
[data-baseweb="select"] > div:has(input:focus-visible),
[data-testid="stDateInput"] [data-baseweb="input"]:focus-within { outline: 3px solid #1F4E79;
  outline-offset: 2px; }
[data-baseweb="input"] input:focus-visible, [data-baseweb="textarea"] textarea:focus-visible,
[data-baseweb="select"] input:focus-visible { outline: none !important; }
/* A confirmation next to its form takes the focus when a rerun dropped it (ui/page_language.py). */
[class*="st-key-confirm-"] [data-testid="stAlertContainer"]:focus { outline: 3px solid #1F4E79;
  outline-offset: 2px; }
/* Tables' and charts' toolbars are Streamlit's, in English only ("Search", "Fullscreen", the
   chart menu) and offer nothing Samplan needs (data export is off): not shown (issue 18). */
[data-testid="stElementToolbar"] { display: none !important; }
/* User text is shown with st.text or a text block's line (ui/text_block.py), never Markdown; make
   it read like prose, not code. The text blocks share every rule below with what they replace. */
[data-testid="stText"], .sp-text, .sp-words { font-family: inherit; white-space: pre-wrap;
  overflow-wrap: anywhere;
  font-size: 1.05rem; line-height: 1.5; }
/* The citizen's own words: larger, on a calm tint. */
[class*="st-key-own-words"] [data-testid="stText"], .sp-lines .sp-words { font-size: 1.35rem;
  font-weight: 500; }
[class*="st-key-own-words"], .sp-lines .sp-words { background: #F1F4F8; border-left: 6px solid #1F4E79;
  padding: 0.6rem 1rem; border-radius: 4px; }
/* Projector view: readable from three metres. */
[class*="st-key-big"] [data-testid="stText"], [class*="st-key-big"] .sp-text { font-size: 2rem;
  line-height: 1.35; }
[class*="st-key-big"] h1, [class*="st-key-big"] h2 { font-size: 2.6rem; }
[class*="st-key-contact"] [data-testid="stText"], .sp-key-contact-person .sp-text { font-size: 1.2rem;
  font-weight: 600; }
/* Meeting mode (pages/meeting.py): the citizen's own words largest, dark on light, high contrast. */
[class*="st-key-big"] [class*="st-key-own-words"] [data-testid="stText"],
[class*="st-key-big"] .sp-words { font-size: 2.5rem;
  font-weight: 600; color: #0B1F33; line-height: 1.3; }
[class*="st-key-big"] [class*="st-key-own-words"], [class*="st-key-big"] .sp-words { border-left-width: 10px;
  background: #EAF0F7; }
[class*="st-key-big"] [data-testid="stCaptionContainer"], [class*="st-key-big"] .sp-caption {
  font-size: 1.3rem;
  color: #333; }
[class*="st-key-big"] [data-testid="stMarkdownContainer"] p { font-size: 1.6rem; }
[class*="st-key-big"] [class*="st-key-contact"] [data-testid="stText"],
[class*="st-key-big"] .sp-key-contact-person .sp-text { font-size: 1.6rem; }
[class*="st-key-meet-staff"] { border-left: 6px solid #8A5A00; padding-left: 0.8rem; }
/* Follow-up cards: a coloured edge per bucket (the badge says the same in words). */
/* Opfølgning's lists (ui/agreement_cards.chosen_row): each agreement a full-width button that
   reads as a row, text from the left, a line between rows; the chosen one on the accent tint
   with a bar at its edge (#0B1F33 on #E3ECF5 is 14:1). */
/* The rows' buttons of ui/row_list.py, list or table: full width, text from the left. */
.sp-rows button, .sp-rows-table th[scope="row"] button { display: block; width: 100%; text-align: left;
  font: inherit; background: transparent; cursor: pointer; border: 0; border-radius: 0;
  overflow-wrap: anywhere; }
.sp-rows button:hover, .sp-rows-table th[scope="row"] button:hover { background: #F1F4F8; }
.sp-rows button:focus-visible, .sp-rows-table th[scope="row"] button:focus-visible {
  outline: 2px solid #1F4E79; outline-offset: -2px; }
.sp-rows { list-style: none; margin: 0; padding: 0; }
.sp-rows li { margin: 0; padding: 0; }
.sp-rows button { font-size: 1rem; line-height: 1.6; color: #1A1A1A; border-bottom: 1px solid #D5DCE4;
  padding: 0.45rem 0.75rem; min-height: 2.5rem; }
.sp-rows button[aria-pressed="true"] { background: #E3ECF5; color: #0B1F33; border-left: 6px solid #1F4E79;
  font-weight: 600; }
/* ui/choice_group.py: a group of radio buttons as one element, in st.radio's look: the options
   in a row (0-10 on one line in Mødet's step column), native dots in the accent colour, each
   option a target at least 2.75 rem high and 2.25 wide (WCAG 2.5.8 asks 24 px); the ring on the
   label, as for st.radio; the legend as st.radio's label (0.875 rem), or for screen readers only. */
.sp-choices { border: 0; margin: 0; padding: 0; min-width: 0; }
.sp-choices legend { font-size: 0.875rem; line-height: 1.6; color: #1A1A1A; padding: 0; margin: 0 0 0.1rem; }
.sp-choices-options { display: flex; flex-wrap: wrap; gap: 0 0.6rem; }
.sp-choices label { display: inline-flex; align-items: center; gap: 0.4rem; min-height: 2.75rem;
  min-width: 2.25rem; padding: 0 0.2rem; cursor: pointer; font-size: 1rem; color: #1A1A1A; }
.sp-choices input[type="radio"] { width: 1.2rem; height: 1.2rem; margin: 0; accent-color: #1F4E79;
  cursor: pointer; }
.sp-choices input[type="radio"]:focus-visible { outline: none !important; }  /* the label's ring */
/* Forberedelse's steps (ui/choice_group.py, look="steps"): the radio buttons as pills, the open
step filled (Mødet's agenda too); the radio itself is hidden, not removed, so the keyboard and a
screen reader use it as any radio button. */
.sp-choices-steps .sp-choices-options { gap: 0.35rem 0.4rem; }
.sp-choices-steps label { position: relative; padding: 0 0.7rem; min-height: 2.75rem;
  border: 1px solid #9AA5B1; border-radius: 1.375rem; font-size: 0.95rem; white-space: nowrap;
  background: #FFFFFF; }
.sp-choices-steps label:hover { border-color: #1F4E79; }
.sp-choices-steps input[type="radio"] { position: absolute; opacity: 0; width: 1px; height: 1px; }
.sp-choices-steps label:has(input:checked) { background: #1F4E79; border-color: #1F4E79; color: #FFFFFF;
  font-weight: 600; }
/* ui/action_row.py: rows of native buttons (and links) as one element, in st.button's look: a
   white button with a grey edge, the primary one filled in the accent colour (#FFFFFF on #1F4E79
   is 9.0:1), at least 2.5 rem high; groups side by side, wrapping on a narrow screen. Mødet's
   speakers are larger: the leader gives the word at a glance. */
.sp-actions { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: center; }
.sp-actions-group { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.sp-action { display: inline-flex; align-items: center; justify-content: center; gap: 0.5rem;
  min-height: 2.5rem; padding: 0.25rem 0.75rem; border: 1px solid #9AA5B1; border-radius: 0.5rem;
  background: #FFFFFF; color: #1A1A1A; font: inherit; font-size: 1rem; line-height: 1.6;
  text-decoration: none; cursor: pointer; }
.sp-action:hover { border-color: #1F4E79; color: #1F4E79; }
a.sp-action:visited { color: #1A1A1A; }
.sp-action-primary, a.sp-action-primary:visited { background: #1F4E79; border-color: #1F4E79;
  color: #FFFFFF; }
.sp-action-primary:hover { background: #173B5C; color: #FFFFFF; }
.sp-action:disabled { cursor: not-allowed; color: #5F6B7A; background: #F1F4F8; border-color: #D5DCE4; }
/* A button that unfolds something ("Ret målet") shows which way, as an expander's chevron does,
   and is tinted while open; the arrow is not part of its name (the CSS alt text is empty). */
.sp-action[aria-expanded]::after { content: "▾" / ""; font-size: 0.9em; }
.sp-action[aria-expanded="true"]::after { content: "▴" / ""; }
.sp-action[aria-expanded="true"] { background: #E3ECF5; border-color: #1F4E79; color: #0B1F33; }
.sp-actions + .sp-lines, .sp-lines + .sp-actions { margin-top: 0.5rem; }
[class*="st-key-meet-controls"] .sp-action { min-height: 3rem; font-size: 1.3rem; }
.sp-visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
/* Mine borgere's table (ui/row_list.py): each name a button that reads as a link, the chosen
   citizen's row on the accent tint with a bar at its edge. */
.sp-rows-table tbody th[scope="row"] { font-weight: 400; padding: 0; background: transparent;
  border-bottom: 1px solid #D5DCE4; vertical-align: top; }
.sp-rows-table th[scope="row"] button { color: #1F4E79; text-decoration: underline; padding: 0.4rem 0.6rem; }
.sp-rows-table tr:has(button[aria-pressed="true"]),
.sp-rows-table tr:has(button[aria-pressed="true"]) th[scope="row"] { background: #E3ECF5; }
.sp-rows-table th[scope="row"] button[aria-pressed="true"] { color: #0B1F33; font-weight: 600;
  text-decoration: none; border-left: 6px solid #1F4E79; }
/* Small tables to read (ui/text_table.py): Streamlit's own look, text wrapping in its cell. */
.sp-table { width: 100%; border-collapse: collapse; font-size: 0.95rem; line-height: 1.45;
  margin: 0.25rem 0 0.75rem; color: #1A1A1A; }
.sp-table caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.sp-table th { text-align: left; font-weight: 600; background: #F1F4F8; border-bottom: 2px solid #6B7280;
  padding: 0.4rem 0.6rem; vertical-align: bottom; }
.sp-table td { border-bottom: 1px solid #D5DCE4; padding: 0.4rem 0.6rem; vertical-align: top;
  white-space: pre-wrap; overflow-wrap: break-word; }
@media (max-width: 640px) { .sp-table td { overflow-wrap: anywhere; } }
[class*="st-key-big"] .sp-table { font-size: 1.3rem; }  /* Min plan reads large */
/* Lines to read as one element (ui/text_block.py): st.header's and st.caption's look (st.text's
   and the own-words box are shared above), without an element each. */
.sp-lines { color: #1A1A1A; }
.sp-lines p { margin: 0 0 0.5rem; }
.sp-lines p:last-child { margin-bottom: 0; }
.sp-lines .sp-heading { font-size: 2.25rem; font-weight: 600; line-height: 1.2; margin: 0 0 0.6rem;
  padding: 0; }
.sp-lines .sp-subheading { font-size: 1.75rem; font-weight: 600; line-height: 1.2; margin: 0 0 0.4rem;
  padding: 0; }
.sp-lines .room-code { font-size: 2.4rem; font-weight: 700; letter-spacing: 0.2em; margin: 0.3rem 0 0;
  font-family: monospace; }
/* Blocks drawn together (ui/text_block.TextRun) keep the space Streamlit puts between elements. */
.sp-lines + .sp-lines, [class*="sp-key-"] + [class*="sp-key-"] { margin-top: 0.5rem; }
.sp-lines + .sp-lines > .sp-subheading:first-child,
[class*="sp-key-"] + [class*="sp-key-"] > .sp-lines > .sp-subheading:first-child { margin-top: 1.25rem; }
.sp-lines .sp-colour-red { color: #B00020; }  /* 7.3:1 on white */
.sp-lines .sp-colour-orange { color: #8A4B00; }  /* 6.8:1 */
.sp-lines .sp-colour-blue { color: #1F4E79; }  /* 8.7:1 */
.sp-lines .sp-colour-green { color: #1E6B34; }  /* 6.5:1 */
.sp-lines .sp-label { font-weight: 700; margin-top: 1rem; }
/* A heading after lines in the same block keeps the space Streamlit puts between elements. */
.sp-lines p + .sp-subheading, .sp-lines p + .sp-heading { margin-top: 1.5rem; }
[class*="st-key-big"] .sp-lines .sp-heading { font-size: 2.6rem; }
[class*="st-key-big"] .sp-lines .sp-label { font-size: 1.6rem; }
.sp-caption, .sp-late { font-size: 0.875rem; line-height: 1.5; color: #4A4A4A; }
.sp-late { color: #8A4B00; font-weight: 600; }  /* over time: 6.3:1 on white */
[class*="st-key-fu-overdue"] { border-left: 8px solid #B00020 !important; background: #FDF0F0; }
[class*="st-key-fu-due_soon"] { border-left: 8px solid #E08E0B !important; background: #FFF8EC; }
[class*="st-key-fu-later"] { border-left: 8px solid #1F4E79 !important; }
[class*="st-key-fu-done"] { border-left: 8px solid #2E7D32 !important; background: #F1F8F1; }
</style>
"""


def apply_theme() -> None:
    st.html(_CSS)
