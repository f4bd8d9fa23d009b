"""The one download button every page uses: the file is built at the click, behind the login gate.

Pages never call st.download_button themselves (tests/test_architecture.py checks it). This
wrapper captures the tab's login token when the page is drawn, not the actor: at the click,
models.downloads.build_download resumes that login from the database, so a login that ended
in the meantime gets no file (see that module for why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from models.access import Actor
from models.downloads import build_download
from ui.context import TOKEN_KEY


def download_button(
    label: str,
    *,
    kind: str,
    build: Callable[[Actor], bytes],
    file_name: str,
    mime: str,
    key: str,
    citizen_id: int | None = None,
    may: Callable[[Actor], bool] | None = None,
    container: Any = None,
    **button: Any,
) -> None:
    """Draw a download button whose file `build(actor)` makes at the click, for a live login.

    `build` gets the actor as the database knows them at the click and must read through
    models/ functions that authorise and audit; `kind` names the file in the audit trail; `may`
    is a permission the file needs beyond a live login (see models.downloads.build_download).
    """
    token = st.session_state.get(TOKEN_KEY)

    def at_click() -> bytes:
        return build_download(
            token=token, kind=kind, build=build, citizen_id=citizen_id, may=may
        )

    (container or st).download_button(
        label, data=at_click, file_name=file_name, mime=mime, key=key, **button
    )
