"""Forberedelse: everything that must be ready before a network meeting, step by step.

The steps follow the good meeting's routine: citizen, consent, team and network, the meeting,
agenda and roles, the citizen's own preparation, invitations. Every form is an st.form whose
widget keys carry the version the user saw, so a refused save keeps what was typed; every
save goes through ui.feedback.attempt and models/ (authorised, audited, sanitised).
Each step is a function; only the open one runs (lazy tabs, the dispatch at the end).
"""

from collections.abc import Callable
from datetime import date, time

import pandas as pd
import streamlit as st

from exports.calendar import build_meeting_ics
from exports.invitation import build_invitation_docx
from models import consent as consent_rules
from models import meetings, people
from models.db import session_scope
from models.formatting import local
from models.plans import JointPlan, PersonView, person_version_in_plan
from models.tables import today
from ui.citizen_page import load_plan_or_stop
from ui.context import CITIZEN_KEY, current_actor, selected_citizen_id
from ui.downloads import download_button
from ui.feedback import attempt, flash, show_flash
from ui.i18n import lang, t
from ui.safe import escape_markdown, show_text
from ui.widgets import citizen_header, day, moment, person_line

actor = current_actor()
st.title(t("nav.prepare"))
show_flash()


def write(
    work: Callable, done_key: str, *, forget: tuple[str, ...] = (), fresh: str | None = None, **params: object
) -> None:
    """Run one save in a write transaction; on success confirm it after a rerun. `forget` drops
    the remembered versions, `fresh` gives an add-form new, empty widgets (only on success)."""

    def action() -> object:
        with session_scope(write=True) as session:
            result = work(session)
        return True if result is None else result

    result = attempt(action)
    if result is None:
        return  # the error is shown; the form keeps what was typed
    for key in forget:
        st.session_state.pop(key, None)
    if fresh:
        next_nonce(fresh)
    flash(done_key, **params)
    st.rerun()


def seen(name: str, version: int | None) -> int:
    """The version the user saw when the form first opened (0: nothing saved yet). Kept until a
    save succeeds, so a refused save keeps the user's text in the same widgets."""
    return st.session_state.setdefault(f"seen-{name}", version or 0)


def nonce(name: str) -> int:
    return st.session_state.get(f"nonce-{name}", 0)


def next_nonce(name: str) -> None:
    st.session_state[f"nonce-{name}"] = nonce(name) + 1


def new_citizen_form() -> None:
    n = nonce("citizen")
    with st.form(key=f"new-citizen-{n}"):
        name = st.text_input(t("before.citizen_name"), key=f"nc-name-{n}")
        born = st.date_input(
            t("before.birth_date"),
            value=None,
            min_value=date(1900, 1, 1),
            max_value=today(),
            format="DD.MM.YYYY",
            key=f"nc-born-{n}",
        )
        phone = st.text_input(t("before.phone"), key=f"nc-phone-{n}")
        email = st.text_input(t("before.email"), key=f"nc-email-{n}")
        st.caption(t("before.no_cpr"))
        if st.form_submit_button(t("before.create_citizen"), type="primary"):

            def create() -> object:
                with session_scope(write=True) as session:
                    return people.create_citizen(
                        session=session, actor=actor, name=name, birth_date=born, phone=phone, email=email
                    )

            saved = attempt(create)
            if saved is not None:
                next_nonce("citizen")
                st.session_state[CITIZEN_KEY] = saved.id
                flash("before.citizen_created", name=name.strip())
                st.rerun()


if selected_citizen_id() is None:
    st.info(t("before.no_citizen"))
    st.subheader(t("before.new_citizen"), anchor=False)
    new_citizen_form()
    st.stop()

plan: JointPlan = load_plan_or_stop(actor, purpose="prepare.read")
cid = plan.citizen.id
citizen_header(plan)
# Only the open step is built (see the end of the page), so a step that is left takes any unsaved
# text in its forms with it: say so where the steps begin.
st.caption(f"{t('before.intro')} {t('prepare_tabs.unsaved_hint')}")

