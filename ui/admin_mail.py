"""Administration → E-mail: the SMTP server, a test mail and the send log (issue 21).

The password is never typed here or stored: the form names the environment variable that holds
it in the process that runs `samplan remind`. The send log shows who, what kind, when and how it
went (the reason when not), never a mail's body.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models.access import Actor
from models.db import session_scope
from models.mail_send import recent_log, send_trial_mail
from models.mail_settings import load_settings, save_settings
from models.tables import SMTP_SECURITY
from ui.feedback import attempt, flash, show_flash
from ui.i18n import lang, t
from ui.widgets import form, moment


def mail_section(actor: Actor) -> None:
    st.subheader(t("remind.admin.title"), anchor=False)
    st.caption(t("remind.admin.intro"))
    show_flash(at="mail")
    with session_scope() as session:
        settings = load_settings(session)
        log = recent_log(session)
    with form("mail_settings"):
        left, right = st.columns([3, 1])
        host = left.text_input(t("remind.admin.host"), value=settings.host or "", key="mail-host")
        port = right.number_input(
            t("remind.admin.port"), min_value=1, max_value=65535, value=settings.port, step=1, key="mail-port"
        )
        security = st.radio(
            t("remind.admin.security"),
            SMTP_SECURITY,
            index=SMTP_SECURITY.index(settings.security),
            format_func=lambda s: t(f"remind.admin.security_{s}"),
            horizontal=True,
            key="mail-security",
        )
        left, right = st.columns(2)
        username = left.text_input(t("remind.admin.username"), value=settings.username or "", key="mail-user")
        password_env = right.text_input(
            t("remind.admin.password_env"), value=settings.password_env, key="mail-env"
        )
        state = "set" if settings.password() else "unset"
        st.caption(t(f"remind.admin.password_state_{state}", name=settings.password_env))
        left, right = st.columns(2)
        sender = left.text_input(t("remind.admin.sender"), value=settings.sender or "", key="mail-sender")
        base_url = right.text_input(t("remind.admin.base_url"), value=settings.base_url or "", key="mail-url")
        days = st.number_input(
            t("remind.admin.escalation_days"),
            min_value=1,
            max_value=60,
            value=settings.escalation_days,
            step=1,
            key="mail-days",
        )
        if st.form_submit_button(t("remind.admin.save"), type="primary"):

            def _save() -> object:
                with session_scope(write=True) as session:
                    return save_settings(
                        session=session,
                        actor=actor,
                        host=host,
                        port=port,
                        security=security,
                        username=username,
                        password_env=password_env,
                        sender=sender,
                        base_url=base_url,
                        escalation_days=days,
                    )

            if attempt(_save) is not None:
                flash("remind.admin.saved", at="mail")
                st.rerun()
    with form("mail_test"):
        to = st.text_input(t("remind.admin.test_to"), key="mail-test-to")
        if st.form_submit_button(t("remind.admin.test_send")):
            outcome = attempt(lambda: send_trial_mail(actor=actor, address=to, lang=lang()) or "")
            if outcome == "":
                st.success(t("remind.admin.test_sent", address=to.strip().lower()))
            elif outcome is not None:
                st.error(t("remind.admin.test_failed", reason=outcome))
    _send_log(log)


def _send_log(log: list) -> None:  # noqa: ANN001 - MailLog rows
    st.markdown(f"**{t('remind.admin.log_title')}**")
    st.caption(t("remind.admin.log_help"))
    if not log:
        st.caption(t("remind.admin.log_empty"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("remind.admin.col_at"): [moment(row.at) for row in log],
                t("remind.admin.col_kind"): [t(f"remind.kind.{row.kind}") for row in log],
                t("remind.admin.col_address"): [row.address for row in log],
                t("remind.admin.col_outcome"): [t(f"remind.admin.outcome_{row.outcome}") for row in log],
                t("remind.admin.col_error"): [row.error or "" for row in log],
                t("remind.admin.col_notices"): [row.notices for row in log],
            }
        ),
        hide_index=True,
        key="mail-log",
    )
