"""The benchmark's floor: a bare Streamlit page, no Samplan code, served beside the app.

One click on "Tegn" redraws the page with 30 lines of text (the next click takes them away):
what a rerun costs on this machine, in this browser, in the same minutes as the app's clicks
(bench/browser.py measures it in the same turns). The machine drifts by a third from one quarter
of an hour to the next; the floor says how fast it was while the app's figures were taken.
"""

import streamlit as st

LINES = 30

st.session_state.setdefault("drawn", False)


def _flip() -> None:
    st.session_state.drawn = not st.session_state.drawn


st.button("Tegn", key="floor_draw", on_click=_flip)
if st.session_state.drawn:
    for n in range(LINES):
        st.text(f"Linje {n + 1}: en linje tekst, som en side har mange af")
    st.html('<p id="floor-done">Færdig</p>')
else:
    st.html('<p id="floor-empty">Tom</p>')