on_day = plan.loaded_on
active = [p for p in plan.people if p.is_active]
uncovered_ids = {
    p.id for p in consent_rules.uncovered_people(people=active, consents=plan.consents, on=on_day)
}
names = {p.id: p.name for p in plan.people}


def flag(person: PersonView) -> str:
    if person.kind != "professional":
        return t("before.flag_private")
    return t("before.flag_uncovered") if person.id in uncovered_ids else t("before.flag_covered")


def labelled(person_id: int) -> str:
    """A person in a picker: name, role and the consent flag (options are plain text, not Markdown)."""
    person = plan.person(person_id)
    if person is None:
        return ""
    text = person_line(person)
    if person.kind == "professional" and person.id in uncovered_ids:
        text += f" · {t('before.flag_uncovered')}"
    return text


def warn_uncovered(ids: set[int]) -> None:
    if ids:
        listed = ", ".join(names[i] for i in ids if i in names)
        st.warning(escape_markdown(t("before.uncovered_warning", names=listed)), icon="⚠️")


meeting = plan.next_meeting
editable = meeting is not None and meeting.status in meetings.EDITABLE_STATUSES


# --- 1. Citizen ------------------------------------------------------------------------------
def citizen_step() -> None:
    st.subheader(t("before.edit_citizen"), anchor=False)
    v = seen(f"citizen-{cid}", plan.citizen.version)
    with st.form(key=f"citizen-{cid}-{v}"):
        c = plan.citizen
        name = st.text_input(t("before.citizen_name"), value=c.name, key=f"c-name-{cid}-{v}")
        born = st.date_input(
            t("before.birth_date"),
            value=c.birth_date,
            min_value=date(1900, 1, 1),
            max_value=today(),
            format="DD.MM.YYYY",
            key=f"c-born-{cid}-{v}",
        )
        phone = st.text_input(t("before.phone"), value=c.phone or "", key=f"c-phone-{cid}-{v}")
        email = st.text_input(t("before.email"), value=c.email or "", key=f"c-email-{cid}-{v}")
        st.caption(t("before.no_cpr"))
        if st.form_submit_button(t("before.save")):
            write(
                lambda s: people.update_citizen(
                    session=s,
                    actor=actor,
                    citizen_id=cid,
                    seen_version=v,
                    name=name,
                    birth_date=born,
                    phone=phone,
                    email=email,
                ),
                "before.saved",
                forget=(f"seen-citizen-{cid}",),
            )

    st.subheader(t("before.contact_title"), anchor=False)
    st.caption(t("before.contact_help"))
    if not active:
        st.info(t("before.contact_needs_people"))
    else:
        with st.form(key=f"contact-{cid}"):
            options = [None, *[p.id for p in active]]
            current = plan.citizen.contact_person_id
            chosen = st.selectbox(
                t("before.contact_choose"),
                options=options,
                index=options.index(current) if current in options else 0,
                format_func=lambda pid: t("before.contact_none") if pid is None else labelled(pid),
                key=f"contact-choice-{cid}",
            )
            if st.form_submit_button(t("before.save")):
                write(
                    lambda s: people.set_contact_person(
                        session=s, actor=actor, citizen_id=cid, person_id=chosen
                    ),
                    "before.contact_saved",
                )

    with st.expander(t("before.new_citizen")):
        new_citizen_form()


