"""Administration: accounts, team membership (with history) and the demo data."""

import pandas as pd
import streamlit as st

from models.admin_data import backup_bytes, backup_possible, export_all_json
from models.db import session_scope
from models.downloads import administrators
from models.leaders import leader_ids, set_leader
from models.team import add_team_member, end_team_membership, team_history
from models.users import create_user, list_users
from ui.admin_departments import department_section
from ui.admin_import import import_section
from ui.admin_mail import mail_section
from ui.admin_sso import sso_section
from ui.context import current_actor, selected_citizen_id
from ui.downloads import download_button
from ui.feedback import attempt, flash, show_flash
from ui.i18n import t
from ui.widgets import choose, form, moment

actor = current_actor()
st.title(t("nav.admin"))
show_flash()
if not actor.is_admin:
    st.warning(t("error.admin_only"))
    st.stop()

with session_scope() as session:
    users = list_users(session=session, actor=actor)
    leaders = leader_ids(session=session, actor=actor)

st.subheader(t("admin.users"), anchor=False)
st.dataframe(
    pd.DataFrame(
        {
            t("admin.col_username"): [u.username for u in users],
            t("admin.col_name"): [u.full_name for u in users],
            t("admin.col_email"): [u.email or "" for u in users],
            t("admin.col_role"): [t(f"role.{u.role}") for u in users],
            t("admin.col_locked"): [t("admin.yes") if u.locked else "" for u in users],
            t("overview_access.col_leader"): [t("admin.yes") if u.id in leaders else "" for u in users],
        }
    ),
    hide_index=True,
)

with form("new_user", clear_on_submit=False):
    st.markdown(f"**{t('admin.new_user')}**")
    username = st.text_input(t("first_run.username"), key="new_username")
    full_name = st.text_input(t("first_run.full_name"), key="new_full_name")
    email = st.text_input(t("first_run.email"), key="new_email")
    role = st.selectbox(t("admin.col_role"), ["staff", "admin"], format_func=lambda r: t(f"role.{r}"),
                        placeholder=choose())  # fmt: skip
    password = st.text_input(t("first_run.password"), type="password", key="new_password")
    if st.form_submit_button(t("admin.create_user"), type="primary"):

        def _create():
            with session_scope(write=True) as session:
                return create_user(
                    session=session, username=username, full_name=full_name, email=email or None,
                    role=role, password=password, actor=actor,
                )

        if attempt(_create) is not None:
            flash("admin.user_created", username=username.strip().lower())
            st.rerun()

st.subheader(t("overview_access.leaders_title"), anchor=False)
st.caption(t("overview_access.leaders_help"))
with form("leader"):
    accounts = {u.id: f"{u.full_name} ({u.username})" for u in users}
    chosen = st.selectbox(
        t("overview_access.leader_user"), list(accounts), format_func=lambda uid: accounts[uid], index=None,
        placeholder=t("admin.choose_user"), key="leader_user",
    )  # fmt: skip
    grant_column, withdraw_column = st.columns(2)
    grant = grant_column.form_submit_button(t("overview_access.leader_grant"))
    withdraw = withdraw_column.form_submit_button(t("overview_access.leader_withdraw"))
    if (grant or withdraw) and chosen is not None:

        def _set_leader():
            with session_scope(write=True) as session:
                return set_leader(session=session, actor=actor, user_id=chosen, leader=grant)

        changed = attempt(_set_leader)
        if changed is not None:
            done = "overview_access.leader_granted" if grant else "overview_access.leader_withdrawn"
            flash(done if changed else "overview_access.leader_unchanged")
            st.rerun()

department_section(actor)
mail_section(actor)  # SMTP server, test mail, send log (issue 21)
sso_section(actor)  # single sign-on's bindings, and removing a wrong one (issue 22)

st.subheader(t("admin.data"), anchor=False)
st.caption(t("admin.data_intro"))
import_section(actor)  # refuse, update or copy citizens imported before (issue 19)
left, right = st.columns(2)
download_button(
    t("admin.export_all"), kind="export_all", build=lambda who: export_all_json(actor=who),
    may=administrators, container=left, file_name="samplan-alle.json", mime="application/json",
    key="export_all", on_click="ignore",
)
download_button(
    t("admin.backup"), kind="backup", build=lambda who: backup_bytes(), may=administrators,
    container=right, file_name="samplan-backup.db", mime="application/octet-stream", key="backup",
    disabled=not backup_possible(), on_click="ignore",
)

st.subheader(t("admin.team"), anchor=False)
citizen_id = selected_citizen_id()
if citizen_id is None:
    st.info(t("citizen.choose_hint"))
    st.stop()

with session_scope() as session:
    history = team_history(session=session, actor=actor, citizen_id=citizen_id)
st.dataframe(
    pd.DataFrame(
        {
            t("admin.col_name"): [m.full_name for m in history],
            t("admin.col_started"): [moment(m.started_at) for m in history],
            t("admin.col_ended"): [moment(m.ended_at) for m in history],
            t("admin.col_reason"): [m.end_reason or "" for m in history],
        }
    ),
    hide_index=True,
)
active = [m for m in history if m.is_active]
members = {m.user_id for m in active}
candidates = {u.id: u.full_name for u in users if u.id not in members and u.is_active}
left, right = st.columns(2)
with left, form("add_member"):
    new_member = st.selectbox(
        t("admin.add_member"), list(candidates), format_func=lambda uid: candidates[uid], index=None,
        placeholder=t("admin.choose_user"),
    )
    if st.form_submit_button(t("admin.add")) and new_member is not None:

        def _add():
            with session_scope(write=True) as session:
                return add_team_member(
                    session=session, actor=actor, citizen_id=citizen_id, user_id=new_member
                )

        if attempt(_add) is not None:
            flash("admin.member_added")
            st.rerun()
with right, form("end_member"):
    names = {m.id: m.full_name for m in active}
    ending = st.selectbox(
        t("admin.end_member"), list(names), format_func=lambda mid: names[mid], index=None,
        placeholder=t("admin.choose_user"),
    )
    reason = st.text_input(t("admin.reason"), key="end_reason")
    if st.form_submit_button(t("admin.end")) and ending is not None:

        def _end():
            with session_scope(write=True) as session:
                return end_team_membership(session=session, actor=actor, membership_id=ending, reason=reason)

        if attempt(_end) is not None:
            flash("admin.member_ended")
            st.rerun()
