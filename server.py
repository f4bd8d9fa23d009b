"""Samplan served with its own HTTP routes: `streamlit run server.py` (what `make run` does).

st.App serves app.py exactly as `streamlit run app.py` would, plus the login cookie's two
routes (ui/login_cookie.py): with them a browser reload keeps the login; and single sign-on's
two routes (ui/sso_routes.py, docs/sso.md), which answer only when it is configured. Everything else
(pages, the login gate, the database start-up) is app.py's. Every HTTP response gets the
security headers (models/security_headers.py); with SAMPLAN_PROCESSES > 1 a missing or weak
cookie secret stops the start (models/deployment.py, docs/deploy.md).
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.logger import get_logger

from models.security_headers import SecurityHeadersMiddleware
from models.server_socket import set_nodelay_on_listeners
from ui.deployment import refuse_unsafe_start
from ui.login_cookie import ROUTES
from ui.sso_routes import ROUTES as SSO_ROUTES

refuse_unsafe_start()
# Small frames leave at once (issue 16, models/server_socket.py): uvicorn imports this file after
# Streamlit bound its listening socket and before the first connection is accepted.
get_logger("samplan.server").info("TCP_NODELAY on %d listening socket(s)", set_nodelay_on_listeners())

app = st.App("app.py", routes=[*ROUTES, *SSO_ROUTES], middleware=[Middleware(SecurityHeadersMiddleware)])
