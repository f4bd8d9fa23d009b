"""Step 2 of Forberedelse: the citizen's consents, recorded and withdrawn.

A sharing consent's parties are picked from the municipality's department list (so a consent and
a team member's department match by construction), with "Andet (skriv selv)" for an outside body.
"""

from __future__ import annotations

import streamlit as st

from models import consent as consent_rules
from models.tables import today
from ui import widgets
from ui.i18n import t
from ui.prepare_shared import Prep, department_names, nonce, write
from ui.text_table import show_table
from ui.widgets import choose, day


def _history(prep: Prep) -> None:
    plan, on_day = prep.plan, prep.on_day
    st.subheader(t("before.consent_history"), anchor=False)
    if not plan.consents:
        st.warning(t("prepare.no_consent"))
        return
    show_table(
        {
            t("prepare.col_consent_kind"): [t(f"consent.kind_{c.kind}") for c in plan.consents],
            t("prepare.col_status"): [t(f"consent.status_{c.status(on_day)}") for c in plan.consents],
            t("prepare.col_parties"): [", ".join(c.parties) for c in plan.consents],
            t("before.col_scope"): [c.scope or "" for c in plan.consents],
            t("before.col_form"): [t(f"before.form_{c.form}") if c.form else "" for c in plan.consents],
            t("prepare.col_given"): [day(c.given_on) for c in plan.consents],
            t("prepare.col_expires"): [day(c.expires_on) for c in plan.consents],
            t("before.col_withdrawn"): [day(c.withdrawn_on) for c in plan.consents],
        },
        key="prep-consents",
    )


def _record_form(prep: Prep) -> None:
    st.subheader(t("before.record_consent"), anchor=False)
    # The team's own departments first: those are the ones the consent usually must name.
    listed = department_names()
    team = sorted({p.department for p in prep.active if p.kind == "professional" and p.department})
    options = [*team, *(name for name in listed if name not in team)]
    n = nonce("consent")
    with widgets.form(key=f"consent-{prep.cid}-{n}"):
        kind = st.radio(
            t("before.consent_kind"),
            options=["sharing", "joint_plan"],
            format_func=lambda k: t(f"consent.kind_{k}"),
            key=f"co-kind-{n}",
        )
        picked = st.multiselect(
            t("prep25.consent_departments"),
            options=options,
            placeholder=t("prep25.department_choose"),
            help=t("prep25.consent_departments_help"),
            key=f"co-departments-{n}",
        )
        typed = st.text_area(
            t("prep25.consent_other_parties"),
            help=t("prep25.consent_other_parties_help"),
            key=f"co-parties-{n}",
            height=68,
        )
        scope = st.text_area(t("before.consent_scope"), key=f"co-scope-{n}", height=90)
        form = st.radio(
            t("before.consent_form"),
            options=["written", "oral"],
            index=None,
            horizontal=True,
            format_func=lambda f: t(f"before.form_{f}"),
            key=f"co-form-{n}",
        )
        col_given, col_expires = st.columns(2)
        given = col_given.date_input(
            t("before.consent_given"), value=today(), format="DD.MM.YYYY", key=f"co-given-{n}"
        )
        expires = col_expires.date_input(
            t("before.consent_expires"), value=None, format="DD.MM.YYYY", key=f"co-expires-{n}"
        )
        if st.form_submit_button(t("before.record_consent"), type="primary"):
            parties = [*picked, *(part for line in (typed or "").splitlines() for part in line.split(","))]
            write(
                lambda s: consent_rules.record_consent(
                    session=s,
                    actor=prep.actor,
                    citizen_id=prep.cid,
                    kind=kind,
                    parties=parties,
                    scope=scope,
                    form=form,
                    given_on=given,
                    expires_on=expires,
                ),
                "before.consent_recorded",
                fresh="consent",
            )


def _withdraw_form(prep: Prep) -> None:
    open_consents = [c for c in prep.plan.consents if c.withdrawn_on is None]
    with st.expander(t("before.withdraw_title")):
        if not open_consents:
            st.caption(t("before.no_open_consents"))
            return
        with widgets.form(key=f"withdraw-{prep.cid}"):
            by_id = {c.id: c for c in open_consents}
            which = st.selectbox(
                t("before.withdraw_choose"),
                options=list(by_id),
                format_func=lambda i: (
                    f"{t(f'consent.kind_{by_id[i].kind}')} – {', '.join(by_id[i].parties)} "
                    f"({day(by_id[i].given_on)})"
                ),
                key=f"wd-which-{prep.cid}",
                placeholder=choose(),
            )
            when = st.date_input(
                t("before.withdraw_on"), value=today(), format="DD.MM.YYYY", key=f"wd-on-{prep.cid}"
            )
            if st.form_submit_button(t("before.withdraw")):
                write(
                    lambda s: consent_rules.withdraw_consent(
                        session=s, actor=prep.actor, consent_id=which, withdrawn_on=when
                    ),
                    "before.withdrawn_saved",
                )


def show(prep: Prep) -> None:
    if consent_rules.has_joint_plan_consent(prep.plan.consents, on=prep.on_day):
        st.success(t("before.consent_glance_ok"), icon="✅")
    else:
        st.warning(t("before.consent_glance_missing"), icon="⚠️")
    prep.warn_uncovered(prep.uncovered_ids)
    _history(prep)
    _record_form(prep)
    _withdraw_form(prep)
