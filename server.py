"""Samplan served with its own HTTP routes: `streamlit run server.py` (what `make run` does).

st.App serves app.py exactly as `streamlit run app.py` would, plus the login cookie's two
routes (ui/login_cookie.py): with them a browser reload keeps the login. Everything else
(pages, the login gate, the database start-up) is app.py's.
"""

import streamlit as st

from ui.login_cookie import ROUTES

app = st.App("app.py", routes=ROUTES)
