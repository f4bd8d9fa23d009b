"""Administration's single sign-on section (issue 22): the bindings between people at the
municipality's login and Samplan accounts, and removing a wrong one (models/oidc_bindings.py).

Shown when single sign-on is on or any binding exists (an installation that turned it off may
still hold bindings to clean up); otherwise an installation with passwords only sees nothing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models.access import Actor
from models.db import session_scope
from models.oidc_bindings import remove_sso_binding, sso_bindings
from models.oidc_config import SsoConfigError, login_methods
from ui.feedback import attempt_in_callback, flash, show_field_error, show_flash
from ui.i18n import t
from ui.widgets import choose, moment

_CHOSEN = "sso_unbind_choice"


def _sso_on() -> bool:
    try:
        return login_methods().sso is not None
    except SsoConfigError:  # misconfigured: the login page says so; the bindings are still shown
        return True


def _remove(actor: Actor) -> None:
    chosen = st.session_state.get(_CHOSEN)
    if chosen is None:
        return

    def _unbind() -> bool:
        with session_scope(write=True) as session:
            remove_sso_binding(session=session, actor=actor, binding_id=chosen)
        return True

    if attempt_in_callback(_unbind, place="sso_unbind"):
        st.session_state.pop(_CHOSEN, None)
        flash("sso_admin.removed", at="sso-admin")


def sso_section(actor: Actor) -> None:
    with session_scope() as session:
        bindings = sso_bindings(session=session, actor=actor)
    if not bindings and not _sso_on():
        show_flash(at="sso-admin")  # the last binding was just removed: say so all the same
        return
    st.subheader(t("sso_admin.title"), anchor=False)
    st.caption(t("sso_admin.intro"))
    show_flash(at="sso-admin")
    if not bindings:
        st.caption(t("sso_admin.none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("sso_admin.col_user"): [f"{b.full_name} ({b.username})" for b in bindings],
                t("sso_admin.col_provider"): [b.provider for b in bindings],
                t("sso_admin.col_bound"): [moment(b.bound_at) for b in bindings],
                t("sso_admin.col_last"): [moment(b.last_login_at) for b in bindings],
            }
        ),
        hide_index=True,
    )
    labels = {b.id: f"{b.full_name} ({b.username}) · {b.provider}" for b in bindings}
    st.selectbox(t("sso_admin.choose"), list(labels), format_func=lambda i: labels[i], index=None,
                 placeholder=choose(), key=_CHOSEN)  # fmt: skip
    st.button(t("sso_admin.remove"), key="sso_unbind", on_click=_remove, args=(actor,),
              disabled=st.session_state.get(_CHOSEN) is None)  # fmt: skip
    show_field_error("sso_unbind")
