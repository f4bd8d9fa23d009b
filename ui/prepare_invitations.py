"""Step 7 of Forberedelse: who receives the invitation, the calendar file and the letter.

Each letter download stores a fingerprint of what the letter shows (models.invitation_letters,
inside the download's build callable: it runs at the click, after the login check). When the
letter would say something else now, the step says so and offers a fresh one.
"""

from __future__ import annotations

import streamlit as st

from exports.calendar import build_meeting_ics
from exports.invitation import build_invitation_docx
from models import invitation_letters
from models.access import Actor
from models.db import session_scope
from models.formatting import format_clock, format_moment, local
from models.invitation import Invitation, build_invitation, load_invitation
from models.tables import today
from ui.downloads import download_button
from ui.i18n import lang, t
from ui.prepare_shared import Prep
from ui.safe import escape_markdown, show_text
from ui.widgets import person_line

LETTER_KEY = "download-letter"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _receivers(prep: Prep, invitation: Invitation) -> None:
    plan = prep.plan
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


def _letter_state(prep: Prep, invitation: Invitation) -> None:
    """Say when the last downloaded letter is older than what it would show now.

    The file is built on a thread of its own while the click's rerun draws the page, so in that
    rerun the new fingerprint may not be stored yet: it says only that a letter was fetched."""
    if st.session_state.get(LETTER_KEY):
        st.caption(t("prep25.letter_just_fetched"))
        return
    with session_scope() as session:
        state = invitation_letters.letter_state(
            session=session, actor=prep.actor, plan=prep.plan, invitation=invitation
        )
    if state is None:
        return
    fetched = local(state.downloaded_at)
    same_day = fetched.date() == today()
    at = format_clock(fetched, lang()) if same_day else format_moment(fetched, lang())
    if state.is_stale:
        what = ", ".join(t(f"prep25.letter_changed_{part}") for part in state.changed)
        st.warning(t("prep25.letter_stale", time=at, what=what), icon="📄")
    else:
        st.caption(t("prep25.letter_current", time=at))


def show(prep: Prep) -> None:
    meeting, cid = prep.meeting, prep.cid
    if meeting is None:
        st.info(t("before.needs_meeting"))
        return
    if meeting.status == "draft":
        st.info(t("before.invitations_draft"), icon="📝")
        return
    st.caption(t("before.invitations_help"))
    invitation = build_invitation(prep.plan, meeting.id, on=prep.on_day)
    _receivers(prep, invitation)
    _letter_state(prep, invitation)
    meeting_id, chosen_lang = meeting.id, lang()

    def load(who: Actor, purpose: str) -> Invitation:
        with session_scope() as session:
            return load_invitation(
                session=session, actor=who, citizen_id=cid, meeting_id=meeting_id, purpose=purpose
            )

    def ics(who: Actor) -> bytes:
        return build_meeting_ics(load(who, "invitation.export_ics"), lang=chosen_lang)

    def letter(who: Actor) -> bytes:
        found = load(who, "invitation.export_docx")
        data = build_invitation_docx(found, lang=chosen_lang)
        # A short write transaction of its own: the plan was read without holding the write lock.
        with session_scope(write=True) as session:
            invitation_letters.remember_download(session=session, actor=who, invitation=found)
        return data

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
    # on_click="rerun": after a download the page draws again, so a stale-letter warning goes.
    download_button(
        t("before.download_letter"),
        kind="invitation_docx",
        build=letter,
        citizen_id=cid,
        container=col_letter,
        file_name=f"invitation-{stamp}.docx",
        mime=DOCX,
        on_click="rerun",
        key=LETTER_KEY,
        type="primary",
    )