# --- 2. Consent -------------------------------------------------------------------------------
def consent_step() -> None:
    if consent_rules.has_joint_plan_consent(plan.consents, on=on_day):
        st.success(t("before.consent_glance_ok"), icon="✅")
    else:
        st.warning(t("before.consent_glance_missing"), icon="⚠️")
    warn_uncovered(uncovered_ids)
    st.subheader(t("before.consent_history"), anchor=False)
    if plan.consents:
        st.dataframe(
            pd.DataFrame(
                {
                    t("prepare.col_consent_kind"): [t(f"consent.kind_{c.kind}") for c in plan.consents],
                    t("prepare.col_status"): [t(f"consent.status_{c.status(on_day)}") for c in plan.consents],
                    t("prepare.col_parties"): [", ".join(c.parties) for c in plan.consents],
                    t("before.col_scope"): [c.scope or "" for c in plan.consents],
                    t("before.col_form"): [
                        t(f"before.form_{c.form}") if c.form else "" for c in plan.consents
                    ],
                    t("prepare.col_given"): [day(c.given_on) for c in plan.consents],
                    t("prepare.col_expires"): [day(c.expires_on) for c in plan.consents],
                    t("before.col_withdrawn"): [day(c.withdrawn_on) for c in plan.consents],
                }
            ),
            hide_index=True,
        )
    else:
        st.warning(t("prepare.no_consent"))

    st.subheader(t("before.record_consent"), anchor=False)
    n = nonce("consent")
    with st.form(key=f"consent-{cid}-{n}"):
        kind = st.radio(
            t("before.consent_kind"),
            options=["sharing", "joint_plan"],
            format_func=lambda k: t(f"consent.kind_{k}"),
            key=f"co-kind-{n}",
        )
        parties = st.text_area(
            t("before.consent_parties"),
            help=t("before.consent_parties_help"),
            key=f"co-parties-{n}",
            height=90,
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
            write(
                lambda s: consent_rules.record_consent(
                    session=s,
                    actor=actor,
                    citizen_id=cid,
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

    open_consents = [c for c in plan.consents if c.withdrawn_on is None]
    with st.expander(t("before.withdraw_title")):
        if not open_consents:
            st.caption(t("before.no_open_consents"))
        else:
            with st.form(key=f"withdraw-{cid}"):
                by_id = {c.id: c for c in open_consents}
                which = st.selectbox(
                    t("before.withdraw_choose"),
                    options=list(by_id),
                    format_func=lambda i: (
                        f"{t(f'consent.kind_{by_id[i].kind}')} – {', '.join(by_id[i].parties)} "
                        f"({day(by_id[i].given_on)})"
                    ),
                    key=f"wd-which-{cid}",
                )
                when = st.date_input(
                    t("before.withdraw_on"), value=today(), format="DD.MM.YYYY", key=f"wd-on-{cid}"
                )
                if st.form_submit_button(t("before.withdraw")):
                    write(
                        lambda s: consent_rules.withdraw_consent(
                            session=s, actor=actor, consent_id=which, withdrawn_on=when
                        ),
                        "before.withdrawn_saved",
                    )


# --- 3. Team and network ----------------------------------------------------------------------
def team_step() -> None:
    warn_uncovered(uncovered_ids)
    professionals = [p for p in active if p.kind == "professional"]
    if professionals and not any(p.is_coordinator for p in professionals):
        st.warning(t("before.no_coordinator"), icon="⚠️")
    elif professionals and not any(p.is_deputy for p in professionals):
        st.info(t("before.no_deputy"))

    def marks(p: PersonView) -> str:
        found = [
            t("before.mark_coordinator") if p.is_coordinator else "",
            t("before.mark_deputy") if p.is_deputy else "",
            t("before.mark_contact") if p.id == plan.citizen.contact_person_id else "",
        ]
        return ", ".join(m for m in found if m)

    if active:
        st.dataframe(
            pd.DataFrame(
                {
                    t("prepare.col_name"): [p.name for p in active],
                    t("prepare.col_kind"): [t(f"person.kind_{p.kind}") for p in active],
                    t("prepare.col_role"): [p.title or p.relation or "" for p in active],
                    t("prepare.col_department"): [p.department or "" for p in active],
                    t("before.col_consent"): [flag(p) for p in active],
                    t("before.col_marks"): [marks(p) for p in active],
                    t("before.col_contact"): [" · ".join(x for x in (p.phone, p.email) if x) for p in active],
                }
            ),
            hide_index=True,
        )
    else:
        st.info(t("prepare.no_people"))
    if len(active) != len(plan.people):
        with st.expander(t("before.team_history")):
            st.dataframe(
                pd.DataFrame(
                    {
                        t("prepare.col_name"): [p.name for p in plan.people],
                        t("prepare.col_role"): [p.title or p.relation or "" for p in plan.people],
                        t("prepare.col_department"): [p.department or "" for p in plan.people],
                        t("before.col_added"): [day(p.added_on) for p in plan.people],
                        t("before.col_removed"): [day(p.removed_on) for p in plan.people],
                    }
                ),
                hide_index=True,
            )

    col_pro, col_private = st.columns(2)
    with col_pro:
        st.subheader(t("before.add_professional"), anchor=False)
        n = nonce("pro")
        with session_scope() as session:
            users = people.linkable_users(session=session, actor=actor)
        user_names = {u.id: f"{u.full_name} ({u.username})" for u in users}
        with st.form(key=f"pro-{cid}-{n}"):
            p_name = st.text_input(t("before.person_name"), key=f"pro-name-{n}")
            p_dep = st.text_input(t("before.department"), key=f"pro-dep-{n}")
            p_title = st.text_input(t("before.title"), key=f"pro-title-{n}")
            p_email = st.text_input(t("before.email"), key=f"pro-email-{n}")
            p_phone = st.text_input(t("before.phone"), key=f"pro-phone-{n}")
            p_user = st.selectbox(
                t("before.user_account"),
                options=[None, *user_names],
                format_func=lambda u: t("before.no_user") if u is None else user_names[u],
                key=f"pro-user-{n}",
            )
            p_coord = st.checkbox(t("before.is_coordinator"), key=f"pro-coord-{n}")
            p_deputy = st.checkbox(t("before.is_deputy"), key=f"pro-deputy-{n}")
            if st.form_submit_button(t("before.add"), type="primary"):
                write(
                    lambda s: people.add_person(
                        session=s,
                        actor=actor,
                        citizen_id=cid,
                        kind="professional",
                        name=p_name,
                        department=p_dep,
                        title=p_title,
                        email=p_email,
                        phone=p_phone,
                        user_id=p_user,
                        is_coordinator=p_coord,
                        is_deputy=p_deputy,
                    ),
                    "before.person_added",
                    fresh="pro",
                    name=p_name.strip(),
                )
    with col_private:
        st.subheader(t("before.add_private"), anchor=False)
        n = nonce("private")
        with st.form(key=f"private-{cid}-{n}"):
            q_name = st.text_input(t("before.person_name"), key=f"pri-name-{n}")
            q_rel = st.text_input(t("before.relation"), key=f"pri-rel-{n}")
            q_phone = st.text_input(t("before.phone"), key=f"pri-phone-{n}")
            q_email = st.text_input(t("before.email"), key=f"pri-email-{n}")
            if st.form_submit_button(t("before.add"), type="primary"):
                write(
                    lambda s: people.add_person(
                        session=s,
                        actor=actor,
                        citizen_id=cid,
                        kind="private",
                        name=q_name,
                        relation=q_rel,
                        email=q_email,
                        phone=q_phone,
                    ),
                    "before.person_added",
                    fresh="private",
                    name=q_name.strip(),
                )

    if active:
        st.subheader(t("before.edit_person"), anchor=False)
        pid = st.selectbox(
            t("before.choose_person"),
            options=[p.id for p in active],
            format_func=labelled,
            key=f"edit-choice-{cid}",
        )
        person = plan.person(pid)
        if person is not None:
            with session_scope() as session:
                version = person_version_in_plan(session=session, actor=actor, plan=plan, person_id=pid)
            v = seen(f"person-{pid}", version)
            with st.form(key=f"person-{pid}-{v}"):
                e_name = st.text_input(t("before.person_name"), value=person.name, key=f"pe-name-{pid}-{v}")
                pro = person.kind == "professional"
                e_dep = st.text_input(
                    t("before.department"),
                    value=person.department or "",
                    key=f"pe-dep-{pid}-{v}",
                    disabled=not pro,
                )
                e_title = st.text_input(
                    t("before.title"), value=person.title or "", key=f"pe-title-{pid}-{v}", disabled=not pro
                )
                e_rel = st.text_input(
                    t("before.relation"), value=person.relation or "", key=f"pe-rel-{pid}-{v}", disabled=pro
                )
                e_email = st.text_input(
                    t("before.email"), value=person.email or "", key=f"pe-email-{pid}-{v}"
                )
                e_phone = st.text_input(
                    t("before.phone"), value=person.phone or "", key=f"pe-phone-{pid}-{v}"
                )
                e_coord = st.checkbox(
                    t("before.is_coordinator"),
                    value=person.is_coordinator,
                    key=f"pe-coord-{pid}-{v}",
                    disabled=not pro,
                )
                e_deputy = st.checkbox(
                    t("before.is_deputy"),
                    value=person.is_deputy,
                    key=f"pe-deputy-{pid}-{v}",
                    disabled=not pro,
                )
                if st.form_submit_button(t("before.save")):
                    write(
                        lambda s: people.update_person(
                            session=s,
                            actor=actor,
                            person_id=pid,
                            seen_version=v,
                            name=e_name,
                            department=e_dep,
                            title=e_title,
                            relation=e_rel,
                            email=e_email,
                            phone=e_phone,
                            is_coordinator=e_coord,
                            is_deputy=e_deputy,
                        ),
                        "before.person_saved",
                        forget=(f"seen-person-{pid}",),
                    )
        with st.expander(t("before.remove_person")), st.form(key=f"remove-{cid}"):
            r_pid = st.selectbox(
                t("before.choose_person"),
                options=[p.id for p in active],
                format_func=labelled,
                key=f"remove-choice-{cid}",
            )
            r_on = st.date_input(
                t("before.remove_on"), value=today(), format="DD.MM.YYYY", key=f"remove-on-{cid}"
            )
            if st.form_submit_button(t("before.remove")):
                write(
                    lambda s: people.remove_person(session=s, actor=actor, person_id=r_pid, on=r_on),
                    "before.person_removed",
                    name=names.get(r_pid, ""),
                )


# --- 4. The meeting ---------------------------------------------------------------------------
def meeting_step() -> None:
    if not active:
        st.info(t("before.needs_people"))
    elif meeting is not None and meeting.status == "in_progress":
        st.info(t("meeting.when", when=moment(meeting.starts_at)))
    else:
        if meeting is not None:
            if meeting.status == "draft":
                st.warning(t("before.meeting_status_draft"), icon="📝")
            else:
                st.success(t("before.meeting_status_planned"), icon="✅")
        suggested = meetings.suggested_day_for(plan, on=on_day)
        st.caption(t("before.suggested_day", per_year=plan.citizen.meetings_per_year, day=day(suggested)))
        mid = meeting.id if meeting else 0
        v = seen(f"meeting-{mid}", meeting.version if meeting else None)
        start = local(meeting.starts_at) if meeting else None
        ids = [p.id for p in active]
        chosen_before = [p.person_id for p in meeting.participants if p.person_id in ids] if meeting else []
        st.subheader(t("before.edit_meeting") if meeting else t("before.new_meeting"), anchor=False)
        with st.form(key=f"meeting-{cid}-{mid}-{v}"):
            col_day, col_clock, col_minutes = st.columns(3)
            m_day = col_day.date_input(
                t("before.day"),
                value=start.date() if start else suggested,
                format="DD.MM.YYYY",
                key=f"m-day-{mid}-{v}",
            )
            m_clock = col_clock.time_input(
                t("before.clock"),
                value=start.time() if start else time(10, 0),
                step=900,
                key=f"m-clock-{mid}-{v}",
            )
            m_minutes = col_minutes.number_input(
                t("before.minutes"),
                min_value=meetings.MIN_MINUTES,
                max_value=meetings.MAX_MINUTES,
                step=5,
                value=meeting.minutes if meeting else meetings.DEFAULT_MINUTES,
                key=f"m-minutes-{mid}-{v}",
            )
            m_place = st.text_input(
                t("before.place"), value=(meeting.place or "") if meeting else "", key=f"m-place-{mid}-{v}"
            )
            m_link = st.text_input(
                t("before.video_link"),
                value=(meeting.video_link or "") if meeting else "",
                key=f"m-link-{mid}-{v}",
            )
            st.info(t("before.citizen_decides"), icon="🙋")
            m_people = st.multiselect(
                t("before.participants"),
                options=ids,
                default=chosen_before,
                format_func=labelled,
                key=f"m-people-{mid}-{v}",
            )
            col_leader, col_notes = st.columns(2)
            leader_default = meeting.leader_person_id if meeting else None
            notes_default = meeting.note_taker_person_id if meeting else None
            m_leader = col_leader.selectbox(
                t("before.leader"),
                options=ids,
                format_func=labelled,
                placeholder=t("before.choose"),
                index=ids.index(leader_default) if leader_default in ids else None,
                key=f"m-leader-{mid}-{v}",
            )
            m_notes = col_notes.selectbox(
                t("before.note_taker"),
                options=ids,
                format_func=labelled,
                placeholder=t("before.choose"),
                index=ids.index(notes_default) if notes_default in ids else None,
                key=f"m-notes-{mid}-{v}",
            )
            if st.form_submit_button(t("before.save") if meeting else t("before.schedule"), type="primary"):
                values = dict(
                    day=m_day,
                    clock=m_clock,
                    minutes=m_minutes,
                    place=m_place,
                    video_link=m_link,
                    participant_ids=m_people,
                    leader_id=m_leader,
                    note_taker_id=m_notes,
                )
                if meeting is None:
                    write(
                        lambda s: meetings.schedule_meeting(
                            session=s, actor=actor, citizen_id=cid, lang=lang(), **values
                        ),
                        "before.meeting_saved",
                        forget=("seen-meeting-0",),
                        status=t("before.status_draft"),
                    )
                else:
                    write(
                        lambda s: meetings.update_meeting(
                            session=s, actor=actor, meeting_id=mid, seen_version=v, **values
                        ),
                        "before.meeting_saved",
                        forget=(f"seen-meeting-{mid}",),
                        status=t(f"before.status_{meeting.status}"),
                    )

        if meeting is not None:
            if meetings.same_leader_and_note_taker(meeting.leader_person_id, meeting.note_taker_person_id):
                st.warning(t("before.same_person_warning"), icon="⚠️")
            with session_scope() as session:
                clashes = meetings.double_bookings_in_plan(
                    session=session, actor=actor, plan=plan, meeting_id=meeting.id
                )
            for clash in clashes:
                st.warning(
                    escape_markdown(
                        t(
                            "before.clash_warning",
                            name=clash.person_name,
                            when=moment(clash.other_starts_at),
                            minutes=clash.other_minutes,
                        )
                    ),
                    icon="📅",
                )
            warn_uncovered(meetings.uncovered_participants(plan, meeting, on=on_day))
            if meeting.status == "draft" and st.button(
                t("before.confirm"), type="primary", key=f"confirm-{mid}"
            ):
                write(
                    lambda s: meetings.confirm_meeting(
                        session=s, actor=actor, meeting_id=mid, seen_version=meeting.version
                    ),
                    "before.confirmed",
                    forget=(f"seen-meeting-{mid}",),
                )

            pros = [
                mp
                for mp in meeting.participants
                if (p := plan.person(mp.person_id)) is not None and p.kind == "professional"
            ]
            if pros:
                st.subheader(t("before.written_status_title"), anchor=False)
                st.caption(t("before.written_status_help"))
                for mp in pros:
                    if mp.written_status:
                        st.caption(escape_markdown(names.get(mp.person_id, "")))
                        show_text(mp.written_status)
                with st.form(key=f"status-{mid}"):
                    s_pid = st.selectbox(
                        t("before.written_status_person"),
                        options=[mp.person_id for mp in pros],
                        format_func=labelled,
                        key=f"status-who-{mid}",
                    )
                    s_text = st.text_area(
                        t("before.written_status_text"), key=f"status-text-{mid}", height=100
                    )
                    if st.form_submit_button(t("before.save_written_status")):
                        write(
                            lambda s: meetings.save_written_status(
                                session=s, actor=actor, meeting_id=mid, person_id=s_pid, text=s_text
                            ),
                            "before.written_status_saved",
                            forget=(f"status-text-{mid}",),
                        )


# --- 5. Agenda and roles ----------------------------------------------------------------------
def agenda_step() -> None:
    if meeting is None:
        st.info(t("before.needs_meeting"))
    else:
        total = meetings.agenda_total(meeting.agenda)
        over = meetings.agenda_overrun(meeting.agenda, meeting.minutes)
        st.metric(
            t("before.agenda_sum", total=total, minutes=meeting.minutes), f"{total} / {meeting.minutes}"
        )
        if over:
            st.error(t("before.agenda_over", over=over), icon="⏱️")
        st.caption(t("before.agenda_help"))
        v = seen(f"agenda-{meeting.id}", meeting.version)
        rows = [*meeting.agenda, None, None]
        with st.form(key=f"agenda-{meeting.id}-{v}"):
            entries = []
            for n, item in enumerate(rows):
                col_title, col_minutes = st.columns([5, 1])
                title = col_title.text_input(
                    t("before.agenda_title", number=n + 1),
                    value=item.title if item else "",
                    key=f"ag-title-{v}-{n}",
                )
                box = col_minutes.number_input(
                    t("before.agenda_minutes"),
                    min_value=0,
                    max_value=480,
                    step=1,
                    value=item.minutes if item else None,
                    key=f"ag-min-{v}-{n}",
                )
                entries.append((title, box))
            if st.form_submit_button(t("before.save_agenda"), type="primary", disabled=not editable):
                write(
                    lambda s: meetings.save_agenda(
                        session=s, actor=actor, meeting_id=meeting.id, seen_version=v, items=entries
                    ),
                    "before.agenda_saved",
                    forget=(f"seen-agenda-{meeting.id}",),
                )
        if editable and st.button(t("before.agenda_reset"), key=f"agenda-reset-{meeting.id}"):
            defaults = meetings.default_agenda(meeting.minutes, lang=lang())
            write(
                lambda s: meetings.save_agenda(
                    session=s,
                    actor=actor,
                    meeting_id=meeting.id,
                    seen_version=v,
                    items=[(line.title, line.minutes) for line in defaults],
                ),
                "before.agenda_saved",
                forget=(f"seen-agenda-{meeting.id}",),
            )

    st.subheader(t("before.checklists"), anchor=False)
    for column, role in zip(st.columns(len(meetings.CHECKLIST_ROLES)), meetings.CHECKLIST_ROLES, strict=True):
        with column, st.container(border=True):
            st.markdown(f"**{t(f'before.role.{role}')}**")
            for phase in meetings.CHECKLIST_PHASES:
                st.caption(t(f"before.role.{phase}"))
                st.markdown(
                    "\n".join(f"- {line}" for line in t(meetings.checklist_key(role, phase)).split("\n"))
                )


# --- 6. The citizen's preparation -------------------------------------------------------------
def preparation_step() -> None:
    if meeting is None:
        st.info(t("before.needs_meeting"))
    else:
        st.caption(t("before.prep_help"))
        prep = meeting.preparation
        v = seen(f"prep-{meeting.id}", prep.version if prep else None)
        things = meetings.split_matters_most(prep.matters_most if prep else None)
        with st.form(key=f"prep-{meeting.id}-{v}"):
            matters = [
                st.text_input(
                    t("before.matters_most", number=n + 1),
                    value=things[n] if n < len(things) else "",
                    key=f"prep-mm{n}-{meeting.id}-{v}",
                )
                for n in range(meetings.MAX_MATTERS_MOST)
            ]
            texts = {
                name: st.text_area(
                    t(f"preparation.{name}"),
                    value=(getattr(prep, name) or "") if prep else "",
                    help=t("before.not_to_raise_help") if name == "not_to_raise" else None,
                    key=f"prep-{name}-{meeting.id}-{v}",
                    height=100,
                )
                for name in ("dream", "going_well", "questions", "not_to_raise", "when_hard")
            }
            if st.form_submit_button(t("before.save_preparation"), type="primary", disabled=not editable):
                write(
                    lambda s: meetings.save_preparation(
                        session=s,
                        actor=actor,
                        meeting_id=meeting.id,
                        seen_version=v or None,
                        matters_most=matters,
                        **texts,
                    ),
                    "before.preparation_saved",
                    forget=(f"seen-prep-{meeting.id}",),
                )


# --- 7. Invitations ----------------------------------------------------------------------------
def invitations_step() -> None:
    if meeting is None:
        st.info(t("before.needs_meeting"))
    elif meeting.status == "draft":
        st.info(t("before.invitations_draft"), icon="📝")
    else:
        st.caption(t("before.invitations_help"))
        invitation = meetings.build_invitation(plan, meeting.id, on=on_day)
        st.write(t("before.receives"))
        lines = [f"{plan.citizen.name}" + (f" <{plan.citizen.email}>" if plan.citizen.email else "")]
        lines += [
            person_line(plan.person(p.id)) + (f" <{p.email}>" if p.email else f" – {t('before.no_email')}")
            for p in invitation.invited
        ]
        show_text("\n".join(lines), key="invitation-receivers")
        if invitation.left_out:
            st.warning(
                escape_markdown(t("before.left_out", names=", ".join(p.name for p in invitation.left_out))),
                icon="⚠️",
            )
        meeting_id, chosen_lang = meeting.id, lang()

        def ics(who) -> bytes:  # noqa: ANN001
            with session_scope() as session:
                found = meetings.load_invitation(
                    session=session,
                    actor=who,
                    citizen_id=cid,
                    meeting_id=meeting_id,
                    purpose="invitation.export_ics",
                )
            return build_meeting_ics(found, lang=chosen_lang)

        def letter(who) -> bytes:  # noqa: ANN001
            with session_scope() as session:
                found = meetings.load_invitation(
                    session=session,
                    actor=who,
                    citizen_id=cid,
                    meeting_id=meeting_id,
                    purpose="invitation.export_docx",
                )
            return build_invitation_docx(found, lang=chosen_lang)

        stamp = local(meeting.starts_at).strftime("%Y-%m-%d")
        col_ics, col_letter = st.columns(2)
        download_button(
            t("before.download_ics"),
            kind="invitation_ics",
            build=ics,
            citizen_id=cid,
            container=col_ics,
            file_name=f"samplan-moede-{stamp}.ics",
            mime="text/calendar",
            on_click="ignore",
            key="download-ics",
            type="primary",
        )
        download_button(
            t("before.download_letter"),
            kind="invitation_docx",
            build=letter,
            citizen_id=cid,
            container=col_letter,
            file_name=f"invitation-{stamp}.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            on_click="ignore",
            key="download-letter",
            type="primary",
        )


# Only the open step runs. Each step is a few dozen widgets and every widget call costs Streamlit
# about a millisecond of session-state bookkeeping, so building all seven on every rerun made each
# click slow. The open step is kept in st.session_state["prepare-step"] (its label), not in the URL:
# the labels are translated, so a shared link would point nowhere after a language switch.
STEPS = {
    "citizen": citizen_step,
    "consent": consent_step,
    "team": team_step,
    "meeting": meeting_step,
    "agenda": agenda_step,
    "preparation": preparation_step,
    "invitations": invitations_step,
}
tabs = st.tabs([t(f"before.tab_{name}") for name in STEPS], key="prepare-step", on_change="rerun")
for tab, step in zip(tabs, STEPS.values(), strict=True):
    if tab.open:
        with tab:
            step()
