"""Samplan served with its own HTTP routes: `streamlit run server.py` (what `make run` does).

st.App serves app.py exactly as `streamlit run app.py` would, plus the login cookie's two
routes (ui/login_cookie.py): with them a browser reload keeps the login. Everything else
(pages, the login gate, the database start-up) is app.py's. Every HTTP response gets the
security headers (models/security_headers.py); with SAMPLAN_PROCESSES > 1 a missing or weak
cookie secret stops the start (models/deployment.py, docs/deploy.md).
"""

import streamlit as st
from starlette.middleware import Middleware

from models.security_headers import SecurityHeadersMiddleware
from ui.deployment import refuse_unsafe_start
from ui.login_cookie import ROUTES

refuse_unsafe_start()

app = st.App("app.py", routes=ROUTES, middleware=[Middleware(SecurityHeadersMiddleware)])
