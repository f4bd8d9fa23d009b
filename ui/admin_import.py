"""Administration → Import: upload a samplan/2 or samplan/1 file, with the choice `samplan import` offers
for citizens imported before: refuse and list them (the default), update them, or copies."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from models.access import Actor
from models.admin_data import ImportOutcome, import_exchange_file
from models.exchange_identity import ON_EXISTING, AlreadyImported
from models.formatting import format_day
from ui.feedback import attempt, flash
from ui.i18n import lang, t
from ui.safe import show_text

SUMMARY_KEY = "_import_summary"  # what an --update changed, shown once after the rerun


def import_section(actor: Actor) -> None:
    _show_last_summary()
    upload = st.file_uploader(t("exchange2.more.import_file"), type=["json"], key="import_file")
    if upload is None:
        return
    choice = st.radio(
        t("first_hour.admin.again_label"), ON_EXISTING, key="import_again",
        format_func=lambda option: t(f"first_hour.admin.again_{option}"),
    )  # fmt: skip
    if not st.button(t("admin.import"), type="primary", key="import_run"):
        return
    data = upload.getvalue()

    def run() -> ImportOutcome | AlreadyImported:
        try:
            return import_exchange_file(actor=actor, data=data, lang=lang(), on_existing=choice)
        except AlreadyImported as refused:  # nothing saved: list who, and the two ways on
            return refused

    outcome = attempt(run)
    if isinstance(outcome, AlreadyImported):
        _show_refusal(outcome)
    elif isinstance(outcome, ImportOutcome) and outcome.problems:
        st.error(t("exchange.import_failed", count=len(outcome.problems)))
        st.dataframe(
            pd.DataFrame(
                {
                    t("admin.col_where"): [p.path for p in outcome.problems],
                    t("admin.col_problem"): [p.message for p in outcome.problems],
                }
            ),
            hide_index=True,
        )
    elif isinstance(outcome, ImportOutcome):
        updated = [c for c in outcome.citizens if c.updated]
        flash("admin.imported", count=len(outcome.citizens) - len(updated))
        if updated:
            st.session_state[SUMMARY_KEY] = [(c.name, list(c.changes)) for c in updated]
        st.rerun()


def _show_refusal(refused: AlreadyImported) -> None:
    st.warning(
        t("exchange_identity.refused", count=len(refused.known)) + " " + t("first_hour.admin.refused_how")
    )
    known = refused.known
    table = {
        t("first_hour.admin.col_name"): [k.name for k in known],
        t("first_hour.admin.col_born"): [format_day(k.birth_date, lang(), style="short") for k in known],
        t("first_hour.admin.col_existing"): [", ".join(map(str, k.existing_ids)) for k in known],
    }
    st.dataframe(pd.DataFrame(table), hide_index=True)


def _show_last_summary() -> None:
    summary = st.session_state.pop(SUMMARY_KEY, None)
    if not summary:
        return
    st.success(t("first_hour.admin.updated", count=len(summary)))
    for name, changes in summary:
        show_text(f"{name}: " + " ".join(changes))  # names and words are user text: never Markdown
