"""Mine indstillinger: how Samplan reminds me of the agreements I own (issue 21).

A notice per agreement (due in N days, overdue), one weekly digest at a chosen weekday and hour,
or nothing; the coordinator's daily mail on or off; the mails' language. The rules and the
saving are models/mail_settings.py; this page reads, shows and calls.
"""

import streamlit as st

from models.db import session_scope
from models.i18n import LANGUAGES
from models.mail_settings import DUE_SOON_CHOICES, has_address, load_preference, save_preference
from models.tables import REMINDER_MODES
from ui.context import current_actor
from ui.feedback import attempt, flash, show_flash
from ui.i18n import t
from ui.widgets import choose, form

actor = current_actor()
st.title(t("remind.settings.title"), anchor=False)
show_flash()
st.write(t("remind.settings.intro"))
with session_scope() as session:
    preference = load_preference(session, actor.user_id)
    reachable = has_address(session, actor.user_id)
if not reachable:
    st.warning(t("remind.settings.no_email"), icon="✉️")

with form("my_settings"):
    mode = st.radio(
        t("remind.settings.mode"),
        REMINDER_MODES,
        index=REMINDER_MODES.index(preference.mode),
        format_func=lambda m: t(f"remind.settings.mode_{m}"),
        key="rs-mode",
    )
    due_soon_days = st.selectbox(
        t("remind.settings.due_soon_days"),
        DUE_SOON_CHOICES,
        index=DUE_SOON_CHOICES.index(preference.due_soon_days)
        if preference.due_soon_days in DUE_SOON_CHOICES
        else 2,
        format_func=lambda n: t("remind.settings.days_option", count=n),
        key="rs-days",
        placeholder=choose(),
    )
    left, right = st.columns(2)
    weekday = left.selectbox(
        t("remind.settings.digest_weekday"),
        range(7),
        index=preference.digest_weekday,
        format_func=lambda d: t(f"remind.settings.weekday.{d}"),
        key="rs-weekday",
        placeholder=choose(),
    )
    hour = right.selectbox(
        t("remind.settings.digest_hour"),
        range(24),
        index=preference.digest_hour,
        format_func=lambda h: t("remind.settings.hour_option", hour=h),
        key="rs-hour",
        placeholder=choose(),
    )
    escalation = st.checkbox(
        t("remind.settings.escalation"), value=preference.escalation, key="rs-escalation"
    )
    language = st.radio(
        t("remind.settings.language"),
        LANGUAGES,
        index=LANGUAGES.index(preference.language),
        format_func=lambda code: t(f"language.{code}"),
        key="rs-language",
        horizontal=True,
    )
    if st.form_submit_button(t("remind.settings.save"), type="primary"):

        def _save():
            with session_scope(write=True) as session:
                return save_preference(
                    session=session,
                    actor=actor,
                    mode=mode,
                    due_soon_days=due_soon_days,
                    digest_weekday=weekday,
                    digest_hour=hour,
                    escalation=escalation,
                    language=language,
                )

        if attempt(_save) is not None:
            flash("remind.settings.saved")
            st.rerun()
